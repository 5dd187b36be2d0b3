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
diffs = {}  # layer type -> max |difference| between a Keras layer and its torch twin


def to_numpy(tensor):
    return tensor.detach().cpu().numpy()


def compare(name, keras_out, torch_out):
    diffs[name] = float(np.abs(keras.ops.convert_to_numpy(keras_out) - to_numpy(torch_out)).max())


def shown(diff):  # float32 rounding noise changes with the CPU: print 0, a bound, or the value
    return "0" if diff == 0 else "< 1e-6" if diff < 1e-6 else f"{diff:.1e}"


def assign(param, array):  # copy a NumPy array into a torch parameter or buffer of the same shape
    assert tuple(param.shape) == array.shape, (tuple(param.shape), array.shape)
    with torch.no_grad():
        param.copy_(torch.from_numpy(np.ascontiguousarray(array)))


print(f"float32 epsilon: {np.finfo(np.float32).eps:.3g}")
# --8<-- [end:setup]

# --8<-- [start:dense]
def dense_to_linear(dense):
    kernel, bias = dense.get_weights()
    linear = nn.Linear(*kernel.shape)
    assign(linear.weight, kernel.T)  # (in, out) -> (out, in)
    assign(linear.bias, bias)
    return linear


dense = keras.layers.Dense(4)
x = rng.normal(size=(5, 6)).astype("float32")
keras_out = dense(x)  # the first call builds the layer: kernel (6, 4)
linear = dense_to_linear(dense)
compare("Dense -> Linear", keras_out, linear(torch.from_numpy(x)))
print("torch weight", tuple(linear.weight.shape), "| keras kernel", tuple(dense.kernel.shape))
# --8<-- [end:dense]

# --8<-- [start:conv]
def conv2d_to_torch(layer):
    kernel, bias = layer.get_weights()  # kernel (h, w, in, out)
    h, w, c_in, c_out = kernel.shape
    assert layer.strides == (1, 1)  # PyTorch's padding="same" needs stride 1
    conv = nn.Conv2d(c_in, c_out, (h, w), padding=layer.padding)  # "same" or "valid"
    assign(conv.weight, kernel.transpose(3, 2, 0, 1))  # -> (out, in, h, w)
    assign(conv.bias, bias)
    return conv


conv_k = keras.layers.Conv2D(8, 3, padding="same")
x = rng.normal(size=(2, 8, 8, 3)).astype("float32")  # NHWC
keras_out = conv_k(x)
conv = conv2d_to_torch(conv_k)
torch_out = conv(torch.from_numpy(x).permute(0, 3, 1, 2))  # NHWC -> NCHW for PyTorch
compare("Conv2D -> Conv2d", keras_out, torch_out.permute(0, 2, 3, 1))  # back to NHWC
print("torch weight", tuple(conv.weight.shape), "| keras kernel", tuple(conv_k.kernel.shape))
# --8<-- [end:conv]

# --8<-- [start:batchnorm]
def batchnorm_to_torch(layer):
    assert layer.axis in (-1, 3)  # channels last: one statistic per channel
    gamma, beta, mean, var = layer.get_weights()
    # Keras's momentum weights the old value, PyTorch's weights the new batch
    bn = nn.BatchNorm2d(len(gamma), eps=layer.epsilon, momentum=1 - layer.momentum)
    for param, array in zip((bn.weight, bn.bias, bn.running_mean, bn.running_var), (gamma, beta, mean, var)):
        assign(param, array)
    return bn.eval()


bn_k = keras.layers.BatchNormalization()  # Keras defaults
bn_k.build((None, None, None, 3))
bn_k.set_weights([  # as if trained: scale, shift and running statistics that are not 1, 0, 0, 1
    rng.uniform(0.5, 1.5, 3), rng.uniform(-0.5, 0.5, 3), rng.normal(1.0, 0.1, 3), rng.uniform(3.0, 5.0, 3)
])
x = rng.normal(1.0, 2.0, size=(4, 8, 8, 3)).astype("float32")  # NHWC
x_nchw = torch.from_numpy(x).permute(0, 3, 1, 2)
keras_out = bn_k(x, training=False)
bn = batchnorm_to_torch(bn_k)
compare("BatchNormalization -> BatchNorm2d", keras_out, bn(x_nchw).permute(0, 2, 3, 1))

