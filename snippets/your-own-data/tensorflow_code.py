# --8<-- [start:write-images]
from pathlib import Path

import numpy as np
from PIL import Image
from sklearn.datasets import load_digits

names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
digits = load_digits()
root = Path("digits")
for i in range(300):  # the first 300 digits, one PNG file each
    folder = root / names[digits.target[i]]  # e.g. digits/seven/
    folder.mkdir(parents=True, exist_ok=True)
    pixels = np.round(digits.images[i] * 255 / 16).astype(np.uint8)  # 0..16 -> 0..255
    Image.fromarray(pixels).save(folder / f"{i:04d}.png")  # a 2-D uint8 array is a grey image

files = sorted(root.glob("*/*.png"))
print(len(files), "files in", len({path.parent for path in files}), "folders")
with Image.open(files[0]) as first:
    print("first file:", files[0].as_posix(), "| size", first.size, "| mode", first.mode)
# --8<-- [end:write-images]

# --8<-- [start:dataset]
import keras
import tensorflow as tf

keras.utils.set_random_seed(0)
dataset = keras.utils.image_dataset_from_directory("digits")  # every argument left at its default
print("class names:", dataset.class_names)
images, labels = next(iter(dataset))
print("one batch:", tuple(images.shape), images.dtype.name, "| labels", tuple(labels.shape), labels.dtype.name)
# --8<-- [end:dataset]

# --8<-- [start:loader]
dataset = keras.utils.image_dataset_from_directory(
    "digits", image_size=(8, 8), color_mode="grayscale", batch_size=16, seed=0, verbose=False
)
images, labels = next(iter(dataset))
print("class names:", dataset.class_names)
print("files:", len(dataset.file_paths), "| batches per epoch:", len(dataset))
print("label batch:", tuple(labels.shape))
print("sum of all pixels:", sum(int(tf.reduce_sum(tf.cast(batch, tf.int64))) for batch, _ in dataset))
# --8<-- [end:loader]

# --8<-- [start:layout]
print("image batch (N, H, W, C):", tuple(images.shape), images.dtype.name)
print(f"pixel range {tf.reduce_min(images):.0f} to {tf.reduce_max(images):.0f}")
# --8<-- [end:layout]

# --8<-- [start:write-csv]
import csv

rng = np.random.default_rng(0)
area = rng.uniform(40, 200, 250).round(1)  # square metres
rooms = rng.integers(1, 7, 250)
distance = rng.exponential(5.0, 250).round(2)  # km to the centre
sold = (0.02 * area - 0.3 * distance + rng.normal(0, 1, 250) > 1).astype(int)
for name, rows in [("train.csv", slice(0, 200)), ("val.csv", slice(200, 250))]:
    with open(name, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["area", "rooms", "distance", "sold"])
        writer.writerows(zip(area[rows], rooms[rows], distance[rows], sold[rows]))
with open("train.csv") as handle:
    print(handle.read().splitlines()[:3])
# --8<-- [end:write-csv]

# --8<-- [start:read-csv]
def read_csv(path, shuffle):
    columns = tf.data.experimental.make_csv_dataset(
        path,
        batch_size=32,
        label_name="sold",
        column_defaults=["float32", "float32", "float32", "int32"],  # one dtype per column
        num_epochs=1,  # the default, None, repeats the file forever
        shuffle=shuffle,  # the default, True, shuffles the rows
        shuffle_seed=0,
    )
    names = list(columns.element_spec[0])  # a batch is a dict {column name: values} and the labels
    stacked = columns.map(lambda features, label: (tf.stack(list(features.values()), axis=1), label))
    return names, stacked


feature_names, train = read_csv("train.csv", shuffle=True)
_, val = read_csv("val.csv", shuffle=False)
features, labels = next(iter(train))
print("features:", feature_names)
print("rows: train", sum(len(y) for _, y in train), "| validation", sum(len(y) for _, y in val))
print("feature batch:", tuple(features.shape), "| label batch:", tuple(labels.shape))
# --8<-- [end:read-csv]

# --8<-- [start:normalise]
standardize = keras.layers.Normalization()
standardize.adapt(train.map(lambda x, y: x))  # statistics from the training rows only
print("mean:", [f"{v:.4g}" for v in standardize.mean.numpy().ravel().tolist()])
print("std: ", [f"{v:.4g}" for v in np.sqrt(standardize.variance.numpy()).ravel().tolist()])
for split, data in [("train", train), ("validation", val)]:
    out = np.concatenate([standardize(x).numpy() for x, _ in data])
    print(f"{split} after: mean", [round(v, 2) + 0.0 for v in out.mean(0).tolist()],
          "std", [round(v, 2) for v in out.std(0).tolist()])
