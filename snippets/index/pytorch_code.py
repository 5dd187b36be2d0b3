# --8<-- [start:hello]
import torch

x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
print(x * 10)
print("shape:", tuple(x.shape), "| sum:", x.sum().item())
# --8<-- [end:hello]
