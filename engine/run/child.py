"""The child's side of the runner: run one program in this process, piece after piece, as a script would run.

    python -m engine.run.child PROGRAM.json RESULTS.jsonl

PROGRAM.json holds {"name", "file", "output_limit", "codes": [{"code", "filename", "first_line", "skipif"}]}. Every
piece runs in one namespace, a fresh `__main__` module (so pickling classes the program defines works) whose
`__file__` is "file" (the runner's copy of the first snippet file, engine.run.program), compiled with the file name
and line numbers of the snippet file it came from, so tracebacks name the repository's file and line. Each piece's
stdout and stderr are captured at the file-descriptor level, so output that bypasses `sys.stdout` (TensorFlow's C++
`tf.print`, for one) is caught too; of each, the first "output_limit" bytes are kept, and a line saying how many
bytes were dropped ends what was cut.

After each piece one JSON line is appended to RESULTS.jsonl and flushed, so a parent that kills a hanging program
still knows which pieces finished. After the last piece a final line reports the framework versions that ran (and their
builds, such as torch's `cu132` or `cpu`) and whether each saw a GPU. The first failing piece ends the program.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
import types

from .. import accounting
from ..settings import FRAMEWORK_PACKAGES


def _kept(handle, limit: int, stream: str) -> str:
    """What a piece wrote to `stream` (a file): its first `limit` bytes, then, if there was more, a line saying so."""
    size = handle.seek(0, os.SEEK_END)
    handle.seek(0)
    text = handle.read(limit).decode(errors="replace")
    if size <= limit:
        return text
    return text + ("" if text.endswith("\n") else "\n") + (
        f"[output cut: this piece wrote {size:,} bytes to {stream}, more than the output limit of {limit:,} bytes "
        f"(--output-limit); the last {size - limit:,} bytes were dropped]\n")


def _captured(run, limit: int):
    """Call run() with fds 1 and 2 pointed at temporary files; return (result, stdout, stderr), each output cut to
    `limit` bytes."""
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
        return result, _kept(out, limit, "stdout"), _kept(err, limit, "stderr")


def _format_error(error: BaseException) -> str:
    """The traceback without this runner's own frames: it starts at the reader's code."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb))


def _run_piece(piece: dict, namespace: dict, limit: int) -> dict:
    """Run one piece; a failing piece still reports what it printed before it failed."""
    holder: dict = {}

    def run():
        try:
            if piece.get("skipif") and eval(piece["skipif"], namespace):
                return "skipped"
            code = compile("\n" * (piece["first_line"] - 1) + piece["code"], piece["filename"], "exec")
            exec(code, namespace)
            return "passed"
        except BaseException as exc:  # noqa: BLE001 - the program's failure is the result
            holder["error"] = _format_error(exc)
            return "failed"

    started = time.perf_counter()
    status, stdout, stderr = _captured(run, limit)
    return {"status": status, "stdout": stdout, "stderr": stderr, "error": holder.get("error"),
            "seconds": time.perf_counter() - started}


def _environment() -> dict:
    """Versions of the frameworks this program imported, and whether each sees a GPU."""
    report = {"versions": {}, "builds": {}, "gpu": {}}
    for package in FRAMEWORK_PACKAGES:
        if package in sys.modules:
            version, _, build = sys.modules[package].__version__.partition("+")  # 2.15.0+cu132: the build is cu132
            report["versions"][package] = version
            if build:
                report["builds"][package] = build
    if "torch" in sys.modules:
        report["gpu"]["torch"] = bool(sys.modules["torch"].cuda.is_available())
    if "tensorflow" in sys.modules:
        report["gpu"]["tensorflow"] = bool(sys.modules["tensorflow"].config.list_physical_devices("GPU"))
    return report


def main(program_path: str, results_path: str) -> None:
    with open(program_path) as handle:
        program = json.load(handle)
    accounting.record("run", program["name"], os.getpid())
    pieces = program["codes"]
    main_module = types.ModuleType("__main__")
    main_module.__file__ = program["file"]
    sys.modules["__main__"] = main_module
    sys.argv = [main_module.__file__]
    sys.path[0] = os.getcwd()  # the program's own temporary working directory
    with open(results_path, "a") as results:
        for piece in pieces:
            result = _run_piece(piece, main_module.__dict__, program["output_limit"])
            results.write(json.dumps(result) + "\n")
            results.flush()
            if result["status"] == "failed":
                break
        results.write(json.dumps({"environment": _environment()}) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
