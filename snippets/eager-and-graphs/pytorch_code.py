# --8<-- [start:eager]
import torch

x = torch.tensor([1.0, 2.0, 3.0])
y = x * x + 1  # computed right now: y holds numbers, not a plan
print(y.tolist())
if y.sum() > 10:  # plain Python can look at the values
    print("sum is above 10:", y.sum().item())
# --8<-- [end:eager]

# --8<-- [start:wrap]
def affine(x):
    return 3 * x + 1


compiled_affine = torch.compile(affine, backend="eager")
print(compiled_affine(x).tolist())
print(torch.equal(compiled_affine(x), affine(x)))
# --8<-- [end:wrap]

# --8<-- [start:print-once]
graphs = []  # every graph torch.compile captures lands here


def counting_backend(graph_module, example_inputs):
    graphs.append(graph_module)
    return graph_module.forward  # run the captured graph as it is


@torch.compile(backend=counting_backend)
def double_plus_one(x):
    y = x * 2
    print("Python print, y.shape =", tuple(y.shape))
    return y + 1


for value in [1.0, 2.0, 3.0]:
    print(double_plus_one(torch.tensor([value])).tolist())
print("graphs captured:", len(graphs))
# --8<-- [end:print-once]

# --8<-- [start:retracing]
graphs.clear()


@torch.compile(backend=counting_backend)
def scale(x, factor):
    return x * factor + 1


scale(torch.ones(3), 2.0)
scale(torch.zeros(3), 2.0)
print("same shape, same float:", len(graphs))
scale(torch.zeros(5), 2.0)
print("new shape:", len(graphs))
scale(torch.zeros(5), 3.0)
print("new Python float:", len(graphs))
scale(torch.zeros(5), torch.tensor(4.0))
scale(torch.zeros(5), torch.tensor(5.0))
print("two tensor factors:", len(graphs))
scale(torch.zeros(7), 7.0)
print("another shape and float:", len(graphs))
print("graphs allowed per function:", torch._dynamo.config.recompile_limit)
# --8<-- [end:retracing]

# --8<-- [start:signature]
graphs.clear()


@torch.compile(backend=counting_backend, dynamic=True)
def halve(x):
    return x / 2


for n in [3, 5, 7]:
    halve(torch.zeros(n))
print("graphs for 3 lengths:", len(graphs))
# --8<-- [end:signature]

# --8<-- [start:autograph]
graphs.clear()


def sign_and_sum(x):
    if x.sum() > 0:  # needs the value of x
        y = x * 2
    else:
        y = -x
    total = torch.tensor(0.0)
    for i in range(3):
        total = total + i
    return y, total


compiled_sign = torch.compile(sign_and_sum, backend=counting_backend)
print(compiled_sign(torch.ones(2))[0].tolist(), compiled_sign(-torch.ones(2))[0].tolist())
print("graphs captured:", len(graphs))
# --8<-- [end:autograph]

# --8<-- [start:model]
torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model = torch.nn.Sequential(
    torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2)
).to(device)
compiled_model = torch.compile(model, backend="eager")
batch = torch.randn(16, 4, device=device)
print(tuple(compiled_model(batch).shape))
print(torch.allclose(compiled_model(batch), model(batch)))
# --8<-- [end:model]

# --8<-- [start:xla]
print("torch.compile backends:", torch.compiler.list_backends())  # torch.compile(model, backend=...)
print("model:", type(model).__name__, "| what torch.compile returned:", type(compiled_model).__name__)
# --8<-- [end:xla]

# --8<-- [start:debug]
torch.compiler.set_stance("force_eager")  # compiled functions now run as plain Python
graphs.clear()
print(double_plus_one(torch.tensor([4.0])).tolist())
print("graphs captured:", len(graphs))
torch.compiler.set_stance("default")
# --8<-- [end:debug]

# --8<-- [start:exercise-count-retracing]
graphs.clear()


@torch.compile(backend=counting_backend)
def sgd_update(weights, gradient, lr):
    return weights - lr * gradient


batch_sizes = [4, 4, 4, 2]  # three full batches and a smaller last one
for lr in [0.1, 0.05]:  # a Python float, halved after the first epoch
    for n in batch_sizes:
        sgd_update(torch.ones(n), torch.ones(n), lr)
print("Python float lr, 2 epochs:", len(graphs))

graphs.clear()


@torch.compile(backend=counting_backend)
def sgd_update_tensor_lr(weights, gradient, lr):  # the same body, compiled afresh
    return weights - lr * gradient


for lr in [0.1, 0.05]:
    for n in batch_sizes:
        sgd_update_tensor_lr(torch.ones(n), torch.ones(n), torch.tensor(lr))
print("tensor lr, 2 epochs:", len(graphs))
# --8<-- [end:exercise-count-retracing]

# --8<-- [start:exercise-branch]
graphs.clear()


def double_or_negate(x):
    return torch.where(x.sum() > 0, x * 2, -x)  # both branches computed, one chosen per call


compiled_branch = torch.compile(double_or_negate, backend=counting_backend)
inputs = [torch.ones(2), -torch.ones(2), torch.tensor([3.0, -1.0]), torch.tensor([-3.0, 1.0])]
print("same as the if version:", all(torch.equal(compiled_branch(x), sign_and_sum(x)[0]) for x in inputs))
print("graphs captured:", len(graphs))
# --8<-- [end:exercise-branch]
