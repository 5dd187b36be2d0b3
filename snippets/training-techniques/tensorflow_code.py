# --8<-- [start:schedules]
import keras

# a schedule is a function of the optimizer's step count; the optimizer calls it at every step
step_decay = keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5, staircase=True
)
cosine = keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.1, decay_steps=6)
for step in range(6):
    print(f"step {step}: step decay {float(step_decay(step)):.4g} | cosine {float(cosine(step)):.4g}")
# --8<-- [end:schedules]

# --8<-- [start:data]
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
X = rng.normal(size=(80, 20)).astype("float32")
y = (X[:, :1] + rng.normal(scale=1.0, size=(80, 1))).astype("float32")  # one useful feature, much noise
X_train, X_val, y_train, y_val = X[:40], X[40:], y[:40], y[40:]
print("train", X_train.shape, "validation", X_val.shape)


def make_model(optimizer):
    model = keras.Sequential([
        keras.Input(shape=(20,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)
    ])
    model.compile(optimizer=optimizer, loss="mse")
    return model
# --8<-- [end:data]

# --8<-- [start:per-epoch]
keras.utils.set_random_seed(0)
model = make_model(keras.optimizers.SGD(learning_rate=0.1))
history = model.fit(
    X_train, y_train, batch_size=len(X_train), epochs=3, verbose=0,
    callbacks=[keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 * 0.5**epoch)],  # returns the lr
)
print("learning rate per epoch:", [round(lr, 4) for lr in history.history["learning_rate"]])
# --8<-- [end:per-epoch]

# --8<-- [start:plateau]
model = make_model(keras.optimizers.SGD(learning_rate=0.1))
plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
plateau.set_model(model)  # fit does this; here the callback is driven by hand
plateau.on_train_begin()
losses = [1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.95]  # no improvement after epoch 1
after = []
for epoch, loss in enumerate(losses):
    plateau.on_epoch_end(epoch, {"val_loss": loss})  # what fit calls at the end of each epoch
    after.append(float(model.optimizer.learning_rate))
print("validation loss:  ", losses)
print("lr, patience=2:   ", [round(lr, 4) for lr in after])
# --8<-- [end:plateau]

# --8<-- [start:early-stopping]
keras.utils.set_random_seed(0)
model = make_model(keras.optimizers.Adam(learning_rate=0.01))
callbacks = [
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True),
    keras.callbacks.ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True),
]
history = model.fit(
    X_train, y_train, batch_size=len(X_train), epochs=200, verbose=0,
    validation_data=(X_val, y_val), callbacks=callbacks,
)
val_losses = history.history["val_loss"]
best_epoch = int(np.argmin(val_losses)) + 1
print(f"stopped after epoch {len(val_losses)}; best epoch {best_epoch}, val loss {min(val_losses):.4f}")
print(f"last weights: val loss {val_losses[-1]:.4f}")
print(f"restored by EarlyStopping: val loss {model.evaluate(X_val, y_val, verbose=0):.4f}")
best_model = keras.models.load_model("best.keras")
print(f"loaded from best.keras: val loss {best_model.evaluate(X_val, y_val, verbose=0):.4f}")
try:
    keras.callbacks.ModelCheckpoint("best.pt")  # a file name Keras does not save to
except ValueError as err:
    print(err)
# --8<-- [end:early-stopping]

# --8<-- [start:decay-defaults]
print("AdamW weight_decay:", keras.optimizers.AdamW().weight_decay)
print("Adam weight_decay:", keras.optimizers.Adam().weight_decay)
print("Adam epsilon:", keras.optimizers.Adam().epsilon)
# --8<-- [end:decay-defaults]

# --8<-- [start:decay]
def weights_after(make_optimizer, l2=0.0, steps=5):
    """Train one weight, starting at 1.0, on a loss whose gradient is always 1."""
    w = keras.Variable([1.0])
    optimizer = make_optimizer()
    regularizer = keras.regularizers.L2(l2)  # adds l2 * sum(w ** 2) to the loss
    values = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(w) + regularizer(w)  # loss = w (+ the L2 term)
        optimizer.apply_gradients([(tape.gradient(loss, w), w)])
        values.append(f"{float(w[0]):.4f}")
    return " ".join(values)


def adam(**kwargs):  # epsilon=1e-8 as in PyTorch (the Keras default is 1e-7)
    return lambda: keras.optimizers.Adam(learning_rate=0.1, epsilon=1e-8, **kwargs)


