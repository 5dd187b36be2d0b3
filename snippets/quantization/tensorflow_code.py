# --8<-- [start:model]
import os

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(0)

digits = load_digits()  # 1,797 images of 8x8 pixels
features = (digits.data / 16).astype("float32")
labels = digits.target
x_train, x_test, y_train, y_test = train_test_split(features, labels, test_size=0.25, random_state=0, stratify=labels)

def make_model():
    return keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(10),
    ])


model = make_model()
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x_train, y_train, batch_size=64, epochs=10, verbose=0)


def accuracy(model):
    return float(np.mean(np.argmax(model(x_test), axis=1) == y_test))


def saved_size(model, path):
    model.save_weights(path)
    return os.path.getsize(path)


# A trained model's weights file also holds the optimizer's state: a copy without it is what you ship.
deployed = make_model()
deployed.set_weights(model.get_weights())

results = {"float32": (saved_size(deployed, "float32.weights.h5"), accuracy(deployed))}
print(f"parameters: {deployed.count_params():,}")
print(f"float32: {results['float32'][0]:,} bytes on disk, test accuracy {results['float32'][1]:.3f}")
print(f"(with the optimizer's state: {saved_size(model, 'trained.weights.h5'):,} bytes)")
# --8<-- [end:model]

# --8<-- [start:int8]
# Only the Dense layers: the Input layer has no int8 version, and model.quantize would warn about it.
deployed.quantize("int8", filters=lambda layer: isinstance(layer, keras.layers.Dense))  # in place
print("dtype policy of each Dense layer:", deployed.layers[0].dtype_policy.name)

results["Keras int8"] = (saved_size(deployed, "int8.weights.h5"), accuracy(deployed))
print(f"int8: {results['Keras int8'][0]:,} bytes on disk, test accuracy {results['Keras int8'][1]:.3f}")
# --8<-- [end:int8]

# --8<-- [start:inside]
layer = deployed.layers[0]
q, scale = layer.kernel, layer.kernel_scale  # int8 values plus scales
print(f"first layer: {q.numpy().size:,} {q.dtype} weights ({q.numpy().nbytes:,} bytes)",
      f"and {scale.numpy().size} scales, one per output")

dequantized = q.numpy() / scale.numpy()  # int8 value divided by its output's scale
error = np.abs(dequantized - model.layers[0].kernel.numpy()).max()
print("rounding error at most half a step:", bool(error <= (1 / scale.numpy()).max() / 2 + 1e-7))
# --8<-- [end:inside]

# --8<-- [start:static]
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

model.export("saved_model", verbose=False)


def representative_dataset():  # a few hundred real inputs: LiteRT measures each tensor's range on them
    for example in x_train[:200]:
        yield [example[None, :]]


converter = tf.lite.TFLiteConverter.from_saved_model("saved_model")
with open("float32.tflite", "wb") as f:
    f.write(converter.convert())  # a float32 LiteRT file, for comparison

converter.optimizations = [tf.lite.Optimize.DEFAULT]
converter.representative_dataset = representative_dataset
converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]  # integer operations only
converter.inference_input_type = tf.int8  # int8 inputs and outputs too
converter.inference_output_type = tf.int8
with open("int8.tflite", "wb") as f:
    f.write(converter.convert())

tensor_types = {t["dtype"].__name__ for t in Interpreter(model_path="int8.tflite").get_tensor_details()}
print("tensor types in int8.tflite:", sorted(tensor_types))


def litert_accuracy(path):
    runner = Interpreter(model_path=path).get_signature_runner("serving_default")  # the LiteRT runtime
    (name, details), = runner.get_input_details().items()
    inputs = x_test
    if details["dtype"] == np.int8:  # int8 inputs: float = scale * (int8 - zero_point)
        scale, zero_point = details["quantization"]
        inputs = np.clip(np.round(x_test / scale + zero_point), -128, 127).astype(np.int8)
    scores = runner(**{name: inputs})["output_0"]  # int8 scores keep their order, which is all argmax needs
    return float(np.mean(scores.argmax(axis=1) == y_test))


results["LiteRT float32"] = (os.path.getsize("float32.tflite"), litert_accuracy("float32.tflite"))
results["LiteRT int8"] = (os.path.getsize("int8.tflite"), litert_accuracy("int8.tflite"))
for name in ["LiteRT float32", "LiteRT int8"]:
    print(f"{name}: {results[name][0]:,} bytes on disk, test accuracy {results[name][1]:.3f}")
# --8<-- [end:static]

# --8<-- [start:summary]
for name, (size, test_accuracy) in results.items():
    print(f"{name:>14}: {size:>7,} bytes, accuracy {test_accuracy:.3f}")
print(f"int8 against float32: Keras {results['float32'][0] / results['Keras int8'][0]:.1f}x smaller,",
      f"LiteRT {results['LiteRT float32'][0] / results['LiteRT int8'][0]:.1f}x smaller")
# --8<-- [end:summary]
