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
import torch
from torch.nn.utils.rnn import pad_sequence

batch = [torch.tensor(encode(text)) for text, _ in corpus[1:4]]
lengths = torch.tensor([len(ids) for ids in batch])
print("lengths:", lengths.tolist())
print("padded at the end:")
print(pad_sequence(batch, batch_first=True, padding_value=0).numpy())
print("padded at the start:")
print(pad_sequence(batch, batch_first=True, padding_side="left").numpy())
padded = pad_sequence(batch, batch_first=True)
# --8<-- [end:padding]

# --8<-- [start:embedding]
torch.manual_seed(0)
embedding = torch.nn.Embedding(len(vocab), 4, padding_idx=0)
vectors = embedding(padded)
print("ids", tuple(padded.shape), "-> vectors", tuple(vectors.shape))
print("vector of <pad>:", embedding.weight[0].tolist())
vectors.sum().backward()
print("gradient reaching the <pad> row:", embedding.weight.grad[0].tolist())
mask = padded != 0  # PyTorch layers do not carry a mask: you build it when you need it
print("mask:")
print(mask.numpy())
# --8<-- [end:embedding]

# --8<-- [start:rnn-shapes]
torch.manual_seed(0)
x = torch.randn(3, 5, 4)  # 3 sequences, 5 steps, 4 features each
lstm = torch.nn.LSTM(input_size=4, hidden_size=6)  # default layout: (seq, batch, feature)
output, (h_n, c_n) = lstm(x.transpose(0, 1))  # so the batch goes second
print("sequence-first: output", tuple(output.shape), "h_n", tuple(h_n.shape), "c_n", tuple(c_n.shape))

lstm = torch.nn.LSTM(input_size=4, hidden_size=6, batch_first=True)
output, (h_n, c_n) = lstm(x)
print("batch_first:    output", tuple(output.shape), "h_n", tuple(h_n.shape), "c_n", tuple(c_n.shape))
print("last step of output == h_n:", torch.allclose(output[:, -1], h_n[-1]))

gru = torch.nn.GRU(input_size=4, hidden_size=6, batch_first=True)
output, h_n = gru(x)  # a GRU has no cell state
print("GRU: output", tuple(output.shape), "h_n", tuple(h_n.shape))
rnn = torch.nn.RNN(input_size=4, hidden_size=6, num_layers=2, batch_first=True)
output, h_n = rnn(x)  # h_n: one row per layer
print("RNN, 2 layers: output", tuple(output.shape), "h_n", tuple(h_n.shape))
# --8<-- [end:rnn-shapes]

# --8<-- [start:rnn-weights]
lstm = torch.nn.LSTM(input_size=4, hidden_size=6)
for name, p in lstm.named_parameters():  # the 4 gates (i, f, g, o) are stacked: 4 * 6 = 24 rows
    print(f"LSTM {name}: {tuple(p.shape)}")
gru = torch.nn.GRU(input_size=4, hidden_size=6)  # 3 gates (r, z, n): 18 rows
print("LSTM parameters:", sum(p.numel() for p in lstm.parameters()),
      "| GRU parameters:", sum(p.numel() for p in gru.parameters()))
# --8<-- [end:rnn-weights]

# --8<-- [start:masking]
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)
embedding = torch.nn.Embedding(len(vocab), 4, padding_idx=0)
lstm = torch.nn.LSTM(input_size=4, hidden_size=6, batch_first=True)
with torch.no_grad():
    packed = pack_padded_sequence(embedding(padded), lengths, batch_first=True, enforce_sorted=False)
    packed_output, (h_packed, _) = lstm(packed)
    _, (h_padded, _) = lstm(embedding(padded))  # the padded steps run through the LSTM too
    i = 0  # the first sentence of the batch: 4 words, then 2 padding steps
    _, (h_alone, _) = lstm(embedding(batch[i].unsqueeze(0)))  # the sentence alone, no padding
print(f"sentence {i}: {lengths[i].item()} words, padded to {padded.shape[1]}")
print("packed: same final state as alone:", torch.allclose(h_packed[-1, i], h_alone[-1, 0], atol=1e-6))
diff = (h_padded[-1, i] - h_alone[-1, 0]).abs().max().item()
print(f"padded, not packed: max abs difference {diff:.3f}")
output, output_lengths = pad_packed_sequence(packed_output, batch_first=True)
print("unpacked output", tuple(output.shape), "lengths", output_lengths.tolist())
# --8<-- [end:masking]

# --8<-- [start:classifier]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class SentimentClassifier(torch.nn.Module):
    def __init__(self, vocab_size, embed_dim=8, hidden_size=16):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.gru = torch.nn.GRU(embed_dim, hidden_size, batch_first=True)
        self.head = torch.nn.Linear(hidden_size, 1)  # one logit: positive or not

    def forward(self, ids, lengths):
        # lengths stay on the CPU, wherever the model runs
        packed = pack_padded_sequence(self.embedding(ids), lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h_n = self.gru(packed)
        return self.head(h_n[-1]).squeeze(1)


torch.manual_seed(0)
model = SentimentClassifier(len(vocab)).to(device)
for name, part in model.named_children():
    print(f"{name}: {sum(p.numel() for p in part.parameters())} parameters")
print("total:", sum(p.numel() for p in model.parameters()))
# --8<-- [end:classifier]

# --8<-- [start:training]
sequences = [torch.tensor(encode(text)) for text, _ in corpus]
ids = pad_sequence(sequences, batch_first=True).to(device)
all_lengths = torch.tensor([len(s) for s in sequences])
labels = torch.tensor([label for _, label in corpus], dtype=torch.float32, device=device)

optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = torch.nn.BCEWithLogitsLoss()
model.train()
for epoch in range(15):
    for idx in torch.randperm(len(ids)).split(4):  # shuffled batches of 4
        optimizer.zero_grad()
        loss = loss_fn(model(ids[idx], all_lengths[idx]), labels[idx])
        loss.backward()
        optimizer.step()
model.eval()
with torch.no_grad():
    logits = model(ids, all_lengths)
    accuracy = ((logits > 0).float() == labels).float().mean().item()
print(f"loss {loss_fn(logits, labels).item():.3f}, accuracy on the corpus {accuracy:.2f}")
# --8<-- [end:training]
