# --8<-- [start:model]
import os

os.environ["HF_HUB_OFFLINE"] = "1"  # nothing on this page comes from the Hugging Face Hub

import torch
from transformers import LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

text = "low-rank adapters learn a new task while the big model stays frozen. " * 2
chars = sorted(set(text))  # the vocabulary: one token per character
ids = torch.tensor([[chars.index(c) for c in text]]).to(device)  # one sequence of token ids

# A Llama-shaped model, shrunk: 2 blocks, 32-wide, 4 heads. Its weights are random: in real work
# they would come from a pretrained checkpoint (LlamaForCausalLM.from_pretrained).
config = LlamaConfig(vocab_size=len(chars), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                     num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=len(text),
                     tie_word_embeddings=False, bos_token_id=0, eos_token_id=0, pad_token_id=0)
model = LlamaForCausalLM(config).to(device)


def loss_of(model):
    with torch.no_grad():
        return model(ids, labels=ids).loss.item()  # labels: each position predicts the next token


print(f"vocabulary: {len(chars)} characters, sequence: {ids.shape[1]} tokens")
print(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
print(f"loss: {loss_of(model):.2f}")
# --8<-- [end:model]

# --8<-- [start:by-hand]
import copy

from torch import nn


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update: W x + (alpha / r) B A x."""

    def __init__(self, base, rank, alpha):
        super().__init__()
        self.base = base.requires_grad_(False)
        device = base.weight.device
        self.A = nn.Parameter(torch.randn(rank, base.in_features, device=device) / rank**0.5)
        self.B = nn.Parameter(torch.zeros(base.out_features, rank, device=device))  # zero: the update starts at zero
        self.scale = alpha / rank

    def forward(self, x):
        return self.base(x) + self.scale * (x @ self.A.T) @ self.B.T


def count_trainable(model):
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return f"trainable: {trainable:,} of {total:,}"


original = copy.deepcopy(model)  # kept for the library version below
print("before:", count_trainable(model))
with torch.no_grad():
    before = model(ids).logits

model.requires_grad_(False)  # freeze every weight, then wrap the feed-forward layers
for block in model.model.layers:
    block.mlp.up_proj = LoRALinear(block.mlp.up_proj, rank=4, alpha=8)
    block.mlp.down_proj = LoRALinear(block.mlp.down_proj, rank=4, alpha=8)

print("after: ", count_trainable(model))
with torch.no_grad():
    print("same outputs at step 0:", torch.equal(model(ids).logits, before))
# --8<-- [end:by-hand]

# --8<-- [start:train-by-hand]
def train(model, steps=40):
    first = loss_of(model)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    model.train()
    for step in range(steps):
        optimizer.zero_grad()
        model(ids, labels=ids).loss.backward()
        optimizer.step()
    model.eval()
    last = loss_of(model)
    print(f"loss: {first:.2f} -> {last:.2f} after {steps} steps, lower: {last < first}")


train(model)
# --8<-- [end:train-by-hand]

# --8<-- [start:merge-by-hand]
def merged(wrapper):
    layer = wrapper.base
    with torch.no_grad():
        layer.weight += wrapper.scale * wrapper.B @ wrapper.A  # W + (alpha / r) B A
    return layer


with torch.no_grad():
    tuned = model(ids).logits
for block in model.model.layers:
    block.mlp.up_proj = merged(block.mlp.up_proj)
    block.mlp.down_proj = merged(block.mlp.down_proj)

print("layer after merging:", block.mlp.up_proj)
print(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
with torch.no_grad():
    print("same outputs (within 1e-5):", torch.allclose(model(ids).logits, tuned, atol=1e-5))
# --8<-- [end:merge-by-hand]

# --8<-- [start:library]
import warnings

from peft import LoraConfig, get_peft_model

# peft 0.21.2 reads model.is_gradient_checkpointing whenever it wraps a model, a property that transformers 5.23
# deprecates with a FutureWarning; nothing here uses it, so that one message is ignored.
warnings.filterwarnings("ignore", message="`is_gradient_checkpointing` is deprecated", category=FutureWarning)

lora_config = LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=["q_proj", "v_proj"])
peft_model = get_peft_model(copy.deepcopy(original), lora_config)

peft_model.print_trainable_parameters()
attention = peft_model.base_model.model.model.layers[0].self_attn
print("q_proj is now:", type(attention.q_proj).__module__ + "." + type(attention.q_proj).__name__)
with torch.no_grad():
    print("same outputs at step 0:", torch.equal(peft_model(ids).logits, before))
# --8<-- [end:library]

# --8<-- [start:train-library]
train(peft_model)
# --8<-- [end:train-library]

# --8<-- [start:save]
from peft import PeftModel


def list_files(folder):
    for name in sorted(os.listdir(folder)):
        print(f"  {folder}/{name}: {os.path.getsize(os.path.join(folder, name)):,} bytes")


with torch.no_grad():
    tuned = peft_model(ids).logits
peft_model.save_pretrained("adapter")  # only the adapter's weights and its config
list_files("adapter")

reloaded = PeftModel.from_pretrained(copy.deepcopy(original), "adapter")  # a fresh base model + the adapter
with torch.no_grad():
    print("base + reloaded adapter, same outputs:", torch.equal(reloaded(ids).logits, tuned))
# --8<-- [end:save]

# --8<-- [start:merge-library]
from transformers.utils import logging as transformers_logging

merged_model = peft_model.merge_and_unload()  # folds B A into each weight and removes the wrappers
print("merged model:", type(merged_model).__name__)
print("q_proj:", merged_model.model.layers[0].self_attn.q_proj)
with torch.no_grad():
    print("same outputs (within 1e-5):", torch.allclose(merged_model(ids).logits, tuned, atol=1e-5))

transformers_logging.disable_progress_bar()  # save_pretrained would draw a progress bar on stderr
merged_model.save_pretrained("merged")  # the whole model, adapter included
list_files("merged")
# --8<-- [end:merge-library]
