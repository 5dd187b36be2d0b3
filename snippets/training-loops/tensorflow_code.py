# --8<-- [start:data]
import keras
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
X = rng.normal(size=(600, 8)).astype("float32")
true_weights = rng.normal(size=(8, 3))
y = np.argmax(X @ true_weights + 0.5 * rng.normal(size=(600, 3)), axis=1)
X_train, X_val, y_train, y_val = X[:480], X[480:], y[:480], y[480:]
print("train", X_train.shape, "validation", X_val.shape)
print("examples per class:", np.bincount(y_train).tolist())
# --8<-- [end:data]

# --8<-- [start:model]
keras.utils.set_random_seed(0)


def make_model():
    return keras.Sequential(
        [keras.Input(shape=(8,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(3)]
    )


loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)  # takes logits
print("parameters:", make_model().count_params())
# --8<-- [end:model]

# --8<-- [start:loop]
model = make_model()
optimizer = keras.optimizers.Adam(learning_rate=0.01)


@tf.function  # traced once, then runs as a graph
def train_step(xb, yb):
    with tf.GradientTape() as tape:  # records the forward pass
        logits = model(xb, training=True)
        loss = loss_fn(yb, logits)
    grads = tape.gradient(loss, model.trainable_variables)  # backward
    optimizer.apply_gradients(zip(grads, model.trainable_variables))  # update
    return loss


shuffle_rng = np.random.default_rng(1)
for epoch in range(1, 4):
    order = shuffle_rng.permutation(len(X_train))
    total = 0.0
    for start in range(0, len(order), 32):
        idx = order[start : start + 32]
        total += float(train_step(X_train[idx], y_train[idx])) * len(idx)
    print(f"epoch {epoch}: train loss {total / len(order):.3f}")
# --8<-- [end:loop]

# --8<-- [start:fit]
model = make_model()
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = model.fit(
    X_train, y_train, batch_size=32, epochs=4, validation_data=(X_val, y_val), verbose=0
)
for epoch, (loss, acc) in enumerate(
    zip(history.history["val_loss"], history.history["val_accuracy"]), 1
):
    print(f"epoch {epoch}: val loss {loss:.3f}, val accuracy {acc:.2f}")
# --8<-- [end:fit]

# --8<-- [start:grads-add-up]
model = make_model()
xb, yb = X_train[:32], y_train[:32]
grads = []
for _ in range(2):
    with tf.GradientTape() as tape:
        loss = loss_fn(yb, model(xb, training=True))
    grads.append(tape.gradient(loss, model.trainable_variables)[0])
print("second gradient / first:", round(float(tf.norm(grads[1]) / tf.norm(grads[0])), 3))
# --8<-- [end:grads-add-up]

# --8<-- [start:clipping]
model = make_model()
optimizer = keras.optimizers.SGD(learning_rate=1.0, global_clipnorm=0.5)
with tf.GradientTape() as tape:
    loss = loss_fn(yb, model(xb, training=True))
grads = tape.gradient(loss, model.trainable_variables)
before = [v.numpy() for v in model.trainable_variables]
optimizer.apply_gradients(zip(grads, model.trainable_variables))
update = [b - v.numpy() for b, v in zip(before, model.trainable_variables)]  # = clipped gradient
print(f"gradient norm {tf.linalg.global_norm(grads):.3f} -> {tf.linalg.global_norm(update):.3f}")
# --8<-- [end:clipping]

# --8<-- [start:accumulation]
model = make_model()
big_batch_model = make_model()
big_batch_model.set_weights(model.get_weights())  # same starting weights
optimizer = keras.optimizers.SGD(learning_rate=0.1, gradient_accumulation_steps=4)


def gradients(model, x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    return tape.gradient(loss, model.trainable_variables)


changed = []
for x_small, y_small in zip(np.split(xb, 4), np.split(yb, 4)):
    before = model.layers[0].kernel.numpy()
    optimizer.apply_gradients(zip(gradients(model, x_small, y_small), model.trainable_variables))
    changed.append(not np.array_equal(before, model.layers[0].kernel.numpy()))
print("weights changed after micro-batch:", changed)

big_optimizer = keras.optimizers.SGD(learning_rate=0.1)
big_optimizer.apply_gradients(zip(gradients(big_batch_model, xb, yb), big_batch_model.trainable_variables))
same = all(np.allclose(a, b, atol=1e-6) for a, b in zip(model.get_weights(), big_batch_model.get_weights()))
print("same weights as one batch of 32:", same)
# --8<-- [end:accumulation]

# --8<-- [start:dropout-modes]
keras.utils.set_random_seed(0)
dropout = keras.layers.Dropout(0.5)
ones = np.ones((1, 10), dtype="float32")
a, b = dropout(ones, training=True), dropout(ones, training=True)
print("training: values", sorted(set(a.numpy().flatten().tolist())), "| two calls equal:", np.array_equal(a, b))
a, b = dropout(ones, training=False), dropout(ones, training=False)
print("inference: values", sorted(set(a.numpy().flatten().tolist())), "| two calls equal:", np.array_equal(a, b))
# --8<-- [end:dropout-modes]

# --8<-- [start:no-grad]
seen = []  # the `training` value each traced call received


class Probe(keras.layers.Layer):
    def call(self, x, training=None):
        seen.append(training)
        return x


keras.utils.set_random_seed(0)
net = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(10), keras.layers.Dropout(0.5), Probe()])
net.compile(optimizer="sgd", loss="mse")
net.fit(np.ones((4, 10)), np.zeros((4, 10)), epochs=1, verbose=0)
print("fit passed training =", seen[-1])
p1, p2 = net.predict(ones, verbose=0), net.predict(ones, verbose=0)
print("predict passed training =", seen[-1], "| two predictions equal:", np.array_equal(p1, p2))
with tf.GradientTape(persistent=True) as tape:  # persistent: may be asked twice
    watched = net(ones, training=False)
