"""requirements.lock, which `make test` installs: it agrees with the pins in pyproject.toml, every entry has a hash,
and the CPU route leaves out exactly torch and what only its CUDA build needs."""

from __future__ import annotations

import re

from engine.requirements import LOCK, lock_without_torch, pins

ENTRY = re.compile(r"^([A-Za-z0-9][\w.-]*)==(\S+)", re.M)


def locked() -> dict[str, str]:
    return {name.lower(): version for name, version in ENTRY.findall(LOCK.read_text())}


def test_the_lock_holds_every_pin_at_its_version():
    """After changing a pin in pyproject.toml, `make lock` writes the lock again; until then this fails."""
    found = locked()
    differ = [pin for pin in pins("torch") + pins("cpu") if found.get(pin.split("==")[0].lower()) != pin.split("==")[1]]
    assert not differ, f"requirements.lock disagrees with pyproject.toml on {differ}: run `make lock`"


def test_every_entry_has_a_hash():
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text().split("\n", 2)[2])
    assert entries and all("--hash=sha256:" in entry for entry in entries if ENTRY.match(entry))


def test_the_cpu_route_leaves_out_torch_and_its_cuda_packages():
    lock = ("torch==2.15.0 \\\n    --hash=sha256:aa\n    # via -r pins.in\ntriton==3.9.0 \\\n    --hash=sha256:bb\n"
            "nvidia-cudnn-cu13==9.26.0.51 \\\n    --hash=sha256:cc\ncuda-toolkit==13.2.2 \\\n    --hash=sha256:dd\n"
            "sympy==1.14.0 \\\n    --hash=sha256:ee\n    # via torch\n")
    assert lock_without_torch(lock) == "sympy==1.14.0 \\\n    --hash=sha256:ee\n    # via torch\n"
    kept = {name.lower() for name, _ in ENTRY.findall(lock_without_torch(LOCK.read_text()))}
    assert set(locked()) - kept == {n for n in locked() if re.match(r"(torch|triton|nvidia-.*|cuda-.*)$", n)}
    assert "torch" not in kept and "sympy" in kept
