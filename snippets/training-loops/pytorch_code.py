# --8<-- [start:data]
import copy

import numpy as np
import torch

rng = np.random.default_rng(0)
X = rng.normal(size=(600, 8)).astype("float32")
true_weights = rng.normal(size=(8, 3))
y = np.argmax(X @ true_weights + 0.5 * rng.normal(size=(600, 3)), axis=1)
X_train, X_val, y_train, y_val = X[:480], X[480:], y[:480], y[480:]
print("train", X_train.shape, "validation", X_val.shape)
print("examples per class:", np.bincount(y_train).tolist())

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
X_train_t, y_train_t = torch.from_numpy(X_train).to(device), torch.from_numpy(y_train).to(device)
X_val_t, y_val_t = torch.from_numpy(X_val).to(device), torch.from_numpy(y_val).to(device)
# --8<-- [end:data]

# --8<-- [start:model]
torch.manual_seed(0)


def make_model():
    return torch.nn.Sequential(
        torch.nn.Linear(8, 32), torch.nn.ReLU(), torch.nn.Linear(32, 3)
    ).to(device)


loss_fn = torch.nn.CrossEntropyLoss()  # takes logits
print("parameters:", sum(p.numel() for p in make_model().parameters()))
# --8<-- [end:model]

# --8<-- [start:loop]
def train_one_epoch(model, optimizer, order, batch_size=32):
    model.train()
    total = 0.0
    for start in range(0, len(order), batch_size):
        idx = torch.from_numpy(order[start : start + batch_size]).to(device)
        optimizer.zero_grad()  # 1. clear the gradients of the last step
        logits = model(X_train_t[idx])  # 2. forward
        loss = loss_fn(logits, y_train_t[idx])  # 3. loss
        loss.backward()  # 4. backward: fills p.grad
        optimizer.step()  # 5. update the weights
        total += loss.item() * len(idx)
    return total / len(order)


model = make_model()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
shuffle_rng = np.random.default_rng(1)
for epoch in range(1, 4):
    train_loss = train_one_epoch(model, optimizer, shuffle_rng.permutation(len(X_train)))
    print(f"epoch {epoch}: train loss {train_loss:.3f}")
# --8<-- [end:loop]

# --8<-- [start:fit]
def fit(model, optimizer, epochs):
    history = {"val_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        train_one_epoch(model, optimizer, shuffle_rng.permutation(len(X_train)))
        model.eval()
        with torch.no_grad():
            logits = model(X_val_t)
            history["val_loss"].append(loss_fn(logits, y_val_t).item())
            history["val_accuracy"].append((logits.argmax(1) == y_val_t).float().mean().item())
    return history


model = make_model()
history = fit(model, torch.optim.Adam(model.parameters(), lr=0.01), epochs=4)
for epoch, (loss, acc) in enumerate(zip(history["val_loss"], history["val_accuracy"]), 1):
    print(f"epoch {epoch}: val loss {loss:.3f}, val accuracy {acc:.2f}")
# --8<-- [end:fit]

# --8<-- [start:grads-add-up]
model = make_model()
xb, yb = X_train_t[:32], y_train_t[:32]
loss_fn(model(xb), yb).backward()
first = model[0].weight.grad.clone()
loss_fn(model(xb), yb).backward()  # no zero_grad in between
print("second gradient / first:", round((model[0].weight.grad.norm() / first.norm()).item(), 3))
model.zero_grad()
print("after zero_grad:", model[0].weight.grad)
# --8<-- [end:grads-add-up]

# --8<-- [start:clipping]
model = make_model()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
optimizer.zero_grad()
loss_fn(model(xb), yb).backward()
norm_before = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
norm_after = torch.nn.utils.get_total_norm([p.grad for p in model.parameters()])
optimizer.step()  # clipping goes between backward() and step()
print(f"gradient norm {norm_before:.3f} -> {norm_after:.3f}")
# --8<-- [end:clipping]

# --8<-- [start:accumulation]
model = make_model()
big_batch_model = copy.deepcopy(model)  # same starting weights
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
accumulation_steps = 4
changed = []
optimizer.zero_grad()
for step, (x_small, y_small) in enumerate(zip(xb.split(8), yb.split(8)), 1):
    before = model[0].weight.detach().clone()
    loss = loss_fn(model(x_small), y_small) / accumulation_steps  # average over the 4
    loss.backward()  # adds to p.grad
    if step % accumulation_steps == 0:
        optimizer.step()
        optimizer.zero_grad()
    changed.append(not torch.equal(before, model[0].weight))
print("weights changed after micro-batch:", changed)

big_optimizer = torch.optim.SGD(big_batch_model.parameters(), lr=0.1)
loss_fn(big_batch_model(xb), yb).backward()
big_optimizer.step()
same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(model.parameters(), big_batch_model.parameters()))
print("same weights as one batch of 32:", same)
# --8<-- [end:accumulation]

