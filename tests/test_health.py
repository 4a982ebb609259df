"""Grade shortfall: pages that read fewer grades than they promise, recorded per run and alerted once."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from httpsim import Reply, ScriptedServer
from sites import local_catalogue, write_page

from peelpipe import pipeline
from peelpipe.alerts.runs import short_families
from peelpipe.config import load, load_settings
from peelpipe.errors import ConfigError
from peelpipe.models import FETCHED, NOT_FOUND, FetchResult, Observation, PageRef, ParsedPage
from peelpipe.parse import parse_page
from peelpipe.report import cycle_line, run_summary_text, status_text
from peelpipe.samplesite import SITE_ROOT, serve_site
from peelpipe.transform.build import PageOutcome
from peelpipe.transform.health import (
    grade_shortfall,
    over_threshold,
    parse_shortfall,
    promised_grades,
    shortfall_text,
)
from peelpipe.urls import page_for_url

TITLE = "peelpipe: 2023-25/report pages read fewer grades than they promise"


def outcome(
    cycle: str,
    kind: str,
    graded: int,
    facts: dict[str, str] | None = None,
    *,
    other: int = 0,
    readable: bool = True,
    reused: bool = False,
    fetched: str = FETCHED,
    n: int = 0,
) -> PageOutcome:
    """A synthetic page of the testshire force: `graded` graded observations, `other` pending ones."""
    path = f"/synthetic/{cycle}/{kind}/{n}/"
    page = PageRef("testshire", cycle, kind, None, path, "https://example.invalid" + path)
    observations = [Observation(f"area-{i}", f"Area {i}", "area", "good", "graded", "label") for i in range(graded)]
    observations += [Observation(f"later-{i}", f"Later {i}", "area", None, "pending", "label") for i in range(other)]
    parsed = ParsedPage(page, kind, f"{kind}/1", readable=readable, observations=observations, facts=facts or {})
    return PageOutcome(page, FetchResult(page.url, fetched), None if reused or fetched != FETCHED else parsed, reused)


def test_shortfall_per_family_counts_only_pages_that_state_a_count() -> None:
    outcomes = [
        outcome("2017", "pillar", 5, {"grades_promised": "5"}, n=1),  # as promised
        outcome("2017", "pillar", 3, {"grades_promised": "5"}, other=2, n=2),  # pending rows are not grades
        outcome("2017", "pillar", 4, n=3),  # no promise: in neither number
        outcome("2017", "pillar", 0, {"grades_promised": "5"}, reused=True, n=4),  # not re-read
        outcome("2017", "pillar", 0, {"grades_promised": "5"}, fetched=NOT_FOUND, n=5),
        outcome("2017", "landing", 3, {"grades_promised": "three"}, n=6),  # not a number: no promise
        outcome("2023-25", "report", 9, {"areas_graded": "8"}, n=7),  # an area added later: not short
        outcome("2023-25", "report", 7, {"areas_graded": "8"}, n=8),  # the intro count stands in
        outcome("2023-25", "report", 8, {"grades_promised": "10", "areas_graded": "8"}, n=9),  # grades_promised wins
        outcome("2023-25", "report", 0, {"areas_graded": "8"}, readable=False, n=10),  # rows unreadable
    ]
    shortfall = grade_shortfall(outcomes)
    assert shortfall == {"2017/pillar": (1, 2), "2023-25/report": (3, 4)}
    assert shortfall_text(shortfall) == "2017/pillar=1/2,2023-25/report=3/4"
    assert parse_shortfall(shortfall_text(shortfall)) == shortfall
    assert parse_shortfall("2017/pillar=1/2,nonsense,=1/2,2018-19/landing=x/3") == {"2017/pillar": (1, 2)}
    assert parse_shortfall(None) == parse_shortfall("") == {} and grade_shortfall([]) == {}
    assert promised_grades(outcomes[5].parsed) is None  # type: ignore[arg-type]


def test_threshold_share_and_minimum_pages() -> None:
    assert over_threshold(1, 5, 0.2, 3) and over_threshold(3, 10, 0.3, 3)
    assert not over_threshold(1, 6, 0.2, 3) and not over_threshold(0, 5, 0.2, 1)
    assert not over_threshold(2, 2, 0.2, 3)  # too few pages to say
    assert over_threshold(1, 1, 1.0, 1)


def test_an_ongoing_shortfall_is_told_once() -> None:
    def runs(*shortfalls: str) -> list[dict]:
        return [
            {"started_at": datetime(2026, 11, day, tzinfo=UTC), "grade_shortfall": text}
            for day, text in enumerate(shortfalls, start=1)
        ]

    def told(*shortfalls: str) -> list[tuple[str, int, int]]:
        return short_families(runs(*shortfalls), 0.2, 3)

    assert told("2023-25/report=0/40", "2023-25/report=40/40,2017/pillar=0/6") == [("2023-25/report", 40, 40)]
    assert told("2023-25/report=40/40") == [("2023-25/report", 40, 40)]  # the first run ever
    assert told("2023-25/report=40/40", "") == []  # nothing re-read: nothing measured
    assert told("2023-25/report=40/40", "", "2023-25/report=3/3") == []  # the same shortfall, still going
    assert told("2023-25/report=40/40", "2023-25/report=1/1", "2023-25/report=3/3") == []  # 1 page says nothing
    assert told("2023-25/report=40/40", "2023-25/report=0/40", "2023-25/report=3/3") == [("2023-25/report", 3, 3)]
    assert told("2017/pillar=1/10", "2017/pillar=2/3") == [("2017/pillar", 2, 3)]  # crossed it now
    assert told("2023-25/report=2/2") == []  # under the minimum number of pages
    assert short_families([], 0.2, 3) == []
    assert told("2023-25/report=0/40", None) == []  # type: ignore[arg-type]  # a row from before the column


def test_settings_validate_the_threshold(tmp_path: Path) -> None:
    config = Path(__file__).resolve().parents[1] / "config"
    settings = load_settings(config, environ={"PEELPIPE_HEALTH_SHORTFALL_SHARE": "0.5"})
    assert settings.health_shortfall_share == 0.5 and settings.health_shortfall_min_pages == 3
    for name, value in [("SHARE", "0"), ("SHARE", "1.5"), ("SHARE", "nan"), ("SHARE", "many"), ("MIN_PAGES", "0")]:
        with pytest.raises(ConfigError, match="health_shortfall"):
            load_settings(config, environ={f"PEELPIPE_HEALTH_SHORTFALL_{name}": value})


def test_the_sample_site_and_its_grades_raise_no_shortfall() -> None:
    catalogue = load({})
    outcomes = []
    for file in sorted(SITE_ROOT.rglob("index.html")):
        ref = page_for_url(catalogue.settings.base_url + "/" + str(file.parent.relative_to(SITE_ROOT)) + "/", catalogue)
        if ref is not None:
            parsed = parse_page(file.read_text(), ref, catalogue)
            outcomes.append(PageOutcome(ref, FetchResult(ref.url, FETCHED), parsed))
    shortfall = grade_shortfall(outcomes)
    assert shortfall and all(short == 0 for short, _ in shortfall.values()), shortfall


AREAS = [
    "Recording data about crime",
    "Treatment of the public",
    "Preventing crime",
    "Responding to the public",
    "Investigating crime",
    "Protecting vulnerable people",
    "Managing offenders and suspects",
    "Disrupting serious organised crime",
    "Developing a positive workplace",
    "Leadership and force management",
]


def report(readable: int) -> str:
    """A synthetic 2023-25 report page for testshire: its intro promises ten grades; the first
    `readable` rows print a grade word, the rest only an icon with no text (a redesign)."""
    rows = "".join(
        f"<tr><td>{area}</td><td>"
        + ("Good" if i < readable else '<span class="grade-icon grade-2" aria-hidden="true"></span>')
        + "</td></tr>"
        for i, area in enumerate(AREAS)
    )
    return (
        "<!DOCTYPE html><html><head><title>PEEL 2023-25: Testshire Constabulary</title></head><body>"
        "<p>Synthetic test page (peelpipe tests).</p><h1>PEEL 2023-25: Testshire Constabulary</h1>"
        "<p>Our inspection assessed how good Testshire Constabulary is in 10 areas of policing. "
        "We make graded judgments in 10 of these 10 as follows:</p>"
        f"<h2>Our judgments</h2><table><tr><th>Area</th><th>Grade</th></tr>{rows}</table></body></html>"
    )


def run_site(tmp_path: Path, pages: list[str]) -> tuple[list[str], list[dict], list[str]]:
    """Serve the report page as each of `pages` in turn, one scheduled run each, alerts to a local
    receiver. Returns the health alert titles, the runs rows and the run summaries."""
    root = tmp_path / "site"
    (root / "robots.txt").parent.mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    texts = []
    with ScriptedServer() as receiver, serve_site(root) as site:
        receiver.route("/hook", Reply(200, b"ok"))
        hook = f"json://127.0.0.1:{receiver.url.rsplit(':', 1)[1]}/hook"
        catalogue = local_catalogue(
            tmp_path, site.url, synthetic=True, alert_urls=(hook,), health_shortfall_min_pages=1
        )
        for html in pages:
            write_page(root, "/peel-reports/testshire-2023-25/", html)
            summary = pipeline.run_pipeline(
                catalogue, ["2023-25"], ["testshire"], mode="run", announce=True, alerts=True
            )
            texts.append(run_summary_text(summary, catalogue))
        titles = [json.loads(r.body)["title"] for r in receiver.requests_to("/hook")]
        wh = pipeline.open_warehouse(catalogue)
        runs = sorted(wh.read_table("runs"), key=lambda r: r["started_at"])
        texts.append(status_text(catalogue, wh.manifest(), wh.read_all()))
    return [t for t in titles if "grades" in t or "parsing" in t], runs, texts


def test_a_redesigned_report_page_raises_one_health_alert(tmp_path: Path) -> None:
    # Day 1: the page promises ten grades and shows six; day 2: unchanged (not re-read); day 3: still short.
    titles, runs, texts = run_site(tmp_path, [report(6), report(6), report(5)])
    assert titles == [TITLE]
    assert [r["grade_shortfall"] for r in runs] == ["2023-25/report=1/1", "", "2023-25/report=1/1"]
    assert "pages that read fewer grades than they promise: 2023-25/report 1 of 1 pages" in texts[0]
    assert "fewer grades" not in texts[1]
    assert "fewer grades than promised: 2023-25/report 1 of 1 pages" in texts[-1]


def test_a_healthy_report_page_raises_none(tmp_path: Path) -> None:
    titles, runs, texts = run_site(tmp_path, [report(10)])
    assert titles == []
    assert [r["grade_shortfall"] for r in runs] == ["2023-25/report=0/1"]
    assert "fewer grades" not in texts[0] and "fewer grades" not in texts[-1]


def test_the_cycle_line_names_pages_short() -> None:
    assert cycle_line("2023-25", {"pages_parsed": 3}).endswith("0 parse issues")
    assert cycle_line("2023-25", {"pages_parsed": 3, "pages_short": 2}).endswith(
        "0 parse issues, 2 pages short of their promised grades"
    )
