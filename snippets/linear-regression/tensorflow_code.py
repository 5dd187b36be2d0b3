# --8<-- [start:data]
import numpy as np

rng = np.random.default_rng(0)
x = rng.uniform(-2, 2, size=(100, 1)).astype(np.float32)
noise = rng.normal(0, 0.5, size=(100, 1)).astype(np.float32)
y = 3 * x + 2 + noise  # the line we hope to recover: weight 3, bias 2
print("x:", x.shape, x.dtype, "| y:", y.shape, y.dtype)
# --8<-- [end:data]

# --8<-- [start:model]
import keras
import tensorflow as tf

keras.utils.set_random_seed(0)

# Keras takes NumPy arrays directly: no conversion step is needed.
model = keras.Sequential([
    keras.Input(shape=(1,)),  # each example has one feature
    keras.layers.Dense(1),  # one output: y = w * x + b
])
print("parameters:", model.count_params())
# --8<-- [end:model]

# --8<-- [start:loss-and-optimizer]
loss_fn = keras.losses.MeanSquaredError()
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss_fn)
print("loss:", type(loss_fn).__name__, "| optimizer:", type(model.optimizer).__name__)
# --8<-- [end:loss-and-optimizer]

# --8<-- [start:one-step]
model.set_weights([np.zeros((1, 1)), np.zeros(1)])  # start both frameworks from the same point

with tf.GradientTape() as tape:  # record the operations below
    loss = loss_fn(y, model(x))  # forward pass and loss (Keras puts the targets first)
grad_weight, grad_bias = tape.gradient(loss, model.trainable_variables)
print(f"loss={float(loss):.3f} "
      f"grad weight={float(grad_weight[0, 0]):.3f} grad bias={float(grad_bias[0]):.3f}")
# --8<-- [end:one-step]

# --8<-- [start:train]
history = model.fit(x, y, batch_size=100, epochs=50, verbose=0)  # one batch of 100 = one step per epoch
print(f"last loss: {history.history['loss'][-1]:.4f}")
# --8<-- [end:train]

# --8<-- [start:fitted]
kernel, bias = model.get_weights()  # Keras calls the weight matrix the "kernel"
print(f"weight={kernel[0, 0]:.2f} bias={bias[0]:.2f}")
# --8<-- [end:fitted]

# --8<-- [start:predict]
prediction = model.predict(np.array([[4.0]]), verbose=0)
print(f"prediction for x=4: {prediction[0, 0]:.2f}")
# --8<-- [end:predict]

# --8<-- [start:batches]
steps_before = int(model.optimizer.iterations)
model.fit(x, y, epochs=1, verbose=0)  # batch_size not given: Keras uses 32
print("batches per epoch:", int(model.optimizer.iterations) - steps_before)
# --8<-- [end:batches]

# --8<-- [start:exercise-closed-form]
design = tf.concat([x, tf.ones_like(x)], axis=1)  # columns x and 1: design @ [w, b] = w * x + b
best_weight, best_bias = tf.reshape(tf.linalg.lstsq(design, y), [-1]).numpy().tolist()
print(f"least squares: weight={best_weight:.3f} bias={best_bias:.3f}")
print("trained line within 0.01 of it:",
      bool(abs(kernel[0, 0] - best_weight) < 0.01 and abs(bias[0] - best_bias) < 0.01))
# --8<-- [end:exercise-closed-form]

# --8<-- [start:exercise-mini-batches]
line = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
line.set_weights([np.zeros((1, 1)), np.zeros(1)])
line.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=keras.losses.MeanSquaredError())
line.fit(x, y, batch_size=20, epochs=10, shuffle=False, verbose=0)  # 5 batches, always the same

line_kernel, line_bias = line.get_weights()
print(f"updates: {int(line.optimizer.iterations)} | weight={line_kernel[0, 0]:.3f} bias={line_bias[0]:.3f}")
# --8<-- [end:exercise-mini-batches]
