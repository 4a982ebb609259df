"""The house rules that keep peelpipe safe to upgrade: no compiled code, no ctypes, no private names
of other packages (nor Prefect's server internals) in src/ or flows/, the layer contracts kept, and
no oversized module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

CODE_DIRS = (ROOT / "src" / "peelpipe", ROOT / "flows")
COMPILED = {".c", ".h", ".cc", ".cpp", ".pyx", ".pxd", ".so", ".pyd"}


def python_files() -> list[Path]:
    return sorted(p for folder in CODE_DIRS for p in folder.rglob("*.py"))


def private_uses(source: str) -> list[str]:
    """Uses of another package's private names: `from pkg import _x`, `import pkg._mod`, `mod._x` on an
    imported module or name, and any import of Prefect's server internals or of ctypes."""
    tree = ast.parse(source)
    external: set[str] = set()
    found: list[str] = []

    def private(name: str) -> bool:
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "peelpipe":
                    continue
                external.add((alias.asname or alias.name).split(".")[0])
                if any(private(part) for part in alias.name.split(".")):
                    found.append(f"import {alias.name}")
                if alias.name.split(".")[0] == "ctypes" or alias.name.startswith("prefect.server"):
                    found.append(f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "peelpipe":
                continue
            if (
                any(private(part) for part in node.module.split("."))
                or node.module.startswith("prefect.server")
                or node.module.split(".")[0] == "ctypes"
            ):
                found.append(f"from {node.module} import ...")
            for alias in node.names:
                external.add(alias.asname or alias.name)
                if private(alias.name):
                    found.append(f"from {node.module} import {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in external:
                found.append(f"{ast.unparse(node)}")
    return found


def test_no_compiled_sources_or_binaries() -> None:
    compiled = [p for folder in CODE_DIRS for p in folder.rglob("*") if p.suffix in COMPILED]
    assert compiled == []
    assert not (ROOT / "hatch_build.py").exists()


def test_no_private_names_of_other_packages_and_no_ctypes() -> None:
    problems = {str(p.relative_to(ROOT)): private_uses(p.read_text()) for p in python_files()}
    assert {path: uses for path, uses in problems.items() if uses} == {}


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import ctypes", ["import ctypes"]),
        ("from prefect.server.api.server import create_app", ["from prefect.server.api.server import ..."]),
        ("from prefect._internal.concurrency import x", ["from prefect._internal.concurrency import ..."]),
        ("from selectolax.lexbor import _node", ["from selectolax.lexbor import _node"]),
        ("import atexit\natexit._run_exitfuncs()", ["atexit._run_exitfuncs"]),
        ("import os\nos._exit(0)", ["os._exit"]),
        ("from prefect import flow\nflow._private", ["flow._private"]),
        ("from peelpipe.fetch import client\nclient._helper()", []),
        ("class A:\n    def f(self):\n        return self._x", []),
        ("x = obj.__dict__", []),
    ],
)
def test_the_private_name_check_catches_what_it_should(source: str, expected: list[str]) -> None:
    assert private_uses(source) == expected


def test_the_layer_contracts_hold() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr


def test_no_module_is_oversized() -> None:
    assert [p for p in python_files() if len(p.read_text().splitlines()) > 420] == []
