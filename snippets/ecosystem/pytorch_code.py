# --8<-- [start:imports]
import os

os.environ["HF_HUB_OFFLINE"] = "1"  # this page never downloads anything from the Hugging Face Hub

import torch
import transformers

print("transformers", transformers.__version__)
try:
    from transformers import TFAutoModel  # noqa: F401 - a TensorFlow class of version 4
except ImportError as err:
    print(type(err).__name__ + ":", str(err).split(" (")[0])
# --8<-- [end:imports]

# --8<-- [start:build]
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# A GPT-2 shaped model, shrunk: 1,000 tokens, 64-wide, 2 blocks of 4 attention heads,
# with exact GELU and no dropout, like the Keras twin in the other tab.
config = GPT2Config(vocab_size=1000, n_positions=64, n_embd=64, n_layer=2, n_head=4,
                    activation_function="gelu", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                    bos_token_id=0, eos_token_id=0)  # special token ids must lie inside the small vocabulary
model = GPT2LMHeadModel(config).to(device)  # random weights, built from the config alone

print("transformer blocks:", len(model.transformer.h))
print(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
# --8<-- [end:build]

# --8<-- [start:forward]
import math

ids = torch.randint(0, config.vocab_size, (2, 16)).to(device)  # 2 sequences of 16 token ids

model.eval()
with torch.no_grad():
    out = model(ids, labels=ids)  # labels: predict each next token (the model shifts them itself)
print("token ids:", tuple(ids.shape))
print("logits:", tuple(out.logits.shape))
print(f"loss: {out.loss.item():.2f} (log of the vocabulary size: {math.log(config.vocab_size):.2f})")
# --8<-- [end:forward]

# --8<-- [start:train]
print("an nn.Module:", isinstance(model, torch.nn.Module))
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

model.train()
losses = []
for step in range(20):
    optimizer.zero_grad()
    loss = model(ids, labels=ids).loss
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
print(f"loss: first step {losses[0]:.2f}, last step {losses[-1]:.2f}")
# --8<-- [end:train]

# --8<-- [start:log]
from pathlib import Path

from torch.utils.tensorboard import SummaryWriter  # needs the tensorboard package

writer = SummaryWriter("runs/tiny-gpt")
for step, value in enumerate(losses):
    writer.add_scalar("loss", value, step)
writer.close()

written = [p.name for p in Path("runs/tiny-gpt").iterdir()]
print("events files:", sum(name.startswith("events.out.tfevents.") for name in written))
# --8<-- [end:log]

# --8<-- [start:read]
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

events = EventAccumulator("runs/tiny-gpt")
events.Reload()  # read every events file in the folder
points = events.Scalars("loss")
print("scalar tags:", events.Tags()["scalars"])
print("points:", len(points), "steps:", points[0].step, "to", points[-1].step)
print("same values as logged:", all(math.isclose(p.value, v, rel_tol=1e-6) for p, v in zip(points, losses)))
# --8<-- [end:read]
