# --8<-- [start:nan-model]
import keras
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
weights = rng.normal(size=(3, 2)).astype("float32")  # the same weights in both tabs

model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3, use_bias=False)])
model.layers[0].set_weights([weights.T])  # Keras stores the kernel as (inputs, outputs)

x = np.array([[0.5, -1.0], [300.0, 2.0]], dtype="float32")  # the second sample has a feature nobody scaled
y = np.array([0, 2])


def handmade_cross_entropy(logits, y):
    probs = tf.nn.softmax(logits, axis=1)
    one_hot = tf.one_hot(y, depth=3)
    return -tf.reduce_mean(tf.reduce_sum(one_hot * tf.math.log(probs), axis=1))


logits = model(x)
print("logits of sample 2:", [round(v, 2) for v in logits[1].numpy().tolist()])
print("probabilities of sample 2:", tf.nn.softmax(logits, axis=1)[1].numpy().tolist())
print("loss:", float(handmade_cross_entropy(logits, y)))
# --8<-- [end:nan-model]

# --8<-- [start:nan-find]
tf.debugging.enable_check_numerics()  # every op now checks its outputs for inf and NaN
try:
    with tf.GradientTape() as tape:
        loss = handmade_cross_entropy(model(x), y)
except tf.errors.InvalidArgumentError as err:
    lines = err.message.splitlines()
    print(next(line for line in lines if line.startswith("!!!")))
    print(next(line.strip() for line in lines if "# of" in line and "elements" in line))
tf.debugging.disable_check_numerics()
# --8<-- [end:nan-find]

# --8<-- [start:nan-fix]
with tf.GradientTape() as tape:
    loss = keras.losses.sparse_categorical_crossentropy(y, model(x), from_logits=True)
    loss = tf.reduce_mean(loss)  # from logits: log-softmax inside, no log of 0
grads = tape.gradient(loss, model.trainable_variables)
print(f"loss: {float(loss):.2f}")
print("finite gradients:", bool(tf.reduce_all(tf.math.is_finite(grads[0]))))
# --8<-- [end:nan-fix]

# --8<-- [start:checkpoint]
keras.utils.set_random_seed(0)
def make_block():  # two layers of 256 units
    return keras.Sequential([
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
    ])


blocks = [make_block() for _ in range(4)]
head = keras.layers.Dense(10)
inputs = tf.constant(np.random.default_rng(0).normal(size=(64, 256)).astype("float32"))

block_calls = 0


def counted(block):
    def call(x):
        global block_calls
        block_calls += 1
        return block(x)
    return call


def forward(x, use_checkpoint):
    for block in blocks:
        if use_checkpoint:
            x = tf.recompute_grad(counted(block))(x)  # keep x only; recompute the inside in backward
        else:
            x = counted(block)(x)
    return head(x)


forward(inputs, use_checkpoint=False)  # builds the layers' weights
variables = [v for block in blocks for v in block.trainable_variables] + head.trainable_variables


def gradients(use_checkpoint):
    global block_calls
    block_calls = 0
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(forward(inputs, use_checkpoint)))
    calls_forward = block_calls
    grads = tape.gradient(loss, variables)
    calls_backward = block_calls - calls_forward
    print(f"checkpointing {use_checkpoint}: block calls in forward {calls_forward}, in backward {calls_backward}")
    return grads


plain = gradients(use_checkpoint=False)
checkpointed = gradients(use_checkpoint=True)
print("same gradients:", all(bool(tf.reduce_all(a == b)) for a, b in zip(plain, checkpointed)))
# --8<-- [end:checkpoint]

# --8<-- [start:in-fit]
import re

rng = np.random.default_rng(0)
X_small, y_small = rng.normal(size=(64, 256)).astype("float32"), rng.integers(0, 10, size=64)


class Checkpointed(keras.layers.Layer):
    """Runs a block so that its activations are recomputed in the backward pass."""

    def __init__(self, block, **kwargs):
        super().__init__(**kwargs)
        self.block = block

    def call(self, x):
        return tf.recompute_grad(self.block)(x)


def build(use_checkpoint):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(256,))
    h = inputs
    for _ in range(2):
        block = make_block()
        h = Checkpointed(block)(h) if use_checkpoint else block(h)
    model = keras.Model(inputs, keras.layers.Dense(10)(h))
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


