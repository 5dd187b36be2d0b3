# %% [markdown]
# # Digits classifier, end to end (TensorFlow)
#
# The same small convolutional network as the [PyTorch notebook](../digits-pytorch/), in Keras, on scikit-learn's
# 1,797 handwritten digits (8x8 pixels, shipped with the package). This notebook is executed every time the site is
# built, so every number and picture below comes from that run. The step-by-step explanation is on
# [Your first real model](../../first-model/).

# %%
import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(0)

# %% [markdown]
# ## Data
# Pixels are scaled to [0, 1]; Keras wants images as (batch, height, width, channels).

# %%
digits = load_digits()
images = (digits.images / 16.0).astype("float32")[..., None]  # NHWC
x_train, x_test, y_train, y_test = train_test_split(images, digits.target, test_size=0.25, random_state=0)
print("train", x_train.shape, "test", x_test.shape)

# %% [markdown]
# ## Model and training
# The model returns logits, so the loss is told `from_logits=True`.

# %%
model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(),
    keras.layers.Dense(10),
])
model.compile(
    optimizer=keras.optimizers.Adam(0.01),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = model.fit(x_train, y_train, batch_size=32, epochs=15, validation_data=(x_test, y_test), verbose=0).history
print(f"test accuracy after {len(history['loss'])} epochs: {history['val_accuracy'][-1]:.3f}")

# %% [markdown]
# ## Training curve

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
left.plot(range(1, 16), history["loss"], marker="o")
left.set(xlabel="epoch", ylabel="training loss", title="Loss")
right.plot(range(1, 16), history["val_accuracy"], marker="o", color="tab:green")
right.set(xlabel="epoch", ylabel="test accuracy", title="Accuracy")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Confusion matrix
# Rows are the true digits, columns the predicted ones; everything off the diagonal is a mistake.

# %%
predicted = model.predict(x_test, verbose=0).argmax(axis=1)
matrix = confusion_matrix(y_test, predicted)
ConfusionMatrixDisplay(matrix).plot(colorbar=False)
plt.title("TensorFlow: test set")
plt.show()
mistakes = matrix - np.diag(np.diag(matrix))
true, guess = np.unravel_index(mistakes.argmax(), mistakes.shape)
print(f"most frequent mistake: {true} read as {guess} (count: {mistakes[true, guess]})")