default = nn.BatchNorm2d(3)
print(f"keras defaults: momentum {bn_k.momentum}, epsilon {bn_k.epsilon}")
print(f"torch defaults: momentum {default.momentum}, eps {default.eps}")
print(f"the twin:       momentum {bn.momentum:.2f}, eps {bn.eps}")

default.load_state_dict(bn.state_dict())  # the same weights, but eps 1e-5
wrong = np.abs(keras_out.numpy() - to_numpy(default.eval()(x_nchw).permute(0, 2, 3, 1))).max()
print(f"same weights, torch default eps: max |difference| {wrong:.1e}")
# --8<-- [end:batchnorm]

# --8<-- [start:batchnorm-train]
old_var = bn_k.moving_variance.numpy()
bn.train()
train_torch = bn(x_nchw).permute(0, 2, 3, 1)  # one training step on each:
train_keras = bn_k(x, training=True)  # batch statistics, and an update of the running ones
print("training-mode outputs equal:", np.allclose(to_numpy(train_torch), train_keras.numpy(), atol=1e-5))
print("running means equal:", np.allclose(to_numpy(bn.running_mean), bn_k.moving_mean.numpy(), atol=1e-6))
added_torch = to_numpy(bn.running_var) - 0.99 * old_var  # 0.01 * the batch's variance
added_keras = bn_k.moving_variance.numpy() - 0.99 * old_var
n = x.shape[0] * x.shape[1] * x.shape[2]  # values per channel in the batch
print(f"variance added, torch / keras: {np.mean(added_torch / added_keras):.4f}")
print(f"n / (n - 1) with n = {n}:      {n / (n - 1):.4f}")
# --8<-- [end:batchnorm-train]

# --8<-- [start:layernorm]
def layernorm_to_torch(layer):
    gamma, beta = layer.get_weights()
    ln = nn.LayerNorm(len(gamma), eps=layer.epsilon)
    assign(ln.weight, gamma)
    assign(ln.bias, beta)
    return ln


ln_k = keras.layers.LayerNormalization()
ln_k.build((None, 16))
ln_k.set_weights([rng.uniform(0.5, 1.5, 16), rng.uniform(-0.5, 0.5, 16)])
x = rng.normal(size=(4, 5, 16)).astype("float32")
compare("LayerNormalization -> LayerNorm", ln_k(x), layernorm_to_torch(ln_k)(torch.from_numpy(x)))
print(f"torch eps {nn.LayerNorm(16).eps} | keras default epsilon {ln_k.epsilon}")
# --8<-- [end:layernorm]

# --8<-- [start:embedding]
def embedding_to_torch(layer):
    table = layer.embeddings.numpy()  # (rows, dim), the same layout in both
    emb = nn.Embedding(*table.shape)
    assign(emb.weight, table)
    return emb


emb_k = keras.layers.Embedding(20, 8)
ids = rng.integers(0, 20, size=(3, 7))
keras_out = emb_k(ids)
emb = embedding_to_torch(emb_k)
compare("Embedding -> Embedding", keras_out, emb(torch.from_numpy(ids)))
print("torch weight", tuple(emb.weight.shape), "| keras embeddings", tuple(emb_k.embeddings.shape))
# --8<-- [end:embedding]

# --8<-- [start:lstm]
def lstm_to_torch(layer):
    kernel, recurrent, bias = layer.get_weights()  # gates i, f, c, o; PyTorch: i, f, g, o
    lstm = nn.LSTM(kernel.shape[0], recurrent.shape[0], batch_first=True)
    assign(lstm.weight_ih_l0, kernel.T)  # (in, 4H) -> (4H, in)
    assign(lstm.weight_hh_l0, recurrent.T)  # (H, 4H) -> (4H, H)
    assign(lstm.bias_ih_l0, bias)  # one bias -> two: only their sum counts
    assign(lstm.bias_hh_l0, np.zeros_like(bias))
    return lstm