trained = []
for use_checkpoint in (False, True):
    net = build(use_checkpoint)
    net.fit(X_small, y_small, batch_size=32, epochs=2, verbose=0)
    trained.append(net.get_weights())
print("same weights after fit:", all(np.array_equal(a, b) for a, b in zip(*trained)))

# Keras's own switch: the layers made inside the scope recompute their activations
with keras.RematScope(mode="full"):
    remat_net = build(use_checkpoint=False)
try:
    remat_net.fit(X_small, y_small, batch_size=32, epochs=1, verbose=0)
except ValueError as err:
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(err))  # Keras makes part of the message bold
    reason = next(line for line in message.splitlines() if "custom_gradient" in line)
    print("RematScope in fit:", reason)
# --8<-- [end:in-fit]

# --8<-- [start:imbalanced-data]
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

X, y = load_digits(return_X_y=True)
X = (X / 16).astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)

rare = np.flatnonzero(y_train == 8)  # make the digit 8 rare: keep 5 of its training images
dropped = np.random.default_rng(0).choice(rare, size=len(rare) - 5, replace=False)
X_train, y_train = np.delete(X_train, dropped, axis=0), np.delete(y_train, dropped)

counts = np.bincount(y_train, minlength=10)
class_weights = len(y_train) / (10 * counts)  # "balanced": a rare class weighs more
print("training images per digit:", counts.tolist())
print("test images of digit 8:", int((y_test == 8).sum()))
print(f"weight of digit 8: {class_weights[8]:.1f} | of digit 0: {class_weights[0]:.2f}")
# --8<-- [end:imbalanced-data]

# --8<-- [start:imbalanced-train]
def train(class_weight=None, epochs=5):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X_train, y_train, batch_size=32, epochs=epochs, class_weight=class_weight, verbose=0)
    predicted = model.predict(X_test, verbose=0).argmax(axis=1)
    recall_8 = (predicted[y_test == 8] == 8).mean()  # share of the 8s found
    accuracy = (predicted == y_test).mean()
    return f"recall of 8 {recall_8:.2f}, accuracy {accuracy:.2f}"


print("plain loss:  ", train())
print("class_weight:", train(class_weight=dict(enumerate(class_weights))))
# --8<-- [end:imbalanced-train]

# --8<-- [start:summary]
keras.utils.set_random_seed(0)
mlp = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(32, name="hidden"),
    keras.layers.BatchNormalization(name="norm"),
    keras.layers.ReLU(name="relu"),
    keras.layers.Dense(10, name="logits"),
], name="mlp")
mlp.summary()
# --8<-- [end:summary]

# --8<-- [start:count]
trainable = sum(int(np.prod(w.shape)) for w in mlp.trainable_weights)
# BatchNormalization's moving mean and variance are non-trainable weights
state = sum(int(np.prod(w.shape)) for w in mlp.non_trainable_weights)
print(f"trainable parameters: {trainable:,}")
print(f"non-trainable state: {state:,}")
# --8<-- [end:count]

# --8<-- [start:metrics]
rng = np.random.default_rng(0)
labels = rng.integers(0, 3, size=200)
# the scores of a fair classifier: noise, plus 1.5 for the right class
scores = rng.normal(size=(200, 3)).astype("float32") + 1.5 * np.eye(3, dtype="float32")[labels]

accuracy = keras.metrics.SparseCategoricalAccuracy()
f1 = keras.metrics.F1Score(average="macro")  # wants one-hot labels
for start in range(0, 200, 50):  # four batches of 50
    batch_scores = scores[start:start + 50]
    batch_labels = labels[start:start + 50]
    accuracy.update_state(batch_labels, batch_scores)
    f1.update_state(keras.ops.one_hot(batch_labels, 3), batch_scores)
    if start == 0:
        print(f"after batch 1: accuracy {float(accuracy.result()):.4f}, macro F1 {float(f1.result()):.4f}")
print(f"all 4 batches: accuracy {float(accuracy.result()):.4f}, macro F1 {float(f1.result()):.4f}")
accuracy.reset_state()
f1.reset_state()
# --8<-- [end:metrics]
