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


def shown(diff):  # float32 rounding noise changes with the CPU (on some, a difference is 0): print a bound, or the value
    return "< 1e-6" if diff < 1e-6 else f"{diff:.1e}"


def assign(param, array):  # copy a NumPy array into a torch parameter or buffer of the same shape
    assert tuple(param.shape) == array.shape, (tuple(param.shape), array.shape)
    with torch.no_grad():
        param.copy_(torch.from_numpy(np.ascontiguousarray(array)))


def refuse(layer, option, reason="the PyTorch twin has no such setting"):  # stop, naming the option
    raise ValueError(f"{type(layer).__name__} with {option} is not carried over to PyTorch: {reason}")


# Settings that leave the function alone: the name, whether the layer trains (freeze the twin with requires_grad_),
# the initializers (the copied weights replace what they made), a random seed, and ways of computing the same thing.
SAME_FUNCTION = {"name", "trainable", "seed", "unroll", "unit_forget_bias", "zero_output_for_mask"}


def check_options(layer, *carried):  # refuse every option that differs from Keras's default and is not carried
    config = layer.get_config()
    default = type(layer)(**{option: config[option] for option in carried})
    if layer.built:  # building can fill in settings (MultiHeadAttention's attention_axes): build the default alike
        default.build_from_config(layer.get_build_config())
    defaults = default.get_config()
    for option, value in config.items():
        if option not in SAME_FUNCTION and not option.endswith("_initializer") and value != defaults.get(option):
            refuse(layer, f"{option}={value!r}")


ACTIVATIONS = {"linear": nn.Identity, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "gelu": nn.GELU, "silu": nn.SiLU}


def with_activation(layer, module):  # Keras's activation argument becomes a PyTorch layer of its own
    name = layer.get_config()["activation"]
    if not isinstance(name, str) or name not in ACTIVATIONS:
        refuse(layer, f"activation={name!r}", "not one of " + ", ".join(ACTIVATIONS))
    return module if name == "linear" else nn.Sequential(module, ACTIVATIONS[name]())


print(f"float32 epsilon: {np.finfo(np.float32).eps:.3g}")
# --8<-- [end:setup]

# --8<-- [start:dense]
def dense_to_linear(dense):
    check_options(dense, "units", "activation", "use_bias")
    kernel = dense.kernel.numpy()
    linear = nn.Linear(*kernel.shape, bias=dense.use_bias)
    assign(linear.weight, kernel.T)  # (in, out) -> (out, in)
    if dense.use_bias:
        assign(linear.bias, dense.bias.numpy())
    return with_activation(dense, linear)


dense = keras.layers.Dense(4)
x = rng.normal(size=(5, 6)).astype("float32")
keras_out = dense(x)  # the first call builds the layer: kernel (6, 4)
linear = dense_to_linear(dense)
compare("Dense -> Linear", keras_out, linear(torch.from_numpy(x)))
print("torch weight", tuple(linear.weight.shape), "| keras kernel", tuple(dense.kernel.shape))
# --8<-- [end:dense]

# --8<-- [start:conv]
def conv2d_to_torch(layer):  # whatever the data_format, the PyTorch twin takes NCHW
    check_options(layer, "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups",
                  "activation", "use_bias")
    if layer.padding == "same" and max(layer.strides) > 1:
        refuse(layer, f"padding='same' and strides={layer.strides}", "TensorFlow's padding then depends on the input size")
    kernel = layer.kernel.numpy()  # (h, w, in / groups, out)
    h, w, c_in, c_out = kernel.shape
    conv = nn.Conv2d(c_in * layer.groups, c_out, (h, w), stride=layer.strides, padding=layer.padding,  # "same" or "valid"
                     dilation=layer.dilation_rate, groups=layer.groups, bias=layer.use_bias)
    assign(conv.weight, kernel.transpose(3, 2, 0, 1))  # -> (out, in / groups, h, w)
    if layer.use_bias:
        assign(conv.bias, layer.bias.numpy())
    return with_activation(layer, conv)


conv_k = keras.layers.Conv2D(8, 3, padding="same")
x = rng.normal(size=(2, 8, 8, 3)).astype("float32")  # NHWC
keras_out = conv_k(x)
conv = conv2d_to_torch(conv_k)
torch_out = conv(torch.from_numpy(x).permute(0, 3, 1, 2))  # NHWC -> NCHW for PyTorch
compare("Conv2D -> Conv2d", keras_out, torch_out.permute(0, 2, 3, 1))  # back to NHWC
print("torch weight", tuple(conv.weight.shape), "| keras kernel", tuple(conv_k.kernel.shape))
# --8<-- [end:conv]

