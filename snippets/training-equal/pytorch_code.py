# --8<-- [start:setup]
import torch
import torch._dynamo  # before TensorFlow and Keras: see "Porting a model between frameworks"
import keras
import numpy as np
import tensorflow as tf
from torch import nn

STEPS, BATCH = 100, 32
TOL = 1e-4  # the largest difference, in a loss or in a weight, that counts as float32 rounding (see the text)
rng = np.random.default_rng(0)

centres = rng.normal(scale=0.25, size=(10, 64))  # ten classes: clouds of points around ten centres, in 64 dimensions
y = rng.integers(0, 10, size=STEPS * BATCH)
x = (centres[y] + rng.normal(scale=0.5, size=(STEPS * BATCH, 64))).astype("float32")  # in the order both runs see them


def uniform(fan_in, shape):  # PyTorch's default rule for nn.Linear, drawn once, in NumPy
    bound = 1 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, shape).astype("float32")


START = [uniform(64, (64, 32)), uniform(64, 32), uniform(32, (32, 10)), uniform(32, 10)]  # kernels as (in, out)
print(f"{STEPS} batches of {BATCH} | start weights {[w.shape for w in START]}")
# --8<-- [end:setup]

# --8<-- [start:model]
def torch_mlp(batchnorm=None, copy_start=True):
    model = nn.Sequential(nn.Linear(64, 32), *([batchnorm] if batchnorm else []), nn.Tanh(), nn.Linear(32, 10))
    if copy_start:
        with torch.no_grad():
            for layer, kernel, bias in [(model[0], *START[:2]), (model[-1], *START[2:])]:
                layer.weight.copy_(torch.from_numpy(kernel.T))  # (in, out) -> (out, in)
                layer.bias.copy_(torch.from_numpy(bias))
    return model


def torch_state(model):  # the weights (and BatchNorm's running means) as one flat array, kernels as (in, out)
    skip = ("running_var", "num_batches_tracked")
    return np.concatenate([t.numpy().T.ravel() for name, t in model.state_dict().items() if not name.endswith(skip)])


model = torch_mlp()
first = nn.CrossEntropyLoss()(model(torch.from_numpy(x[:BATCH])), torch.from_numpy(y[:BATCH]))
print(f"the model: {torch_state(model).size} weights, loss on the first batch {first.item():.4f}")
# --8<-- [end:model]

# --8<-- [start:loop]
def train_torch(model, optimizer, before_step=None, clip=None):
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loss_fn = nn.CrossEntropyLoss()
    losses, states = [], []
    for step, (xb, yb) in enumerate(torch.utils.data.DataLoader(dataset, batch_size=BATCH), start=1):
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        if clip:
            clip(model.parameters())
        if before_step:
            before_step(optimizer, step)
        optimizer.step()
        losses.append(loss.item())
        states.append(torch_state(model))
    return np.array(losses), np.array(states), model
# --8<-- [end:loop]

# --8<-- [start:twin]
def keras_mlp(batchnorm=None, copy_start=True):
    hidden = [keras.layers.Dense(32), *([batchnorm] if batchnorm else []), keras.layers.Activation("tanh")]
    model = keras.Sequential([keras.Input(shape=(64,)), *hidden, keras.layers.Dense(10)])
    if copy_start:
        model.layers[0].set_weights(START[:2])
        model.layers[-1].set_weights(START[2:])
    return model


def keras_state(model):  # the weights (and BatchNormalization's moving means) as one flat array
    return np.concatenate([v.numpy().ravel() for v in model.weights if "moving_variance" not in v.path])


def train_keras(model, optimizer, before_step=None):
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer.build(model.trainable_variables)  # its variables now, so that train_step is traced once

    @tf.function
    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses, states = [], []
    for step, (xb, yb) in enumerate(dataset, start=1):
        if before_step:
            before_step(optimizer, step)
        losses.append(float(train_step(xb, yb)))
        states.append(keras_state(model))
    return np.array(losses), np.array(states), model


model = keras_mlp()
first = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y[:BATCH], model(x[:BATCH]))
print(f"its twin: {keras_state(model).size} weights, loss on the first batch {float(first):.4f}")
# --8<-- [end:twin]

