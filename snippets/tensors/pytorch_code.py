# --8<-- [start:create]
import numpy as np
import torch

table = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # from nested lists
zeros = torch.zeros(2, 3)
ones = torch.ones(2, 3)
steps = torch.arange(6)  # 0, 1, ..., 5

print(tuple(table.shape), tuple(zeros.shape), tuple(ones.shape))
print(steps.tolist())
# --8<-- [end:create]

# --8<-- [start:random]
torch.manual_seed(0)
noise = torch.randn(2, 3)  # standard normal
print(tuple(noise.shape))
print(noise.numpy().round(3))

torch.manual_seed(0)  # same seed again: same numbers again
print(torch.equal(noise, torch.randn(2, 3)))
# --8<-- [end:random]

# --8<-- [start:dtypes]
print(torch.tensor([1.0, 2.0]).dtype)  # Python floats
print(torch.tensor([1, 2]).dtype)  # Python ints
print(torch.from_numpy(np.array([1.0, 2.0])).dtype)  # NumPy's default float

mixed = torch.tensor([1, 2]) + torch.tensor([0.5, 0.5])  # int + float
print(mixed.dtype, mixed.tolist())

as_float = torch.tensor([1, 2]).to(torch.float32)  # explicit conversion
print(as_float.dtype)
# --8<-- [end:dtypes]

# --8<-- [start:reshape]
x = torch.arange(12)
grid = x.reshape(3, 4)
print(tuple(grid.shape))
print(tuple(x.reshape(2, -1).shape))  # -1: "work this one out"
print(tuple(grid.T.shape))  # transpose
print(tuple(grid.unsqueeze(0).shape))  # add an axis of size 1
print(tuple(torch.flatten(grid).shape))
# --8<-- [end:reshape]

# --8<-- [start:indexing]
print(grid.tolist())
print(grid[0].tolist())  # first row
print(grid[:, 1].tolist())  # second column
print(grid[1:, ::2].tolist())  # rows 1.., every other column
print(grid[-1, -1].item())  # last element
print(grid[grid > 8].tolist())  # boolean mask
print(grid[[0, 2]].tolist())  # rows 0 and 2
# --8<-- [end:indexing]

# --8<-- [start:broadcasting]
a = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # shape (2, 3)
row = torch.tensor([10.0, 20.0, 30.0])  # shape (3,)
col = torch.tensor([[100.0], [200.0]])  # shape (2, 1)

print((a * 2).tolist())
print((a + row).tolist())  # row is repeated for each of the 2 rows
print((a + col).tolist())  # col is repeated for each of the 3 columns
print(tuple((col + row).shape))
# --8<-- [end:broadcasting]

# --8<-- [start:matmul]
left = torch.arange(6.0).reshape(2, 3)
right = torch.arange(6.0).reshape(3, 2)

product = left @ right  # same as torch.matmul(left, right)
print(tuple(product.shape), product.tolist())
print((left * left).tolist())  # * is element by element
print(f"{product.sum().item():.1f}, {product.mean().item():.2f}")
# --8<-- [end:matmul]

# --8<-- [start:numpy]
array = np.zeros(3, dtype=np.float32)
shared = torch.from_numpy(array)  # shares the array's memory
copied = torch.tensor(array)  # makes a copy
array[0] = 7.0  # change the NumPy array
print("from_numpy:", shared.tolist())
print("tensor():  ", copied.tolist())

back = shared.numpy()  # also shares memory (CPU tensors only)
shared[1] = 5.0
print("numpy():   ", back.tolist())
# --8<-- [end:numpy]

# --8<-- [start:device]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

model = torch.nn.Linear(3, 1).to(device)  # moves the weights
batch = torch.ones(2, 3).to(device)  # moves the data
print(batch.device == model.weight.device)

doubled = batch * 2  # runs where batch lives
print(doubled.cpu().numpy().tolist())  # back to the CPU before NumPy
# --8<-- [end:device]

# --8<-- [start:mutability]
counts = torch.zeros(3)
counts[0] = 5.0  # item assignment
counts.add_(1.0)  # methods ending in _ work in place
print(counts.tolist())

bigger = counts + 1.0  # no underscore: a new tensor; counts is unchanged
print(counts.tolist(), bigger.tolist())
# --8<-- [end:mutability]

# --8<-- [start:exercise-channel-mean]
images = torch.from_numpy(np.random.default_rng(0).normal(5.0, 2.0, size=(8, 3, 4, 4)).astype(np.float32))
channel_mean = images.mean(dim=(0, 2, 3), keepdim=True)  # one mean per channel
print(tuple(channel_mean.shape))

centred = images - channel_mean  # (8, 3, 4, 4) - (1, 3, 1, 1): repeated over N, H and W
print(tuple(centred.shape))
print(bool(centred.mean(dim=(0, 2, 3)).abs().max() < 1e-5))  # every channel's mean is now 0
# --8<-- [end:exercise-channel-mean]

# --8<-- [start:exercise-distances]
rng = np.random.default_rng(1)
points = torch.from_numpy(rng.normal(size=(5, 2)).astype(np.float32))
centres = torch.from_numpy(rng.normal(size=(3, 2)).astype(np.float32))

differences = points.unsqueeze(1) - centres.unsqueeze(0)  # (5, 1, 2) - (1, 3, 2)
squared = (differences**2).sum(dim=-1)
print(tuple(differences.shape), tuple(squared.shape))

expanded = (points**2).sum(dim=1, keepdim=True) - 2 * points @ centres.T + (centres**2).sum(dim=1)
print(torch.allclose(squared, expanded, atol=1e-5))
print("nearest centre:", squared.argmin(dim=1).tolist())
# --8<-- [end:exercise-distances]
