"""MkDocs hook (mkdocs.yml `hooks:`): the Performance page's tables, plot and numbers, made from the committed results.

`make benchmark` (tests/benchmarks/run_benchmarks.py) writes docs/performance/results-cpu.json (results-gpu.json
on a machine with a GPU). At build time this hook turns them into the page, so no number on the page is typed:

    <!-- benchmark-table -->                 machine, versions and method, then one table per model, for every
                                             results file (CPU first; for the GPU, a table or a note that none exists)
    <!-- benchmark-plot -->                  the plot, rendered with matplotlib into performance/step-times-<kind>.png
    <!-- benchmark-value MODEL FRAMEWORK MODE FIELD -->
                                             one number from results-cpu.json in the prose, e.g.
                                             <!-- benchmark-value mlp PyTorch compile first_call -->; FIELD is
                                             first_call, median, p10, p90 or speedup (eager median / this median)

Anything the hook cannot fill (a missing results file, an unknown case) is logged as a warning, so
`mkdocs build --strict` fails instead of publishing a page with holes.
"""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

from mkdocs.structure.files import File

PAGE = "performance.md"
RESULTS = Path(__file__).resolve().parents[2] / "docs" / "performance"
KINDS = {"cpu": "CPU", "gpu": "GPU"}
MODEL_NAMES = {"mlp": "MLP", "cnn": "CNN"}
PLACEHOLDER = re.compile(r"<!--\s*benchmark-(?P<what>[a-z-]+)(?P<args>[^>]*?)\s*-->")
log = logging.getLogger("mkdocs.hooks.benchmarks")


def results(kind: str) -> dict | None:
    path = RESULTS / f"results-{kind}.json"
    return json.loads(path.read_text()) if path.exists() else None


def plot_uri(kind: str) -> str:
    return f"performance/step-times-{kind}.png"


# --------------------------------------------------------------------------------------------------------- numbers


def milliseconds(value: float) -> str:
    """3 significant digits; seconds from 1 s up."""
    if value >= 1000:
        return f"{value / 1000:.3g} s"
    return f"{value:.3g} ms"


def speedup(case: dict, data: dict) -> float:
    eager = find(data, case["model"], case["framework"], "eager")
    return eager["median_ms"] / case["median_ms"]


def find(data: dict, model: str, framework: str, mode: str) -> dict:
    for case in data["cases"]:
        if (case["model"], case["framework"].lower(), case["mode"]) == (model, framework.lower(), mode):
            return case
    raise KeyError(f"no case {model} {framework} {mode} in the results")


def payback(case: dict, data: dict) -> str:
    """After how many steps the time saved per step has paid for the slower first call."""
    if case["mode"] == "eager":
        return "-"
    eager = find(data, case["model"], case["framework"], "eager")
    saved = eager["median_ms"] - case["median_ms"]
    extra = case["first_call_ms"] - eager["first_call_ms"]
    if saved <= 0:
        return "never (no faster per step)"
    if extra <= 0:
        return "at once"
    return f"{extra / saved:,.0f} steps"


def value(args: list[str]) -> str:
    data = results("cpu")
    if data is None:
        raise KeyError("docs/performance/results-cpu.json does not exist: run `make benchmark`")
    model, framework, mode, field = args
    case = find(data, model, framework, mode)
    if field == "speedup":
        return f"{speedup(case, data):.2g}x"
    if field in {"first_call", "median", "p10", "p90"}:
        return milliseconds(case[f"{field}_ms"])
    raise KeyError(f"unknown field {field!r}: first_call, median, p10, p90 or speedup")


# ---------------------------------------------------------------------------------------------------------- tables


