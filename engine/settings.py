"""Everything the engine's parts must agree on: where things are, the frameworks, and the program environment.

Every program the guide runs (a page program, the cheat-sheet rows, a notebook in the site build) runs with
PROGRAM_ENVIRONMENT, and nothing else in the project writes these variables. The versions matrix runs the page
programs in READER_ENVIRONMENT instead: a reader's plain shell (see program_environment). Either way the runner
gives each program a temporary HOME of its own (home_environment), so it writes nothing into the real one.
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
# stands for the reader typing `c` at the debugger's prompt (the debugging page's examples stop there). The runner
# still gives the program its own temporary HOME (home_environment).
READER_ENVIRONMENT = {"PYTHONBREAKPOINT": "0"}

# What TensorFlow writes to stderr when it starts in a reader's shell (the home page explains these lines). In
# READER_ENVIRONMENT a block's stderr is checked without them; any other line still counts.
# TensorFlow 2.21 prefixes a log line with absl's `I0000 00:00:1796614599.506126 7581 `, 2.20 and earlier with a date
# and the source path (`2026-12-07 04:19:18.765692: I tensorflow/core/platform/`).
_LOG_PREFIX = r"(?:I\d{4} [\d:. ]+\d+ |\d{4}-\d\d-\d\d [\d:.]+: I tensorflow/[\w/]+/)"
TENSORFLOW_STARTUP_LINES = [
    re.compile(r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"),
    re.compile(_LOG_PREFIX + r"cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized to use available CPU "
               r"instructions in performance-critical operations\."),
    re.compile(r"To enable the following instructions: .*, in other operations, rebuild TensorFlow with the appropriate "
               r"compiler flags\."),
    re.compile(_LOG_PREFIX + r"port\.cc:\d+\] oneDNN custom operations are on\. .*"),
]


# The environment this process started with, taken when the engine is first imported, before any test imports a
# framework into it: importing TensorFlow puts TF2_BEHAVIOR, KMP_DUPLICATE_LIB_OK, KMP_INIT_AT_FORK and others into
# os.environ, importing torch TORCHINDUCTOR_CACHE_DIR. A program inherits this, not what the tests that happened to
# run before it in the same process imported (nor may a recorded run's key depend on them, engine/check/reuse.py).
STARTED_WITH = dict(os.environ)
SESSION_PREFIX = "GUIDE_"  # the engine's own session variables (a session's folder, its counts file), set later


def program_environment(reader: bool = False) -> dict[str, str]:
    """The environment a program runs in: the one this process started with (STARTED_WITH) and the engine's session
    variables as they are now, less every variable the engine sets, plus the engine's (PROGRAM_ENVIRONMENT) or, with
    `reader`, only READER_ENVIRONMENT."""
    inherited = STARTED_WITH | {k: v for k, v in os.environ.items() if k.startswith(SESSION_PREFIX)}
    plain = {k: v for k, v in inherited.items() if k not in PROGRAM_ENVIRONMENT}
    return plain | (READER_ENVIRONMENT if reader else PROGRAM_ENVIRONMENT)


# Where a program's HOME and the tools' caches and settings go: a program gets a temporary HOME of its own (made and
# removed by the runner), and these variables point inside it, so nothing is written into the real ~/.keras, ~/.cache
# or ~/.config.
HOME_VARIABLES = {
    "HOME": "",
    "XDG_CACHE_HOME": ".cache",
    "XDG_CONFIG_HOME": ".config",
    "XDG_DATA_HOME": ".local/share",
    "KERAS_HOME": ".keras",
    "TORCH_HOME": ".cache/torch",
    "MPLCONFIGDIR": ".config/matplotlib",
    "HF_HOME": ".cache/huggingface",
}


def home_environment(home: Path) -> dict[str, str]:
    """The variables that make `home` a program's HOME (HOME_VARIABLES), and no byte code written anywhere: in either
    environment, a program writes nothing into the repository or the real home directory."""
    return {name: str(home / below) for name, below in HOME_VARIABLES.items()} | {"PYTHONDONTWRITEBYTECODE": "1"}


def without_startup_lines(stderr: str) -> str:
    """A block's stderr less TensorFlow's start-up lines (TENSORFLOW_STARTUP_LINES)."""
    return "".join(line for line in stderr.splitlines(keepends=True)
                   if not any(p.fullmatch(line.rstrip("\n")) for p in TENSORFLOW_STARTUP_LINES))


# When set, the engine appends one line per page parse, program run and site build to this file (see accounting).
COUNTS_VARIABLE = "GUIDE_COUNTS"
