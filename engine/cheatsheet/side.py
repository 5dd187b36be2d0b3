"""One side of the cheat sheet, inside a program: run rows' code for one framework.

The cheat-sheet program of a framework (program.py) is one piece per row, each a call of `run_row` naming the row's
data file and its place there, so the rows run through the one runner, one framework per process, each row reported
on its own; its result is saved as `<index>.npy` (an array) or `<index>.json` (a dtype name) in the results folder,
for compare.py to compare the two sides. The fuzz's program (fuzz.py) is one piece, `serve`, which runs a row on
each input it is sent and answers with the result. Either way a row runs in a fresh namespace and an empty working
folder, and its code is compiled as lines of its data file, so a traceback shows the row's file and line.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import numpy as np

from .data import Row, read_file


@cache
def _rows(path: str) -> list[Row]:
    return read_file(Path(path))[1]  # each data file read once per program


def make_inputs(row: Row) -> dict[str, np.ndarray]:
    """The row's inputs, built from np.random.default_rng(0) in the order given: the same numbers on both sides."""
    rng = np.random.default_rng(0)
    arrays = {}
    for name, spec in row.inputs.items():
        kind, shape = spec[0], spec[1]
        if kind == "normal":
            arrays[name] = rng.normal(size=shape).astype(np.float32)
        elif kind == "uniform":
            arrays[name] = rng.random(size=shape).astype(np.float32)
        elif kind == "binary":
            arrays[name] = rng.integers(0, 2, size=shape).astype(np.float32)
        elif kind == "integers":
            arrays[name] = rng.integers(0, spec[2], size=shape).astype(np.int64)
        else:
            raise ValueError(f"unknown input kind {kind!r}")
    return arrays


def _namespace(row: Row, framework: str, arrays: dict[str, np.ndarray]) -> dict:
    if framework == "PyTorch":
        import torch

        namespace = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional, "np": np}
        tensor = torch.tensor
    else:
        import keras
        import tensorflow as tf

        namespace = {"tf": tf, "keras": keras, "np": np}
        tensor = tf.constant
    for name, array in arrays.items():
        namespace[name] = array.copy() if name in row.numpy_inputs else tensor(array)
    return namespace


def _value(row: Row, framework: str, namespace: dict):
    if row.result(framework) is None:
        return eval(row.compiled(framework), namespace)
    exec(row.compiled(framework), namespace)
    return eval(row.compiled(framework, result=True), namespace)


def dtype_name(value) -> str | None:
    """'float32' for torch.float32, tf.float32 or the string itself; None for anything that is not a dtype."""
    if isinstance(value, str):
        return value
    module = type(value).__module__
    if module.startswith("torch") and type(value).__name__ == "dtype":
        return str(value).removeprefix("torch.")
    if hasattr(value, "is_floating") and hasattr(value, "name") and module.startswith("tensorflow"):
        return value.name
    return None


def as_numpy(value) -> np.ndarray:
    if hasattr(value, "detach"):  # torch.Tensor
        return value.detach().cpu().numpy()
    if hasattr(value, "numpy"):  # tf.Tensor, tf.Variable
        return np.asarray(value.numpy())
    return np.asarray(value)


def _row(path: str, number: int, operation: str) -> Row:
    rows = _rows(path)
    row = rows[number - 1] if number <= len(rows) else None
    if row is None or row.operation != operation:
        raise RuntimeError(f"{path} no longer has {operation!r} as its row {number}: the data files changed during the run")
    return row


@cache
def _row_folder() -> Path:
    """The rows' working directory, made once in the system's temporary folder and removed when the process ends."""
    folder = Path(tempfile.mkdtemp(prefix="cheat-sheet-row-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _empty(folder: Path) -> None:
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)


def result(row: Row, framework: str, arrays: dict[str, np.ndarray]):
    """The row's result for `framework` from the input `arrays` (NumPy, by input name): a dtype name for a "dtype"
    row, else a NumPy array. The code runs in a fresh namespace, in an empty working directory (emptied again after
    the row: removing a folder costs milliseconds, which the fuzz's thousands of runs would feel)."""
    here, folder = os.getcwd(), _row_folder()
    os.chdir(folder)  # saving rows write their files here
    try:
        value = _value(row, framework, _namespace(row, framework, arrays))
    finally:
        os.chdir(here)
        _empty(folder)
    if row.check != "dtype":
        return as_numpy(value)
    name = dtype_name(value)
    if name is None:
        raise TypeError(f"{row.where} [{framework}]: a dtype row must give a dtype, not {value!r}")
    return name


def run_row(index: int, framework: str, results: str, path: str, number: int, operation: str) -> None:
    """Run row `number` of the data file `path` (the program's row `index`), which should be `operation`, on its
    inputs from make_inputs, and save the result."""
    row = _row(path, number, operation)
    value = result(row, framework, make_inputs(row))
    out = Path(results)
    if row.check == "dtype":
        (out / f"{index}.json").write_text(json.dumps(value))
    else:
        np.save(out / f"{index}.npy", value, allow_pickle=False)


def serve(framework: str, address: str, authkey: bytes) -> None:
    """Answer the fuzz's requests (engine/cheatsheet/fuzz.py) until it sends None: run one row on given inputs.

    A request is (data file, row number, operation, {input name: NumPy array}); the answer is ("value", result) or,
    when the code raised, ("error", the exception's type name, its message). The framework is imported first, so
    the socket at `address` appears once the program is ready."""
    from multiprocessing.connection import Listener

    namespace = _namespace(Row("", "", "", ""), framework, {})  # imports the framework
    # Every request starts from seed 0, so that a row that draws random numbers (a layer's initial weights, say)
    # gives the same result for the same input: Hypothesis runs an input again while it shrinks it.
    seed = namespace["torch"].manual_seed if framework == "PyTorch" else namespace["keras"].utils.set_random_seed
    with Listener(address, family="AF_UNIX", authkey=authkey) as listener, listener.accept() as connection:
        while (request := connection.recv()) is not None:
            path, number, operation, arrays = request
            try:
                seed(0)
                answer = ("value", result(_row(path, number, operation), framework, arrays))
            except Exception as error:  # noqa: BLE001 - the row's failure is the answer
                answer = ("error", type(error).__name__, str(error))
            connection.send(answer)
