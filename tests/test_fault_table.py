"""docs/faults.md and the fault tests stay in step.

Every table row of docs/faults.md has four non-empty cells (fault, what the user sees, what is kept, test); the
test cell names one test that exists (and, given a ``[id]``, one of its parametrize ids), or says ``no test``; and
every test of the fault test files has a row (or is listed on the "Not faults" line).
"""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import ROOT

DOC = ROOT / "docs" / "faults.md"
FAULT_FILES = [
    "tests/test_faults.py",
    "tests/test_crash.py",
    "tests/test_fetch_hardening.py",
    "tests/test_safe_output.py",
    "tests/test_page_identity.py",
    "tests/test_lock.py",
    "tests/test_secrets.py",
    "tests/test_flow_faults.py",
    "tests/test_response_property.py",
    "tests/test_s3.py",
]
MIN_ROWS_WITH_A_TEST = 40
TEST_CELL = re.compile(r"^`(?P<file>tests/test_\w+\.py)::(?P<name>test_\w+)(?:\[(?P<id>[^`]+)\])?`$")
NAMED = re.compile(r"`(tests/test_\w+\.py)::(test_\w+)`")


def split_row(line: str) -> list[str]:
    """The cells of a Markdown table row; ``\\|`` inside a cell is not a separator."""
    inner = line.strip()
    assert inner.startswith("|") and inner.endswith("|"), line
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", inner[1:-1])]


def table_rows(text: str) -> list[list[str]]:
    """The body rows of every table: header rows (followed by a ``|---`` line) and separators left out."""
    lines = text.splitlines()
    rows = []
    for i, line in enumerate(lines):
        if not line.startswith("|") or re.match(r"^\|[\s:|-]+\|$", line):
            continue
        if i + 1 < len(lines) and re.match(r"^\|[\s:|-]+\|$", lines[i + 1]):
            continue  # a header
        rows.append(split_row(line))
    return rows


def not_faults(text: str) -> set[tuple[str, str]]:
    """Tests named on a line starting "Not faults" (unit self-checks that are not faults)."""
    return {m for line in text.splitlines() if line.startswith("Not faults") for m in NAMED.findall(line)}


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    }


