# --8<-- [start:model]
import inspect
import warnings

import numpy as np
import torch
from torch import nn

torch.manual_seed(0)

# The files made on this page are for CPU runtimes, so the model stays on the CPU.
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
model.eval()  # export what inference runs, not training behaviour

x = torch.randn(5, 4)  # a batch of 5 examples with 4 features
with torch.no_grad():
    expected = model(x).numpy()  # every export below must reproduce this


def check(label, outputs):
    difference = np.abs(np.asarray(outputs) - expected).max()
    print(f"{label}: max abs difference < 1e-5: {difference < 1e-5}")


print("parameters:", sum(p.numel() for p in model.parameters()))
print("output shape:", expected.shape)
# --8<-- [end:model]

# --8<-- [start:export]
exported = torch.export.export(model, (x,))  # an ExportedProgram: a graph + weights

operators = [str(node.target) for node in exported.graph.nodes if node.op == "call_function"]
print("operators:", operators)

with torch.no_grad():
    check("exported program", exported.module()(x))
# --8<-- [end:export]

# --8<-- [start:batch-size]
try:
    exported.module()(x[:2])  # 2 examples instead of the 5 it was exported with
except AssertionError as err:
    print(type(err).__name__, "-", err)

batch = torch.export.Dim("batch")  # name the dimension that may change
exported = torch.export.export(model, (x,), dynamic_shapes=({0: batch},))
with torch.no_grad():
    print("2 examples ->", tuple(exported.module()(x[:2]).shape))
    print("7 examples ->", tuple(exported.module()(torch.randn(7, 4)).shape))
# --8<-- [end:batch-size]

# --8<-- [start:file]
torch.export.save(exported, "model.pt2")  # one file: graph, weights, input specs

loaded = torch.export.load("model.pt2")  # no model class needed
with torch.no_grad():
    check("model.pt2", loaded.module()(x))
# --8<-- [end:file]

# --8<-- [start:portable]
import onnxruntime as ort

print("dynamo is the default:", inspect.signature(torch.onnx.export).parameters["dynamo"].default)

torch.onnx.export(
    model,
    (x,),
    "model.onnx",
    dynamo=True,  # the torch.export-based exporter
    input_names=["features"],
    dynamic_shapes=({0: batch},),
    external_data=False,  # weights inside model.onnx, no extra file
    verbose=False,  # no progress lines
)

session = ort.InferenceSession("model.onnx", providers=["CPUExecutionProvider"])  # not PyTorch
check("ONNX Runtime", session.run(None, {"features": x.numpy()})[0])

# Older tutorials free the batch size with dynamic_axes, the TorchScript exporter's argument.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")  # record every warning instead of printing it
    torch.onnx.export(
        model,
        (x,),
        "old_style.onnx",
        dynamo=True,
        input_names=["features"],
        dynamic_axes={"features": {0: "batch"}},  # converted to dynamic_shapes, with a warning
        external_data=False,
        verbose=False,
    )
first = caught[0]
print("dynamic_axes:", first.category.__name__, "-", str(first.message).lstrip("# ").split(",")[0])
# --8<-- [end:portable]

# --8<-- [start:inspect]
import onnx

print("operators:", [node.op_type for node in onnx.load("model.onnx").graph.node])

tensor = session.get_inputs()[0]
print("input:", tensor.name, tensor.shape, tensor.type)
print("2 examples ->", session.run(None, {"features": x[:2].numpy()})[0].shape)
# --8<-- [end:inspect]

# --8<-- [start:deprecated]
with warnings.catch_warnings(record=True) as caught:  # Python's default warning filters
    scripted = torch.jit.script(model)  # TorchScript, the old way
print("shown by default:", [w.category.__name__ for w in caught])

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")  # show every warning, as pytest does
    scripted = torch.jit.script(model)

first = caught[0]
print("shown with simplefilter('always'):", first.category.__name__)
print(str(first.message).splitlines()[0])
# --8<-- [end:deprecated]