# --8<-- [start:compare]
def compare(torch_run, keras_run):  # each run: (losses, weights after each step, model)
    loss_diff = np.abs(torch_run[0] - keras_run[0])
    weight_diff = np.abs(torch_run[1] - keras_run[1]).max(axis=1)
    beyond = np.flatnonzero((loss_diff > TOL) | (weight_diff > TOL))
    return loss_diff, weight_diff, beyond[0] + 1 if len(beyond) else None  # the first step beyond the tolerance


def magnitude(diff):  # the last digits change with the CPU and the thread count: print the power of ten nearest
    return "< 1e-06" if diff < 1e-6 else f"about {10.0 ** np.round(np.log10(diff)):.0e}"


def agreement(torch_run, keras_run):  # the largest difference in all the steps, which must be within TOL
    loss_diff, weight_diff, _ = compare(torch_run, keras_run)
    largest = max(loss_diff.max(), weight_diff.max())
    assert largest <= TOL, largest
    return f"largest difference in {STEPS} steps, losses and weights: {magnitude(largest)}"


def show_agreement(torch_run, keras_run):
    print("step   torch   keras")
    for step in (1, 10, 50, 100):
        print(f"{step:4d}  {torch_run[0][step - 1]:.3f}   {keras_run[0][step - 1]:.3f}")
    print(agreement(torch_run, keras_run))


catalogue = []  # one row per default: the two runs, each with its own framework's value


def parting(setting, torch_value, keras_value, torch_run, keras_run):
    loss_diff, weight_diff, step = compare(torch_run, keras_run)
    parts = f"step {step}" if step else "never"
    at_end = [f"{d:.0e}" if d > TOL else f"< {TOL:.0e}" for d in (loss_diff[-1], weight_diff[-1])]
    catalogue.append((setting, torch_value, keras_value, parts, *at_end))
    print(f"{setting}: the runs part at {parts}; at step {STEPS}: loss {at_end[0]}, weights {at_end[1]} apart"
          if step else f"{setting}: the runs never part")


def run_torch(make_optimizer, model=None, **options):
    model = model or torch_mlp()
    return train_torch(model, make_optimizer(model.parameters()), **options)


def run_keras(optimizer, model=None, **options):
    return train_keras(model or keras_mlp(), optimizer, **options)
# --8<-- [end:compare]

# --8<-- [start:sgd]
torch_sgd = run_torch(lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9))
keras_sgd = run_keras(keras.optimizers.SGD(learning_rate=0.05, momentum=0.9))
show_agreement(torch_sgd, keras_sgd)
# --8<-- [end:sgd]

# --8<-- [start:adam]
torch_defaults = torch.optim.Adam([nn.Parameter(torch.zeros(1))]).defaults
keras_defaults = keras.optimizers.Adam()
print(f"torch Adam: lr {torch_defaults['lr']}, betas {torch_defaults['betas']}, eps {torch_defaults['eps']}")
print(f"keras Adam: learning_rate {float(keras_defaults.learning_rate):.3g}, beta_1 {keras_defaults.beta_1}, "
      f"beta_2 {keras_defaults.beta_2}, epsilon {keras_defaults.epsilon}")
print(f"Keras's epsilon at step 1, in torch's formula: {1 / (1 - keras_defaults.beta_2) ** 0.5:.1f} x epsilon")

def keras_epsilon(epsilon):  # torch adds eps after Adam's bias correction, Keras before it: give torch Keras's place
    def before_step(optimizer, step):
        for group in optimizer.param_groups:
            group["eps"] = epsilon / (1 - group["betas"][1] ** step) ** 0.5
    return before_step


torch_adam = run_torch(lambda params: torch.optim.Adam(params, lr=0.01), before_step=keras_epsilon(1e-8))
keras_adam = run_keras(keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8))
show_agreement(torch_adam, keras_adam)
# --8<-- [end:adam]

# --8<-- [start:fit]
import inspect


class Record(keras.callbacks.Callback):  # after each batch: the loss fit logs, and the weights
    def on_train_begin(self, logs=None):
        self.logged, self.states = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.logged.append(logs["loss"])
        self.states.append(keras_state(self.model))


def fit_keras(**fit_options):
    model = keras_mlp()
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss=loss_fn)
    record = Record()
    model.fit(x, y, epochs=1, callbacks=[record], verbose=0, **fit_options)
    return np.array(record.logged), np.array(record.states), model


