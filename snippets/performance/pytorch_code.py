# --8<-- [start:threads]
import torch

torch.set_num_threads(2)  # threads that share the work of one operation
torch.set_num_interop_threads(1)  # threads that run separate operations side by side
print("intra-op threads:", torch.get_num_threads())
print("inter-op threads:", torch.get_num_interop_threads())
# --8<-- [end:threads]

# --8<-- [start:models]
from torch import nn

torch.manual_seed(0)
mlp = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
cnn = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Flatten(), nn.Linear(32 * 26 * 26, 10))
print(f"MLP parameters: {sum(p.numel() for p in mlp.parameters()):,}")
print(f"CNN parameters: {sum(p.numel() for p in cnn.parameters()):,}")
# --8<-- [end:models]

# --8<-- [start:step]
import numpy as np

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
rng = np.random.default_rng(0)
x = torch.from_numpy(rng.standard_normal((64, 784)).astype(np.float32)).to(device)
y = torch.from_numpy(rng.integers(0, 10, size=64)).to(device)
mlp = mlp.to(device)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(mlp.parameters(), lr=0.01)


def train_step(model):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()  # a Python float: waits until the step has really finished


print(f"loss in the first step: {train_step(mlp):.3f}")
# --8<-- [end:step]

# --8<-- [start:timing]
import statistics
import time


def time_steps(step, warmup=5, repeat=20):
    for _ in range(warmup):  # not timed: the first calls pay for one-off set-up
        step()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        if device.type == "cuda":
            torch.cuda.synchronize()  # GPU work runs in the background: wait for it
        times.append(time.perf_counter() - start)
    return times


times = time_steps(lambda: train_step(mlp))
median_ms = statistics.median(times) * 1000  # the number to report
print("timed steps:", len(times))
with torch.no_grad():
    print(f"loss after 1 + 5 + 20 steps: {loss_fn(mlp(x), y).item():.3f}")
# --8<-- [end:timing]

# --8<-- [start:first-call]
graphs = []


def counting_backend(graph_module, example_inputs):
    graphs.append(graph_module)  # called once per graph torch.compile captures
    return graph_module.forward  # run the captured graph as it is, without Inductor


compiled_mlp = torch.compile(mlp, backend=counting_backend)
print("graphs after wrapping:", len(graphs))
train_step(compiled_mlp)
print("graphs after the first call:", len(graphs))
for _ in range(10):
    train_step(compiled_mlp)
print("graphs after 10 more calls:", len(graphs))
# --8<-- [end:first-call]

# --8<-- [start:baseline]
print(type(mlp).__name__, "->", type(compiled_mlp).__name__)
same_weights = all(a is b for a, b in zip(mlp.parameters(), compiled_mlp.parameters()))
print("the wrapper shares the model's weights:", same_weights)
with torch.no_grad():
    difference = (loss_fn(mlp(x), y) - loss_fn(compiled_mlp(x), y)).abs().item()
print("same loss from both:", difference < 1e-6)
# --8<-- [end:baseline]
