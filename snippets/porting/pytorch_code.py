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


def shown(diff):  # float32 rounding noise changes with the CPU (on some, a difference is 0): print a bound, or the value
    return "< 1e-6" if diff < 1e-6 else f"{diff:.1e}"


def arrays(*tensors):  # torch tensors -> NumPy arrays for set_weights, leaving out the missing ones (bias=False)
    return [to_numpy(t) for t in tensors if t is not None]


def refuse(layer, option, reason):  # an option the twin cannot carry over: stop, and name it
    raise ValueError(f"{type(layer).__name__} with {option} has no Keras equivalent: {reason}")


print(f"float32 epsilon: {np.finfo(np.float32).eps:.3g}")
# --8<-- [end:setup]

# --8<-- [start:dense]
def linear_to_dense(linear):
    dense = keras.layers.Dense(linear.out_features, use_bias=linear.bias is not None)
    dense.build((None, linear.in_features))
    dense.set_weights(arrays(linear.weight.T, linear.bias))  # (out, in) -> (in, out)
    return dense


linear = nn.Linear(6, 4)
dense = linear_to_dense(linear)
x = rng.normal(size=(5, 6)).astype("float32")
compare("Linear -> Dense", linear(torch.from_numpy(x)), dense(x))
print("torch weight", tuple(linear.weight.shape), "| keras kernel", tuple(dense.kernel.shape))
# --8<-- [end:dense]

# --8<-- [start:conv]
def conv2d_to_keras(conv):
    if conv.padding_mode != "zeros":
        refuse(conv, f"padding_mode={conv.padding_mode!r}", "Keras pads with zeros only")
    if max(conv.stride) > 1 and max(conv.dilation) > 1:
        refuse(conv, f"stride={conv.stride} and dilation={conv.dilation}", "Keras's Conv2D takes one or the other")
    if conv.padding in ("same", "valid"):  # the same words in Keras
        padding, pad = conv.padding, (0, 0)
    elif conv.stride == (1, 1) and all(2 * p == d * (k - 1) for p, d, k in zip(conv.padding, conv.dilation, conv.kernel_size)):
        padding, pad = "same", (0, 0)  # at stride 1, Keras's "same" adds d * (k - 1) zeros, half before, half after
    else:
        padding, pad = "valid", conv.padding  # p zeros on each side: a ZeroPadding2D layer first
    layer = keras.layers.Conv2D(conv.out_channels, conv.kernel_size, strides=conv.stride, padding=padding,
                                dilation_rate=conv.dilation, groups=conv.groups, use_bias=conv.bias is not None)
    layer.build((None, None, None, conv.in_channels))
    layer.set_weights(arrays(conv.weight.permute(2, 3, 1, 0), conv.bias))  # (out, in, h, w) -> (h, w, in, out)
    return layer if pad == (0, 0) else keras.Sequential([keras.layers.ZeroPadding2D(pad), layer])


conv = nn.Conv2d(3, 8, kernel_size=3, padding=1)
conv_k = conv2d_to_keras(conv)
x = rng.normal(size=(2, 3, 8, 8)).astype("float32")  # NCHW
torch_out = conv(torch.from_numpy(x)).permute(0, 2, 3, 1)  # NCHW -> NHWC, to compare
compare("Conv2d -> Conv2D", torch_out, conv_k(x.transpose(0, 2, 3, 1)))
print("torch weight", tuple(conv.weight.shape), "| keras kernel", tuple(conv_k.kernel.shape))
# --8<-- [end:conv]

