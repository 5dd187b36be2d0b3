# --8<-- [start:data]
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
digits = load_digits()  # 1,797 images of 8x8 pixels, shipped with scikit-learn
images = (digits.images / 16.0).astype(np.float32)  # pixel values 0..16 -> 0..1
x_train, x_test, y_train, y_test = train_test_split(
    images, digits.target, test_size=0.25, random_state=0, stratify=digits.target
)
print("train", x_train.shape, "test", x_test.shape)
print(f"pixel range {x_train.min():.1f} to {x_train.max():.1f}, classes {len(np.unique(y_train))}")
# --8<-- [end:data]

# --8<-- [start:layout]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
# PyTorch wants (batch, channels, height, width): NCHW
xt_train = torch.from_numpy(x_train).unsqueeze(1).to(device)
xt_test = torch.from_numpy(x_test).unsqueeze(1).to(device)
yt_train = torch.from_numpy(y_train).to(device)
yt_test = torch.from_numpy(y_test).to(device)
print("train images", tuple(xt_train.shape), "labels", tuple(yt_train.shape))
# --8<-- [end:layout]

# --8<-- [start:model]
from torch import nn


def make_model():
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),  # 16 filters of 3x3 -> (N, 16, 8, 8)
        nn.ReLU(),
        nn.MaxPool2d(2),  # -> (N, 16, 4, 4)
        nn.Flatten(),  # -> (N, 256)
        nn.Linear(16 * 4 * 4, 10),  # 10 scores (logits), no softmax
    ).to(device)


model = make_model()
print(f"total parameters: {sum(p.numel() for p in model.parameters()):,}")
# --8<-- [end:model]

# --8<-- [start:weights]
for name, p in model.named_parameters():
    print(f"{name:10} {str(tuple(p.shape)):15} {p.numel():5,}")
# --8<-- [end:weights]

# --8<-- [start:loss]
logits = model(xt_train[:8])  # raw scores from the untrained model
print("logits", tuple(logits.shape))
ce = nn.CrossEntropyLoss()(logits, yt_train[:8])
nll = nn.NLLLoss()(torch.log_softmax(logits, dim=1), yt_train[:8])
print(f"CrossEntropyLoss(logits)          {ce.item():.4f}")
print(f"NLLLoss(log_softmax(logits))      {nll.item():.4f}")
# --8<-- [end:loss]

# --8<-- [start:binary]
# A yes/no question ("is this digit a 0?"): one logit per example, labels 1.0 or 0.0
scores = torch.tensor([[2.0], [-1.0], [0.5], [-3.0], [1.5]])  # what a final nn.Linear(..., 1) gives
is_zero = torch.tensor([[1.0], [0.0], [0.0], [0.0], [1.0]])
binary_from_logits = nn.BCEWithLogitsLoss()(scores, is_zero)  # applies the sigmoid itself
binary_from_probs = nn.BCELoss()(torch.sigmoid(scores), is_zero)  # expects probabilities
print(f"binary loss from logits          {binary_from_logits.item():.4f}")
print(f"binary loss from probabilities   {binary_from_probs.item():.4f}")
# --8<-- [end:binary]

# --8<-- [start:train]
from torch.utils.data import DataLoader, TensorDataset


def train(model, loss_fn, epochs=5):
    loader = DataLoader(TensorDataset(xt_train, yt_train), batch_size=32, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
        losses.append(total / len(xt_train))
    return losses


losses = train(model, nn.CrossEntropyLoss())
print("loss per epoch:", " ".join(f"{v:.2f}" for v in losses))
# --8<-- [end:train]

# --8<-- [start:evaluate]
model.eval()
with torch.no_grad():
    predicted = model(xt_test).argmax(dim=1).cpu().numpy()
print(f"test accuracy: {(predicted == y_test).mean():.2f}")
# --8<-- [end:evaluate]

# --8<-- [start:confusion]
from sklearn.metrics import confusion_matrix

cm = confusion_matrix(y_test, predicted)
per_class = cm.diagonal() / cm.sum(axis=1)
print("per-class accuracy:", " ".join(f"{d}:{a:.2f}" for d, a in enumerate(per_class)))
off = cm - np.diag(cm.diagonal())
true, pred = np.unravel_index(off.argmax(), off.shape)
print(f"most confused: {off[true, pred]} test images of {true} predicted as {pred}")
# --8<-- [end:confusion]

# --8<-- [start:mistake]
import warnings

with torch.no_grad():
    logits = model(xt_test[:8])  # the trained model's raw scores
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    right = nn.functional.cross_entropy(logits, yt_test[:8])
    wrong = nn.functional.cross_entropy(torch.softmax(logits, dim=1), yt_test[:8])  # the bug
print(f"CrossEntropyLoss(logits):          {right.item():.4f}")
print(f"CrossEntropyLoss(softmax(logits)): {wrong.item():.4f}")
print("warnings:", [str(w.message) for w in caught])
perfect = torch.eye(10)[:1]  # softmax output of a perfectly confident, correct model
floor = nn.functional.cross_entropy(perfect, torch.tensor([0]))
print(f"lowest loss possible with softmax first: {floor.item():.4f}")
# --8<-- [end:mistake]

# --8<-- [start:mistake-training]
def softmax_then_ce(logits, target):
    return nn.functional.cross_entropy(torch.softmax(logits, dim=1), target)  # the bug


torch.manual_seed(0)
bad_model = make_model()
bad_losses = train(bad_model, softmax_then_ce)
bad_model.eval()
with torch.no_grad():
    bad_predicted = bad_model(xt_test).argmax(dim=1).cpu().numpy()
print("correct loss per epoch:", " ".join(f"{v:.2f}" for v in losses))
print("softmax first:         ", " ".join(f"{v:.2f}" for v in bad_losses))
print(f"test accuracy with the bug: {(bad_predicted == y_test).mean():.2f}")
# --8<-- [end:mistake-training]

# --8<-- [start:predict]
with torch.no_grad():
    probs = torch.softmax(model(xt_test[:3]), dim=1).cpu()
for p, label in zip(probs, y_test[:3]):
    print(f"true {label}  predicted {int(p.argmax())}  probability {float(p.max()):.2f}  sum {float(p.sum()):.2f}")
# --8<-- [end:predict]

# --8<-- [start:exercise-confusion-by-hand]
by_hand = np.zeros((10, 10), dtype=int)
for t, p in zip(y_test, predicted):
    by_hand[t, p] += 1  # row: true digit, column: predicted digit
print("same as confusion_matrix:", np.array_equal(by_hand, cm))
print("row sums = test images per digit:", np.array_equal(by_hand.sum(axis=1), np.bincount(y_test)))
print("diagonal / total = accuracy:", np.isclose(np.trace(by_hand) / by_hand.sum(), (predicted == y_test).mean()))
# --8<-- [end:exercise-confusion-by-hand]

# --8<-- [start:exercise-loss-by-hand]
with torch.no_grad():
    logits = model(xt_test[:8]).double()  # float64 for the comparison
labels = yt_test[:8]
shift = logits.max(dim=1, keepdim=True).values
log_sum_exp = shift[:, 0] + torch.log(torch.exp(logits - shift).sum(dim=1))  # shifted: no overflow
by_hand = (log_sum_exp - logits[torch.arange(8), labels]).mean()  # -log p(right digit)
library = nn.functional.cross_entropy(logits, labels)
print(f"by hand {by_hand.item():.4f}, CrossEntropyLoss {library.item():.4f}")
print("equal:", torch.allclose(by_hand, library))
# --8<-- [end:exercise-loss-by-hand]
