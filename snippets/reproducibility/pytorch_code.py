# --8<-- [start:seed]
import math
import os
import random

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

# Older torch releases need this for deterministic cuBLAS on CUDA (see "When a seed is not enough" below); torch 2.13
# does not. It only works if set before the first CUDA operation, so it goes at the top of the program.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def seed_everything(seed):
    random.seed(seed)  # Python's own generator
    np.random.seed(seed)  # NumPy's global generator
    torch.manual_seed(seed)  # PyTorch, on the CPU and every GPU


def draw():
    return random.random(), np.random.rand(), torch.rand(3).tolist()


seed_everything(0)
first = draw()
seed_everything(0)
second = draw()
print("same numbers twice:", first == second)
# --8<-- [end:seed]

# --8<-- [start:shuffle]
numbers = TensorDataset(torch.arange(10))


def one_epoch(seed):
    shuffler = torch.Generator().manual_seed(seed)  # the loader's own generator
    loader = DataLoader(numbers, batch_size=5, shuffle=True, generator=shuffler)
    return [batch.tolist() for (batch,) in loader]


print("order:", one_epoch(seed=0))
print("same order twice:", one_epoch(seed=0) == one_epoch(seed=0))
# --8<-- [end:shuffle]

# --8<-- [start:init]
torch.manual_seed(0)
layer = nn.Linear(64, 32)

print("first biases:", [round(v, 3) for v in layer.bias[:4].tolist()])
print(f"uniform limit 1/sqrt(64): {1 / math.sqrt(64):.3f}")
print(f"largest |weight|: {layer.weight.abs().max().item():.3f}")
print(f"weight std: {layer.weight.std().item():.3f}")
# --8<-- [end:init]

# --8<-- [start:adam]
adam = torch.optim.Adam(layer.parameters())
print(f"learning rate: {adam.defaults['lr']:g}, eps: {adam.defaults['eps']:g}")
# --8<-- [end:adam]

# --8<-- [start:batch-size]
rng = np.random.default_rng(0)
x = rng.normal(size=(100, 3)).astype("float32")
y = (x @ np.array([[1.5], [-2.0], [0.5]]) + 0.1 * rng.normal(size=(100, 1))).astype("float32")
dataset = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))

default_loader = DataLoader(dataset)
print("default batch size:", default_loader.batch_size, "->", len(default_loader), "steps per epoch")
print("batch_size=32 ->", len(DataLoader(dataset, batch_size=32)), "steps per epoch")
# --8<-- [end:batch-size]

# --8<-- [start:match]
init = np.random.default_rng(1)  # the same starting weights in both tabs
w1 = init.uniform(-0.5, 0.5, size=(3, 8)).astype("float32")  # (inputs, outputs)
w2 = init.uniform(-0.5, 0.5, size=(8, 1)).astype("float32")

model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 1))
with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(w1.T))  # PyTorch stores (outputs, inputs)
    model[0].bias.zero_()
    model[2].weight.copy_(torch.from_numpy(w2.T))
    model[2].bias.zero_()
model.to(device)

inputs, targets = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
losses = []
for _ in range(20):  # full batch: all 100 samples in every step
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(inputs), targets)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())

shown = losses[::5] + losses[-1:]
print("loss at steps 0, 5, 10, 15, 19:", " ".join(f"{loss:.4f}" for loss in shown))
# --8<-- [end:match]

# --8<-- [start:order]
a, b, c = torch.tensor([1e8, -1e8, 1.0])  # float32

print("(a + b) + c =", ((a + b) + c).item())
print("a + (b + c) =", (a + (b + c)).item())
# --8<-- [end:order]

# --8<-- [start:deterministic]
torch.use_deterministic_algorithms(True)  # error out rather than run a nondeterministic kernel

totals = torch.zeros(4, device=device)
index = torch.randint(0, 4, (1000,), device=device)
values = torch.rand(1000, device=device)
result_1 = totals.clone().index_add_(0, index, values)  # uses atomic adds on a GPU
result_2 = totals.clone().index_add_(0, index, values)
print("same result twice:", torch.equal(result_1, result_2))
# --8<-- [end:deterministic]

# --8<-- [start:exercise-same-seed]
def build(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))


def same_weights(model_a, model_b):
    return all(torch.equal(a, b) for a, b in zip(model_a.parameters(), model_b.parameters()))


print("seed 0 twice, same weights:", same_weights(build(0), build(0)))
print("seed 0 and seed 1, same weights:", same_weights(build(0), build(1)))
# --8<-- [end:exercise-same-seed]

# --8<-- [start:exercise-epochs]
def two_epochs(seed):
    shuffler = torch.Generator().manual_seed(seed)
    loader = DataLoader(TensorDataset(torch.arange(8)), batch_size=8, shuffle=True, generator=shuffler)
    return [batch.tolist() for _ in range(2) for (batch,) in loader]


first_run = two_epochs(seed=3)
torch.rand(100)  # the rest of the program draws random numbers in between
second_run = two_epochs(seed=3)
print("epoch 1 and epoch 2 differ:", first_run[0] != first_run[1])
print("same two epochs again:", first_run == second_run)
# --8<-- [end:exercise-epochs]
