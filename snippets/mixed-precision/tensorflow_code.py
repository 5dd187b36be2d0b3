# --8<-- [start:formats]
import keras
import numpy as np
import tensorflow as tf

values = [1.001, 70000.0, 1e-8]
for name in ("float32", "bfloat16", "float16"):
    dtype = tf.as_dtype(name)
    info = tf.experimental.numpy.finfo(dtype)
    kept = tf.cast(tf.constant(values), dtype).numpy().tolist()  # round each value to this format
    print(f"{name:>8}: {info.bits} bits, eps {info.eps:.3g}, max {info.max:.3g} -> "
          + ", ".join(f"{float(v):.6g}" for v in kept))
# --8<-- [end:formats]

# --8<-- [start:policy]
rng = np.random.default_rng(0)
X = rng.normal(size=(256, 16)).astype("float32")
y = np.argmax(X @ rng.normal(size=(16, 3)), axis=1)

keras.mixed_precision.set_global_policy("mixed_bfloat16")  # for every layer made from now on


def make_model():
    return keras.Sequential([
        keras.Input(shape=(16,)),
        keras.layers.Dense(1024, activation="relu"),
        keras.layers.Dense(3, dtype="float32"),  # the output layer stays in float32
    ])


keras.utils.set_random_seed(0)
model = make_model()
hidden, last = model.layers
print("policies:", hidden.dtype_policy.name, "|", last.dtype_policy.name)
print("weights:", hidden.kernel.dtype)
h = hidden(X)
print("hidden activations:", h.dtype.name)
print("logits:", model(X).dtype.name)
# --8<-- [end:policy]

# --8<-- [start:memory]
h32 = tf.cast(h, "float32")  # the same activation in float32
for t in (h32, h):
    print(f"activation {tuple(t.shape)} in {t.dtype.name}: {t.dtype.size * int(tf.size(t)):,} bytes")
# --8<-- [end:memory]

# --8<-- [start:train-bf16]
def train(policy, epochs=5):
    keras.mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(0)
    model = make_model()
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    history = model.fit(X, y, batch_size=256, epochs=epochs, verbose=0)  # one step per epoch
    return model, [round(v, 3) for v in history.history["loss"]]


model_32, losses_32 = train("float32")
model_16, losses_16 = train("mixed_bfloat16")
print("float32 losses: ", losses_32)
print("bfloat16 losses:", losses_16)
print("weights after training:", model_16.layers[0].kernel.dtype)
# --8<-- [end:train-bf16]

# --8<-- [start:underflow]
grad = tf.constant(1e-8)  # a small gradient, in float32
scale = 2.0**16
print("1e-8 in float16:", float(tf.cast(grad, tf.float16)))
scaled = tf.cast(grad * scale, tf.float16)  # what loss scaling does: scale, then go to float16
print(f"scaled by 2**16 in float16: {float(scaled):.4g}")
print(f"unscaled again in float32: {float(tf.cast(scaled, tf.float32)) / scale:.3g}")
# --8<-- [end:underflow]

# --8<-- [start:float16]
keras.mixed_precision.set_global_policy("mixed_float16")
keras.utils.set_random_seed(0)
model = make_model()
print("hidden computes in:", model.layers[0].compute_dtype, "| weights:", model.layers[0].kernel.dtype)
optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(learning_rate=0.1))
model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
history = model.fit(X, y, batch_size=256, epochs=5, verbose=0)
print("losses:", [round(v, 3) for v in history.history["loss"]])
print("loss scale:", float(optimizer.dynamic_scale))

model = make_model()  # compile wraps a plain optimizer itself under mixed_float16
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
print("compile made:", type(model.optimizer).__name__)

keras.mixed_precision.set_global_policy("float32")  # back to the default for what follows
print("global policy:", keras.mixed_precision.global_policy().name)
# --8<-- [end:float16]

# --8<-- [start:clip-resume]
try:
    keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(learning_rate=1.0), clipnorm=1.0)
except ValueError as err:
    print(err)

w = keras.Variable([0.0])
optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(learning_rate=1.0, clipnorm=1.0))
with tf.GradientTape() as tape:
    loss = 100.0 * tf.reduce_sum(w)  # its gradient is 100
    scaled_loss = optimizer.scale_loss(loss)  # loss * scale, as fit does
grads = tape.gradient(scaled_loss, [w])
print("gradient of the scaled loss:", int(grads[0][0]))
optimizer.apply(grads, [w])  # unscales to 100, then the inner SGD clips to 1 and updates
print("update:", float(-w[0]))

model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(learning_rate=0.1)), loss="mse")
overflow = [tf.fill(v.shape, np.inf) for v in model.trainable_variables]  # the gradients of an overflowed step
model.optimizer.apply(overflow, model.trainable_variables)  # skipped, and the scale is halved
print("scale after an overflow:", float(model.optimizer.dynamic_scale))
model.save("checkpoint.keras")  # the optimizer's variables, the scale among them, are saved with the model
restored = keras.saving.load_model("checkpoint.keras")
print("after loading:", float(restored.optimizer.dynamic_scale))
# --8<-- [end:clip-resume]

# --8<-- [start:exercise-exact-integers]
for dtype in (tf.float16, tf.bfloat16):
    integers = tf.range(0, 5000, dtype=tf.int64)  # every integer exactly
    round_trip = tf.cast(tf.cast(integers, dtype), tf.int64)
    first_lost = int(integers[round_trip != integers][0])  # the first integer the format rounds away
    step = 1.0
    while float(tf.cast(1.0 + step / 2, dtype)) > 1.0:  # halve the step while 1 + step/2 still differs from 1
        step /= 2
    info = tf.experimental.numpy.finfo(dtype)
    print(f"{dtype.name:>8}: exact up to {first_lost - 1}, {first_lost} -> "
          f"{float(tf.cast(first_lost, dtype)):g} | next after 1: 1 + {step:.3g}, eps: {step == float(info.eps)}")
# --8<-- [end:exercise-exact-integers]

# --8<-- [start:exercise-conv-autocast]
keras.utils.set_random_seed(0)
conv = keras.layers.Conv2D(4, kernel_size=3, dtype="mixed_bfloat16")  # this layer's policy only
images = np.random.default_rng(2).normal(size=(2, 8, 8, 3)).astype("float32")  # channels last
mixed = conv(images)
print("weights:", conv.kernel.dtype, "| output:", mixed.dtype.name)

bf16 = tf.bfloat16
by_hand = (tf.nn.conv2d(tf.cast(images, bf16), tf.cast(conv.kernel, bf16), strides=1, padding="VALID")
           + tf.cast(conv.bias, bf16))  # cast, then compute
print("same as casting by hand:", np.allclose(tf.cast(mixed, tf.float32), tf.cast(by_hand, tf.float32), rtol=1e-2, atol=1e-2))
full = tf.nn.conv2d(images, conv.kernel, strides=1, padding="VALID") + conv.bias  # float32 all the way
difference = tf.reduce_max(tf.abs(tf.cast(mixed, tf.float32) - full))
print("close to float32 (within 2%):", bool(difference < 0.02 * tf.reduce_max(tf.abs(full))))
# --8<-- [end:exercise-conv-autocast]