def running_mean(run):  # what fit logs: the mean of the epoch's losses so far
    losses = run[0]
    return np.cumsum(losses) / np.arange(1, len(losses) + 1), *run[1:]


fit_defaults = inspect.signature(keras.Model.fit).parameters
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)))
print(f"fit defaults: batch_size={fit_defaults['batch_size'].default}, shuffle={fit_defaults['shuffle'].default}")
print(f"DataLoader defaults: batch_size={loader.batch_size}, sampler {type(loader.sampler).__name__}")

keras_fit = fit_keras(shuffle=False)
print(f"fit(x, y, shuffle=False): {len(keras_fit[0])} batches; the loss columns are running means")
show_agreement(running_mean(torch_sgd), keras_fit)

keras.utils.set_random_seed(0)
keras_fit_shuffled = fit_keras()
print(f"fit(x, y): {len(keras_fit_shuffled[0])} batches")
parting("fit's shuffle", "False (DataLoader)", fit_defaults["shuffle"].default, running_mean(torch_sgd), keras_fit_shuffled)
# --8<-- [end:fit]

# --8<-- [start:adam-epsilon]
torch_adam_plain = run_torch(lambda params: torch.optim.Adam(params, lr=0.01))  # eps=1e-8, in torch's place
parting("Adam epsilon's place", "after bias correction", "before it", torch_adam_plain, keras_adam)
keras_adam_default = run_keras(keras.optimizers.Adam(learning_rate=0.01))  # epsilon left at Keras's default
parting("Adam epsilon", torch_defaults["eps"], keras_defaults.epsilon, torch_adam, keras_adam_default)
# --8<-- [end:adam-epsilon]

# --8<-- [start:weight-decay]
torch_decay = torch.optim.AdamW([nn.Parameter(torch.zeros(1))]).defaults["weight_decay"]
keras_decay = keras.optimizers.AdamW().weight_decay
print(f"AdamW weight_decay: torch {torch_decay}, keras {keras_decay}")

torch_adamw = run_torch(lambda params: torch.optim.AdamW(params, lr=0.01), before_step=keras_epsilon(1e-8))
show_agreement(torch_adamw, run_keras(keras.optimizers.AdamW(learning_rate=0.01, epsilon=1e-8, weight_decay=torch_decay)))
parting("AdamW weight_decay", torch_decay, keras_decay, torch_adamw,
        run_keras(keras.optimizers.AdamW(learning_rate=0.01, epsilon=1e-8)))
parting("Adam(weight_decay=0.01)", "L2, in the gradient", "decoupled, as AdamW",
        run_torch(lambda params: torch.optim.Adam(params, lr=0.01, weight_decay=0.01), before_step=keras_epsilon(1e-8)),
        run_keras(keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8, weight_decay=0.01)))
# --8<-- [end:weight-decay]

# --8<-- [start:sgd-defaults]
torch_lr = torch.optim.SGD([nn.Parameter(torch.zeros(1))]).defaults["lr"]
keras_lr = float(keras.optimizers.SGD().learning_rate)
print(f"SGD learning rate: torch {torch_lr}, keras {keras_lr:.3g}")
parting("SGD learning rate", torch_lr, f"{keras_lr:.3g}",
        run_torch(lambda params: torch.optim.SGD(params, momentum=0.9)), run_keras(keras.optimizers.SGD(momentum=0.9)))
parting("SGD momentum, fixed rate", "v = mu*v + g", "v = mu*v - lr*g", torch_sgd, keras_sgd)


def drop_rate(optimizer, step):  # 0.05 for 50 steps, then 0.005
    if step == 51 and isinstance(optimizer, torch.optim.Optimizer):
        optimizer.param_groups[0]["lr"] = 0.005
    elif step == 51:
        optimizer.learning_rate = 0.005


def drop_rate_keras_style(optimizer, step):  # the same, with torch's velocities moved to Keras's units
    drop_rate(optimizer, step)
    if step == 51:
        for param in optimizer.param_groups[0]["params"]:
            optimizer.state[param]["momentum_buffer"] *= 0.05 / 0.005


keras_drop = run_keras(keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), before_step=drop_rate)
parting("SGD momentum, rate drop", "v = mu*v + g", "v = mu*v - lr*g",
        run_torch(lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9), before_step=drop_rate), keras_drop)
