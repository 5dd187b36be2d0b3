# --8<-- [start:data]
import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
X = (digits.data / 16).astype("float32")  # 8x8 images as 64 numbers from 0 to 1
y = digits.target
old, new = y < 5, y >= 5
X_old_train, X_old_test, y_old_train, y_old_test = train_test_split(
    X[old], y[old], test_size=0.25, random_state=0, stratify=y[old]
)
# the new task: digits 5-9, labelled 0-4, with only 25 training images
X_new_train, X_new_test, y_new_train, y_new_test = train_test_split(
    X[new], y[new] - 5, train_size=25, random_state=0, stratify=y[new]
)
print("old task: train", X_old_train.shape, "test", X_old_test.shape)
print("new task: train", X_new_train.shape, "test", X_new_test.shape)
# --8<-- [end:data]

# --8<-- [start:base]
keras.utils.set_random_seed(0)


def make_base():
    return keras.Sequential(
        [keras.Input(shape=(64,)), keras.layers.Dense(128), keras.layers.BatchNormalization(), keras.layers.ReLU()]
    )


def compile_model(model, learning_rate):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )


base = make_base()
old_model = keras.Sequential([keras.Input(shape=(64,)), base, keras.layers.Dense(5)])
compile_model(old_model, 1e-3)
old_model.fit(X_old_train, y_old_train, batch_size=32, epochs=10, verbose=0)
_, old_accuracy = old_model.evaluate(X_old_test, y_old_test, verbose=0)
print(f"digits 0-4, test accuracy: {old_accuracy:.3f}")
# --8<-- [end:base]

# --8<-- [start:freeze]
def count_trainable(model):
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


head = keras.layers.Dense(5)  # a new head for the new task
inputs = keras.Input(shape=(64,))
outputs = head(base(inputs, training=False))  # the base always runs in inference mode here
model = keras.Model(inputs, outputs)
print(f"trainable parameters: {count_trainable(model):,}")
base.trainable = False  # freeze: fit no longer updates the base
print(f"after freezing the base: {count_trainable(model):,}")
# --8<-- [end:freeze]

# --8<-- [start:batchnorm]
probe = keras.models.clone_model(base)  # a copy, so the base itself stays as trained
probe.set_weights(base.get_weights())
batch = X_new_train[:16]
norm = probe.layers[1]
probe.trainable = True  # unfrozen: what is left non-trainable are the running statistics
print("trainable weights:", [w.name for w in norm.trainable_weights])
print("non-trainable weights:", [w.name for w in norm.non_trainable_weights])
batch_mean = keras.ops.convert_to_numpy(keras.ops.mean(probe.layers[0](batch), axis=0))  # what the layer sees
for frozen in (True, False):
    probe.trainable = not frozen
    old = norm.moving_mean.numpy()
    probe(batch, training=True)  # what fit does
    changed = not np.array_equal(norm.moving_mean.numpy(), old)
    rule = np.allclose(norm.moving_mean.numpy(), 0.99 * old + 0.01 * batch_mean, atol=1e-6)
    label = "frozen" if frozen else "trainable"
    print(f"{label}, training=True: moving mean changed: {changed}; now 0.99 * old + 0.01 * batch mean: {rule}")
# --8<-- [end:batchnorm]

# --8<-- [start:train-head]
compile_model(model, 1e-2)
model.fit(X_new_train, y_new_train, batch_size=8, epochs=10, verbose=0)
_, frozen_accuracy = model.evaluate(X_new_test, y_new_test, verbose=0)
print(f"frozen base + new head, digits 5-9: {frozen_accuracy:.3f}")
# --8<-- [end:train-head]

# --8<-- [start:fine-tune]
weights_before_fine_tuning = model.get_weights()  # kept for the next section, which starts again from here
base.trainable = True  # unfreeze
print(f"trainable parameters: {count_trainable(model):,}")
norm = base.layers[1]
norm.trainable = False  # BatchNorm stays frozen, so in inference mode: its statistics are those of the old task
print(f"with BatchNorm frozen again: {count_trainable(model):,}")
kernel = base.layers[0].kernel
before = kernel.numpy()
model.fit(X_new_train, y_new_train, batch_size=8, epochs=1, verbose=0)
print("base changed by fit, not compiled again:", not np.array_equal(before, kernel.numpy()))
compile_model(model, 1e-4)  # compile again: now fit trains the base too, slowly
model.fit(X_new_train, y_new_train, batch_size=5, epochs=10, verbose=0)
print("base changed by fit after compile:", not np.array_equal(before, kernel.numpy()))
_, tuned_accuracy = model.evaluate(X_new_test, y_new_test, verbose=0)
print(f"fine-tuned, digits 5-9: {tuned_accuracy:.3f}")
# --8<-- [end:fine-tune]

