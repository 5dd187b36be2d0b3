"""Proof that the site being published is the site that was tested: a digest of every file of a built version.

    python -m engine.site.digest write SITE FILE   the digest of the tree SITE into FILE (JSON: path -> sha256)
    python -m engine.site.digest check SITE FILE   fails, naming each file, unless SITE has exactly that digest

`make test` deploys the guide with mike, as publishing does, browses that deployment and writes its digest
(tests/artifacts/site-digest.json). CI's publish job deploys again and checks its tree against that digest before
anything is pushed. Two things may differ and are left out: the sitemaps (their dates are the build's day) and the
footer's "on CPU only", which becomes the GPU's name when the GPU job ran (release.verified_line).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from . import release

LEFT_OUT = {"sitemap.xml", "sitemap.xml.gz"}


def digest(site: Path) -> dict[str, str]:
    cpu_only, here = release.verified_line(on_gpu=""), release.verified_line()
    found = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        name = path.relative_to(site).as_posix()
        if name in LEFT_OUT:
            continue
        content = path.read_bytes()
        if path.suffix in (".html", ".ipynb", ".py") and here != cpu_only:
            content = content.replace(here.encode(), cpu_only.encode())
        found[name] = hashlib.sha256(content).hexdigest()
    return found


def differences(site: Path, expected: dict[str, str]) -> list[str]:
    found = digest(site)
    return ([f"not tested: {n}" for n in sorted(found.keys() - expected.keys())]
            + [f"missing: {n}" for n in sorted(expected.keys() - found.keys())]
            + [f"changed: {n}" for n in sorted(found.keys() & expected.keys()) if found[n] != expected[n]])


def main(action: str, site: str, file: str) -> None:
    if action == "write":
        Path(file).parent.mkdir(parents=True, exist_ok=True)
        Path(file).write_text(json.dumps(digest(Path(site)), indent=0, sort_keys=True) + "\n")
        return
    problems = differences(Path(site), json.loads(Path(file).read_text()))
    if problems:
        raise SystemExit(f"{site} is not the site that was tested ({file}):\n" + "\n".join(problems[:50]))
    print(f"{site}: the same {len(json.loads(Path(file).read_text()))} files as the site that was tested")


if __name__ == "__main__":
    main(*sys.argv[1:4])
