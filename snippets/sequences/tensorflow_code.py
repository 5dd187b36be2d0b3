# --8<-- [start:corpus]
corpus = [
    ("The film was great and fun", 1),
    ("A truly wonderful story", 1),
    ("I loved the acting", 1),
    ("Great music and a happy ending", 1),
    ("The best film this year", 1),
    ("Fun from start to end", 1),
    ("The plot was boring", 0),
    ("A dull and slow film", 0),
    ("I hated the ending", 0),
    ("Terrible acting and a weak story", 0),
    ("The worst film this year", 0),
    ("Boring from start to end", 0),
]


def tokenize(text):
    return text.lower().split()


vocab = {"<pad>": 0, "<unk>": 1}  # 0 pads, 1 stands for any word not seen in the corpus
for text, _ in corpus:
    for word in tokenize(text):
        vocab.setdefault(word, len(vocab))


def encode(text):
    return [vocab.get(word, vocab["<unk>"]) for word in tokenize(text)]


print("vocabulary size:", len(vocab))
print(corpus[0][0], "->", encode(corpus[0][0]))
print("A dreadful film ->", encode("A dreadful film"))
# --8<-- [end:corpus]

# --8<-- [start:padding]
import keras
import numpy as np

batch = [encode(text) for text, _ in corpus[1:4]]
lengths = [len(ids) for ids in batch]
print("lengths:", lengths)
print("padded at the end:")
print(keras.utils.pad_sequences(batch, padding="post", value=0))
print("padded at the start:")
print(keras.utils.pad_sequences(batch))  # the default is padding="pre"
padded = keras.utils.pad_sequences(batch, padding="post")
# --8<-- [end:padding]

# --8<-- [start:embedding]
keras.utils.set_random_seed(0)
embedding = keras.layers.Embedding(len(vocab), 4, mask_zero=True)
vectors = embedding(padded)
print("ids", padded.shape, "-> vectors", tuple(vectors.shape))
print("vector of <pad>:", [round(float(v), 3) for v in embedding.embeddings[0]])
mask = embedding.compute_mask(padded)  # the layer builds the mask, and later layers receive it
print("mask:")
print(mask.numpy())
# --8<-- [end:embedding]

# --8<-- [start:rnn-shapes]
keras.utils.set_random_seed(0)
x = keras.random.normal((3, 5, 4))  # 3 sequences, 5 steps, 4 features: always batch first
print("LSTM default: output", tuple(keras.layers.LSTM(6)(x).shape))
print("return_sequences=True: output", tuple(keras.layers.LSTM(6, return_sequences=True)(x).shape))
output, h, c = keras.layers.LSTM(6, return_state=True)(x)
print("return_state=True: output", tuple(output.shape), "h", tuple(h.shape), "c", tuple(c.shape))
print("output == h:", np.allclose(output, h))
sequence, h, c = keras.layers.LSTM(6, return_sequences=True, return_state=True)(x)
print("both: output", tuple(sequence.shape), "h", tuple(h.shape), "c", tuple(c.shape))

output, h = keras.layers.GRU(6, return_state=True)(x)  # a GRU has no cell state
print("GRU: output", tuple(output.shape), "h", tuple(h.shape))
stacked = keras.Sequential(
    [keras.layers.SimpleRNN(6, return_sequences=True), keras.layers.SimpleRNN(6, return_sequences=True)]
)  # two layers: each layer below the top must return its whole sequence
print("SimpleRNN, 2 layers: output", tuple(stacked(x).shape))
# --8<-- [end:rnn-shapes]

# --8<-- [start:rnn-weights]
lstm = keras.layers.LSTM(6)
lstm.build((None, None, 4))  # 4 input features
for weight in lstm.weights:  # the 4 gates (i, f, c, o) side by side: 4 * 6 = 24 columns
    print(f"LSTM {weight.path.split('/')[-1]}: {tuple(weight.shape)}")
gru = keras.layers.GRU(6)  # 3 gates (z, r, h): 18 columns
gru.build((None, None, 4))
print("LSTM parameters:", lstm.count_params(), "| GRU parameters:", gru.count_params())
# --8<-- [end:rnn-weights]

# --8<-- [start:masking]
keras.utils.set_random_seed(0)
embedding = keras.layers.Embedding(len(vocab), 4, mask_zero=True)
unmasked = keras.layers.Embedding(len(vocab), 4)  # the same vectors, without a mask
lstm = keras.layers.LSTM(6)
masked_state = lstm(embedding(padded))  # the mask travels from the embedding to the LSTM
unmasked.build((None,))
unmasked.set_weights(embedding.get_weights())
i = 0  # the first sentence of the batch: 4 words, then 2 padding steps
alone = lstm(embedding(np.array(batch[i])[np.newaxis]))  # the sentence alone, no padding
print(f"sentence {i}: {lengths[i]} words, padded to {padded.shape[1]}")
print("masked: same final state as alone:", np.allclose(masked_state[i], alone[0], atol=1e-6))
diff = np.abs(lstm(unmasked(padded))[i] - alone[0]).max()
print(f"padded, not masked: max abs difference {diff:.3f}")
explicit = lstm(unmasked(padded), mask=embedding.compute_mask(padded))  # or pass a mask yourself
print("explicit mask: same final state as alone:", np.allclose(explicit[i], alone[0], atol=1e-6))
# --8<-- [end:masking]

# --8<-- [start:classifier]
keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input(shape=(None,), dtype="int32"),
        keras.layers.Embedding(len(vocab), 8, mask_zero=True, name="embedding"),
        keras.layers.GRU(16, name="gru"),
        keras.layers.Dense(1, name="head"),  # one logit: positive or not
    ]
)
for layer in model.layers:
    print(f"{layer.name}: {layer.count_params()} parameters")
print("total:", model.count_params())
# --8<-- [end:classifier]

# --8<-- [start:training]
ids = keras.utils.pad_sequences([encode(text) for text, _ in corpus], padding="post")
labels = np.array([label for _, label in corpus], dtype="float32")

model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)],  # logits: above 0 means class 1
)
model.fit(ids, labels, batch_size=4, epochs=15, verbose=0)  # shuffled batches of 4
loss, accuracy = model.evaluate(ids, labels, verbose=0)
print(f"loss {loss:.3f}, accuracy on the corpus {accuracy:.2f}")
# --8<-- [end:training]
