# --8<-- [start:setup]
import traceback
import warnings

import numpy as np
import torch
from torch import nn

torch.manual_seed(0)


def show(err):
    """Print the error's type and the first line of its message, word for word."""
    print(f"{type(err).__name__}: {str(err).splitlines()[0]}")
# --8<-- [end:setup]

# --8<-- [start:linear-shape]
layer = nn.Linear(784, 128)
x = torch.zeros(2, 783)  # one pixel short: 783 features instead of 784
try:
    layer(x)
except RuntimeError as err:
    show(err)

x = torch.zeros(2, 784)  # the fix: give the layer the width it was built for
print("fixed:", tuple(layer(x).shape))
# --8<-- [end:linear-shape]

# --8<-- [start:single-image]
cnn = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3),  # 1 channel in, 28x28 -> 26x26
    nn.Flatten(),
    nn.Linear(8 * 26 * 26, 10),
)
image = torch.zeros(1, 28, 28)  # one image: (channels, height, width), no batch axis
print("conv alone:", tuple(cnn[0](image).shape))  # accepted as an unbatched input
try:
    cnn(image)
except RuntimeError as err:
    show(err)

batch = image.unsqueeze(0)  # the fix: add the batch axis -> (1, 1, 28, 28)
print("fixed:", tuple(cnn(batch).shape))
# --8<-- [end:single-image]

# --8<-- [start:channel-axis]
images = torch.zeros(16, 28, 28)  # 16 grey images, channel axis forgotten
try:
    cnn(images)
except RuntimeError as err:
    show(err)

try:
    cnn(torch.zeros(28, 28))  # neither batch nor channel axis
except RuntimeError as err:
    show(err)

print("fixed:", tuple(cnn(images.unsqueeze(1)).shape))  # (16, 1, 28, 28)
# --8<-- [end:channel-axis]

# --8<-- [start:dtype-inputs]
features = np.random.default_rng(0).normal(size=(2, 784))  # NumPy's default: float64
print("NumPy dtype:", features.dtype)
try:
    layer(torch.from_numpy(features))  # from_numpy keeps float64
except RuntimeError as err:
    show(err)

x = torch.from_numpy(features).float()  # or torch.as_tensor(features, dtype=torch.float32)
print("fixed:", tuple(layer(x).shape), layer(x).dtype)
# --8<-- [end:dtype-inputs]

# --8<-- [start:dtype-labels]
logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 1.5, 0.3], [0.0, 0.2, 2.5], [1.0, 1.0, 0.0]])
labels = torch.tensor([0, 1, 2, 1])  # class indices: int64 ("Long")

try:
    nn.CrossEntropyLoss()(logits, labels.float())  # class indices stored as floats
except RuntimeError as err:
    show(err)

try:
    nn.BCEWithLogitsLoss()(logits[:, 0], torch.tensor([1, 0, 0, 1]))  # 0/1 targets as ints
except RuntimeError as err:
    show(err)

print("fixed:", f"{nn.BCEWithLogitsLoss()(logits[:, 0], torch.tensor([1.0, 0.0, 0.0, 1.0])):.4f}")
# --8<-- [end:dtype-labels]

# --8<-- [start:one-hot]
loss_fn = nn.CrossEntropyLoss()
one_hot = nn.functional.one_hot(labels, num_classes=3)  # int64, shape (4, 3)
try:
    loss_fn(logits, one_hot)
except RuntimeError as err:
    show(err)

print("class indices:", f"{loss_fn(logits, labels):.4f}")
print("one-hot as float:", f"{loss_fn(logits, one_hot.float()):.4f}")
# --8<-- [end:one-hot]

# --8<-- [start:batch-size]
try:
    loss_fn(logits, labels[:3])  # 4 predictions, 3 labels
except ValueError as err:
    show(err)

try:
    loss_fn(logits, labels.view(4, 1))  # labels shaped (4, 1) instead of (4,)
except RuntimeError as err:
    show(err)
# --8<-- [end:batch-size]

# --8<-- [start:broadcast]
predictions = torch.tensor([[1.0], [2.0], [3.0], [4.0]])  # model output: (4, 1)
targets = torch.tensor([1.0, 2.0, 3.0, 5.0])  # targets: (4,)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    wrong = nn.MSELoss()(predictions, targets)  # broadcasts to (4, 4)
print("warning:", str(caught[0].message).split(". ")[0])
print("wrong loss:", f"{wrong:.4f}")
print("right loss:", f"{nn.MSELoss()(predictions.squeeze(1), targets):.4f}")
# --8<-- [end:broadcast]

# --8<-- [start:devices]
x_cpu = torch.ones(3)
model_meta = nn.Linear(3, 2, device="meta")  # "meta": shapes but no data, on any machine
try:
    model_meta(x_cpu)
except RuntimeError as err:
    show(err)

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model = nn.Linear(3, 2).to(device)  # the fix: one device variable for model and data
out = model(x_cpu.to(device))
print("same device:", out.device == next(model.parameters()).device)
# --8<-- [end:devices]

# --8<-- [start:view]
grid = torch.arange(6).reshape(2, 3)
flipped = grid.t()  # transpose: same memory, strides swapped
print("contiguous:", flipped.is_contiguous())
try:
    flipped.view(6)
except RuntimeError as err:
    show(err)

