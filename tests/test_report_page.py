"""warehouse/report.html: written at each publish, self-contained, right, and usable in a browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import Browser
from selectolax.lexbor import LexborHTMLParser
from sites import local_catalogue

from peelpipe import pipeline
from peelpipe.samplesite import serve_site

CYCLES = ["2016", "2017", "2021-22", "2023-25"]
WELSH_FORCES = {"dyfed-powys", "gwent", "north-wales", "south-wales"}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A backfill of part of the bundled sample site: the warehouse, its tables and report.html."""
    tmp = tmp_path_factory.mktemp("report")
    with serve_site() as site:
        catalogue = local_catalogue(tmp, site.url)
        pipeline.run_pipeline(catalogue, CYCLES, list(catalogue.forces))
    warehouse = pipeline.open_warehouse(catalogue)
    return warehouse, warehouse.read_all(), warehouse.root / "report.html"


def matrix_cells(html: str) -> dict[tuple[str, str, str], str]:
    """(force, cycle, area) -> the grade words a screen reader hears in that matrix cell."""
    tree = LexborHTMLParser(html)
    cells = {}
    for row in tree.css("table.matrix tbody tr"):
        for td in row.css("td"):
            key = (row.attributes["data-force"], td.attributes["data-cycle"], td.attributes["data-area"])
            cells[key] = td.css_first(".sr").text()
    return cells


def test_report_page_is_written_at_publish_and_matches_the_snapshot(published) -> None:
    warehouse, tables, report = published
    html = report.read_text(encoding="utf-8")
    assert warehouse.manifest()["snapshot_id"] in html
    cells = matrix_cells(html)
    # Real published grades of the sample site, read from prose and labels.
    assert cells[("staffordshire", "2016", "effectiveness")] == "requires improvement"
    assert cells[("staffordshire", "2017", "effectiveness")] == "good"
    # Every top-level judgement of the snapshot is in the matrix, in words, and nothing else is graded.
    top = {
        (j["force_id"], j["cycle_id"], j["area_id"]): j
        for j in tables["judgements"]
        if j["level"] in ("pillar", "area")
    }
    for key, row in top.items():
        expected = row["grade"].replace("_", " ") if row["grade"] else row["grade_status"].replace("_", " ")
        assert cells[key] == expected, key
    graded_words = {"outstanding", "good", "adequate", "requires improvement", "inadequate"}
    assert {k for k, v in cells.items() if v in graded_words} == {k for k, j in top.items() if j["grade"]}


def test_report_page_needs_no_network(published) -> None:
    html = published[2].read_text(encoding="utf-8")
    tree = LexborHTMLParser(html)
    assert not tree.css("link[rel=stylesheet], script[src], img, iframe, object, embed")
    assert not re.search(r"url\(|@import", html)
    # Links leave the page only for the source pages, on the inspectorate's site.
    external = [a for a in tree.css("a[href]") if not a.attributes["href"].startswith("#")]
    assert external and all(
        a.attributes["href"].startswith("https://hmicfrs.justiceinspectorates.gov.uk/")
        and "noopener" in a.attributes["rel"]
        for a in external
    )


def test_report_page_lists_changes_coverage_and_issues_with_source_links(published) -> None:
    _, tables, report = published
    tree = LexborHTMLParser(report.read_text(encoding="utf-8"))
    changes = tree.css("#changes tbody tr[data-force]")
    assert len(changes) == min(len(tables["changes"]), 60) > 0
    assert all(row.css_first("a[href^=http]") for row in changes if row.attributes["data-force"] != "")
    coverage = {row.css_first("th").text(): row.css("td")[1].text() for row in tree.css("#coverage tbody tr")}
    found_2017 = len({a["force_id"] for a in tables["assessments"] if a["cycle_id"] == "2017"})
    assert coverage["PEEL 2017"] == f"{found_2017} of 43"
    assert f"{len(tables['parse_issues'])} issues" in tree.css_first("#issues p").text()
    history = tree.css_first("#force-staffordshire table").text()
    assert "requires improvement" in history and "good" in history


