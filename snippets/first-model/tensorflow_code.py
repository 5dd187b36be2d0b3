# --8<-- [start:data]
import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

keras.utils.set_random_seed(0)
digits = load_digits()  # 1,797 images of 8x8 pixels, shipped with scikit-learn
images = (digits.images / 16.0).astype(np.float32)  # pixel values 0..16 -> 0..1
x_train, x_test, y_train, y_test = train_test_split(
    images, digits.target, test_size=0.25, random_state=0, stratify=digits.target
)
print("train", x_train.shape, "test", x_test.shape)
print(f"pixel range {x_train.min():.1f} to {x_train.max():.1f}, classes {len(np.unique(y_train))}")
# --8<-- [end:data]

# --8<-- [start:layout]
# Keras wants (batch, height, width, channels): NHWC, "channels_last"
xk_train = x_train[..., np.newaxis]
xk_test = x_test[..., np.newaxis]
print("train images", xk_train.shape, "labels", y_train.shape)
# --8<-- [end:layout]

# --8<-- [start:model]
def make_model(activation=None):
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(16, kernel_size=3, padding="same", activation="relu"),  # (N, 8, 8, 16)
        keras.layers.MaxPooling2D(2),  # -> (N, 4, 4, 16)
        keras.layers.Flatten(),  # -> (N, 256)
        keras.layers.Dense(10, activation=activation),  # 10 scores (logits) unless told otherwise
    ])


model = make_model()
print(f"total parameters: {model.count_params():,}")
# --8<-- [end:model]

# --8<-- [start:weights]
for w in model.weights:
    print(f"{w.path:25} {str(tuple(w.shape)):15} {int(np.prod(w.shape)):5,}")
# --8<-- [end:weights]

# --8<-- [start:loss]
logits = model(xk_train[:8])  # raw scores from the untrained model
print("logits", tuple(logits.shape))
from_logits = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
from_probs = keras.losses.SparseCategoricalCrossentropy()  # default: from_logits=False
print(f"from_logits=True on logits        {float(from_logits(y_train[:8], logits)):.4f}")
probs = keras.ops.softmax(logits)
print(f"default on softmax(logits)        {float(from_probs(y_train[:8], probs)):.4f}")
# --8<-- [end:loss]

# --8<-- [start:binary]
# A yes/no question ("is this digit a 0?"): one logit per example, labels 1.0 or 0.0
scores = np.array([[2.0], [-1.0], [0.5], [-3.0], [1.5]], dtype="float32")  # what a final Dense(1) gives
is_zero = np.array([[1.0], [0.0], [0.0], [0.0], [1.0]], dtype="float32")
binary_from_logits = keras.losses.BinaryCrossentropy(from_logits=True)(is_zero, scores)
binary_from_probs = keras.losses.BinaryCrossentropy()(is_zero, keras.ops.sigmoid(scores))  # default: probabilities
print(f"binary loss from logits          {float(binary_from_logits):.4f}")
print(f"binary loss from probabilities   {float(binary_from_probs):.4f}")
# --8<-- [end:binary]

# --8<-- [start:train]
def train(model, loss_fn, epochs=5):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss=loss_fn)
    history = model.fit(xk_train, y_train, batch_size=32, epochs=epochs, verbose=0)
    return history.history["loss"]


losses = train(model, keras.losses.SparseCategoricalCrossentropy(from_logits=True))
print("loss per epoch:", " ".join(f"{v:.2f}" for v in losses))
# --8<-- [end:train]

# --8<-- [start:evaluate]
predicted = model.predict(xk_test, verbose=0).argmax(axis=1)
print(f"test accuracy: {(predicted == y_test).mean():.2f}")
# --8<-- [end:evaluate]

# --8<-- [start:confusion]
from sklearn.metrics import confusion_matrix

cm = confusion_matrix(y_test, predicted)
per_class = cm.diagonal() / cm.sum(axis=1)
print("per-class accuracy:", " ".join(f"{d}:{a:.2f}" for d, a in enumerate(per_class)))
off = cm - np.diag(cm.diagonal())
true, pred = np.unravel_index(off.argmax(), off.shape)
print(f"most confused: {off[true, pred]} test images of {true} predicted as {pred}")
# --8<-- [end:confusion]

# --8<-- [start:mistake]
import warnings

logits = model.predict(xk_test[:8], verbose=0)  # the trained model's raw scores
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    right = from_logits(y_test[:8], logits)
    wrong = from_probs(y_test[:8], logits)  # the bug: logits treated as probabilities
print(f"from_logits=True on logits:        {float(right):.4f}")
print(f"from_logits=False on logits:       {float(wrong):.4f}")
print("warnings:", [str(w.message) for w in caught])

softmax_model = make_model(activation="softmax")  # the opposite mix-up
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from_logits(y_test[:8], softmax_model(xk_test[:8]))
print("softmax output + from_logits=True warns:", caught[0].message)
# --8<-- [end:mistake]

# --8<-- [start:mistake-training]
keras.utils.set_random_seed(0)
bad_model = make_model()
bad_losses = train(bad_model, keras.losses.SparseCategoricalCrossentropy())  # the bug
bad_scores = bad_model.predict(xk_test, verbose=0)
print("correct loss per epoch:", " ".join(f"{v:.2f}" for v in losses))
print("logits, no from_logits:", " ".join(f"{v:.2f}" for v in bad_losses))
print(f"test accuracy with the bug: {(bad_scores.argmax(axis=1) == y_test).mean():.2f}")
print("every score below zero:", bool((bad_scores < 0).all()))
# --8<-- [end:mistake-training]

# --8<-- [start:predict]
probs = keras.ops.convert_to_numpy(keras.ops.softmax(model.predict(xk_test[:3], verbose=0)))
for p, label in zip(probs, y_test[:3]):
    print(f"true {label}  predicted {p.argmax()}  probability {p.max():.2f}  sum {p.sum():.2f}")
# --8<-- [end:predict]

# --8<-- [start:exercise-confusion-by-hand]
by_hand = np.zeros((10, 10), dtype=int)
for t, p in zip(y_test, predicted):
    by_hand[t, p] += 1  # row: true digit, column: predicted digit
print("same as confusion_matrix:", np.array_equal(by_hand, cm))
print("row sums = test images per digit:", np.array_equal(by_hand.sum(axis=1), np.bincount(y_test)))
print("diagonal / total = accuracy:", np.isclose(np.trace(by_hand) / by_hand.sum(), (predicted == y_test).mean()))
# --8<-- [end:exercise-confusion-by-hand]

# --8<-- [start:exercise-loss-by-hand]
logits = model.predict(xk_test[:8], verbose=0).astype(np.float64)  # float64 for the comparison
labels = y_test[:8]
shift = logits.max(axis=1, keepdims=True)
log_sum_exp = shift[:, 0] + np.log(np.exp(logits - shift).sum(axis=1))  # shifted: no overflow
by_hand = (log_sum_exp - logits[np.arange(8), labels]).mean()  # -log p(right digit)
library = float(from_logits(labels, logits))
print(f"by hand {by_hand:.4f}, from_logits=True {library:.4f}")
print("equal:", np.isclose(by_hand, library))
# --8<-- [end:exercise-loss-by-hand]