lstm_k = keras.layers.LSTM(8, return_sequences=True)
x = rng.normal(size=(3, 10, 6)).astype("float32")  # (batch, time, features)
keras_out = lstm_k(x)
lstm = lstm_to_torch(lstm_k)
compare("LSTM -> LSTM", keras_out, lstm(torch.from_numpy(x))[0])
print("torch weight_ih", tuple(lstm.weight_ih_l0.shape), "+ 2 biases", tuple(lstm.bias_ih_l0.shape),
      "| keras kernel", tuple(lstm_k.cell.kernel.shape), "+ bias", tuple(lstm_k.cell.bias.shape))
# --8<-- [end:lstm]

# --8<-- [start:gru]
def gru_gates(w):  # Keras stacks the gates z, r, h; PyTorch r, z, n: swap the first two blocks
    z, r, h = np.split(w, 3, axis=0)
    return np.concatenate([r, z, h], axis=0)


def gru_to_torch(layer):
    assert layer.cell.reset_after  # the default; PyTorch's GRU always works this way
    kernel, recurrent, bias = layer.get_weights()  # bias (2, 3H): input row, recurrent row
    gru = nn.GRU(kernel.shape[0], recurrent.shape[0], batch_first=True)
    assign(gru.weight_ih_l0, gru_gates(kernel.T))
    assign(gru.weight_hh_l0, gru_gates(recurrent.T))
    assign(gru.bias_ih_l0, gru_gates(bias[0]))
    assign(gru.bias_hh_l0, gru_gates(bias[1]))
    return gru


gru_k = keras.layers.GRU(8, return_sequences=True)
keras_out = gru_k(x)
gru = gru_to_torch(gru_k)
compare("GRU -> GRU", keras_out, gru(torch.from_numpy(x))[0])
print("keras reset_after:", gru_k.cell.reset_after)
print("torch weight_ih", tuple(gru.weight_ih_l0.shape), "+ 2 biases", tuple(gru.bias_ih_l0.shape),
      "| keras kernel", tuple(gru_k.cell.kernel.shape), "+ bias", tuple(gru_k.cell.bias.shape))
# --8<-- [end:gru]

# --8<-- [start:attention]
def attention_to_torch(layer):
    q_kernel = layer.query_dense.kernel.numpy()  # (E, heads, head_dim)
    e, heads, head_dim = q_kernel.shape
    assert heads * head_dim == e  # PyTorch splits E into the heads
    mha = nn.MultiheadAttention(e, heads, batch_first=True)
    kernels, biases = [], []
    for dense in (layer.query_dense, layer.key_dense, layer.value_dense):
        kernels.append(dense.kernel.numpy().reshape(e, e).T)  # -> (out, in)
        biases.append(dense.bias.numpy().reshape(e))
    assign(mha.in_proj_weight, np.concatenate(kernels))  # q, k, v packed: (3E, E)
    assign(mha.in_proj_bias, np.concatenate(biases))
    assign(mha.out_proj.weight, layer.output_dense.kernel.numpy().reshape(e, e).T)
    assign(mha.out_proj.bias, layer.output_dense.bias.numpy())
    return mha


mha_k = keras.layers.MultiHeadAttention(num_heads=4, key_dim=4)
q, k, v = (rng.normal(size=(2, length, 16)).astype("float32") for length in (3, 5, 5))
allowed = np.ones((2, 3, 5), dtype=bool)
allowed[1, :, 3:] = False  # the last two keys of the second example are padding
keras_out = mha_k(q, v, key=k, attention_mask=allowed)  # True = may attend
mha = attention_to_torch(mha_k)
padding = torch.from_numpy(~allowed[:, 0, :])  # True = ignore this key
torch_out, _ = mha(*map(torch.from_numpy, (q, k, v)), key_padding_mask=padding)
compare("MultiHeadAttention -> MultiheadAttention", keras_out, torch_out)
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
x_nhwc = images[..., None]  # (N, 8, 8, 1) for Keras
x_nchw = torch.from_numpy(images[:, None])  # (N, 1, 8, 8) for PyTorch

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(),
    keras.layers.Dense(10),
])
model.compile(optimizer=keras.optimizers.Adam(0.01),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x_nhwc, digits.target, batch_size=64, epochs=2, verbose=0)  # so the weights are not the random ones
print(f"parameters: {model.count_params():,}")
# --8<-- [end:model]

