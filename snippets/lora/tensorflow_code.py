# --8<-- [start:model]
import keras
import numpy as np

keras.utils.set_random_seed(0)

text = "low-rank adapters learn a new task while the big model stays frozen. " * 2
chars = sorted(set(text))  # the vocabulary: one token per character
ids = np.array([[chars.index(c) for c in text]])  # one sequence of token ids
x, y = ids[:, :-1], ids[:, 1:]  # each position predicts the next token

# A tiny GPT-style model, 2 blocks, 32-wide, 4 heads, built from Keras layers. Its weights are random:
# in real work they would come from a pretrained model.
layers = keras.layers
width, heads = 32, 4
tokens = keras.Input(shape=(None,), dtype="int32")
positions = keras.ops.cumsum(keras.ops.ones_like(tokens), axis=1) - 1  # 0, 1, 2, ... computed in the graph
h = layers.Embedding(len(chars), width)(tokens) + layers.Embedding(len(text), width)(positions)
for i in range(2):
    a = layers.LayerNormalization()(h)
    h = h + layers.MultiHeadAttention(heads, width // heads, name=f"attention{i}")(a, a, use_causal_mask=True)
    f = layers.Dense(2 * width, name=f"up{i}")(layers.LayerNormalization()(h))
    h = h + layers.Dense(width, name=f"down{i}")(keras.ops.relu(f))
logits = layers.Dense(len(chars), name="head")(layers.LayerNormalization()(h))
model = keras.Model(tokens, logits)

next_token = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
print(f"vocabulary: {len(chars)} characters, sequence: {ids.shape[1]} tokens")
print(f"parameters: {model.count_params():,}")
print(f"loss: {float(next_token(y, model(x))):.2f}")
# --8<-- [end:model]

# --8<-- [start:by-hand]
class LoRADense(keras.layers.Layer):
    """A frozen Dense layer plus a trainable low-rank update: x W + (alpha / r) x A B."""

    def __init__(self, base, rank, alpha, **kwargs):
        super().__init__(**kwargs)
        self.base = base
        fan_in, units = base.kernel.shape
        self.A = self.add_weight(shape=(fan_in, rank), initializer="he_uniform", name="A")
        self.B = self.add_weight(shape=(rank, units), initializer="zeros", name="B")  # zero: the update starts at zero
        self.scale = alpha / rank

    def call(self, x):
        return self.base(x) + self.scale * (x @ self.A) @ self.B


def count_trainable(model):
    trainable = sum(int(np.prod(v.shape)) for v in model.trainable_weights)
    return f"trainable: {trainable:,} of {model.count_params():,}"


try:
    model.get_layer("up0").add_weight(shape=(width, 4), name="A")  # can a built layer take a new weight?
except ValueError as err:
    print(str(err).split(". ")[0] + ".")

original = model.get_weights()  # kept for the library version below
print("before:", count_trainable(model))
before = model(x)

for variable in model.weights:
    variable.trainable = False  # freeze every weight, then wrap the feed-forward layers


def add_adapter(layer):
    if layer.name.startswith(("up", "down")):
        return LoRADense(layer, rank=4, alpha=8)
    return layer  # every other layer is reused as it is, weights included


adapted = keras.models.clone_model(model, clone_function=add_adapter)  # a new graph around the same layers
print("after: ", count_trainable(adapted))
print("same outputs at step 0:", np.array_equal(adapted(x), before))
# --8<-- [end:by-hand]

# --8<-- [start:train-by-hand]
def train(model, steps=40):
    first = float(next_token(y, model(x)))
    model.compile(optimizer=keras.optimizers.AdamW(learning_rate=1e-2), loss=next_token)
    model.fit(np.repeat(x, steps, axis=0), np.repeat(y, steps, axis=0), batch_size=1, verbose=0)  # 40 steps
    last = float(next_token(y, model(x)))
    print(f"loss: {first:.2f} -> {last:.2f} after {steps} steps, lower: {last < first}")


train(adapted)
# --8<-- [end:train-by-hand]

# --8<-- [start:merge-by-hand]
tuned = adapted(x)
for layer in adapted.layers:
    if isinstance(layer, LoRADense):
        layer.base.kernel.assign(layer.base.kernel + layer.scale * layer.A @ layer.B)  # W + (alpha / r) A B

merged = keras.models.clone_model(adapted, clone_function=lambda layer: getattr(layer, "base", layer))
print("layer after merging:", type(merged.get_layer("up0")).__name__)
print(f"parameters: {merged.count_params():,}")
print("same outputs (within 1e-5):", np.allclose(merged(x), tuned, atol=1e-5))
# --8<-- [end:merge-by-hand]

# --8<-- [start:library]
def fresh_copy():
    copy = keras.models.clone_model(model)  # new layers with the same configuration
    copy.set_weights(original)
    for variable in copy.weights:
        variable.trainable = False
    return copy


def enable_lora(model):
    for i in range(2):
        attention = model.get_layer(f"attention{i}")
        attention.query_dense.enable_lora(4, lora_alpha=8)  # adds lora_kernel_a and lora_kernel_b
        attention.value_dense.enable_lora(4, lora_alpha=8)


print("enable_lora in:", [c.__name__ for c in (layers.Dense, layers.EinsumDense, layers.Embedding, layers.Conv2D)
                          if hasattr(c, "enable_lora")])
lora_model = fresh_copy()
enable_lora(lora_model)
query = lora_model.get_layer("attention0").query_dense
print("query_dense:", type(query).__name__, "| kernel", tuple(query.kernel.shape),
      "| A", tuple(query.lora_kernel_a.shape), "| B", tuple(query.lora_kernel_b.shape))
print(count_trainable(lora_model))
print("same outputs at step 0:", np.array_equal(lora_model(x), before))
# --8<-- [end:library]

# --8<-- [start:train-library]
train(lora_model)
# --8<-- [end:train-library]

# --8<-- [start:save]
import os

tuned = lora_model(x)
adapter = {v.path: v.numpy() for v in lora_model.weights if "lora_kernel" in v.path}
np.savez("adapter.npz", **adapter)  # only the adapter's weights
print(f"  adapter.npz: {os.path.getsize('adapter.npz'):,} bytes, {len(adapter)} arrays such as {next(iter(adapter))}")

reloaded = fresh_copy()  # a fresh base model + the adapter
enable_lora(reloaded)
saved = np.load("adapter.npz")
for v in reloaded.weights:
    if v.path in saved:
        v.assign(saved[v.path])
print("base + reloaded adapter, same outputs:", np.array_equal(reloaded(x), tuned))
# --8<-- [end:save]

# --8<-- [start:merge-library]
query = lora_model.get_layer("attention0").query_dense
frozen = fresh_copy().get_layer("attention0").query_dense.kernel  # the kernel before fine-tuning
delta = (query.lora_alpha / query.lora_rank) * keras.ops.matmul(query.lora_kernel_a, query.lora_kernel_b)
print("kernel property == frozen kernel + (alpha / r) A B:", np.allclose(query.kernel, frozen + delta, atol=1e-6))

lora_model.save("merged.keras")  # saving writes each merged kernel and drops the lora_kernel_* variables
merged_model = keras.saving.load_model("merged.keras", compile=False)
print("reloaded weights:", len(merged_model.weights), "| before enable_lora:", len(model.weights))
print("same outputs (within 1e-5):", np.allclose(merged_model(x), tuned, atol=1e-5))

merged_model.save_weights("merged.weights.h5")  # the whole model's weights
print(f"  merged.weights.h5: {os.path.getsize('merged.weights.h5'):,} bytes")
# --8<-- [end:merge-library]
