# --8<-- [start:by-hand]
import math

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(0)
q_np, k_np, v_np = (rng.normal(size=(1, 3, 4)).astype("float32") for _ in range(3))  # batch 1, 3 positions, d=4

q, k, v = torch.from_numpy(q_np), torch.from_numpy(k_np), torch.from_numpy(v_np)
d = q.shape[-1]
scores = q @ k.transpose(-2, -1) / math.sqrt(d)  # (batch, queries, keys)
weights = torch.softmax(scores, dim=-1)  # each row: how much one query looks at each key
attended = weights @ v
print("weights:")
print(weights[0].numpy().round(3))
print("each row sums to 1:", torch.allclose(weights.sum(-1), torch.ones(1, 3)))
print("output:")
print(attended[0].numpy().round(3))
# --8<-- [end:by-hand]

# --8<-- [start:sdpa]
# F.scaled_dot_product_attention takes (..., seq, features): usually (batch, heads, seq, head_dim)
q4, k4, v4 = q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1)  # add a heads axis of size 1
fused = F.scaled_dot_product_attention(q4, k4, v4)
print("query", tuple(q4.shape), "-> output", tuple(fused.shape))
print("same as the written-out version:", torch.allclose(fused[:, 0], attended, atol=1e-6))

from torch.nn.attention import SDPBackend, sdpa_kernel

with sdpa_kernel(SDPBackend.FLASH_ATTENTION):  # allow only the flash kernel: an error if it cannot run
    flash = F.scaled_dot_product_attention(q4, k4, v4)
print("flash kernel, same result:", torch.allclose(flash, fused, atol=1e-6))
# --8<-- [end:sdpa]

# --8<-- [start:mha]
torch.manual_seed(0)
x = torch.randn(2, 5, 8)  # batch 2, 5 positions, 8 features
mha = torch.nn.MultiheadAttention(embed_dim=8, num_heads=2)  # default layout: (seq, batch, feature)
xs = x.transpose(0, 1)
output, weights = mha(xs, xs, xs)  # query, key, value: self-attention
print("sequence-first: output", tuple(output.shape), "weights", tuple(weights.shape), "(averaged over heads)")

mha = torch.nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
output, weights = mha(x, x, x, need_weights=True, average_attn_weights=False)
print("batch_first: output", tuple(output.shape), "weights", tuple(weights.shape), "(batch, heads, queries, keys)")
# --8<-- [end:mha]

# --8<-- [start:mha-params]
projections = mha.in_proj_weight.numel() + mha.in_proj_bias.numel()  # query, key and value in one matrix
out_projection = sum(p.numel() for p in mha.out_proj.parameters())
print("query/key/value projections:", projections, "| output projection:", out_projection)
print("parameters:", sum(p.numel() for p in mha.parameters()))
# --8<-- [end:mha-params]

# --8<-- [start:sdpa-mask]
eye = torch.eye(3).unsqueeze(0)  # with the identity as the values, the output *is* the weight matrix
allowed = torch.tensor([True, True, False])  # key 2 is padding: True means "may attend" here
print("True = may attend:")
print(F.scaled_dot_product_attention(q, k, eye, attn_mask=allowed)[0].numpy().round(3))
print("the inverted mask blocks the other keys:")
print(F.scaled_dot_product_attention(q, k, eye, attn_mask=~allowed)[0].numpy().round(3))
# --8<-- [end:sdpa-mask]

# --8<-- [start:mha-mask]
torch.manual_seed(0)
mha = torch.nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
x = torch.randn(1, 4, 8)  # one sequence of 4 positions; the last one is padding
padding = torch.tensor([[False, False, False, True]])  # True means "blocked" here
_, weights = mha(x, x, x, key_padding_mask=padding, need_weights=True, average_attn_weights=False)
print("key_padding_mask True = blocked, head 0:")
print(weights[0, 0].detach().numpy().round(3))
blocked = padding.expand(4, 4)  # attn_mask: (queries, keys), True = blocked as well
_, weights2 = mha(x, x, x, attn_mask=blocked, need_weights=True, average_attn_weights=False)
print("attn_mask gives the same weights:", torch.allclose(weights, weights2))
# --8<-- [end:mha-mask]

# --8<-- [start:causal]
causal = F.scaled_dot_product_attention(q, k, eye, is_causal=True)  # query i sees keys 0..i
print("is_causal=True:")
print(causal[0].numpy().round(3))
future = torch.triu(torch.ones(3, 3, dtype=torch.bool), diagonal=1)  # True above the diagonal
explicit = F.scaled_dot_product_attention(q, k, eye, attn_mask=~future)  # SDPA: True = allowed
print("explicit mask gives the same result:", torch.allclose(causal, explicit))

torch.manual_seed(0)
mha = torch.nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
x = torch.randn(1, 3, 8)
_, weights = mha(x, x, x, attn_mask=future, need_weights=True, average_attn_weights=False)  # MHA: True = blocked
print("attention layer, largest weight above the diagonal:", weights[..., future].max().item())
# --8<-- [end:causal]

# --8<-- [start:encoder]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
block = torch.nn.TransformerEncoderLayer(
    d_model=16, nhead=2, dim_feedforward=32, dropout=0.1, batch_first=True, norm_first=False
).to(device)  # ReLU feed-forward and layer_norm_eps=1e-5 by default
x = torch.randn(2, 5, 16, device=device)
padding = torch.tensor([[False] * 5, [False] * 3 + [True] * 2], device=device)  # 2 padded steps in the second
print("output", tuple(block(x, src_key_padding_mask=padding).shape))


def count(*modules):
    return sum(p.numel() for m in modules for p in m.parameters())


print("attention:", count(block.self_attn), "| feed-forward:", count(block.linear1, block.linear2),
      "| layer norms:", count(block.norm1, block.norm2))
print("parameters:", count(block))
pre_norm = torch.nn.TransformerEncoderLayer(16, 2, 32, batch_first=True, norm_first=True)
print("pre-norm block parameters:", count(pre_norm))
# --8<-- [end:encoder]

# --8<-- [start:same-weights]
rng = np.random.default_rng(1)
names = list(block.state_dict())  # attention in/out projections, linear1, linear2, norm1, norm2: weight, bias
weights = [rng.normal(scale=0.3, size=block.state_dict()[name].shape).astype("float32") for name in names]
block.load_state_dict({name: torch.from_numpy(w) for name, w in zip(names, weights)})
block.eval()  # no dropout
x_np = rng.normal(size=(2, 5, 16)).astype("float32")
with torch.no_grad():
    out = block(torch.from_numpy(x_np).to(device), src_key_padding_mask=padding).cpu().numpy()
print("second sequence, 3 real positions, first 4 features:")
print(out[1, :3, :4].round(3))
# --8<-- [end:same-weights]
