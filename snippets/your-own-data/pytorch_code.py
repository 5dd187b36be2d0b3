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
import torch


class FolderDataset(torch.utils.data.Dataset):
    """Images stored as root/<class name>/<file>.png; labels follow the sorted folder names."""

    def __init__(self, root):
        self.class_names = sorted(path.name for path in Path(root).iterdir() if path.is_dir())
        self.samples = [
            (path, label)
            for label, name in enumerate(self.class_names)
            for path in sorted((Path(root) / name).glob("*.png"))
        ]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        path, label = self.samples[index]
        with Image.open(path) as image:  # the file is read only when this example is asked for
            pixels = np.asarray(image.convert("L"), dtype=np.float32)  # (H, W), values 0..255
        return torch.from_numpy(pixels).unsqueeze(0), label  # (1, H, W): channels first


dataset = FolderDataset("digits")
print("class names:", dataset.class_names)
image, label = dataset[0]
print("one example:", tuple(image.shape), image.dtype, "| label", label, "=", dataset.class_names[label])
# --8<-- [end:dataset]

# --8<-- [start:loader]
loader = torch.utils.data.DataLoader(
    dataset, batch_size=16, shuffle=True, generator=torch.Generator().manual_seed(0)
)
images, labels = next(iter(loader))
print("class names:", dataset.class_names)
print("files:", len(dataset), "| batches per epoch:", len(loader))
print("label batch:", tuple(labels.shape))
print("sum of all pixels:", sum(int(batch.to(torch.int64).sum()) for batch, _ in loader))
# --8<-- [end:loader]

# --8<-- [start:layout]
print("image batch (N, C, H, W):", tuple(images.shape), images.dtype)
print(f"pixel range {images.min():.0f} to {images.max():.0f}")
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
def read_csv(path):
    with open(path, newline="") as handle:
        header = next(csv.reader(handle))
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
    features = torch.from_numpy(table[:, :-1])
    labels = torch.from_numpy(table[:, -1]).long()
    return header[:-1], features, labels


feature_names, X_train, y_train = read_csv("train.csv")
_, X_val, y_val = read_csv("val.csv")
train_loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(X_train, y_train),
    batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0),
)
features, labels = next(iter(train_loader))
print("features:", feature_names)
print("rows: train", len(X_train), "| validation", len(X_val))
print("feature batch:", tuple(features.shape), "| label batch:", tuple(labels.shape))
# --8<-- [end:read-csv]

# --8<-- [start:normalise]
class Standardize(torch.nn.Module):
    """(x - mean) / std, with the statistics stored in the module's state_dict."""

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)

    def forward(self, x):
        return (x - self.mean) / self.std


# statistics from the training rows only; correction=0 divides by n, as Keras does
standardize = Standardize(X_train.mean(0), X_train.std(0, correction=0))
print("mean:", [f"{v:.4g}" for v in standardize.mean.tolist()])
print("std: ", [f"{v:.4g}" for v in standardize.std.tolist()])
for split, X in [("train", X_train), ("validation", X_val)]:
    out = standardize(X)
    print(f"{split} after: mean", [round(v, 2) + 0.0 for v in out.mean(0).tolist()],
          "std", [round(v, 2) for v in out.std(0, correction=0).tolist()])
# --8<-- [end:normalise]

# --8<-- [start:flip]
class RandomFlip(torch.nn.Module):
    """Mirror each image left-right with probability 0.5, in training mode only."""

    def __init__(self, generator):
        super().__init__()
        self.generator = generator

    def forward(self, images):  # (N, C, H, W)
        if not self.training:
            return images
        flip = torch.rand(len(images), generator=self.generator) < 0.5
        return torch.where(flip[:, None, None, None], torch.flip(images, dims=[3]), images)


