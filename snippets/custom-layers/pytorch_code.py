# --8<-- [start:layer]
import numpy as np
import torch
from torch import nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        # nn.Parameter registers a tensor as a weight: parameters() finds it, the optimizer trains it
        self.weight = nn.Parameter(torch.randn(in_features, out_features) / in_features**0.5)
        self.bias = nn.Parameter(torch.zeros(out_features))

    def forward(self, x):
        return x @ self.weight + self.bias


layer = MyLinear(4, 3)
print("weights right after __init__:", [tuple(p.shape) for p in layer.parameters()])
print("output", tuple(layer(torch.ones(2, 4)).shape))

lazy = nn.LazyLinear(3)  # the opt-in lazy version: shapes come from the first input
print("LazyLinear before its first call:", type(lazy.weight).__name__)
lazy(torch.ones(2, 4))
print("LazyLinear after:", type(lazy.weight).__name__, tuple(lazy.weight.shape))
# --8<-- [end:layer]

# --8<-- [start:training]
class Noise(nn.Module):
    """Adds Gaussian noise while training; passes its input through at inference."""

    def __init__(self, stddev):
        super().__init__()
        self.stddev = stddev

    def forward(self, x):
        if self.training:  # set by model.train() / model.eval()
            return x + self.stddev * torch.randn_like(x)
        return x


noise = Noise(0.5)
x = torch.ones(2, 3)
noise.train()
print("training:  input changed", not torch.equal(noise(x), x))
noise.eval()
print("inference: input changed", not torch.equal(noise(x), x))
# --8<-- [end:training]

# --8<-- [start:default-mode]
print("a new module is in training mode:", Noise(0.5).training)
# --8<-- [end:default-mode]

# --8<-- [start:model]
class Net(nn.Module):
    def __init__(self, in_features, hidden, classes, stddev=0.1):
        super().__init__()
        self.config = {"in_features": in_features, "hidden": hidden, "classes": classes, "stddev": stddev}
        self.hidden = MyLinear(in_features, hidden)
        self.noise = Noise(stddev)
        self.out = MyLinear(hidden, classes)

    def forward(self, x):
        return self.out(self.noise(torch.relu(self.hidden(x))))


model = Net(4, 8, 3).to(device)
counts = {name: sum(p.numel() for p in child.parameters()) for name, child in model.named_children()}
print(f"parameters: {sum(counts.values())} (hidden {counts['hidden']}, noise {counts['noise']}, out {counts['out']})")
# --8<-- [end:model]

# --8<-- [start:save]
model.eval()  # for the comparison below; eval() switches every submodule, as train() does
print("training flags after eval():", [m.training for m in model.modules()])

# the weights, plus the constructor's arguments so that the same model can be built again
torch.save({"config": model.config, "state_dict": model.state_dict()}, "net.pt")

checkpoint = torch.load("net.pt", map_location=device)  # weights_only=True: tensors, dicts, numbers
print("config:", checkpoint["config"])
print("weights:", list(checkpoint["state_dict"]))
# --8<-- [end:save]

# --8<-- [start:load]
restored = Net(**checkpoint["config"]).to(device)  # loading needs the class: the file holds no code
restored.load_state_dict(checkpoint["state_dict"])
restored.eval()
print("restored:", type(restored).__name__)

x = torch.from_numpy(np.random.default_rng(0).normal(size=(5, 4)).astype("float32")).to(device)
with torch.no_grad():
    before, after = model(x), restored(x)
print("max difference:", (before - after).abs().max().item())
print("outputs match:", torch.allclose(before, after))
# --8<-- [end:load]

# --8<-- [start:missing]
class NetV2(nn.Module):  # the same model after a refactoring: self.hidden is now self.fc1
    def __init__(self, in_features, hidden, classes, stddev=0.1):
        super().__init__()
        self.fc1 = MyLinear(in_features, hidden)
        self.noise = Noise(stddev)
        self.out = MyLinear(hidden, classes)


try:
    NetV2(**checkpoint["config"]).load_state_dict(checkpoint["state_dict"])
except RuntimeError as err:
    print(type(err).__name__)
    for line in str(err).splitlines():
        print(" ", line.strip())
# --8<-- [end:missing]