def about(data: dict, kind: str) -> str:
    machine, method, versions = data["machine"], data["method"], data["versions"]
    threads = method["threads"]
    compile_ = method["torch_compile"]
    accelerators = sorted({device for device in machine["accelerator"].values() if device != "cpu"})
    load = [" / ".join(f"{x:.1f}" for x in machine[key]) if machine.get(key) else None
            for key in ("load_average_before", "load_average_after")]
    features = machine.get("cpu_features")
    lines = [
        f"- **Machine:** {machine['cpu']}"
        + (f" ({', '.join(features).upper()})" if features else "")
        + f", {machine['usable_cores']} cores usable ({machine['logical_cores']} logical), "
        f"{machine['memory_gib']} GiB memory, {machine['os']}; "
        + (f"GPU: {', '.join(accelerators)}." if accelerators else "no GPU.")
        + (f" Load average over 1 / 5 / 15 minutes: {load[0]} before the run, {load[1]} after it (a load above "
           f"the number of cores means some programs were waiting for a free core)." if load[0] and load[1] else ""),
        f"- **Versions:** Python {versions['python']}, PyTorch {versions['torch']}, "
        f"TensorFlow {versions['tensorflow']}, Keras {versions['keras']}, NumPy {versions['numpy']}.",
        f"- **Date:** {data['date'][:10]}"
        + (" (a `--quick` run: few steps, no Inductor)." if data.get("quick") else "."),
        f"- **What is timed:** {method['what_is_timed']}. Batch of {method['batch_size']}, {method['dtype']}.",
        f"- **How:** the first step is timed on its own (*first call*); then {method['warmup_steps']} warm-up steps; "
        f"then {method['repetitions']} timed steps per case, in {method['rounds']} rounds that alternate between "
        f"the two frameworks and rotate the order of the cases; summarised by the median and the 10th to 90th "
        f"percentile ({method['clock']}).",
        f"- **Threads:** PyTorch {threads['PyTorch']['intra_op']} intra-op / {threads['PyTorch']['inter_op']} "
        f"inter-op, TensorFlow {threads['TensorFlow']['intra_op']} intra-op / {threads['TensorFlow']['inter_op']} "
        f"inter-op, `OMP_NUM_THREADS={threads['OMP_NUM_THREADS']}`; each framework in its own process.",
        f"- **torch.compile:** backend `{compile_['backend']}`, compiling {compile_['what_is_compiled']}; "
        f"{compile_['cache']}.",
        f"- **Raw numbers:** [results-{kind}.json](performance/results-{kind}.json), written by "
        f"`tests/benchmarks/run_benchmarks.py` (`make benchmark`) in {data['durations_s']['total']:.0f} s.",
    ]
    return "\n".join(lines)


