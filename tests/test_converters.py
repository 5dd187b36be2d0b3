"""The porting page's converters (docs/porting.md), on layer configurations the page does not show.

How the converters are imported. Each of the page's programs, snippets/porting/pytorch_code.py (PyTorch layers to
Keras) and tensorflow_code.py (Keras layers to PyTorch), defines its converters as top-level functions between blocks
that demonstrate them. `load` parses each file with `ast` and executes only its imports, its function definitions and
its upper-case constants, in a namespace of its own: the functions tested are the ones the page shows, character for
character, and none of the page's demonstrations runs again (`pytest docs/porting.md` runs those). Both files import
torch and torch._dynamo before keras, so this process loads Triton's LLVM before TensorFlow's, the order the page's
first section explains; the `page` fixture refuses to load them if something imported TensorFlow first. The loading
waits for the first test of this file, so a session that only collects the file does not pay for the two imports, and
`xdist_group` keeps the file's tests on one worker, which loads them once.

What is proven. For each converter, Hypothesis generates configurations of its source layer: its options at their
defaults or at other values (mostly ones the page carries over, now and then one it refuses), small sizes,
derandomized (every run tries the same configurations) and bounded (EXAMPLES per converter). Each conversion must
either build a twin whose outputs agree with the source layer's on random inputs within 1e-5 (relative to the outputs'
size where that exceeds 1), or raise a ValueError whose message names an option the example set. Each test says which
of its options the page refuses: so a converter that silently computes something else fails, and so does one that
refuses an option the page carries over, or converts one the page says it refuses. The generated examples meet a
refused option only by chance, so `test_refuses` also tries each of them, one at a time (REFUSALS). An option that
acts only in training (dropout) cannot be compared through random masks: there the twin must at least drop out, its
training outputs differing from its inference outputs. The file takes about 40 s of CPU time, most of it importing
torch and TensorFlow.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.settings import SNIPPETS

pytestmark = [
    pytest.mark.xdist_group("converters"),  # one worker imports both frameworks, once
    # PyTorch's note that padding="same" with an even kernel copies the input: true, and no concern of this test
    pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths:UserWarning"),
]

EXAMPLES = 12
generated = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])
generated_more = settings(generated, max_examples=3 * EXAMPLES)  # convolutions: the most options, and cheap to run


class Definitions(SimpleNamespace):
    """What `load` kept of a program; shown by its file's name (Hypothesis prints a failing example's arguments)."""

    def __init__(self, name: str, namespace: dict):
        super().__init__(**namespace)
        self._name = name

    def __repr__(self):
        return f"<definitions of {self._name}>"


def load(path: Path) -> Definitions:
    """The imports, functions and upper-case constants of a snippet file, executed without the rest of it."""
    tree = ast.parse(path.read_text(), filename=str(path))
    kept = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef))
            or isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets)]
    namespace: dict = {"__name__": f"porting_{path.stem}"}
    exec(compile(ast.Module(body=kept, type_ignores=[]), str(path), "exec"), namespace)
    return Definitions(path.name, namespace)


class Page(SimpleNamespace):
    def __repr__(self):
        return "page"


@pytest.fixture(scope="module")
def page() -> Page:
    if "tensorflow" in sys.modules and "torch._dynamo" not in sys.modules:
        pytest.fail("TensorFlow was imported before torch._dynamo in this process: loading torch's Triton now would "
                    "abort it (see docs/porting.md); import torch and torch._dynamo first")
    to_keras, to_torch = load(SNIPPETS / "porting" / "pytorch_code.py"), load(SNIPPETS / "porting" / "tensorflow_code.py")
    assert to_keras.keras.backend.backend() == "tensorflow", "the page's programs run Keras on TensorFlow"
    return Page(to_keras=to_keras, to_torch=to_torch, torch=to_keras.torch, nn=to_keras.nn, keras=to_keras.keras,
                tf=sys.modules["tensorflow"])


def numpy(value) -> np.ndarray:
    return value.detach().numpy() if hasattr(value, "detach") else np.asarray(value)


def assert_agree(expected, actual, what: str = "outputs") -> None:
    expected, actual = numpy(expected), numpy(actual)
    assert expected.shape == actual.shape, f"{what}: shapes {expected.shape} and {actual.shape}"
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    diff = float(np.abs(expected - actual).max(initial=0.0))
    assert diff <= 1e-5 * scale, f"{what} differ by {diff:.3g} (largest value {scale:.3g})"


def convert(converter, layer, refused: list[str]):
    """The twin, or None after a refusal. `refused`: the options set in this example that the page says it refuses."""
    try:
        twin = converter(layer)
    except ValueError as err:
        assert refused, f"{converter.__name__} refused an option the page carries over: {err}"
        assert any(option in str(err) for option in refused), f"the refusal names none of {refused}: {err}"
        return None
    assert not refused, f"{converter.__name__} converted a layer with {refused}, which the page says it refuses"
    return twin


def randomized(page, module):
    """A PyTorch layer with random parameters and running statistics (not the 0, 1 a new layer starts from)."""
    torch = page.torch
    torch.manual_seed(0)
    with torch.no_grad():
        for param in module.parameters():
            param.normal_(0.0, 0.5)
        for name, buffer in module.named_buffers():
            if name.startswith("running_"):
                buffer.uniform_(0.5, 2.0)
    return module


def keras_randomized(layer, *shapes):
    """A Keras layer, built for `shapes`, with random weights (moving variances positive)."""
    layer.build(*shapes)
    rng = np.random.default_rng(0)
    layer.set_weights([rng.uniform(0.5, 2.0, w.shape) if "variance" in w.path else rng.normal(0.0, 0.5, w.shape)
                       for w in layer.weights])
    return layer


def inputs(*shape):
    return np.random.default_rng(1).normal(size=shape).astype("float32")


# Sequence lengths for attention: as long as the heads are many among them, where Keras 3.15's layer on TensorFlow adds
# a head size 1 bias along the sequence axis (the converters refuse that layer, docs/porting.md says why).
LENGTHS = st.tuples(st.integers(1, 4), st.integers(1, 4))


def mostly(default, *others):
    """Mostly the default, else one of the other values: most examples convert, a few meet a refusal."""
    return st.sampled_from([default] * 6 * len(others) + list(others))


# PyTorch layers to Keras (the PyTorch tab's converters)

@generated
@given(sizes=st.tuples(st.integers(1, 5), st.integers(1, 5)), bias=st.booleans())
def test_linear_to_dense(page, sizes, bias):
    linear = randomized(page, page.nn.Linear(*sizes, bias=bias))
    dense = convert(page.to_keras.linear_to_dense, linear, [])
    x = inputs(2, 3, sizes[0])
    assert_agree(linear(page.torch.from_numpy(x)), dense(x))


@generated_more
@given(options=st.fixed_dictionaries({
    "kernel_size": st.tuples(st.integers(1, 4), st.integers(1, 4)),
    "stride": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "padding": st.one_of(st.sampled_from(["valid", "same"]), st.tuples(st.integers(0, 2), st.integers(0, 2))),
    "dilation": st.one_of(st.just((1, 1)), st.tuples(st.integers(1, 2), st.integers(1, 2))),
    "groups": st.sampled_from([1, 1, 2]),
    "bias": st.booleans(),
    "padding_mode": mostly("zeros", "reflect", "replicate", "circular"),
}))
def test_conv2d_to_keras(page, options):
    assume(not (options["padding"] == "same" and max(options["stride"]) > 1))  # PyTorch itself refuses this
    groups = options["groups"]
    conv = randomized(page, page.nn.Conv2d(2 * groups, 3 * groups, **options))
    refused = ["padding_mode"] * (options["padding_mode"] != "zeros")
    refused += ["dilation"] * (max(options["stride"]) > 1 and max(options["dilation"]) > 1)
    twin = convert(page.to_keras.conv2d_to_keras, conv, refused)
    if twin is not None:
        x = inputs(2, 2 * groups, 9, 8)
        assert_agree(conv(page.torch.from_numpy(x)).permute(0, 2, 3, 1), twin(x.transpose(0, 2, 3, 1)))


@generated
@given(options=st.fixed_dictionaries({
    "eps": st.sampled_from([1e-5, 1e-3, 0.1]),
    "momentum": st.sampled_from([0.1, 0.3, 0.01] * 3 + [None]),
    "affine": st.booleans(),
    "track_running_stats": mostly(True, False),
}), channels=st.integers(1, 4))
def test_batchnorm2d_to_keras(page, options, channels):
    bn = randomized(page, page.nn.BatchNorm2d(channels, **options)).eval()
    refused = ["momentum"] * (options["momentum"] is None) + ["track_running_stats"] * (not options["track_running_stats"])
    twin = convert(page.to_keras.batchnorm2d_to_keras, bn, refused)
    if twin is not None:
        x = inputs(4, channels, 3, 5)
        x_t, x_k = page.torch.from_numpy(x), x.transpose(0, 2, 3, 1)
        assert_agree(bn(x_t).permute(0, 2, 3, 1), twin(x_k, training=False), "inference outputs")
        bn.train()  # one training step: batch statistics, and the momentum in the update of the running mean
        assert_agree(bn(x_t).permute(0, 2, 3, 1), twin(x_k, training=True), "training outputs")
        assert_agree(bn.running_mean, twin.moving_mean, "running means after a step")


@generated
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=2), options=st.fixed_dictionaries({
    "eps": st.sampled_from([1e-5, 1e-3]),
    "elementwise_affine": st.booleans(),
    "bias": st.booleans(),
}))
def test_layernorm_to_keras(page, shape, options):
    ln = randomized(page, page.nn.LayerNorm(shape, **options))
    twin = convert(page.to_keras.layernorm_to_keras, ln, [])
    x = inputs(3, 2, *shape)
    assert_agree(ln(page.torch.from_numpy(x)), twin(x))


@generated
@given(sizes=st.tuples(st.integers(2, 10), st.integers(1, 4)), options=st.fixed_dictionaries({
    "padding_idx": mostly(None, 0, -1),
    "max_norm": mostly(None, 1.0),
    "scale_grad_by_freq": mostly(False, True),
    "sparse": st.booleans(),
}))
def test_embedding_to_keras(page, sizes, options):
    emb = randomized(page, page.nn.Embedding(*sizes, **options))
    refused = [name for name in ("padding_idx", "max_norm") if options[name] is not None]
    refused += ["scale_grad_by_freq"] * options["scale_grad_by_freq"]
    twin = convert(page.to_keras.embedding_to_keras, emb, refused)
    if twin is not None:
        ids = np.random.default_rng(1).integers(0, sizes[0], size=(3, 4))
        assert_agree(emb(page.torch.from_numpy(ids)), twin(ids))


recurrent_options = {
    "input_size": st.integers(1, 3),
    "hidden_size": st.integers(1, 4),
    "num_layers": st.integers(1, 2),
    "bias": st.booleans(),
    "batch_first": st.booleans(),
    "dropout": st.sampled_from([0.0, 0.5]),
    "bidirectional": st.booleans(),
}


def check_recurrent(page, rnn_class, converter, options, refused):
    assume(options["num_layers"] > 1 or not options["dropout"])  # PyTorch warns: it drops out between layers only
    rnn = randomized(page, rnn_class(**options)).eval()
    twin = convert(converter, rnn, refused)
    if twin is None:
        return
    x = inputs(2, 4, options["input_size"])  # (batch, time, features): the Keras twin's layout
    x_t = page.torch.from_numpy(x if options["batch_first"] else x.transpose(1, 0, 2).copy())
    out = rnn(x_t)[0]
    assert_agree(out if options["batch_first"] else out.transpose(0, 1), twin(x, training=False))
    if options["dropout"]:  # the twin drops out too, in training (random masks: only that it does is comparable)
        assert not np.allclose(numpy(twin(x, training=True)), numpy(twin(x, training=False)))


@generated
@given(options=st.fixed_dictionaries({**recurrent_options, "proj_size": mostly(0, 1)}))
def test_lstm_to_keras(page, options):
    assume(options["proj_size"] < options["hidden_size"])  # PyTorch itself refuses the rest
    check_recurrent(page, page.nn.LSTM, page.to_keras.lstm_to_keras, options, ["proj_size"] * (options["proj_size"] > 0))


@generated
@given(options=st.fixed_dictionaries(recurrent_options))
def test_gru_to_keras(page, options):
    check_recurrent(page, page.nn.GRU, page.to_keras.gru_to_keras, options, [])


@generated
@given(heads=st.integers(1, 3), head_dim=st.integers(1, 3), lengths=LENGTHS, options=st.fixed_dictionaries({
    "dropout": st.sampled_from([0.0, 0.3]),
    "bias": st.booleans(),
    "add_bias_kv": mostly(False, True),
    "add_zero_attn": mostly(False, True),
    "kdim": st.sampled_from([None, 2, 5]),
    "vdim": st.sampled_from([None, 3]),
    "batch_first": st.booleans(),
}))
def test_attention_to_keras(page, heads, head_dim, lengths, options):
    e = heads * head_dim
    mha = randomized(page, page.nn.MultiheadAttention(e, heads, **options)).eval()
    refused = [name for name in ("add_bias_kv", "add_zero_attn") if options[name]]
    refused += ["head size 1"] * (head_dim == 1 and options["bias"])
    twin = convert(page.to_keras.attention_to_keras, mha, refused)
    if twin is None:
        return
    q, k = inputs(2, lengths[0], e), inputs(2, lengths[1], options["kdim"] or e)
    v = inputs(2, lengths[1], options["vdim"] or e) * 2
    torch_inputs = [page.torch.from_numpy(a if options["batch_first"] else a.transpose(1, 0, 2).copy()) for a in (q, k, v)]
    out = mha(*torch_inputs, need_weights=False)[0]
    assert_agree(out if options["batch_first"] else out.transpose(0, 1), twin(q, v, key=k, training=False))
    if options["dropout"]:
        assert not np.allclose(numpy(twin(q, v, key=k, training=True)), numpy(twin(q, v, key=k, training=False)))


@generated
@given(chw=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)), out=st.integers(1, 4), bias=st.booleans())
def test_flatten_dense_to_keras(page, chw, out, bias):
    c, h, w = chw
    linear = randomized(page, page.nn.Linear(c * h * w, out, bias=bias))
    twin = convert(lambda layer: page.to_keras.flatten_dense_to_keras(layer, c, h, w), linear, [])
    x = inputs(2, c, h, w)
    assert_agree(linear(page.torch.from_numpy(x).flatten(1)), twin(x.transpose(0, 2, 3, 1).reshape(2, -1)))


# Keras layers to PyTorch (the TensorFlow tab's converters)

ACTIVATIONS = ["linear", "relu", "tanh", "sigmoid", "gelu", "silu", "softmax", "elu"]  # the last two: refused
CARRIED_ACTIVATIONS = ACTIVATIONS[:6]


def activation_refused(options) -> list[str]:
    return ["activation"] * (options["activation"] not in CARRIED_ACTIVATIONS)


@generated
@given(sizes=st.tuples(st.integers(1, 4), st.integers(1, 4)), options=st.fixed_dictionaries({
    "use_bias": st.booleans(),
    "activation": st.sampled_from(ACTIVATIONS),
    "kernel_regularizer": mostly(None, "l2"),
    "lora_rank": mostly(None, 2),
}))
def test_dense_to_linear(page, sizes, options):
    dense = keras_randomized(page.keras.layers.Dense(sizes[1], **options), (None, sizes[0]))
    refused = activation_refused(options) + [name for name in ("kernel_regularizer", "lora_rank") if options[name]]
    twin = convert(page.to_torch.dense_to_linear, dense, refused)
    if twin is not None:
        x = inputs(2, 3, sizes[0])
        assert_agree(dense(x), twin(page.torch.from_numpy(x)))


@generated_more
@given(options=st.fixed_dictionaries({
    "kernel_size": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "strides": st.tuples(st.integers(1, 2), st.integers(1, 2)),
    "padding": st.sampled_from(["valid", "same"]),
    "dilation_rate": st.tuples(st.integers(1, 2), st.integers(1, 2)),
    "groups": st.sampled_from([1, 1, 2]),
    "use_bias": st.booleans(),
    "activation": st.sampled_from(["linear", "relu", "gelu", "elu"]),
    "data_format": st.sampled_from(["channels_last", "channels_last", "channels_first"]),
}))
def test_conv2d_to_torch(page, options):
    assume(max(options["strides"]) == 1 or max(options["dilation_rate"]) == 1)  # Keras itself refuses both
    groups, last = options["groups"], options["data_format"] == "channels_last"
    layer = page.keras.layers.Conv2D(3 * groups, **options)
    x = inputs(2, 7, 8, 2 * groups) if last else inputs(2, 2 * groups, 7, 8)
    keras_randomized(layer, x.shape)
    refused = activation_refused(options) + ["padding"] * (options["padding"] == "same" and max(options["strides"]) > 1)
    twin = convert(page.to_torch.conv2d_to_torch, layer, refused)
    if twin is not None:  # TensorFlow runs NCHW convolutions on a CPU only when XLA compiles them
        keras_out = layer(x) if last else page.tf.function(layer, jit_compile=True)(x)
        torch_out = twin(page.torch.from_numpy(x.transpose(0, 3, 1, 2).copy() if last else x))
        assert_agree(keras_out, torch_out.permute(0, 2, 3, 1) if last else torch_out)


@generated
@given(options=st.fixed_dictionaries({
    "axis": st.sampled_from([-1, 3, 1] * 2 + [2]),
    "momentum": st.sampled_from([0.99, 0.9]),
    "epsilon": st.sampled_from([1e-3, 1e-5]),
    "center": st.booleans(),
    "scale": st.booleans(),
    "trainable": mostly(True, False),
    "renorm": mostly(False, True),
}))
def test_batchnorm_to_torch(page, options):
    x = inputs(4, 3, 5, 2)
    layer = keras_randomized(page.keras.layers.BatchNormalization(**options), x.shape)
    refused = ["axis"] * (options["axis"] == 2) + ["trainable"] * (not options["trainable"]) + ["renorm"] * options["renorm"]
    bn = convert(page.to_torch.batchnorm_to_torch, layer, refused)
    if bn is None:
        return
    last = options["axis"] in (-1, 3)
    x_t = page.torch.from_numpy(x.transpose(0, 3, 1, 2).copy() if last else x)

    def torch_out():
        out = bn(x_t)
        return out.permute(0, 2, 3, 1) if last else out

    assert_agree(layer(x, training=False), torch_out(), "inference outputs")
    bn.train()
    assert_agree(layer(x, training=True), torch_out(), "training outputs")
    assert_agree(layer.moving_mean, bn.running_mean, "moving means after a step")


@generated
@given(options=st.fixed_dictionaries({
    "axis": st.sampled_from([-1, 2, [-2, -1], [1, 2]] * 2 + [1, [1]]),  # of a (batch, 3, 4) input; the last two: refused
    "epsilon": st.sampled_from([1e-3, 1e-5]),
    "center": st.booleans(),
    "scale": st.booleans(),
    "beta_regularizer": mostly(None, "l2"),
}))
def test_layernorm_to_torch(page, options):
    layer = keras_randomized(page.keras.layers.LayerNormalization(**options), (None, 3, 4))
    refused = ["axis"] * (options["axis"] in (1, [1])) + ["beta_regularizer"] * bool(options["beta_regularizer"])
    ln = convert(page.to_torch.layernorm_to_torch, layer, refused)
    if ln is not None:
        x = inputs(2, 3, 4)
        assert_agree(layer(x), ln(page.torch.from_numpy(x)))


@generated
@given(sizes=st.tuples(st.integers(2, 8), st.integers(1, 4)), options=st.fixed_dictionaries({
    "mask_zero": mostly(False, True),
    "embeddings_regularizer": mostly(None, "l2"),
}))
def test_embedding_to_torch(page, sizes, options):
    layer = keras_randomized(page.keras.layers.Embedding(*sizes, **options), (None, 4))
    refused = [name for name, value in options.items() if value]
    emb = convert(page.to_torch.embedding_to_torch, layer, refused)
    if emb is not None:
        ids = np.random.default_rng(1).integers(0, sizes[0], size=(3, 4))
        assert_agree(layer(ids), emb(page.torch.from_numpy(ids)))


# Options of Keras's LSTM and GRU the page refuses, with their defaults; the others generated here are carried over.
RECURRENT_REFUSED = {"go_backwards": False, "dropout": 0.0, "recurrent_dropout": 0.0, "activation": "tanh", "reset_after": True}
keras_recurrent_options = {
    "units": st.integers(1, 4),
    "use_bias": st.booleans(),
    "return_sequences": st.booleans(),
    "return_state": st.booleans(),
    "unroll": st.booleans(),
    "go_backwards": mostly(False, True),
    "dropout": mostly(0.0, 0.5),
    "recurrent_dropout": mostly(0.0, 0.5),
    "activation": mostly("tanh", "relu"),
}


def check_keras_recurrent(page, keras_class, converter, options, bidirectional, merge_mode, states_per_direction):
    assume(not (bidirectional and options["go_backwards"]))  # Keras itself refuses it
    x = inputs(2, 4, 3)
    layer = keras_class(**options)
    if bidirectional:
        layer = page.keras.layers.Bidirectional(layer, merge_mode=merge_mode)
    keras_randomized(layer, x.shape)
    refused = [name for name, default in RECURRENT_REFUSED.items() if options.get(name, default) != default]
    refused += ["merge_mode"] * (bidirectional and merge_mode != "concat")
    rnn = convert(converter, layer, refused)
    if rnn is None:
        return
    keras_out = layer(x)
    keras_out = keras_out if options["return_state"] else [keras_out]
    sequence, states = rnn(page.torch.from_numpy(x))
    states = states if isinstance(states, tuple) else (states,)  # LSTM: (h, c); GRU: h; each (directions, batch, units)
    directions = 2 if bidirectional else 1
    last = np.concatenate([numpy(states[0][d]) for d in range(directions)], axis=-1)  # Keras's output without sequences
    assert_agree(keras_out[0], sequence if options["return_sequences"] else last)
    torch_states = [states[s][d] for d in range(directions) for s in range(states_per_direction)]
    assert len(keras_out) - 1 == (len(torch_states) if options["return_state"] else 0)
    for keras_state, torch_state in zip(keras_out[1:], torch_states):
        assert_agree(keras_state, torch_state, "states")


@generated
@given(options=st.fixed_dictionaries(keras_recurrent_options), bidirectional=st.booleans(),
       merge_mode=mostly("concat", "sum"))
def test_lstm_to_torch(page, options, bidirectional, merge_mode):
    check_keras_recurrent(page, page.keras.layers.LSTM, page.to_torch.lstm_to_torch, options, bidirectional, merge_mode, 2)


@generated
@given(options=st.fixed_dictionaries({**keras_recurrent_options, "reset_after": mostly(True, False)}),
       bidirectional=st.booleans(), merge_mode=mostly("concat", "sum"))
def test_gru_to_torch(page, options, bidirectional, merge_mode):
    check_keras_recurrent(page, page.keras.layers.GRU, page.to_torch.gru_to_torch, options, bidirectional, merge_mode, 1)


@generated
@given(heads=st.integers(1, 3), key_dim=st.integers(1, 3), query_splits=mostly(True, False), lengths=LENGTHS,
       kv_sizes=st.tuples(st.integers(1, 5), st.integers(1, 5)), options=st.fixed_dictionaries({
           "value_dim": mostly(None, 4),
           "dropout": st.sampled_from([0.0, 0.3]),
           "use_bias": st.booleans(),
           "output_shape": mostly(None, 7),
           "use_gate": mostly(False, True),
       }))
def test_attention_to_torch(page, heads, key_dim, query_splits, lengths, kv_sizes, options):
    e = heads * key_dim if query_splits else heads * key_dim + 1  # PyTorch needs E = heads x head_dim
    q, k, v = inputs(2, lengths[0], e), inputs(2, lengths[1], kv_sizes[0]), inputs(2, lengths[1], kv_sizes[1]) * 2
    layer = keras_randomized(page.keras.layers.MultiHeadAttention(heads, key_dim, **options), q.shape, v.shape, k.shape)
    refused = [name for name in ("value_dim", "output_shape", "use_gate") if options[name]] + ["key_dim"] * (not query_splits)
    refused += ["key_dim=1"] * (key_dim == 1 and options["use_bias"])
    mha = convert(page.to_torch.attention_to_torch, layer, refused)
    if mha is None:
        return
    q_t, k_t, v_t = map(page.torch.from_numpy, (q, k, v))
    assert_agree(layer(q, v, key=k), mha.eval()(q_t, k_t, v_t, need_weights=False)[0])
    if options["dropout"]:  # the twin drops out too, in training (random masks: only that it does is comparable)
        assert not np.allclose(numpy(mha.train()(q_t, k_t, v_t)[0]), numpy(layer(q, v, key=k)))


@generated
@given(hwc=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)), units=st.integers(1, 4),
       use_bias=st.booleans(), activation=st.sampled_from(["linear", "relu"]))
def test_flatten_dense_to_torch(page, hwc, units, use_bias, activation):
    h, w, c = hwc
    dense = keras_randomized(page.keras.layers.Dense(units, use_bias=use_bias, activation=activation), (None, h * w * c))
    twin = convert(lambda layer: page.to_torch.flatten_dense_to_torch(layer, h, w, c), dense, [])
    x = inputs(2, h, w, c)
    assert_agree(dense(x.reshape(2, -1)), twin(page.torch.from_numpy(x.transpose(0, 3, 1, 2).copy()).flatten(1)))


def built(layer, *shapes):
    layer.build(*shapes)
    return layer


# Every option the page says a converter refuses, one at a time, on a layer otherwise at its defaults (and for Keras a
# few more of the options the generic check refuses): the generated tests above meet each only by chance.
REFUSALS = [
    ("conv2d_to_keras", "padding_mode", lambda nn, layers: nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect")),
    ("conv2d_to_keras", "padding_mode", lambda nn, layers: nn.Conv2d(2, 3, 3, padding=1, padding_mode="replicate")),
    ("conv2d_to_keras", "padding_mode", lambda nn, layers: nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular")),
    ("conv2d_to_keras", "dilation", lambda nn, layers: nn.Conv2d(2, 3, 3, stride=2, dilation=2)),
    ("batchnorm2d_to_keras", "momentum", lambda nn, layers: nn.BatchNorm2d(3, momentum=None)),
    ("batchnorm2d_to_keras", "track_running_stats", lambda nn, layers: nn.BatchNorm2d(3, track_running_stats=False)),
    ("embedding_to_keras", "padding_idx", lambda nn, layers: nn.Embedding(5, 3, padding_idx=0)),
    ("embedding_to_keras", "max_norm", lambda nn, layers: nn.Embedding(5, 3, max_norm=1.0)),
    ("embedding_to_keras", "scale_grad_by_freq", lambda nn, layers: nn.Embedding(5, 3, scale_grad_by_freq=True)),
    ("lstm_to_keras", "proj_size", lambda nn, layers: nn.LSTM(3, 4, proj_size=2)),
    ("attention_to_keras", "add_bias_kv", lambda nn, layers: nn.MultiheadAttention(4, 2, add_bias_kv=True)),
    ("attention_to_keras", "add_zero_attn", lambda nn, layers: nn.MultiheadAttention(4, 2, add_zero_attn=True)),
    ("attention_to_keras", "head size 1", lambda nn, layers: nn.MultiheadAttention(3, 3)),
    ("dense_to_linear", "activation", lambda nn, layers: built(layers.Dense(3, activation="softmax"), (None, 2))),
    ("dense_to_linear", "kernel_regularizer", lambda nn, layers: built(layers.Dense(3, kernel_regularizer="l2"), (None, 2))),
    ("dense_to_linear", "bias_constraint", lambda nn, layers: built(layers.Dense(3, bias_constraint="non_neg"), (None, 2))),
    ("dense_to_linear", "activity_regularizer", lambda nn, layers: built(layers.Dense(3, activity_regularizer="l1"), (None, 2))),
    ("dense_to_linear", "lora_rank", lambda nn, layers: built(layers.Dense(3, lora_rank=2), (None, 2))),
    ("dense_to_linear", "dtype", lambda nn, layers: built(layers.Dense(3, dtype="float64"), (None, 2))),
    ("conv2d_to_torch", "padding", lambda nn, layers: built(layers.Conv2D(3, 3, strides=2, padding="same"), (None, 8, 8, 2))),
    ("conv2d_to_torch", "activation", lambda nn, layers: built(layers.Conv2D(3, 3, activation="elu"), (None, 8, 8, 2))),
    ("conv2d_to_torch", "kernel_constraint", lambda nn, layers: built(layers.Conv2D(3, 3, kernel_constraint="max_norm"), (None, 8, 8, 2))),
    ("batchnorm_to_torch", "axis", lambda nn, layers: built(layers.BatchNormalization(axis=2), (None, 4, 5, 3))),
    ("batchnorm_to_torch", "trainable", lambda nn, layers: built(layers.BatchNormalization(trainable=False), (None, 4, 5, 3))),
    ("batchnorm_to_torch", "renorm", lambda nn, layers: built(layers.BatchNormalization(renorm=True), (None, 4, 5, 3))),
    ("batchnorm_to_torch", "synchronized", lambda nn, layers: built(layers.BatchNormalization(synchronized=True), (None, 4, 5, 3))),
    ("batchnorm_to_torch", "gamma_regularizer", lambda nn, layers: built(layers.BatchNormalization(gamma_regularizer="l2"), (None, 4, 5, 3))),
    ("layernorm_to_torch", "axis", lambda nn, layers: built(layers.LayerNormalization(axis=1), (None, 3, 4))),
    ("layernorm_to_torch", "gamma_constraint", lambda nn, layers: built(layers.LayerNormalization(gamma_constraint="unit_norm"), (None, 3, 4))),
    ("embedding_to_torch", "mask_zero", lambda nn, layers: built(layers.Embedding(5, 3, mask_zero=True), (None, 4))),
    ("embedding_to_torch", "embeddings_constraint", lambda nn, layers: built(layers.Embedding(5, 3, embeddings_constraint="unit_norm"), (None, 4))),
    ("embedding_to_torch", "lora_rank", lambda nn, layers: built(layers.Embedding(5, 3, lora_rank=2), (None, 4))),
    ("lstm_to_torch", "go_backwards", lambda nn, layers: built(layers.LSTM(4, go_backwards=True), (None, 5, 3))),
    ("lstm_to_torch", "dropout", lambda nn, layers: built(layers.LSTM(4, dropout=0.5), (None, 5, 3))),
    ("lstm_to_torch", "recurrent_dropout", lambda nn, layers: built(layers.LSTM(4, recurrent_dropout=0.5), (None, 5, 3))),
    ("lstm_to_torch", "activation", lambda nn, layers: built(layers.LSTM(4, activation="relu"), (None, 5, 3))),
    ("lstm_to_torch", "recurrent_activation", lambda nn, layers: built(layers.LSTM(4, recurrent_activation="hard_sigmoid"), (None, 5, 3))),
    ("lstm_to_torch", "stateful", lambda nn, layers: built(layers.LSTM(4, stateful=True), (2, 5, 3))),
    ("lstm_to_torch", "merge_mode", lambda nn, layers: built(layers.Bidirectional(layers.LSTM(4), merge_mode="sum"), (None, 5, 3))),
    ("lstm_to_torch", "backward_layer", lambda nn, layers: built(layers.Bidirectional(
        layers.LSTM(4), backward_layer=layers.LSTM(3, go_backwards=True)), (None, 5, 3))),
    ("gru_to_torch", "reset_after", lambda nn, layers: built(layers.GRU(4, reset_after=False), (None, 5, 3))),
    ("gru_to_torch", "recurrent_activation", lambda nn, layers: built(layers.GRU(4, recurrent_activation="relu"), (None, 5, 3))),
    ("attention_to_torch", "value_dim", lambda nn, layers: built(layers.MultiHeadAttention(2, 4, value_dim=3), (None, 3, 8), (None, 3, 8))),
    ("attention_to_torch", "key_dim", lambda nn, layers: built(layers.MultiHeadAttention(2, 3), (None, 3, 8), (None, 3, 8))),
    ("attention_to_torch", "key_dim=1", lambda nn, layers: built(layers.MultiHeadAttention(3, 1), (None, 3, 3), (None, 3, 3))),
    ("attention_to_torch", "output_shape", lambda nn, layers: built(layers.MultiHeadAttention(2, 4, output_shape=5), (None, 3, 8), (None, 3, 8))),
    ("attention_to_torch", "use_gate", lambda nn, layers: built(layers.MultiHeadAttention(2, 4, use_gate=True), (None, 3, 8), (None, 3, 8))),
    ("attention_to_torch", "sliding_window", lambda nn, layers: built(layers.MultiHeadAttention(2, 4, sliding_window=2), (None, 3, 8), (None, 3, 8))),
    ("attention_to_torch", "attention_axes", lambda nn, layers: built(layers.MultiHeadAttention(2, 4, attention_axes=2),
                                                                      (None, 3, 5, 8), (None, 3, 5, 8))),
]


@pytest.mark.parametrize(("converter", "option", "make"), REFUSALS, ids=[f"{c}-{o}" for c, o, _ in REFUSALS])
def test_refuses(page, converter, option, make):
    function = getattr(page.to_keras if converter.endswith("_keras") else page.to_torch, converter)
    with pytest.raises(ValueError, match=option):
        function(make(page.nn, page.keras.layers))


def test_load_runs_nothing_else(page):
    """`load` keeps definitions only: the programs' demonstrations (the layers they build) are not in the namespace."""
    assert callable(page.to_keras.conv2d_to_keras) and callable(page.to_torch.conv2d_to_torch)
    for namespace in (page.to_keras, page.to_torch):
        assert not {"linear", "dense", "diffs", "model", "child"} & set(vars(namespace))
