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

# --8<-- [start:transformers-trainer]
import tempfile

from transformers import Trainer, TrainingArguments
from transformers.trainer_callback import PrinterCallback


# the same network, called the way the Trainer calls a Transformers model
class DigitsNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = make_network()

    def forward(self, pixels, labels=None):  # the batch's entries, by name
        logits = self.net(pixels)
        if labels is None:
            return {"logits": logits}
        return {"loss": nn.functional.cross_entropy(logits, labels), "logits": logits}


# one dict per example: the Trainer's default collator stacks them into batches
train_examples = [{"pixels": x, "labels": y} for x, y in train_set]
test_examples = [{"pixels": x, "labels": y} for x, y in test_set]

# the Trainer needs a folder of its own, even when it saves nothing
with tempfile.TemporaryDirectory() as output_dir:
    args = TrainingArguments(
        output_dir=output_dir,
        num_train_epochs=5,
        per_device_train_batch_size=32,
        per_device_eval_batch_size=len(test_examples),
        learning_rate=0.001,
        optim="adamw_torch",  # with weight_decay=0.0 (the default): Adam's update
        lr_scheduler_type="constant",  # the default, "linear", lowers the rate to 0
        max_grad_norm=0.0,  # no clipping (the default, 1.0, clips the gradients)
        seed=0,
        use_cpu=True,  # without it, the Trainer takes a GPU when there is one
        logging_strategy="epoch",  # record the mean training loss once per epoch
        save_strategy="no",  # no checkpoints
        report_to="none",  # no TensorBoard, Weights & Biases, ...
        disable_tqdm=True,  # no progress bar
    )
    trainer = Trainer(model=DigitsNetwork(), args=args, train_dataset=train_examples)
    # Without a progress bar, the Trainer prints every log record, run times included,
    # with a PrinterCallback; the records stay in trainer.state.log_history.
    trainer.remove_callback(PrinterCallback)
    trainer.train()
    prediction = trainer.predict(test_examples)  # logits and labels, as NumPy arrays

losses = [record["loss"] for record in trainer.state.log_history if "loss" in record]
print("optimizer steps:", trainer.state.global_step)
print("mean loss per epoch:", [round(loss, 2) for loss in losses])
accuracy = (prediction.predictions.argmax(axis=1) == prediction.label_ids).mean()
print(f"test accuracy: {accuracy:.3f}")
# --8<-- [end:transformers-trainer]
