# --8<-- [start:model]
import re
import zipfile

import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)

rng = np.random.default_rng(0)
x = rng.normal(size=(100, 4)).astype("float32")
y = (x @ rng.normal(size=(4, 3))).astype("float32")


def build_model(hidden=8):
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(hidden, activation="relu", name="hidden"),
            keras.layers.Dense(3, name="out"),
        ],
        name="net",
    )
    return model


model = build_model()
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
model.fit(x, y, batch_size=100, epochs=20, shuffle=False, verbose=0)  # 20 full-batch steps
print("parameters:", model.count_params())
# --8<-- [end:model]

# --8<-- [start:inspect]
for weight in model.weights:
    print(f"{weight.path:18} {weight.shape}")
# --8<-- [end:inspect]

# --8<-- [start:save]
model.save("model.keras")

print(zipfile.ZipFile("model.keras").namelist())
# --8<-- [end:save]

# --8<-- [start:load]
restored = keras.models.load_model("model.keras")  # no model code needed

before = model(x).numpy()
after = restored(x).numpy()
print("max difference:", float(np.abs(before - after).max()))
print("predictions match:", np.array_equal(before, after))
# --8<-- [end:load]

# --8<-- [start:weights]
def show_error(err, *keywords):
    # the error type, then each line or sentence of the message with a keyword
    print(type(err).__name__)
    for sentence in re.split(r"\n|(?<=\.) ", str(err)):
        if any(keyword in sentence for keyword in keywords):
            print(" ", sentence.strip())


model.save_weights("model.weights.h5")  # weights only, like a state_dict

fresh = build_model()  # the code that builds the model is needed again
fresh.load_weights("model.weights.h5")
print("max difference:", float(np.abs(fresh(x).numpy() - before).max()))

wider = build_model(hidden=16)
try:
    wider.load_weights("model.weights.h5")
except ValueError as err:
    show_error(err, "A total of", "Received")
# --8<-- [end:weights]

# --8<-- [start:whole-model]
doubled = keras.Sequential(
    [keras.Input(shape=(4,)), keras.layers.Lambda(lambda t: 2.0 * t), keras.layers.Dense(3)]
)
doubled.save("lambda_model.keras")  # stores the lambda's Python bytecode

try:
    keras.models.load_model("lambda_model.keras")
except ValueError as err:
    show_error(err, "Lambda", "safe_mode")
# --8<-- [end:whole-model]

# --8<-- [start:custom-class]
class Scale(keras.layers.Layer):
    def call(self, inputs):
        return 2.0 * inputs


scaled = keras.Sequential([keras.Input(shape=(4,)), Scale(), keras.layers.Dense(3)])
scaled.save("scaled_model.keras")
try:
    keras.models.load_model("scaled_model.keras")
except TypeError as err:
    show_error(err, "Could not locate")

reloaded = keras.models.load_model("scaled_model.keras", custom_objects={"Scale": Scale})
print("layers:", [type(layer).__name__ for layer in reloaded.layers])
# --8<-- [end:custom-class]

# --8<-- [start:trusted]
# Only for a file you made yourself or fully trust: the lambda's code will run.
unsafe = keras.models.load_model("lambda_model.keras", safe_mode=False)
print(type(unsafe).__name__)
# --8<-- [end:trusted]

# --8<-- [start:checkpoint]
model.save("checkpoint.keras")  # weights, optimizer state and compile settings

resumed = keras.models.load_model("checkpoint.keras")
print("optimizer steps:", int(resumed.optimizer.iterations))
# --8<-- [end:checkpoint]

# --8<-- [start:resume]
resumed.fit(x, y, batch_size=100, epochs=5, shuffle=False, verbose=0)  # carry on
model.fit(x, y, batch_size=100, epochs=5, shuffle=False, verbose=0)  # never interrupted

print("optimizer steps:", int(resumed.optimizer.iterations))
print("max difference:", float(np.abs(model(x).numpy() - resumed(x).numpy()).max()))
# --8<-- [end:resume]

# --8<-- [start:export]
model.export("exported", verbose=False)  # a TensorFlow SavedModel folder

served = tf.saved_model.load("exported")  # no Keras needed to load this
outputs = served.serve(tf.constant(x)).numpy()
print("max difference:", float(np.abs(model(x).numpy() - outputs).max()))
# --8<-- [end:export]

# --8<-- [start:exercise-no-optimizer]
model.save("exercise.keras")  # weights, optimizer state and compile settings
model.save_weights("exercise.weights.h5")  # the weights alone


def resume(with_optimizer_state):
    if with_optimizer_state:
        copy = keras.models.load_model("exercise.keras")
    else:
        copy = build_model()
        copy.load_weights("exercise.weights.h5")
        copy.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")  # a fresh Adam
    copy.fit(x, y, batch_size=100, epochs=5, shuffle=False, verbose=0)
    return copy


full, weights_only = resume(with_optimizer_state=True), resume(with_optimizer_state=False)
print("full checkpoint vs weights only, same predictions:",
      np.allclose(full(x).numpy(), weights_only(x).numpy()))
print(f"largest difference: {float(np.abs(full(x).numpy() - weights_only(x).numpy()).max()):.2f}")
# --8<-- [end:exercise-no-optimizer]

# --8<-- [start:exercise-other-build]
model.save_weights("net.weights.h5")
inputs = keras.Input(shape=(4,))  # the same layers, built as a functional model with default names
hidden = keras.layers.Dense(8, activation="relu")(inputs)
outputs = keras.layers.Dense(3)(hidden)
functional = keras.Model(inputs, outputs)
print([layer.name for layer in functional.layers[1:]])

functional.load_weights("net.weights.h5")  # matched by layer order, not by name
print("predictions match:", np.array_equal(model(x).numpy(), functional(x).numpy()))
# --8<-- [end:exercise-other-build]
