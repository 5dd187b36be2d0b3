from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

dist.init_process_group("gloo")  # reads RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT
rank, world_size = dist.get_rank(), dist.get_world_size()

rng = np.random.default_rng(0)  # every process makes the same data and starting weights
X = rng.normal(size=(64, 3)).astype("float32")
y = X @ np.array([[2.0], [-1.0], [0.5]], dtype="float32") + 0.3
w0 = rng.normal(size=(1, 3)).astype("float32")


def new_model():
    model = nn.Linear(3, 1)
    with torch.no_grad():
        model.weight.copy_(torch.from_numpy(w0))
        model.bias.zero_()
    return model


def train(model, X, y, steps=20):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        optimizer.zero_grad()
        nn.functional.mse_loss(model(X), y).backward()
        optimizer.step()
    return torch.cat([p.detach().ravel() for p in model.parameters()]).numpy()


share = len(X) // world_size
rows = slice(rank * share, (rank + 1) * share)  # this process's part of the combined batch
model = DistributedDataParallel(new_model())  # backward() averages gradients across processes
two = train(model, torch.from_numpy(X[rows]), torch.from_numpy(y[rows]))

report = [None] * world_size
dist.all_gather_object(report, (Path(__file__).name, share))  # collect from every process
if rank == 0:
    for r, (script, n) in enumerate(report):
        print(f"process {r} of {world_size} ran {script} on {n} rows")
    one = train(new_model(), torch.from_numpy(X), torch.from_numpy(y))  # one device, all 64 rows
    np.savez("weights.npz", one=one, two=two)
dist.destroy_process_group()