print("reshape:", flipped.reshape(6).tolist())
print("contiguous().view:", flipped.contiguous().view(6).tolist())
# --8<-- [end:view]

# --8<-- [start:view-batch]
mlp = nn.Sequential(nn.Linear(784, 10))  # built for 28x28 images
small = torch.zeros(8, 1, 14, 14)  # a batch of 8 images, but 14x14
flat = small.view(-1, 784)  # -1 soaks up the mistake
print("view(-1, 784):", tuple(flat.shape), "-> batch of", flat.shape[0], "not 8")
try:
    loss_fn(mlp(flat), torch.zeros(8, dtype=torch.long))  # the loss is where it finally fails
except ValueError as err:
    show(err)

flat = torch.flatten(small, 1)  # keeps axis 0 (the batch) as it is
print("flatten(x, 1):", tuple(flat.shape))
try:
    mlp(flat)
except RuntimeError as err:
    show(err)
# --8<-- [end:view-batch]

# --8<-- [start:traceback]
w = torch.ones(784, 10)


def predict(x):
    return x @ w


try:
    predict(torch.zeros(2, 783))
except RuntimeError as err:
    show(err)
    frame = traceback.extract_tb(err.__traceback__)[-1]  # the innermost Python frame
    print("raised in:", frame.name, "->", frame.line)
# --8<-- [end:traceback]

# --8<-- [start:zero-grad]
w = torch.tensor(1.0, requires_grad=True)
x = torch.tensor(3.0)  # d(w * x)/dw = x = 3
for step in (1, 2):  # no zero_grad() between the two passes
    loss = w * x
    loss.backward()
    print(f"after backward {step}: w.grad = {w.grad.item():.1f}")

optimizer = torch.optim.SGD([w], lr=0.1)
optimizer.zero_grad()  # the fix: once per step, before backward()
loss = w * x
loss.backward()
print(f"after zero_grad: w.grad = {w.grad.item():.1f}")
# --8<-- [end:zero-grad]

# --8<-- [start:eval-mode]
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 1))
x = torch.ones(1, 4)
print("dropout on:  same output twice?", torch.equal(net(x), net(x)))  # a new module trains
net.eval()
print("dropout off: same output twice?", torch.equal(net(x), net(x)))
# --8<-- [end:eval-mode]

# --8<-- [start:batchnorm]
bn_net = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))
try:
    bn_net(torch.ones(1, 4))  # one sample, training mode
except ValueError as err:
    show(err)

bn_net.eval()  # use the running statistics instead of the batch's
print("eval mode:", tuple(bn_net(torch.ones(1, 4)).shape))
# --8<-- [end:batchnorm]

# --8<-- [start:breakpoint-loop]
torch.manual_seed(0)
net = nn.Linear(4, 1)
optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
loss_fn = nn.MSELoss()
loader = [(torch.randn(8, 4), torch.randn(8, 1)) for _ in range(3)]  # three batches of 8
for step, (x, y) in enumerate(loader):
    loss = loss_fn(net(x), y)
    if not torch.isfinite(loss):
        breakpoint()  # stops here; inspect x, y and net in the debugger
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"{step + 1} steps, last loss {loss.item():.4f}")
# --8<-- [end:breakpoint-loop]

# --8<-- [start:eager-print]
calls = 0


class Doubler(nn.Module):
    def forward(self, x):
        global calls
        calls += 1  # plain Python: runs on every call
        return 2 * x


doubler = Doubler()
for _ in range(3):
    doubler(torch.ones(2))
print(f"Python body ran {calls} time(s) in 3 calls")
# --8<-- [end:eager-print]

# --8<-- [start:breakpoint-graph]
class Probe(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 1)

    def forward(self, x):
        out = self.linear(x)
        breakpoint()  # stops on every call: forward is plain Python
        return out


probe = Probe()
for x, y in loader:
    out = probe(x)
print("forward ran for", len(loader), "batches, output", tuple(out.shape))
# --8<-- [end:breakpoint-graph]

# --8<-- [start:exercise-layer-shapes]
classifier = nn.Sequential(
    nn.Conv2d(1, 4, kernel_size=3),  # 28x28 -> 26x26
    nn.ReLU(),
    nn.MaxPool2d(2),  # 26x26 -> 13x13
    nn.Linear(4 * 13 * 13, 10),  # meant to give 10 class scores
)


def print_shape(layer, inputs, output):
    print(f"{type(layer).__name__:10} -> {tuple(output.shape)}")


hooks = [layer.register_forward_hook(print_shape) for layer in classifier]
try:
    classifier(torch.zeros(1, 1, 28, 28))
except RuntimeError as err:
    show(err)
for hook in hooks:
    hook.remove()

classifier.insert(3, nn.Flatten())  # the fix: flatten before the linear layer
print("fixed:", tuple(classifier(torch.zeros(1, 1, 28, 28)).shape))
# --8<-- [end:exercise-layer-shapes]

# --8<-- [start:exercise-pixels]
pixels = torch.from_numpy(np.random.default_rng(0).integers(0, 256, size=(2, 1, 28, 28), dtype=np.uint8))
conv = nn.Conv2d(1, 4, kernel_size=3)
try:
    conv(pixels)
except RuntimeError as err:
    show(err)

scaled = pixels.float() / 255  # the fix: float32 in [0, 1]
print("fixed:", tuple(conv(scaled).shape), conv(scaled).dtype)
# --8<-- [end:exercise-pixels]
