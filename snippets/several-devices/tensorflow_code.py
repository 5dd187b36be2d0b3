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