# --8<-- [start:batchnorm]
def assign_or_fix(param, weight, value):  # no gamma (scale=False) or beta (center=False): fixed at 1 or 0, untrained
    if weight is None:
        assign(param, np.full(tuple(param.shape), value, dtype="float32"))
        param.requires_grad_(False)
    else:
        assign(param, weight.numpy())


def batchnorm_to_torch(layer):  # channels last (axis=-1) or first (axis=1): the PyTorch twin takes NCHW
    check_options(layer, "axis", "momentum", "epsilon", "center", "scale")
    if layer.axis not in (-1, 1, 3):
        refuse(layer, f"axis={layer.axis}", "PyTorch normalizes per channel of a 4-D input")
    if not layer.trainable:
        refuse(layer, "trainable=False", "a frozen Keras layer normalizes with its moving statistics even in training")
    mean, var = layer.moving_mean.numpy(), layer.moving_variance.numpy()
    # Keras's momentum weights the old value, PyTorch's weights the new batch
    bn = nn.BatchNorm2d(len(mean), eps=layer.epsilon, momentum=1 - layer.momentum, affine=layer.scale or layer.center)
    assign(bn.running_mean, mean)
    assign(bn.running_var, var)
    if bn.affine:
        assign_or_fix(bn.weight, layer.gamma, 1.0)
        assign_or_fix(bn.bias, layer.beta, 0.0)
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
    check_options(layer, "axis", "epsilon", "center", "scale")
    shape = layer.get_build_config()["input_shape"]
    axes = sorted(a % len(shape) for a in (layer.axis if isinstance(layer.axis, list) else [layer.axis]))
    if axes != list(range(len(shape) - len(axes), len(shape))):
        refuse(layer, f"axis={layer.axis}", "PyTorch's LayerNorm normalizes the last axes")
    ln = nn.LayerNorm([shape[a] for a in axes], eps=layer.epsilon, elementwise_affine=layer.scale or layer.center,
                      bias=layer.center)
    if ln.weight is not None:
        assign_or_fix(ln.weight, layer.gamma, 1.0)
    if ln.bias is not None:
        assign_or_fix(ln.bias, layer.beta, 0.0)
    return ln


ln_k = keras.layers.LayerNormalization()
ln_k.build((None, 16))
ln_k.set_weights([rng.uniform(0.5, 1.5, 16), rng.uniform(-0.5, 0.5, 16)])
x = rng.normal(size=(4, 5, 16)).astype("float32")
ln = layernorm_to_torch(ln_k)
compare("LayerNormalization -> LayerNorm", ln_k(x), ln(torch.from_numpy(x)))
print(f"torch eps {nn.LayerNorm(16).eps} | keras default epsilon {ln_k.epsilon}")
# --8<-- [end:layernorm]

# --8<-- [start:embedding]
def embedding_to_torch(layer):
    check_options(layer, "input_dim", "output_dim")
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
def recurrent_to_torch(layer, torch_class, weights):  # LSTM or GRU, alone or in Bidirectional
    both = isinstance(layer, keras.layers.Bidirectional)
    directions = [layer.forward_layer, layer.backward_layer] if both else [layer]
    if both and layer.merge_mode != "concat":
        refuse(layer, f"merge_mode={layer.merge_mode!r}", "PyTorch concatenates the two directions")
    first = directions[0]
    check_options(first, "units", "use_bias", "return_sequences", "return_state")  # the twin returns all of these
    settings = [{k: v for k, v in d.get_config().items() if k not in ("name", "go_backwards")} for d in directions]
    if settings[-1] != settings[0]:
        refuse(layer, "a backward_layer unlike the forward one", "PyTorch's two directions share their settings")
    rnn = torch_class(first.cell.kernel.shape[0], first.units, bias=first.use_bias, batch_first=True, bidirectional=both)
    for direction, suffix in zip(directions, ["_l0", "_l0_reverse"]):
        for name, array in weights(direction).items():
            assign(getattr(rnn, name + suffix), array)
    return rnn


def lstm_weights(layer):  # gates i, f, c, o; PyTorch: i, f, g, o
    kernel, recurrent, *bias = layer.get_weights()
    weights = {"weight_ih": kernel.T, "weight_hh": recurrent.T}  # (in, 4H) -> (4H, in); (H, 4H) -> (4H, H)
    if bias:  # one bias -> two: only their sum counts
        weights |= {"bias_ih": bias[0], "bias_hh": np.zeros_like(bias[0])}
    return weights


def lstm_to_torch(layer):
    return recurrent_to_torch(layer, nn.LSTM, lstm_weights)


