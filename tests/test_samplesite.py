"""The bundled sample site is what its generator writes from facts.toml: the two cannot drift apart."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from peelpipe.samplesite import SITE_ROOT, UPDATES_ROOT


def differences(left: Path, right: Path) -> list[str]:
    """Files that differ or exist on one side only, recursively."""
    found: list[str] = []
    stack = [filecmp.dircmp(left, right)]
    while stack:
        cmp = stack.pop()
        found += [f"{cmp.left}/{n}" for n in cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files]
        stack += cmp.subdirs.values()
    return found


def test_the_committed_sample_site_is_what_the_generator_writes(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.samplesite.build",
            "--site-dir",
            str(tmp_path / "site"),
            "--updates-dir",
            str(tmp_path / "updates"),
            "--no-readme",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )  # tools/ is run from the root
    assert result.returncode == 0, result.stderr
    assert differences(tmp_path / "site", SITE_ROOT) == [], "run python -m tools.samplesite.build"
    assert differences(tmp_path / "updates", UPDATES_ROOT.parent) == []
    pages = list((tmp_path / "site").rglob("index.html"))
    assert len(pages) > 400 and all(b"sample data" in p.read_bytes().lower() for p in pages)