# --8<-- [end:normalise]

# --8<-- [start:flip]
flip = keras.layers.RandomFlip("horizontal", seed=0)
mirrored = images[:, :, ::-1, :]  # axis 2 is the width axis of NHWC
out = flip(images)  # no training argument: augmentation layers then act as in training
kept_or_mirrored = all(np.array_equal(o, i) or np.array_equal(o, m) for o, i, m in zip(out, images, mirrored))
some_changed = not np.array_equal(out, images)
print("default call: each image kept or mirrored:", kept_or_mirrored, "| some changed:", some_changed)
print("inference: unchanged:", np.array_equal(flip(images, training=False), images))
# --8<-- [end:flip]

# --8<-- [start:affine]
keras.utils.set_random_seed(0)
augment = keras.Sequential([
    keras.layers.RandomTranslation(0.125, 0.125, fill_mode="constant", seed=0),  # up to 1 of 8 pixels
    keras.layers.RandomRotation(0.05, fill_mode="constant", seed=0),  # 0.05 of a full turn: 18 degrees
])
model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    augment,
    keras.layers.Conv2D(8, kernel_size=3, padding="same", activation="relu"),
    keras.layers.Flatten(), keras.layers.Dense(10),
])
a, b = augment(images, training=True), augment(images, training=True)
print("training: two calls differ:", not np.array_equal(a, b))
print("inference: input unchanged:", np.array_equal(augment(images, training=False), images))
print("model output:", model.predict(images / 255, verbose=0).shape)  # predict: training=False
# --8<-- [end:affine]

# --8<-- [start:exercise-missing-class]
import tempfile


def read_with_right_labels(root):
    """The folder as a data set, and how many files get the number that their digit has among the training classes."""
    data = keras.utils.image_dataset_from_directory(
        root, image_size=(8, 8), color_mode="grayscale", shuffle=False, verbose=False
    )
    labels = np.concatenate([y for _, y in data])  # shuffle=False: in the order of data.file_paths
    right = sum(dataset.class_names[label] == names[digits.target[int(Path(path).stem)]]
                for path, label in zip(data.file_paths, labels))
    return data, right


with tempfile.TemporaryDirectory() as tmp:
    val_root = Path(tmp) / "val"
    for i in range(300, 360):  # 60 digits that are not in the training folders
        if names[digits.target[i]] == "four":
            continue  # this validation set has no four
        folder = val_root / names[digits.target[i]]
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.round(digits.images[i] * 255 / 16).astype(np.uint8)).save(folder / f"{i:04d}.png")

    val_images, right = read_with_right_labels(val_root)
    print("as written:", len(val_images.class_names), "classes | right labels:", right,
          "of", len(val_images.file_paths))
    for name in dataset.class_names:  # every training class gets a folder, empty if it has no file
        (val_root / name).mkdir(exist_ok=True)
    val_images, right = read_with_right_labels(val_root)
    print("with the training folders:", len(val_images.class_names), "classes | right labels:", right,
          "of", len(val_images.file_paths))
# --8<-- [end:exercise-missing-class]

# --8<-- [start:exercise-new-layout]
import tempfile

with open("val.csv", newline="") as handle:
    rows = list(csv.DictReader(handle))  # the validation rows as text, one dict per row
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "new.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["distance", "area", "rooms", "sold"])  # another order, another separator
        for i, row in enumerate(rows):
            distance = "" if i in (3, 7) else row["distance"]  # two distances are missing
            writer.writerow([distance, row["area"], row["rooms"], row["sold"]])

    with open(path, newline="") as handle:
        header = next(csv.reader(handle, delimiter=";"))
    new = tf.data.experimental.make_csv_dataset(
        str(path), batch_size=32, label_name="sold", field_delim=";",
        column_defaults=[np.nan if name in feature_names else "int32" for name in header],  # empty field: nan
        num_epochs=1, shuffle=False,
    )
    X_new = np.concatenate([np.stack([x[name] for name in feature_names], axis=1) for x, _ in new])  # by name

mean = standardize.mean.numpy().ravel()  # the training means, in the page's column order
missing = np.isnan(X_new)
X_new = np.where(missing, mean, X_new)  # fill in the training mean, like the statistics
out = standardize(X_new).numpy()
complete = ~missing.any(axis=1)
X_val = np.concatenate([x for x, _ in val])  # val.csv as the page read it, not shuffled
print("rows:", len(out), "| missing values:", int(missing.sum()))
same = np.allclose(out[complete], standardize(X_val).numpy()[complete])
print("complete rows match val.csv standardised:", same)
print("filled values after standardising:", out[missing].tolist())
# --8<-- [end:exercise-new-layout]
