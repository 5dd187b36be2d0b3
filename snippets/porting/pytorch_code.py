# --8<-- [start:import-order]
import subprocess
import sys

import torch
import torch._dynamo  # before TensorFlow: this program's order

TENSORFLOW_FIRST = """
import keras
import torch

model = torch.nn.Linear(2, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
model(torch.ones(1, 2)).sum().backward()
optimizer.step()  # the first step imports torch._dynamo, and with it Triton
print("one training step done")
"""
child = subprocess.run([sys.executable, "-c", TENSORFLOW_FIRST], capture_output=True, text=True)
print(f"TensorFlow first, in a new process: exit status {child.returncode}")
print("  " + "\n  ".join(child.stderr.strip().splitlines()[-2:]))

model = torch.nn.Linear(2, 1)  # the same step in this program, where torch and torch._dynamo came first
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
model(torch.ones(1, 2)).sum().backward()
optimizer.step()
print("torch first, in this program: one training step done")
# --8<-- [end:import-order]

# --8<-- [start:setup]
import torch
import torch._dynamo  # before TensorFlow: see above
import keras
import numpy as np
from torch import nn

torch.manual_seed(0)
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
diffs = {}  # layer type -> max |difference| between a torch layer and its Keras twin


def to_numpy(tensor):
    return tensor.detach().cpu().numpy()


def compare(name, torch_out, keras_out):
    diffs[name] = float(np.abs(to_numpy(torch_out) - keras.ops.convert_to_numpy(keras_out)).max())


def shown(diff):  # float32 rounding noise changes with the CPU: print 0, a bound, or the value
    return "0" if diff == 0 else "< 1e-6" if diff < 1e-6 else f"{diff:.1e}"


print(f"float32 epsilon: {np.finfo(np.float32).eps:.3g}")
# --8<-- [end:setup]

# --8<-- [start:dense]
def linear_to_dense(linear):
    dense = keras.layers.Dense(linear.out_features)
    dense.build((None, linear.in_features))
    dense.set_weights([to_numpy(linear.weight).T, to_numpy(linear.bias)])  # (out, in) -> (in, out)
    return dense


linear = nn.Linear(6, 4)
dense = linear_to_dense(linear)
x = rng.normal(size=(5, 6)).astype("float32")
compare("Linear -> Dense", linear(torch.from_numpy(x)), dense(x))
print("torch weight", tuple(linear.weight.shape), "| keras kernel", tuple(dense.kernel.shape))
# --8<-- [end:dense]

# --8<-- [start:conv]
def conv2d_to_keras(conv):
    # stride 1: padding 0 is "valid"; padding k // 2 with an odd kernel size k is "same"
    padding = "valid" if conv.padding == (0, 0) else "same"
    layer = keras.layers.Conv2D(conv.out_channels, conv.kernel_size, padding=padding)
    layer.build((None, None, None, conv.in_channels))
    kernel = to_numpy(conv.weight).transpose(2, 3, 1, 0)  # (out, in, h, w) -> (h, w, in, out)
    layer.set_weights([kernel, to_numpy(conv.bias)])
    return layer


conv = nn.Conv2d(3, 8, kernel_size=3, padding=1)
conv_k = conv2d_to_keras(conv)
x = rng.normal(size=(2, 3, 8, 8)).astype("float32")  # NCHW
torch_out = conv(torch.from_numpy(x)).permute(0, 2, 3, 1)  # NCHW -> NHWC, to compare
compare("Conv2d -> Conv2D", torch_out, conv_k(x.transpose(0, 2, 3, 1)))
print("torch weight", tuple(conv.weight.shape), "| keras kernel", tuple(conv_k.kernel.shape))
# --8<-- [end:conv]

# --8<-- [start:batchnorm]
def batchnorm2d_to_keras(bn):
    # PyTorch's momentum weights the new batch, Keras's weights the old value
    layer = keras.layers.BatchNormalization(axis=-1, momentum=1 - bn.momentum, epsilon=bn.eps)
    layer.build((None, None, None, bn.num_features))
    layer.set_weights([to_numpy(t) for t in (bn.weight, bn.bias, bn.running_mean, bn.running_var)])
    return layer


