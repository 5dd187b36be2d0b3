# --8<-- [start:arrays]
import numpy as np
import torch

torch.manual_seed(0)
rng = np.random.default_rng(0)
features = rng.normal(loc=5.0, scale=2.0, size=(10, 3)).astype(np.float32)
labels = rng.integers(0, 3, size=10)
print("features", features.shape, features.dtype)
print("labels  ", labels.shape, labels.dtype)
# --8<-- [end:arrays]

# --8<-- [start:wrap]
from torch.utils.data import TensorDataset

ds = TensorDataset(torch.from_numpy(features), torch.from_numpy(labels))
x, y = ds[0]
print("examples:", len(ds))
print("first x:", np.round(x.numpy(), 2), x.numpy().dtype)
print("first y:", int(y), y.numpy().dtype)
# --8<-- [end:wrap]

# --8<-- [start:batch]
from torch.utils.data import DataLoader

loader = DataLoader(ds, batch_size=4)
for xb, yb in loader:
    print("x", tuple(xb.shape), "y", tuple(yb.shape))
# --8<-- [end:batch]

# --8<-- [start:drop-last]
loader = DataLoader(ds, batch_size=4, drop_last=True)
print("batches per epoch:", len(loader))
for xb, yb in loader:
    print("x", tuple(xb.shape), "y", tuple(yb.shape))
# --8<-- [end:drop-last]

# --8<-- [start:shuffle]
def epoch_order(loader):
    """The first feature of every example, in the order one epoch delivers them."""
    return [round(float(v), 4) for xb, _ in loader for v in xb[:, 0]]

g = torch.Generator().manual_seed(0)
loader = DataLoader(ds, batch_size=4, shuffle=True, generator=g)
first, second = epoch_order(loader), epoch_order(loader)
again = epoch_order(DataLoader(ds, batch_size=4, shuffle=True,
                               generator=torch.Generator().manual_seed(0)))
print("every example once:", sorted(first) == sorted(epoch_order(DataLoader(ds))))
print("order changed from epoch 1 to 2:", first != second)
print("same seed, same first epoch:", first == again)
# --8<-- [end:shuffle]

# --8<-- [start:transform]
from torch.utils.data import Dataset

mean, std = features.mean(axis=0), features.std(axis=0)


class Standardised(Dataset):
    """A map-style dataset: it knows its length and returns one example by index."""

    def __init__(self, features, labels, mean, std):
        self.features = torch.from_numpy(features)
        self.labels = torch.from_numpy(labels)
        self.mean = torch.from_numpy(mean)
        self.std = torch.from_numpy(std)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = (self.features[i] - self.mean) / self.std  # the transform runs per example
        return x, self.labels[i]


norm_ds = Standardised(features, labels, mean, std)
x, y = norm_ds[0]
print("examples:", len(norm_ds))
print("first x:", np.round(x.numpy(), 2))
allx = torch.cat([xb for xb, _ in DataLoader(norm_ds, batch_size=4)])
print("mean:", np.round(allx.mean(dim=0).abs().numpy(), 2),
      "std:", np.round(allx.std(dim=0, correction=0).numpy(), 2))
# --8<-- [end:transform]

# --8<-- [start:pipeline]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
loader = DataLoader(
    norm_ds,
    batch_size=4,
    shuffle=True,
    generator=torch.Generator().manual_seed(0),
    num_workers=0,  # load in this process; see the note below
    pin_memory=torch.cuda.is_available(),  # faster copies to a GPU
)
print("batches per epoch:", len(loader))
try:
    DataLoader(norm_ds, batch_size=4, num_workers=0, prefetch_factor=2)
except ValueError as err:
    print(type(err).__name__, "-", err)
# --8<-- [end:pipeline]

# --8<-- [start:train]
from torch import nn

model = nn.Linear(3, 3).to(device)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(3):
    total, batches = 0.0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
        batches += 1
    print(f"epoch {epoch + 1}: {batches} batches, mean loss {total / len(norm_ds):.3f}")
# --8<-- [end:train]

# --8<-- [start:exercise-left-out]
ids = TensorDataset(torch.arange(23))  # 23 examples; each one is its own number
loader = DataLoader(ids, batch_size=5, shuffle=True, drop_last=True,
                    generator=torch.Generator().manual_seed(0))
print("predicted batches:", 23 // 5, "| len(loader):", len(loader))
left_out = []
for epoch in range(2):
    seen = [int(i) for (batch,) in loader for i in batch]
    print(f"epoch {epoch + 1}: {len(seen)} examples, all different: {len(set(seen)) == len(seen)}")
    left_out.append(set(range(23)) - set(seen))
print("3 left out each epoch:", [len(s) for s in left_out], "| not the same 3:", left_out[0] != left_out[1])
# --8<-- [end:exercise-left-out]

# --8<-- [start:exercise-batch-transform]
from torch.utils.data import default_collate

calls = []


def standardise_batch(examples):
    xb, yb = default_collate(examples)  # stack the examples into a batch first
    calls.append(tuple(xb.shape))
    return (xb - torch.from_numpy(mean)) / torch.from_numpy(std), yb


per_batch = DataLoader(ds, batch_size=4, collate_fn=standardise_batch)
per_example = DataLoader(norm_ds, batch_size=4)
same = all(torch.allclose(a, b, atol=1e-6) for (a, _), (b, _) in zip(per_batch, per_example))
print("same batches as the per-example transform:", same)
print("transform calls:", len(calls), "shapes:", calls)
# --8<-- [end:exercise-batch-transform]
