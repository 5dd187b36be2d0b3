# --8<-- [start:seed]
import math
import random

import keras
import numpy as np
import tensorflow as tf


def draw():
    return random.random(), np.random.rand(), tf.random.uniform([3]).numpy().tolist()


keras.utils.set_random_seed(0)  # Python, NumPy and TensorFlow in one call
first = draw()
keras.utils.set_random_seed(0)
second = draw()
print("same numbers twice:", first == second)
# --8<-- [end:seed]

# --8<-- [start:shuffle]
numbers = tf.data.Dataset.range(10)


def one_epoch(seed):
    shuffled = numbers.shuffle(buffer_size=10, seed=seed).batch(5)
    return [batch.numpy().tolist() for batch in shuffled]


print("order:", one_epoch(seed=0))
print("same order twice:", one_epoch(seed=0) == one_epoch(seed=0))
# --8<-- [end:shuffle]

# --8<-- [start:init]
keras.utils.set_random_seed(0)
layer = keras.layers.Dense(32)
layer.build((None, 64))

print("first biases:", [round(v, 3) for v in layer.bias.numpy()[:4].tolist()])
print(f"uniform limit sqrt(6 / (64 + 32)): {math.sqrt(6 / (64 + 32)):.3f}")
print(f"largest |weight|: {np.abs(layer.kernel.numpy()).max():.3f}")
print(f"weight std: {layer.kernel.numpy().std(ddof=1):.3f}")
print(type(layer.kernel_initializer).__name__, type(layer.bias_initializer).__name__)
# --8<-- [end:init]

# --8<-- [start:adam]
adam = keras.optimizers.Adam()
print(f"learning rate: {float(adam.learning_rate):g}, eps: {adam.epsilon:g}")
# --8<-- [end:adam]

# --8<-- [start:batch-size]
rng = np.random.default_rng(0)
x = rng.normal(size=(100, 3)).astype("float32")
y = (x @ np.array([[1.5], [-2.0], [0.5]]) + 0.1 * rng.normal(size=(100, 1))).astype("float32")

probe = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
probe.compile(optimizer="sgd", loss="mse")
probe.fit(x, y, epochs=1, verbose=0)  # no batch_size given
print("default batch size -> steps per epoch:", int(probe.optimizer.iterations))
# --8<-- [end:batch-size]

# --8<-- [start:match]
init = np.random.default_rng(1)  # the same starting weights in both tabs
w1 = init.uniform(-0.5, 0.5, size=(3, 8)).astype("float32")  # (inputs, outputs)
w2 = init.uniform(-0.5, 0.5, size=(8, 1)).astype("float32")

model = keras.Sequential(
    [keras.Input(shape=(3,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
)
model.set_weights([w1, np.zeros(8, "float32"), w2, np.zeros(1, "float32")])  # Keras stores (inputs, outputs)

model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
history = model.fit(x, y, batch_size=100, epochs=20, shuffle=False, verbose=0)  # full batch
losses = history.history["loss"]

shown = losses[::5] + losses[-1:]
print("loss at steps 0, 5, 10, 15, 19:", " ".join(f"{loss:.4f}" for loss in shown))
# --8<-- [end:match]

# --8<-- [start:order]
a, b, c = tf.unstack(tf.constant([1e8, -1e8, 1.0]))  # float32

print("(a + b) + c =", float((a + b) + c))
print("a + (b + c) =", float(a + (b + c)))
# --8<-- [end:order]

# --8<-- [start:deterministic]
tf.config.experimental.enable_op_determinism()  # error out rather than run a nondeterministic kernel

totals = tf.zeros(4)
index = tf.random.uniform([1000], maxval=4, dtype=tf.int32)
values = tf.random.uniform([1000])
result_1 = tf.tensor_scatter_nd_add(totals, index[:, None], values)
result_2 = tf.tensor_scatter_nd_add(totals, index[:, None], values)
print("same result twice:", bool(tf.reduce_all(result_1 == result_2)))
# --8<-- [end:deterministic]

# --8<-- [start:exercise-same-seed]
def build(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [keras.Input(shape=(4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)]
    )


def same_weights(model_a, model_b):
    return all(np.array_equal(a, b) for a, b in zip(model_a.get_weights(), model_b.get_weights()))


print("seed 0 twice, same weights:", same_weights(build(0), build(0)))
print("seed 0 and seed 1, same weights:", same_weights(build(0), build(1)))
# --8<-- [end:exercise-same-seed]

# --8<-- [start:exercise-epochs]
def two_epochs(seed):
    dataset = tf.data.Dataset.range(8).shuffle(buffer_size=8, seed=seed).batch(8)  # reshuffles each epoch
    return [batch.numpy().tolist() for _ in range(2) for batch in dataset]


first_run = two_epochs(seed=3)
tf.random.uniform([100])  # the rest of the program draws random numbers in between
second_run = two_epochs(seed=3)
print("epoch 1 and epoch 2 differ:", first_run[0] != first_run[1])
print("same two epochs again:", first_run == second_run)
# --8<-- [end:exercise-epochs]