lstm_k = keras.layers.LSTM(8, return_sequences=True)
x = rng.normal(size=(3, 10, 6)).astype("float32")  # (batch, time, features)
keras_out = lstm_k(x)
lstm = lstm_to_torch(lstm_k)
compare("LSTM -> LSTM", keras_out, lstm(torch.from_numpy(x))[0])
print("torch weight_ih", tuple(lstm.weight_ih_l0.shape), "+ 2 biases", tuple(lstm.bias_ih_l0.shape),
      "| keras kernel", tuple(lstm_k.cell.kernel.shape), "+ bias", tuple(lstm_k.cell.bias.shape))

both_ways = keras.layers.Bidirectional(keras.layers.LSTM(8, return_sequences=True))
both_ways_out = both_ways(x)
both_ways_t = lstm_to_torch(both_ways)
both_ways_diff = float(np.abs(both_ways_out.numpy() - to_numpy(both_ways_t(torch.from_numpy(x))[0])).max())
assert both_ways_diff <= 1e-5
print("Bidirectional -> LSTM with bidirectional =", both_ways_t.bidirectional, shown(both_ways_diff))
# --8<-- [end:lstm]

# --8<-- [start:gru]
def gru_gates(w):  # Keras stacks the gates z, r, h; PyTorch r, z, n: swap the first two blocks
    z, r, h = np.split(w, 3, axis=0)
    return np.concatenate([r, z, h], axis=0)


def gru_weights(layer):
    kernel, recurrent, *bias = layer.get_weights()
    weights = {"weight_ih": gru_gates(kernel.T), "weight_hh": gru_gates(recurrent.T)}
    if bias:  # one array (2, 3H): the input row, then the recurrent row
        weights |= {"bias_ih": gru_gates(bias[0][0]), "bias_hh": gru_gates(bias[0][1])}
    return weights


def gru_to_torch(layer):  # reset_after=False, a different function, is refused: it differs from the default
    return recurrent_to_torch(layer, nn.GRU, gru_weights)


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
    check_options(layer, "num_heads", "key_dim", "value_dim", "dropout", "use_bias")
    projections = layer.query_dense, layer.key_dense, layer.value_dense
    e, heads, head_dim = projections[0].kernel.shape  # query kernel (E, heads, head_dim)
    if heads * head_dim != e or layer.value_dim != layer.key_dim:
        refuse(layer, f"key_dim={layer.key_dim}, value_dim={layer.value_dim}", "PyTorch splits E into the heads")
    if layer.use_bias and head_dim == 1:
        refuse(layer, "key_dim=1 and use_bias=True",
               "on TensorFlow it adds its biases along the sequence axis when the sequence is as long as the heads")
    kdim, vdim = (dense.kernel.shape[0] for dense in projections[1:])  # the key's and value's sizes
    mha = nn.MultiheadAttention(e, heads, dropout=layer.dropout, bias=layer.use_bias, kdim=kdim, vdim=vdim, batch_first=True)
    kernels = [dense.kernel.numpy().reshape(-1, e).T for dense in projections]  # each -> (out, in)
    if mha.in_proj_weight is not None:
        assign(mha.in_proj_weight, np.concatenate(kernels))  # q, k, v packed: (3E, E)
    else:  # kdim or vdim is not E: three matrices
        for param, kernel in zip((mha.q_proj_weight, mha.k_proj_weight, mha.v_proj_weight), kernels):
            assign(param, kernel)
    assign(mha.out_proj.weight, layer.output_dense.kernel.numpy().reshape(e, e).T)
    if layer.use_bias:
        assign(mha.in_proj_bias, np.concatenate([dense.bias.numpy().reshape(e) for dense in projections]))
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

# --8<-- [start:gradients]
import tensorflow as tf

grad_diffs = {}  # layer type -> largest difference between the gradients, relative to their size
grad_sizes = {}  # layer type -> largest gradient


def weighting(shape):  # the loss weighs each output by a fixed random number: the same numbers on both sides
    return np.random.default_rng(1).normal(size=shape).astype("float32")


def keras_gradients(layer, run, *inputs):  # tf.GradientTape: d loss / d each input, then / d each trainable weight
    inputs = [tf.constant(x) for x in inputs]
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        out = run(*inputs)
        loss = tf.reduce_sum(out * weighting(tuple(out.shape)))
    return [keras.ops.convert_to_numpy(g) for g in tape.gradient(loss, [*inputs, *layer.trainable_weights])]


def torch_gradients(module, run, *inputs):  # autograd: d loss / d each input, then / d each parameter
    inputs = [torch.tensor(x, requires_grad=True) for x in inputs]
    module.zero_grad()
    out = run(*inputs)
    loss = (out * torch.from_numpy(weighting(tuple(out.shape)))).sum()
    loss.backward()
    return [to_numpy(t.grad) for t in [*inputs, *module.parameters()]]


