# --8<-- [start:shards]
import tempfile
from pathlib import Path

import numpy as np
import torch

torch.manual_seed(0)
rng = np.random.default_rng(0)
features = rng.standard_normal((256, 16)).astype(np.float32)
labels = rng.integers(0, 10, size=256)

folder = tempfile.TemporaryDirectory()  # removed at the end of the program
shard_files = []
for shard, rows in enumerate(np.split(np.arange(256), 4)):  # 4 files of 64 examples
    path = Path(folder.name) / f"part-{shard}.npz"
    np.savez(path, x=features[rows], y=labels[rows], ids=rows)
    shard_files.append(str(path))
print("shards:", [Path(f).name for f in shard_files])
print("examples per shard:", [len(np.load(f)["ids"]) for f in shard_files])
# --8<-- [end:shards]

# --8<-- [start:stream]
import time

from torch.utils.data import DataLoader, IterableDataset, get_worker_info


class ShardStream(IterableDataset):
    """Streams examples from shard files: only one shard is in memory at a time."""

    def __init__(self, files, seconds_per_example=0.0, split_among_workers=True):
        self.files = files
        self.seconds_per_example = seconds_per_example
        self.split_among_workers = split_among_workers

    def my_files(self):
        worker = get_worker_info()  # None in the main process
        if worker is None or not self.split_among_workers:
            return self.files
        return self.files[worker.id::worker.num_workers]  # every num_workers-th, from its id

    def __iter__(self):
        for f in self.my_files():
            shard = np.load(f)
            for x, y, i in zip(shard["x"], shard["y"], shard["ids"]):
                if self.seconds_per_example:
                    time.sleep(self.seconds_per_example)  # stands for an expensive transform
                yield torch.from_numpy(x), int(y), int(i)


loader = DataLoader(ShardStream(shard_files), batch_size=32)
ids = [int(i) for _, _, batch_ids in loader for i in batch_ids]
print("examples:", len(ids), "| distinct:", len(set(ids)))
print("first ids:", ids[:6])
# --8<-- [end:stream]

# --8<-- [start:workers]
import sys

# The dataset classes live in this program, so workers are forked from it where the platform allows
context = "fork" if sys.platform == "linux" else None


def ids_seen(dataset, num_workers):
    loader = DataLoader(dataset, batch_size=32, num_workers=num_workers,
                        multiprocessing_context=context)
    return [int(i) for _, _, batch_ids in loader for i in batch_ids]


ids = ids_seen(ShardStream(shard_files, split_among_workers=False), num_workers=2)
print("every worker reads every shard:", len(ids), "examples,", len(set(ids)), "distinct")
ids = ids_seen(ShardStream(shard_files), num_workers=2)
print("shards split among workers:", len(ids), "examples,", len(set(ids)), "distinct")
# --8<-- [end:workers]

# --8<-- [start:parallel]
def examples_per_second(loader):
    batches = iter(loader)
    next(batches)  # the clock starts at the first batch: starting the workers is left out
    start = time.perf_counter()
    count = sum(len(batch_ids) for _, _, batch_ids in batches)
    return count / (time.perf_counter() - start)


slow = ShardStream(shard_files, seconds_per_example=0.005)
one_process = examples_per_second(DataLoader(slow, batch_size=32))
two_workers = examples_per_second(DataLoader(slow, batch_size=32, num_workers=2,
                                              multiprocessing_context=context))
print("2 workers faster than the main process alone:", two_workers > one_process)
# --8<-- [end:parallel]

# --8<-- [start:persistent]
import os


class WhoLoads(IterableDataset):
    """Yields the process id of the worker that produced each example."""

    def __iter__(self):
        info = get_worker_info()
        yield from (os.getpid() for _ in range(info.id, 8, info.num_workers))


for persistent in (False, True):
    loader = DataLoader(WhoLoads(), batch_size=None, num_workers=2, persistent_workers=persistent,
                        multiprocessing_context=context)
    epoch_1, epoch_2 = set(loader), set(loader)
    print(f"persistent_workers={persistent}: same worker processes in epoch 2:", epoch_1 == epoch_2)
# --8<-- [end:persistent]

# --8<-- [start:prefetch]
def train_on(loader, seconds_per_batch=0.06):
    batches = iter(loader)
    next(batches)
    start = time.perf_counter()
    for x, y, _ in batches:
        x = x.to(device, non_blocking=True)
        time.sleep(seconds_per_batch)  # stands for a training step
    return time.perf_counter() - start


device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
slow = ShardStream(shard_files[:1], seconds_per_example=0.015)  # 64 examples, 60 ms per batch of 4
in_turn = train_on(DataLoader(slow, batch_size=4))
overlapped = train_on(DataLoader(slow, batch_size=4, num_workers=1, prefetch_factor=2,
                                 pin_memory=torch.cuda.is_available(),  # only useful with a GPU
                                 multiprocessing_context=context))
print("loading in a worker while training is faster:", overlapped < in_turn)
folder.cleanup()
# --8<-- [end:prefetch]
