# --8<-- [start:first-gradient]
import torch

x = torch.tensor(2.0, requires_grad=True)  # track operations on x
y = x**2 + 3 * x  # y = x² + 3x, so dy/dx = 2x + 3
y.backward()  # fills x.grad
print(f"y = {y.item():.1f}, dy/dx = {x.grad.item():.1f}")
# --8<-- [end:first-gradient]

# --8<-- [start:several]
inputs = torch.tensor([1.0, 2.0, 3.0, 4.0])
targets = torch.tensor([3.0, 5.0, 7.0, 9.0])  # targets = 2 * inputs + 1

w = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
loss = ((w * inputs + b - targets) ** 2).mean()
loss.backward()  # one call fills w.grad and b.grad
print(f"loss = {loss.item():.3f}")
print(f"dloss/dw = {w.grad.item():.3f}, dloss/db = {b.grad.item():.3f}")
# --8<-- [end:several]

# --8<-- [start:watch]
c = torch.tensor(2.0)  # requires_grad is False by default
y = c**2 + 3 * c
try:
    y.backward()
except RuntimeError as err:
    print(type(err).__name__, err)

c.requires_grad_()  # switch tracking on, then compute again
y = c**2 + 3 * c
y.backward()
print(f"dy/dc = {c.grad.item():.1f}")
# --8<-- [end:watch]

# --8<-- [start:accumulate]
x = torch.tensor(2.0, requires_grad=True)
for step in range(3):
    y = x**2 + 3 * x
    y.backward()  # ADDS to x.grad
    print(f"after backward {step + 1}: x.grad = {x.grad.item():.1f}")

x.grad = None  # reset (optimizer.zero_grad() does this for every parameter)
y = x**2 + 3 * x
y.backward()
print(f"after reset: x.grad = {x.grad.item():.1f}")
# --8<-- [end:accumulate]

# --8<-- [start:micro-batches]
w.grad = None
for part_x, part_y in zip(inputs.split(2), targets.split(2)):  # two halves
    part_loss = ((w * part_x + b - part_y) ** 2).mean() / 2
    part_loss.backward()  # gradients of the halves add up in w.grad
print(f"summed over halves: {w.grad.item():.3f}")

w.grad = None
full_loss = ((w * inputs + b - targets) ** 2).mean()
full_loss.backward()
print(f"whole batch at once: {w.grad.item():.3f}")
# --8<-- [end:micro-batches]

# --8<-- [start:two-targets]
x = torch.tensor(3.0, requires_grad=True)
square = x**2
cube = square * x  # reuses square's part of the graph

square.backward(retain_graph=True)  # keep the graph for another pass
print(f"d(x^2)/dx = {x.grad.item():.1f}")
x.grad = None
cube.backward()
print(f"d(x^3)/dx = {x.grad.item():.1f}")
# --8<-- [end:two-targets]

# --8<-- [start:second-pass]
x = torch.tensor(3.0, requires_grad=True)
cube = x**3
cube.backward()  # frees the graph's saved values
try:
    cube.backward()
except RuntimeError as err:
    print(type(err).__name__, str(err).split(". ")[0])
# --8<-- [end:second-pass]

# --8<-- [start:detach]
x = torch.tensor(2.0, requires_grad=True)
z = x * x.detach()  # the second factor counts as a constant
z.backward()
print(f"dz/dx = {x.grad.item():.1f}")  # 4.0 without detach
# --8<-- [end:detach]

# --8<-- [start:no-grad]
x = torch.tensor(2.0, requires_grad=True)
tracked = x * 3
with torch.no_grad():  # nothing inside is recorded
    untracked = x * 3
print(tracked.requires_grad, untracked.requires_grad)
# --8<-- [end:no-grad]

# --8<-- [start:descent-step]
w = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
learning_rate = 0.05

loss = ((w * inputs + b - targets) ** 2).mean()
loss.backward()
with torch.no_grad():  # the update itself must not be recorded
    w -= learning_rate * w.grad
    b -= learning_rate * b.grad
w.grad = None
b.grad = None

new_loss = ((w * inputs + b - targets) ** 2).mean()
print(f"w = {w.item():.3f}, b = {b.item():.3f}")
print(f"loss {loss.item():.3f} -> {new_loss.item():.3f}")
# --8<-- [end:descent-step]

# --8<-- [start:exercise-by-hand]
def f(x):
    return torch.sin(x) * x**2


def f_prime(x):  # worked out by hand: product rule
    return torch.cos(x) * x**2 + 2 * x * torch.sin(x)


x = torch.linspace(-2.0, 2.0, 5, requires_grad=True)
f(x).sum().backward()  # each f(x[i]) depends on x[i] alone, so x.grad[i] is f'(x[i])
print("autograd:", [round(g, 3) for g in x.grad.tolist()])
print("by hand: ", [round(g, 3) for g in f_prime(x.detach()).tolist()])
print("largest difference below 1e-6:", (x.grad - f_prime(x.detach())).abs().max().item() < 1e-6)
# --8<-- [end:exercise-by-hand]

# --8<-- [start:exercise-descent]
def bowl(p):  # lowest at (1, -2), where it is 0
    return (p[0] - 1) ** 2 + 10 * (p[1] + 2) ** 2


point = torch.tensor([0.0, 0.0], requires_grad=True)  # (x, y)
learning_rate = 0.04
print(f"start: f = {bowl(point).item():.1f}")
for step in range(100):
    loss = bowl(point)
    loss.backward()
    with torch.no_grad():
        point -= learning_rate * point.grad
    point.grad = None  # without this, every step would add up all the gradients so far
x_min, y_min = point.tolist()
print(f"x = {x_min:.3f}, y = {y_min:.3f}, f = {bowl(point).item():.4f}")
# --8<-- [end:exercise-descent]
