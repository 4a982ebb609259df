"""The layers stay apart: the library never imports flows/, parsers do no I/O, fetch does no parsing."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

SRC = ROOT / "src" / "peelpipe"


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((SRC / folder).rglob("*.py")) if folder else sorted(SRC.rglob("*.py"))


def test_the_library_never_imports_flows() -> None:
    for path in modules(""):
        if path.name in ("cli.py",):  # the CLI is wiring: it starts the flows
            continue
        assert not {m for m in imports(path) if m == "flows" or m.startswith("flows.")}, path


def test_parsers_do_no_io_and_know_nothing_of_fetching_or_storage() -> None:
    banned = ("peelpipe.fetch", "peelpipe.warehouse", "peelpipe.alerts", "peelpipe.pipeline", "httpx", "prefect",
              "pathlib", "os", "open")
    for path in modules("parse"):
        bad = {m for m in imports(path) if m.startswith(banned)}
        assert not bad, (path, bad)
        assert "open(" not in path.read_text(), path


def test_fetch_does_no_parsing_and_transform_is_pure() -> None:
    for path in modules("fetch"):
        assert not {m for m in imports(path) if m.startswith(("peelpipe.parse", "selectolax"))}, path
    for path in modules("transform"):
        assert not {m for m in imports(path) if m.startswith(("peelpipe.fetch", "peelpipe.warehouse", "httpx",
                                                               "prefect", "os", "pathlib"))}, path


def test_prefect_is_only_imported_by_flows_and_lazily_by_the_cli() -> None:
    for path in modules(""):
        top_level = [n for n in ast.parse(path.read_text()).body if isinstance(n, (ast.Import, ast.ImportFrom))]
        names = {getattr(n, "module", None) or n.names[0].name for n in top_level}
        assert not {m for m in names if m and m.startswith("prefect")}, path


def test_no_module_is_oversized() -> None:
    for path in [*modules(""), *sorted((ROOT / "flows").glob("*.py"))]:
        assert len(path.read_text().splitlines()) <= 420, path
