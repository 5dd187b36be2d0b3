"""The benchmark behind the Performance page: the script runs, and the results it writes (and the committed ones)
hold everything the page shows: machine, versions, method, and positive numbers for every case.

The quick run takes about 25 s on an idle 2-core machine (TensorFlow's import and four XLA compiles are most of it).
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "benchmarks" / "run_benchmarks.py"
HOOK = ROOT / "tests" / "benchmarks" / "site_hook.py"
COMMITTED = ROOT / "docs" / "performance" / "results-cpu.json"
PAGE = ROOT / "docs" / "performance.md"

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
    subprocess.run([sys.executable, str(SCRIPT), "--quick", "--output", str(output)], check=True, timeout=300)
    check_results(json.loads(output.read_text()), quick=True)


def test_committed_results():
    assert COMMITTED.exists(), f"{COMMITTED.relative_to(ROOT)} is missing: run `make benchmark`"
    check_results(json.loads(COMMITTED.read_text()), quick=False)


@pytest.fixture(scope="module")
def hook():
    spec = importlib.util.spec_from_file_location("benchmark_site_hook", HOOK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_placeholder_on_the_page_is_filled(hook):
    placeholders = list(hook.PLACEHOLDER.finditer(PAGE.read_text()))
    assert {m["what"] for m in placeholders} == {"table", "plot", "value"}
    for match in placeholders:
        args = match["args"].split()
        if match["what"] == "value":
            assert re.fullmatch(r"[\d.,]+ (ms|s)|[\d.]+x", hook.value(args)), match[0]
    tables = hook.tables()
    assert tables.count("| Framework |") in {len(PARAMETERS), 2 * len(PARAMETERS)}  # CPU, and GPU when committed
    assert "**Machine:**" in tables and "**Versions:**" in tables and "**How:**" in tables
    assert hook.plots().count("](performance/step-times-") >= 1


def test_plot_is_a_png(hook):
    png = hook.render_plot(json.loads(COMMITTED.read_text()), "CPU")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
