# --8<-- [start:model]
import pickle
import re

import numpy as np
import torch
from torch import nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

rng = np.random.default_rng(0)
x_np = rng.normal(size=(100, 4)).astype("float32")
y_np = (x_np @ rng.normal(size=(4, 3))).astype("float32")
x = torch.from_numpy(x_np).to(device)
y = torch.from_numpy(y_np).to(device)


class Net(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = nn.Linear(4, hidden)
        self.out = nn.Linear(hidden, 3)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


def train(model, optimizer, steps):
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()


model = Net().to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
train(model, optimizer, steps=20)  # 20 full-batch steps
print("parameters:", sum(p.numel() for p in model.parameters()))
# --8<-- [end:model]

# --8<-- [start:inspect]
state = model.state_dict()
for name, tensor in state.items():
    print(f"{name:14} {tuple(tensor.shape)}")
# --8<-- [end:inspect]

# --8<-- [start:save]
torch.save(model.state_dict(), "model.pt")

loaded_state = torch.load("model.pt")
print(type(loaded_state).__name__, list(loaded_state))
# --8<-- [end:save]

# --8<-- [start:load]
restored = Net().to(device)  # the code that builds the model is needed again
restored.load_state_dict(torch.load("model.pt", map_location=device))
restored.eval()
model.eval()

with torch.no_grad():
    before = model(x)
    after = restored(x)
print("max difference:", (before - after).abs().max().item())
print("predictions match:", torch.equal(before, after))
# --8<-- [end:load]

# --8<-- [start:weights]
def show_error(err, *keywords):
    # the error type, then each line or sentence of the message with a keyword
    print(type(err).__name__)
    for sentence in re.split(r"\n|(?<=\.) ", str(err)):
        if any(keyword in sentence for keyword in keywords):
            print(" ", sentence.strip())


fresh = Net().to(device)
print(fresh.load_state_dict(torch.load("model.pt", map_location=device)))

wider = Net(hidden=16).to(device)
try:
    wider.load_state_dict(torch.load("model.pt", map_location=device))
except RuntimeError as err:
    show_error(err, "hidden.weight")
# --8<-- [end:weights]

# --8<-- [start:whole-model]
torch.save(model, "whole_model.pt")  # pickles the Python object, not just tensors

try:
    torch.load("whole_model.pt")
except pickle.UnpicklingError as err:
    show_error(err, "PyTorch 2.6", "Unsupported global")
# --8<-- [end:whole-model]

# --8<-- [start:custom-class]
# NumPy values are the most common case: an epoch counter or statistics kept as NumPy objects.
torch.save({"model": model.state_dict(), "epoch": np.int64(3), "mean": x_np.mean(axis=0)}, "numpy.pt")
try:
    torch.load("numpy.pt")
except pickle.UnpicklingError as err:
    show_error(err, "Unsupported global")

numpy_globals = [  # a scalar, an array and their dtypes, by their NumPy 2 names (as the error gives them)
    np._core.multiarray.scalar,
    np._core.multiarray._reconstruct,
    np.ndarray,
    np.dtype,
    np.dtypes.Int64DType,
    np.dtypes.Float32DType,
]
with torch.serialization.safe_globals(numpy_globals):  # for this load only
    checkpoint = torch.load("numpy.pt")
print("epoch:", checkpoint["epoch"], "mean:", checkpoint["mean"].shape)


class RunConfig:
    def __init__(self, lr, hidden):
        self.lr = lr
        self.hidden = hidden


torch.save({"model": model.state_dict(), "config": RunConfig(0.01, 8)}, "run.pt")
try:
    torch.load("run.pt")
except pickle.UnpicklingError as err:
    show_error(err, "Unsupported global")

torch.serialization.add_safe_globals([RunConfig])  # "I trust this class"
run = torch.load("run.pt")
print("config:", run["config"].lr, run["config"].hidden)
# --8<-- [end:custom-class]

# --8<-- [start:trusted]
# Only for a file you made yourself or fully trust: this runs pickle, which can
# execute arbitrary code while loading.
whole = torch.load("whole_model.pt", weights_only=False)
print(type(whole).__name__)
# --8<-- [end:trusted]

# --8<-- [start:checkpoint]
checkpoint = {
    "model": model.state_dict(),
    "optimizer": optimizer.state_dict(),
    "steps_done": 20,
}
torch.save(checkpoint, "checkpoint.pt")

loaded = torch.load("checkpoint.pt", map_location=device)  # weights_only=True works
resumed = Net().to(device)
resumed.load_state_dict(loaded["model"])
resumed_optimizer = torch.optim.Adam(resumed.parameters(), lr=0.01)
resumed_optimizer.load_state_dict(loaded["optimizer"])
adam_steps = int(resumed_optimizer.state_dict()["state"][0]["step"])
print("optimizer steps:", adam_steps)
# --8<-- [end:checkpoint]

# --8<-- [start:resume]
resumed.train()
train(resumed, resumed_optimizer, steps=5)  # carry on from the checkpoint

model.train()
train(model, optimizer, steps=5)  # the original, never interrupted

print("optimizer steps:", int(resumed_optimizer.state_dict()["state"][0]["step"]))
with torch.no_grad():
    print("max difference:", (model(x) - resumed(x)).abs().max().item())
# --8<-- [end:resume]

# --8<-- [start:export]
model.eval()
program = torch.export.export(model, (x,))
torch.export.save(program, "model.pt2")

served = torch.export.load("model.pt2").module()
with torch.no_grad():
    print("max difference:", (model(x) - served(x)).abs().max().item())
# --8<-- [end:export]

# --8<-- [start:exercise-no-optimizer]
checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict()}
torch.save(checkpoint, "exercise.pt")
saved = torch.load("exercise.pt", map_location=device)


def resume(with_optimizer_state):
    copy = Net().to(device)
    copy.load_state_dict(saved["model"])
    copy_optimizer = torch.optim.Adam(copy.parameters(), lr=0.01)
    if with_optimizer_state:
        copy_optimizer.load_state_dict(saved["optimizer"])
    train(copy, copy_optimizer, steps=5)
    return copy


full, weights_only = resume(with_optimizer_state=True), resume(with_optimizer_state=False)
with torch.no_grad():
    print("full checkpoint vs weights only, same predictions:", torch.allclose(full(x), weights_only(x)))
    print(f"largest difference: {(full(x) - weights_only(x)).abs().max().item():.2f}")
# --8<-- [end:exercise-no-optimizer]

# --8<-- [start:exercise-other-build]
torch.save(model.state_dict(), "net.pt")
sequential = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).to(device)  # same layers, other names
print(list(sequential.state_dict()))

renamed = {key.replace("hidden.", "0.").replace("out.", "2."): value for key, value in torch.load("net.pt").items()}
print(sequential.load_state_dict(renamed))

model.eval()
with torch.no_grad():
    print("predictions match:", torch.equal(model(x), sequential(x)))
# --8<-- [end:exercise-other-build]
