"""The cheat sheet's rows on generated inputs: every row that takes a tensor (and is not compared by shape only, as
random numbers are) either agrees on everything Hypothesis generates, or its difference is part of the row.

engine/cheatsheet/fuzz.py says what is generated (values with ties, halves, whole and negative numbers, zeros, -0.0,
NaN and infinities, float64 and int32, smaller shapes) and runs both frameworks' sides, each in one program that
stays up for the module. A row's known differences (`[[rows.differs_when]]` in its data file, shown on the page
under "Known differences") each leave one part of the inputs out of the row's generated inputs, and are checked on
their recorded input: the two sides must still differ there, and give what the page shows, which
`--update-outputs` writes.

The profile comes from GUIDE_FUZZ: "default" (the suite: seeded, a few examples a row) or "long" (the weekly
workflow: more examples, new ones each time).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, reject, settings

from engine.cheatsheet import data, fuzz
from engine.settings import FRAMEWORKS

SHEET = data.load()
FUZZED = [row for row in SHEET.rows if fuzz.in_scope(row)]
DIFFERENCES = [(row, difference) for row in FUZZED for difference in row.differs_when]
PROFILE_NAME, PROFILE = fuzz.profile()

pytestmark = pytest.mark.xdist_group("cheat-sheet-fuzz")  # both sides start once, on one worker


def row_id(row: data.Row) -> str:
    return re.sub(r"[^a-z0-9]+", "-", row.operation.lower()).strip("-")


@pytest.fixture(scope="module", autouse=True)
def only_hypothesis_own_constants():
    """Now and then Hypothesis draws a constant it found in the code loaded into this process (any local module:
    the engine's, the tests'), so what a seeded run generates would depend on which tests ran before it on this
    worker. The default profile draws only from Hypothesis's own constants, so that each run tries the same inputs."""
    if PROFILE_NAME != "default":
        yield
        return
    from hypothesis.internal.cache import LRUCache  # not public: the one place this reaches inside Hypothesis
    from hypothesis.internal.conjecture import providers

    found, cache = providers._get_local_constants, providers.CONSTANTS_CACHE
    none = providers.Constants()
    providers._get_local_constants = lambda: none
    providers.CONSTANTS_CACHE = LRUCache(1024)  # the constants a choice may take, cached with the local ones
    yield
    providers._get_local_constants, providers.CONSTANTS_CACHE = found, cache


@pytest.fixture(scope="module")
def workers():
    started = fuzz.Workers()
    yield started
    started.stop()


@pytest.mark.parametrize("row", FUZZED, ids=row_id)
def test_row_agrees_on_generated_inputs(row: data.Row, workers):
    excluded = frozenset(d.when for d in row.differs_when)
    failing = {}

    @PROFILE
    @given(fuzz.inputs(row, excluded))
    def agrees(arrays):
        outcomes = workers.run(row, arrays)
        if not fuzz.compared(row, arrays, outcomes):
            reject()
        difference = fuzz.difference(row, outcomes)
        if difference:
            failing.update(arrays=arrays, outcomes=outcomes)  # the last call is Hypothesis's replay of the shrunk input
            raise AssertionError(difference)

    try:
        agrees()
    except AssertionError:
        if not failing:
            raise
    if failing:
        pytest.fail(f"cheat sheet {row.where} differs on a generated input ({PROFILE_NAME} profile): "
                    f"{fuzz.report(row, failing['arrays'], failing['outcomes'], workers)}", pytrace=False)


@pytest.mark.parametrize(("row", "difference"), DIFFERENCES,
                         ids=[f"{row_id(row)}-{d.when.replace(' ', '-')}" for row, d in DIFFERENCES])
def test_known_difference_still_shows(row: data.Row, difference: data.Difference, workers, request):
    """On its recorded input the row still differs, and each side gives what the page shows."""
    arrays = fuzz.recorded_inputs(row, difference)
    outcomes = workers.run(row, arrays)
    where = f"cheat sheet {row.where}, differs_when at line {difference.line}"
    assert fuzz.difference(row, outcomes), (
        f"{where}: the two frameworks now agree on {fuzz.toml_inputs(arrays)} "
        f"({'; '.join(f'{f} gives {fuzz.shown(o)}' for f, o in outcomes.items())}): remove the difference")
    gives = {framework: fuzz.shown(outcomes[framework]) for framework in FRAMEWORKS}
    if request.config.getoption("update_outputs"):
        fuzz.record(row, difference, gives)
        return
    recorded = {framework: difference.gives(framework) for framework in FRAMEWORKS}
    assert all(recorded[f] is not None and fuzz.same_shown(gives[f], recorded[f]) for f in FRAMEWORKS), (
        f"{where}: what the page shows is not what the frameworks give now (run this test with --update-outputs to "
        f"record it):\n  shown: {recorded}\n  given: {gives}")


