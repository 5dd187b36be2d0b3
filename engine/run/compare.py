"""Compare the output shown on a page with the output a block printed.

Text must match exactly, except for whitespace at line ends and blank lines at the end. Numbers match when

    |shown - printed| <= atol + rtol * |printed|

Integers (no decimal point, no exponent) must match exactly: they are counts and sizes. For the other numbers
the defaults (rtol=1e-6, atol=0) make every digit a page shows count: outputs print 2-4 significant digits, so
changing any shown digit breaks the match, while float formatting noise such as 0.30000000000000004 against 0.3
does not. `--rtol`/`--atol` loosen this for runs on other hardware (the GPU job), whose results differ in the last
digits.
"""

from __future__ import annotations

import difflib
import re

INTEGER = re.compile(r"[-+]?\d+")
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|\b(?:nan|inf)\b")


def normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


def _close(shown: str, printed: str, rtol: float, atol: float) -> bool:
    if shown == printed:
        return True
    if INTEGER.fullmatch(shown) and INTEGER.fullmatch(printed):
        return False  # counts, sizes and sums of integers are exact: no tolerance
    try:
        a, b = float(shown), float(printed)
    except ValueError:
        return False
    return abs(a - b) <= atol + rtol * abs(b)


def outputs_match(shown: str, printed: str, rtol: float = 1e-6, atol: float = 0.0) -> bool:
    shown, printed = normalise(shown), normalise(printed)
    if shown == printed:
        return True
    shown_text, printed_text = NUMBER.split(shown), NUMBER.split(printed)
    if shown_text != printed_text:
        return False
    return all(_close(a, b, rtol, atol) for a, b in zip(NUMBER.findall(shown), NUMBER.findall(printed)))


def explain_difference(shown: str, printed: str) -> str:
    """A unified diff, page first, for the failure message."""
    diff = difflib.unified_diff(
        normalise(shown).splitlines(), normalise(printed).splitlines(), "shown on the page", "printed by the code", lineterm=""
    )
    return "\n".join(diff)
