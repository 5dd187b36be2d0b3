# --8<-- [start:devices]
import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"  # set before TensorFlow loads: hide its C++ warnings

import keras
import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
print("logical CPUs:", [d.name for d in tf.config.list_logical_devices("CPU")])
# --8<-- [end:devices]

# --8<-- [start:strategy]
rng = np.random.default_rng(0)
X = rng.normal(size=(64, 3)).astype("float32")
y = X @ np.array([[2.0], [-1.0], [0.5]], dtype="float32") + 0.3
w0 = rng.normal(size=(1, 3)).astype("float32")
data = tf.data.Dataset.from_tensors((X, y)).repeat(20)  # the combined batch of 64, for 20 steps


def make_model():
    model = keras.Sequential([
        keras.Input(shape=(3,)),
        keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(w0.T), bias_initializer="zeros"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    return model


strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
print("replicas in sync:", strategy.num_replicas_in_sync)
with strategy.scope():  # variables created here get one copy per device
    model_two = make_model()
copies = model_two.layers[0].kernel.value.values
print("copies of the kernel:", [v.device.split("/")[-1] for v in copies])
batch = next(iter(strategy.experimental_distribute_dataset(data)))
print("rows per replica:", [int(t.shape[0]) for t in strategy.experimental_local_results(batch[0])])
model_two.fit(data, epochs=1, shuffle=False, verbose=0)  # 20 steps on the combined batch
# --8<-- [end:strategy]

# --8<-- [start:compare]
model_one = make_model()  # outside any strategy scope: one device
model_one.fit(data, epochs=1, shuffle=False, verbose=0)


def weights(model):
    kernel, bias = model.layers[0].get_weights()
    return np.concatenate([kernel.ravel(), bias])


one, two = weights(model_one), weights(model_two)
for name, w in (("one device: ", one), ("two devices:", two)):
    print(name, "weights", [round(float(v), 4) for v in w[:3]], "bias", round(float(w[3]), 4))
print("max abs difference below 1e-6:", bool(np.abs(one - two).max() < 1e-6))
# --8<-- [end:compare]

# --8<-- [start:shuffle]
for reshuffle in (False, True):
    dataset = tf.data.Dataset.range(8).shuffle(8, seed=0, reshuffle_each_iteration=reshuffle)
    for epoch in range(2):  # each pass over a tf.data dataset is an epoch
        print(f"reshuffle_each_iteration={reshuffle}, epoch {epoch}: {[int(i) for i in dataset]}")
# --8<-- [end:shuffle]

# --8<-- [start:learning-rate]
class Warmup(keras.optimizers.schedules.LearningRateSchedule):
    """Rises linearly from base_lr to peak_lr over warmup_steps, then stays at peak_lr."""

    def __init__(self, base_lr, peak_lr, warmup_steps):
        self.base_lr, self.peak_lr, self.warmup_steps = base_lr, peak_lr, warmup_steps

    def __call__(self, step):
        progress = keras.ops.minimum(keras.ops.cast(step, "float32") / self.warmup_steps, 1.0)
        return self.base_lr + (self.peak_lr - self.base_lr) * progress


base_lr, base_batch = 0.05, 32  # a learning rate that works for batches of 32 on one device
global_batch = 8 * 32  # 8 replicas, 32 rows each: the batch that fit receives
peak_lr = base_lr * global_batch / base_batch  # linear scaling rule: 8 times the batch, 8 times the rate
schedule = Warmup(base_lr, peak_lr, warmup_steps=5)  # keras.optimizers.SGD(learning_rate=schedule)
print("peak rate:", peak_lr, "| first 7 steps:", [round(float(schedule(step)), 3) for step in range(7)])
# --8<-- [end:learning-rate]

# --8<-- [start:chief]
extended = strategy.extended
print("should checkpoint:", extended.should_checkpoint, "| should save summaries:", extended.should_save_summary)
model_two.save("two_devices.keras")  # one process drives both devices: one file, written once
restored = keras.saving.load_model("two_devices.keras")  # loaded outside the scope: ordinary variables
print("saved from:", type(model_two.layers[0].kernel.value).__name__,
      "| restored:", type(restored.layers[0].kernel.value).__name__)
print("same weights:", np.array_equal(weights(restored), two))
# --8<-- [end:chief]

# --8<-- [start:exercise-odd-rows]
rows = tf.data.Dataset.range(11).shuffle(11, seed=0).batch(4)  # 11 rows, a global batch of 4
per_replica = strategy.experimental_distribute_dataset(rows)  # 2 rows per replica and step
for epoch in range(2):  # each pass over the dataset draws a new order
    batches = [[], []]  # batches[replica]: the batches that replica gets this epoch
    for batch in per_replica:
        for replica, part in enumerate(strategy.experimental_local_results(batch)):
            batches[replica].append([int(i) for i in part])
    print(f"epoch {epoch}: replica 0 gets {batches[0]}, replica 1 gets {batches[1]}")
    seen = [i for replica in batches for batch in replica for i in batch]
    twice = sorted({i for i in seen if seen.count(i) > 1})
    per_step = [[len(a), len(b)] for a, b in zip(*batches)]
    print(f"  every row: {set(seen) == set(range(11))} | seen twice: {twice} | rows per replica and step: {per_step}")
# --8<-- [end:exercise-odd-rows]

# --8<-- [start:exercise-average-gradients]
rng = np.random.default_rng(1)
features = rng.normal(size=(24, 5)).astype("float32")
labels = rng.integers(0, 3, size=24)  # 3 classes
kernel = rng.normal(size=(3, 5)).astype("float32").T  # Keras keeps the kernel as (inputs, outputs)
classifier = keras.layers.Dense(3, kernel_initializer=keras.initializers.Constant(kernel), bias_initializer="zeros")
classifier.build((None, 5))
cross_entropy = keras.losses.SparseCategoricalCrossentropy(from_logits=True)  # the mean over the rows


def gradient(rows):
    """The gradient of the mean cross-entropy over some rows: weights and bias in one vector."""
    with tf.GradientTape() as tape:
        loss = cross_entropy(labels[rows], classifier(features[rows]))
    grads = tape.gradient(loss, classifier.trainable_variables)
    return tf.concat([tf.reshape(g, [-1]) for g in grads], axis=0)


whole = gradient(slice(0, 24))  # one device, the whole batch
print("whole batch: gradient norm", round(float(tf.norm(whole)), 4))
for sizes in ([6, 6, 6, 6], [3, 5, 7, 9]):  # 4 replicas: equal shares, then unequal ones
    starts = np.cumsum([0, *sizes[:-1]])
    shares = [gradient(slice(start, start + size)) for start, size in zip(starts, sizes)]
    mean = tf.reduce_mean(tf.stack(shares), axis=0)  # what the all-reduce computes
    weighted = sum(g * size / 24 for g, size in zip(shares, sizes))  # each share counts by its rows
    print(f"shares {sizes}: mean matches {np.allclose(mean, whole, atol=1e-6)},",
          f"weighted by rows matches {np.allclose(weighted, whole, atol=1e-6)}")
# --8<-- [end:exercise-average-gradients]
