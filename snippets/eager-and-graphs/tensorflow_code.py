# --8<-- [start:eager]
import sys

import tensorflow as tf

print(tf.executing_eagerly())
x = tf.constant([1.0, 2.0, 3.0])
y = x * x + 1  # computed right now: y holds numbers, not a plan
print(y.numpy().tolist())
if tf.reduce_sum(y) > 10:  # plain Python can look at the values
    print("sum is above 10:", tf.reduce_sum(y).numpy())
# --8<-- [end:eager]

# --8<-- [start:wrap]
def affine(x):
    return 3 * x + 1


graph_affine = tf.function(affine)
print(graph_affine(x).numpy().tolist())
print(bool(tf.reduce_all(graph_affine(x) == affine(x))))
# --8<-- [end:wrap]

# --8<-- [start:print-once]
@tf.function
def double_plus_one(x):
    y = x * 2
    print("Python print, y.shape =", tuple(y.shape))
    tf.print("tf.print, y =", y, output_stream=sys.stdout)
    return y + 1


for value in [1.0, 2.0, 3.0]:
    print(double_plus_one(tf.constant([value])).numpy().tolist())
print("traces:", double_plus_one.experimental_get_tracing_count())
# --8<-- [end:print-once]

# --8<-- [start:retracing]
traces = []  # the Python body appends here only while tracing


@tf.function
def scale(x, factor):
    traces.append(factor)
    return x * factor + 1


scale(tf.ones(3), 2.0)
scale(tf.zeros(3), 2.0)
print("same shape, same float:", len(traces))
scale(tf.zeros(5), 2.0)
print("new shape:", len(traces))
scale(tf.zeros(5), 3.0)
print("new Python float:", len(traces))
scale(tf.zeros(5), tf.constant(4.0))
scale(tf.zeros(5), tf.constant(5.0))
print("two tensor factors:", len(traces))
print("tracing count:", scale.experimental_get_tracing_count())
# --8<-- [end:retracing]

# --8<-- [start:signature]
@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def halve(x):
    return x / 2


for n in [3, 5, 7]:
    halve(tf.zeros(n))
print("traces for 3 lengths:", halve.experimental_get_tracing_count())
try:
    halve(tf.zeros(3, dtype=tf.int32))
except TypeError as err:
    print(type(err).__name__, str(err).split(" Received")[0])
# --8<-- [end:signature]

# --8<-- [start:autograph]
@tf.function
def sign_and_sum(x):
    if tf.reduce_sum(x) > 0:  # a tensor condition: becomes a graph op
        y = x * 2
    else:
        y = -x
    total = tf.constant(0.0)
    for i in tf.range(3):  # a loop over a tensor: becomes a graph op
        total += tf.cast(i, tf.float32)
    return y, total


print(sign_and_sum(tf.ones(2))[0].numpy().tolist(), sign_and_sum(-tf.ones(2))[0].numpy().tolist())
print("traces:", sign_and_sum.experimental_get_tracing_count())
graph = sign_and_sum.get_concrete_function(tf.TensorSpec([2], tf.float32)).graph
print(sorted({op.type for op in graph.get_operations() if "If" in op.type or "While" in op.type}))
# --8<-- [end:autograph]

# --8<-- [start:model]
import keras

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)]
)
graph_model = tf.function(model)
batch = tf.random.normal((16, 4))
print(tuple(graph_model(batch).shape))
print(bool(tf.reduce_all(tf.abs(graph_model(batch) - model(batch)) < 1e-6)))
# --8<-- [end:model]

# --8<-- [start:xla]
def compiled_model():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")  # jit_compile="auto", the default
    return model


print("physical devices:", [d.device_type for d in tf.config.list_physical_devices()])
outside = compiled_model()
print("outside a strategy: jit_compile", outside.jit_compile, "| strategy", type(outside.distribute_strategy).__name__)
with tf.distribute.OneDeviceStrategy("/cpu:0").scope():
    inside = compiled_model()
print("inside a strategy:  jit_compile", inside.jit_compile, "| strategy", type(inside.distribute_strategy).__name__)
# --8<-- [end:xla]

# --8<-- [start:debug]
tf.config.run_functions_eagerly(True)  # tf.function bodies now run as plain Python
print(double_plus_one(tf.constant([4.0])).numpy().tolist())
tf.config.run_functions_eagerly(False)
# --8<-- [end:debug]

# --8<-- [start:exercise-count-retracing]
@tf.function
def sgd_update(weights, gradient, lr):
    return weights - lr * gradient


batch_sizes = [4, 4, 4, 2]  # three full batches and a smaller last one
for lr in [0.1, 0.05]:  # a Python float, halved after the first epoch
    for n in batch_sizes:
        sgd_update(tf.ones(n), tf.ones(n), lr)
print("Python float lr, 2 epochs:", sgd_update.experimental_get_tracing_count())


@tf.function
def sgd_update_tensor_lr(weights, gradient, lr):  # the same body, traced afresh
    return weights - lr * gradient


for lr in [0.1, 0.05]:
    for n in batch_sizes:
        sgd_update_tensor_lr(tf.ones(n), tf.ones(n), tf.constant(lr))
print("tensor lr, 2 epochs:", sgd_update_tensor_lr.experimental_get_tracing_count())
# --8<-- [end:exercise-count-retracing]

# --8<-- [start:exercise-branch]
@tf.function
def double_or_negate(x):
    return tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2, lambda: -x)  # a graph conditional


inputs = [tf.ones(2), -tf.ones(2), tf.constant([3.0, -1.0]), tf.constant([-3.0, 1.0])]
same = all(bool(tf.reduce_all(double_or_negate(x) == sign_and_sum(x)[0])) for x in inputs)
print("same as the if version:", same)
print("traces:", double_or_negate.experimental_get_tracing_count())
# --8<-- [end:exercise-branch]
