# --8<-- [start:data]
import copy

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
X = (digits.data / 16).astype("float32")  # 8x8 images as 64 numbers from 0 to 1
y = digits.target
old, new = y < 5, y >= 5
X_old_train, X_old_test, y_old_train, y_old_test = train_test_split(
    X[old], y[old], test_size=0.25, random_state=0, stratify=y[old]
)
# the new task: digits 5-9, labelled 0-4, with only 25 training images
X_new_train, X_new_test, y_new_train, y_new_test = train_test_split(
    X[new], y[new] - 5, train_size=25, random_state=0, stratify=y[new]
)
print("old task: train", X_old_train.shape, "test", X_old_test.shape)
print("new task: train", X_new_train.shape, "test", X_new_test.shape)

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def tensors(*arrays):
    return [torch.from_numpy(a).to(device) for a in arrays]


X_old_train_t, y_old_train_t, X_old_test_t, y_old_test_t = tensors(X_old_train, y_old_train, X_old_test, y_old_test)
X_new_train_t, y_new_train_t, X_new_test_t, y_new_test_t = tensors(X_new_train, y_new_train, X_new_test, y_new_test)
# --8<-- [end:data]

# --8<-- [start:base]
torch.manual_seed(0)


def make_base():
    return torch.nn.Sequential(
        torch.nn.Linear(64, 128), torch.nn.BatchNorm1d(128), torch.nn.ReLU()
    ).to(device)


def train(model, optimizer, X, y, epochs, batch_size=32):
    loss_fn = torch.nn.CrossEntropyLoss()
    order_rng = np.random.default_rng(0)
    for _ in range(epochs):
        order = torch.from_numpy(order_rng.permutation(len(X))).to(device)
        for start in range(0, len(X), batch_size):
            idx = order[start : start + batch_size]
            optimizer.zero_grad()
            loss_fn(model(X[idx]), y[idx]).backward()
            optimizer.step()


def accuracy(model, X, y):
    model.eval()
    with torch.no_grad():
        return (model(X).argmax(1) == y).float().mean().item()


base = make_base()
old_model = torch.nn.Sequential(base, torch.nn.Linear(128, 5).to(device))
old_model.train()
train(old_model, torch.optim.Adam(old_model.parameters(), lr=1e-3), X_old_train_t, y_old_train_t, epochs=10)
print(f"digits 0-4, test accuracy: {accuracy(old_model, X_old_test_t, y_old_test_t):.3f}")
# --8<-- [end:base]

# --8<-- [start:freeze]
def count_trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


torch.manual_seed(1)
head = torch.nn.Linear(128, 5).to(device)  # a new head for the new task
model = torch.nn.Sequential(base, head)
print(f"trainable parameters: {count_trainable(model):,}")
base.requires_grad_(False)  # freeze: no gradients, so no optimizer can change the base
print(f"after freezing the base: {count_trainable(model):,}")
# --8<-- [end:freeze]

# --8<-- [start:batchnorm]
probe = copy.deepcopy(base)  # a copy, so the base itself stays as trained
batch = X_new_train_t[:16]
norm = probe[1]
print("trained, parameters:", [name for name, _ in norm.named_parameters()])
print("not trained, buffers:", [name for name, _ in norm.named_buffers()])
batch_mean = probe[0](batch).mean(dim=0)  # what the BatchNorm layer sees, averaged over the batch
for mode in ("train", "eval"):  # train(): what model.train() in a training loop does to the base
    getattr(probe, mode)()
    old = norm.running_mean.clone()
    probe(batch)
    changed = not torch.equal(norm.running_mean, old)
    rule = torch.allclose(norm.running_mean, 0.9 * old + 0.1 * batch_mean, atol=1e-6)
    print(f"frozen, {mode}(): running mean changed: {changed}; now 0.9 * old + 0.1 * batch mean: {rule}")
# --8<-- [end:batchnorm]

# --8<-- [start:train-head]
model.train()
base.eval()  # after every model.train(): the frozen BatchNorm keeps its statistics
train(model, torch.optim.Adam(head.parameters(), lr=1e-2), X_new_train_t, y_new_train_t, epochs=10, batch_size=8)
print(f"frozen base + new head, digits 5-9: {accuracy(model, X_new_test_t, y_new_test_t):.3f}")
# --8<-- [end:train-head]

# --8<-- [start:fine-tune]
frozen_model = copy.deepcopy(model)  # kept for the next section, which starts again from here
base.requires_grad_(True)  # unfreeze
print(f"trainable parameters: {count_trainable(model):,}")
optimizer = torch.optim.Adam(
    [{"params": base.parameters(), "lr": 1e-4}, {"params": head.parameters()}], lr=1e-3
)
print("learning rates:", [group["lr"] for group in optimizer.param_groups])
model.train()
base.eval()  # BatchNorm keeps the statistics of the old task
train(model, optimizer, X_new_train_t, y_new_train_t, epochs=10, batch_size=5)
print(f"fine-tuned, digits 5-9: {accuracy(model, X_new_test_t, y_new_test_t):.3f}")
# --8<-- [end:fine-tune]

