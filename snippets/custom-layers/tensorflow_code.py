# --8<-- [start:layer]
import keras
import numpy as np

keras.utils.set_random_seed(0)


@keras.saving.register_keras_serializable(package="guide")
class MyDense(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)  # name, dtype, trainable, ...
        self.units = units

    def build(self, input_shape):  # runs once, at the first call, with the input's shape
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel"
        )
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.kernel) + self.bias

    def get_config(self):  # the constructor's arguments, so that loading can build the layer again
        return {**super().get_config(), "units": self.units}


layer = MyDense(3)
print("weights right after __init__:", layer.weights)
print("output", tuple(layer(np.ones((2, 4), "float32")).shape))
print("weights after the first call:", [tuple(w.shape) for w in layer.weights])
# --8<-- [end:layer]

# --8<-- [start:training]
@keras.saving.register_keras_serializable(package="guide")
class Noise(keras.layers.Layer):
    """Adds Gaussian noise while training; passes its input through at inference."""

    def __init__(self, stddev, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev
        self.seed_generator = keras.random.SeedGenerator(0)  # new numbers at every call

    def call(self, inputs, training=False):  # Keras passes training=True inside fit
        if training:
            noise = keras.random.normal(keras.ops.shape(inputs), seed=self.seed_generator)
            return inputs + self.stddev * noise
        return inputs

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev}


noise = Noise(0.5)
x = np.ones((2, 3), "float32")
print("training:  input changed", not np.array_equal(noise(x, training=True), x))
print("inference: input changed", not np.array_equal(noise(x, training=False), x))
# --8<-- [end:training]

# --8<-- [start:default-mode]
print("a call without training= changes the input:", not np.array_equal(noise(x), x))
# --8<-- [end:default-mode]

# --8<-- [start:model]
@keras.saving.register_keras_serializable(package="guide")
class Net(keras.Model):
    def __init__(self, hidden, classes, stddev=0.1, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units, self.classes, self.stddev = hidden, classes, stddev
        self.hidden = MyDense(hidden)
        self.noise = Noise(stddev)
        self.out = MyDense(classes)

    def call(self, inputs, training=False):
        h = keras.ops.relu(self.hidden(inputs))
        return self.out(self.noise(h, training=training))

    def get_config(self):
        config = {"hidden": self.hidden_units, "classes": self.classes, "stddev": self.stddev}
        return {**super().get_config(), **config}


model = Net(8, 3)
model(np.ones((1, 4), "float32"))  # the first call builds every layer: now the weights exist
counts = {name: getattr(model, name).count_params() for name in ("hidden", "noise", "out")}
print(f"parameters: {model.count_params()} (hidden {counts['hidden']}, noise {counts['noise']}, out {counts['out']})")
# --8<-- [end:model]

# --8<-- [start:save]
import json
import zipfile

model.save("net.keras")  # the config from get_config, the class's registered name, the weights

config = json.loads(zipfile.ZipFile("net.keras").read("config.json"))
print("registered name:", config["registered_name"])
print("config:", {key: config["config"][key] for key in ("hidden", "classes", "stddev")})
# --8<-- [end:save]

# --8<-- [start:load]
restored = keras.models.load_model("net.keras")  # finds Net by its registered name
print("restored:", type(restored).__name__)

x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
before, after = model(x).numpy(), restored(x).numpy()  # training=False
print("max difference:", float(np.abs(before - after).max()))
print("outputs match:", np.allclose(before, after))
# --8<-- [end:load]

# --8<-- [start:missing]
import re


def show_error(err, *keywords):  # the error type, then each sentence of the message with a keyword
    print(type(err).__name__)
    for sentence in re.split(r"\n|(?<=\.) ", str(err)):
        if any(keyword in sentence for keyword in keywords):
            print(" ", sentence.strip())


class Offset(keras.layers.Layer):  # no @register_keras_serializable
    def build(self, input_shape):
        self.offset = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="offset")

    def call(self, inputs):
        return inputs + self.offset


shifted = keras.Sequential([keras.Input(shape=(4,)), MyDense(3), Offset()])
shifted.save("shifted.keras")  # saving works...
try:
    keras.models.load_model("shifted.keras")  # ...loading does not
except TypeError as err:
    show_error(err, "Could not locate", "Make sure custom", "imported")

reloaded = keras.models.load_model("shifted.keras", custom_objects={"Offset": Offset})
print("with custom_objects:", [type(layer).__name__ for layer in reloaded.layers])
# --8<-- [end:missing]
