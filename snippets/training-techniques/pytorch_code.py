# --8<-- [start:schedules]
import torch


def learning_rates(make_scheduler, steps=6):
    """The learning rate used at each of `steps` optimizer steps."""
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = make_scheduler(optimizer)
    used = []
    for _ in range(steps):
        used.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # a real loop computes the loss and calls backward() first
        scheduler.step()  # then moves the schedule on by one
    return used


step_decay = learning_rates(lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5))
cosine = learning_rates(lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=6))
for step, (a, b) in enumerate(zip(step_decay, cosine)):
    print(f"step {step}: step decay {a:.4g} | cosine {b:.4g}")
# --8<-- [end:schedules]

# --8<-- [start:data]
import numpy as np

rng = np.random.default_rng(0)
X = rng.normal(size=(80, 20)).astype("float32")
y = (X[:, :1] + rng.normal(scale=1.0, size=(80, 1))).astype("float32")  # one useful feature, much noise
X_train, X_val, y_train, y_val = X[:40], X[40:], y[:40], y[40:]
print("train", X_train.shape, "validation", X_val.shape)

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
X_train_t, y_train_t = torch.from_numpy(X_train).to(device), torch.from_numpy(y_train).to(device)
X_val_t, y_val_t = torch.from_numpy(X_val).to(device), torch.from_numpy(y_val).to(device)
loss_fn = torch.nn.MSELoss()


def make_model():
    return torch.nn.Sequential(
        torch.nn.Linear(20, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1)
    ).to(device)


def train_epoch(model, optimizer):  # one full-batch step per epoch keeps the example short
    model.train()
    optimizer.zero_grad()
    loss_fn(model(X_train_t), y_train_t).backward()
    optimizer.step()


def val_loss(model):
    model.eval()
    with torch.no_grad():
        return loss_fn(model(X_val_t), y_val_t).item()
# --8<-- [end:data]

# --8<-- [start:per-epoch]
torch.manual_seed(0)
model = make_model()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: 0.5**epoch)  # a factor of the initial lr
used = []
for epoch in range(3):
    used.append(optimizer.param_groups[0]["lr"])
    train_epoch(model, optimizer)
    scheduler.step()  # once per epoch: the schedule counts what you count
print("learning rate per epoch:", [round(lr, 4) for lr in used])
# --8<-- [end:per-epoch]

# --8<-- [start:plateau]
def lr_after_each_epoch(losses, patience):
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=patience)
    after = []
    for loss in losses:
        plateau.step(loss)  # give it the validation loss at the end of each epoch
        after.append(round(optimizer.param_groups[0]["lr"], 4))
    return after


losses = [1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.95]  # no improvement after epoch 1
print("validation loss:  ", losses)
print("lr, patience=2:   ", lr_after_each_epoch(losses, patience=2))
print("lr, patience=1:   ", lr_after_each_epoch(losses, patience=1))
# --8<-- [end:plateau]

# --8<-- [start:early-stopping]
torch.manual_seed(0)
model = make_model()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
patience, wait, best, best_epoch = 5, 0, float("inf"), 0
for epoch in range(1, 201):
    train_epoch(model, optimizer)
    loss = val_loss(model)
    if loss < best:  # an improvement: remember it and save the weights
        best, best_epoch, wait = loss, epoch, 0
        torch.save(model.state_dict(), "best.pt")
    else:
        wait += 1
        if wait >= patience:  # `patience` epochs in a row without improvement
            break
print(f"stopped after epoch {epoch}; best epoch {best_epoch}, val loss {best:.4f}")
print(f"last weights: val loss {val_loss(model):.4f}")
model.load_state_dict(torch.load("best.pt"))  # restore the best weights
print(f"restored from best.pt: val loss {val_loss(model):.4f}")
# --8<-- [end:early-stopping]

# --8<-- [start:decay-defaults]
print("AdamW weight_decay:", torch.optim.AdamW([torch.zeros(1)]).defaults["weight_decay"])
print("Adam weight_decay:", torch.optim.Adam([torch.zeros(1)]).defaults["weight_decay"])
print("Adam eps:", torch.optim.Adam([torch.zeros(1)]).defaults["eps"])
# --8<-- [end:decay-defaults]

# --8<-- [start:decay]
def weights_after(make_optimizer, steps=5):
    """Train one weight, starting at 1.0, on a loss whose gradient is always 1."""
    w = torch.ones(1, requires_grad=True)
    optimizer = make_optimizer([w])
    values = []
    for _ in range(steps):
        optimizer.zero_grad()
        w.sum().backward()  # loss = w, so the loss gradient is 1
        optimizer.step()
        values.append(f"{w.item():.4f}")
    return " ".join(values)