# --8<-- [start:batchnorm]
def batchnorm2d_to_keras(bn):
    if bn.momentum is None:
        refuse(bn, "momentum=None", "PyTorch then keeps a cumulative average, Keras always an exponential one")
    if not bn.track_running_stats:
        refuse(bn, "track_running_stats=False", "Keras normalizes with its moving statistics at inference")
    # PyTorch's momentum weights the new batch, Keras's weights the old value; affine=False: no weight, no bias
    layer = keras.layers.BatchNormalization(axis=-1, momentum=1 - bn.momentum, epsilon=bn.eps, center=bn.affine, scale=bn.affine)
    layer.build((None, None, None, bn.num_features))
    layer.set_weights(arrays(bn.weight, bn.bias, bn.running_mean, bn.running_var))
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
    axes = list(range(-len(ln.normalized_shape), 0))  # the last len(normalized_shape) axes
    layer = keras.layers.LayerNormalization(axis=axes, epsilon=ln.eps, scale=ln.weight is not None, center=ln.bias is not None)
    layer.build((None, *ln.normalized_shape))
    layer.set_weights(arrays(ln.weight, ln.bias))  # elementwise_affine=False: neither; bias=False: no bias
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
    if emb.padding_idx is not None:
        refuse(emb, f"padding_idx={emb.padding_idx}", "Keras trains every row (mask_zero is another feature)")
    if emb.max_norm is not None:
        refuse(emb, f"max_norm={emb.max_norm}", "Keras does not rescale rows as it looks them up")
    if emb.scale_grad_by_freq:
        refuse(emb, "scale_grad_by_freq=True", "Keras does not scale gradients by how often a row is used")
    layer = keras.layers.Embedding(emb.num_embeddings, emb.embedding_dim)  # sparse=True changes only how gradients are stored
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
def recurrent_to_keras(rnn, keras_class, weights):  # LSTM and GRU: one Keras layer per PyTorch layer
    directions = ["", "_reverse"] if rnn.bidirectional else [""]
    layers, size = [], rnn.input_size
    for k in range(rnn.num_layers):
        if k and rnn.dropout:  # PyTorch drops out between stacked layers (in training only)
            layers.append(keras.layers.Dropout(rnn.dropout))
        layer = keras_class(rnn.hidden_size, use_bias=rnn.bias, return_sequences=True)
        if rnn.bidirectional:  # a second layer reads the sequence backwards; outputs concatenated, as in PyTorch
            layer = keras.layers.Bidirectional(layer)
        layer.build((None, None, size))
        layer.set_weights([w for d in directions for w in weights(rnn, f"_l{k}{d}")])  # forward, then backward
        layers.append(layer)
        size = rnn.hidden_size * len(directions)
    return layers[0] if len(layers) == 1 else keras.Sequential(layers)


def lstm_weights(lstm, suffix):  # one layer, one direction; the gate order is the same: i, f, g (Keras: c), o
    w_ih, w_hh = getattr(lstm, "weight_ih" + suffix), getattr(lstm, "weight_hh" + suffix)
    bias = getattr(lstm, "bias_ih" + suffix) + getattr(lstm, "bias_hh" + suffix) if lstm.bias else None  # two -> one
    return arrays(w_ih.T, w_hh.T, bias)  # (4H, in) -> kernel (in, 4H); (4H, H) -> recurrent_kernel (H, 4H)


def lstm_to_keras(lstm):  # batch_first or not, the Keras twin takes (batch, time, features)
    if lstm.proj_size:
        refuse(lstm, f"proj_size={lstm.proj_size}", "Keras's LSTM has no projection of the hidden state")
    return recurrent_to_keras(lstm, keras.layers.LSTM, lstm_weights)


lstm = nn.LSTM(6, 8, batch_first=True)
lstm_k = lstm_to_keras(lstm)
x = rng.normal(size=(3, 10, 6)).astype("float32")  # (batch, time, features)
compare("LSTM -> LSTM", lstm(torch.from_numpy(x))[0], lstm_k(x))
print("torch weight_ih", tuple(lstm.weight_ih_l0.shape), "+ 2 biases", tuple(lstm.bias_ih_l0.shape),
      "| keras kernel", tuple(lstm_k.cell.kernel.shape), "+ bias", tuple(lstm_k.cell.bias.shape))

stacked = nn.LSTM(6, 8, num_layers=2, dropout=0.2, bidirectional=True, batch_first=True).eval()
stacked_k = lstm_to_keras(stacked)
stacked_diff = float(np.abs(to_numpy(stacked(torch.from_numpy(x))[0]) - stacked_k(x).numpy()).max())
assert stacked_diff <= 1e-5
print("2 layers, bidirectional:", [type(layer).__name__ for layer in stacked_k.layers], shown(stacked_diff))
# --8<-- [end:lstm]

# --8<-- [start:gru]
def gru_gates(w):  # PyTorch stacks the gates r, z, n; Keras z, r, h
    r, z, n = np.split(w, 3, axis=0)
    return np.concatenate([z, r, n], axis=0)


def gru_weights(gru, suffix):  # the two biases stay apart: the rows of Keras's bias (2, 3H)
    names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if gru.bias else [])
    w_ih, w_hh, *biases = (gru_gates(to_numpy(getattr(gru, name + suffix))) for name in names)
    return [w_ih.T, w_hh.T] + ([np.stack(biases)] if biases else [])


