# --8<-- [start:devices]
import numpy as np
import tensorflow as tf

gpus = tf.config.list_physical_devices("GPU")  # an empty list on a machine without one
for gpu in gpus:  # must run before anything touches a GPU, or TensorFlow raises RuntimeError
    tf.config.experimental.set_memory_growth(gpu, True)
print("memory growth on for every GPU:", all(tf.config.experimental.get_memory_growth(gpu) for gpu in gpus))
print("CPU devices:", len(tf.config.list_physical_devices("CPU")))
on_gpu = "GPU" in tf.constant(1.0).device  # the first operation starts the GPUs
print("uses a GPU exactly when one is there:", on_gpu == bool(gpus))
# --8<-- [end:devices]

# --8<-- [start:placement]
import keras

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3)]
)
batch = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")  # NumPy: CPU memory
out = model(batch)  # Keras copies the batch to where the weights are
print("weights and output on one device:", {w.value.device for w in model.weights} == {out.device})
result = out.numpy()  # copied back to CPU memory
print("back in NumPy:", result.shape, result.dtype)
with tf.device("/CPU:0"):  # pin the work inside the block to the CPU
    cpu_out = model(batch)
print("on the CPU when asked:", cpu_out.device.endswith("CPU:0"))
# --8<-- [end:placement]

# --8<-- [start:memory]
def make_mlp():
    return keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(256), keras.layers.ReLU(),
        keras.layers.Dense(256), keras.layers.ReLU(),
        keras.layers.Dense(10),
    ])


mlp = make_mlp()
n_weights = mlp.count_params()
print(f"weights: {n_weights:,} floats, {n_weights * 4 / 1e6:.2f} MB")
print(f"weights + gradients + Adam's two moments: {4 * n_weights * 4 / 1e6:.2f} MB, whatever the batch size")
probe = keras.Model(mlp.inputs[0], [layer.output for layer in mlp.layers])  # every layer's output
for batch_size in (1024, 512, 256):
    outputs = probe(np.zeros((batch_size, 64), dtype="float32"))
    print(f"batch {batch_size}: layer outputs {sum(o.numpy().nbytes for o in outputs) / 1e6:.2f} MB")
# --8<-- [end:memory]

# --8<-- [start:no-grad]
x = np.zeros((1024, 64), dtype="float32")
with tf.GradientTape() as tape:  # only a tape records what a backward pass needs
    total = tf.reduce_sum(mlp(x, training=True))
grads = tape.gradient(total, mlp.trainable_variables)
print("inside a tape: gradients", grads[0] is not None)
out = mlp(x, training=False)  # no tape: nothing is kept for a backward pass
preds = mlp.predict(x, batch_size=128, verbose=0)  # 8 batches of 128, one at a time
print("predict in batches of 128:", preds.shape)
# --8<-- [end:no-grad]

# --8<-- [start:item]
keras.utils.set_random_seed(0)
mlp = make_mlp()
optimizer = keras.optimizers.SGD(learning_rate=0.1)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
rng = np.random.default_rng(0)
X = rng.normal(size=(96, 64)).astype("float32")
y = rng.integers(0, 10, size=96)
logged = []
for xb, yb in zip(np.split(X, 3), np.split(y, 3)):
    with tf.GradientTape() as tape:
        loss = loss_fn(yb, mlp(xb, training=True))
    grads = tape.gradient(loss, mlp.trainable_variables)  # the tape lets go of what it recorded
    optimizer.apply_gradients(zip(grads, mlp.trainable_variables))
    logged.append(float(loss))  # a Python float
print("logged:", type(logged[0]).__name__, [round(v, 3) for v in logged])
try:
    tape.gradient(loss, mlp.trainable_variables)
except RuntimeError as err:
    print(err)
# --8<-- [end:item]

# --8<-- [start:accumulation]
rng = np.random.default_rng(0)
W = rng.normal(size=(6, 3)).astype("float32")  # the same starting weights in both frameworks
xs = rng.normal(size=(8, 6)).astype("float32")
ys = rng.integers(0, 3, size=8)
linear = keras.layers.Dense(3)
linear.build((None, 6))
linear.set_weights([W, np.zeros(3, dtype="float32")])  # Keras stores (in, out)


def gradient(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, linear(x))
    return tape.gradient(loss, linear.kernel)


one_batch = gradient(xs, ys)
two_batches = sum(gradient(x_half, y_half) / 2 for x_half, y_half in zip(np.split(xs, 2), np.split(ys, 2)))

print(f"one batch of 8:              gradient norm {tf.norm(one_batch):.4f}")
print(f"two batches of 4, added up:  gradient norm {tf.norm(two_batches):.4f}")
print("same gradient:", np.allclose(one_batch, two_batches, atol=1e-6))
# --8<-- [end:accumulation]

# --8<-- [start:exercise-device-helper]
def best_device():
    return "/GPU:0" if tf.config.list_physical_devices("GPU") else "/CPU:0"


def device_type(name):
    return tf.DeviceSpec.from_string(name).device_type  # "GPU" or "CPU", from either form of the name


target = best_device()
keras.utils.set_random_seed(0)
with tf.device(target):  # weights and tensors made inside the block live on that device
    net = keras.Sequential(
        [keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3)]
    )
    data = {
        "features": tf.constant(np.random.default_rng(0).normal(size=(5, 4)).astype("float32")),
        "labels": tf.constant([0, 2, 1, 1, 0]),
    }
print("parameters checked:", len(net.weights))
print("every parameter on the device:", all(device_type(w.value.device) == device_type(target) for w in net.weights))
print("every batch tensor on the device:", all(device_type(t.device) == device_type(target) for t in data.values()))
print("output shape:", tuple(net(data["features"]).shape))
# --8<-- [end:exercise-device-helper]

# --8<-- [start:exercise-parameter-bytes]
small = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(256, activation="relu", dtype="bfloat16"),
    keras.layers.Dense(10, dtype="bfloat16"),
])
by_hand = (64 * 256 + 256) + (256 * 10 + 10)  # each Dense: a kernel matrix and a bias
bytes_per_number = 2  # bfloat16: 16 bits
print(f"by hand:   {by_hand:,} numbers x {bytes_per_number} bytes = {by_hand * bytes_per_number:,} bytes")
counted = small.count_params()
counted_bytes = sum(int(np.prod(w.shape)) * tf.as_dtype(w.dtype).size for w in small.weights)
print(f"framework: {counted:,} numbers, {counted_bytes:,} bytes")
print("match:", counted_bytes == by_hand * bytes_per_number)
# --8<-- [end:exercise-parameter-bytes]
