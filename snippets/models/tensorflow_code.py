# --8<-- [start:layer]
import numpy as np
import keras

keras.utils.set_random_seed(0)

layer = keras.layers.Dense(128)  # only the output size: the input size comes later
print("built:", layer.built, "| weights:", len(layer.weights))
layer(np.zeros((2, 784), dtype="float32"))  # the first call creates the weights
print("kernel:", tuple(layer.kernel.shape), "| bias:", tuple(layer.bias.shape))
# --8<-- [end:layer]

# --8<-- [start:sequential]
model = keras.Sequential([
    keras.Input(shape=(784,)),  # each example has 784 features
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10),  # 10 raw scores (logits), no softmax
])
print(f"parameters: {model.count_params():,}")
# --8<-- [end:sequential]

# --8<-- [start:functional]
inputs = keras.Input(shape=(784,), name="pixels")
x = keras.layers.Dense(128, activation="relu", name="hidden")(inputs)
outputs = keras.layers.Dense(10, name="out")(x)  # logits
model = keras.Model(inputs=inputs, outputs=outputs, name="mlp")
print(f"parameters: {model.count_params():,}")
# --8<-- [end:functional]

# --8<-- [start:subclass]
class MLPWithFeatures(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(128, activation="relu", name="hidden")
        self.out = keras.layers.Dense(10, name="out")

    def call(self, x, return_features=False):
        features = self.hidden(x)
        logits = self.out(features)
        if return_features:  # ordinary Python decides what to return
            return logits, features
        return logits


feature_model = MLPWithFeatures()
feature_model(keras.Input(shape=(784,)))  # calling it on an Input creates the weights
logits, features = feature_model(np.zeros((2, 784), dtype="float32"), return_features=True)
print(f"parameters: {feature_model.count_params():,}")
print("logits:", tuple(logits.shape), "| features:", tuple(features.shape))
# --8<-- [end:subclass]

# --8<-- [start:parameters]
for weight in model.weights:
    print(f"{weight.path:14} {tuple(weight.shape)}")
# --8<-- [end:parameters]

# --8<-- [start:forward]
batch = np.zeros((2, 784), dtype="float32")  # 2 examples of 784 features
logits = model(batch)  # calling the model runs its layers
print("output shape:", tuple(logits.shape))
# --8<-- [end:forward]

# --8<-- [start:probabilities]
rng = np.random.default_rng(0)
inputs = rng.normal(size=(2, 784)).astype(np.float32)
logits = model(inputs).numpy()
probs = keras.ops.softmax(logits, axis=1).numpy()  # applied outside the model
print("logits can be negative:", bool((logits < 0).any()))
print("probabilities in [0, 1]:", bool(((probs >= 0) & (probs <= 1)).all()))
print("row sums:", " ".join(f"{s:.2f}" for s in probs.sum(axis=1)))
print("same predicted class:", bool((logits.argmax(axis=1) == probs.argmax(axis=1)).all()))
# --8<-- [end:probabilities]

# --8<-- [start:wrong-size]
try:
    model(np.zeros((2, 783), dtype="float32"))  # one feature short
except ValueError as err:
    print(type(err).__name__, ":", str(err).splitlines()[0])
# --8<-- [end:wrong-size]

# --8<-- [start:input-shape]
import warnings

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")  # record the warning even if it was shown before
    old_style = keras.Sequential([keras.layers.Dense(128, input_shape=(784,)), keras.layers.Dense(10)])
for warning in caught:
    print(warning.category.__name__, ":", str(warning.message).splitlines()[0])
print(f"the model still builds: {old_style.count_params():,} parameters")
# --8<-- [end:input-shape]

# --8<-- [start:cnn]
cnn = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),  # height, width, channels
    keras.layers.Conv2D(32, kernel_size=3, activation="relu"),  # 32 filters of 3x3
    keras.layers.Flatten(),
    keras.layers.Dense(10),
])
print(f"parameters: {cnn.count_params():,}")
# --8<-- [end:cnn]

# --8<-- [start:layout]
images = np.zeros((2, 28, 28, 1), dtype="float32")  # NHWC: batch, height, width, channels
print("input:", tuple(images.shape))
print("after conv:", tuple(cnn.layers[0](images).shape))
print("output:", tuple(cnn(images).shape))
# --8<-- [end:layout]

# --8<-- [start:exercise-count]
by_hand = (784 * 256 + 256) + (256 * 64 + 64) + (64 * 10 + 10)  # weights + biases of each layer
deeper = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="relu"),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(10),
])
counted = deeper.count_params()
print(f"by hand: {by_hand:,} | counted: {counted:,} | equal: {by_hand == counted}")
# --8<-- [end:exercise-count]

# --8<-- [start:exercise-forward]
hidden_layer, out_layer = model.get_layer("hidden"), model.get_layer("out")
hidden = keras.ops.relu(inputs @ hidden_layer.kernel + hidden_layer.bias)  # kernel is (in, out): no transpose
logits_by_hand = (hidden @ out_layer.kernel + out_layer.bias).numpy()
print("kernels:", tuple(hidden_layer.kernel.shape), tuple(out_layer.kernel.shape))
print("same logits as model(inputs):", np.allclose(logits_by_hand, model(inputs).numpy(), atol=1e-5))
# --8<-- [end:exercise-forward]

# --8<-- [start:exercise-conv-size]
import math

size = math.ceil(28 / 2)  # padding="same": ceil(input / stride), whatever the kernel
conv = keras.layers.Conv2D(8, kernel_size=5, strides=2, padding="same")
print("by the formula:", size)
print("output:", tuple(conv(np.zeros((2, 28, 28, 1), dtype="float32")).shape))  # NHWC
# --8<-- [end:exercise-conv-size]