print("no decay:           ", weights_after(adam()))
print("L2, strength 0.1:   ", weights_after(adam(), l2=0.05))  # gradient of 0.05 * w**2 is 0.1 * w
print("decoupled, 0.1:     ", weights_after(
    lambda: keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.1, epsilon=1e-8)
))
# --8<-- [end:decay]

# --8<-- [start:same-name]
adamw = weights_after(lambda: keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.1, epsilon=1e-8))
adam_decay = weights_after(adam(weight_decay=0.1))
l2 = weights_after(adam(), l2=0.05)
print("Adam(weight_decay=0.1) is L2:", adam_decay == l2)
print("Adam(weight_decay=0.1) equals AdamW:", adam_decay == adamw)
# --8<-- [end:same-name]

# --8<-- [start:bn-defaults]
bn = keras.layers.BatchNormalization()
print("momentum:", bn.momentum, "| epsilon:", bn.epsilon)
# --8<-- [end:bn-defaults]

# --8<-- [start:bn-step]
batch = np.random.default_rng(0).normal(loc=2.0, scale=3.0, size=(8, 3)).astype("float32")
bn = keras.layers.BatchNormalization(momentum=0.9)  # moving = 0.9 * moving + 0.1 * batch statistic
out = bn(batch, training=True)  # normalise with the batch's statistics, update the moving ones
print("running mean after one step:", [round(v, 4) for v in bn.moving_mean.numpy().tolist()])
print("0.1 * batch mean:           ", [round(v, 4) for v in (0.1 * batch.mean(0)).tolist()])
biased_var = batch.var(0)  # divides by n
expected = (batch - batch.mean(0)) / np.sqrt(biased_var + bn.epsilon)
print("output normalised with the biased batch variance:", np.allclose(out.numpy(), expected, atol=1e-5))
# --8<-- [end:bn-step]

# --8<-- [start:bn-variance]
print("running var after one step:", [round(v, 4) for v in bn.moving_variance.numpy().tolist()])
for name, ddof in [("unbiased (n - 1)", 1), ("biased (n)", 0)]:
    update = 0.9 * 1.0 + 0.1 * batch.var(0, ddof=ddof)  # the moving variance starts at 1
    print(f"0.9 + 0.1 * {name} variance:", [round(v, 4) for v in update.tolist()])
# --8<-- [end:bn-variance]

# --8<-- [start:exercise-warmup]
import math


def warmup_cosine(step, peak=0.1, warmup=3, total=10):
    """Linear warmup from a quarter of the peak, then half a cosine down to 0."""
    if step < warmup:
        return peak * (0.25 + 0.75 * step / warmup)
    return peak * 0.5 * (1 + math.cos(math.pi * (step - warmup) / (total - warmup)))


by_hand = [warmup_cosine(step) for step in range(10)]
schedule = keras.optimizers.schedules.CosineDecay(
    initial_learning_rate=0.025, warmup_target=0.1, warmup_steps=3, decay_steps=7
)  # warms up from 0.025 to 0.1 in 3 steps, then decays over 7
library = [float(schedule(step)) for step in range(10)]
print("by hand:", [round(lr, 4) for lr in by_hand])
print("library:", [round(lr, 4) for lr in library])
print("match:", np.allclose(by_hand, library, atol=1e-6))
# --8<-- [end:exercise-warmup]

# --8<-- [start:exercise-early-stop]
val_losses = [0.9, 0.7, 0.62, 0.64, 0.6, 0.61, 0.63, 0.6, 0.65, 0.66, 0.58]
patience = 3
best, best_epoch, bad = float("inf"), 0, 0
for epoch, loss in enumerate(val_losses, start=1):  # epochs counted from 1
    if loss < best:  # strictly better: an equal loss is no improvement
        best, best_epoch, bad = loss, epoch, 0
    else:
        bad += 1
    if bad == patience:
        break
print(f"stops after epoch {epoch}; best epoch {best_epoch}, val loss {best}")

# another route: Keras's EarlyStopping, driven by hand with the calls fit would make
stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
stopper.set_model(make_model(keras.optimizers.SGD()))
stopper.on_train_begin()
for keras_epoch, loss in enumerate(val_losses):  # fit counts epochs from 0
    stopper.on_epoch_end(keras_epoch, {"val_loss": loss})
    if stopper.model.stop_training:
        break
print("second route agrees:", (stopper.stopped_epoch + 1, stopper.best_epoch + 1) == (epoch, best_epoch))
# --8<-- [end:exercise-early-stop]