def test_report_page_escapes_what_pages_print(tmp_path: Path) -> None:
    from peelpipe.warehouse.report_page import render_report_page

    tables = {
        name: [] for name in ("forces", "cycles", "judgements", "assessments", "findings", "changes", "parse_issues")
    }
    tables["forces"] = [
        {
            "force_id": "testshire",
            "name": "Testshire <script>alert(1)</script> (synthetic)",
            "region": "Test",
            "country": "England",
        }
    ]
    tables["parse_issues"] = [
        {
            "force_id": "testshire",
            "cycle_id": "2017",
            "severity": "error",
            "reason": "unknown_grade",
            "detail": '<img src=x onerror="alert(1)">',
            "source_url": "javascript:alert(1)",
        }
    ]
    html = render_report_page(tables, {"snapshot_id": "s1", "tables": {}})
    tree = LexborHTMLParser(html)
    assert len(tree.css("script")) == 1 and not tree.css("img")
    assert not tree.css('a[href^="javascript"]')


def test_report_page_in_headless_chromium(published, tmp_path: Path) -> None:
    report = published[2]
    with Browser(tmp_path / "profile") as browser:
        browser.viewport(1400, 1000)
        browser.open(report.as_uri())
        visible_rows = (
            "[...document.querySelectorAll('.matrix tbody tr')].filter(r => !r.hidden).map(r => r.dataset.force)"
        )
        assert len(browser.js(visible_rows)) == 43
        cell = (
            "document.querySelector('.matrix tr[data-force=staffordshire] td[data-cycle=\"{}\"][data-area=effectiveness] span[aria-hidden]')"
            ".innerText.trim()"
        )
        assert browser.js(cell.format("2016")) == "RI"
        assert browser.js(cell.format("2017")) == "Good"
        browser.screenshot(tmp_path / "report-desktop.png")

        # Keyboard: the first Tab reaches the skip link, which leads to the matrix.
        browser.press("Tab", 9)
        assert browser.js("document.activeElement.textContent") == "Skip to the grade matrix"

        # Typing part of a name leaves that force everywhere on the page, and says so.
        browser.js("document.getElementById('force-filter').focus()")
        browser.type_text("Stafford")
        assert browser.js(visible_rows) == ["staffordshire"]
        assert browser.js("document.getElementById('filter-status').textContent") == "Showing 1 of 43 forces."
        assert browser.js("[...document.querySelectorAll('section.history')].filter(s => !s.hidden).length") == 1
        assert "force=Stafford" in browser.js("location.hash")
        browser.screenshot(tmp_path / "report-filtered.png")

        # The region filter alone: the four Welsh forces.
        browser.js("document.getElementById('filter-reset').click()")
        browser.js(
            "const r = document.getElementById('region-filter'); r.value = 'Wales';r.dispatchEvent(new Event('change'))"
        )
        assert set(browser.js(visible_rows)) == WELSH_FORCES
        hidden_changes = browser.js(
            "[...document.querySelectorAll('#changes tr[data-force]')]"
            ".filter(r => !r.hidden).map(r => r.dataset.region)"
        )
        assert set(hidden_changes) <= {"Wales"}

        # A force's name in the matrix opens its history, from the keyboard too.
        browser.js("document.getElementById('filter-reset').click()")
        browser.js("document.querySelector('.matrix a[href=\"#force-staffordshire\"]').focus()")
        browser.press("Enter", 13, "\r")
        assert browser.wait_for("document.querySelector('#force-staffordshire details').open") is True

        # On a phone: the page itself does not scroll sideways (the matrix scrolls in its box).
        browser.viewport(390, 844, mobile=True)
        assert browser.js("document.documentElement.scrollWidth <= window.innerWidth + 1")
        shot = browser.screenshot(tmp_path / "report-phone.png")
    assert shot.stat().st_size > 10_000
