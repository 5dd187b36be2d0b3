# --8<-- [start:by-hand]
import math

import keras
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
q_np, k_np, v_np = (rng.normal(size=(1, 3, 4)).astype("float32") for _ in range(3))  # batch 1, 3 positions, d=4

q, k, v = tf.constant(q_np), tf.constant(k_np), tf.constant(v_np)
d = q.shape[-1]
scores = tf.matmul(q, k, transpose_b=True) / math.sqrt(d)  # (batch, queries, keys)
weights = tf.nn.softmax(scores, axis=-1)  # each row: how much one query looks at each key
attended = tf.matmul(weights, v)
print("weights:")
print(weights[0].numpy().round(3))
print("each row sums to 1:", np.allclose(tf.reduce_sum(weights, -1), np.ones((1, 3))))
print("output:")
print(attended[0].numpy().round(3))
# --8<-- [end:by-hand]

# --8<-- [start:sdpa]
# keras.ops.dot_product_attention takes (batch, seq, heads, head_dim): heads come after seq
q4, k4, v4 = q[:, :, None, :], k[:, :, None, :], v[:, :, None, :]  # add a heads axis of size 1
fused = keras.ops.dot_product_attention(q4, k4, v4)
print("query", tuple(q4.shape), "-> output", tuple(fused.shape))
print("same as the written-out version:", np.allclose(fused[:, :, 0], attended, atol=1e-6))

try:
    keras.ops.dot_product_attention(q4, k4, v4, flash_attention=True)  # ask for the flash kernel
except ValueError as err:
    print(f"{keras.backend.backend()} backend: {err}")
# --8<-- [end:sdpa]

# --8<-- [start:mha]
keras.utils.set_random_seed(0)
x = keras.random.normal((2, 5, 8))  # batch 2, 5 positions, 8 features: always batch first
mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)  # key_dim: features per head
output = mha(x, x)  # query, value (key defaults to value): self-attention
print("default: output", tuple(output.shape))
output, scores = mha(x, x, return_attention_scores=True)
print("return_attention_scores=True: output", tuple(output.shape), "scores", tuple(scores.shape), "(batch, heads, queries, keys)")
# --8<-- [end:mha]

# --8<-- [start:mha-params]
projections = sum(layer.count_params() for layer in (mha.query_dense, mha.key_dense, mha.value_dense))
print("query/key/value projections:", projections, "| output projection:", mha.output_dense.count_params())
print("parameters:", mha.count_params())
# --8<-- [end:mha-params]

# --8<-- [start:sdpa-mask]
eye = np.eye(3, dtype="float32")[None, :, None, :]  # with the identity as the values, the output *is* the weights
allowed = np.array([True, True, False])  # key 2 is padding: True means "may attend"
print("True = may attend:")
print(keras.ops.dot_product_attention(q4, k4, eye, mask=allowed)[0, :, 0].numpy().round(3))
print("the inverted mask blocks the other keys:")
print(keras.ops.dot_product_attention(q4, k4, eye, mask=~allowed)[0, :, 0].numpy().round(3))
# --8<-- [end:sdpa-mask]

# --8<-- [start:mha-mask]
keras.utils.set_random_seed(0)
mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
x = keras.random.normal((1, 4, 8))  # one sequence of 4 positions; the last one is padding
keep = np.array([[1, 1, 1, 0]])  # 1 means "may attend" here
attention_mask = np.repeat(keep[:, None, :], 4, axis=1)  # (batch, queries, keys)
_, scores = mha(x, x, attention_mask=attention_mask, return_attention_scores=True)
print("attention_mask 1 = allowed, head 0:")
print(scores[0, 0].numpy().round(3))
# --8<-- [end:mha-mask]

# --8<-- [start:causal]
causal = keras.ops.dot_product_attention(q4, k4, eye, is_causal=True)  # query i sees keys 0..i
print("is_causal=True:")
print(causal[0, :, 0].numpy().round(3))
past = np.tril(np.ones((3, 3), dtype=bool))  # True on and below the diagonal
explicit = keras.ops.dot_product_attention(q4, k4, eye, mask=past)  # True = allowed
print("explicit mask gives the same result:", np.allclose(causal, explicit))

keras.utils.set_random_seed(0)
mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
x = keras.random.normal((1, 3, 8))
_, scores = mha(x, x, use_causal_mask=True, return_attention_scores=True)
print("attention layer, largest weight above the diagonal:", float(scores.numpy()[..., ~past].max()))
# --8<-- [end:causal]