def gru_to_keras(gru):  # Keras's default, reset_after=True, is PyTorch's GRU
    return recurrent_to_keras(gru, keras.layers.GRU, gru_weights)


gru = nn.GRU(6, 8, batch_first=True)
gru_k = gru_to_keras(gru)
compare("GRU -> GRU", gru(torch.from_numpy(x))[0], gru_k(x))
print("keras reset_after:", gru_k.cell.reset_after)
print("torch weight_ih", tuple(gru.weight_ih_l0.shape), "+ 2 biases", tuple(gru.bias_ih_l0.shape),
      "| keras kernel", tuple(gru_k.cell.kernel.shape), "+ bias", tuple(gru_k.cell.bias.shape))
# --8<-- [end:gru]

# --8<-- [start:attention]
def attention_to_keras(mha):  # batch_first or not, the Keras twin takes (batch, sequence, features)
    if mha.bias_k is not None:
        refuse(mha, "add_bias_kv=True", "Keras appends no learned key and value")
    if mha.add_zero_attn:
        refuse(mha, "add_zero_attn=True", "Keras appends no zero key and value")
    e, heads = mha.embed_dim, mha.num_heads
    head_dim = e // heads
    bias = mha.in_proj_bias is not None
    if bias and head_dim == 1:
        refuse(mha, "head size 1 (embed_dim = num_heads) and a bias",
               "Keras 3.15 on TensorFlow adds that bias along the sequence axis when the sequence is as long as the heads")
    layer = keras.layers.MultiHeadAttention(heads, head_dim, dropout=mha.dropout, use_bias=bias)
    layer.build((None, None, e), (None, None, mha.vdim), (None, None, mha.kdim))  # query, value, key
    if mha.in_proj_weight is not None:  # q, k, v packed: (3E, E), each (out, in)
        projections = mha.in_proj_weight.chunk(3)
    else:  # kdim or vdim is not E: three matrices, (E, E), (E, kdim), (E, vdim)
        projections = mha.q_proj_weight, mha.k_proj_weight, mha.v_proj_weight
    biases = [b.reshape(heads, head_dim) for b in mha.in_proj_bias.chunk(3)] if bias else [None] * 3
    weights = []
    for w, b in zip(projections, biases):
        weights += arrays(w.T.reshape(-1, heads, head_dim), b)
    weights += arrays(mha.out_proj.weight.T.reshape(heads, head_dim, e), mha.out_proj.bias)
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

# --8<-- [start:gradients]
import tensorflow as tf

grad_diffs = {}  # layer type -> largest difference between the gradients, relative to their size
grad_sizes = {}  # layer type -> largest gradient


def weighting(shape):  # the loss weighs each output by a fixed random number: the same numbers on both sides
    return np.random.default_rng(1).normal(size=shape).astype("float32")


def torch_gradients(module, run, *inputs):  # autograd: d loss / d each input, then / d each parameter
    inputs = [torch.tensor(x, requires_grad=True) for x in inputs]
    module.zero_grad()
    out = run(*inputs)
    loss = (out * torch.from_numpy(weighting(tuple(out.shape)))).sum()
    loss.backward()
    return [to_numpy(t.grad) for t in [*inputs, *module.parameters()]]


def keras_gradients(layer, run, *inputs):  # tf.GradientTape: d loss / d each input, then / d each trainable weight
    inputs = [tf.constant(x) for x in inputs]
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        out = run(*inputs)
        loss = tf.reduce_sum(out * weighting(tuple(out.shape)))
    return [keras.ops.convert_to_numpy(g) for g in tape.gradient(loss, [*inputs, *layer.trainable_weights])]


def compare_gradients(name, torch_grads, keras_grads, to_torch_layout):
    worst = 0.0
    for t, k in zip(torch_grads, to_torch_layout(*keras_grads), strict=True):  # every parameter, in PyTorch's order
        assert t.shape == k.shape, (name, t.shape, k.shape)
        worst = max(worst, float(np.abs(t - k).max()) / max(1.0, float(np.abs(t).max())))
    grad_diffs[name] = worst
    grad_sizes[name] = max(float(np.abs(g).max()) for g in torch_grads)


def attention_layout(dq, dk, dv, *weights):  # Keras's (kernel, bias) for q, k, v and the output -> PyTorch's packing
    kernels, biases = weights[0::2], weights[1::2]
    return [dq, dk, dv, np.concatenate([w.reshape(16, 16).T for w in kernels[:3]]),
            np.concatenate([b.reshape(16) for b in biases[:3]]), kernels[3].reshape(16, 16).T, biases[3]]