@functools.lru_cache
def parametrize_ids(files: frozenset[str]) -> dict[tuple[str, str], set[str]]:
    """``(file, test) -> ids``, from ``pytest --collect-only -q`` (collection only: no test runs)."""
    if not files:
        return {}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *sorted(files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    ids: dict[tuple[str, str], set[str]] = defaultdict(set)
    for line in out.stdout.splitlines():
        m = re.match(r"^(tests/\S+\.py)::(test_\w+)\[(.*)\]$", line)
        if m:
            ids[(m[1], m[2])].add(m[3])
    return ids


def check(text: str, root: Path = ROOT) -> list[str]:
    """Every way docs/faults.md (``text``) and the tests under ``root`` are out of step; empty when in step."""
    problems = []
    named: dict[tuple[str, str], set[str | None]] = defaultdict(set)
    rows = table_rows(text)
    for row in rows:
        if len(row) != 4 or not all(row):
            problems.append(f"row without 4 non-empty cells: {row}")
            continue
        test = row[3]
        if test.startswith("no test"):
            if len(test) < len("no test: ") + 10:
                problems.append(f"a 'no test' row must say why: {row}")
            continue
        m = TEST_CELL.match(test)
        if not m:
            problems.append(f"test cell not `tests/<file>.py::<test>[id]` or 'no test': {test}")
            continue
        named[(m["file"], m["name"])].add(m["id"])
    with_a_test = sum(1 for row in rows if len(row) == 4 and TEST_CELL.match(row[3]))
    if with_a_test < MIN_ROWS_WITH_A_TEST:
        problems.append(f"only {with_a_test} rows name a test; at least {MIN_ROWS_WITH_A_TEST} expected")

    defs: dict[str, set[str]] = {}
    for file, name in set(named) | not_faults(text):
        path = root / file
        if file not in defs:
            defs[file] = defined_tests(path) if path.is_file() else set()
        if name not in defs[file]:
            problems.append(f"{file}::{name} is named in docs/faults.md but there is no `def {name}` in {file}")

    with_ids = {file for (file, name), given in named.items() if given - {None} and name in defs.get(file, ())}
    ids = parametrize_ids(frozenset(with_ids)) if root == ROOT else {}
    for (file, name), given in named.items():
        given_ids = given - {None}
        if not given_ids or name not in defs.get(file, ()) or root != ROOT:
            continue
        known = ids.get((file, name), set())
        for unknown in sorted(given_ids - known):
            problems.append(f"{file}::{name}[{unknown}]: no such parametrize id (ids: {sorted(known)})")
        if None not in given:  # the test is given case by case: every case needs its row
            for missing in sorted(known - given_ids):
                problems.append(f"{file}::{name}[{missing}] has no row in docs/faults.md")

    listed = set(named) | not_faults(text)
    for file in FAULT_FILES:
        for name in sorted(defined_tests(root / file)):
            if (file, name) not in listed:
                problems.append(f"{file}::{name} has no row in docs/faults.md (nor a place on the 'Not faults' line)")
    return problems


def test_the_fault_table_and_the_fault_tests_are_in_step() -> None:
    problems = check(DOC.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def test_every_row_has_four_cells_and_enough_rows_name_a_test() -> None:
    rows = table_rows(DOC.read_text(encoding="utf-8"))
    assert rows and all(len(row) == 4 and all(row) for row in rows)
    assert sum(1 for row in rows if TEST_CELL.match(row[3])) >= MIN_ROWS_WITH_A_TEST


def _without_row(text: str, needle: str) -> str:
    lines = [line for line in text.splitlines() if not (line.startswith("|") and needle in line)]
    assert len(lines) < len(text.splitlines()), needle
    return "\n".join(lines)


def test_a_deleted_row_is_caught() -> None:
    text = DOC.read_text(encoding="utf-8")
    problems = check(_without_row(text, "::test_the_lock_is_freed_when_its_holder_is_sigkilled`"))
    assert any("test_the_lock_is_freed_when_its_holder_is_sigkilled has no row" in p for p in problems), problems


def test_a_deleted_case_row_is_caught() -> None:
    text = DOC.read_text(encoding="utf-8")
    problems = check(_without_row(text, "[table-written:runs]`"))
    assert any("[table-written:runs] has no row" in p for p in problems), problems


def test_a_renamed_test_is_caught(tmp_path: Path) -> None:
    for file in FAULT_FILES:
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file).write_text((ROOT / file).read_text(encoding="utf-8"), encoding="utf-8")
    lock = tmp_path / "tests" / "test_lock.py"
    old = "def test_a_live_holder_refuses_the_second_naming_its_host_pid_and_age("
    assert old in lock.read_text(encoding="utf-8")
    lock.write_text(lock.read_text(encoding="utf-8").replace(old, "def test_a_live_holder_is_renamed("))
    text = "\n".join(
        line
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if "`tests/" not in line or any(f"`{file}::" in line for file in FAULT_FILES)
    )
    problems = check(text, root=tmp_path)
    assert any("no `def test_a_live_holder_refuses_the_second_naming_its_host_pid_and_age`" in p for p in problems)
    assert any("test_lock.py::test_a_live_holder_is_renamed has no row" in p for p in problems), problems


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("`tests/test_crash.py::test_sigkill_at_a_named_point_of_publish_loses_nothing[no-such-point]`", "no such"),
        ("`test_lock.py::test_the_lock_is_freed_when_its_holder_is_sigkilled`", "test cell not"),
        ("`…[reset-mid-body]`", "test cell not"),
        ("no test", "must say why"),
    ],
    ids=["unknown-id", "no-tests-dir", "abbreviated", "no-reason"],
)
def test_a_malformed_test_cell_is_caught(cell: str, problem: str) -> None:
    text = (
        DOC.read_text(encoding="utf-8")
        + f"\n\n| Fault | Seen | Kept | Test |\n|---|---|---|---|\n| f | s | k | {cell} |\n"
    )
    assert any(problem in p for p in check(text)), cell
