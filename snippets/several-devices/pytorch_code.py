# --8<-- [start:worker]
from pathlib import Path

WORKER = '''\
import os
import sys
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
dist.barrier()  # rank 0 trained once more: the others wait, so every process leaves the group together
dist.destroy_process_group()
sys.stdout.flush()
os._exit(0)  # leave without the interpreter's shutdown, where torch 2.15 sometimes aborts (see below)
'''
Path("ddp_worker.py").write_text(WORKER)
# --8<-- [end:worker]

# --8<-- [start:launch]
import os
import socket
import subprocess
import sys

import torch.distributed as dist

print("gloo backend available:", dist.is_gloo_available())  # gloo: the backend for CPUs (NCCL is for GPUs)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))  # port 0: the system picks a free port
        return s.getsockname()[1]


command = [
    sys.executable, "-m", "torch.distributed.run",  # the same as the `torchrun` command
    "--nproc_per_node=2",
    "--master_addr=127.0.0.1", f"--master_port={free_port()}",
    "ddp_worker.py",
]
env = {**os.environ, "OMP_NUM_THREADS": "1"}  # one thread per process
result = subprocess.run(command, capture_output=True, text=True, env=env)
if result.returncode != 0:
    raise RuntimeError(result.stderr)
print(result.stdout, end="")
# --8<-- [end:launch]

# --8<-- [start:compare]
import numpy as np

saved = np.load("weights.npz")
one, two = saved["one"], saved["two"]
for name, w in (("one device: ", one), ("two devices:", two)):
    print(name, "weights", [round(float(v), 4) for v in w[:3]], "bias", round(float(w[3]), 4))
print("max abs difference below 1e-6:", bool(np.abs(one - two).max() < 1e-6))
# --8<-- [end:compare]

# --8<-- [start:sampler]
from torch.utils.data import DistributedSampler

dataset = list(range(8))  # any object with a length will do: the sampler hands out indices
for call_set_epoch in (False, True):
    sampler = DistributedSampler(dataset, num_replicas=2, rank=0, shuffle=True, seed=0)  # as process 0 of 2
    for epoch in range(2):
        if call_set_epoch:
            sampler.set_epoch(epoch)  # the order is drawn from seed + epoch
        print(f"set_epoch {'called' if call_set_epoch else 'not called'}, epoch {epoch}: indices {list(sampler)}")
# --8<-- [end:sampler]

# --8<-- [start:learning-rate]
import torch
from torch import nn
from torch.optim.lr_scheduler import LinearLR

base_lr, base_batch = 0.05, 32  # a learning rate that works for batches of 32 on one device
global_batch = 8 * 32  # 8 devices, 32 rows each
peak_lr = base_lr * global_batch / base_batch  # linear scaling rule: 8 times the batch, 8 times the rate
optimizer = torch.optim.SGD(nn.Linear(3, 1).parameters(), lr=peak_lr)
warmup = LinearLR(optimizer, start_factor=base_lr / peak_lr, total_iters=5)  # base_lr to peak_lr in 5 steps
rates = []
for step in range(7):
    rates.append(round(warmup.get_last_lr()[0], 3))
    optimizer.step()
    warmup.step()
print("peak rate:", peak_lr, "| first 7 steps:", rates)
# --8<-- [end:learning-rate]

# --8<-- [start:rank-zero]
from torch.nn.parallel import DistributedDataParallel

# one process, rank 0 of 1: torchrun would start one such process per device
dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{free_port()}", rank=0, world_size=1)
model = DistributedDataParallel(nn.Linear(3, 1))
if dist.get_rank() == 0:  # one process logs and writes the checkpoint; the others skip this
    print(f"rank {dist.get_rank()} of {dist.get_world_size()} writes checkpoint.pt")
    torch.save(model.module.state_dict(), "checkpoint.pt")  # .module: the model inside the DDP wrapper
dist.barrier()  # every process waits here until the checkpoint is written
print("keys through DDP:", list(model.state_dict()))
print("keys saved:", list(torch.load("checkpoint.pt")))
dist.destroy_process_group()
# --8<-- [end:rank-zero]

# --8<-- [start:exercise-odd-rows]
from torch.utils.data import DataLoader

rows = list(range(11))  # 11 rows: they do not split evenly between 2 processes
for epoch in range(2):
    batches = []  # batches[rank]: the batches that process gets this epoch
    for rank in range(2):
        sampler = DistributedSampler(rows, num_replicas=2, rank=rank, shuffle=True, seed=0)
        sampler.set_epoch(epoch)  # as every process does at the start of the epoch
        loader = DataLoader(rows, batch_size=2, sampler=sampler)  # 2 rows per process and step
        batches.append([batch.tolist() for batch in loader])
    print(f"epoch {epoch}: replica 0 gets {batches[0]}, replica 1 gets {batches[1]}")
    seen = [i for replica in batches for batch in replica for i in batch]
    twice = sorted({i for i in seen if seen.count(i) > 1})
    per_step = [[len(a), len(b)] for a, b in zip(*batches)]
    print(f"  every row: {set(seen) == set(rows)} | seen twice: {twice} | rows per replica and step: {per_step}")
# --8<-- [end:exercise-odd-rows]

# --8<-- [start:exercise-average-gradients]
rng = np.random.default_rng(1)
features = torch.from_numpy(rng.normal(size=(24, 5)).astype("float32"))
labels = torch.from_numpy(rng.integers(0, 3, size=24))  # 3 classes
classifier = nn.Linear(5, 3)
with torch.no_grad():
    classifier.weight.copy_(torch.from_numpy(rng.normal(size=(3, 5)).astype("float32")))
    classifier.bias.zero_()


def gradient(rows):
    """The gradient of the mean cross-entropy over some rows: weights and bias in one vector."""
    classifier.zero_grad()
    nn.functional.cross_entropy(classifier(features[rows]), labels[rows]).backward()
    return torch.cat([classifier.weight.grad.ravel(), classifier.bias.grad])


whole = gradient(slice(0, 24))  # one device, the whole batch
print("whole batch: gradient norm", round(whole.norm().item(), 4))
for sizes in ([6, 6, 6, 6], [3, 5, 7, 9]):  # 4 replicas: equal shares, then unequal ones
    starts = np.cumsum([0, *sizes[:-1]])
    shares = [gradient(slice(start, start + size)) for start, size in zip(starts, sizes)]
    mean = torch.stack(shares).mean(dim=0)  # what the all-reduce computes
    weighted = sum(g * size / 24 for g, size in zip(shares, sizes))  # each share counts by its rows
    print(f"shares {sizes}: mean matches {torch.allclose(mean, whole, atol=1e-6)},",
          f"weighted by rows matches {torch.allclose(weighted, whole, atol=1e-6)}")
# --8<-- [end:exercise-average-gradients]