def nchw(layer, **kwargs):  # the Keras twin, taking and giving NCHW like its PyTorch source
    return lambda x: tf.transpose(layer(tf.transpose(x, (0, 2, 3, 1)), **kwargs), (0, 3, 1, 2))


x = rng.normal(size=(5, 6)).astype("float32")
compare_gradients("Linear -> Dense", torch_gradients(linear, linear, x), keras_gradients(dense, dense, x),
                  lambda dx, kernel, bias: [dx, kernel.T, bias])
batch = rng.normal(1.0, 2.0, size=(4, 3, 8, 8)).astype("float32")  # NCHW
compare_gradients("Conv2d -> Conv2D", torch_gradients(conv, conv, batch), keras_gradients(conv_k, nchw(conv_k), batch),
                  lambda dx, kernel, bias: [dx, kernel.transpose(3, 2, 0, 1), bias])
compare_gradients("BatchNorm2d -> BatchNormalization", torch_gradients(bn, bn, batch),  # bn is in training mode
                  keras_gradients(bn_k, nchw(bn_k, training=True), batch), lambda dx, gamma, beta: [dx, gamma, beta])
x = rng.normal(size=(4, 5, 16)).astype("float32")
compare_gradients("LayerNorm -> LayerNormalization", torch_gradients(ln, ln, x), keras_gradients(ln_k, ln_k, x),
                  lambda dx, gamma, beta: [dx, gamma, beta])
compare_gradients("Embedding -> Embedding", torch_gradients(emb, lambda: emb(torch.from_numpy(ids))),  # no input gradient
                  keras_gradients(emb_k, lambda: emb_k(ids)), lambda table: [table])
x = rng.normal(size=(3, 10, 6)).astype("float32")
compare_gradients("LSTM -> LSTM", torch_gradients(lstm, lambda s: lstm(s)[0], x), keras_gradients(lstm_k, lstm_k, x),
                  lambda dx, kernel, recurrent, bias: [dx, kernel.T, recurrent.T, bias, bias])  # both biases: the sum's
compare_gradients("GRU -> GRU", torch_gradients(gru, lambda s: gru(s)[0], x), keras_gradients(gru_k, gru_k, x),
                  lambda dx, kernel, recurrent, bias: [dx, gru_gates(kernel.T), gru_gates(recurrent.T),
                                                       gru_gates(bias[0]), gru_gates(bias[1])])
key_padding_mask = torch.from_numpy(padding)
compare_gradients("MultiheadAttention -> MultiHeadAttention",
                  torch_gradients(mha, lambda q, k, v: mha(q, k, v, key_padding_mask=key_padding_mask)[0], q, k, v),
                  keras_gradients(mha_k, lambda q, k, v: mha_k(q, v, key=k, attention_mask=keras_mask), q, k, v),
                  attention_layout)
largest = max(grad_sizes, key=grad_sizes.get)
print(f"largest gradient: {grad_sizes[largest]:.0f}, in {largest}")
# --8<-- [end:gradients]

# --8<-- [start:table]
print(f"{'':40} {'output':7} gradients")
for name, diff in diffs.items():
    print(f"{name:40} {shown(diff):7} {shown(grad_diffs[name])}")
    assert diff <= 1e-5 and grad_diffs[name] <= 1e-5, name
assert diffs["Embedding -> Embedding"] == grad_diffs["Embedding -> Embedding"] == 0  # a lookup is exact
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
    w = linear.weight.reshape(linear.out_features, channels, height, width)
    kernel = w.permute(2, 3, 1, 0).reshape(height * width * channels, linear.out_features)
    dense = keras.layers.Dense(linear.out_features, use_bias=linear.bias is not None)
    dense.build((None, kernel.shape[0]))
    dense.set_weights(arrays(kernel, linear.bias))
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

# --8<-- [start:refused]
for layer, convert in [
    (nn.Conv2d(3, 8, kernel_size=3, padding=1, padding_mode="reflect"), conv2d_to_keras),
    (nn.Embedding(20, 8, padding_idx=0), embedding_to_keras),
    (nn.LSTM(6, 8, proj_size=4), lstm_to_keras),
]:
    try:
        convert(layer)
    except ValueError as err:
        print(err)
# --8<-- [end:refused]
