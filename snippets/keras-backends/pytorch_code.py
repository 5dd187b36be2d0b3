# --8<-- [start:backend]
import os

os.environ["KERAS_BACKEND"] = "torch"  # choose the engine BEFORE importing Keras

import keras

print("backend:", keras.config.backend())

os.environ["KERAS_BACKEND"] = "jax"  # too late: Keras has already picked its engine
print("backend:", keras.config.backend())
# --8<-- [end:backend]

# --8<-- [start:data]
import numpy as np

rng = np.random.default_rng(0)
x = rng.normal(size=(256, 8)).astype("float32")  # 256 examples, 8 features
y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype("int32")  # two classes, 0 and 1

print("x:", x.shape, x.dtype, "| share of class 1:", round(float(y.mean()), 3))
# --8<-- [end:data]

# --8<-- [start:model]
keras.utils.set_random_seed(0)


def build_model():
    model = keras.Sequential(
        [
            keras.Input(shape=(8,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(2),  # logits for the two classes
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


model = build_model()
print("parameters:", model.count_params())
print("image layout:", keras.config.image_data_format())  # Keras's default on every backend
# --8<-- [end:model]

# --8<-- [start:init]
kernel = model.layers[0].kernel  # the first layer's weights, 8 x 16
print(f"first kernel, sum of weights: {float(kernel.numpy().sum()):.3f}")
# --8<-- [end:init]

# --8<-- [start:train]
history = model.fit(x, y, epochs=5, batch_size=64, shuffle=False, verbose=0)

print("loss per epoch:", [round(loss, 4) for loss in history.history["loss"]])
print("accuracy:", round(history.history["accuracy"][-1], 3))
# --8<-- [end:train]

# --8<-- [start:same-start]
start = np.random.default_rng(1)  # the same starting weights on every backend
twin = build_model()
twin.set_weights([start.normal(scale=0.3, size=w.shape).astype("float32") for w in twin.get_weights()])

history = twin.fit(x, y, epochs=5, batch_size=64, shuffle=False, verbose=0)
print("loss per epoch:", [round(loss, 4) for loss in history.history["loss"]])
print("accuracy:", round(history.history["accuracy"][-1], 3))
# --8<-- [end:same-start]

# --8<-- [start:engine]
import torch

print("a torch.nn.Module:", isinstance(model, torch.nn.Module))
print("model.parameters():", len(list(model.parameters())), "tensors,",
      sum(p.numel() for p in model.parameters()), "numbers")
print("each weight is a", type(model.trainable_variables[0].value).__name__)
# --8<-- [end:engine]

# --8<-- [start:native]
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)  # a PyTorch optimizer
inputs = keras.ops.convert_to_tensor(x)  # a torch.Tensor, on the device Keras uses
labels = keras.ops.convert_to_tensor(y).long()

for step in range(3):  # a plain PyTorch training loop around the Keras model
    optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(inputs), labels)
    loss.backward()
    optimizer.step()
    print(f"step {step}: loss {loss.item():.4f}")
# --8<-- [end:native]
