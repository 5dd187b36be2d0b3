# --8<-- [start:formats]
import numpy as np
import torch

values = [1.001, 70000.0, 1e-8]
for name in ("float32", "bfloat16", "float16"):
    dtype = getattr(torch, name)
    info = torch.finfo(dtype)
    kept = torch.tensor(values).to(dtype).tolist()  # round each value to this format
    print(f"{name:>8}: {info.bits} bits, eps {info.eps:.3g}, max {info.max:.3g} -> "
          + ", ".join(f"{v:.6g}" for v in kept))
# --8<-- [end:formats]

# --8<-- [start:autocast]
from torch import nn

rng = np.random.default_rng(0)
X = rng.normal(size=(256, 16)).astype("float32")
y = np.argmax(X @ rng.normal(size=(16, 3)), axis=1)

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
X_t, y_t = torch.from_numpy(X).to(device), torch.from_numpy(y).to(device)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(16, 1024)
        self.out = nn.Linear(1024, 3)

    def forward(self, x):
        h = torch.relu(self.hidden(x))
        return self.out(h), h


torch.manual_seed(0)
model = MLP().to(device)
with torch.autocast(device.type, dtype=torch.bfloat16):  # ops inside pick their dtype
    out, h = model(X_t)
    logits = out.float()  # the output back in float32
    loss = nn.functional.cross_entropy(logits, y_t)
print("weights:", model.hidden.weight.dtype)
print("hidden activations:", h.dtype)
print("last layer output:", out.dtype, "| logits after .float():", logits.dtype)
print("loss:", loss.dtype)
# --8<-- [end:autocast]

# --8<-- [start:memory]
h32 = torch.relu(model.hidden(X_t))  # the same activation, outside autocast
for t in (h32, h):
    print(f"activation {tuple(t.shape)} in {str(t.dtype).removeprefix('torch.')}: "
          f"{t.element_size() * t.nelement():,} bytes")
# --8<-- [end:memory]

# --8<-- [start:train-bf16]
def train(use_autocast, steps=5):
    torch.manual_seed(0)
    model = MLP().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_autocast):
            out, _ = model(X_t)
            loss = nn.functional.cross_entropy(out.float(), y_t)
        loss.backward()  # outside autocast: backward ops use the dtypes of the forward
        optimizer.step()
        losses.append(round(loss.item(), 3))
    return model, losses


model_32, losses_32 = train(use_autocast=False)
model_16, losses_16 = train(use_autocast=True)
print("float32 losses: ", losses_32)
print("bfloat16 losses:", losses_16)
print("gradient dtype:", model_16.hidden.weight.grad.dtype)
# --8<-- [end:train-bf16]

# --8<-- [start:underflow]
grad = torch.tensor(1e-8)  # a small gradient, in float32
scale = 2.0**16
print("1e-8 in float16:", grad.half().item())
scaled = (grad * scale).half()  # what loss scaling does: scale, then go to float16
print(f"scaled by 2**16 in float16: {scaled.item():.4g}")
print(f"unscaled again in float32: {scaled.float().item() / scale:.3g}")
# --8<-- [end:underflow]

# --8<-- [start:float16]
torch.manual_seed(0)
model = MLP().to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scaler = torch.amp.GradScaler(device.type)  # loss scaling for float16, on "cuda" or "cpu"
print("starting scale:", scaler.get_scale())

losses = []
for _ in range(5):
    optimizer.zero_grad()
    with torch.autocast(device.type, dtype=torch.float16):
        out, h = model(X_t)
        loss = nn.functional.cross_entropy(out.float(), y_t)
    scaler.scale(loss).backward()  # backward on loss * scale
    scaler.step(optimizer)  # unscales the gradients; skips the step if any is inf or NaN
    scaler.update()  # halves the scale after a skipped step, grows it after 2000 good ones
    losses.append(loss.item())

print("hidden computes in:", str(h.dtype).removeprefix("torch."),
      "| weights:", str(model.hidden.weight.dtype).removeprefix("torch."),
      "| their gradients:", str(model.hidden.weight.grad.dtype).removeprefix("torch."))
print("losses:", [round(v, 3) for v in losses])
print("loss scale:", scaler.get_scale())
# --8<-- [end:float16]

# --8<-- [start:clip-resume]
def scaled_backward():
    optimizer.zero_grad()
    with torch.autocast(device.type, dtype=torch.float16):
        out, _ = model(X_t)
        loss = nn.functional.cross_entropy(out.float(), y_t)
    scaler.scale(loss).backward()


def grad_norm():
    return torch.nn.utils.get_total_norm([p.grad for p in model.parameters()]).item()


scaled_backward()
scaled_norm = grad_norm()
scaler.unscale_(optimizer)  # divides the gradients by the scale, in place
true_norm = grad_norm()
print(f"gradient norm before unscale_: {scaled_norm:.3g} | after: {true_norm:.3g} | ratio: {scaled_norm / true_norm:.0f}")
torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)  # clips the true gradients
print(f"after clipping: {grad_norm():.3g}")
scaler.step(optimizer)  # knows that this optimizer's gradients are unscaled already
scaler.update()

scaled_backward()
model.hidden.weight.grad[0, 0] = float("inf")  # as if this step had overflowed in float16
scaler.step(optimizer)  # skipped
scaler.update()  # and the scale is halved
print("scale after an overflow:", scaler.get_scale())
checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "scaler": scaler.state_dict()}
torch.save(checkpoint, "checkpoint.pt")

checkpoint = torch.load("checkpoint.pt")  # resuming: a new scaler starts from its defaults
scaler = torch.amp.GradScaler(device.type)
print("new scaler:", scaler.get_scale())
scaler.load_state_dict(checkpoint["scaler"])
print("after load_state_dict:", scaler.get_scale())
# --8<-- [end:clip-resume]

# --8<-- [start:exercise-exact-integers]
for dtype in (torch.float16, torch.bfloat16):
    integers = torch.arange(0, 5000)  # int64: every integer exactly
    round_trip = integers.to(dtype).to(torch.int64)
    first_lost = integers[round_trip != integers][0].item()  # the first integer the format rounds away
    step = 1.0
    while torch.tensor(1.0 + step / 2).to(dtype).item() > 1.0:  # halve the step while 1 + step/2 still differs from 1
        step /= 2
    info = torch.finfo(dtype)
    print(f"{str(dtype).removeprefix('torch.'):>8}: exact up to {first_lost - 1}, {first_lost} -> "
          f"{torch.tensor(first_lost).to(dtype).item():g} | next after 1: 1 + {step:.3g}, eps: {step == info.eps}")
# --8<-- [end:exercise-exact-integers]

# --8<-- [start:exercise-conv-autocast]
torch.manual_seed(0)
conv = nn.Conv2d(3, 4, kernel_size=3).to(device)
images = torch.from_numpy(np.random.default_rng(2).normal(size=(2, 3, 8, 8)).astype("float32")).to(device)
with torch.autocast(device.type, dtype=torch.bfloat16):
    mixed = conv(images)
print("weights:", str(conv.weight.dtype).removeprefix("torch."), "| output:", str(mixed.dtype).removeprefix("torch."))

by_hand = nn.functional.conv2d(images.bfloat16(), conv.weight.bfloat16(), conv.bias.bfloat16())  # cast, then compute
print("same as casting by hand:", torch.allclose(mixed.float(), by_hand.float(), rtol=1e-2, atol=1e-2))
full = conv(images)  # float32 all the way
print("close to float32 (within 2%):", bool((mixed.float() - full).abs().max() < 0.02 * full.abs().max()))
# --8<-- [end:exercise-conv-autocast]
