# --8<-- [start:create]
import numpy as np
import tensorflow as tf

table = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # from nested lists
zeros = tf.zeros((2, 3))
ones = tf.ones((2, 3))
steps = tf.range(6)  # 0, 1, ..., 5

print(tuple(table.shape), tuple(zeros.shape), tuple(ones.shape))
print(steps.numpy().tolist())
# --8<-- [end:create]

# --8<-- [start:random]
tf.random.set_seed(0)
noise = tf.random.normal((2, 3))  # standard normal
print(tuple(noise.shape))
print(noise.numpy().round(3))

tf.random.set_seed(0)  # same seed again: same numbers again
print(bool(tf.reduce_all(noise == tf.random.normal((2, 3)))))
# --8<-- [end:random]

# --8<-- [start:dtypes]
print(tf.constant([1.0, 2.0]).dtype)  # Python floats
print(tf.constant([1, 2]).dtype)  # Python ints
print(tf.constant(np.array([1.0, 2.0])).dtype)  # NumPy's default float

try:
    tf.constant([1, 2]) + tf.constant([0.5, 0.5])  # int + float
except tf.errors.InvalidArgumentError as err:
    print(type(err).__name__, err.message.strip())

as_float = tf.cast(tf.constant([1, 2]), tf.float32)  # explicit conversion
print(as_float.dtype)
# --8<-- [end:dtypes]

# --8<-- [start:reshape]
x = tf.range(12)
grid = tf.reshape(x, (3, 4))
print(tuple(grid.shape))
print(tuple(tf.reshape(x, (2, -1)).shape))  # -1: "work this one out"
print(tuple(tf.transpose(grid).shape))  # transpose
print(tuple(tf.expand_dims(grid, 0).shape))  # add an axis of size 1
print(tuple(tf.reshape(grid, [-1]).shape))
# --8<-- [end:reshape]

# --8<-- [start:indexing]
print(grid.numpy().tolist())
print(grid[0].numpy().tolist())  # first row
print(grid[:, 1].numpy().tolist())  # second column
print(grid[1:, ::2].numpy().tolist())  # rows 1.., every other column
print(grid[-1, -1].numpy().item())  # last element
print(grid[grid > 8].numpy().tolist())  # boolean mask
print(tf.gather(grid, [0, 2]).numpy().tolist())  # rows 0 and 2
# --8<-- [end:indexing]

# --8<-- [start:broadcasting]
a = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # shape (2, 3)
row = tf.constant([10.0, 20.0, 30.0])  # shape (3,)
col = tf.constant([[100.0], [200.0]])  # shape (2, 1)

print((a * 2).numpy().tolist())
print((a + row).numpy().tolist())  # row is repeated for each of the 2 rows
print((a + col).numpy().tolist())  # col is repeated for each of the 3 columns
print(tuple((col + row).shape))
# --8<-- [end:broadcasting]

# --8<-- [start:matmul]
left = tf.reshape(tf.range(6.0), (2, 3))
right = tf.reshape(tf.range(6.0), (3, 2))

product = left @ right  # same as tf.matmul(left, right)
print(tuple(product.shape), product.numpy().tolist())
print((left * left).numpy().tolist())  # * is element by element
print(f"{tf.reduce_sum(product).numpy():.1f}, {tf.reduce_mean(product).numpy():.2f}")
# --8<-- [end:matmul]

# --8<-- [start:numpy]
array = np.zeros(3, dtype=np.float32)
converted = tf.convert_to_tensor(array)  # copies the data
array[0] = 7.0  # change the NumPy array
print("convert_to_tensor:", converted.numpy().tolist())

back = converted.numpy()  # a NumPy array with its own copy
back[1] = 5.0
print("tensor after edit:", converted.numpy().tolist())
# --8<-- [end:numpy]

# --8<-- [start:device]
batch = tf.ones((2, 3))  # placed on a GPU if there is one, else the CPU
doubled = batch * 2  # runs where its inputs live
print(doubled.device == batch.device)
print(doubled.numpy().tolist())  # .numpy() copies to the CPU if needed

with tf.device("/CPU:0"):  # pin work to a device explicitly
    on_cpu = tf.ones((2, 3)) * 2
print(on_cpu.device.endswith("CPU:0"))
# --8<-- [end:device]

# --8<-- [start:mutability]
counts = tf.zeros(3)
try:
    counts[0] = 5.0  # a tf.Tensor can never change
except TypeError as err:
    print(type(err).__name__, err)

state = tf.Variable(tf.zeros(3))  # a Variable holds changeable state
state[0].assign(5.0)
state.assign_add(tf.ones(3))
print(state.numpy().tolist())

bigger = state + 1.0  # a new tf.Tensor; state is unchanged
print(state.numpy().tolist(), bigger.numpy().tolist())
# --8<-- [end:mutability]

# --8<-- [start:exercise-channel-mean]
images = tf.constant(np.random.default_rng(0).normal(5.0, 2.0, size=(8, 3, 4, 4)).astype(np.float32))
channel_mean = tf.reduce_mean(images, axis=(0, 2, 3), keepdims=True)  # one mean per channel
print(tuple(channel_mean.shape))

centred = images - channel_mean  # (8, 3, 4, 4) - (1, 3, 1, 1): repeated over N, H and W
print(tuple(centred.shape))
print(bool(tf.reduce_max(tf.abs(tf.reduce_mean(centred, axis=(0, 2, 3)))) < 1e-5))  # every channel's mean is now 0
# --8<-- [end:exercise-channel-mean]

# --8<-- [start:exercise-distances]
rng = np.random.default_rng(1)
points = tf.constant(rng.normal(size=(5, 2)).astype(np.float32))
centres = tf.constant(rng.normal(size=(3, 2)).astype(np.float32))

differences = tf.expand_dims(points, 1) - tf.expand_dims(centres, 0)  # (5, 1, 2) - (1, 3, 2)
squared = tf.reduce_sum(differences**2, axis=-1)
print(tuple(differences.shape), tuple(squared.shape))

expanded = (tf.reduce_sum(points**2, axis=1, keepdims=True) - 2 * points @ tf.transpose(centres)
            + tf.reduce_sum(centres**2, axis=1))
print(np.allclose(squared.numpy(), expanded.numpy(), atol=1e-5))
print("nearest centre:", tf.argmin(squared, axis=1).numpy().tolist())
# --8<-- [end:exercise-distances]
