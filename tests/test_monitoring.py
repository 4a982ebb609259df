"""Forces in Engage (enhanced monitoring): the monitoring pages, read by their text, into the monitoring table.

The pages under tests/fixtures/engage/ were written by hand apart from the parser, each in its own
markup (headings, a definition list, a table, nested bullets); see their README.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import FIXTURES
from sites import local_catalogue, write_page

from peelpipe.models import FetchResult, MonitoringPage, Spell
from peelpipe.parse.monitoring import parse, read_date
from peelpipe.transform.monitoring import MonitoringOutcome, build_monitoring

URL = "https://hmicfrs.justiceinspectorates.gov.uk/about-us/what-we-do/our-approach-to-monitoring-forces/"
IN = URL + "police-forces-in-engage/"
OUT = URL + "police-forces-previously-in-engage/"
IN_PATH = IN.removeprefix("https://hmicfrs.justiceinspectorates.gov.uk")
OUT_PATH = OUT.removeprefix("https://hmicfrs.justiceinspectorates.gov.uk")
ENGAGE = FIXTURES / "engage"


def spells(name: str, catalogue) -> list[tuple[str, str, str, str | None, str | None]]:
    page = parse((ENGAGE / name).read_bytes(), IN, catalogue)
    assert page.readable and not page.issues, page.issues
    return [(s.force_id, str(s.entered_on), s.entered_precision, s.left_on and str(s.left_on), s.left_precision)
            for s in page.spells]  # fmt: skip


def test_headings_markup_reads_each_force_in_engage_with_its_date_precision(catalogue) -> None:
    assert spells("headings.html", catalogue) == [
        ("devon-and-cornwall", "2022-10-14", "day", None, None),
        ("nottinghamshire", "2024-03-11", "day", None, None),
        ("lincolnshire", "2024-12-06", "day", None, None),
    ]
    page = parse((ENGAGE / "headings.html").read_bytes(), IN, catalogue)
    lincs = page.spells[2]
    assert lincs.reasons[0].startswith("Calls for service are not attended")
    assert len(lincs.reasons) == 2
    # a relative link is resolved against the page's canonical address, never against a mirror
    assert lincs.related_report_url == (
        "https://hmicfrs.justiceinspectorates.gov.uk/publication-html/lincolnshire-police-moved-into-enhanced-monitoring/"
    )
    assert page.spells[0].reasons == []  # the page gives none: none invented


def test_definition_list_markup_reads_exits_seasons_and_entry_reasons_only(catalogue) -> None:
    assert spells("definition-list.html", catalogue) == [
        ("cleveland", "2019-01-01", "year", "2023-09-01", "month"),
        ("west-midlands", "2023-11-24", "day", "2024-01-01", "year"),
        ("metropolitan", "2022-06-01", "month", "2025-01-23", "day"),
    ]
    page = parse((ENGAGE / "definition-list.html").read_bytes(), OUT, catalogue)
    cleveland, west_midlands, met = page.spells
    # "Reasons" after "Moved out of Engage" say why it left; the spell's reasons are why it entered
    assert cleveland.reasons == [
        "Crime prevention was not given priority.",
        "Vulnerable people were not always responded to well.",
    ]
    assert west_midlands.left_text == "Autumn 2024"  # a season is not a month: year precision, wording kept
    assert (
        met.entered_text == "June 2022"
        and met.related_report_url
        and "metropolitan+police+service+removed" in met.related_report_url
    )


def test_table_markup_reads_rows_by_their_header_cells(catalogue) -> None:
    assert spells("table.html", catalogue) == [
        ("gloucestershire", "2021-12-01", "month", "2023-09-01", "month"),
        ("staffordshire", "2022-06-01", "month", "2024-05-01", "month"),
    ]
    staffordshire = parse((ENGAGE / "table.html").read_bytes(), OUT, catalogue).spells[1]
    assert staffordshire.reasons == [
        "First contact did not identify vulnerable callers.",
        "Investigation standards were too low.",
    ]


def test_bullet_markup_reads_labels_and_values_on_one_line(catalogue) -> None:
    assert spells("bullets.html", catalogue) == [
        ("nottinghamshire", "2024-03-11", "day", "2025-05-23", "day"),
        ("devon-and-cornwall", "2022-10-14", "day", "2025-07-31", "day"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019", (date(2019, 1, 1), "year")),
        ("June 2022", (date(2022, 6, 1), "month")),
        ("14 October 2022", (date(2022, 10, 14), "day")),
        ("on 6th December 2024.", (date(2024, 12, 6), "day")),
        ("autumn 2024", (date(2024, 1, 1), "year")),
        ("March 11, 2024", (date(2024, 3, 11), "day")),
        ("31 February 2024", None),
        ("soon", None),
        ("2019 and 2020", None),
    ],
)
def test_dates_keep_their_precision_and_are_never_padded_or_guessed(text: str, expected: object) -> None:
    assert read_date(text) == expected


def test_unknown_force_unreadable_date_and_wrong_stage_are_parse_issues_not_guesses(tmp_path: Path) -> None:
    catalogue = local_catalogue(tmp_path, "http://127.0.0.1:9", synthetic=True)
    page = parse((ENGAGE / "synthetic-problems.html").read_bytes(), IN, catalogue)
    assert page.spells == []
    assert [i.reason for i in page.issues] == ["unknown_force", "unreadable_date", "unknown_stage"]
    assert "Borsetshire" in page.issues[0].detail
    assert "sometime after the summer fete" in page.issues[1].detail
    assert page.forces_with_errors == ["testshire"]


def test_a_stage_named_nowhere_is_an_issue(tmp_path: Path) -> None:
    catalogue = local_catalogue(tmp_path, "http://127.0.0.1:9", synthetic=True)
    html = (
        "<html><head><title>Monitoring (synthetic test page)</title></head><body><h1>Monitoring</h1>"
        "<h2>Testshire Constabulary</h2><p>Entered: 2020</p></body></html>"
    )
    page = parse(html, IN, catalogue)
    assert page.spells == [] and [i.reason for i in page.issues] == ["unknown_stage"]
    # the same section on a page whose title names Engage is read
    named = parse(html.replace("<title>Monitoring", "<title>Police forces in Engage"), IN, catalogue)
    assert [(s.force_id, s.stage, s.entered_precision) for s in named.spells] == [("testshire", "engage", "year")]


def test_a_page_with_no_spells_is_unreadable(catalogue) -> None:
    page = parse("<html><body><h1>Page not found</h1><p>Sorry.</p></body></html>", IN, catalogue)
    assert not page.readable and [i.reason for i in page.issues] == ["not_monitoring_page"]


def test_a_body_that_is_not_html_is_not_parsed(catalogue) -> None:
    html = (ENGAGE / "headings.html").read_text()
    for body, content_type in ((b"%PDF-1.7 synthetic", None), (html, "application/pdf")):
        page = parse(body, IN, catalogue, content_type)
        assert not page.readable and not page.spells and [i.reason for i in page.issues] == ["not_html"]
    assert parse(html, IN, catalogue, "text/html; charset=utf-8").spells  # the same page served as HTML is read


# --- changes -------------------------------------------------------------------------------------------

NOW = datetime(2026, 12, 1, 6, tzinfo=UTC)


def _outcome(url: str, *spells: Spell, errors: tuple[str, ...] = ()) -> MonitoringOutcome:
    page = MonitoringPage(source_url=url, parser_version="monitoring/1", spells=list(spells))
    page.forces_with_errors = list(errors)
    return MonitoringOutcome(url, FetchResult(url=url, outcome="fetched", sha256="0" * 64), page)


def notts(left: tuple[date, str, str] | None = None, entered: tuple[date, str, str] | None = None) -> Spell:
    on, precision, text = entered or (date(2024, 3, 11), "day", "11 March 2024")
    spell = Spell("nottinghamshire", "engage", on, precision, text)
    if left:
        spell.left_on, spell.left_precision, spell.left_text = left
    return spell


def test_entering_then_leaving_are_changes_with_stable_ids(catalogue) -> None:
    first = build_monitoring(
        [], [_outcome(IN, notts()), _outcome(OUT)], catalogue, now=NOW, run_id="r1", announce=False
    )
    assert [c["change_type"] for c in first.changes] == ["entered_engage"]
    assert first.rows[0]["left_on"] is None
    # the force moves from one page to the other
    later = NOW.replace(day=2)
    left = (date(2025, 5, 23), "day", "23 May 2025")
    second = build_monitoring(
        first.rows, [_outcome(IN), _outcome(OUT, notts(left))], catalogue, now=later, run_id="r2", announce=True
    )
    assert [c["change_type"] for c in second.changes] == ["left_engage"]
    change = second.changes[0]
    assert change["announce"] and change["source_url"] == OUT and "23 May 2025" in change["summary"]
    assert [(r["left_on"], r["first_seen_at"], r["last_seen_at"]) for r in second.rows] == [
        (date(2025, 5, 23), NOW, later)
    ]
    # the same state again: no new change, and the ids do not depend on the run
    third = build_monitoring(
        second.rows, [_outcome(IN), _outcome(OUT, notts(left))], catalogue, now=later, run_id="r3", announce=True
    )
    assert third.changes == []
    replayed = build_monitoring([], [_outcome(OUT, notts(left))], catalogue, now=later, run_id="r4", announce=False)
    assert change["change_id"] in {c["change_id"] for c in replayed.changes}


def test_a_corrected_entry_date_is_a_correction_not_a_new_spell(catalogue) -> None:
    month = (date(2024, 3, 1), "month", "March 2024")
    first = build_monitoring([], [_outcome(IN, notts(entered=month))], catalogue, now=NOW, run_id="r1", announce=False)
    second = build_monitoring(first.rows, [_outcome(IN, notts())], catalogue, now=NOW, run_id="r2", announce=True)
    assert [c["change_type"] for c in second.changes] == ["engage_dates_corrected"]
    assert (second.changes[0]["from_grade"], second.changes[0]["to_grade"]) == (
        "March 2024 onwards",
        "11 March 2024 onwards",
    )
    assert len(second.rows) == 1 and second.rows[0]["entered_precision"] == "day"


def test_pages_not_read_and_forces_with_errors_keep_their_rows(catalogue) -> None:
    first = build_monitoring([], [_outcome(IN, notts())], catalogue, now=NOW, run_id="r1", announce=False)
    failed = MonitoringOutcome(IN, FetchResult(url=IN, outcome="failed", error="timed out"))
    kept = build_monitoring(first.rows, [failed], catalogue, now=NOW, run_id="r2", announce=True)
    assert kept.rows == first.rows and kept.changes == []
    assert [(i["reason"], i["page_kind"]) for i in kept.issues] == [("fetch_failed", "monitoring")]
    # the page is read, but Nottinghamshire's section had an error: its row stays, no change is made up
    errs = build_monitoring(
        first.rows, [_outcome(IN, errors=("nottinghamshire",))], catalogue, now=NOW, run_id="r3", announce=True
    )
    assert [r["force_id"] for r in errs.rows] == ["nottinghamshire"] and errs.changes == []


# --- end to end over loopback HTTP ------------------------------------------------------------------------


def test_pipeline_reads_the_engage_pages_over_http_and_alerts_an_exit(tmp_path: Path) -> None:
    from peelpipe.pipeline import open_warehouse, run_pipeline
    from peelpipe.samplesite import serve_site

    before, after = tmp_path / "before", tmp_path / "after"
    write_page(before, IN_PATH, (ENGAGE / "headings.html").read_text())
    write_page(before, OUT_PATH, (ENGAGE / "table.html").read_text())
    after_in = (ENGAGE / "headings.html").read_text()
    cut = after_in.index("<h2>Nottinghamshire Police</h2>")
    after_in = after_in[:cut] + after_in[after_in.index("<h2>Lincolnshire Police</h2>") :]
    write_page(after, IN_PATH, after_in)
    write_page(after, OUT_PATH, (ENGAGE / "bullets.html").read_text())
    with serve_site(before) as site:
        catalogue = local_catalogue(tmp_path, site.url, monitoring_pages=(IN_PATH, OUT_PATH))
        first = run_pipeline(catalogue, [], [], mode="backfill")
        requests = [p for m, p, s in site.request_log if "engage" in p]
        assert len(requests) == 2  # each page once per run, whatever the run's scope (no cycles, no forces)
        again = run_pipeline(catalogue, [], [], mode="run")
        port = site.port
    assert again.changes == [] and again.stats["not_modified"] == 2
    assert sorted(c["change_type"] for c in first.changes) == ["entered_engage"] * 5 + ["left_engage"] * 2
    with serve_site(after, port=port):
        third = run_pipeline(catalogue, [], [], mode="run", announce=True, alerts=True)
    left = [c for c in third.changes if c["change_type"] == "left_engage"]
    assert [c["force_id"] for c in left] == ["devon-and-cornwall", "nottinghamshire"]
    warehouse = open_warehouse(catalogue)
    rows = warehouse.read_table("monitoring")
    notts = next(r for r in rows if r["force_id"] == "nottinghamshire")
    assert (notts["entered_on"], notts["left_on"], notts["source_url"]) == (date(2024, 3, 11), date(2025, 5, 23), OUT)
    assert notts["reasons"] == ["investigations and the support given to victims needed to improve."]
    digest = (warehouse.root / "digests" / "latest.md").read_text()
    assert "Forces moved out of Engage" in digest and "Nottinghamshire Police: moved out of Engage" in digest
    import duckdb

    con = duckdb.connect(str(warehouse.root / "peel.duckdb"), read_only=True)
    now = [r[0] for r in con.sql("SELECT force_id FROM engage_now").fetchall()]
    assert now == ["lincolnshire"]
    report = (warehouse.root / "report.html").read_text()
    assert "In Engage now: Lincolnshire Police." in report
    # the list of reasons reaches CSV and XLSX as a JSON array, the encoding the data package uses
    import csv
    import json

    import openpyxl

    from peelpipe.warehouse.export import export

    folder = export(warehouse, "csv", tmp_path / "exports")
    with (folder / "monitoring.csv").open(newline="") as f:
        csv_notts = next(r for r in csv.DictReader(f) if r["force_id"] == "nottinghamshire")
    assert json.loads(csv_notts["reasons"]) == notts["reasons"]
    sheet = openpyxl.load_workbook(export(warehouse, "xlsx", tmp_path / "exports"))["monitoring"]
    header = [c.value for c in sheet[1]]
    xlsx_notts = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "nottinghamshire")
    assert json.loads(xlsx_notts[header.index("reasons")]) == notts["reasons"]


def test_demo_ends_with_the_eight_real_spells_and_shows_each_exit(tmp_path: Path, capsys) -> None:
    import argparse

    from peelpipe.demo import run_demo

    args = argparse.Namespace(quiet=False, json=False, delay=0.0, warehouse=str(tmp_path / "wh"), no_prefect=True)
    assert run_demo(args) == 0
    out = capsys.readouterr().out
    step3, step4 = out.split("\n3. ")[1].split("\n4. ")
    assert "left_engage: Nottinghamshire Police: moved out of Engage (enhanced monitoring) on 23 May 2025" in step3
    assert "Devon and Cornwall" not in step3.split("a scheduled run …")[1]
    assert "left_engage: Devon and Cornwall Police" in step4
    assert "In Engage (enhanced monitoring) now: Lincolnshire Police." in out
    from peelpipe.warehouse import Warehouse

    rows = Warehouse(tmp_path / "wh").read_table("monitoring")
    assert sorted((r["force_id"], r["entered_text"], r["left_text"]) for r in rows) == [
        ("cleveland", "2019", "September 2023"),
        ("devon-and-cornwall", "14 October 2022", "31 July 2025"),
        ("gloucestershire", "December 2021", "September 2023"),
        ("lincolnshire", "6 December 2024", None),
        ("metropolitan", "June 2022", "23 January 2025"),
        ("nottinghamshire", "11 March 2024", "23 May 2025"),
        ("staffordshire", "June 2022", "May 2024"),
        ("west-midlands", "24 November 2023", "autumn 2024"),
    ]
    west_midlands = next(r for r in rows if r["force_id"] == "west-midlands")
    assert (west_midlands["left_on"], west_midlands["left_precision"]) == (date(2024, 1, 1), "year")
    digest = (tmp_path / "wh" / "digests" / "latest.md").read_text()
    assert "Forces moved out of Engage" in digest and "Devon and Cornwall Police: moved out of Engage" in digest


def test_monitoring_pages_must_be_site_paths(tmp_path: Path) -> None:
    from peelpipe.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="monitoring_pages"):
        load_settings(environ={"PEELPIPE_MONITORING_PAGES": "https://evil.example/engage/"})
    default = load_settings(environ={})
    assert default.monitoring_pages == (IN_PATH, OUT_PATH)  # config/settings.toml reads both pages


def test_reasons_that_start_like_labels_stay_reasons(tmp_path: Path) -> None:
    catalogue = local_catalogue(tmp_path, "http://127.0.0.1:9", synthetic=True)
    html = (
        "<html><head><title>Police forces in Engage (synthetic test page)</title></head><body>"
        "<h1>Police forces in Engage</h1><p>Synthetic wording, for the test only.</p>"
        "<h2>Testshire Constabulary</h2><p>Entered Engage</p><p>2019</p><p>Reasons for entering:</p>"
        "<ul><li>Left victims without support for too long.</li><li>Reasons for delay were unclear to staff.</li></ul>"
        "<h2>Lincolnshire Police</h2><p>Entered enhanced monitoring on 6 December 2024</p></body></html>"
    )
    page = parse(html, IN, catalogue)
    assert not page.issues
    assert [(s.force_id, s.entered_text, s.reasons) for s in page.spells] == [
        (
            "testshire",
            "2019",
            ["Left victims without support for too long.", "Reasons for delay were unclear to staff."],
        ),
        ("lincolnshire", "6 December 2024", []),
    ]


def test_entering_and_leaving_reach_a_channel_that_only_wants_high_severity(catalogue) -> None:
    from peelpipe.alerts.deliver import wants
    from peelpipe.settings import AlertChannel

    left = (date(2025, 5, 23), "day", "23 May 2025")
    changes = build_monitoring([], [_outcome(OUT, notts(left))], catalogue, now=NOW, run_id="r1", announce=True).changes
    high = AlertChannel(name="high", url_env="X", min_severity="high", forces=("nottinghamshire",))
    assert [c["change_type"] for c in changes if wants(high, c)] == ["entered_engage", "left_engage"]
    other_force = AlertChannel(name="met", url_env="X", forces=("metropolitan",))
    assert not any(wants(other_force, c) for c in changes)
