"""One side of the cheat sheet, inside a program: run every row's code for one framework and save the results.

The cheat-sheet program of a framework (program.py) is one piece per row, each a call of `run_row` naming the row's
data file and its place there, so the rows run through the one runner, one framework per process, each row reported on its own. A row runs in a fresh
namespace and a fresh folder; its result is saved as `<index>.npy` (an array) or `<index>.json` (a dtype name) in
the results folder, for compare.py to compare the two sides. The code is compiled as lines of its data file, so a
traceback shows the row's file and line.
"""

from __future__ import annotations

import json
import os
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


def _namespace(row: Row, framework: str) -> dict:
    arrays = make_inputs(row)
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


def run_row(index: int, framework: str, results: str, path: str, number: int, operation: str) -> None:
    """Run row `number` of the data file `path` (the program's row `index`), which should be `operation`."""
    rows = _rows(path)
    row = rows[number - 1] if number <= len(rows) else None
    if row is None or row.operation != operation:
        raise RuntimeError(f"{path} no longer has {operation!r} as its row {number}: the data files changed during the run")
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="cheat-sheet-row-") as folder:
        os.chdir(folder)  # saving rows write their files here
        try:
            value = _value(row, framework, _namespace(row, framework))
        finally:
            os.chdir(here)
    out = Path(results)
    if row.check == "dtype":
        name = dtype_name(value)
        if name is None:
            raise TypeError(f"{row.where} [{framework}]: a dtype row must give a dtype, not {value!r}")
        (out / f"{index}.json").write_text(json.dumps(name))
    else:
        np.save(out / f"{index}.npy", as_numpy(value), allow_pickle=False)
