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
    return f"{np.mean(predictions == y_new_test):.3f} (moving mean changed: {changed})"


print(f"before unfreezing: {frozen_accuracy:.3f}")
print("lr 1e-4, BatchNorm frozen:", fine_tune_copy(1e-4, batchnorm_frozen=True))
print("lr 1e-4, BatchNorm trainable:", fine_tune_copy(1e-4, batchnorm_frozen=False))
print("lr 0.1, BatchNorm frozen:", fine_tune_copy(0.1, batchnorm_frozen=True))
# --8<-- [end:worse]