print("no decay:           ", weights_after(lambda p: torch.optim.Adam(p, lr=0.1)))
print("L2, strength 0.1:   ", weights_after(lambda p: torch.optim.Adam(p, lr=0.1, weight_decay=0.1)))
print("decoupled, 0.1:     ", weights_after(lambda p: torch.optim.AdamW(p, lr=0.1, weight_decay=0.1)))
# --8<-- [end:decay]

# --8<-- [start:same-name]
l2 = weights_after(lambda p: torch.optim.Adam(p, lr=0.1, weight_decay=0.1))
adamw = weights_after(lambda p: torch.optim.AdamW(p, lr=0.1, weight_decay=0.1))
decoupled_adam = weights_after(
    lambda p: torch.optim.Adam(p, lr=0.1, weight_decay=0.1, decoupled_weight_decay=True)
)
print("Adam(weight_decay=0.1) is L2:", l2 != adamw)
print("Adam(weight_decay=0.1, decoupled_weight_decay=True) equals AdamW:", decoupled_adam == adamw)
# --8<-- [end:same-name]

# --8<-- [start:bn-defaults]
bn = torch.nn.BatchNorm1d(3)
print("momentum:", bn.momentum, "| eps:", bn.eps)
# --8<-- [end:bn-defaults]

# --8<-- [start:bn-step]
batch = np.random.default_rng(0).normal(loc=2.0, scale=3.0, size=(8, 3)).astype("float32")
bn = torch.nn.BatchNorm1d(3, momentum=0.1)  # running = 0.9 * running + 0.1 * batch statistic
bn.train()  # training mode: normalise with the batch's statistics, update the running ones
out = bn(torch.from_numpy(batch))
print("running mean after one step:", [round(v, 4) for v in bn.running_mean.tolist()])
print("0.1 * batch mean:           ", [round(v, 4) for v in (0.1 * batch.mean(0)).tolist()])
biased_var = batch.var(0)  # divides by n
expected = (batch - batch.mean(0)) / np.sqrt(biased_var + bn.eps)
print("output normalised with the biased batch variance:", np.allclose(out.detach().numpy(), expected, atol=1e-5))
# --8<-- [end:bn-step]

# --8<-- [start:bn-variance]
print("running var after one step:", [round(v, 4) for v in bn.running_var.tolist()])
for name, ddof in [("unbiased (n - 1)", 1), ("biased (n)", 0)]:
    update = 0.9 * 1.0 + 0.1 * batch.var(0, ddof=ddof)  # the running variance starts at 1
    print(f"0.9 + 0.1 * {name} variance:", [round(v, 4) for v in update.tolist()])
# --8<-- [end:bn-variance]

# --8<-- [start:exercise-warmup]
import math


def warmup_cosine(step, peak=0.1, warmup=3, total=10):
    """Linear warmup from a quarter of the peak, then half a cosine down to 0."""
    if step < warmup:
        return peak * (0.25 + 0.75 * step / warmup)
    return peak * 0.5 * (1 + math.cos(math.pi * (step - warmup) / (total - warmup)))


by_hand = [warmup_cosine(step) for step in range(10)]
library = learning_rates(  # the helper from the schedules section
    lambda opt: torch.optim.lr_scheduler.SequentialLR(opt, [
        torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3),
        torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=7),
    ], milestones=[3]),
    steps=10,
)
print("by hand:", [round(lr, 4) for lr in by_hand])
print("library:", [round(lr, 4) for lr in library])
print("match:", np.allclose(by_hand, library, atol=1e-6))
# --8<-- [end:exercise-warmup]

# --8<-- [start:exercise-early-stop]
val_losses = [0.9, 0.7, 0.62, 0.64, 0.6, 0.61, 0.63, 0.6, 0.65, 0.66, 0.58]
patience = 3
best, best_epoch, bad = float("inf"), 0, 0
for epoch, loss in enumerate(val_losses, start=1):  # epochs counted from 1
    if loss < best:  # strictly better: an equal loss is no improvement
        best, best_epoch, bad = loss, epoch, 0
    else:
        bad += 1
    if bad == patience:
        break
print(f"stops after epoch {epoch}; best epoch {best_epoch}, val loss {best}")

# another route: the epoch of the last improvement, seen from every epoch, with NumPy
losses = np.array(val_losses)
improved = np.r_[True, losses[1:] < np.minimum.accumulate(losses)[:-1]]
last_improvement = np.maximum.accumulate(np.where(improved, np.arange(1, len(losses) + 1), 0))
stop = int(np.argmax(np.arange(1, len(losses) + 1) - last_improvement == patience)) + 1
print("second route agrees:", (stop, int(last_improvement[stop - 1])) == (epoch, best_epoch))
# --8<-- [end:exercise-early-stop]