# --8<-- [start:port-model]
def flatten_dense_to_torch(dense, height, width, channels):
    # Keras flattens (H, W, C), torch (C, H, W): put the weight's columns in PyTorch's order
    kernel, bias = dense.get_weights()  # (H * W * C, out)
    out = kernel.shape[1]
    linear = nn.Linear(kernel.shape[0], out)
    assign(linear.weight, kernel.reshape(height, width, channels, out).transpose(3, 2, 0, 1).reshape(out, -1))
    assign(linear.bias, bias)
    return linear


conv_layer, _, _, dense_layer = model.layers
twin = nn.Sequential(
    conv2d_to_torch(conv_layer), nn.ReLU(),  # the Conv2D's activation="relu" is a layer of its own
    nn.MaxPool2d(2), nn.Flatten(), flatten_dense_to_torch(dense_layer, 4, 4, 16),
).eval()
print(f"torch parameters: {sum(p.numel() for p in twin.parameters()):,}")

keras_logits = model(x_nhwc).numpy()
with torch.no_grad():
    torch_logits = to_numpy(twin(x_nchw))
diff = float(np.abs(keras_logits - torch_logits).max())
scale = float(np.abs(keras_logits).max())
assert diff <= 1e-5 * scale  # float32 keeps about 7 digits: for big numbers, compare relative to their size
print(f"largest |logit|: {scale:.1f}")
print("max |difference| <= 1e-5 x largest |logit|:", diff <= 1e-5 * scale)
probabilities = softmax(keras_logits, axis=1), softmax(torch_logits, axis=1)  # what the logits mean: each row sums to 1
prob_diff = float(np.abs(probabilities[0] - probabilities[1]).max())
assert prob_diff <= 1e-5
print("max |difference| of the probabilities <= 1e-5:", prob_diff <= 1e-5)
print("same predictions:", int((keras_logits.argmax(1) == torch_logits.argmax(1)).sum()), "of", len(images))
keras_acc = (keras_logits.argmax(1) == digits.target).mean()
print(f"accuracy: keras {keras_acc:.3f} | torch {(torch_logits.argmax(1) == digits.target).mean():.3f}")
# --8<-- [end:port-model]

# --8<-- [start:mistake]
square = keras.layers.Dense(16)  # in == out: the untransposed kernel fits just as well
x = rng.normal(size=(8, 16)).astype("float32")
keras_out = square(x).numpy()
forgot = nn.Linear(16, 16)
assign(forgot.weight, square.kernel.numpy())  # missing .T: the shape check passes
assign(forgot.bias, square.bias.numpy())
right = np.abs(keras_out - to_numpy(dense_to_linear(square)(torch.from_numpy(x)))).max()
wrong = np.abs(keras_out - to_numpy(forgot(torch.from_numpy(x)))).max()
print("with the transpose:   ", shown(float(right)))
print(f"without the transpose: {wrong:.2f}  (and no error)")

plain = nn.Linear(256, 10)  # the digits model again, weight columns left in Keras's order
assign(plain.weight, dense_layer.kernel.numpy().T)
assign(plain.bias, dense_layer.bias.numpy())
unordered = nn.Sequential(*twin[:-1], plain)
with torch.no_grad():
    agree = (to_numpy(unordered(x_nchw)).argmax(1) == keras_logits.argmax(1)).sum()
print("no Flatten reordering, same predictions:", int(agree), "of", len(images))
# --8<-- [end:mistake]
