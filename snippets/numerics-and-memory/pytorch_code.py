# --8<-- [start:nan-model]
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(0)
weights = rng.normal(size=(3, 2)).astype("float32")  # the same weights in both tabs

model = nn.Linear(2, 3, bias=False)
with torch.no_grad():
    model.weight.copy_(torch.from_numpy(weights))

x = torch.tensor([[0.5, -1.0], [300.0, 2.0]])  # the second sample has a feature nobody scaled
y = torch.tensor([0, 2])


def handmade_cross_entropy(logits, y):
    probs = torch.softmax(logits, dim=1)
    one_hot = nn.functional.one_hot(y, num_classes=3)
    return -(one_hot * torch.log(probs)).sum(dim=1).mean()


logits = model(x)
print("logits of sample 2:", [round(v, 2) for v in logits[1].tolist()])
print("probabilities of sample 2:", torch.softmax(logits, dim=1)[1].tolist())
print("loss:", handmade_cross_entropy(logits, y).item())
# --8<-- [end:nan-model]

# --8<-- [start:nan-find]
import warnings

# detect_anomaly reports through Python warnings: record them, to print them below
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with torch.autograd.detect_anomaly():
        loss = handmade_cross_entropy(model(x), y)
        try:
            loss.backward()
        except RuntimeError as err:
            print("RuntimeError:", err)

for warning in caught:
    print("warning:", str(warning.message).splitlines()[0])
forward_trace = str(caught[-1].message).splitlines()
print("forward line:", forward_trace[-2].strip())  # the last line of the forward traceback
# --8<-- [end:nan-find]

# --8<-- [start:nan-fix]
model.zero_grad()
loss = nn.functional.cross_entropy(model(x), y)  # log-softmax inside: no log of 0
loss.backward()
print(f"loss: {loss.item():.2f}")
print("finite gradients:", torch.isfinite(model.weight.grad).all().item())
# --8<-- [end:nan-fix]

# --8<-- [start:checkpoint]
from torch.utils.checkpoint import checkpoint

torch.manual_seed(0)
blocks = nn.ModuleList(
    nn.Sequential(nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU()) for _ in range(4)
)
head = nn.Linear(256, 10)
inputs = torch.from_numpy(np.random.default_rng(0).normal(size=(64, 256)).astype("float32"))

block_calls = 0


def count_call(module, args):
    global block_calls
    block_calls += 1


for block in blocks:
    block.register_forward_pre_hook(count_call)


def forward(x, use_checkpoint):
    for block in blocks:
        if use_checkpoint:
            x = checkpoint(block, x, use_reentrant=False)  # keep x only; recompute the inside in backward
        else:
            x = block(x)
    return head(x)


def gradients(use_checkpoint):
    global block_calls
    block_calls = 0
    blocks.zero_grad()
    head.zero_grad()
    loss = forward(inputs, use_checkpoint).square().mean()
    calls_forward = block_calls
    loss.backward()
    grads = [p.grad.clone() for p in [*blocks.parameters(), *head.parameters()]]
    calls_backward = block_calls - calls_forward
    print(f"checkpointing {use_checkpoint}: block calls in forward {calls_forward}, in backward {calls_backward}")
    return grads


plain = gradients(use_checkpoint=False)
checkpointed = gradients(use_checkpoint=True)
print("same gradients:", all(torch.equal(a, b) for a, b in zip(plain, checkpointed)))
# --8<-- [end:checkpoint]

# --8<-- [start:saved-tensors]
parameter_storages = {p.untyped_storage().data_ptr() for p in [*blocks.parameters(), *head.parameters()]}


def saved_activations(use_checkpoint):
    """The distinct activation tensors autograd keeps for the backward pass, and their bytes."""
    saved = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in parameter_storages:  # weights are kept anyway
            saved[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        forward(inputs, use_checkpoint)
    return len(saved), sum(saved.values())


for use_checkpoint in (False, True):
    count, size = saved_activations(use_checkpoint)
    print(f"checkpointing {use_checkpoint}: {count} activations kept, {size:,} bytes")
# --8<-- [end:saved-tensors]

# --8<-- [start:imbalanced-data]
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

X, y = load_digits(return_X_y=True)
X = (X / 16).astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)