bn = nn.BatchNorm2d(3)
nn.init.uniform_(bn.weight, 0.5, 1.5)
nn.init.uniform_(bn.bias, -0.5, 0.5)
for _ in range(3):  # a few training batches, so the running statistics are not 0 and 1
    bn(torch.randn(4, 3, 8, 8) * 2 + 1)
bn.eval()
bn_k = batchnorm2d_to_keras(bn)
x = rng.normal(1.0, 2.0, size=(4, 3, 8, 8)).astype("float32")
x_nhwc = x.transpose(0, 2, 3, 1)
torch_out = bn(torch.from_numpy(x)).permute(0, 2, 3, 1)
compare("BatchNorm2d -> BatchNormalization", torch_out, bn_k(x_nhwc, training=False))

default = keras.layers.BatchNormalization()
print(f"torch defaults: momentum {bn.momentum}, eps {bn.eps}")
print(f"keras defaults: momentum {default.momentum}, epsilon {default.epsilon}")
print(f"the twin:       momentum {bn_k.momentum:.2f}, epsilon {bn_k.epsilon}")

default.build((None, None, None, 3))
default.set_weights(bn_k.get_weights())  # the same weights, but epsilon 1e-3
wrong = np.abs(to_numpy(torch_out) - default(x_nhwc, training=False).numpy()).max()
print(f"same weights, keras default epsilon: max |difference| {wrong:.1e}")
# --8<-- [end:batchnorm]

# --8<-- [start:batchnorm-train]
old_var = to_numpy(bn.running_var).copy()  # a copy: the tensor changes in place
bn.train()
train_torch = bn(torch.from_numpy(x)).permute(0, 2, 3, 1)  # one training step on each:
train_keras = bn_k(x_nhwc, training=True)  # batch statistics, and an update of the running ones
print("training-mode outputs equal:", np.allclose(to_numpy(train_torch), train_keras.numpy(), atol=1e-5))
print("running means equal:", np.allclose(to_numpy(bn.running_mean), bn_k.moving_mean.numpy(), atol=1e-6))
added_torch = to_numpy(bn.running_var) - 0.9 * old_var  # 0.1 * the batch's variance
added_keras = bn_k.moving_variance.numpy() - 0.9 * old_var
n = x.shape[0] * x.shape[2] * x.shape[3]  # values per channel in the batch
print(f"variance added, torch / keras: {np.mean(added_torch / added_keras):.4f}")
print(f"n / (n - 1) with n = {n}:      {n / (n - 1):.4f}")
# --8<-- [end:batchnorm-train]

# --8<-- [start:layernorm]
def layernorm_to_keras(ln):
    layer = keras.layers.LayerNormalization(axis=-1, epsilon=ln.eps)
    layer.build((None, ln.normalized_shape[-1]))
    layer.set_weights([to_numpy(ln.weight), to_numpy(ln.bias)])
    return layer


ln = nn.LayerNorm(16)
nn.init.uniform_(ln.weight, 0.5, 1.5)
nn.init.uniform_(ln.bias, -0.5, 0.5)
ln_k = layernorm_to_keras(ln)
x = rng.normal(size=(4, 5, 16)).astype("float32")
compare("LayerNorm -> LayerNormalization", ln(torch.from_numpy(x)), ln_k(x))
print(f"torch eps {ln.eps} | keras default epsilon {keras.layers.LayerNormalization().epsilon}")
# --8<-- [end:layernorm]

# --8<-- [start:embedding]
def embedding_to_keras(emb):
    layer = keras.layers.Embedding(emb.num_embeddings, emb.embedding_dim)
    layer.build((None,))
    layer.set_weights([to_numpy(emb.weight)])  # same (rows, dim) table, no transpose
    return layer


emb = nn.Embedding(20, 8)
emb_k = embedding_to_keras(emb)
ids = rng.integers(0, 20, size=(3, 7))
compare("Embedding -> Embedding", emb(torch.from_numpy(ids)), emb_k(ids))
print("torch weight", tuple(emb.weight.shape), "| keras embeddings", tuple(emb_k.embeddings.shape))
# --8<-- [end:embedding]

