# --8<-- [start:first-gradient]
import tensorflow as tf

x = tf.Variable(2.0)  # a tape watches Variables automatically
with tf.GradientTape() as tape:  # record operations inside the block
    y = x**2 + 3 * x  # y = x² + 3x, so dy/dx = 2x + 3
dy_dx = tape.gradient(y, x)  # returns the gradient
print(f"y = {y.numpy():.1f}, dy/dx = {dy_dx.numpy():.1f}")
# --8<-- [end:first-gradient]

# --8<-- [start:several]
inputs = tf.constant([1.0, 2.0, 3.0, 4.0])
targets = tf.constant([3.0, 5.0, 7.0, 9.0])  # targets = 2 * inputs + 1

w = tf.Variable(0.5)
b = tf.Variable(0.0)
with tf.GradientTape() as tape:
    loss = tf.reduce_mean((w * inputs + b - targets) ** 2)
dw, db = tape.gradient(loss, [w, b])  # a list in, a list out
print(f"loss = {loss.numpy():.3f}")
print(f"dloss/dw = {dw.numpy():.3f}, dloss/db = {db.numpy():.3f}")
# --8<-- [end:several]

# --8<-- [start:watch]
c = tf.constant(2.0)  # a constant is not watched
with tf.GradientTape() as tape:
    y = c**2 + 3 * c
print(tape.gradient(y, c))  # no error: just None

with tf.GradientTape() as tape:
    tape.watch(c)  # ask the tape to watch it
    y = c**2 + 3 * c
print(f"dy/dc = {tape.gradient(y, c).numpy():.1f}")
# --8<-- [end:watch]

# --8<-- [start:accumulate]
x = tf.Variable(2.0)
for step in range(3):
    with tf.GradientTape() as tape:
        y = x**2 + 3 * x
    grad = tape.gradient(y, x)  # a new tape: a fresh gradient
    print(f"tape {step + 1}: gradient = {grad.numpy():.1f}")
# --8<-- [end:accumulate]

# --8<-- [start:micro-batches]
total = tf.zeros(())
for part_x, part_y in zip(tf.split(inputs, 2), tf.split(targets, 2)):  # two halves
    with tf.GradientTape() as tape:
        part_loss = tf.reduce_mean((w * part_x + b - part_y) ** 2) / 2
    total += tape.gradient(part_loss, w)  # adding up is your job
print(f"summed over halves: {total.numpy():.3f}")

with tf.GradientTape() as tape:
    full_loss = tf.reduce_mean((w * inputs + b - targets) ** 2)
print(f"whole batch at once: {tape.gradient(full_loss, w).numpy():.3f}")
# --8<-- [end:micro-batches]

# --8<-- [start:two-targets]
x = tf.Variable(3.0)
with tf.GradientTape(persistent=True) as tape:  # allow several gradient calls
    square = x**2
    cube = square * x

print(f"d(x^2)/dx = {tape.gradient(square, x).numpy():.1f}")
print(f"d(x^3)/dx = {tape.gradient(cube, x).numpy():.1f}")
del tape  # a persistent tape holds its memory until it is deleted
# --8<-- [end:two-targets]

# --8<-- [start:second-pass]
x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    cube = x**3
tape.gradient(cube, x)  # a normal tape is used up after one call
try:
    tape.gradient(cube, x)
except RuntimeError as err:
    print(type(err).__name__, err)
# --8<-- [end:second-pass]

# --8<-- [start:detach]
x = tf.Variable(2.0)
with tf.GradientTape() as tape:
    z = x * tf.stop_gradient(x)  # the second factor counts as a constant
print(f"dz/dx = {tape.gradient(z, x).numpy():.1f}")  # 4.0 without stop_gradient
# --8<-- [end:detach]

# --8<-- [start:no-grad]
x = tf.Variable(2.0)
with tf.GradientTape(persistent=True) as tape:
    tracked = x * 3
    with tape.stop_recording():  # nothing inside is recorded
        untracked = x * 3
print(tape.gradient(tracked, x) is not None, tape.gradient(untracked, x) is not None)
del tape
# --8<-- [end:no-grad]

# --8<-- [start:descent-step]
w = tf.Variable(0.5)
b = tf.Variable(0.0)
learning_rate = 0.05

with tf.GradientTape() as tape:
    loss = tf.reduce_mean((w * inputs + b - targets) ** 2)
dw, db = tape.gradient(loss, [w, b])
w.assign_sub(learning_rate * dw)  # w = w - learning_rate * dw, in place
b.assign_sub(learning_rate * db)

new_loss = tf.reduce_mean((w * inputs + b - targets) ** 2)
print(f"w = {w.numpy():.3f}, b = {b.numpy():.3f}")
print(f"loss {loss.numpy():.3f} -> {new_loss.numpy():.3f}")
# --8<-- [end:descent-step]

# --8<-- [start:exercise-by-hand]
def f(x):
    return tf.sin(x) * x**2


def f_prime(x):  # worked out by hand: product rule
    return tf.cos(x) * x**2 + 2 * x * tf.sin(x)


x = tf.Variable(tf.linspace(-2.0, 2.0, 5))
with tf.GradientTape() as tape:
    total = tf.reduce_sum(f(x))
grad = tape.gradient(total, x)  # each f(x[i]) depends on x[i] alone, so grad[i] is f'(x[i])
print("autograd:", [round(g, 3) for g in grad.numpy().tolist()])
print("by hand: ", [round(g, 3) for g in f_prime(x).numpy().tolist()])
print("largest difference below 1e-6:", float(tf.reduce_max(tf.abs(grad - f_prime(x)))) < 1e-6)
# --8<-- [end:exercise-by-hand]

# --8<-- [start:exercise-descent]
def bowl(p):  # lowest at (1, -2), where it is 0
    return (p[0] - 1) ** 2 + 10 * (p[1] + 2) ** 2


point = tf.Variable([0.0, 0.0])  # (x, y)
learning_rate = 0.04
print(f"start: f = {bowl(point).numpy():.1f}")
for step in range(100):
    with tf.GradientTape() as tape:
        loss = bowl(point)
    point.assign_sub(learning_rate * tape.gradient(loss, point))  # a fresh gradient at every step
x_min, y_min = point.numpy().tolist()
print(f"x = {x_min:.3f}, y = {y_min:.3f}, f = {bowl(point).numpy():.4f}")
# --8<-- [end:exercise-descent]
