# --8<-- [start:data]
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

X, y = load_digits(return_X_y=True)
X = (X / 16).astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
train_set = TensorDataset(torch.from_numpy(X_train), torch.from_numpy(y_train))
test_set = TensorDataset(torch.from_numpy(X_test), torch.from_numpy(y_test))
print(f"train: {len(X_train)} images, test: {len(X_test)}, {X.shape[1]} pixels each, {len(np.unique(y))} classes")


def make_loaders():
    shuffle_order = torch.Generator().manual_seed(0)  # the same batches for every run below
    train_loader = DataLoader(train_set, batch_size=32, shuffle=True, generator=shuffle_order)
    test_loader = DataLoader(test_set, batch_size=len(test_set))
    return train_loader, test_loader


def make_network():
    torch.manual_seed(0)  # the same starting weights for every run below
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
# --8<-- [end:data]

# --8<-- [start:module]
import lightning as L


class DigitsClassifier(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = make_network()

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):  # one step: return the loss, Lightning does the rest
        x, y = batch
        loss = nn.functional.cross_entropy(self(x), y)
        self.log("train_loss", loss)
        return loss

    def test_step(self, batch, batch_idx):
        x, y = batch
        accuracy = (self(x).argmax(dim=1) == y).float().mean()
        self.log("test_accuracy", accuracy)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=0.001)
# --8<-- [end:module]

# --8<-- [start:trainer]
import logging
import warnings

# Lightning reports its set-up ("GPU available: False, used: False", a tip, "`Trainer.fit`
# stopped") through the logging module at the INFO level: show only warnings and errors.
logging.getLogger("lightning.pytorch").setLevel(logging.WARNING)
# Lightning 2.6 still uses a class that torch 2.15 deprecates; the FutureWarning is meant
# for Lightning's authors, not for this code (Lightning-AI/pytorch-lightning#21326).
warnings.filterwarnings(
    "ignore", message=r"`isinstance\(treespec, LeafSpec\)` is deprecated", category=FutureWarning
)

lightning_model = DigitsClassifier()
trainer = L.Trainer(
    max_epochs=5,
    accelerator="auto",  # a GPU if there is one, else the CPU
    devices=1,
    enable_progress_bar=False,
    enable_model_summary=False,
    logger=False,  # no log files
    enable_checkpointing=False,  # no checkpoint files
)
train_loader, test_loader = make_loaders()
trainer.fit(lightning_model, train_loader)
result = trainer.test(lightning_model, test_loader, verbose=False)
print("optimizer steps:", trainer.global_step)
print(f"test accuracy: {result[0]['test_accuracy']:.3f}")
# --8<-- [end:trainer]

# --8<-- [start:accelerate]
from accelerate import Accelerator

accelerator = Accelerator()  # finds the device (and, when launched on several, the processes)
model = make_network()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
train_loader, test_loader = make_loaders()
model, optimizer, train_loader, test_loader = accelerator.prepare(model, optimizer, train_loader, test_loader)

steps = 0
for epoch in range(5):
    model.train()
    for x, y in train_loader:  # batches arrive on accelerator.device
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        accelerator.backward(loss)  # in place of loss.backward()
        optimizer.step()
        steps += 1

model.eval()
correct = 0
with torch.no_grad():
    for x, y in test_loader:
        predicted, y = accelerator.gather_for_metrics((model(x).argmax(dim=1), y))  # from every process
        correct += (predicted == y).sum().item()
print("optimizer steps:", steps)
print(f"test accuracy: {correct / len(test_set):.3f}")

trained = accelerator.unwrap_model(model)
pairs = zip(trained.parameters(), lightning_model.net.parameters())
same = all(torch.equal(a.cpu(), b.cpu()) for a, b in pairs)
print("same weights as the Lightning run:", same)
# --8<-- [end:accelerate]