unwatched = net(ones, training=False)  # outside the tape: nothing is recorded
print("gradient inside tape:", tape.gradient(watched, net.trainable_variables)[0] is not None)
print("gradient outside tape:", tape.gradient(unwatched, net.trainable_variables)[0] is not None)
# --8<-- [end:no-grad]

# --8<-- [start:exercise-evaluate]
def evaluate(model, batch_size=50):
    total_loss, correct = 0.0, 0
    for start in range(0, len(X_val), batch_size):
        logits = model(X_val[start : start + batch_size], training=False)  # Dropout off
        labels = y_val[start : start + batch_size]
        total_loss += float(loss_fn(labels, logits)) * len(labels)  # undo the batch mean
        correct += int(np.sum(np.argmax(logits, axis=1) == labels))
    return total_loss / len(X_val), correct / len(X_val)


keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input(shape=(8,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(3),
])
before = model.get_weights()
first, second = evaluate(model), evaluate(model)
full_loss = float(loss_fn(y_val, model(X_val, training=False)))  # the 120 examples in one batch
print("two evaluations equal:", first == second)
print("batched loss = one-batch loss:", abs(first[0] - full_loss) < 1e-5)
print("weights unchanged:", all(np.array_equal(a, b) for a, b in zip(before, model.get_weights())))
# --8<-- [end:exercise-evaluate]

# --8<-- [start:exercise-clip-by-hand]
model = make_model()
with tf.GradientTape() as tape:
    loss = loss_fn(yb, model(xb, training=True))
grads = tape.gradient(loss, model.trainable_variables)


def clipped_update(**clipping):
    """What SGD with a learning rate of 1 subtracts from the weights: the clipped gradient."""
    weights = [v.numpy() for v in model.trainable_variables]
    keras.optimizers.SGD(learning_rate=1.0, **clipping).apply_gradients(zip(grads, model.trainable_variables))
    update = [w - v.numpy() for w, v in zip(weights, model.trainable_variables)]
    for v, w in zip(model.trainable_variables, weights):
        v.assign(w)  # put the weights back
    return update


def norm(tensors):
    return float(tf.sqrt(sum(tf.reduce_sum(t**2) for t in tensors)))


by_hand = [g * min(1.0, 0.5 / norm(grads)) for g in grads]  # one factor for all
print("global clipping by hand = library:", all(
    np.allclose(h, u, atol=1e-6) for h, u in zip(by_hand, clipped_update(global_clipnorm=0.5))))

per_tensor = [g * min(1.0, 0.5 / float(tf.norm(g))) for g in grads]  # one factor per tensor
print("per-tensor clipping by hand = library:", all(
    np.allclose(h, u, atol=1e-6) for h, u in zip(per_tensor, clipped_update(clipnorm=0.5))))
print(f"combined norm: {norm(grads):.3f} before, {norm(by_hand):.3f} global, {norm(per_tensor):.3f} per tensor")
# --8<-- [end:exercise-clip-by-hand]
