# --8<-- [start:model]
import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.standard_normal((256, 512)).astype(np.float32)
y = rng.integers(0, 10, size=256)

model = keras.Sequential([
    keras.Input(shape=(512,)),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(10),
])
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.SGD(learning_rate=0.01)
print(f"parameters: {model.count_params():,}")
print("batch:", x.shape)
# --8<-- [end:model]

# --8<-- [start:profile]
import tempfile
from pathlib import Path

from tensorflow.tsl.profiler.protobuf import xplane_pb2


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        with tf.name_scope("forward"):  # the ops made here get names that start with "forward/"
            loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)  # these start with "gradient_tape/"
    with tf.name_scope("update"):
        optimizer.apply_gradients(zip(grads, model.trainable_variables))


for _ in range(2):  # trace and warm up outside the profile
    train_step(x, y)
with tempfile.TemporaryDirectory() as logdir:
    with tf.profiler.experimental.Profile(logdir):
        for step in range(10):
            with tf.profiler.experimental.Trace("train", step_num=step, _r=1):  # marks one step
                train_step(x, y)
    trace_file, = Path(logdir).glob("plugins/profile/*/*.xplane.pb")  # a folder per run
    space = xplane_pb2.XSpace.FromString(trace_file.read_bytes())
folders = trace_file.relative_to(logdir).parent.parent.as_posix()
print("trace file:", f"{folders}/<date_time>/<host>.xplane.pb")
print("planes:", [plane.name for plane in space.planes])
# --8<-- [end:profile]

# --8<-- [start:slowest-op]
from collections import Counter

host = next(plane for plane in space.planes if plane.name == "/host:CPU")
time_by_type, calls_by_type, time_by_name = Counter(), Counter(), Counter()
for line in host.lines:  # a line per thread
    for event in line.events:
        meta = host.event_metadata[event.metadata_id]
        if meta.display_name:  # an op: name "forward/.../MatMul:MatMul", display name its type
            time_by_type[meta.display_name] += event.duration_ps
            calls_by_type[meta.display_name] += 1
            time_by_name[meta.name] += event.duration_ps

slowest, _ = time_by_type.most_common(1)[0]
print("slowest op:", slowest, "| calls per step:", calls_by_type[slowest] // 10)
# --8<-- [end:slowest-op]

# --8<-- [start:regions]
regions = Counter()
for name, picoseconds in time_by_name.items():
    scope = name.split("/")[0]
    regions[{"gradient_tape": "backward"}.get(scope, scope)] += picoseconds
print("regions:", sorted(regions))
print("slowest region:", regions.most_common(1)[0][0])
# --8<-- [end:regions]

# --8<-- [start:retracing]
traces = []


@tf.function
def scale(v, factor):
    traces.append(factor)  # plain Python: runs only while tf.function traces
    return v * factor


v = tf.constant([1.0, -1.0, 2.0])
for factor in (1.0, 2.0, 3.0):
    scale(v, factor)
print("traces:", len(traces), "| tracing count:", scale.experimental_get_tracing_count())
signatures = scale.pretty_printed_concrete_signatures()  # one per trace: why it traced again
print([line.strip() for line in signatures.splitlines() if line.strip().startswith("factor")])
# --8<-- [end:retracing]

# --8<-- [start:signature]
@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32),
                              tf.TensorSpec(shape=[], dtype=tf.float32)])
def strict_scale(v, factor):
    return v * factor


for factor in (1.0, 2.0, 3.0):
    strict_scale(v, factor)  # the float becomes a float32 tensor: no new trace
print("tracing count:", strict_scale.experimental_get_tracing_count())
try:
    strict_scale(tf.ones((2, 2)), 2.0)
except TypeError as err:
    print(type(err).__name__, "-", str(err).split(" Received")[0])
# --8<-- [end:signature]

# --8<-- [start:fix]
traces.clear()
for factor in (1.0, 2.0, 3.0):
    scale(v, tf.constant(factor))  # a tensor: its value is not part of the trace
print("traces with tensor factors:", len(traces))


@tf.function(reduce_retracing=True)
def halve(v):
    traces.append(v.shape)
    return v / 2


traces.clear()
for n in (3, 5, 7, 9):
    halve(tf.zeros(n))
print("traces for 4 lengths:", len(traces), "| shapes traced:", [s.as_list() for s in traces])
# --8<-- [end:fix]

# --8<-- [start:xla]
def scaled_relu_sum(v):
    return tf.reduce_sum(tf.nn.relu(v * 2 + 1))


graph_version = tf.function(scaled_relu_sum)
xla_version = tf.function(scaled_relu_sum, jit_compile=True)  # compiled by XLA
w = tf.linspace(-1.0, 1.0, 8)
graph = graph_version.get_concrete_function(w).graph
inputs_and_outputs = ("Placeholder", "Const", "Identity")
print("graph ops:", [op.type for op in graph.get_operations() if op.type not in inputs_and_outputs])
hlo = xla_version.experimental_get_compiler_ir(w)(stage="optimized_hlo")  # what XLA made of it
fused = [part for part in hlo.split("\n\n") if part.startswith("%fused_computation")]
print("XLA fused multiply, add and ReLU into one loop:",
      any(all(f" {op}(" in part for op in ("multiply", "add", "maximum")) for part in fused))
print("same result:", np.isclose(float(graph_version(w)), float(xla_version(w))))
# --8<-- [end:xla]
