"""The benchmark behind the Performance page: the script runs, and the results it writes (and the committed ones)
hold everything the page shows: machine, versions, method, and positive numbers for every case.

The quick run takes about 25 s on an idle 2-core machine (TensorFlow's import and four XLA compiles are most of it).
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys

from engine.benchmark import render
from engine.settings import DOCS, ROOT

COMMITTED = DOCS / "performance" / "results-cpu.json"
PAGE = DOCS / "performance.md"

TENSORFLOW_MODES = {"eager", "function", "function-xla", "keras", "keras-xla"}
PARAMETERS = {"mlp": 101_770, "cnn": 216_650}


def check_results(results: dict, *, quick: bool) -> None:
    assert results["schema"] == 1
    assert results["quick"] is quick
    assert re.match(r"\d{4}-\d\d-\d\dT", results["date"])

    machine = results["machine"]
    assert machine["cpu"] and machine["os"]
    assert machine["logical_cores"] >= 1 and machine["usable_cores"] >= 1
    assert set(machine["accelerator"]) == {"PyTorch", "TensorFlow"}

    versions = results["versions"]
    for name in ("python", "numpy", "torch", "tensorflow", "keras"):
        assert re.match(r"\d+\.\d+", versions[name]), name

    method = results["method"]
    for key in ("what_is_timed", "first_call", "steady_state", "clock", "order", "keras"):
        assert isinstance(method[key], str) and method[key], key
    assert method["batch_size"] == 64
    assert method["warmup_steps"] >= 1
    assert method["repetitions"] >= method["rounds"] >= 1
    for framework in ("PyTorch", "TensorFlow"):
        assert method["threads"][framework] == {"intra_op": 2, "inter_op": 1}
    assert method["threads"]["OMP_NUM_THREADS"] == "2"
    assert method["torch_compile"]["backend"] == ("eager" if quick else "inductor")

    for model, count in PARAMETERS.items():
        assert results["models"][model]["parameters"] == {"PyTorch": count, "TensorFlow": count}

    compile_mode = "compile-eager" if quick else "compile"
    expected = {("PyTorch", m, mode) for m in PARAMETERS for mode in ("eager", compile_mode)}
    expected |= {("TensorFlow", m, mode) for m in PARAMETERS for mode in TENSORFLOW_MODES}
    cases = results["cases"]
    assert {(c["framework"], c["model"], c["mode"]) for c in cases} == expected
    assert len(cases) == len(expected)
    for case in cases:
        where = f"{case['framework']} {case['model']} {case['mode']}"
        assert case["label"], where
        assert case["steps_timed"] == method["repetitions"], where
        for key in ("first_call_ms", "median_ms", "p10_ms", "p90_ms", "min_ms", "max_ms"):
            assert isinstance(case[key], (int, float)) and case[key] > 0, f"{where}: {key}"
        assert case["min_ms"] <= case["p10_ms"] <= case["median_ms"] <= case["p90_ms"] <= case["max_ms"], where
        assert case["loss_last"] < case["loss_first"], f"{where}: the steps did not train"
        if case["mode"] in {"function", "function-xla"} or case["mode"].startswith("compile"):
            assert case["graphs_first_call"] == 1, f"{where}: expected one graph from the first call"
            assert case["graphs_during_timed_steps"] == 0, f"{where}: traced or compiled again during the timed steps"
    assert results["durations_s"]["total"] > 0


def test_quick_run(tmp_path):
    output = tmp_path / "results.json"
    subprocess.run([sys.executable, "-m", "engine.benchmark.measure", "--quick", "--output", str(output)],
                   check=True, timeout=300)
    check_results(json.loads(output.read_text()), quick=True)


def test_committed_results():
    assert COMMITTED.exists(), f"{COMMITTED.relative_to(ROOT)} is missing: run `make benchmark`"
    check_results(json.loads(COMMITTED.read_text()), quick=False)


def test_every_placeholder_on_the_page_is_filled():
    placeholders = list(render.PLACEHOLDER.finditer(PAGE.read_text()))
    assert {m["what"] for m in placeholders} == {"table", "plot", "value", "claim"}
    for match in placeholders:
        args = match["args"].split()
        if match["what"] == "value":
            assert re.fullmatch(r"[\d.,]+ (ms|s)|[\d.]+x", render.value(args)), match[0]
    tables = render.tables()
    assert tables.count("| Framework |") in {len(PARAMETERS), 2 * len(PARAMETERS)}  # CPU, and GPU when committed
    assert "**Machine:**" in tables and "**Versions:**" in tables and "**How:**" in tables
    assert render.plots().count("](performance/step-times-") >= 1
    filled, warnings = render.fill_page(PAGE.read_text())
    assert warnings == [] and "benchmark-" not in filled


def test_plot_is_a_png():
    png = render.render_plot(json.loads(COMMITTED.read_text()), "CPU")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def _scaled(data: dict, framework: str, mode: str, *, median: float = 1.0, first_call: float = 1.0) -> dict:
    """The results with one mode's times multiplied, as a re-run that found something else would write them."""
    changed = copy.deepcopy(data)
    for case in changed["cases"]:
        if (case["framework"], case["mode"]) == (framework, mode):
            for key in ("median_ms", "p10_ms", "p90_ms", "min_ms", "max_ms"):
                case[key] *= median
            case["first_call_ms"] *= first_call
    return changed


def test_the_verdicts_follow_the_numbers():
    """The sentences that interpret the results change when the results say something else."""
    data = json.loads(COMMITTED.read_text())
    eager = {m: render.find(data, m, "PyTorch", "eager") for m in data["models"]}
    function = {m: render.find(data, m, "TensorFlow", "function") for m in data["models"]}
    # torch.compile: never faster per step -> costs more than it saves; ten times faster with a cheap start -> pays
    slow = copy.deepcopy(data)
    for case in slow["cases"]:
        if case["mode"] == "compile":
            case["median_ms"] = eager[case["model"]]["median_ms"] * 1.5
    assert render.claim("compile-verdict", slow) == "Compiling costs more than it saves here."
    fast = copy.deepcopy(data)
    for case in fast["cases"]:
        if case["mode"] == "compile":
            case["median_ms"] = eager[case["model"]]["median_ms"] / 10
            case["first_call_ms"] = eager[case["model"]]["first_call_ms"] * 2
    assert render.claim("compile-verdict", fast).startswith("Compiling pays back its first call, but only after ")
    # XLA: same steady state -> "only a little"; three times faster -> "clearly faster"
    same = copy.deepcopy(data)
    for case in same["cases"]:
        if case["mode"] == "function-xla":
            case["median_ms"] = function[case["model"]]["median_ms"]
            case["first_call_ms"] = function[case["model"]]["first_call_ms"] * 3
    assert render.claim("xla-verdict", same) == "XLA adds compile time and changes the later steps only a little."
    quicker = _scaled(same, "TensorFlow", "function-xla", median=1 / 3)
    assert render.claim("xla-verdict", quicker) == "XLA adds compile time and makes the later steps clearly faster."
    # tf.function against eager: the direction of the comparison is written from the numbers
    assert render.claim("function-vs-eager", _scaled(data, "TensorFlow", "eager", median=0.01)).endswith("slower")
    assert render.claim("function-vs-eager", _scaled(data, "TensorFlow", "eager", median=100)).endswith("faster")