# --8<-- [start:lstm]
def lstm_to_keras(lstm):
    # one layer, batch_first=True; the gate order is the same: i, f, g (Keras: c), o
    layer = keras.layers.LSTM(lstm.hidden_size, return_sequences=True)
    layer.build((None, None, lstm.input_size))
    layer.set_weights([
        to_numpy(lstm.weight_ih_l0).T,  # (4H, in) -> kernel (in, 4H)
        to_numpy(lstm.weight_hh_l0).T,  # (4H, H) -> recurrent_kernel (H, 4H)
        to_numpy(lstm.bias_ih_l0 + lstm.bias_hh_l0),  # two biases -> one
    ])
    return layer


lstm = nn.LSTM(6, 8, batch_first=True)
lstm_k = lstm_to_keras(lstm)
x = rng.normal(size=(3, 10, 6)).astype("float32")  # (batch, time, features)
compare("LSTM -> LSTM", lstm(torch.from_numpy(x))[0], lstm_k(x))
print("torch weight_ih", tuple(lstm.weight_ih_l0.shape), "+ 2 biases", tuple(lstm.bias_ih_l0.shape),
      "| keras kernel", tuple(lstm_k.cell.kernel.shape), "+ bias", tuple(lstm_k.cell.bias.shape))
# --8<-- [end:lstm]

# --8<-- [start:gru]
def gru_gates(w):  # PyTorch stacks the gates r, z, n; Keras z, r, h
    r, z, n = np.split(w, 3, axis=0)
    return np.concatenate([z, r, n], axis=0)


def gru_to_keras(gru):
    layer = keras.layers.GRU(gru.hidden_size, return_sequences=True)  # reset_after=True
    layer.build((None, None, gru.input_size))
    layer.set_weights([
        gru_gates(to_numpy(gru.weight_ih_l0)).T,
        gru_gates(to_numpy(gru.weight_hh_l0)).T,
        np.stack([gru_gates(to_numpy(gru.bias_ih_l0)), gru_gates(to_numpy(gru.bias_hh_l0))]),
    ])
    return layer


gru = nn.GRU(6, 8, batch_first=True)
gru_k = gru_to_keras(gru)
compare("GRU -> GRU", gru(torch.from_numpy(x))[0], gru_k(x))
print("keras reset_after:", gru_k.cell.reset_after)
print("torch weight_ih", tuple(gru.weight_ih_l0.shape), "+ 2 biases", tuple(gru.bias_ih_l0.shape),
      "| keras kernel", tuple(gru_k.cell.kernel.shape), "+ bias", tuple(gru_k.cell.bias.shape))
# --8<-- [end:gru]

# --8<-- [start:attention]
def attention_to_keras(mha):
    e, heads = mha.embed_dim, mha.num_heads
    head_dim = e // heads
    layer = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=head_dim)
    layer.build((None, None, e), (None, None, e))
    weights = []
    packed_w = np.split(to_numpy(mha.in_proj_weight), 3)  # q, k, v: each (E, E) as (out, in)
    packed_b = np.split(to_numpy(mha.in_proj_bias), 3)
    for w, b in zip(packed_w, packed_b):
        weights += [w.T.reshape(e, heads, head_dim), b.reshape(heads, head_dim)]
    weights += [to_numpy(mha.out_proj.weight).T.reshape(heads, head_dim, e), to_numpy(mha.out_proj.bias)]
    layer.set_weights(weights)
    return layer


mha = nn.MultiheadAttention(16, num_heads=4, batch_first=True)
mha_k = attention_to_keras(mha)
q, k, v = (rng.normal(size=(2, length, 16)).astype("float32") for length in (3, 5, 5))
padding = np.zeros((2, 5), dtype=bool)
padding[1, 3:] = True  # the last two keys of the second example are padding
torch_out, _ = mha(*map(torch.from_numpy, (q, k, v)), key_padding_mask=torch.from_numpy(padding))
keras_mask = np.broadcast_to(~padding[:, None, :], (2, 3, 5))  # True = may attend
compare("MultiheadAttention -> MultiHeadAttention", torch_out, mha_k(q, v, key=k, attention_mask=keras_mask))
print("torch in_proj_weight", tuple(mha.in_proj_weight.shape), "| keras query kernel",
      tuple(mha_k.query_dense.kernel.shape), "| output kernel", tuple(mha_k.output_dense.kernel.shape))
