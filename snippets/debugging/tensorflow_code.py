# --8<-- [start:setup]
import re

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)


def show(err):
    """Print the error's type and the first line of its message, word for word."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(err))  # Keras bolds the key line with terminal codes
    lines = [line for line in text.splitlines() if line.strip()]
    print(f"{type(err).__name__}: {lines[0].strip()}")
    if lines[0].startswith("Exception encountered when calling"):
        print("   ", lines[1].strip())  # Keras wraps the real message: show its first line too
# --8<-- [end:setup]

# --8<-- [start:linear-shape]
model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(128, name="hidden")])
x = np.zeros((2, 783), "float32")  # one pixel short: 783 features instead of 784
try:
    model(x)
except ValueError as err:
    show(err)

x = np.zeros((2, 784), "float32")  # the fix: give the model the width it was built for
print("fixed:", tuple(model(x).shape))
# --8<-- [end:linear-shape]

# --8<-- [start:single-image]
cnn = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),  # height, width, channels (NHWC)
    keras.layers.Conv2D(8, 3, name="conv"),  # 28x28 -> 26x26
    keras.layers.Flatten(),
    keras.layers.Dense(10),
])
image = np.zeros((28, 28, 1), "float32")  # one image, no batch axis
try:
    cnn.get_layer("conv")(image)
except ValueError as err:
    show(err)

batch = image[np.newaxis]  # the fix: add the batch axis -> (1, 28, 28, 1)
print("fixed:", tuple(cnn(batch).shape))
# --8<-- [end:single-image]

# --8<-- [start:channel-axis]
images = np.zeros((16, 28, 28), "float32")  # 16 grey images, channel axis forgotten
print("no channel axis:", tuple(cnn(images).shape))  # the model adds the missing axis

try:
    cnn(image)  # one image, no batch axis: the model adds an axis at the end
except Exception as err:
    print(type(err).__name__ + ", message ends with:", str(err).splitlines()[-1].strip())
# --8<-- [end:channel-axis]

# --8<-- [start:dtype-inputs]
features = np.random.default_rng(0).normal(size=(2, 784))  # NumPy's default: float64
print("NumPy dtype:", features.dtype)
print("Keras model:", tuple(model(features).shape), model(features).dtype)  # cast for you

try:
    tf.ones((2, 784)) + tf.constant(features)  # raw TensorFlow ops never cast
except tf.errors.InvalidArgumentError as err:
    show(err)

x = tf.constant(features, dtype=tf.float32)  # the fix, or tf.cast(t, tf.float32)
print("fixed:", (tf.ones((2, 784)) + x).dtype)
# --8<-- [end:dtype-inputs]

# --8<-- [start:dtype-labels]
logits = np.array([[2.0, 0.5, -1.0], [0.1, 1.5, 0.3], [0.0, 0.2, 2.5], [1.0, 1.0, 0.0]], "float32")
labels = np.array([0, 1, 2, 1])  # class indices: int64

sparse = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
print("float class indices:", f"{float(sparse(labels.astype('float32'), logits)):.4f}")
binary = keras.losses.BinaryCrossentropy(from_logits=True)
print("int 0/1 targets:", f"{float(binary(np.array([1, 0, 0, 1]), logits[:, 0])):.4f}")
# --8<-- [end:dtype-labels]

# --8<-- [start:one-hot]
categorical = keras.losses.CategoricalCrossentropy(from_logits=True)
one_hot = keras.utils.to_categorical(labels, num_classes=3)  # float32, shape (4, 3)
try:
    sparse(one_hot, logits)  # the sparse loss wants class indices
except ValueError as err:
    show(err)

try:
    categorical(labels, logits)  # the categorical loss wants one-hot rows
except ValueError as err:
    show(err)

print("class indices:", f"{float(sparse(labels, logits)):.4f}")
print("one-hot:", f"{float(categorical(one_hot, logits)):.4f}")
# --8<-- [end:one-hot]

# --8<-- [start:batch-size]
try:
    sparse(labels[:3], logits)  # 4 predictions, 3 labels
except ValueError as err:
    show(err)

print("labels shaped (4, 1):", f"{float(sparse(labels.reshape(4, 1), logits)):.4f}")
# --8<-- [end:batch-size]

# --8<-- [start:broadcast]
predictions = np.array([[1.0], [2.0], [3.0], [4.0]], "float32")  # model output: (4, 1)
targets = np.array([1.0, 2.0, 3.0, 5.0], "float32")  # targets: (4,)
print("Keras loss:", f"{float(keras.losses.MeanSquaredError()(targets, predictions)):.4f}")
by_hand = tf.reduce_mean(tf.square(predictions - targets))  # broadcasts to (4, 4)
print("by hand, wrong:", f"{float(by_hand):.4f}")
print("by hand, right:", f"{float(tf.reduce_mean(tf.square(predictions[:, 0] - targets))):.4f}")
# --8<-- [end:broadcast]

# --8<-- [start:devices]
with tf.device("/CPU:0"):
    on_cpu = tf.ones(3)  # pinned to the CPU
anywhere = tf.ones(3)  # placed by TensorFlow: on a GPU if there is one
print("sum:", (on_cpu + anywhere).numpy().tolist())  # TensorFlow copies as needed
# --8<-- [end:devices]

# --8<-- [start:view]
grid = tf.reshape(tf.range(6), (2, 3))
flipped = tf.transpose(grid)
print("reshape:", tf.reshape(flipped, (6,)).numpy().tolist())  # always works
# --8<-- [end:view]

# --8<-- [start:view-batch]
mlp = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, name="out")])
small = np.zeros((8, 14, 14, 1), "float32")  # a batch of 8 images, but 14x14
flat = tf.reshape(small, (-1, 784))  # -1 soaks up the mistake
print("reshape(-1, 784):", tuple(flat.shape), "-> batch of", flat.shape[0], "not 8")
try:
    sparse(np.zeros(8, "int64"), mlp(flat))  # the loss is where it finally fails
except ValueError as err:
    show(err)

flat = keras.layers.Flatten()(small)  # keeps axis 0 (the batch) as it is
print("Flatten():", tuple(flat.shape))
try:
    mlp(flat)
except ValueError as err:
    show(err)
# --8<-- [end:view-batch]

# --8<-- [start:traceback]
w = tf.ones((784, 10))


@tf.function
def predict(x):
    return tf.matmul(x, w)


try:
    predict(tf.zeros((2, 783)))
except ValueError as err:
    show(err)
    lines = str(err).splitlines()
    named = [i for i, line in enumerate(lines) if "in predict" in line]
    print("names predict:", bool(named))
    print("your line:", lines[named[0] + 1].strip())  # the source line under that name


@tf.function
def check_width(x):
    tf.debugging.assert_equal(tf.shape(x)[1], 784, message="need 784 features")
    return x


try:
    check_width(tf.zeros((2, 783)))
except tf.errors.InvalidArgumentError as err:
    show(err)
    print("names check_width:", "in check_width" in str(err))
    print("shows your message:", "need 784 features" in str(err))
# --8<-- [end:traceback]

# --8<-- [start:zero-grad]
w = tf.Variable(1.0)
x = tf.constant(3.0)  # d(w * x)/dw = x = 3
for step in (1, 2):
    with tf.GradientTape() as tape:  # a new tape each step: fresh gradients
        loss = w * x
    grad = tape.gradient(loss, w)
    print(f"tape {step}: gradient = {float(grad):.1f}")

total = tf.zeros(())  # accumulating by hand brings the bug back
for step in (1, 2):
    with tf.GradientTape() as tape:
        loss = w * x
    total += tape.gradient(loss, w)  # forgot to reset `total` after using it
print(f"hand-made sum after 2 steps: {float(total):.1f}")
# --8<-- [end:zero-grad]

# --8<-- [start:eval-mode]
keras.utils.set_random_seed(0)
net = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(1),
])
x = np.ones((1, 4), "float32")
same = np.array_equal(net(x, training=True), net(x, training=True))
print("dropout on:  same output twice?", same)
print("dropout off: same output twice?", np.array_equal(net(x), net(x)))  # default: inference
# --8<-- [end:eval-mode]

# --8<-- [start:batchnorm]
bn_net = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(8),
    keras.layers.BatchNormalization(),
    keras.layers.ReLU(),
    keras.layers.Dense(1),
])
a, b = np.ones((1, 4), "float32"), np.full((1, 4), 5.0, "float32")  # two different samples
same = np.array_equal(bn_net(a, training=True), bn_net(b, training=True))
print("training=True, one sample at a time, same output?", same)
print("default call, same output?", np.array_equal(bn_net(a), bn_net(b)))
# --8<-- [end:batchnorm]

# --8<-- [start:breakpoint-loop]
keras.utils.set_random_seed(0)
net = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
optimizer = keras.optimizers.SGD(learning_rate=0.1)
loss_fn = keras.losses.MeanSquaredError()
rng = np.random.default_rng(0)
loader = [(rng.normal(size=(8, 4)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")) for _ in range(3)]
for step, (x, y) in enumerate(loader):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, net(x, training=True))
    if not np.isfinite(float(loss)):
        breakpoint()  # eager code, so it stops here like any Python
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))
print(f"{step + 1} steps, last loss {float(loss):.4f}")
# --8<-- [end:breakpoint-loop]

# --8<-- [start:eager-print]
calls = 0


@tf.function
def double(x):
    global calls
    calls += 1  # plain Python: runs only while tracing
    return 2 * x


for _ in range(3):
    double(tf.ones(2))
print(f"graph: Python body ran {calls} time(s) in 3 calls")

tf.config.run_functions_eagerly(True)  # debugging switch: run the Python every call
calls = 0
for _ in range(3):
    double(tf.ones(2))
print(f"eager: Python body ran {calls} time(s) in 3 calls")
tf.config.run_functions_eagerly(False)  # switch it back: graphs are much faster
# --8<-- [end:eager-print]

# --8<-- [start:breakpoint-graph]
tf.config.run_functions_eagerly(True)  # for Keras fit: model.compile(..., run_eagerly=True)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, net(x, training=True))
    breakpoint()  # now stops on every step, with real values in loss
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))
    return loss


for x, y in loader:
    loss = train_step(x, y)
print(f"train_step ran for {len(loader)} batches, last loss {float(loss):.4f}")
tf.config.run_functions_eagerly(False)  # switch it back when you are done
# --8<-- [end:breakpoint-graph]

# --8<-- [start:exercise-layer-shapes]
classifier = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Conv2D(4, 3),  # 28x28 -> 26x26
    keras.layers.ReLU(),
    keras.layers.MaxPooling2D(2),  # 26x26 -> 13x13
    keras.layers.Dense(10),  # meant to give 10 class scores
])

x = np.zeros((1, 28, 28, 1), "float32")
for layer in classifier.layers:  # call the layers one by one
    x = layer(x)
    print(f"{type(layer).__name__:12} -> {tuple(x.shape)}")

fixed = keras.Sequential([keras.Input(shape=(28, 28, 1))] + classifier.layers[:3]
                         + [keras.layers.Flatten(), keras.layers.Dense(10)])  # the fix
print("fixed:", tuple(fixed(np.zeros((1, 28, 28, 1), "float32")).shape))
# --8<-- [end:exercise-layer-shapes]

# --8<-- [start:exercise-pixels]
pixels = tf.constant(np.random.default_rng(0).integers(0, 256, size=(2, 28, 28, 1), dtype=np.uint8))
kernel = tf.random.normal((3, 3, 1, 4))  # (height, width, in channels, out channels), float32
try:
    tf.nn.conv2d(pixels, kernel, strides=1, padding="VALID")
except tf.errors.InvalidArgumentError as err:
    show(err)

scaled = tf.cast(pixels, tf.float32) / 255  # the fix: float32 in [0, 1]
print("fixed:", tuple(tf.nn.conv2d(scaled, kernel, strides=1, padding="VALID").shape), scaled.dtype)
# --8<-- [end:exercise-pixels]
