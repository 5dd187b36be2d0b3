"""The rows of the cheat sheet: the one source of truth for the table on docs/cheat-sheet.md and for its test.

Each row names an operation and gives the code for it in each framework, exactly as the page shows it. The test
(tests/test_cheat_sheet.py) builds the row's inputs once with NumPy, hands each framework its own copy (a torch
tensor for the PyTorch code, a TensorFlow tensor for the TensorFlow code, or the NumPy array itself for names in
`numpy_inputs`), runs both pieces of code and checks that the results agree under the row's `check`:

    "allclose"  same shape and values within rtol 1e-5, atol 1e-6, and the same dtype (or, where the frameworks
                differ on purpose, the dtypes named in `dtypes`: (PyTorch's, TensorFlow's))
    "shape"     same shape and dtype only, for results whose values legitimately differ (random numbers)
    "dtype"     the dtype names agree ("float32" from torch.float32 and from tf.float32)

Code is one expression (its value is the result) or several lines of statements, in which case `pytorch_result` /
`tensorflow_result` name the expression that gives the result. A result expression is part of the test, not of the
page; keep it trivial (a variable name, or a difference that must be zero).

The PyTorch code runs with `torch`, `nn` (torch.nn), `F` (torch.nn.functional) and `np` defined; the TensorFlow code
with `tf`, `keras` and `np`. Each row runs in a fresh temporary working directory, so saving rows may write files.
This module imports neither framework, so the MkDocs hook can read it quickly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CATEGORIES = [
    "Creating tensors",
    "Indexing",
    "Reshaping",
    "Reductions",
    "Matrix math",
    "Activations",
    "Losses",
    "Layers",
    "Optimizers",
    "Saving and loading",
    "Dtypes and devices",
    "Automatic differentiation",
]

# An input is (kind, shape) or ("integers", shape, high): built from np.random.default_rng(0), in the order given.
KINDS = {
    "normal": "float32, standard normal",
    "uniform": "float32 in [0, 1)",
    "binary": "float32, 0 or 1",
    "integers": "int64",
}


@dataclass(frozen=True)
class Row:
    category: str
    operation: str
    pytorch: str
    tensorflow: str
    inputs: dict[str, tuple] = field(default_factory=dict)
    numpy_inputs: tuple[str, ...] = ()
    check: str = "allclose"
    dtypes: tuple[str, str] | None = None
    pytorch_result: str | None = None
    tensorflow_result: str | None = None
    note: str = ""


def row(category, operation, pytorch, tensorflow, **kwargs) -> Row:
    return Row(category, operation, pytorch, tensorflow, **kwargs)


X34 = {"x": ("normal", (3, 4))}

ROWS = [
    # Creating tensors
    row("Creating tensors", "From a NumPy array", "torch.tensor(a)", "tf.constant(a)",
        inputs={"a": ("normal", (2, 3))}, numpy_inputs=("a",),
        note="Both copy the data. `torch.from_numpy(a)` shares memory with `a` instead."),
    row("Creating tensors", "Zeros", "torch.zeros(2, 3)", "tf.zeros((2, 3))",
        note="PyTorch takes the sizes as separate numbers (or a tuple); TensorFlow takes one shape."),
    row("Creating tensors", "Ones, shaped like another tensor", "torch.ones_like(x)", "tf.ones_like(x)",
        inputs={"x": ("normal", (2, 3))}),
    row("Creating tensors", "Filled with one value", "torch.full((2, 2), 7.0)", "tf.fill((2, 2), 7.0)"),
    row("Creating tensors", "A range of integers", "torch.arange(0, 10, 2)", "tf.range(0, 10, 2)",
        dtypes=("int64", "int32"),
        note="Same values, different dtypes: int64 in PyTorch, int32 in TensorFlow."),
    row("Creating tensors", "Evenly spaced values", "torch.linspace(0, 1, 5)", "tf.linspace(0.0, 1.0, 5)",
        note="Give `tf.linspace` float ends: with integer ends it returns float64."),
    row("Creating tensors", "Identity matrix", "torch.eye(3)", "tf.eye(3)"),
    row("Creating tensors", "Random normal numbers, seeded",
        "torch.manual_seed(0)\ntorch.randn(2, 3)", "tf.random.set_seed(0)\ntf.random.normal((2, 3))",
        check="shape", pytorch_result="torch.randn(2, 3)", tensorflow_result="tf.random.normal((2, 3))",
        note="Same seed, different numbers: each framework has its own generator (compared by shape only)."),

    # Indexing
    row("Indexing", "Slice rows and columns", "x[1:, :2]", "x[1:, :2]", inputs=X34),
    row("Indexing", "Pick rows by index", "x[idx]", "tf.gather(x, idx)",
        inputs={"x": ("normal", (3, 4)), "idx": ("integers", (2,), 3)}),
    row("Indexing", "Keep the elements where a mask is true", "x[x > 0]", "tf.boolean_mask(x, x > 0)", inputs=X34),
    row("Indexing", "Combine two masks", "(x > 1) | (x < -1)", "tf.logical_or(x > 1, x < -1)", inputs=X34,
        note="`|`, `&` and `~` also work on TensorFlow boolean tensors."),
    row("Indexing", "Choose elementwise by a condition", "torch.where(x > 0, x, 0.0)", "tf.where(x > 0, x, 0.0)",
        inputs=X34),
    row("Indexing", "Change one element", "y = x.clone()\ny[0, 0] = 1.0",
        "y = tf.tensor_scatter_nd_update(x, [[0, 0]], [1.0])", inputs=X34,
        pytorch_result="y", tensorflow_result="y",
        note="TensorFlow tensors cannot be changed: you get a new one (or use a `tf.Variable` and `assign`)."),

    # Reshaping
    row("Reshaping", "Reshape", "x.reshape(2, 6)", "tf.reshape(x, (2, 6))", inputs=X34),
    row("Reshaping", "Transpose a matrix", "x.T", "tf.transpose(x)", inputs=X34),
    row("Reshaping", "Reorder axes: NCHW to NHWC", "img.permute(0, 2, 3, 1)", "tf.transpose(img, (0, 2, 3, 1))",
        inputs={"img": ("normal", (2, 3, 4, 5))},
        note="PyTorch images are (batch, channels, height, width); Keras expects (batch, height, width, channels)."),
    row("Reshaping", "Add an axis of size 1", "x.unsqueeze(0)", "tf.expand_dims(x, 0)", inputs=X34),
    row("Reshaping", "Remove the axes of size 1", "x.squeeze()", "tf.squeeze(x)", inputs={"x": ("normal", (1, 3, 1))}),
    row("Reshaping", "Join along an existing axis", "torch.cat([x, y], dim=0)", "tf.concat([x, y], axis=0)",
        inputs={"x": ("normal", (2, 3)), "y": ("normal", (2, 3))},
        note="`dim=` in PyTorch is `axis=` in TensorFlow, everywhere."),
    row("Reshaping", "Stack along a new axis", "torch.stack([x, y], dim=1)", "tf.stack([x, y], axis=1)",
        inputs={"x": ("normal", (2, 3)), "y": ("normal", (2, 3))}),
    row("Reshaping", "Flatten all but the batch axis", "torch.flatten(img, 1)",
        "tf.reshape(img, (tf.shape(img)[0], -1))", inputs={"img": ("normal", (2, 3, 4, 5))},
        note="As a layer: `nn.Flatten()` and `keras.layers.Flatten()`."),

    # Reductions
    row("Reductions", "Sum along an axis", "x.sum(dim=1)", "tf.reduce_sum(x, axis=1)", inputs=X34),
    row("Reductions", "Mean of all elements", "x.mean()", "tf.reduce_mean(x)", inputs=X34),
    row("Reductions", "Maximum, keeping the axis", "x.amax(dim=0, keepdim=True)",
        "tf.reduce_max(x, axis=0, keepdims=True)", inputs=X34,
        note="`x.max(dim=0)` returns the values and their indices."),
    row("Reductions", "Index of the largest value", "x.argmax(dim=1)", "tf.argmax(x, axis=1)", inputs=X34),
    row("Reductions", "Standard deviation", "x.std(dim=0, correction=0)", "tf.math.reduce_std(x, axis=0)", inputs=X34,
        note="`x.std()` divides by n - 1 unless told otherwise; `tf.math.reduce_std` divides by n."),

    # Matrix math
    row("Matrix math", "Matrix product", "x @ w", "tf.matmul(x, w)",
        inputs={"x": ("normal", (3, 4)), "w": ("normal", (4, 2))}, note="`@` works in both."),
    row("Matrix math", "Batched matrix product", "torch.bmm(a, b)", "tf.matmul(a, b)",
        inputs={"a": ("normal", (5, 2, 3)), "b": ("normal", (5, 3, 4))}),
    row("Matrix math", "Einstein summation", 'torch.einsum("ij,jk->ik", x, w)', 'tf.einsum("ij,jk->ik", x, w)',
        inputs={"x": ("normal", (3, 4)), "w": ("normal", (4, 2))}),
    row("Matrix math", "Elementwise product with broadcasting", "x * v", "x * v",
        inputs={"x": ("normal", (3, 4)), "v": ("normal", (4,))}),
    row("Matrix math", "Clip to a range", "x.clamp(-0.5, 0.5)", "tf.clip_by_value(x, -0.5, 0.5)", inputs=X34),

    # Activations
    row("Activations", "ReLU", "torch.relu(x)", "tf.nn.relu(x)", inputs=X34),
    row("Activations", "Sigmoid", "torch.sigmoid(x)", "tf.sigmoid(x)", inputs=X34),
    row("Activations", "Softmax over the last axis", "torch.softmax(x, dim=-1)", "tf.nn.softmax(x, axis=-1)",
        inputs=X34),
    row("Activations", "Log-softmax", "F.log_softmax(x, dim=-1)", "tf.nn.log_softmax(x, axis=-1)", inputs=X34),
    row("Activations", "GELU", "F.gelu(x)", "tf.nn.gelu(x)", inputs=X34,
        note='Both default to the exact GELU; `approximate="tanh"` and `approximate=True` give the tanh form.'),

    # Losses
    row("Losses", "Cross-entropy from logits and class ids", "F.cross_entropy(logits, labels)",
        "keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)",
        inputs={"logits": ("normal", (4, 3)), "labels": ("integers", (4,), 3)},
        note="Keras takes the true labels first, and expects probabilities unless `from_logits=True`."),
    row("Losses", "Mean squared error", "F.mse_loss(pred, target)", "keras.losses.MeanSquaredError()(target, pred)",
        inputs={"pred": ("normal", (4, 3)), "target": ("normal", (4, 3))}),
    row("Losses", "Binary cross-entropy from logits", "F.binary_cross_entropy_with_logits(z, t)",
        "keras.losses.BinaryCrossentropy(from_logits=True)(t, z)",
        inputs={"z": ("normal", (4,)), "t": ("binary", (4,))}),

    # Layers
    row("Layers", "Dense (linear) layer with given weights",
        "layer = nn.Linear(4, 3)\nlayer.load_state_dict({\"weight\": k.T, \"bias\": b})\ny = layer(x)",
        "layer = keras.layers.Dense(3)\nlayer.build((None, 4))\nlayer.set_weights([k, b])\ny = layer(x)",
        inputs={"x": ("normal", (2, 4)), "k": ("normal", (4, 3)), "b": ("normal", (3,))},
        pytorch_result="y", tensorflow_result="y",
        note="`nn.Linear` stores its weight as (out, in); a Keras kernel is (in, out)."),
    row("Layers", "2-D convolution, NCHW and NHWC",
        "conv = nn.Conv2d(3, 4, 3, bias=False)\nconv.load_state_dict({\"weight\": k.permute(3, 2, 0, 1)})\n"
        "y = conv(img.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)",
        "conv = keras.layers.Conv2D(4, 3, use_bias=False)\nconv.build((None, 5, 5, 3))\nconv.set_weights([k])\n"
        "y = conv(img)",
        inputs={"img": ("normal", (2, 5, 5, 3)), "k": ("normal", (3, 3, 3, 4))},
        pytorch_result="y", tensorflow_result="y",
        note="Kernels: (out, in, height, width) in PyTorch, (height, width, in, out) in Keras."),

    # Optimizers
    row("Optimizers", "One SGD step",
        "w = nn.Parameter(w)\nw.grad = g\nopt = torch.optim.SGD([w], lr=0.1)\nopt.step()",
        "w = tf.Variable(w)\nopt = keras.optimizers.SGD(learning_rate=0.1)\nopt.apply([g], [w])",
        inputs={"w": ("normal", (3,)), "g": ("normal", (3,))}, pytorch_result="w", tensorflow_result="w",
        note="PyTorch reads the gradients from `.grad`; Keras takes them as an argument."),
    row("Optimizers", "One Adam step",
        "w = nn.Parameter(w)\nw.grad = g\nopt = torch.optim.Adam([w], lr=0.01)\nopt.step()",
        "w = tf.Variable(w)\nopt = keras.optimizers.Adam(learning_rate=0.01)\nopt.apply([g], [w])",
        inputs={"w": ("normal", (3,)), "g": ("normal", (3,))}, pytorch_result="w", tensorflow_result="w",
        note="Default epsilon: 1e-8 in [PyTorch](https://docs.pytorch.org/docs/stable/generated/torch.optim.Adam.html), "
        "1e-7 in [Keras](https://keras.io/api/optimizers/adam/); one step still agrees within the test's tolerance."),
    row("Optimizers", "Clip gradients by their total norm",
        "w = nn.Parameter(w)\nw.grad = g\nnn.utils.clip_grad_norm_([w], max_norm=0.5)",
        "tf.clip_by_global_norm([g], 0.5)[0][0]",
        inputs={"w": ("normal", (3,)), "g": ("normal", (3,))}, pytorch_result="w.grad",
        note="Keras optimizers also take `global_clipnorm=0.5` (or `clipnorm=` per variable)."),

    # Saving and loading
    row("Saving and loading", "Save and load a tensor", 'torch.save(x, "x.pt")\ny = torch.load("x.pt")',
        'tf.io.write_file("x.pb", tf.io.serialize_tensor(x))\n'
        'y = tf.io.parse_tensor(tf.io.read_file("x.pb"), tf.float32)',
        inputs=X34, pytorch_result="y", tensorflow_result="y"),
    row("Saving and loading", "Save and load a model's weights",
        'model = nn.Linear(4, 3)\ntorch.save(model.state_dict(), "model.pt")\n'
        'copy = nn.Linear(4, 3)\ncopy.load_state_dict(torch.load("model.pt"))',
        'model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\nmodel.save_weights("model.weights.h5")\n'
        'copy = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\ncopy.load_weights("model.weights.h5")',
        inputs={"x": ("normal", (2, 4))}, pytorch_result="copy(x) - model(x)", tensorflow_result="copy(x) - model(x)",
        note="Checked by the round trip: the copy gives the same outputs as the model. See [Saving](saving.md)."),

    # Dtypes and devices
    row("Dtypes and devices", "Change the dtype", "x.to(torch.float16)", "tf.cast(x, tf.float16)", inputs=X34),
    row("Dtypes and devices", "Ask for the dtype", "x.dtype", "x.dtype", inputs=X34, check="dtype"),
    row("Dtypes and devices", "Default float dtype", "torch.get_default_dtype()", "keras.config.floatx()",
        check="dtype"),
    row("Dtypes and devices", "Put a tensor on a device", 'x.to("cpu")',
        'with tf.device("CPU:0"): y = tf.identity(x)', inputs=X34, tensorflow_result="y",
        note="TensorFlow places tensors on a GPU by itself when it has one; PyTorch waits for `.to(device)`."),

    # Automatic differentiation
    row("Automatic differentiation", "Gradient of a scalar",
        "x.requires_grad_(True)\ny = (x ** 2).sum()\ny.backward()",
        "x = tf.Variable(x)\nwith tf.GradientTape() as tape: y = tf.reduce_sum(x ** 2)\ngrad = tape.gradient(y, x)",
        inputs={"x": ("normal", (3,))}, pytorch_result="x.grad", tensorflow_result="grad",
        note="PyTorch stores the gradient in `x.grad` and adds to it on the next `backward()`."),
    row("Automatic differentiation", "Gradient returned, not stored",
        "x.requires_grad_(True)\n(grad,) = torch.autograd.grad((x ** 3).sum(), x)",
        "with tf.GradientTape() as tape: tape.watch(x); y = tf.reduce_sum(x ** 3)\ngrad = tape.gradient(y, x)",
        inputs={"x": ("normal", (3,))}, pytorch_result="grad", tensorflow_result="grad",
        note="A tape records operations on variables by itself; plain tensors need `tape.watch`."),
    row("Automatic differentiation", "Stop a gradient",
        "x.requires_grad_(True)\n(x * x.detach()).sum().backward()",
        "x = tf.Variable(x)\nwith tf.GradientTape() as tape: y = tf.reduce_sum(x * tf.stop_gradient(x))\n"
        "grad = tape.gradient(y, x)",
        inputs={"x": ("normal", (3,))}, pytorch_result="x.grad", tensorflow_result="grad"),
]
