# --8<-- [start:devices]
import numpy as np
import torch

if torch.cuda.is_available():  # an NVIDIA GPU and a CUDA build of PyTorch
    device = torch.device("cuda")
elif torch.backends.mps.is_available():  # the GPU of an Apple-silicon Mac
    device = torch.device("mps")
else:
    device = torch.device("cpu")
gpu_found = torch.cuda.is_available() or torch.backends.mps.is_available()
print("uses a GPU exactly when one is there:", (device.type != "cpu") == gpu_found)
# --8<-- [end:devices]

# --8<-- [start:placement]
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
model.to(device)  # a module moves its weights in place
batch = torch.randn(5, 4)
batch = batch.to(device)  # a tensor is copied: keep the result
out = model(batch)
print("weights and output on one device:", {p.device for p in model.parameters()} == {out.device})
result = out.detach().cpu().numpy()  # NumPy sees only CPU memory
print("back in NumPy:", result.shape, result.dtype)
cpu_out = model.to("cpu")(batch.cpu())
print("on the CPU when asked:", cpu_out.device.type == "cpu")
model.to(device)
# --8<-- [end:placement]

# --8<-- [start:memory]
def make_mlp():
    return torch.nn.Sequential(
        torch.nn.Linear(64, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 10),
    ).to(device)


mlp = make_mlp()
n_weights = sum(p.numel() for p in mlp.parameters())
print(f"weights: {n_weights:,} floats, {n_weights * 4 / 1e6:.2f} MB")
print(f"weights + gradients + Adam's two moments: {4 * n_weights * 4 / 1e6:.2f} MB, whatever the batch size")
layer_outputs = []  # bytes of each layer's output in one forward pass
hooks = [
    layer.register_forward_hook(lambda module, inputs, output: layer_outputs.append(output.nbytes))
    for layer in mlp
]
for batch_size in (1024, 512, 256):
    layer_outputs.clear()
    mlp(torch.zeros(batch_size, 64, device=device))
    print(f"batch {batch_size}: layer outputs {sum(layer_outputs) / 1e6:.2f} MB")
for hook in hooks:
    hook.remove()
# --8<-- [end:memory]

# --8<-- [start:no-grad]
saved = []  # one entry per tensor autograd keeps for the backward pass


def keep(tensor):
    saved.append(tensor.shape)
    return tensor


x = torch.zeros(1024, 64, device=device)
with torch.autograd.graph.saved_tensors_hooks(keep, lambda tensor: tensor):
    out = mlp(x)
    print("plain forward: requires_grad", out.requires_grad, "| tensors kept for backward:", len(saved))
    saved.clear()
    mlp.eval()
    with torch.no_grad():
        out = mlp(x)
    print("under no_grad: requires_grad", out.requires_grad, "| tensors kept for backward:", len(saved))
# --8<-- [end:no-grad]

# --8<-- [start:item]
torch.manual_seed(0)
mlp = make_mlp()
optimizer = torch.optim.SGD(mlp.parameters(), lr=0.1)
loss_fn = torch.nn.CrossEntropyLoss()
X = torch.randn(96, 64, device=device)
y = torch.randint(0, 10, (96,), device=device)
kept, logged = [], []
for xb, yb in zip(X.split(32), y.split(32)):
    loss = loss_fn(mlp(xb), yb)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    kept.append(loss)  # a tensor: it holds on to its graph
    logged.append(loss.item())  # a Python float: nothing else
print("kept:", type(kept[0]).__name__, "with grad_fn", type(kept[0].grad_fn).__name__)
print("logged:", type(logged[0]).__name__, [round(v, 3) for v in logged])


def graph_nodes(grad_fn, seen=None):
    """How many autograd nodes a result still reaches."""
    seen = set() if seen is None else seen
    if grad_fn is not None and grad_fn not in seen:
        seen.add(grad_fn)
        for parent, _ in grad_fn.next_functions:
            graph_nodes(parent, seen)
    return len(seen)


total, sizes = 0, []  # an evaluation loop without no_grad, adding up tensors
for xb, yb in zip(X.split(32), y.split(32)):
    total = total + loss_fn(mlp(xb), yb)
    sizes.append(graph_nodes(total.grad_fn))
print("graph nodes the total keeps alive, batch by batch:", sizes)
# --8<-- [end:item]

# --8<-- [start:accumulation]
rng = np.random.default_rng(0)
W = rng.normal(size=(6, 3)).astype("float32")  # the same starting weights in both frameworks
xs = torch.from_numpy(rng.normal(size=(8, 6)).astype("float32")).to(device)
ys = torch.from_numpy(rng.integers(0, 3, size=8)).to(device)
linear = torch.nn.Linear(6, 3).to(device)
with torch.no_grad():
    linear.weight.copy_(torch.from_numpy(W.T))  # PyTorch stores (out, in)
    linear.bias.zero_()

linear.zero_grad()
loss_fn(linear(xs), ys).backward()
one_batch = linear.weight.grad.clone()

linear.zero_grad()
for x_half, y_half in zip(xs.split(4), ys.split(4)):
    (loss_fn(linear(x_half), y_half) / 2).backward()  # adds to .grad
two_batches = linear.weight.grad

print(f"one batch of 8:              gradient norm {one_batch.norm():.4f}")
print(f"two batches of 4, added up:  gradient norm {two_batches.norm():.4f}")
print("same gradient:", torch.allclose(one_batch, two_batches, atol=1e-6))
# --8<-- [end:accumulation]

# --8<-- [start:exercise-device-helper]
def best_device():
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def to_device(model, batch, device):
    """Moves the model in place and returns a copy of the batch (a dict of tensors) on the device."""
    model.to(device)
    return {name: tensor.to(device) for name, tensor in batch.items()}


torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
data = {"features": torch.randn(5, 4), "labels": torch.tensor([0, 2, 1, 1, 0])}
target = best_device()
data = to_device(net, data, target)
# compare types: torch.device("cuda") and the cuda:0 a tensor reports are not equal
print("parameters checked:", len(list(net.parameters())))
print("every parameter on the device:", all(p.device.type == target.type for p in net.parameters()))
print("every batch tensor on the device:", all(t.device.type == target.type for t in data.values()))
print("output shape:", tuple(net(data["features"]).shape))
# --8<-- [end:exercise-device-helper]

# --8<-- [start:exercise-parameter-bytes]
small = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
small = small.to(torch.bfloat16)
by_hand = (64 * 256 + 256) + (256 * 10 + 10)  # each Linear: a weight matrix and a bias
bytes_per_number = 2  # bfloat16: 16 bits
print(f"by hand:   {by_hand:,} numbers x {bytes_per_number} bytes = {by_hand * bytes_per_number:,} bytes")
counted = sum(p.numel() for p in small.parameters())
counted_bytes = sum(p.numel() * p.element_size() for p in small.parameters())
print(f"framework: {counted:,} numbers, {counted_bytes:,} bytes")
print("match:", counted_bytes == by_hand * bytes_per_number)
# --8<-- [end:exercise-parameter-bytes]
