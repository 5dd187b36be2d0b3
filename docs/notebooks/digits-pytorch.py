# %% [markdown]
# # Digits classifier, end to end (PyTorch)
#
# A small convolutional network learns scikit-learn's 1,797 handwritten digits (8x8 pixels, shipped with the
# package: nothing is downloaded). This notebook is executed every time the site is built, so every number and
# picture below comes from that run. The same model in Keras is in the
# [TensorFlow notebook](../digits-tensorflow/); the step-by-step explanation is on
# [Your first real model](../../first-model/).

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix
from sklearn.model_selection import train_test_split
from torch import nn

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# %% [markdown]
# ## Data
# Pixels are scaled to [0, 1]; PyTorch wants images as (batch, channels, height, width).

# %%
digits = load_digits()
images = (digits.images / 16.0).astype("float32")[:, None, :, :]  # NCHW
x_train, x_test, y_train, y_test = train_test_split(images, digits.target, test_size=0.25, random_state=0)
x_train, x_test = torch.from_numpy(x_train).to(device), torch.from_numpy(x_test).to(device)
y_train, y_test = torch.from_numpy(y_train).to(device), torch.from_numpy(y_test).to(device)
print("train", tuple(x_train.shape), "test", tuple(x_test.shape))

# %% [markdown]
# ## Model and training
# The model returns logits; `CrossEntropyLoss` applies the softmax itself.

# %%
model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 4 * 4, 10),
).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
history = {"train loss": [], "test accuracy": []}
for epoch in range(15):
    model.train()
    order = torch.randperm(len(x_train), device=device)
    for start in range(0, len(order), 32):
        batch = order[start : start + 32]
        optimizer.zero_grad()
        loss = loss_fn(model(x_train[batch]), y_train[batch])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        history["train loss"].append(loss_fn(model(x_train), y_train).item())
        history["test accuracy"].append((model(x_test).argmax(1) == y_test).float().mean().item())
print(f"test accuracy after {epoch + 1} epochs: {history['test accuracy'][-1]:.3f}")

# %% [markdown]
# ## Training curve

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
left.plot(range(1, 16), history["train loss"], marker="o")
left.set(xlabel="epoch", ylabel="training loss", title="Loss")
right.plot(range(1, 16), history["test accuracy"], marker="o", color="tab:green")
right.set(xlabel="epoch", ylabel="test accuracy", title="Accuracy")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Confusion matrix
# Rows are the true digits, columns the predicted ones; everything off the diagonal is a mistake.

# %%
with torch.no_grad():
    predicted = model(x_test).argmax(1).cpu().numpy()
matrix = confusion_matrix(y_test.cpu().numpy(), predicted)
ConfusionMatrixDisplay(matrix).plot(colorbar=False)
plt.title("PyTorch: test set")
plt.show()
mistakes = matrix - np.diag(np.diag(matrix))
true, guess = np.unravel_index(mistakes.argmax(), mistakes.shape)
print(f"most frequent mistake: {true} read as {guess} (count: {mistakes[true, guess]})")
