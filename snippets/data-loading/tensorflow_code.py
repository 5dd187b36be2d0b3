# --8<-- [start:arrays]
import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
features = rng.normal(loc=5.0, scale=2.0, size=(10, 3)).astype(np.float32)
labels = rng.integers(0, 3, size=10)
print("features", features.shape, features.dtype)
print("labels  ", labels.shape, labels.dtype)
# --8<-- [end:arrays]

# --8<-- [start:wrap]
ds = tf.data.Dataset.from_tensor_slices((features, labels))
x, y = next(iter(ds))
print("examples:", len(ds))
print("first x:", np.round(x.numpy(), 2), x.numpy().dtype)
print("first y:", int(y), y.numpy().dtype)
# --8<-- [end:wrap]

# --8<-- [start:batch]
batched = ds.batch(4)
for xb, yb in batched:
    print("x", tuple(xb.shape), "y", tuple(yb.shape))
# --8<-- [end:batch]

# --8<-- [start:drop-last]
batched = ds.batch(4, drop_remainder=True)
print("batches per epoch:", len(batched))
for xb, yb in batched:
    print("x", tuple(xb.shape), "y", tuple(yb.shape))
# --8<-- [end:drop-last]

# --8<-- [start:shuffle]
def epoch_order(dataset):
    """The first feature of every example, in the order one epoch delivers them."""
    return [round(float(v), 4) for xb, _ in dataset for v in xb[:, 0]]

shuffled = ds.shuffle(buffer_size=10, seed=0).batch(4)
first, second = epoch_order(shuffled), epoch_order(shuffled)
again = epoch_order(ds.shuffle(buffer_size=10, seed=0).batch(4))
print("every example once:", sorted(first) == sorted(epoch_order(ds.batch(4))))
print("order changed from epoch 1 to 2:", first != second)
print("same seed, same first epoch:", first == again)
# --8<-- [end:shuffle]

# --8<-- [start:transform]
mean, std = features.mean(axis=0), features.std(axis=0)


def standardise(x, y):
    print("tracing standardise")  # plain Python: runs only while tf.data traces
    return (x - mean) / std, y


norm_ds = ds.map(standardise)
x, y = norm_ds.take(1).get_single_element()  # one example, no iterator left open
print("examples:", len(norm_ds))
print("first x:", np.round(x.numpy(), 2))
allx = tf.concat([xb for xb, _ in norm_ds.batch(4)], axis=0)
print("mean:", np.round(np.abs(tf.reduce_mean(allx, axis=0).numpy()), 2),
      "std:", np.round(tf.math.reduce_std(allx, axis=0).numpy(), 2))
# --8<-- [end:transform]

# --8<-- [start:pipeline]
pipeline = (
    ds.shuffle(buffer_size=10, seed=0)
    .map(standardise, num_parallel_calls=tf.data.AUTOTUNE)  # transform in parallel
    .batch(4)
    .prefetch(tf.data.AUTOTUNE)  # prepare the next batch while the model trains
)
print("batches per epoch:", len(pipeline))
print(pipeline.element_spec[0])
# --8<-- [end:pipeline]

# --8<-- [start:train]
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(3)])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.1),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
history = model.fit(pipeline, epochs=3, shuffle=False, verbose=0)  # pipeline shuffles
print("steps per epoch:", history.params["steps"])
for epoch, loss in enumerate(history.history["loss"]):
    print(f"epoch {epoch + 1}: mean loss {loss:.3f}")
# --8<-- [end:train]

# --8<-- [start:exercise-left-out]
ids = tf.data.Dataset.range(23)  # 23 examples; each one is its own number
loader = ids.shuffle(buffer_size=23, seed=0).batch(5, drop_remainder=True)
print("predicted batches:", 23 // 5, "| len(loader):", len(loader))
left_out = []
for epoch in range(2):
    seen = [int(i) for batch in loader for i in batch]
    print(f"epoch {epoch + 1}: {len(seen)} examples, all different: {len(set(seen)) == len(seen)}")
    left_out.append(set(range(23)) - set(seen))
print("3 left out each epoch:", [len(s) for s in left_out], "| not the same 3:", left_out[0] != left_out[1])
# --8<-- [end:exercise-left-out]

# --8<-- [start:exercise-batch-transform]
def standardise_batch(xb, yb):
    print("tracing standardise_batch, x shape:", tuple(xb.shape))
    return (xb - mean) / std, yb


per_batch = ds.batch(4).map(standardise_batch)
per_example = norm_ds.batch(4)  # the page's per-example map, then batches
same = all(np.allclose(a, b, atol=1e-6) for (a, _), (b, _) in zip(per_batch, per_example))
print("same batches as the per-example transform:", same)
# --8<-- [end:exercise-batch-transform]
