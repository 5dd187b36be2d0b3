# --8<-- [start:threads]
import tensorflow as tf

tf.config.threading.set_intra_op_parallelism_threads(2)  # before TensorFlow runs anything
tf.config.threading.set_inter_op_parallelism_threads(1)
print("intra-op threads:", tf.config.threading.get_intra_op_parallelism_threads())
print("inter-op threads:", tf.config.threading.get_inter_op_parallelism_threads())
# --8<-- [end:threads]

# --8<-- [start:models]
import keras

keras.utils.set_random_seed(0)
mlp = keras.Sequential(
    [keras.Input(shape=(784,)), keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10)]
)
cnn = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(10),
    ]
)
print(f"MLP parameters: {mlp.count_params():,}")
print(f"CNN parameters: {cnn.count_params():,}")
# --8<-- [end:models]

# --8<-- [start:step]
import numpy as np

rng = np.random.default_rng(0)
x = tf.constant(rng.standard_normal((64, 784)).astype(np.float32))
y = tf.constant(rng.integers(0, 10, size=64))
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.SGD(learning_rate=0.01)


def train_step():
    with tf.GradientTape() as tape:
        loss = loss_fn(y, mlp(x, training=True))
    grads = tape.gradient(loss, mlp.trainable_variables)
    optimizer.apply(grads, mlp.trainable_variables)
    return loss


print(f"loss in the first step: {float(train_step()):.3f}")  # float() waits for the result
# --8<-- [end:step]

# --8<-- [start:timing]
import statistics
import time


def time_steps(step, warmup=5, repeat=20):
    for _ in range(warmup):  # not timed: the first calls pay for one-off set-up
        step()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        float(step())  # converting the loss waits until the step has finished
        times.append(time.perf_counter() - start)
    return times


times = time_steps(train_step)
median_ms = statistics.median(times) * 1000  # the number to report
print("timed steps:", len(times))
print(f"loss after 1 + 5 + 20 steps: {float(loss_fn(y, mlp(x))):.3f}")
# --8<-- [end:timing]

# --8<-- [start:first-call]
graph_step = tf.function(train_step)
print("graphs after wrapping:", graph_step.experimental_get_tracing_count())
graph_step()
print("graphs after the first call:", graph_step.experimental_get_tracing_count())
for _ in range(10):
    graph_step()
print("graphs after 10 more calls:", graph_step.experimental_get_tracing_count())
# --8<-- [end:first-call]

# --8<-- [start:baseline]
baseline = keras.models.clone_model(mlp)
baseline.compile(optimizer="sgd", loss=loss_fn, jit_compile=False)  # the fair baseline
with_xla = keras.models.clone_model(mlp)
with_xla.compile(optimizer="sgd", loss=loss_fn, jit_compile=True)
default = keras.models.clone_model(mlp)
default.compile(optimizer="sgd", loss=loss_fn)  # jit_compile="auto"
print("baseline uses XLA:", baseline.jit_compile)
print("with_xla uses XLA:", with_xla.jit_compile)
has_gpu = bool(tf.config.list_physical_devices("GPU"))
print("default uses XLA exactly when there is a GPU:", default.jit_compile == has_gpu)
# --8<-- [end:baseline]
