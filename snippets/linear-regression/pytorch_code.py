# --8<-- [start:data]
import numpy as np

rng = np.random.default_rng(0)
x = rng.uniform(-2, 2, size=(100, 1)).astype(np.float32)
noise = rng.normal(0, 0.5, size=(100, 1)).astype(np.float32)
y = 3 * x + 2 + noise  # the line we hope to recover: weight 3, bias 2
print("x:", x.shape, x.dtype, "| y:", y.shape, y.dtype)
# --8<-- [end:data]

# --8<-- [start:model]
import torch
from torch import nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

x_t = torch.from_numpy(x).to(device)  # NumPy array -> tensor
y_t = torch.from_numpy(y).to(device)

model = nn.Linear(1, 1).to(device)  # one input, one output: y = w * x + b
print("parameters:", sum(p.numel() for p in model.parameters()))
# --8<-- [end:model]

# --8<-- [start:loss-and-optimizer]
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
print("loss:", type(loss_fn).__name__, "| optimizer:", type(optimizer).__name__)
# --8<-- [end:loss-and-optimizer]

# --8<-- [start:one-step]
with torch.no_grad():  # start both frameworks from the same point
    model.weight.fill_(0.0)
    model.bias.fill_(0.0)

loss = loss_fn(model(x_t), y_t)  # forward pass and loss
loss.backward()  # fills model.weight.grad and model.bias.grad
print(f"loss={loss.item():.3f} "
      f"grad weight={model.weight.grad.item():.3f} grad bias={model.bias.grad.item():.3f}")
# --8<-- [end:one-step]

# --8<-- [start:train]
for step in range(50):
    optimizer.zero_grad()  # clear the gradients of the previous step
    loss = loss_fn(model(x_t), y_t)
    loss.backward()
    optimizer.step()  # w = w - lr * grad, for every parameter
print(f"last loss: {loss.item():.4f}")
# --8<-- [end:train]

# --8<-- [start:fitted]
weight = model.weight.item()
bias = model.bias.item()
print(f"weight={weight:.2f} bias={bias:.2f}")
# --8<-- [end:fitted]

# --8<-- [start:predict]
with torch.no_grad():
    prediction = model(torch.tensor([[4.0]], device=device))
print(f"prediction for x=4: {prediction.item():.2f}")
# --8<-- [end:predict]

# --8<-- [start:batches]
from torch.utils.data import DataLoader, TensorDataset

loader = DataLoader(TensorDataset(x_t, y_t), batch_size=32, shuffle=True)
print("batches per epoch:", len(loader))
# --8<-- [end:batches]

# --8<-- [start:exercise-closed-form]
design = torch.cat([x_t, torch.ones_like(x_t)], dim=1)  # columns x and 1: design @ [w, b] = w * x + b
best_weight, best_bias = torch.linalg.lstsq(design, y_t).solution.flatten().tolist()
print(f"least squares: weight={best_weight:.3f} bias={best_bias:.3f}")
print("trained line within 0.01 of it:", abs(weight - best_weight) < 0.01 and abs(bias - best_bias) < 0.01)
# --8<-- [end:exercise-closed-form]

# --8<-- [start:exercise-mini-batches]
line = nn.Linear(1, 1).to(device)
with torch.no_grad():
    line.weight.fill_(0.0)
    line.bias.fill_(0.0)
line_optimizer = torch.optim.SGD(line.parameters(), lr=0.1)
in_order = DataLoader(TensorDataset(x_t, y_t), batch_size=20, shuffle=False)  # 5 batches, always the same

updates = 0
for epoch in range(10):
    for batch_x, batch_y in in_order:
        line_optimizer.zero_grad()
        loss_fn(line(batch_x), batch_y).backward()
        line_optimizer.step()
        updates += 1
print(f"updates: {updates} | weight={line.weight.item():.3f} bias={line.bias.item():.3f}")
# --8<-- [end:exercise-mini-batches]
