# --8<-- [start:eager]
import tensorflow as tf

print("executing eagerly:", tf.executing_eagerly())
x = tf.constant([1.0, 2.0, 3.0])
y = x * 2  # computed on this line: no graph to build, no session to run
print("values right away:", y.numpy().tolist())
# --8<-- [end:eager]

# --8<-- [start:legacy]
import keras

print("tf.keras is the keras package:", tf.keras.Sequential is keras.Sequential)
print("Keras major version:", keras.version().split(".")[0])
# --8<-- [end:legacy]

# --8<-- [start:adam]
optimizer = keras.optimizers.Adam()
print("Adam eps:", optimizer.epsilon)
# --8<-- [end:adam]

# --8<-- [start:tensorboard]
from importlib import metadata

distribution = metadata.packages_distributions()["tensorflow"][0]  # tensorflow or tensorflow-cpu
requirements = [r for r in metadata.requires(distribution) or [] if "extra ==" not in r]
print("tensorboard among its requirements:", any(r.lower().startswith("tensorboard") for r in requirements))
# --8<-- [end:tensorboard]
