# --8<-- [start:model]
import os

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

torch.manual_seed(0)

digits = load_digits()  # 1,797 images of 8x8 pixels
features = torch.tensor(digits.data / 16, dtype=torch.float32)
labels = torch.tensor(digits.target)
x_train, x_test, y_train, y_test = train_test_split(features, labels, test_size=0.25, random_state=0, stratify=labels)

model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(10):
    order = torch.randperm(len(x_train))
    for start in range(0, len(x_train), 64):
        batch = order[start : start + 64]
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x_train[batch]), y_train[batch]).backward()
        optimizer.step()
model.eval()


def accuracy(model):
    with torch.no_grad():
        return (model(x_test).argmax(dim=1) == y_test).float().mean().item()


def saved_size(model, path):
    torch.save(model.state_dict(), path)
    return os.path.getsize(path)


results = {"float32": (saved_size(model, "float32.pt"), accuracy(model))}
print(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
print(f"float32: {results['float32'][0]:,} bytes on disk, test accuracy {results['float32'][1]:.3f}")
# --8<-- [end:model]

# --8<-- [start:int8]
import copy
import warnings


def print_warnings(caught):  # each warning once, by its first sentence
    for category, message in dict.fromkeys((w.category.__name__, str(w.message)) for w in caught):
        print(f"  {category}: {message.split('. ')[0]}.")


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")  # record every warning, to print them below
    dynamic_model = torch.ao.quantization.quantize_dynamic(copy.deepcopy(model), {nn.Linear}, dtype=torch.qint8)
print("warnings:")
print_warnings(caught)
print(dynamic_model[0])

results["dynamic int8"] = (saved_size(dynamic_model, "dynamic.pt"), accuracy(dynamic_model))
print(f"int8: {results['dynamic int8'][0]:,} bytes on disk, test accuracy {results['dynamic int8'][1]:.3f}")
# --8<-- [end:int8]

# --8<-- [start:inside]
weight = dynamic_model[0].weight()  # a quantized tensor: int8 values, a scale and a zero point
q = weight.int_repr()
print(f"first layer: {q.numel():,} {q.dtype} weights ({q.numel() * q.element_size():,} bytes)",
      f"and 1 scale for the whole matrix ({weight.qscheme()})")

step = weight.q_scale()
error = (weight.dequantize() - model[0].weight).abs().max().item()  # dequantize: scale * (q - zero point)
print("rounding error at most half a step:", error <= step / 2 + 1e-7)
# --8<-- [end:inside]

# --8<-- [start:static]
from torch.ao.quantization import DeQuantStub, QuantStub

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    static_model = nn.Sequential(QuantStub(), *copy.deepcopy(model), DeQuantStub()).eval()  # float in, float out
    static_model.qconfig = torch.ao.quantization.get_default_qconfig("x86")  # PyTorch's settings for x86 CPUs
    prepared = torch.ao.quantization.prepare(static_model)  # adds observers that record value ranges
    with torch.no_grad():
        prepared(x_train[:200])  # calibration: a few hundred real inputs
    static_model = torch.ao.quantization.convert(prepared)  # int8 layers with the measured scales
print("warnings:")
print_warnings(caught)
print("layers:", [str(layer).split("(")[0] for layer in static_model])  # each name as print(model) shows it
print("weights:", static_model[1].weight().qscheme(), "| activations:", static_model[0](x_test).dtype)

results["static int8"] = (saved_size(static_model, "static.pt"), accuracy(static_model))
print(f"int8: {results['static int8'][0]:,} bytes on disk, test accuracy {results['static int8'][1]:.3f}")
# --8<-- [end:static]

# --8<-- [start:summary]
for name, (size, test_accuracy) in results.items():
    print(f"{name:>13}: {size:>7,} bytes, accuracy {test_accuracy:.3f}")
float_size = results["float32"][0]
print(f"int8 against float32: dynamic {float_size / results['dynamic int8'][0]:.1f}x smaller,",
      f"static {float_size / results['static int8'][0]:.1f}x smaller")
# --8<-- [end:summary]
