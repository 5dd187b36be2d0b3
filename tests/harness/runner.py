"""Run one page program in this process, block after block, as a script would run.

    python -m harness.runner PROGRAM.json RESULTS.jsonl

PROGRAM.json lists the blocks: {"code", "filename", "first_line", "skipif"}. Every block runs in one namespace, a
fresh `__main__` module (so pickling classes the program defines works), compiled with the file name and line
numbers of the snippet file it came from. Each block's stdout and stderr are captured at the file-descriptor
level, so output that bypasses `sys.stdout` (TensorFlow's C++ `tf.print`, for one) is caught too.

After each block one JSON line is appended to RESULTS.jsonl and flushed, so a parent that kills a hanging program
still knows which blocks finished. After the last block a final line reports the framework versions that ran and
whether each saw a GPU. The first failing block ends the program.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
import types


def _captured(run):
    """Call run() with fds 1 and 2 pointed at temporary files; return (result, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        try:
            result = run()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        out.seek(0)
        err.seek(0)
        return result, out.read().decode(errors="replace"), err.read().decode(errors="replace")


def _format_error(error: BaseException) -> str:
    """The traceback without this runner's own frames: it starts at the reader's code."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb))


def _run_block(block: dict, namespace: dict) -> dict:
    """Run one block; a failing block still reports what it printed before it failed."""
    holder: dict = {}

    def run():
        try:
            return _exec_block(block, namespace)
        except BaseException as exc:  # noqa: BLE001
            holder["error"] = _format_error(exc)
            return "failed"

    started = time.perf_counter()
    status, stdout, stderr = _captured(run)
    return {
        "status": status,
        "stdout": stdout,
        "stderr": stderr,
        "error": holder.get("error"),
        "seconds": time.perf_counter() - started,
    }


def _exec_block(block: dict, namespace: dict) -> str:
    if block.get("skipif") and eval(block["skipif"], namespace):
        return "skipped"
    code = compile("\n" * (block["first_line"] - 1) + block["code"], block["filename"], "exec")
    exec(code, namespace)
    return "passed"


def _environment() -> dict:
    """Versions of the frameworks this program imported, and whether each sees a GPU."""
    report = {"versions": {}, "gpu": {}}
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        report["versions"]["torch"] = torch.__version__.split("+")[0]
        report["gpu"]["torch"] = bool(torch.cuda.is_available())
    if "tensorflow" in sys.modules:
        tf = sys.modules["tensorflow"]
        report["versions"]["tensorflow"] = tf.__version__
        report["gpu"]["tensorflow"] = bool(tf.config.list_physical_devices("GPU"))
    if "keras" in sys.modules:
        report["versions"]["keras"] = sys.modules["keras"].__version__
    return report


def main(program_path: str, results_path: str) -> None:
    with open(program_path) as handle:
        blocks = json.load(handle)["blocks"]
    main_module = types.ModuleType("__main__")
    main_module.__file__ = blocks[0]["filename"] if blocks else program_path
    sys.modules["__main__"] = main_module
    sys.argv = [main_module.__file__]
    sys.path[0] = os.getcwd()  # not this harness's folder; the program's own temporary working directory
    with open(results_path, "a") as results:
        for index, block in enumerate(blocks):
            result = _run_block(block, main_module.__dict__)
            results.write(json.dumps({"index": index, **result}) + "\n")
            results.flush()
            if result["status"] == "failed":
                break
        results.write(json.dumps({"environment": _environment()}) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