rare = np.flatnonzero(y_train == 8)  # make the digit 8 rare: keep 5 of its training images
dropped = np.random.default_rng(0).choice(rare, size=len(rare) - 5, replace=False)
X_train, y_train = np.delete(X_train, dropped, axis=0), np.delete(y_train, dropped)

counts = np.bincount(y_train, minlength=10)
class_weights = len(y_train) / (10 * counts)  # "balanced": a rare class weighs more
print("training images per digit:", counts.tolist())
print("test images of digit 8:", int((y_test == 8).sum()))
print(f"weight of digit 8: {class_weights[8]:.1f} | of digit 0: {class_weights[0]:.2f}")
# --8<-- [end:imbalanced-data]

# --8<-- [start:imbalanced-train]
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler

train_set = TensorDataset(torch.from_numpy(X_train), torch.from_numpy(y_train))
X_test_t, y_test_t = torch.from_numpy(X_test), torch.from_numpy(y_test)


def train(loss_fn, sampler=None, epochs=5):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loader = DataLoader(train_set, batch_size=32, shuffle=sampler is None, sampler=sampler)
    for epoch in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss_fn(model(xb), yb).backward()
            optimizer.step()
    with torch.no_grad():
        predicted = model(X_test_t).argmax(dim=1)
    recall_8 = (predicted[y_test_t == 8] == 8).float().mean().item()  # share of the 8s found
    accuracy = (predicted == y_test_t).float().mean().item()
    return f"recall of 8 {recall_8:.2f}, accuracy {accuracy:.2f}"


print("plain loss:      ", train(nn.CrossEntropyLoss()))
weight = torch.tensor(class_weights, dtype=torch.float32)
print("weighted loss:   ", train(nn.CrossEntropyLoss(weight=weight)))

sample_weights = torch.from_numpy(class_weights[y_train])  # each image drawn with its class's weight
sampler = WeightedRandomSampler(sample_weights, num_samples=len(y_train), replacement=True,
                                generator=torch.Generator().manual_seed(0))
print("weighted sampler:", train(nn.CrossEntropyLoss(), sampler=sampler))
# --8<-- [end:imbalanced-train]

# --8<-- [start:summary]
import torchinfo

torch.manual_seed(0)
mlp = nn.Sequential(nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 10))
print(mlp)
torchinfo.summary(mlp, input_size=(1, 64))
# --8<-- [end:summary]

# --8<-- [start:count]
trainable = sum(p.numel() for p in mlp.parameters() if p.requires_grad)
# BatchNorm's running mean and variance are buffers (its int counter of batches is left out)
state = sum(b.numel() for b in mlp.buffers() if b.is_floating_point())
print(f"trainable parameters: {trainable:,}")
print(f"non-trainable state: {state:,}")
# --8<-- [end:count]

# --8<-- [start:metrics]
import torchmetrics

rng = np.random.default_rng(0)
labels = rng.integers(0, 3, size=200)
# the scores of a fair classifier: noise, plus 1.5 for the right class
scores = rng.normal(size=(200, 3)).astype("float32") + 1.5 * np.eye(3, dtype="float32")[labels]

accuracy = torchmetrics.Accuracy(task="multiclass", num_classes=3)
f1 = torchmetrics.F1Score(task="multiclass", num_classes=3, average="macro")
for start in range(0, 200, 50):  # four batches of 50
    batch_scores = torch.from_numpy(scores[start:start + 50])
    batch_labels = torch.from_numpy(labels[start:start + 50])
    accuracy.update(batch_scores, batch_labels)
    f1.update(batch_scores, batch_labels)
    if start == 0:
        print(f"after batch 1: accuracy {accuracy.compute().item():.4f}, macro F1 {f1.compute().item():.4f}")
print(f"all 4 batches: accuracy {accuracy.compute().item():.4f}, macro F1 {f1.compute().item():.4f}")
accuracy.reset()
f1.reset()
# --8<-- [end:metrics]