# --8<-- [start:worse]
before_unfreezing = accuracy(frozen_model, X_new_test_t, y_new_test_t)


def fine_tune_copy(base_lr, head_lr, batchnorm_eval):
    tuned = copy.deepcopy(frozen_model)  # the frozen base and the trained head, before fine-tuning
    tuned_base, tuned_head = tuned
    tuned_base.requires_grad_(True)
    optimizer = torch.optim.Adam(
        [{"params": tuned_base.parameters(), "lr": base_lr}, {"params": tuned_head.parameters(), "lr": head_lr}]
    )
    tuned.train()
    if batchnorm_eval:
        tuned_base.eval()
    train(tuned, optimizer, X_new_train_t, y_new_train_t, epochs=10, batch_size=5)
    copy_accuracy = accuracy(tuned, X_new_test_t, y_new_test_t)
    if copy_accuracy < before_unfreezing - 0.05:  # where a fall this large lands changes with CPU and threads (below)
        return "more than 5 points lower"
    return f"{copy_accuracy:.3f}"


print(f"before unfreezing: {before_unfreezing:.3f}")
print("base lr 1e-4, BatchNorm in eval():", fine_tune_copy(1e-4, 1e-3, batchnorm_eval=True))
print("base lr 1e-4, BatchNorm in train():", fine_tune_copy(1e-4, 1e-3, batchnorm_eval=False))
print("lr 0.1 everywhere, BatchNorm in eval():", fine_tune_copy(0.1, 0.1, batchnorm_eval=True))
# --8<-- [end:worse]

# --8<-- [start:exercise-freeze-first-layer]
first_frozen = copy.deepcopy(model)  # a copy of the fine-tuned model, which stays as it is
first_frozen_base, first_frozen_head = first_frozen
first_frozen.requires_grad_(True)
first_frozen_base[0].requires_grad_(False)  # freeze the first layer only
frozen_count = sum(p.numel() for p in first_frozen.parameters() if not p.requires_grad)
print(f"trainable: {count_trainable(first_frozen):,}, by hand: {128 + 128 + 128 * 5 + 5:,}")
print(f"frozen parameters: {frozen_count:,}, by hand: {64 * 128 + 128:,}")

parts = {
    "first layer": first_frozen_base[0],
    "BatchNorm scale and shift": first_frozen_base[1],
    "head": first_frozen_head,
}
before = {name: [p.clone() for p in part.parameters()] for name, part in parts.items()}
first_frozen.train()
first_frozen_base.eval()  # BatchNorm keeps its statistics; its scale and shift still train
trainable = [p for p in first_frozen.parameters() if p.requires_grad]
train(first_frozen, torch.optim.Adam(trainable, lr=1e-3), X_new_train_t, y_new_train_t, epochs=1, batch_size=25)
changed = [
    f"{name} {any(not torch.equal(p, old) for p, old in zip(part.parameters(), before[name]))}"
    for name, part in parts.items()
]
print("changed by one step:", ", ".join(changed))
# --8<-- [end:exercise-freeze-first-layer]

# --8<-- [start:exercise-two-learning-rates]
def one_step(make_optimizers):
    """One Adam step on the 25 new images, on a copy of the fine-tuned model."""
    tuned = copy.deepcopy(model)
    tuned_base, tuned_head = tuned
    tuned.train()
    tuned_base.eval()
    optimizers = make_optimizers(tuned_base, tuned_head)
    for optimizer in optimizers:
        optimizer.zero_grad()
    torch.nn.functional.cross_entropy(tuned(X_new_train_t), y_new_train_t).backward()
    for optimizer in optimizers:
        optimizer.step()
    return tuned


two_optimizers = one_step(
    lambda b, h: [torch.optim.Adam(b.parameters(), lr=1e-4), torch.optim.Adam(h.parameters(), lr=1e-3)]
)
groups = one_step(
    lambda b, h: [torch.optim.Adam([{"params": b.parameters(), "lr": 1e-4}, {"params": h.parameters()}], lr=1e-3)]
)


def largest_change(new_part, old_part):
    return max((p - q).abs().max().item() for p, q in zip(new_part.parameters(), old_part.parameters()))


base_change, head_change = largest_change(two_optimizers[0], base), largest_change(two_optimizers[1], head)
print(f"largest change, base: {base_change:.6f}, head: {head_change:.6f}")
same = all(torch.equal(p, q) for p, q in zip(two_optimizers.parameters(), groups.parameters()))
print("two optimizers give the same weights as parameter groups:", same)
# --8<-- [end:exercise-two-learning-rates]