# --8<-- [start:encoder]
class EncoderBlock(keras.layers.Layer):
    """Self-attention and a feed-forward network, each with a residual connection and a LayerNormalization."""

    def __init__(self, d_model, num_heads, d_ff, dropout=0.1, norm_first=False, **kwargs):
        super().__init__(**kwargs)
        self.norm_first = norm_first
        self.attention = keras.layers.MultiHeadAttention(num_heads, key_dim=d_model // num_heads, dropout=dropout)
        self.ff1 = keras.layers.Dense(d_ff, activation="relu")
        self.ff2 = keras.layers.Dense(d_model)
        self.norm1 = keras.layers.LayerNormalization(epsilon=1e-5)  # Keras's default epsilon is 1e-3
        self.norm2 = keras.layers.LayerNormalization(epsilon=1e-5)
        self.dropout1 = keras.layers.Dropout(dropout)
        self.dropout2 = keras.layers.Dropout(dropout)
        self.dropout_ff = keras.layers.Dropout(dropout)

    def _attend(self, x, attention_mask, training):
        x = self.attention(x, x, attention_mask=attention_mask, training=training)
        return self.dropout1(x, training=training)

    def _feed_forward(self, x, training):
        x = self.dropout_ff(self.ff1(x), training=training)
        return self.dropout2(self.ff2(x), training=training)

    def call(self, x, attention_mask=None, training=None):
        if self.norm_first:  # pre-norm: normalise, transform, add
            x = x + self._attend(self.norm1(x), attention_mask, training)
            return x + self._feed_forward(self.norm2(x), training)
        x = self.norm1(x + self._attend(x, attention_mask, training))  # post-norm: transform, add, normalise
        return self.norm2(x + self._feed_forward(x, training))


keras.utils.set_random_seed(0)
block = EncoderBlock(d_model=16, num_heads=2, d_ff=32, dropout=0.1, norm_first=False)
x = keras.random.normal((2, 5, 16))
keep = np.array([[True] * 5, [True] * 3 + [False] * 2])  # the second sequence has 2 padded steps
print("output", tuple(block(x, attention_mask=keep[:, None, :], training=True).shape))


def count(*layers):
    return sum(layer.count_params() for layer in layers)


print("attention:", count(block.attention), "| feed-forward:", count(block.ff1, block.ff2),
      "| layer norms:", count(block.norm1, block.norm2))
print("parameters:", count(block))
pre_norm = EncoderBlock(16, 2, 32, norm_first=True)
pre_norm(x)  # a Keras layer creates its weights on its first call
print("pre-norm block parameters:", count(pre_norm))
# --8<-- [end:encoder]

# --8<-- [start:same-weights]
rng = np.random.default_rng(1)
shapes = [(48, 16), (48,), (16, 16), (16,), (32, 16), (32,), (16, 32), (16,), (16,), (16,), (16,), (16,)]
weights = [rng.normal(scale=0.3, size=shape).astype("float32") for shape in shapes]  # PyTorch's order and layout
in_w, in_b, out_w, out_b, ff1_w, ff1_b, ff2_w, ff2_b, n1_w, n1_b, n2_w, n2_b = weights
projections = [block.attention.query_dense, block.attention.key_dense, block.attention.value_dense]
for i, dense in enumerate(projections):  # PyTorch stacks query, key and value rows in one matrix
    rows = slice(16 * i, 16 * (i + 1))
    dense.set_weights([in_w[rows].T.reshape(16, 2, 8), in_b[rows].reshape(2, 8)])  # (in, heads, key_dim)
block.attention.output_dense.set_weights([out_w.T.reshape(2, 8, 16), out_b])
block.ff1.set_weights([ff1_w.T, ff1_b])  # Dense kernels are (in, out): the transpose of nn.Linear's weight
block.ff2.set_weights([ff2_w.T, ff2_b])
block.norm1.set_weights([n1_w, n1_b])
block.norm2.set_weights([n2_w, n2_b])
x_np = rng.normal(size=(2, 5, 16)).astype("float32")
out = block(x_np, attention_mask=keep[:, None, :], training=False).numpy()  # no dropout
print("second sequence, 3 real positions, first 4 features:")
print(out[1, :3, :4].round(3))
# --8<-- [end:same-weights]
