"""Build hook: compile peelpipe's block walk (src/peelpipe/parse/_blockwalk.c) with the C compiler
Python itself was built with.

The compiled walk makes parsing about a third faster; without it peelpipe falls back to the same
walk in Python, with the same output. So a machine with no C compiler still installs (`make venv`
prints which walk runs: uv hides a successful build's messages). An editable install builds the
module beside its source; a wheel carries it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("src/peelpipe/parse/_blockwalk.c")
MODULE = "_blockwalk" + (sysconfig.get_config_var("EXT_SUFFIX") or ".so")


def compile_module(source: Path, target: Path) -> str | None:
    """Compile `source` to the extension module `target`; None when done, else why not."""
    linker = sysconfig.get_config_var("LDSHARED")
    if not linker:
        return "this Python does not say how to link an extension module (no LDSHARED)"
    command = [*shlex.split(linker), *shlex.split(sysconfig.get_config_var("CCSHARED") or ""),
               "-O2", "-Wall", f"-I{sysconfig.get_paths()['include']}", f"-I{source.parent}",
               str(source), "-o", str(target)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{command[0]} could not run ({exc})"
    if done.returncode != 0:
        return f"{shlex.join(command)} failed:\n{done.stderr.strip()}"
    return None


class BlockWalkHook(BuildHookInterface):
    """Compiles the block walk into the source tree (editable) or into the wheel (standard)."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        source = Path(self.root) / SOURCE
        if version == "editable":  # beside its source; a module left by an earlier install must not outlive it
            target = source.with_name(MODULE)
            target.unlink(missing_ok=True)
        else:
            self._scratch = tempfile.mkdtemp(prefix="peelpipe-build-")
            target = Path(self._scratch) / MODULE
        if os.environ.get("PEELPIPE_NO_COMPILE"):
            print("peelpipe: PEELPIPE_NO_COMPILE is set: parsing will use the Python block walk", file=sys.stderr)
            return
        problem = compile_module(source, target)
        if problem is None and version != "editable":
            build_data["force_include"][str(target)] = f"peelpipe/parse/{MODULE}"
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
        if problem:
            print(f"peelpipe: WARNING: the compiled block walk was not built, so parsing will use the "
                  f"slower Python walk (same results). {problem}", file=sys.stderr)

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if getattr(self, "_scratch", None):
            shutil.rmtree(self._scratch, ignore_errors=True)
