"""The Performance page's tables, plot, numbers and verdicts, made from the committed results.

`make benchmark` (engine/benchmark/measure.py) writes docs/performance/results-cpu.json (results-gpu.json
on a machine with a GPU). At build time this hook turns them into the page, so no number on the page is typed:

    <!-- benchmark-table -->                 machine, versions and method, then one table per model, for every
                                             results file (CPU first; for the GPU, a table or a note that none exists)
    <!-- benchmark-plot -->                  the plot, rendered with matplotlib into performance/step-times-<kind>.png
    <!-- benchmark-value MODEL FRAMEWORK MODE FIELD -->
                                             one number from results-cpu.json in the prose, e.g.
                                             <!-- benchmark-value mlp PyTorch compile first_call -->; FIELD is
                                             first_call, median, p10, p90 or speedup (eager median / this median)
    <!-- benchmark-claim NAME -->            a sentence or phrase that interprets the results, written from them
                                             (see `claim`): function-vs-eager, compile-verdict, xla-verdict

Anything `fill_page` cannot fill (a missing results file, an unknown case) comes back as a warning, which the site
hook logs, so `mkdocs build --strict` fails instead of publishing a page with holes.
"""

from __future__ import annotations

import io
import json
import re

from ..settings import DOCS

PAGE = "performance.md"
RESULTS = DOCS / "performance"
KINDS = {"cpu": "CPU", "gpu": "GPU"}
MODEL_NAMES = {"mlp": "MLP", "cnn": "CNN"}
PLACEHOLDER = re.compile(r"<!--\s*benchmark-(?P<what>[a-z-]+)(?P<args>[^>]*?)\s*-->")


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
        f"`engine/benchmark/measure.py` (`make benchmark`) in {data['durations_s']['total']:.0f} s.",
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


# ----------------------------------------------------------------------------------------------------------- claims
# The sentences that interpret the results are written from them, so a re-run that reverses a finding rewrites the
# sentence instead of leaving the page saying the opposite of its own table.


def compared(case: dict, baseline: dict) -> str:
    """'2.9x faster' or '1.4x slower': the median step of `case` against that of `baseline`."""
    ratio = baseline["median_ms"] / case["median_ms"]
    return f"{ratio:.2g}x faster" if ratio >= 1 else f"{1 / ratio:.2g}x slower"


def claim(name: str, data: dict) -> str:
    if name == "function-vs-eager":  # (PyTorch-free) eager TensorFlow step against the same step in tf.function
        return compared(find(data, "mlp", "TensorFlow", "function"), find(data, "mlp", "TensorFlow", "eager"))
    if name == "compile-verdict":  # torch.compile against eager PyTorch, both models
        compiled = [find(data, model, "PyTorch", "compile") for model in data["models"]]
        paid = [payback(case, data) for case in compiled]
        if all(p.startswith("never") for p in paid):
            return "Compiling costs more than it saves here."
        if all(p != "at once" and not p.startswith("never") for p in paid):
            return "Compiling pays back its first call, but only after " + " and ".join(
                f"{p} ({MODEL_NAMES[c['model']]})" for p, c in zip(paid, compiled)) + "."
        return "Compiling pays off for one model and not the other here."
    if name == "xla-verdict":  # tf.function with XLA against plain tf.function, both models
        pairs = [(find(data, m, "TensorFlow", "function-xla"), find(data, m, "TensorFlow", "function"))
                 for m in data["models"]]
        slower_start = all(x["first_call_ms"] > f["first_call_ms"] for x, f in pairs)
        ratios = [f["median_ms"] / x["median_ms"] for x, f in pairs]
        start = "XLA adds compile time" if slower_start else "XLA costs no extra first-call time"
        if all(0.8 <= r <= 1.25 for r in ratios):
            return f"{start} and changes the later steps only a little."
        if all(r > 1.25 for r in ratios):
            return f"{start} and makes the later steps clearly faster."
        if all(r < 0.8 for r in ratios):
            return f"{start} and makes the later steps slower."
        return f"{start}, and its effect on the later steps differs between the two models."
    raise KeyError(f"unknown claim {name!r}: function-vs-eager, compile-verdict or xla-verdict")


# ------------------------------------------------------------------------------------------------------- the page


def plot_files() -> dict[str, bytes]:
    """The plot of each committed results file, by its path in the site."""
    return {plot_uri(kind): render_plot(data, title) for kind, title in KINDS.items() if (data := results(kind))}


def fill_page(markdown: str) -> tuple[str, list[str]]:
    """The page with every placeholder filled in, and a warning for each one that could not be."""
    warnings = [] if PLACEHOLDER.search(markdown) else [f"{PAGE}: no <!-- benchmark-... --> placeholder found"]

    def fill(match: re.Match) -> str:
        what, args = match["what"], match["args"].split()
        try:
            if what == "table" and not args:
                return tables()
            if what == "plot" and not args:
                return plots()
            if what == "value" and len(args) == 4:
                return value(args)
            if what == "claim" and len(args) == 1:
                data = results("cpu")
                if data is None:
                    raise KeyError("docs/performance/results-cpu.json does not exist: run `make benchmark`")
                return claim(args[0], data)
            raise KeyError(f"unknown placeholder {match[0]!r}")
        except KeyError as err:
            warnings.append(f"{PAGE}: {match[0]}: {err.args[0]}")
            return f"**(missing: {match[0][4:-3].strip()})**"

    return PLACEHOLDER.sub(fill, markdown), warnings