# --8<-- [end:attention]

# --8<-- [start:table]
for name, diff in diffs.items():
    print(f"{name:40} {shown(diff)}")
    assert diff <= 1e-5, name
print("all within 1e-5")
# --8<-- [end:table]

# --8<-- [start:model]
from scipy.special import softmax
from sklearn.datasets import load_digits

digits = load_digits()
images = (digits.images / 16.0).astype("float32")  # (1797, 8, 8), values 0..1
x_nchw = torch.from_numpy(images[:, None])  # (N, 1, 8, 8) for PyTorch
x_nhwc = images[..., None]  # (N, 8, 8, 1) for Keras
labels = torch.from_numpy(digits.target)

model = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 4 * 4, 10),
)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(2):  # a short training, so the weights are not the random ones
    for idx in torch.randperm(len(labels)).split(64):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x_nchw[idx]), labels[idx]).backward()
        optimizer.step()
model.eval()
print(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
# --8<-- [end:model]

# --8<-- [start:port-model]
def flatten_dense_to_keras(linear, channels, height, width):
    # torch flattens (C, H, W), Keras (H, W, C): put the kernel's rows in Keras's order
    w = to_numpy(linear.weight).reshape(linear.out_features, channels, height, width)
    kernel = w.transpose(2, 3, 1, 0).reshape(height * width * channels, linear.out_features)
    dense = keras.layers.Dense(linear.out_features)
    dense.build((None, kernel.shape[0]))
    dense.set_weights([kernel, to_numpy(linear.bias)])
    return dense


twin = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    conv2d_to_keras(model[0]), keras.layers.ReLU(), keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(), flatten_dense_to_keras(model[4], 16, 4, 4),
])
print(f"keras parameters: {twin.count_params():,}")

with torch.no_grad():
    torch_logits = to_numpy(model(x_nchw))
keras_logits = twin(x_nhwc).numpy()
diff = float(np.abs(torch_logits - keras_logits).max())
scale = float(np.abs(torch_logits).max())
assert diff <= 1e-5 * scale  # float32 keeps about 7 digits: for big numbers, compare relative to their size
print(f"largest |logit|: {scale:.1f}")
print("max |difference| <= 1e-5 x largest |logit|:", diff <= 1e-5 * scale)
probabilities = softmax(torch_logits, axis=1), softmax(keras_logits, axis=1)  # what the logits mean: each row sums to 1
prob_diff = float(np.abs(probabilities[0] - probabilities[1]).max())
assert prob_diff <= 1e-5
print("max |difference| of the probabilities <= 1e-5:", prob_diff <= 1e-5)
print("same predictions:", int((torch_logits.argmax(1) == keras_logits.argmax(1)).sum()), "of", len(images))
torch_acc = (torch_logits.argmax(1) == digits.target).mean()
print(f"accuracy: torch {torch_acc:.3f} | keras {(keras_logits.argmax(1) == digits.target).mean():.3f}")
# --8<-- [end:port-model]

# --8<-- [start:mistake]
square = nn.Linear(16, 16)  # in == out: the untransposed weight fits just as well
forgot = keras.layers.Dense(16)
forgot.build((None, 16))
forgot.set_weights([to_numpy(square.weight), to_numpy(square.bias)])  # missing .T
x = rng.normal(size=(8, 16)).astype("float32")
right = np.abs(to_numpy(square(torch.from_numpy(x))) - linear_to_dense(square)(x).numpy()).max()
wrong = np.abs(to_numpy(square(torch.from_numpy(x))) - forgot(x).numpy()).max()
print("with the transpose:   ", shown(float(right)))
print(f"without the transpose: {wrong:.2f}  (and no error)")

plain = keras.layers.Dense(10)  # the digits model again, Dense rows left in PyTorch's order
plain.build((None, 256))
plain.set_weights([to_numpy(model[4].weight).T, to_numpy(model[4].bias)])
unordered = keras.Sequential([keras.Input(shape=(8, 8, 1))] + twin.layers[:-1] + [plain])
agree = (unordered(x_nhwc).numpy().argmax(1) == torch_logits.argmax(1)).sum()
print("no Flatten reordering, same predictions:", int(agree), "of", len(images))
# --8<-- [end:mistake]