def compare_gradients(name, keras_grads, torch_grads, to_torch_layout):
    worst = 0.0
    for k, t in zip(to_torch_layout(*keras_grads), torch_grads, strict=True):  # every parameter, in PyTorch's order
        assert k.shape == t.shape, (name, k.shape, t.shape)
        worst = max(worst, float(np.abs(k - t).max()) / max(1.0, float(np.abs(k).max())))
    grad_diffs[name] = worst
    grad_sizes[name] = max(float(np.abs(g).max()) for g in torch_grads)


def attention_layout(dq, dk, dv, *weights):  # Keras's (kernel, bias) for q, k, v and the output -> PyTorch's packing
    kernels, biases = weights[0::2], weights[1::2]
    return [dq, dk, dv, np.concatenate([w.reshape(16, 16).T for w in kernels[:3]]),
            np.concatenate([b.reshape(16) for b in biases[:3]]), kernels[3].reshape(16, 16).T, biases[3]]


def nhwc(module):  # the PyTorch twin, taking and giving NHWC like its Keras source
    return lambda x: module(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)


x = rng.normal(size=(5, 6)).astype("float32")
compare_gradients("Dense -> Linear", keras_gradients(dense, dense, x), torch_gradients(linear, linear, x),
                  lambda dx, kernel, bias: [dx, kernel.T, bias])
batch = rng.normal(1.0, 2.0, size=(4, 8, 8, 3)).astype("float32")  # NHWC
compare_gradients("Conv2D -> Conv2d", keras_gradients(conv_k, conv_k, batch), torch_gradients(conv, nhwc(conv), batch),
                  lambda dx, kernel, bias: [dx, kernel.transpose(3, 2, 0, 1), bias])
compare_gradients("BatchNormalization -> BatchNorm2d", keras_gradients(bn_k, lambda x: bn_k(x, training=True), batch),
                  torch_gradients(bn, nhwc(bn), batch), lambda dx, gamma, beta: [dx, gamma, beta])  # bn is in training mode
x = rng.normal(size=(4, 5, 16)).astype("float32")
compare_gradients("LayerNormalization -> LayerNorm", keras_gradients(ln_k, ln_k, x), torch_gradients(ln, ln, x),
                  lambda dx, gamma, beta: [dx, gamma, beta])
compare_gradients("Embedding -> Embedding", keras_gradients(emb_k, lambda: emb_k(ids)),  # no input gradient
                  torch_gradients(emb, lambda: emb(torch.from_numpy(ids))), lambda table: [table])
x = rng.normal(size=(3, 10, 6)).astype("float32")
compare_gradients("LSTM -> LSTM", keras_gradients(lstm_k, lstm_k, x), torch_gradients(lstm, lambda s: lstm(s)[0], x),
                  lambda dx, kernel, recurrent, bias: [dx, kernel.T, recurrent.T, bias, bias])  # both biases: the sum's
compare_gradients("GRU -> GRU", keras_gradients(gru_k, gru_k, x), torch_gradients(gru, lambda s: gru(s)[0], x),
                  lambda dx, kernel, recurrent, bias: [dx, gru_gates(kernel.T), gru_gates(recurrent.T),
                                                       gru_gates(bias[0]), gru_gates(bias[1])])
compare_gradients("MultiHeadAttention -> MultiheadAttention",
                  keras_gradients(mha_k, lambda q, k, v: mha_k(q, v, key=k, attention_mask=allowed), q, k, v),
                  torch_gradients(mha, lambda q, k, v: mha(q, k, v, key_padding_mask=padding)[0], q, k, v),
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
    check_options(dense, "units", "activation", "use_bias")
    kernel = dense.kernel.numpy()  # (H * W * C, out)
    out = kernel.shape[1]
    linear = nn.Linear(kernel.shape[0], out, bias=dense.use_bias)
    assign(linear.weight, kernel.reshape(height, width, channels, out).transpose(3, 2, 0, 1).reshape(out, -1))
    if dense.use_bias:
        assign(linear.bias, dense.bias.numpy())
    return with_activation(dense, linear)


conv_layer, _, _, dense_layer = model.layers
twin = nn.Sequential(
    conv2d_to_torch(conv_layer),  # Conv2d, then ReLU: the Conv2D's activation="relu" becomes a layer of its own
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

# --8<-- [start:refused]
for layer, convert in [
    (keras.layers.Conv2D(8, 3, strides=2, padding="same"), conv2d_to_torch),
    (keras.layers.Embedding(20, 8, mask_zero=True), embedding_to_torch),
    (keras.layers.GRU(8, reset_after=False), gru_to_torch),
]:
    try:
        convert(layer)
    except ValueError as err:
        print(err)
# --8<-- [end:refused]
