# --8<-- [start:imports]
import keras
import tensorflow as tf

print("keras", keras.__version__, "on", keras.backend.backend())
print("tensorflow", tf.__version__)
# --8<-- [end:imports]

# --8<-- [start:build]
keras.utils.set_random_seed(0)


class Block(keras.layers.Layer):
    """One GPT-2 style block: attention that looks only backwards, then a small MLP."""

    def __init__(self, width, heads, **kwargs):
        super().__init__(**kwargs)
        self.norm1 = keras.layers.LayerNormalization(epsilon=1e-5)
        self.attention = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=width // heads)
        self.norm2 = keras.layers.LayerNormalization(epsilon=1e-5)
        self.mlp = keras.Sequential(
            [keras.layers.Dense(4 * width, activation="gelu"), keras.layers.Dense(width)]  # "gelu": the exact GELU
        )

    def call(self, x):
        h = self.norm1(x)
        x = x + self.attention(h, h, use_causal_mask=True)
        return x + self.mlp(self.norm2(x))


class TinyGPT(keras.Model):
    def __init__(self, vocab_size, max_length, width, depth, heads, **kwargs):
        super().__init__(**kwargs)
        self.tokens = keras.layers.ReversibleEmbedding(vocab_size, width)  # also maps back to token scores
        self.positions = keras.layers.Embedding(max_length, width)
        self.blocks = [Block(width, heads) for _ in range(depth)]
        self.norm = keras.layers.LayerNormalization(epsilon=1e-5)

    def call(self, ids):
        x = self.tokens(ids) + self.positions(keras.ops.arange(keras.ops.shape(ids)[1]))
        for block in self.blocks:
            x = block(x)
        return self.tokens(self.norm(x), reverse=True)


vocab_size = 1000
model = TinyGPT(vocab_size=vocab_size, max_length=64, width=64, depth=2, heads=4)
model(keras.ops.zeros((1, 16), dtype="int32"))  # the first call creates the weights

print("transformer blocks:", len(model.blocks))
print(f"parameters: {model.count_params():,}")
# --8<-- [end:build]

# --8<-- [start:forward]
import math

ids = keras.random.randint((2, 16), 0, vocab_size, seed=0)  # 2 sequences of 16 token ids

logits = model(ids)
next_token = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
loss = next_token(ids[:, 1:], logits[:, :-1])  # each position predicts the token after it
print("token ids:", tuple(ids.shape))
print("logits:", tuple(logits.shape))
print(f"loss: {float(loss):.2f} (log of the vocabulary size: {math.log(vocab_size):.2f})")
# --8<-- [end:forward]

# --8<-- [start:train]
print("a keras.Model:", isinstance(model, keras.Model))
model.compile(optimizer=keras.optimizers.AdamW(learning_rate=1e-3), loss=next_token)

history = model.fit(ids[:, :-1], ids[:, 1:], batch_size=2, epochs=20, verbose=0)
losses = history.history["loss"]
print(f"loss: first step {losses[0]:.2f}, last step {losses[-1]:.2f}")
# --8<-- [end:train]

# --8<-- [start:log]
from pathlib import Path

writer = tf.summary.create_file_writer("runs/tiny-gpt")
with writer.as_default():
    for step, value in enumerate(losses):
        tf.summary.scalar("loss", value, step=step)  # needs the tensorboard package
writer.close()

written = [p.name for p in Path("runs/tiny-gpt").iterdir()]
print("events files:", sum(name.startswith("events.out.tfevents.") for name in written))
# --8<-- [end:log]

# --8<-- [start:read]
points = []
for path in Path("runs/tiny-gpt").iterdir():
    for record in tf.data.TFRecordDataset(str(path)):  # an events file is a TFRecord file
        event = tf.compat.v1.Event.FromString(record.numpy())
        for value in event.summary.value:
            points.append((value.tag, event.step, float(tf.make_ndarray(value.tensor))))

print("scalar tags:", sorted({tag for tag, _, _ in points}))
print("points:", len(points), "steps:", points[0][1], "to", points[-1][1])
print("same values as logged:", all(math.isclose(p[2], v, rel_tol=1e-6) for p, v in zip(points, losses)))
# --8<-- [end:read]
