"""Everything the engine's parts must agree on: where things are, the frameworks, and the program environment.

Every program the guide runs (a page program, the cheat-sheet rows, a notebook in the site build) runs with
PROGRAM_ENVIRONMENT, and nothing else in the project writes these variables.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
MKDOCS_YML = ROOT / "mkdocs.yml"
PYPROJECT = ROOT / "pyproject.toml"
VERIFIED = DOCS / "verified.json"  # the framework versions the outputs on the pages were produced with

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

# When set, the engine appends one line per page parse, program run and site build to this file (see accounting).
COUNTS_VARIABLE = "GUIDE_COUNTS"
