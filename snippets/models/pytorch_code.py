# --8<-- [start:layer]
import torch
from torch import nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

layer = nn.Linear(784, 128)  # in_features=784, out_features=128
print("weight:", tuple(layer.weight.shape), "| bias:", tuple(layer.bias.shape))
# --8<-- [end:layer]

# --8<-- [start:sequential]
model = nn.Sequential(
    nn.Linear(784, 128),
    nn.ReLU(),
    nn.Linear(128, 10),  # 10 raw scores (logits), no softmax
).to(device)
print(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
# --8<-- [end:sequential]

# --8<-- [start:class]
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(784, 128)
        self.out = nn.Linear(128, 10)

    def forward(self, x):  # how data flows from input to output
        x = torch.relu(self.hidden(x))
        return self.out(x)  # logits


model = MLP().to(device)
print(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
# --8<-- [end:class]

# --8<-- [start:subclass]
class MLPWithFeatures(MLP):  # same layers as MLP, a different forward
    def forward(self, x, return_features=False):
        features = torch.relu(self.hidden(x))
        logits = self.out(features)
        if return_features:  # ordinary Python decides what to return
            return logits, features
        return logits


feature_model = MLPWithFeatures().to(device)
logits, features = feature_model(torch.zeros(2, 784, device=device), return_features=True)
print(f"parameters: {sum(p.numel() for p in feature_model.parameters()):,}")
print("logits:", tuple(logits.shape), "| features:", tuple(features.shape))
# --8<-- [end:subclass]

# --8<-- [start:parameters]
for name, param in model.named_parameters():
    print(f"{name:14} {tuple(param.shape)}")
# --8<-- [end:parameters]

# --8<-- [start:forward]
batch = torch.zeros(2, 784, device=device)  # 2 examples of 784 features
logits = model(batch)  # calling the model runs forward()
print("output shape:", tuple(logits.shape))
# --8<-- [end:forward]

# --8<-- [start:probabilities]
import numpy as np

rng = np.random.default_rng(0)
inputs = torch.from_numpy(rng.normal(size=(2, 784)).astype(np.float32)).to(device)
logits = model(inputs)
probs = torch.softmax(logits, dim=1)  # applied outside the model
print("logits can be negative:", bool((logits < 0).any()))
print("probabilities in [0, 1]:", bool(((probs >= 0) & (probs <= 1)).all()))
print("row sums:", " ".join(f"{s:.2f}" for s in probs.sum(dim=1).tolist()))
print("same predicted class:", bool((logits.argmax(dim=1) == probs.argmax(dim=1)).all()))
# --8<-- [end:probabilities]

# --8<-- [start:wrong-size]
try:
    model(torch.zeros(2, 783, device=device))  # one feature short
except RuntimeError as err:
    print(type(err).__name__, ":", str(err).splitlines()[0])
# --8<-- [end:wrong-size]

# --8<-- [start:input-shape]
try:
    nn.Linear(784, 128, input_shape=(784,))
except TypeError as err:
    print(type(err).__name__, ":", str(err).splitlines()[0])
# --8<-- [end:input-shape]

# --8<-- [start:cnn]
cnn = nn.Sequential(
    nn.Conv2d(1, 32, kernel_size=3),  # 1 input channel, 32 filters of 3x3
    nn.ReLU(),
    nn.Flatten(),
    nn.Linear(32 * 26 * 26, 10),  # a 3x3 filter turns 28x28 into 26x26
).to(device)
print(f"parameters: {sum(p.numel() for p in cnn.parameters()):,}")
# --8<-- [end:cnn]

# --8<-- [start:layout]
images = torch.zeros(2, 1, 28, 28, device=device)  # NCHW: batch, channels, height, width
print("input:", tuple(images.shape))
print("after conv:", tuple(cnn[0](images).shape))
print("output:", tuple(cnn(images).shape))
# --8<-- [end:layout]

# --8<-- [start:exercise-count]
by_hand = (784 * 256 + 256) + (256 * 64 + 64) + (64 * 10 + 10)  # weights + biases of each layer
deeper = nn.Sequential(
    nn.Linear(784, 256), nn.ReLU(),
    nn.Linear(256, 64), nn.ReLU(),
    nn.Linear(64, 10),
)
counted = sum(p.numel() for p in deeper.parameters())
print(f"by hand: {by_hand:,} | counted: {counted:,} | equal: {by_hand == counted}")
# --8<-- [end:exercise-count]

# --8<-- [start:exercise-forward]
with torch.no_grad():
    hidden = torch.relu(inputs @ model.hidden.weight.T + model.hidden.bias)  # weight is (out, in): transpose it
    logits_by_hand = hidden @ model.out.weight.T + model.out.bias
    print("weights:", tuple(model.hidden.weight.shape), tuple(model.out.weight.shape))
    print("same logits as model(inputs):", torch.allclose(logits_by_hand, model(inputs), atol=1e-5))
# --8<-- [end:exercise-forward]

# --8<-- [start:exercise-conv-size]
size = (28 + 2 * 2 - 5) // 2 + 1  # (input + 2 * padding - kernel) // stride + 1
conv = nn.Conv2d(1, 8, kernel_size=5, stride=2, padding=2).to(device)
print("by the formula:", size)
print("output:", tuple(conv(torch.zeros(2, 1, 28, 28, device=device)).shape))  # NCHW
# --8<-- [end:exercise-conv-size]
