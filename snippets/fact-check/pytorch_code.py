# --8<-- [start:eager]
import torch

x = torch.tensor([1.0, 2.0, 3.0])
y = x * 2  # computed on this line: no graph to build, no session to run
print("values right away:", y.tolist())
# --8<-- [end:eager]

# --8<-- [start:legacy]
import inspect
import warnings

from torch import nn

model = nn.Linear(3, 2)
with warnings.catch_warnings(record=True) as caught:  # Python's default warning filters
    torch.jit.script(model)  # TorchScript: the old way to ship a PyTorch model
print("warnings shown by default:", len(caught))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")  # every warning, as pytest or python -W default shows them
    torch.jit.script(model)
print(caught[0].category.__name__, ":", caught[0].message)

onnx_default = inspect.signature(torch.onnx.export).parameters["dynamo"].default
print("torch.onnx.export uses the torch.export-based exporter by default:", onnx_default)
# --8<-- [end:legacy]

# --8<-- [start:adam]
weights = torch.zeros(3, requires_grad=True)
optimizer = torch.optim.Adam([weights])
print("Adam eps:", optimizer.defaults["eps"])
# --8<-- [end:adam]

# --8<-- [start:tensorboard]
from importlib import metadata

requirements = [r for r in metadata.requires("torch") or [] if "extra ==" not in r]
print("tensorboard among its requirements:", any(r.lower().startswith("tensorboard") for r in requirements))
# --8<-- [end:tensorboard]
