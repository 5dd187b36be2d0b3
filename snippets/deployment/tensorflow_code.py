# --8<-- [start:model]
import os
import warnings

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)

model = keras.Sequential(
    [
        keras.Input(shape=(4,), name="features"),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(3),
    ]
)

x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")  # 5 examples, 4 features
expected = model(x).numpy()  # every export below must reproduce this


def check(label, outputs):
    difference = np.abs(np.asarray(outputs) - expected).max()
    print(f"{label}: max abs difference < 1e-5: {difference < 1e-5}")


print("parameters:", model.count_params())
print("output shape:", expected.shape)
# --8<-- [end:model]

# --8<-- [start:export]
model.export("saved_model", verbose=False)  # a SavedModel folder: graph + weights
print("files:", sorted(os.listdir("saved_model")))

served = tf.saved_model.load("saved_model")  # no Keras and no model code needed
check("SavedModel", served.serve(x))

for file_format in ["?", "torch"]:  # ask for an unknown format, then one this backend cannot write
    try:
        model.export("exported_model", format=file_format)
    except ValueError as err:
        print(err)
# --8<-- [end:export]

# --8<-- [start:batch-size]
print("input spec:", served.serve.input_signature[0])

print("2 examples ->", tuple(served.serve(x[:2]).shape))
print("7 examples ->", tuple(served.serve(np.zeros((7, 4), "float32")).shape))
# --8<-- [end:batch-size]

# --8<-- [start:file]
print("signatures:", list(served.signatures))

serving_default = served.signatures["serving_default"]  # what TF Serving calls
results = serving_default(features=tf.constant(x))  # named inputs, named outputs
print("outputs:", list(results))
check("serving_default", results["output_0"])
# --8<-- [end:file]

# --8<-- [start:portable]
from ai_edge_litert.interpreter import Interpreter

converter = tf.lite.TFLiteConverter.from_saved_model("saved_model")
with open("model.tflite", "wb") as f:
    f.write(converter.convert())  # a LiteRT (.tflite) flatbuffer

interpreter = Interpreter(model_path="model.tflite")  # the LiteRT runtime, not TensorFlow
runner = interpreter.get_signature_runner("serving_default")
check("LiteRT", runner(features=x)["output_0"])
# --8<-- [end:portable]

# --8<-- [start:inspect]
print("signatures:", interpreter.get_signature_list())

details = runner.get_input_details()["features"]
print("input: features", details["shape_signature"].tolist(), details["dtype"].__name__)
print("2 examples ->", runner(features=x[:2])["output_0"].shape)
# --8<-- [end:inspect]

# --8<-- [start:deprecated]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    old = tf.lite.Interpreter(model_path="model.tflite")  # the interpreter inside TensorFlow

first = caught[0]
print(first.category.__name__)
message = " ".join(str(first.message).split())  # the message spans several lines
print(message.split(". ")[0] + ".")
print(message.split(". ")[1] + ".")
# --8<-- [end:deprecated]
