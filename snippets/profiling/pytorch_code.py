# --8<-- [start:model]
import numpy as np
import torch
from torch import nn

torch.manual_seed(0)
rng = np.random.default_rng(0)
x = torch.from_numpy(rng.standard_normal((256, 512)).astype(np.float32))
y = torch.from_numpy(rng.integers(0, 10, size=256))

model = nn.Sequential(
    nn.Linear(512, 512), nn.ReLU(),
    nn.Linear(512, 512), nn.ReLU(),
    nn.Linear(512, 512), nn.ReLU(),
    nn.Linear(512, 10),
)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
print(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
print("batch:", tuple(x.shape))
# --8<-- [end:model]

# --8<-- [start:profile]
import os
import re

from torch.profiler import ProfilerActivity, profile, record_function

# torch's profiler library (Kineto) logs its start and stop on stderr; level 6 keeps it quiet
os.environ["KINETO_LOG_LEVEL"] = "6"


def train_step():
    with record_function("forward"):  # a named region in the profile
        loss = loss_fn(model(x), y)
    with record_function("backward"):
        optimizer.zero_grad()
        loss.backward()
    with record_function("update"):
        optimizer.step()


for _ in range(2):  # warm up outside the profile
    train_step()
with profile(activities=[ProfilerActivity.CPU]) as prof:
    for _ in range(10):
        train_step()

table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=8)
header = table.splitlines()[1]  # the rows hold times, which change from run to run
print("columns:", re.split(r"\s{2,}", header.strip()))
# --8<-- [end:profile]

# --8<-- [start:slowest-op]
events = prof.key_averages()  # one entry per op name, summed over the 10 steps
slowest = max(events, key=lambda e: e.self_cpu_time_total)
print("slowest op:", slowest.key, "| calls per step:", slowest.count // 10)
# --8<-- [end:slowest-op]

# --8<-- [start:regions]
regions = {e.key: e.cpu_time_total for e in events if e.key in ("forward", "backward", "update")}
print("regions:", sorted(regions))
print("slowest region:", max(regions, key=regions.get))
# --8<-- [end:regions]

# --8<-- [start:graph-breaks]
import torch._dynamo


def shrink(x):
    y = x * 2
    if y.sum() > 0:  # a Python branch on a tensor's value
        y = y - 1
    print("shrinking")  # a Python side effect
    return torch.relu(y)


report = torch._dynamo.explain(shrink)(torch.ones(4))
print("graphs:", report.graph_count, "| graph breaks:", report.graph_break_count)
for number, reason in enumerate(report.break_reasons, 1):
    line = reason.user_stack[-1].lineno - shrink.__code__.co_firstlineno
    print(f"break {number}, line {line} of shrink: {reason.reason.splitlines()[0]}")
print("ops per graph:", [[op.__name__ for op in ops] for ops in report.ops_per_graph])
# --8<-- [end:graph-breaks]

# --8<-- [start:fullgraph]
strict_shrink = torch.compile(shrink, backend="eager", fullgraph=True)
try:
    strict_shrink(torch.ones(4))
except torch._dynamo.exc.Unsupported as err:
    print(type(err).__name__, "-", str(err).splitlines()[0])
# --8<-- [end:fullgraph]

# --8<-- [start:fix]
def shrink_branchless(x):
    y = x * 2
    y = torch.where(y.sum() > 0, y - 1, y)  # both results computed, one kept: no Python branch
    return torch.relu(y)


report = torch._dynamo.explain(shrink_branchless)(torch.ones(4))
print("graphs:", report.graph_count, "| graph breaks:", report.graph_break_count)
strict = torch.compile(shrink_branchless, backend="eager", fullgraph=True)  # no error now
for v in (torch.tensor([1.0, -1.0, 2.0]), torch.tensor([-1.0, 1.0, -2.0])):
    print(f"sum {float(v.sum()):+.0f}:", strict(v).tolist())
# --8<-- [end:fix]

# --8<-- [start:what-the-compiler-sees]
from functorch.compile import make_boxed_func
from torch._dynamo.backends.common import aot_autograd

seen = {}


def record(kind):
    def compiler(graph_module, example_inputs):
        seen[kind] = [str(node.target).removeprefix("aten.") for node in graph_module.graph.nodes
                      if node.op == "call_function"]
        return make_boxed_func(graph_module.forward)  # run the graph as it is

    return compiler


def scaled_relu_sum(x):
    return torch.relu(x * 2 + 1).sum()


recording = aot_autograd(fw_compiler=record("forward"), bw_compiler=record("backward"))
v = torch.linspace(-1, 1, 8, requires_grad=True)
torch.compile(scaled_relu_sum, backend=recording)(v).backward()
print("forward graph:", seen["forward"])
print("backward graph:", seen["backward"])
print("gradient:", v.grad.tolist())
print("inductor available:", "inductor" in torch._dynamo.list_backends())
# --8<-- [end:what-the-compiler-sees]
