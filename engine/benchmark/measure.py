"""Measure one training step in PyTorch and TensorFlow/Keras, eager and compiled, and write the numbers as JSON.

    python -m engine.benchmark.measure                  # full run (make benchmark), one to five minutes
    python -m engine.benchmark.measure --quick          # a smoke run: few steps, no Inductor compile
    python -m engine.benchmark.measure --output x.json  # write somewhere else

Two small models, the same in both frameworks: an MLP (784-128-10, 101,770 parameters) and a CNN (Conv 32 3x3 +
Dense 10 on 28x28x1 images, 216,650 parameters), trained on one fixed batch made with NumPy from seed 0.

A *step* is forward pass, cross-entropy loss, backward pass and one SGD update, ending with the loss read back into
Python (`loss.item()` / `float(loss)`), which makes the clock wait until the work is really done (and, on a GPU,
`torch.cuda.synchronize()` as well). For every case the script records:

    first_call_ms   the first step alone: tracing and compiling happen here
    median_ms       the median of the timed steps after warm-up (p10, p90, min and max too)

Each framework runs in a child process of its own, so their thread pools never compete, and both are held to the
same thread counts (THREADS below). The children never compute at the same time: the PyTorch child does its first
calls and warm-up (Inductor's compile included) first, then the TensorFlow child; then this parent runs the timed
steps in rounds, asking one child and then the other for one round of every case, rotating the order. A burst of load
from another program on the machine therefore falls on all cases, of both frameworks, alike. torch.compile gets a
fresh, empty Inductor cache directory, so its first call is a cold compile every time this script runs.

Without --output, the results go to docs/performance/results-cpu.json, or results-gpu.json when a framework
used a GPU.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..settings import DOCS, PROGRAM_ENVIRONMENT

RESULTS_DIR = DOCS / "performance"
THREADS = 2  # intra-op threads in both frameworks; inter-op threads: 1
BATCH = 64
LEARNING_RATE = 0.01

FULL = {"warmup": 10, "repetitions": 200, "rounds": 20, "torch_compile_backend": "inductor"}
# --quick: a smoke test of the whole pipeline. Inductor's cold compile alone takes 15 s to over a minute on 2 busy
# cores, so a quick run swaps it for the "eager" backend: the same graph capture (TorchDynamo), no code generation.
QUICK = {"warmup": 2, "repetitions": 10, "rounds": 2, "torch_compile_backend": "eager"}

MODELS = {
    "mlp": "MLP: Dense 784-128 (ReLU) - Dense 10, input (64, 784)",
    "cnn": "CNN: Conv 32 filters 3x3 (ReLU) - Flatten - Dense 10, input 64 images of 28x28x1",
}
PYTORCH_MODES = {
    "eager": "eager (plain PyTorch)",
    "compile": "torch.compile (default: Inductor)",
    "compile-eager": 'torch.compile(backend="eager"): capture only, quick runs',
}
TENSORFLOW_MODES = {
    "eager": "eager GradientTape step",
    "function": "tf.function",
    "function-xla": "tf.function(jit_compile=True)",
    "keras": "Keras train_on_batch, jit_compile=False",
    "keras-xla": "Keras train_on_batch, jit_compile=True",
}
# The program environment of every guide program, with the benchmark's own thread counts.
CHILD_ENVIRONMENT = PROGRAM_ENVIRONMENT | {
    "OMP_NUM_THREADS": str(THREADS),  # Inductor's generated C++ and oneDNN/OpenMP in both frameworks
    "TF_NUM_INTRAOP_THREADS": str(THREADS),
    "TF_NUM_INTEROP_THREADS": "1",
}
MESSAGE = "@benchmark "  # the children's protocol lines on stdout start with this; anything else is passed through


# ------------------------------------------------------------------------------------------------- the child's side


def data():
    """One fixed batch: MLP inputs, CNN images (NHWC, as Keras wants them) and integer labels 0-9."""
    import numpy as np

    rng = np.random.default_rng(0)
    flat = rng.standard_normal((BATCH, 784)).astype("float32")
    images = rng.standard_normal((BATCH, 28, 28, 1)).astype("float32")
    labels = rng.integers(0, 10, size=BATCH).astype("int64")
    return flat, images, labels


@dataclass
class Case:
    framework: str
    model: str
    mode: str
    label: str
    step: Callable[[], float]  # one training step; returns the loss as a Python float
    graphs: Callable[[], int] | None = None  # graphs traced or compiled so far (per function, or for the process)
    record: dict = field(default_factory=dict)
    times: list = field(default_factory=list)


def set_up(cases: list[Case], warmup: int) -> None:
    """First call (timed on its own) and untimed warm-up, one case after the other."""
    for case in cases:
        before = case.graphs() if case.graphs else 0
        start = time.perf_counter()
        case.record["loss_first"] = case.step()
        case.record["first_call_ms"] = round((time.perf_counter() - start) * 1000.0, 3)
        for _ in range(warmup):
            case.step()
        if case.graphs:
            case.record["graphs_first_call"] = case.graphs() - before
    for case in cases:  # after every set-up: any graph made from here on is a retrace during the timed steps
        if case.graphs:
            case.record["_graphs_after_setup"] = case.graphs()


def run_round(cases: list[Case], number: int, steps: int) -> None:
    shift = number % len(cases)  # rotate the order, so no case always runs right after the same one
    for case in cases[shift:] + cases[:shift]:
        for _ in range(steps):
            start = time.perf_counter()
            loss = case.step()
            case.times.append(time.perf_counter() - start)
        case.record["loss_last"] = loss


def summary(case: Case) -> dict:
    import numpy as np

    ms = np.array(case.times) * 1000.0
    record = dict(case.record)
    after_setup = record.pop("_graphs_after_setup", None)
    if after_setup is not None:
        record["graphs_during_timed_steps"] = case.graphs() - after_setup
    return {
        "framework": case.framework,
        "model": case.model,
        "mode": case.mode,
        "label": case.label,
        "first_call_ms": record.pop("first_call_ms"),
        "median_ms": round(float(np.median(ms)), 4),
        "p10_ms": round(float(np.percentile(ms, 10)), 4),
        "p90_ms": round(float(np.percentile(ms, 90)), 4),
        "min_ms": round(float(ms.min()), 4),
        "max_ms": round(float(ms.max()), 4),
        "steps_timed": len(ms),
        "loss_first": round(record.pop("loss_first"), 4),
        "loss_last": round(record.pop("loss_last"), 4),
    } | record


def send(message: dict) -> None:
    print(MESSAGE + json.dumps(message), flush=True)


def serve(framework: str, settings: dict) -> None:
    """The child: set up every case, then time one round per request from the parent, then report."""
    started = time.perf_counter()
    info, cases = (pytorch_cases if framework == "pytorch" else tensorflow_cases)(settings)
    set_up(cases, settings["warmup"])
    send({"ready": True, "setup_s": round(time.perf_counter() - started, 1)})
    steps = settings["repetitions"] // settings["rounds"]
    for line in sys.stdin:
        request = json.loads(line)
        if "round" in request:
            run_round(cases, request["round"], steps)
            send({"done": request["round"]})
        elif request.get("finish"):
            send(info | {"cases": [summary(case) for case in cases]})
            return


def pytorch_cases(settings: dict) -> tuple[dict, list[Case]]:
    import torch

    torch.set_num_threads(THREADS)
    torch.set_num_interop_threads(1)
    import torch._dynamo
    import torch._inductor.config as inductor_config
    from torch import nn

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    flat, images, labels = data()
    inputs = {
        "mlp": torch.from_numpy(flat).to(device),
        "cnn": torch.from_numpy(images).permute(0, 3, 1, 2).contiguous().to(device),  # NCHW
    }
    target = torch.from_numpy(labels).to(device)

    def build(model_name: str) -> nn.Module:
        torch.manual_seed(0)
        if model_name == "mlp":
            model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        else:
            model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Flatten(), nn.Linear(32 * 26 * 26, 10))
        return model.to(device)

    def make_step(model: nn.Module, x: torch.Tensor):
        optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
        loss_fn = nn.CrossEntropyLoss()

        def step() -> float:
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), target)
            loss.backward()
            optimizer.step()
            value = loss.item()  # waits for the result
            if device.type == "cuda":
                torch.cuda.synchronize()
            return value

        return step

    def graphs() -> int:  # graphs TorchDynamo has compiled in this process
        return int(torch._dynamo.utils.counters["stats"]["unique_graphs"])

    backend = settings["torch_compile_backend"]
    compile_mode = "compile" if backend == "inductor" else f"compile-{backend}"
    cases, parameters = [], {}
    for model_name in MODELS:
        eager_model = build(model_name)
        parameters[model_name] = sum(p.numel() for p in eager_model.parameters())
        x = inputs[model_name]
        cases.append(Case("PyTorch", model_name, "eager", PYTORCH_MODES["eager"], make_step(eager_model, x)))
        compiled = torch.compile(build(model_name), backend=backend)
        label = PYTORCH_MODES[compile_mode]
        cases.append(Case("PyTorch", model_name, compile_mode, label, make_step(compiled, x), graphs))
    info = {
        "versions": {"torch": torch.__version__},
        "device": torch.cuda.get_device_name() if device.type == "cuda" else "cpu",
        "parameters": parameters,
        "threads": {"intra_op": torch.get_num_threads(), "inter_op": torch.get_num_interop_threads()},
        "inductor_compile_threads": inductor_config.compile_threads,
    }
    return info, cases


def tensorflow_cases(settings: dict) -> tuple[dict, list[Case]]:
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(THREADS)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras

    flat, images, labels = data()
    inputs = {"mlp": tf.constant(flat), "cnn": tf.constant(images)}
    target = tf.constant(labels)

    def build(model_name: str) -> keras.Model:
        keras.utils.set_random_seed(0)
        if model_name == "mlp":
            layers = [keras.Input(shape=(784,)), keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10)]
        else:
            layers = [
                keras.Input(shape=(28, 28, 1)),
                keras.layers.Conv2D(32, 3, activation="relu"),
                keras.layers.Flatten(),
                keras.layers.Dense(10),
            ]
        return keras.Sequential(layers)

    def tape_case(model_name: str, mode: str) -> Case:
        model = build(model_name)
        optimizer = keras.optimizers.SGD(learning_rate=LEARNING_RATE)
        optimizer.build(model.trainable_variables)
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        x = inputs[model_name]

        def train_step(x, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply(grads, model.trainable_variables)
            return loss

        if mode == "eager":
            run, graphs = train_step, None
        else:
            run = tf.function(train_step, jit_compile=mode == "function-xla")
            graphs = run.experimental_get_tracing_count

        def step() -> float:
            return float(run(x, target))  # waits for the result

        return Case("TensorFlow", model_name, mode, TENSORFLOW_MODES[mode], step, graphs)

    def keras_case(model_name: str, mode: str) -> Case:
        model = build(model_name)
        jit_compile = mode == "keras-xla"
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            jit_compile=jit_compile,
        )
        assert model.jit_compile is jit_compile
        x = inputs[model_name]

        def step() -> float:
            return float(model.train_on_batch(x, target))

        return Case("TensorFlow", model_name, mode, TENSORFLOW_MODES[mode], step)

    cases, parameters = [], {}
    for model_name in MODELS:
        parameters[model_name] = build(model_name).count_params()
        cases += [tape_case(model_name, mode) for mode in ("eager", "function", "function-xla")]
        cases += [keras_case(model_name, mode) for mode in ("keras", "keras-xla")]
    gpus = tf.config.list_physical_devices("GPU")
    info = {
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
        "device": gpus[0].name if gpus else "cpu",
        "parameters": parameters,
        "threads": {
            "intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter_op": tf.config.threading.get_inter_op_parallelism_threads(),
        },
    }
    return info, cases


# ------------------------------------------------------------------------------------------------ the parent's side


class Child:
    """A framework's child process, driven one request at a time over its stdin and stdout."""

    def __init__(self, framework: str, settings: dict, extra_env: dict):
        self.framework = framework
        command = [sys.executable, "-m", "engine.benchmark.measure", "--serve", framework, "--settings", json.dumps(settings)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
            env=os.environ | CHILD_ENVIRONMENT | extra_env,
        )

    def read(self) -> dict:
        for line in self.process.stdout:
            if line.startswith(MESSAGE):
                return json.loads(line[len(MESSAGE):])
            sys.stdout.write(line)  # something the framework printed: show it, it is not ours
        status = self.process.wait()
        raise SystemExit(f"the {self.framework} benchmark stopped (exit status {status}); its error is above")

    def ask(self, request: dict) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return self.read()

    def finish(self) -> dict:
        report = self.ask({"finish": True})
        self.process.stdin.close()
        self.process.wait()
        return report


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_features() -> list[str]:
    """The vector instruction sets that decide how fast the kernels can be, from /proc/cpuinfo's flags."""
    wanted = ["avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile"]
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                return [flag for flag in wanted if flag in flags]
    except OSError:
        pass
    return []


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def measure(settings: dict) -> tuple[dict, dict, dict]:
    """Set up both children one after the other, then alternate timed rounds between them."""
    durations = {}
    with tempfile.TemporaryDirectory(prefix="inductor-cache-") as cache:
        print("PyTorch: first calls and warm-up ...", file=sys.stderr, flush=True)
        torch_child = Child("pytorch", settings, {"TORCHINDUCTOR_CACHE_DIR": cache})
        durations["PyTorch set-up"] = torch_child.read()["setup_s"]
        print("TensorFlow: first calls and warm-up ...", file=sys.stderr, flush=True)
        tf_child = Child("tensorflow", settings, {})
        durations["TensorFlow set-up"] = tf_child.read()["setup_s"]
        print(f"timed rounds ({settings['rounds']}) ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        for number in range(settings["rounds"]):
            order = (torch_child, tf_child) if number % 2 == 0 else (tf_child, torch_child)
            for child in order:
                child.ask({"round": number})
        durations["timed rounds"] = round(time.perf_counter() - start, 1)
        return torch_child.finish(), tf_child.finish(), durations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repetitions, torch.compile without Inductor")
    parser.add_argument(
        "--output", type=Path, help="where to write the JSON (default: docs/performance/results-<cpu|gpu>.json)"
    )
    parser.add_argument("--serve", choices=["pytorch", "tensorflow"], help=argparse.SUPPRESS)
    parser.add_argument("--settings", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve:  # a child process: one framework
        serve(args.serve, json.loads(args.settings))
        return 0

    settings = QUICK if args.quick else FULL
    started = time.perf_counter()
    load_before = load_average()
    if load_before and load_before[0] > 0.5 * (os.cpu_count() or 1):
        print(f"note: the machine is busy (load average {load_before[0]}): step times will be slower and noisier "
              "than on an idle machine, PyTorch's most of all", file=sys.stderr)
    date = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
    torch_part, tf_part, durations = measure(settings)

    import numpy as np  # only for its version: the parent imports no framework

    devices = {"PyTorch": torch_part["device"], "TensorFlow": tf_part["device"]}
    uses_gpu = any(device != "cpu" for device in devices.values())
    results = {
        "schema": 1,
        "date": date,
        "quick": args.quick,
        "machine": {
            "cpu": cpu_model(),
            "cpu_features": cpu_features(),
            "logical_cores": os.cpu_count(),
            "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "memory_gib": memory_gib(),
            "os": platform.platform(),
            "accelerator": devices,
            "load_average_before": load_before,
            "load_average_after": load_average(),
        },
        "versions": {"python": platform.python_version(), "numpy": np.__version__}
        | torch_part["versions"]
        | tf_part["versions"],
        "method": {
            "what_is_timed": (
                "one training step on one fixed batch: forward pass, cross-entropy loss, backward pass, one SGD "
                f"update (learning rate {LEARNING_RATE}), and reading the loss back into Python (loss.item() / "
                "float(loss)), which waits for the work to finish"
            ),
            "first_call": "the first step alone, timed once: tracing and compiling happen in it",
            "steady_state": "median of the timed steps after warm-up; p10, p90, min and max of the same steps",
            "clock": "time.perf_counter",
            "batch_size": BATCH,
            "dtype": "float32",
            "warmup_steps": settings["warmup"],
            "repetitions": settings["repetitions"],
            "rounds": settings["rounds"],
            "order": (
                "each framework in a child process of its own; first calls and warm-up in the PyTorch child, then in "
                "the TensorFlow child; then the timed steps in rounds, each round running repetitions / rounds steps "
                "of every case, alternating between the two children (never both at once) and rotating the order "
                "of the cases"
            ),
            "threads": {
                "PyTorch": torch_part["threads"],
                "TensorFlow": tf_part["threads"],
                "OMP_NUM_THREADS": CHILD_ENVIRONMENT["OMP_NUM_THREADS"],
            },
            "torch_compile": {
                "backend": settings["torch_compile_backend"],
                "cache": "a fresh, empty TORCHINDUCTOR_CACHE_DIR for every run: the first call is a cold compile",
                "compile_threads": torch_part["inductor_compile_threads"],
                "what_is_compiled": "the model, forward and backward (the optimizer step runs eagerly)",
            },
            "keras": "train_on_batch after model.compile(..., jit_compile=False or True, set explicitly)",
        },
        "models": {
            name: {
                "description": description,
                "parameters": {"PyTorch": torch_part["parameters"][name], "TensorFlow": tf_part["parameters"][name]},
            }
            for name, description in MODELS.items()
        },
        "skipped": [
            {
                "framework": "PyTorch",
                "model": name,
                "mode": "compile",
                "reason": "--quick: no Inductor (its compile takes seconds to minutes); backend='eager' instead",
            }
            for name in MODELS
            if settings["torch_compile_backend"] != "inductor"
        ],
        "cases": torch_part["cases"] + tf_part["cases"],
        "durations_s": durations | {"total": round(time.perf_counter() - started, 1)},
    }
    output = args.output or RESULTS_DIR / f"results-{'gpu' if uses_gpu else 'cpu'}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {output} in {results['durations_s']['total']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
