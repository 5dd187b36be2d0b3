"""What a cheat-sheet row's check means: how the results of its two sides, run by program.py and saved by side.py,
must agree. tests/test_cheat_sheet.py calls `problem` for each row and fails with the message it returns.

    "allclose"  the same shape and values within RTOL and ATOL, and the same dtype (or, where the frameworks differ
                on purpose, the dtypes the row names in `dtypes`: [PyTorch's, TensorFlow's])
    "shape"     the same shape and dtype only, for results whose values legitimately differ (random numbers)
    "dtype"     the dtype names agree ("float32" from torch.float32 and from tf.float32)

Either side also fails its row when its code raised, or wrote anything to stderr (a reader would see a warning).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..run.program import ProgramRun
from ..settings import FRAMEWORKS
from .data import Row

RTOL, ATOL = 1e-5, 1e-6


class RowFailure(Exception):
    """A side of a row that gave no result to compare."""


def describe(array: np.ndarray) -> str:
    return f"shape {array.shape}, dtype {array.dtype}, values {np.array2string(array, precision=4, threshold=12)}"


def side_result(row: Row, index: int, framework: str, folder: Path, run: ProgramRun):
    """What row `index` gave in `framework`'s program: a dtype name for a "dtype" row, else an array."""
    result = run.results[index + 1] if index + 1 < len(run.results) else None  # piece 0 imports the row runner
    if result is None or result.status != "passed":
        detail = result.error if result else (run.crash or "an earlier row stopped the program")
        raise RowFailure(f"cheat sheet {row.where}: the {framework} code did not run\n{row.code(framework)}\n{detail}")
    if result.stderr.strip():
        raise RowFailure(f"cheat sheet {row.where}: the {framework} code wrote to stderr:\n{result.stderr}")
    path = folder / framework / f"{index}"
    return json.loads(path.with_suffix(".json").read_text()) if row.check == "dtype" else np.load(path.with_suffix(".npy"))


def disagreement(row: Row, a, b, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """Why PyTorch's result `a` and TensorFlow's `b` fail the row's check; None when they pass it."""
    where = f"cheat sheet {row.where}"
    if row.check == "dtype":
        return None if a == b else f"{where}: PyTorch gives dtype {a}, TensorFlow {b}"
    if a.shape != b.shape:
        return f"{where}: shapes differ: PyTorch {a.shape}, TensorFlow {b.shape}"
    if row.dtypes is None and a.dtype != b.dtype:
        return f"{where}: dtypes differ: PyTorch {a.dtype}, TensorFlow {b.dtype}"
    if row.dtypes is not None and (str(a.dtype), str(b.dtype)) != row.dtypes:
        return f"{where}: the page says the dtypes are {row.dtypes}, they are ({a.dtype}, {b.dtype})"
    if row.check == "shape":
        return None
    if row.check != "allclose":
        return f"{where}: unknown check {row.check!r}"
    if not np.allclose(a, b, rtol=rtol, atol=atol):
        return f"{where}: the results differ\n  PyTorch:    {describe(a)}\n  TensorFlow: {describe(b)}"
    return None


def generated_disagreement(row: Row, a, b, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """As `disagreement`, for results from generated inputs (tests/test_cheat_sheet_fuzz.py): NaN in the same places
    agrees; where the row names its sides' dtypes (`dtypes`), equal dtypes agree too (float64 inputs, say, can
    give float64 on both sides where the row's float32 inputs give the two dtypes it names); and values agree to
    `rtol` of the largest value of the result too, since a sum of generated numbers (up to 4, where the row's own
    are about 1) that nearly cancels keeps only that much of float32's precision."""
    if row.check == "dtype":
        return None if a == b else f"PyTorch gives dtype {a}, TensorFlow {b}"
    if a.shape != b.shape:
        return f"shapes differ: PyTorch {a.shape}, TensorFlow {b.shape}"
    if a.dtype != b.dtype and (row.dtypes is None or (str(a.dtype), str(b.dtype)) != row.dtypes):
        return f"dtypes differ: PyTorch {a.dtype}, TensorFlow {b.dtype}"
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        finite = np.abs(np.concatenate([a.ravel(), b.ravel()])).astype(np.float64)  # abs first: complex results
        finite = finite[np.isfinite(finite)]
        scale = float(finite.max()) if finite.size else 0.0
        same = np.allclose(a, b, rtol=rtol, atol=max(atol, rtol * scale), equal_nan=True)
    else:
        same = np.array_equal(a, b)
    return None if same else f"the values differ\n  PyTorch:    {describe(a)}\n  TensorFlow: {describe(b)}"


def problem(row: Row, index: int, folder: Path, runs: dict[str, ProgramRun]) -> str | None:
    """Why row `index` fails, from the runs of program.run_both(folder); None when both sides ran and agree."""
    try:
        a, b = (side_result(row, index, framework, folder, runs[framework]) for framework in FRAMEWORKS)
    except RowFailure as failure:
        return str(failure)
    return disagreement(row, a, b)