# --8<-- [start:dropout-modes]
torch.manual_seed(0)
dropout = torch.nn.Dropout(p=0.5)
ones = torch.ones(1, 10)
dropout.train()  # the mode a new layer starts in
a, b = dropout(ones), dropout(ones)
print("training: values", sorted(set(a.flatten().tolist())), "| two calls equal:", torch.equal(a, b))
dropout.eval()
a, b = dropout(ones), dropout(ones)
print("inference: values", sorted(set(a.flatten().tolist())), "| two calls equal:", torch.equal(a, b))
# --8<-- [end:dropout-modes]

# --8<-- [start:no-grad]
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(10, 10), torch.nn.Dropout(p=0.5))
net.eval()
print("eval() sets training flags:", [m.training for m in net])
print("eval(), output requires_grad:", net(ones).requires_grad)
net.train()
with torch.no_grad():
    a, b = net(ones), net(ones)
print("train() + no_grad, requires_grad:", a.requires_grad, "| dropout still random:", not torch.equal(a, b))
net.eval()
with torch.inference_mode():
    c = net(ones)
print("eval() + inference_mode, requires_grad:", c.requires_grad)
# --8<-- [end:no-grad]

# --8<-- [start:exercise-evaluate]
def evaluate(model, batch_size=50):
    model.eval()  # Dropout off
    total_loss, correct = 0.0, 0
    with torch.no_grad():  # record nothing for autograd
        for start in range(0, len(X_val_t), batch_size):
            logits = model(X_val_t[start : start + batch_size])
            labels = y_val_t[start : start + batch_size]
            total_loss += loss_fn(logits, labels).item() * len(labels)  # undo the batch mean
            correct += (logits.argmax(1) == labels).sum().item()
    return total_loss / len(X_val_t), correct / len(X_val_t)


torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(8, 32), torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(32, 3)
).to(device)
before = copy.deepcopy(model.state_dict())
first, second = evaluate(model), evaluate(model)
with torch.no_grad():
    full_loss = loss_fn(model(X_val_t), y_val_t).item()  # the 120 examples in one batch
print("two evaluations equal:", first == second)
print("batched loss = one-batch loss:", abs(first[0] - full_loss) < 1e-5)
print("weights unchanged:", all(torch.equal(before[k], v) for k, v in model.state_dict().items()))
print("gradients stored:", any(p.grad is not None for p in model.parameters()))
# --8<-- [end:exercise-evaluate]

# --8<-- [start:exercise-clip-by-hand]
model = make_model()
model.zero_grad()
loss_fn(model(xb), yb).backward()
grads = [p.grad.clone() for p in model.parameters()]

def norm(tensors):
    return torch.sqrt(sum((t**2).sum() for t in tensors)).item()


by_hand = [g * min(1.0, 0.5 / norm(grads)) for g in grads]  # one factor for all
torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
print("global clipping by hand = library:", all(
    torch.allclose(h, p.grad, atol=1e-6) for h, p in zip(by_hand, model.parameters())))

per_tensor = [g * min(1.0, 0.5 / g.norm().item()) for g in grads]  # one factor per tensor
for p, g in zip(model.parameters(), grads):
    p.grad = g.clone()
    torch.nn.utils.clip_grad_norm_([p], max_norm=0.5)  # each tensor on its own
print("per-tensor clipping by hand = library:", all(
    torch.allclose(h, p.grad, atol=1e-6) for h, p in zip(per_tensor, model.parameters())))
print(f"combined norm: {norm(grads):.3f} before, {norm(by_hand):.3f} global, {norm(per_tensor):.3f} per tensor")
# --8<-- [end:exercise-clip-by-hand]