def table(data: dict, model: str) -> str:
    info = data["models"][model]
    parameters = info["parameters"]
    rows = [
        f"**{MODEL_NAMES.get(model, model)}** ({info['description'].split(': ', 1)[-1]}; "
        f"{parameters['PyTorch']:,} parameters in PyTorch, {parameters['TensorFlow']:,} in Keras)",
        "",
        "| Framework | How the step runs | First call | Median step | p10 to p90 | Speed-up vs eager "
        "| Pays back the first call |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for case in data["cases"]:
        if case["model"] != model:
            continue
        rows.append(
            f"| {case['framework']} | {case['label']} | {milliseconds(case['first_call_ms'])} | "
            f"{milliseconds(case['median_ms'])} | {milliseconds(case['p10_ms'])} to {milliseconds(case['p90_ms'])} | "
            f"{speedup(case, data):.2f}x | {payback(case, data)} |"
        )
    for skipped in data.get("skipped", []):
        if skipped["model"] == model:
            rows.append(
                f"| {skipped['framework']} | {skipped['mode']}: not run | - | - | - | - | {skipped['reason']} |"
            )
    return "\n".join(rows)


def tables() -> str:
    parts = []
    for kind, title in KINDS.items():
        data = results(kind)
        if data is None:
            if kind == "cpu":
                raise KeyError("docs/performance/results-cpu.json does not exist: run `make benchmark`")
            parts.append(
                f'!!! note "No {title} results yet"\n'
                f"    No `docs/performance/results-{kind}.json` has been committed: the numbers on this page come "
                f"from a machine without a {title}. Running `make benchmark` on a machine with a {title} writes that "
                "file, and the next build shows it here beside the CPU numbers."
            )
            continue
        parts.append(f"### On the {title}\n\n" + about(data, kind))
        parts += [table(data, model) for model in data["models"]]
    return "\n\n".join(parts)


def plots() -> str:
    return "\n\n".join(
        f"![Median step time and first-call time of every case, {title}, log scales]({plot_uri(kind)})"
        for kind, title in KINDS.items()
        if results(kind) is not None
    )


# ------------------------------------------------------------------------------------------------------------ plot


def render_plot(data: dict, title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    labels = list(dict.fromkeys(f"{c['framework']}: {c['label']}" for c in data["cases"]))
    models = list(data["models"])
    figure, (steps, first) = plt.subplots(1, 2, figsize=(11, 0.45 * len(labels) + 1.6), sharey=True)
    height = 0.8 / len(models)
    for index, model in enumerate(models):
        cases = {f"{c['framework']}: {c['label']}": c for c in data["cases"] if c["model"] == model}
        rows = [i for i, label in enumerate(labels) if label in cases]
        chosen = [cases[labels[i]] for i in rows]
        y = [i + (index - (len(models) - 1) / 2) * height for i in rows]
        median = [c["median_ms"] for c in chosen]
        spread = [[c["median_ms"] - c["p10_ms"] for c in chosen], [c["p90_ms"] - c["median_ms"] for c in chosen]]
        name = MODEL_NAMES.get(model, model)
        steps.barh(y, median, height, xerr=spread, label=name, color=f"C{index}", error_kw={"lw": 1})
        first.barh(y, [c["first_call_ms"] / 1000 for c in chosen], height, label=name, color=f"C{index}")
    steps.set_xscale("log")
    first.set_xscale("log")
    steps.set_xlabel("median training step, ms (bars: p10 to p90; log scale)")
    first.set_xlabel("first call, s (tracing and compiling; log scale)")
    steps.set_yticks(range(len(labels)), labels)
    steps.invert_yaxis()
    first.legend(loc="lower right")
    plain = FuncFormatter(lambda v, _: f"{v:g}")  # 0.1, 1, 10 rather than powers of ten
    for axis in (steps, first):
        axis.xaxis.set_major_formatter(plain)
        axis.grid(axis="x", which="both", alpha=0.3)
    versions = data["versions"]
    figure.suptitle(
        f"{title}: {data['machine']['cpu']}, {data['machine']['usable_cores']} cores; PyTorch {versions['torch']}, "
        f"TensorFlow {versions['tensorflow']}, Keras {versions['keras']}; {data['date'][:10]}",
        fontsize=10,
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------------------------- hooks


def on_files(files, config):
    if files.get_file_from_path(PAGE) is None:
        return files
    for kind, title in KINDS.items():
        data = results(kind)
        if data is not None:
            files.append(File.generated(config, plot_uri(kind), content=render_plot(data, title)))
    return files


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != PAGE:
        return markdown
    if not PLACEHOLDER.search(markdown):
        log.warning(f"{PAGE}: no <!-- benchmark-... --> placeholder found; the results are not shown")

    def fill(match: re.Match) -> str:
        what, args = match["what"], match["args"].split()
        try:
            if what == "table" and not args:
                return tables()
            if what == "plot" and not args:
                return plots()
            if what == "value" and len(args) == 4:
                return value(args)
            raise KeyError(f"unknown placeholder {match[0]!r}")
        except KeyError as err:
            log.warning(f"{PAGE}: {match[0]}: {err.args[0]}")
            return f"**(missing: {match[0][4:-3].strip()})**"

    return PLACEHOLDER.sub(fill, markdown)
