"""Everything the engine's parts must agree on: where things are, the frameworks, and the program environment.

Every program the guide runs (a page program, the cheat-sheet rows, a notebook in the site build) runs with
PROGRAM_ENVIRONMENT, and nothing else in the project writes these variables. The versions matrix runs the page
programs in READER_ENVIRONMENT instead: a reader's plain shell (see program_environment).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
MKDOCS_YML = ROOT / "mkdocs.yml"
PYPROJECT = ROOT / "pyproject.toml"
VERSIONS_REPORTS = DOCS / "versions"  # the versions matrix: one <column>.json report per column

# Tab labels, in the order a tab set shows them; the order of the programs of a page.
FRAMEWORKS = ("PyTorch", "TensorFlow")
# The package names whose versions a program reports, and how the site names them.
FRAMEWORK_PACKAGES = {"torch": "PyTorch", "tensorflow": "TensorFlow", "keras": "Keras"}

PROGRAM_ENVIRONMENT = {
    # TensorFlow's start-up lines stay out of outputs only with both of these.
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_CPP_MIN_LOG_LEVEL": "1",
    "KERAS_BACKEND": "tensorflow",
    "MPLBACKEND": "Agg",
    "PYTHONHASHSEED": "0",
    # breakpoint() does nothing, so the debugging page's examples run as shown.
    "PYTHONBREAKPOINT": "0",
    # One thread per program: the suite runs two programs at once on two cores, and thread pools that each expect
    # every core slow each other down several times over.
    "OMP_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}

# A reader's plain shell: none of the variables above, all cores, oneDNN on. Only breakpoint() is switched off, which
# stands for the reader typing `c` at the debugger's prompt (the debugging page's examples stop there).
READER_ENVIRONMENT = {"PYTHONBREAKPOINT": "0"}

# What TensorFlow writes to stderr when it starts in a reader's shell (the home page explains these lines). In
# READER_ENVIRONMENT a block's stderr is checked without them; any other line still counts.
TENSORFLOW_STARTUP_LINES = [
    re.compile(r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"),
    re.compile(r"I\d{4} [\d:. ]+\d+ cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized to use available CPU "
               r"instructions in performance-critical operations\."),
    re.compile(r"To enable the following instructions: .*, in other operations, rebuild TensorFlow with the appropriate "
               r"compiler flags\."),
    re.compile(r"I\d{4} [\d:. ]+\d+ port\.cc:\d+\] oneDNN custom operations are on\. .*"),
]


def program_environment(reader: bool = False) -> dict[str, str]:
    """The environment a program runs in: this process's, less every variable the engine sets, plus the engine's
    (PROGRAM_ENVIRONMENT) or, with `reader`, only READER_ENVIRONMENT."""
    plain = {k: v for k, v in os.environ.items() if k not in PROGRAM_ENVIRONMENT}
    return plain | (READER_ENVIRONMENT if reader else PROGRAM_ENVIRONMENT)


def without_startup_lines(stderr: str) -> str:
    """A block's stderr less TensorFlow's start-up lines (TENSORFLOW_STARTUP_LINES)."""
    return "".join(line for line in stderr.splitlines(keepends=True)
                   if not any(p.fullmatch(line.rstrip("\n")) for p in TENSORFLOW_STARTUP_LINES))


# When set, the engine appends one line per page parse, program run and site build to this file (see accounting).
COUNTS_VARIABLE = "GUIDE_COUNTS"