torch_drop = run_torch(lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9), before_step=drop_rate_keras_style)
print("velocities rescaled at the drop:", agreement(torch_drop, keras_drop))
# --8<-- [end:sgd-defaults]

# --8<-- [start:batchnorm]
torch_bn, keras_bn = nn.BatchNorm1d(32), keras.layers.BatchNormalization()
print(f"torch BatchNorm1d: momentum {torch_bn.momentum}, eps {torch_bn.eps}")
print(f"keras BatchNormalization: momentum {keras_bn.momentum}, epsilon {keras_bn.epsilon}")


def sgd_runs(batchnorm):
    if isinstance(batchnorm, nn.Module):
        return run_torch(lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9), model=torch_mlp(batchnorm))
    return run_keras(keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), model=keras_mlp(batchnorm))


torch_run = sgd_runs(torch_bn)
keras_twin = sgd_runs(keras.layers.BatchNormalization(momentum=1 - torch_bn.momentum, epsilon=torch_bn.eps))
show_agreement(torch_run, keras_twin)
ratio = torch_run[2][1].running_var.numpy() / keras_twin[2].layers[1].moving_variance.numpy()
print(f"running variances, torch / keras: {ratio.min():.4f} to {ratio.max():.4f}; {BATCH} / {BATCH - 1} = {BATCH / (BATCH - 1):.4f}")

parting("BatchNorm epsilon", torch_bn.eps, keras_bn.epsilon, torch_run,
        sgd_runs(keras.layers.BatchNormalization(momentum=1 - torch_bn.momentum)))
parting("BatchNorm momentum", torch_bn.momentum, keras_bn.momentum, torch_run,
        sgd_runs(keras.layers.BatchNormalization(epsilon=torch_bn.eps)))
# --8<-- [end:batchnorm]

# --8<-- [start:clipping]
norms = []


def clip_all_together(params):  # torch: one norm over all the gradients, as if they were one vector
    norms.append(nn.utils.clip_grad_norm_(params, max_norm=0.5).item())  # returns the norm before clipping


torch_clipped = run_torch(lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9), clip=clip_all_together)
print(f"the gradients' norm at step 1: {norms[0]:.2f}, so they are clipped to 0.5")
show_agreement(torch_clipped, run_keras(keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, global_clipnorm=0.5)))
parting("clipping by norm", "all together (clip_grad_norm_)", "each weight (clipnorm)", torch_clipped,
        run_keras(keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, clipnorm=0.5)))
# --8<-- [end:clipping]

# --8<-- [start:init]
torch.manual_seed(0)
keras.utils.set_random_seed(0)
torch_own, keras_own = torch_mlp(copy_start=False), keras_mlp(copy_start=False)
linear, dense = torch_own[0], keras_own.layers[0]
print(f"torch Linear(64, 32): weight within +-{linear.weight.abs().max():.3f}, bias within +-{linear.bias.abs().max():.3f}")
print(f"keras Dense(32): {type(dense.kernel_initializer).__name__} kernel within +-{np.abs(dense.kernel.numpy()).max():.3f}, "
      f"{type(dense.bias_initializer).__name__} bias")
parting("initial weights", "uniform, 1/sqrt(fan_in)", "Glorot uniform, zero bias",
        run_torch(lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9), model=torch_own),
        run_keras(keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), model=keras_own))
# --8<-- [end:init]

# --8<-- [start:reduction]
torch_reduction = nn.CrossEntropyLoss().reduction
keras_reduction = keras.losses.SparseCategoricalCrossentropy().reduction
print(f"loss reduction: torch {torch_reduction!r}, keras {keras_reduction!r}")
parting("loss reduction", torch_reduction, keras_reduction, torch_sgd, keras_sgd)
# --8<-- [end:reduction]

# --8<-- [start:summary]
print(f"{'':25} {'':30} {'':25} {'runs':8} {'at step 100, apart by':20}")
print(f"{'default':25} {'torch':30} {'keras':25} {'part at':8} {'loss':9} weights")
for setting, torch_value, keras_value, parts, loss_diff, weight_diff in catalogue:
    print(f"{setting:25} {str(torch_value):30} {str(keras_value):25} {parts:8} {loss_diff:9} {weight_diff}")
# --8<-- [end:summary]