flip = RandomFlip(torch.Generator().manual_seed(0))  # a new module starts in training mode
mirrored = torch.flip(images, dims=[3])  # dims=[3] is the width axis of NCHW
out = flip(images)
kept_or_mirrored = all(torch.equal(o, i) or torch.equal(o, m) for o, i, m in zip(out, images, mirrored))
some_changed = not torch.equal(out, images)
print("default call: each image kept or mirrored:", kept_or_mirrored, "| some changed:", some_changed)
flip.eval()
print("inference: unchanged:", torch.equal(flip(images), images))
# --8<-- [end:flip]

# --8<-- [start:affine]
import math

import torch.nn.functional as F


class RandomShiftRotate(torch.nn.Module):
    """Shift by up to `max_shift` of the image size and rotate by up to `max_degrees`, in training only."""

    def __init__(self, max_shift, max_degrees, generator):
        super().__init__()
        self.max_shift, self.max_degrees, self.generator = max_shift, max_degrees, generator

    def forward(self, images):  # (N, C, H, W)
        if not self.training:
            return images
        n = len(images)
        angle = (2 * torch.rand(n, generator=self.generator) - 1) * math.radians(self.max_degrees)
        shift = (2 * torch.rand(n, 2, generator=self.generator) - 1) * 2 * self.max_shift  # image spans -1..1
        cos, sin = torch.cos(angle), torch.sin(angle)
        theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
        grid = F.affine_grid(theta, list(images.shape), align_corners=False)
        return F.grid_sample(images, grid, padding_mode="zeros", align_corners=False)  # empty pixels: 0


torch.manual_seed(0)
model = torch.nn.Sequential(
    RandomShiftRotate(max_shift=0.125, max_degrees=18, generator=torch.Generator().manual_seed(0)),
    torch.nn.Conv2d(1, 8, kernel_size=3, padding=1), torch.nn.ReLU(),
    torch.nn.Flatten(), torch.nn.Linear(8 * 8 * 8, 10),
)
augment = model[0]
augment.train()
print("training: two calls differ:", not torch.equal(augment(images), augment(images)))
model.eval()  # switches the augmentation off with the rest of the model
print("inference: input unchanged:", torch.equal(augment(images), images))
with torch.no_grad():
    print("model output:", tuple(model(images / 255).shape))
# --8<-- [end:affine]

# --8<-- [start:exercise-missing-class]
import tempfile


def right_labels(data):
    """How many files get the number that their digit has among the training classes."""
    return sum(dataset.class_names[label] == names[digits.target[int(path.stem)]] for path, label in data.samples)


with tempfile.TemporaryDirectory() as tmp:
    val_root = Path(tmp) / "val"
    for i in range(300, 360):  # 60 digits that are not in the training folders
        if names[digits.target[i]] == "four":
            continue  # this validation set has no four
        folder = val_root / names[digits.target[i]]
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.round(digits.images[i] * 255 / 16).astype(np.uint8)).save(folder / f"{i:04d}.png")

    val_images = FolderDataset(val_root)
    print("as written:", len(val_images.class_names), "classes | right labels:", right_labels(val_images),
          "of", len(val_images))
    for name in dataset.class_names:  # every training class gets a folder, empty if it has no file
        (val_root / name).mkdir(exist_ok=True)
    val_images = FolderDataset(val_root)
    print("with the training folders:", len(val_images.class_names), "classes | right labels:",
          right_labels(val_images), "of", len(val_images))
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
    table = np.genfromtxt(path, delimiter=";", skip_header=1, dtype=np.float32)  # an empty field becomes nan

X_new = torch.from_numpy(table[:, [header.index(name) for name in feature_names]])  # columns by name
missing = torch.isnan(X_new)
X_new = torch.where(missing, standardize.mean, X_new)  # fill in the training mean, like the statistics
out = standardize(X_new)
complete = ~missing.any(dim=1)
print("rows:", len(out), "| missing values:", int(missing.sum()))
same = torch.allclose(out[complete], standardize(X_val)[complete])
print("complete rows match val.csv standardised:", same)
print("filled values after standardising:", out[missing].tolist())
# --8<-- [end:exercise-new-layout]