def test_the_generated_inputs_hold_what_the_fuzz_promises():
    """Over many draws, the inputs of a row with float and integer inputs show every class, and a row's known
    difference keeps its class out."""
    row = data.Row("Category", "An operation", "x", "x", inputs={"x": ("normal", (3, 4)), "i": ("integers", (3,), 4)})
    seen: set[str] = set()

    @given(fuzz.inputs(row))
    @settings(fuzz.PROFILES["default"], max_examples=100)
    def collect(arrays):
        seen.update(fuzz.classes_of(row, arrays))
        assert arrays["x"].ndim == 2 and arrays["i"].ndim == 1
        assert 0 <= arrays["i"].min() and arrays["i"].max() < arrays["x"].shape[1]  # the high bound follows the size

    collect()
    assert seen == set(data.CLASSES), f"never generated: {set(data.CLASSES) - seen}"

    def leaves_out(excluded: str):
        @given(fuzz.inputs(row, frozenset({excluded})))
        @settings(fuzz.PROFILES["default"], max_examples=50)
        def check(arrays):
            assert excluded not in fuzz.classes_of(row, arrays)

        check()

    for excluded in data.CLASSES:
        leaves_out(excluded)


def test_an_input_is_written_as_toml_reads_it_back():
    arrays = {"x": np.array([[0.5, np.nan], [-0.0, -np.inf]], dtype=np.float32), "i": np.array([2, 0])}
    text = fuzz.toml_inputs(arrays)
    assert text == "{ x = [[0.5, nan], [-0.0, -inf]], i = [2, 0] }"
    row = data.Row("C", "Op", "x", "x", inputs={"x": ("normal", (2, 2)), "i": ("integers", (2,), 3)})
    import tomllib

    back = fuzz.recorded_inputs(row, data.Difference("nan", tomllib.loads(f"inputs = {text}")["inputs"], "A note."))
    for name, array in arrays.items():
        assert back[name].dtype == array.dtype
        np.testing.assert_array_equal(back[name], array)
    assert np.signbit(back["x"][1, 0])


def test_what_counts_as_a_difference():
    row = data.Row("C", "Op", "x", "x", file="snippets/cheat-sheet/01-c.toml", line=3, number=1)
    a = np.array([1.0, np.nan], dtype=np.float32)
    same = {"PyTorch": fuzz.Outcome(a), "TensorFlow": fuzz.Outcome(a.copy())}
    assert fuzz.difference(row, same) is None  # NaN in the same places agrees
    assert "the values differ" in fuzz.difference(row, {**same, "TensorFlow": fuzz.Outcome(a[::-1].copy())})
    raised = fuzz.Outcome(error=fuzz.error_text("InvalidArgumentError", "{{function_node __wrapped__Sort_device_/job:"
                                                "localhost/replica:0/task:0/device:CPU:0}} bad input [Op:Sort]\nmore"))
    assert raised.error == "InvalidArgumentError: bad input [Op:Sort]"
    assert fuzz.difference(row, {**same, "TensorFlow": raised}) == (
        "PyTorch gives [1.0, nan] float32; TensorFlow raises InvalidArgumentError: bad input [Op:Sort]")
    assert fuzz.difference(row, {"PyTorch": raised, "TensorFlow": raised}) is None  # neither accepts the input
    named = data.Row("C", "Op", "x", "x", dtypes=("int64", "int32"))
    ints = np.array([1, 2])
    assert fuzz.difference(named, {"PyTorch": fuzz.Outcome(ints), "TensorFlow": fuzz.Outcome(ints.astype(np.int32))}) is None
    assert fuzz.difference(named, {"PyTorch": fuzz.Outcome(ints), "TensorFlow": fuzz.Outcome(ints)}) is None
    assert "dtypes differ" in fuzz.difference(named, {"PyTorch": fuzz.Outcome(ints.astype(np.int32)),
                                                      "TensorFlow": fuzz.Outcome(ints)})


def test_scope():
    """Every row is fuzzed, or has no tensor input, or is compared by shape only."""
    for row in SHEET.rows:
        takes_tensor = any(name not in row.numpy_inputs for name in row.inputs)
        assert fuzz.in_scope(row) == (takes_tensor and row.check != "shape")
    assert len(FUZZED) >= 300


def test_profiles():
    assert PROFILE_NAME in fuzz.PROFILES
    assert fuzz.PROFILES["default"].derandomize and fuzz.PROFILES["default"].database is None
    assert fuzz.PROFILES["long"].max_examples > fuzz.PROFILES["default"].max_examples