# --8<-- [start:worse]
def fine_tune_copy(learning_rate, batchnorm_frozen):
    tuned_base, tuned_head = make_base(), keras.layers.Dense(5)
    inputs = keras.Input(shape=(64,))
    tuned = keras.Model(inputs, tuned_head(tuned_base(inputs, training=False)))
    tuned.set_weights(weights_before_fine_tuning)  # the frozen base and the trained head, before fine-tuning
    tuned_norm = tuned_base.layers[1]
    tuned_norm.trainable = not batchnorm_frozen
    compile_model(tuned, learning_rate)
    moving_mean = tuned_norm.moving_mean.numpy()
    tuned.fit(X_new_train, y_new_train, batch_size=5, epochs=10, verbose=0)
    changed = not np.array_equal(moving_mean, tuned_norm.moving_mean.numpy())
    predictions = np.argmax(tuned(X_new_test, training=False), axis=1)
    copy_accuracy = np.mean(predictions == y_new_test)
    if copy_accuracy < frozen_accuracy - 0.05:  # where a fall this large lands changes with the CPU (see below)
        return f"more than 5 points lower (moving mean changed: {changed})"
    return f"{copy_accuracy:.3f} (moving mean changed: {changed})"


print(f"before unfreezing: {frozen_accuracy:.3f}")
print("lr 1e-4, BatchNorm frozen:", fine_tune_copy(1e-4, batchnorm_frozen=True))
print("lr 1e-4, BatchNorm trainable:", fine_tune_copy(1e-4, batchnorm_frozen=False))
print("lr 0.1, BatchNorm frozen:", fine_tune_copy(0.1, batchnorm_frozen=True))
# --8<-- [end:worse]

# --8<-- [start:exercise-freeze-first-layer]
first_frozen_base, first_frozen_head = make_base(), keras.layers.Dense(5)
inputs = keras.Input(shape=(64,))
first_frozen = keras.Model(inputs, first_frozen_head(first_frozen_base(inputs, training=False)))
first_frozen.set_weights(model.get_weights())  # a copy of the fine-tuned model, which stays as it is
first_layer, first_frozen_norm = first_frozen_base.layers[:2]
first_layer.trainable = False  # freeze the first layer only


def count(weights):
    return sum(int(np.prod(w.shape)) for w in weights)


print(f"trainable: {count(first_frozen.trainable_weights):,}, by hand: {128 + 128 + 128 * 5 + 5:,}")
print(f"non-trainable: {count(first_frozen.non_trainable_weights):,}, by hand: {64 * 128 + 128 + 128 + 128:,}")

parts = {
    "first layer": first_layer.weights,
    "BatchNorm scale and shift": [first_frozen_norm.gamma, first_frozen_norm.beta],
    "head": first_frozen_head.weights,
}
before = {name: [w.numpy() for w in weights] for name, weights in parts.items()}
first_frozen.compile(  # after changing trainable, so that fit sees the change
    optimizer=keras.optimizers.Adam(1e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    run_eagerly=True,  # for one step, tracing a graph would cost more than it saves
)
first_frozen.fit(X_new_train, y_new_train, batch_size=25, epochs=1, verbose=0)  # one step
changed = [
    f"{name} {any(not np.array_equal(w.numpy(), old) for w, old in zip(weights, before[name]))}"
    for name, weights in parts.items()
]
print("changed by one step:", ", ".join(changed))
# --8<-- [end:exercise-freeze-first-layer]

# --8<-- [start:exercise-two-learning-rates]
import tensorflow as tf

tuned_base, tuned_head = make_base(), keras.layers.Dense(5)
inputs = keras.Input(shape=(64,))
tuned = keras.Model(inputs, tuned_head(tuned_base(inputs, training=False)))
tuned.set_weights(model.get_weights())  # a copy of the fine-tuned model, which stays as it is
base_optimizer, head_optimizer = keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-3)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
base_before = [w.numpy() for w in tuned_base.trainable_weights]
head_before = [w.numpy() for w in tuned_head.trainable_weights]

with tf.GradientTape() as tape:  # one step on the 25 new images, BatchNorm in inference mode
    loss = loss_fn(y_new_train, tuned(X_new_train, training=False))
base_grads, head_grads = tape.gradient(loss, [tuned_base.trainable_weights, tuned_head.trainable_weights])
base_optimizer.apply(base_grads, tuned_base.trainable_weights)
head_optimizer.apply(head_grads, tuned_head.trainable_weights)


def largest_change(weights, before):
    return max(float(np.abs(w.numpy() - old).max()) for w, old in zip(weights, before))


base_change = largest_change(tuned_base.trainable_weights, base_before)
head_change = largest_change(tuned_head.trainable_weights, head_before)
print(f"largest change, base: {base_change:.6f}, head: {head_change:.6f}")
# --8<-- [end:exercise-two-learning-rates]
