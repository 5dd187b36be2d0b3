"""The cheat sheet's rows on generated inputs (tests/test_cheat_sheet_fuzz.py): Hypothesis strategies for a row's
inputs, the two framework programs that run a row on them, what counts as a difference, and how one is recorded.

    workers = Workers()                         # one program per framework, through the one runner
    outcomes = workers.run(row, arrays)         # {framework: Outcome}, the same NumPy arrays given to both sides
    workers.stop()

A row is fuzzed when it takes at least one tensor and its check is not "shape" (random numbers): `in_scope(row)`.
Its inputs keep their names and kinds (data.KINDS) and vary in

    values    a "normal" input's ordinary numbers are two-decimal numbers in [-4, 4], a "uniform" one's three-decimal
              numbers in [0, 1], all different (no whole numbers, halves or zeros among them); up to MAX_SPECIALS
              special values are put in among them: whole numbers, halves (x.5), zeros, -0.0, NaN, the infinities
              ("normal" only) and ties (a copy of another element). "binary" inputs are 0 or 1, "integers" ones
              whole numbers in [0, high)
    dtypes    float inputs float32 or float64, integer inputs int64 or int32 (all of a row's inputs alike)
    shapes    each size of 2 or more in the row's shapes (the same size everywhere it appears, and an "integers"
              input's high bound when it equals that size) anywhere from 1 to the size the row names, unless the
              row says fixed_shapes = true

Hypothesis draws the choices and a seed, NumPy the ordinary numbers from that seed: a draw costs the same for a large
input as for a small one, and shrinking goes to the row's own shapes and dtypes and to the fewest, simplest specials.

A row's known differences (data.Difference, `[[rows.differs_when]]` in its data file) each name one of CLASSES: that
part of the inputs is left out of the row's generated inputs, and tests/test_cheat_sheet_fuzz.py checks on the
recorded input instead that the difference is still there, with the results the page shows (`shown`, `same_shown`;
`record` writes them with --update-outputs).

The sides run in two programs that stay up for the whole test module (starting TensorFlow costs seconds): each is a
program of the runner (engine/run/program.py, with its environment, temporary folder and clean-up) whose one piece
is side.serve, which answers requests on a Unix socket, each from random seed 0. Both get each generated input at
once and run it side by side. Hypothesis runs in the test process, which imports neither framework.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import Client
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, Phase, assume, configuration, settings
from hypothesis import strategies as st

from ..run import program
from ..settings import FRAMEWORKS
from . import compare
from .data import CLASSES, Difference, Row, read_file
from .side import make_inputs

# The settings profiles (GUIDE_FUZZ picks one; the test suite runs "default", the weekly workflow "long"). The
# default one is seeded (derandomize), so each run tries the same inputs and a failure is reproducible; the long one
# draws new inputs each time and prints what reproduces a failure.
# No "explain" phase: it runs a failing input's variations again to say which parts matter, and the message's
# suggested `when` says that more cheaply.
# One failure a row: the test reports the shrunk input of the first difference found, with the lines to record it.
_COMMON = dict(database=None, deadline=None, phases=[p for p in Phase if p != Phase.explain], report_multiple_bugs=False,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.differing_executors])
PROFILES = {
    "default": settings(max_examples=12, derandomize=True, **_COMMON),
    "long": settings(max_examples=300, derandomize=False, print_blob=True, **_COMMON),
}
PROFILE_VARIABLE = "GUIDE_FUZZ"
# Hypothesis keeps a cache (of the constants in the code under test) in .hypothesis/ under the working directory,
# whatever the profile's database: in the system's temporary folder instead, so a run writes nothing into the project.
configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "guide-hypothesis")
REQUEST_TIMEOUT = 120.0  # seconds one side may take for one row on one input
START_TIMEOUT = 300.0  # seconds a side may take to start (import its framework)


def profile() -> tuple[str, settings]:
    name = os.environ.get(PROFILE_VARIABLE) or "default"
    if name not in PROFILES:
        raise ValueError(f"{PROFILE_VARIABLE}={name!r}: the profiles are {', '.join(PROFILES)}")
    return name, PROFILES[name]


def in_scope(row: Row) -> bool:
    """Whether the fuzz runs `row`: it takes a tensor, and its results are compared by value or dtype."""
    return row.fuzzed


# ----------------------------------------------------------------------------------------------- generated inputs

def value_classes(value: float) -> set[str]:
    """The value classes (CLASSES) a float belongs to."""
    if math.isnan(value):
        return {"nan"}
    if math.isinf(value):
        return {"infinities"}
    if value == 0:
        return {"signed zeros"} if math.copysign(1.0, value) < 0 else {"zeros"}
    if value == int(value):
        return {"whole numbers"}
    if 2 * value == int(2 * value):
        return {"halves"}
    return set()


# The ordinary numbers an input's values are drawn from: a grid (two decimals in [-4, 4], three in [0, 1]) less the
# values of CLASSES (whole numbers, halves, zeros), which come only as specials. Drawn without replacement, so an
# input holds no equal values (ties) but where a special puts them.
_GRIDS = {"normal": np.arange(-400, 401) / 100, "uniform": np.arange(0, 1001) / 1000}
ORDINARY = {kind: np.array([v for v in grid.tolist() if not value_classes(v)]) for kind, grid in _GRIDS.items()}
SPECIALS = {  # by kind and class: the special values, simplest first (shrinking prefers what comes first)
    "normal": {"whole numbers": [1.0, -1.0, 2.0, -2.0, 3.0, -3.0], "halves": [0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, -3.5],
               "zeros": [0.0], "signed zeros": [-0.0], "nan": [math.nan], "infinities": [math.inf, -math.inf]},
    "uniform": {"whole numbers": [1.0], "halves": [0.5], "zeros": [0.0], "signed zeros": [-0.0], "nan": [math.nan]},
}
MAX_SPECIALS = 6  # special values put into one input, at most


def _specials(kind: str, count: int, excluded: frozenset[str]) -> st.SearchStrategy:
    """(position, value) pairs to put into an input's `count` values: a special value of a class (each class as
    likely as another), or ("tie", j) for the value at position j. Without ties, no two specials are equal."""
    choices = [st.sampled_from(values) for name, values in SPECIALS[kind].items() if name not in excluded]
    ties = "ties" not in excluded
    if ties and count > 1:
        choices.append(st.integers(0, count - 1).map(lambda j: ("tie", j)))
    if not choices:
        return st.just([])
    pairs = st.tuples(st.integers(0, count - 1), st.one_of(choices))
    return st.lists(pairs, max_size=min(count, MAX_SPECIALS), unique_by=None if ties else (lambda p: p[1] + 0.0))


def _shape_sizes(row: Row) -> list[int]:
    return sorted({n for spec in row.inputs.values() for n in spec[1] if n >= 2})


@st.composite
def inputs(draw, row: Row, excluded: frozenset[str] = frozenset()) -> dict[str, np.ndarray]:
    """Generated inputs for `row`, by input name, leaving out the classes in `excluded` (CLASSES).

    Hypothesis draws the choices (other shapes or not, and which; float64 or not; int32 or not; a seed; the special
    values and where they go); the ordinary values come from NumPy with that seed, so a draw costs the same for a
    large input as for a small one. Shrinking goes to the row's own shapes and dtypes, seed 0 and the fewest and
    simplest special values that still show a difference."""
    sizes = {n: n for n in _shape_sizes(row)}
    if not row.fixed_shapes and "shapes" not in excluded and sizes and draw(st.booleans(), label="other shapes"):
        sizes = {n: draw(st.integers(1, n), label=f"size for {n}") for n in sizes}
    wide_floats = "float64" not in excluded and draw(st.booleans(), label="float64")
    narrow_integers = "int32" not in excluded and draw(st.booleans(), label="int32")
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="seed"))
    shapes = {name: tuple(sizes.get(n, n) for n in spec[1]) for name, spec in row.inputs.items()}
    # The ordinary values of all float inputs of a kind in one draw without replacement: no ties, within or between.
    pools = {}
    for kind in ("normal", "uniform"):
        counts = [math.prod(shapes[name]) for name, spec in row.inputs.items() if spec[0] == kind]
        pools[kind] = iter(np.split(rng.choice(ORDINARY[kind], size=sum(counts), replace=False), np.cumsum(counts)[:-1]))
    arrays = {}
    for name, spec in row.inputs.items():
        kind, shape = spec[0], shapes[name]
        count = math.prod(shape)
        if kind == "integers":
            values = rng.integers(0, sizes.get(spec[2], spec[2]), size=count)  # a high bound that is a size follows it
        elif kind == "binary":
            values = rng.integers(0, 2, size=count).astype(float)
        else:
            values = next(pools[kind])
            for position, value in draw(_specials(kind, count, frozenset(excluded)), label=f"specials in {name}"):
                values[position] = values[value[1]] if isinstance(value, tuple) else value
        if kind == "integers":
            dtype = np.int32 if narrow_integers else np.int64
        else:
            dtype = np.float64 if wide_floats else np.float32
        arrays[name] = values.astype(dtype).reshape(shape)
    if "ties" in excluded:  # nor equal elements in two inputs of a shape, from specials put at the same place
        assume("ties" not in classes_of(row, arrays))
    return arrays


def classes_of(row: Row, arrays: dict[str, np.ndarray]) -> list[str]:
    """Which CLASSES an input shows (in CLASSES' order): what a known difference found on it may name."""
    found: set[str] = set()
    floats = []
    for name, array in arrays.items():
        kind, shape = row.inputs[name][0], row.inputs[name][1]
        if array.shape != tuple(shape):
            found.add("shapes")
        if array.dtype == np.float64:
            found.add("float64")
        if array.dtype == np.int32:
            found.add("int32")
        if kind in ("normal", "uniform"):
            for value in array.ravel().tolist():
                found |= value_classes(value)
            flat = array.ravel()
            if len(np.unique(flat[~np.isnan(flat)])) < np.count_nonzero(~np.isnan(flat)):
                found.add("ties")
            floats.append(array)
    if any(np.any(a == b) for i, a in enumerate(floats) for b in floats[i + 1:] if a.shape == b.shape):
        found.add("ties")
    return [name for name in CLASSES if name in found]


# A known difference names one class; where an input shows several, the first of these is the likelier cause (the
# shrunk input keeps a class only where the difference needs it, but ties and other shapes can come along).
LIKELY_CAUSE = ("nan", "infinities", "signed zeros", "halves", "whole numbers", "zeros", "int32", "float64", "ties",
                "shapes")


# ------------------------------------------------------------------------------------- how a row's input is written

def _number(value, dtype: np.dtype) -> str:
    """A number as TOML and the page write it: the shortest text that gives the same value in `dtype`."""
    if np.issubdtype(dtype, np.integer) or isinstance(value, (bool, np.bool_)):
        return str(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return str(np.float32(value)) if dtype == np.float32 else repr(float(value))


def _nested(array: np.ndarray, number=None) -> str:
    number = number or _number
    if array.ndim == 0:
        return number(array.item(), array.dtype)
    return "[" + ", ".join(_nested(part, number) for part in array) + "]"


def _result_number(value, dtype: np.dtype) -> str:
    """A number of a result as the page shows it: six significant digits (`0.132105`, `1.0`, `nan`), which a
    framework's next version, or another machine, does not change by a rounding."""
    if not isinstance(value, float) or not math.isfinite(value):
        return _number(value, dtype)
    text = f"{value:.6g}"
    return text if any(c in text for c in ".en") else text + ".0"


def toml_inputs(arrays: dict[str, np.ndarray]) -> str:
    """`{ x = [0.5, nan] }`: the inputs as a TOML inline table, as `[[rows.differs_when]]` writes them."""
    return "{ " + ", ".join(f"{name} = {_nested(array)}" for name, array in arrays.items()) + " }"


def input_dtypes(row: Row, arrays: dict[str, np.ndarray]) -> dict[str, str]:
    """The inputs whose dtype is not their kind's own (float32, or int64 for "integers"), with that dtype."""
    return {name: str(a.dtype) for name, a in arrays.items() if str(a.dtype) != Difference.default_dtype(row.inputs[name][0])}


def own_inputs(row: Row, dtypes: dict[str, str]) -> dict[str, np.ndarray]:
    """The row's own inputs (side.make_inputs: what the page describes and tests/test_cheat_sheet.py runs), with the
    dtypes `dtypes` names."""
    return {name: a.astype(dtypes.get(name, a.dtype)) for name, a in make_inputs(row).items()}


def recorded_inputs(row: Row, difference: Difference) -> dict[str, np.ndarray]:
    """A known difference's input as arrays (the row's own inputs where it records none), with the dtypes it names."""
    if difference.inputs is None:
        return own_inputs(row, difference.input_dtypes)
    return {name: np.array(value, dtype=difference.dtype(row, name)) for name, value in difference.inputs.items()}


TABLE_HEADER = re.compile(r"\s*\[\[?\s*[A-Za-z_][\w.\- ]*\]\]?\s*(#.*)?")


def record(row: Row, difference: Difference, gives: dict[str, str]) -> None:
    """Write what each side gives into the difference's `pytorch_gives` and `tensorflow_gives` lines (--update-outputs),
    adding them at the end of its table where they are missing."""
    rows = read_file(row.path)[1]  # read again: an earlier record may have moved the lines
    fresh = rows[row.number - 1]
    line = next(d.line for d in fresh.differs_when if d.when == difference.when)
    if not line:
        raise ValueError(f"{row.where}: write each differs_when as a [[rows.differs_when]] table to record its results")
    lines = row.path.read_text(encoding="utf-8").splitlines(keepends=True)
    end = line
    while end < len(lines) and not TABLE_HEADER.fullmatch(lines[end].rstrip("\n")):
        end += 1
    while end > line and not lines[end - 1].strip():
        end -= 1  # the table ends at its last line that is not empty
    for framework in FRAMEWORKS:
        key = f"{framework.lower()}_gives"
        text = f"{key} = {toml_string(gives[framework])}\n"
        at = next((n for n in range(line, end) if re.match(rf"\s*{key}\s*=", lines[n])), None)
        if at is None:
            lines.insert(end, text)
            end += 1
        else:
            lines[at] = text
    row.path.write_text("".join(lines), encoding="utf-8")
    again = read_file(row.path)[1][row.number - 1]
    written = next(d for d in again.differs_when if d.when == difference.when)
    if {f: written.gives(f) for f in FRAMEWORKS} != gives:
        raise ValueError(f"{row.where}: could not record the results of its differs_when at line {line}: keep "
                         "pytorch_gives and tensorflow_gives on one line each")


SHOWN_VALUES = 16  # a result with more values is shown by its shape, dtype and first values


def shown(outcome: Outcome) -> str:
    """What a side gave, as the page shows it: `[0.5, nan] float32`, `int64` (a dtype row), `ValueError: ...`, or for
    a large result `float32, shape (2, 3, 4): 0.5, -1.25, 0.75, ...`."""
    if outcome.error is not None:
        return outcome.error
    if isinstance(outcome.value, str):
        return outcome.value
    value = outcome.value
    if value.size > SHOWN_VALUES:
        first = ", ".join(_result_number(v, value.dtype) for v in value.ravel()[:4].tolist())
        return f"{value.dtype}, shape {value.shape}: {first}, ..."
    return f"{_nested(value, _result_number)} {value.dtype}"


_NUMBER = re.compile(r"-?(?:\d+\.?\d*(?:e[-+]?\d+)?|inf|nan)")


def same_shown(a: str, b: str, rtol: float = 1e-5) -> bool:
    """Whether two texts from `shown` say the same: equal but for their numbers, which agree to `rtol` (a last digit
    that a rounding changes, as the page's outputs are compared; NaN equals NaN)."""
    if _NUMBER.sub("#", a) != _NUMBER.sub("#", b):
        return False
    numbers = [float(n) for n in _NUMBER.findall(a)], [float(n) for n in _NUMBER.findall(b)]
    return bool(np.allclose(*numbers, rtol=rtol, atol=0, equal_nan=True)) if numbers[0] else True


def suggestion(row: Row, arrays: dict[str, np.ndarray] | None, outcomes: dict[str, Outcome], when: str,
               found: list[str], dtypes: dict[str, str]) -> str:
    """The lines that record a difference in the row's data file (the note left for the contributor to write);
    `arrays` None: the row's own inputs, with `dtypes`."""
    lines = ["[[rows.differs_when]]", f'when = "{when}"  # the input shows: {", ".join(found) or "nothing special"}']
    if arrays is not None:
        lines.append(f"inputs = {toml_inputs(arrays)}")
    if dtypes:
        lines.append("input_dtypes = { " + ", ".join(f'{n} = "{d}"' for n, d in dtypes.items()) + " }")
    lines.append('note = "..."')
    lines += [f"{framework.lower()}_gives = {toml_string(shown(outcomes[framework]))}" for framework in FRAMEWORKS]
    return "\n".join(lines)


def report(row: Row, arrays: dict[str, np.ndarray], outcomes: dict[str, Outcome], workers: Workers) -> str:
    """What the test says about a difference found on `arrays` (the shrunk input): what differs, and the lines that
    would record it. A difference that the dtypes explain is tried on the row's own inputs in those dtypes too: where
    it shows there, the lines record no input (the row's own inputs are the ones the page describes)."""
    found = classes_of(row, arrays)
    when = next((name for name in LIKELY_CAUSE if name in found), "?")
    dtypes = input_dtypes(row, arrays)
    if when in ("float64", "int32"):
        own = workers.run(row, own_inputs(row, dtypes))
        if difference(row, own):
            arrays, outcomes = None, own
    return (f"{difference(row, outcomes)}\nEither fix the row, or record the difference in its data file, after its "
            f"other fields (check `when`, and write the note):\n\n{suggestion(row, arrays, outcomes, when, found, dtypes)}")


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    import json

    return json.dumps(text, ensure_ascii=False)


# ------------------------------------------------------------------------------------------------ the two sides

@dataclass(frozen=True)
class Outcome:
    value: np.ndarray | str | None = None  # the result: an array, or a dtype's name for a "dtype" row
    error: str | None = None  # "TypeName: message" when the code raised (or the program died)


def error_text(kind: str, message: str) -> str:
    """`ValueError: ...`: the first line of the message, without TensorFlow's `{{function_node ...}}` prefix."""
    message = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", message).strip()
    first = message.splitlines()[0] if message else ""
    return f"{kind}: {first}".rstrip(": ") if first else kind


def compared(row: Row, arrays: dict[str, np.ndarray], outcomes: dict[str, Outcome]) -> bool:
    """Whether the outcomes on `arrays` count: not where both sides raised (the input is outside what the operation
    accepts), nor where one raised on shapes other than the row's own (the code may name sizes that fit only its
    own shapes, as `torch.arange(3)` does; elsewhere a row is held only to agreeing where both compute a result)."""
    errors = [o.error is not None for o in outcomes.values()]
    other_shapes = any(a.shape != tuple(row.inputs[name][1]) for name, a in arrays.items())
    return not (all(errors) or (any(errors) and other_shapes))


def difference(row: Row, outcomes: dict[str, Outcome]) -> str | None:
    """How the two sides' outcomes differ, in words; None when they agree. Both sides raising is agreement too: the
    input is outside what the operation accepts (tests/test_cheat_sheet_fuzz.py leaves such an input out)."""
    a, b = (outcomes[framework] for framework in FRAMEWORKS)
    if a.error is not None or b.error is not None:
        if a.error is not None and b.error is not None:
            return None
        return "; ".join(f"{framework} {'raises' if o.error else 'gives'} {shown(o)}" for framework, o in outcomes.items())
    return compare.generated_disagreement(row, a.value, b.value)


def _exited(pid: int) -> bool:
    """Whether the child `pid` has exited, without reaping it (the runner reaps it)."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


class Side:
    """One framework's program, serving requests until stopped."""

    def __init__(self, framework: str, folder: str, name: str):
        self.framework, self.name = framework, name
        self.address = os.path.join(folder, f"{framework}.sock")
        authkey = secrets.token_bytes(16)
        code = f"from engine.cheatsheet.side import serve\nserve({framework!r}, {self.address!r}, {authkey!r})\n"
        self.running = program.start(name, [program.Code(code, "<cheat sheet fuzz>", 1)], timeout=24 * 3600)
        self.authkey, self.connection = authkey, None

    def connect(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while self.connection is None:
            if _exited(self.running.child.pid) or time.monotonic() > deadline:
                run = self.stop()
                raise RuntimeError(f"the {self.framework} side of the fuzz did not start: "
                                   f"{run.crash or (run.results[0].error if run.results else 'it timed out')}")
            if os.path.exists(self.address):
                try:
                    self.connection = Client(self.address, family="AF_UNIX", authkey=self.authkey)
                except (ConnectionRefusedError, FileNotFoundError):
                    pass
            time.sleep(0.05)

    def send(self, row: Row, arrays: dict[str, np.ndarray]) -> None:
        self.connection.send((str(row.path), row.number, row.operation, arrays))

    def receive(self) -> Outcome:
        """The answer to the last request; the program's death or a timeout is an error outcome."""
        try:
            if not self.connection.poll(REQUEST_TIMEOUT):
                raise TimeoutError(f"no answer in {REQUEST_TIMEOUT:.0f} s")
            answer = self.connection.recv()
        except (EOFError, OSError, TimeoutError) as error:
            run = self.stop(kill=isinstance(error, TimeoutError))
            return Outcome(error=f"the {self.framework} program stopped: {error}: {(run.crash or '')[-500:]}")
        if answer[0] == "value":
            return Outcome(value=answer[1])
        return Outcome(error=error_text(answer[1], answer[2]))

    @property
    def alive(self) -> bool:
        return self.connection is not None

    def stop(self, kill: bool = False) -> program.ProgramRun:
        """End the program (`kill`: at once, for one that hangs) and collect it."""
        if kill:
            program.kill_group(self.running.child.pid)
        elif self.connection is not None:
            try:
                self.connection.send(None)  # serve returns, and the program ends
            except OSError:
                pass
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        return self.running.wait()


class Workers:
    """Both sides, started together; a side that died is started again (under a new name) for the next input."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="cheat-sheet-fuzz-")
        self.starts = 0
        self.sides = {framework: self._start(framework) for framework in FRAMEWORKS}
        for side in self.sides.values():
            side.connect()

    def _start(self, framework: str) -> Side:
        self.starts += 1
        suffix = "" if self.starts <= len(FRAMEWORKS) else f" (started again, {self.starts - len(FRAMEWORKS)})"
        return Side(framework, self.folder, f"cheat-sheet-fuzz::{framework}{suffix}")

    def run(self, row: Row, arrays: dict[str, np.ndarray]) -> dict[str, Outcome]:
        for framework, side in self.sides.items():
            if not side.alive:
                self.sides[framework] = side = self._start(framework)
                side.connect()
            side.send(row, arrays)
        return {framework: side.receive() for framework, side in self.sides.items()}

    def stop(self) -> None:
        for side in self.sides.values():
            side.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
