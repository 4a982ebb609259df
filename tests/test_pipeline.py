"""The whole pipeline without Prefect, over real HTTP: sample site, re-runs, bad pages, faults."""

from __future__ import annotations

import tomllib
from datetime import UTC
from pathlib import Path

import pytest
from conftest import ROOT
from sites import landing_page, local_catalogue, pillar_page, write_page

from peelpipe import pipeline
from peelpipe.errors import SiteRefusedError
from peelpipe.replay import replay
from peelpipe.report import run_summary_text
from peelpipe.samplesite import SITE_ROOT, serve_site

ALL_CYCLES = ["2014", "2015", "2016", "2017", "2018-19", "2021-22", "2023-25", "2025-27"]
SAMPLE_PAGES = len(
    [
        p
        for p in SITE_ROOT.rglob("index.html")
        if p.parent.parent.name in ("peel-reports", "peel-2014", "peel-2015", "peel-2016", "peel-2017", "peel-2018")
        or p.parent.name in ("effectiveness", "efficiency", "legitimacy")
    ]
)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """One backfill of the whole bundled sample site, then a second identical backfill."""
    tmp = tmp_path_factory.mktemp("sample")
    with serve_site() as site:
        catalogue = local_catalogue(tmp, site.url)
        first = pipeline.run_pipeline(catalogue, ALL_CYCLES, list(catalogue.forces))
        wh = pipeline.open_warehouse(catalogue)
        tables_first = wh.read_all()
        second = pipeline.run_pipeline(catalogue, ALL_CYCLES, list(catalogue.forces))
        tables_second = wh.read_all()
    return catalogue, first, second, tables_first, tables_second


def grade_of(tables, force, cycle, area):
    rows = [j for j in tables["judgements"] if (j["force_id"], j["cycle_id"], j["area_id"]) == (force, cycle, area)]
    assert len(rows) <= 1
    return rows[0]["grade"] if rows else None


def test_staffordshire_pillar_grades_2015_to_2018_19(sample_run) -> None:
    # Real published grades (HMICFRS PEEL pages): RI/G/G, RI/G/G, G/G/G, G/G/G.
    _, _, _, tables, _ = sample_run
    expected = {
        "2015": ("requires_improvement", "good", "good"),
        "2016": ("requires_improvement", "good", "good"),
        "2017": ("good", "good", "good"),
        "2018-19": ("good", "good", "good"),
    }
    for cycle, grades in expected.items():
        got = tuple(grade_of(tables, "staffordshire", cycle, p) for p in ("effectiveness", "efficiency", "legitimacy"))
        assert got == grades, cycle
    q = {
        j["area_id"]: (j["grade"], j["grade_status"], j["grade_source"])
        for j in tables["judgements"]
        if j["force_id"] == "staffordshire" and j["cycle_id"] == "2017" and j["area_id"].startswith("effectiveness.")
    }
    assert q["effectiveness.protecting-vulnerable"] == ("requires_improvement", "graded", "label")
    assert q["effectiveness.preventing-crime"][:2] == ("good", "graded")
    assert q["effectiveness.specialist-capabilities"][1] == "ungraded"


def test_staffordshire_2016_to_2017_effectiveness_upgrade(sample_run) -> None:
    _, _, _, tables, _ = sample_run
    ups = [
        c
        for c in tables["changes"]
        if c["change_type"] == "upgrade" and c["force_id"] == "staffordshire" and c["area_id"] == "effectiveness"
    ]
    assert [(c["from_cycle_id"], c["to_cycle_id"], c["from_grade"], c["to_grade"]) for c in ups] == [
        ("2016", "2017", "requires_improvement", "good")
    ]
    assert ups[0]["announce"] is False  # a backfill records changes but does not announce them


def test_every_real_grade_on_the_sample_site_is_read(sample_run) -> None:
    _, _, _, tables, _ = sample_run
    facts = tomllib.loads((ROOT / "tools" / "samplesite" / "facts.toml").read_text())["grade"]
    wrong = [
        (f["force"], f["cycle"], f["area"], f["grade"], grade_of(tables, f["force"], f["cycle"], f["area"]))
        for f in facts
        if grade_of(tables, f["force"], f["cycle"], f["area"]) != f["grade"]
    ]
    assert not wrong and len(facts) > 300
    graded = [j for j in tables["judgements"] if j["grade"] is not None]
    assert len(graded) == len(facts)  # nothing invented beyond the published grades


def test_no_upgrade_or_downgrade_across_a_framework_change(sample_run) -> None:
    _, _, _, tables, _ = sample_run
    across = [
        c
        for c in tables["changes"]
        if (c["from_cycle_id"], c["to_cycle_id"]) in (("2018-19", "2021-22"), ("2021-22", "2023-25"))
    ]
    assert across and {c["change_type"] for c in across} == {"not_comparable"}
    assert all(c["comparable"] is False and c["from_grade"] and c["to_grade"] for c in across)


def test_the_published_correction_is_detected_and_dated_when_seen(tmp_path: Path) -> None:
    from peelpipe.samplesite import UPDATES_ROOT

    with serve_site() as site:
        catalogue = local_catalogue(tmp_path, site.url)
        pipeline.run_pipeline(catalogue, ["2023-25"], ["northamptonshire"])
    with serve_site(overlays=[UPDATES_ROOT]) as site:
        catalogue = local_catalogue(tmp_path, site.url)
        run = pipeline.run_pipeline(catalogue, ["2023-25"], ["northamptonshire"], mode="run", announce=True)
    assert [(c["change_type"], c["area_id"], c["from_grade"], c["to_grade"]) for c in run.changes] == [
        ("correction", "responding-to-the-public", "adequate", "requires_improvement")
    ]
    from datetime import datetime, timedelta

    # dated by when peelpipe saw it (now), not by the page's publication date
    assert datetime.now(UTC) - run.changes[0]["detected_at"] < timedelta(minutes=5)


def test_coverage_and_absent_pages(sample_run) -> None:
    catalogue, first, _, tables, _ = sample_run
    planned = 43 * (5 * 4 + 3)  # four pages per force in each pillar cycle, one report page in each area cycle
    assert first.stats["pages_parsed"] == SAMPLE_PAGES
    assert first.stats["pages_not_found"] == planned - SAMPLE_PAGES
    landings = {p.parent for p in SITE_ROOT.rglob("index.html") if p.parent.parent.name.startswith("peel-20")}
    reports = list((SITE_ROOT / "peel-reports").glob("*/index.html"))
    assert len(tables["assessments"]) == len(landings) + len(reports)
    assert {r["status"] for r in tables["pages"]} == {"parsed", "not_found"}
    assert not [i for i in tables["parse_issues"] if i["severity"] == "error"]
    assert first.skipped_cycles == []


def test_rerunning_the_same_backfill_is_idempotent_and_cheap(sample_run) -> None:
    _, first, second, before, after = sample_run
    for name in ("judgements", "observations", "findings", "assessments", "changes", "pages"):
        assert len(after[name]) == len(before[name]), name
    key = lambda r: (r["force_id"], r["cycle_id"], r["area_id"])  # noqa: E731
    strip = lambda r: {k: v for k, v in r.items() if k != "last_seen_at"}  # noqa: E731
    assert sorted(map(strip, after["judgements"]), key=key) == sorted(map(strip, before["judgements"]), key=key)
    assert second.changes == []
    assert second.stats["not_modified"] == SAMPLE_PAGES and second.stats["pages_parsed"] == 0
    assert second.stats["pages_reused"] == SAMPLE_PAGES
    assert second.stats["bytes_downloaded"] < first.stats["bytes_downloaded"] / 10
    assert len(after["runs"]) == 2


def synthetic_site(tmp_path: Path) -> Path:
    """A site for the synthetic force: a good 2017 landing page and efficiency page."""
    root = tmp_path / "site"
    (root).mkdir()
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    write_page(
        root,
        "/peel-assessments/peel-2017/testshire/",
        landing_page(
            "Testshire 2017",
            [
                "The extent to which the constabulary is effective at keeping people safe and reducing crime is good.",
                "The extent to which the constabulary is efficient at keeping people safe and reducing crime is good.",
                "The extent to which the constabulary is legitimate at keeping people safe and reducing crime is good.",
            ],
        ),
    )
    write_page(
        root,
        "/peel-assessments/peel-2017/testshire/efficiency/",
        pillar_page(
            "Testshire PEEL 2017",
            [
                ("How efficient is the force at keeping people safe and reducing crime?", "Good", "It is good."),
                ("How well does the force understand demand?", "Good", "Testshire Constabulary is good at this."),
                ("How well is the force planning for the future?", "Requires improvement", "More to do."),
            ],
        ),
    )
    return root


def test_bad_pages_are_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    root = synthetic_site(tmp_path)
    write_page(
        root,
        "/peel-assessments/peel-2017/testshire/effectiveness/",
        pillar_page(
            "Testshire PEEL 2017",
            [
                ("How effective is the force at keeping people safe and reducing crime?", "Satisfactory", "Fine."),
                ("How effective is the force at investigating crime and reducing re-offending?", "Good", "Good work."),
            ],
        ),
    )
    truncated = pillar_page(
        "Testshire PEEL 2017",
        [("How legitimate is the force at keeping people safe and reducing crime?", "Good", "It is good.")],
    )
    write_page(root, "/peel-assessments/peel-2017/testshire/legitimacy/", truncated[: len(truncated) // 2])
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        summary = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
        tables = pipeline.open_warehouse(catalogue).read_all()
    issues = {(i["source_url"].split("/")[-2], i["reason"]) for i in tables["parse_issues"]}
    assert ("effectiveness", "unknown_grade") in issues
    assert ("legitimacy", "truncated") in issues
    grades = {j["area_id"]: j["grade"] for j in tables["judgements"]}
    assert grades["effectiveness.investigating-crime"] == "good"
    assert grades["efficiency.planning-for-future"] == "requires_improvement"
    # The unreadable effectiveness grade is not guessed: only the landing page's headline stands.
    eff = next(j for j in tables["judgements"] if j["area_id"] == "effectiveness")
    assert (eff["grade"], eff["grade_source"], eff["observations"]) == ("good", "headline", 1)
    assert summary.stats["pages_unreadable"] == 1


def test_landing_and_pillar_disagreement_keeps_both_and_flags_it(tmp_path: Path) -> None:
    root = synthetic_site(tmp_path)
    write_page(
        root,
        "/peel-assessments/peel-2017/testshire/efficiency/",
        pillar_page(
            "Testshire PEEL 2017",
            [("How efficient is the force at keeping people safe and reducing crime?", "Requires improvement", "Hmm.")],
        ),
    )
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
        tables = pipeline.open_warehouse(catalogue).read_all()
    eff = next(j for j in tables["judgements"] if j["area_id"] == "efficiency")
    assert eff["conflict"] is True and eff["grade"] == "requires_improvement" and eff["observations"] == 2
    assert "landing page (headline): good" in eff["conflict_detail"]
    observed = sorted((o["page_kind"], o["grade"]) for o in tables["observations"] if o["area_id"] == "efficiency")
    assert observed == [("landing", "good"), ("pillar", "requires_improvement")]
    assert any(i["reason"] == "pages_disagree" for i in tables["parse_issues"])


def test_a_correction_on_a_published_page_is_detected_once(tmp_path: Path) -> None:
    root = synthetic_site(tmp_path)
    fixed = tmp_path / "fixed"
    write_page(
        fixed,
        "/peel-assessments/peel-2017/testshire/efficiency/",
        pillar_page(
            "Testshire PEEL 2017",
            [
                ("How efficient is the force at keeping people safe and reducing crime?", "Good", "It is good."),
                ("How well does the force understand demand?", "Inadequate", "Corrected."),
                ("How well is the force planning for the future?", "Requires improvement", "More to do."),
            ],
        ),
    )
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
    with serve_site(root, overlays=[fixed]) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        run = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run", announce=True)
        again = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run", announce=True)
    assert [(c["change_type"], c["area_id"], c["from_grade"], c["to_grade"], c["announce"]) for c in run.changes] == [
        ("correction", "efficiency.understanding-demand", "good", "inadequate", True)
    ]
    assert again.changes == []


def test_a_403_stops_the_run_and_leaves_the_warehouse_untouched(tmp_path: Path) -> None:
    from httpsim import Reply, ScriptedServer

    root = synthetic_site(tmp_path)
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
    wh = pipeline.open_warehouse(catalogue)
    before = (wh.root / "CURRENT").read_text()
    with ScriptedServer() as blocked:
        blocked.route("/robots.txt", Reply(404))
        blocked.route("/peel-assessments/peel-2017/testshire/", Reply(403, b"Access denied"))
        catalogue = local_catalogue(tmp_path, blocked.url, synthetic=True)
        with pytest.raises(SiteRefusedError, match="403"):
            pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
    assert (wh.root / "CURRENT").read_text() == before
    assert not (wh.root / ".lock").exists()


def test_a_crash_mid_run_publishes_nothing_and_the_next_run_completes(tmp_path: Path, monkeypatch) -> None:
    root = synthetic_site(tmp_path)
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
        wh = pipeline.open_warehouse(catalogue)
        before = wh.manifest()
        judged = sorted((j["area_id"], j["grade"]) for j in wh.read_table("judgements"))
        real = pipeline.read_page
        calls = {"n": 0}

        def crash(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyboardInterrupt
            return real(*args, **kwargs)

        monkeypatch.setattr(pipeline, "read_page", crash)
        with pytest.raises(KeyboardInterrupt):
            pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run")
        assert wh.manifest() == before and not (wh.root / ".lock").exists()
        monkeypatch.setattr(pipeline, "read_page", real)
        after = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run")
    assert after.changes == []
    assert sorted((j["area_id"], j["grade"]) for j in wh.read_table("judgements")) == judged
    assert len(wh.read_table("runs")) == 2  # the crashed run left no trace in the tables


def test_replay_rebuilds_from_the_archive_without_the_network(tmp_path: Path) -> None:
    root = synthetic_site(tmp_path)
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
    wh = pipeline.open_warehouse(catalogue)
    before = wh.read_all()
    offline = local_catalogue(tmp_path, "http://127.0.0.1:9", synthetic=True)  # nothing listens there
    summary = replay(offline)
    after = wh.read_all()
    for name in before:
        if name != "runs":  # every table but the run log is the same, row for row
            assert sorted(map(repr, after[name])) == sorted(map(repr, before[name])), name
    assert before["judgements"] and before["parse_issues"] is not None
    assert summary.stats["pages_parsed"] == 2 and after["runs"][-1]["mode"] == "replay"


def test_a_page_that_turns_into_a_cookie_wall_loses_nothing(tmp_path: Path) -> None:
    root = synthetic_site(tmp_path)
    wall = tmp_path / "wall"
    write_page(
        wall,
        "/peel-assessments/peel-2017/testshire/efficiency/",
        "<html><head><title>Cookies on this site</title></head><body><h1>Cookies on this site</h1>"
        "<p>We use some essential cookies to make this website work.</p><button>Accept</button></body></html>",
    )
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
    wh = pipeline.open_warehouse(catalogue)
    before = sorted((j["area_id"], j["grade"]) for j in wh.read_table("judgements"))
    with serve_site(root, overlays=[wall]) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        summary = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run")
    assert sorted((j["area_id"], j["grade"]) for j in wh.read_table("judgements")) == before
    assert summary.changes == [] and summary.stats["pages_unreadable"] == 1
    issue = next(i for i in wh.read_table("parse_issues") if i["reason"] == "not_peel_page")
    assert issue["source_url"].endswith("/peel-2017/testshire/efficiency/") and "Cookies" in issue["detail"]
    page = next(p for p in wh.read_table("pages") if p["source_url"] == issue["source_url"])
    assert page["status"] == "unreadable"


def test_a_carried_over_question_takes_the_grade_it_carries_over(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_page(
        root,
        "/peel-assessments/peel-2017/testshire/effectiveness/",
        pillar_page(
            "Testshire PEEL 2017",
            [
                ("How effective is the force at keeping people safe and reducing crime?", "Good", "Good overall."),
                ("How effective is the force at tackling serious and organised crime?", "Outstanding", "Very well."),
            ],
        ),
    )
    write_page(
        root,
        "/peel-assessments/peel-2018/testshire/effectiveness/",
        pillar_page(
            "Testshire PEEL 2018",
            [
                ("How effectively does the force reduce crime and keep people safe?", "Good", "Good overall."),
                (
                    "How effective is the force at tackling serious and organised crime?",
                    None,
                    "This question was not subject to detailed inspection in 2018/19, and our judgment from the 2017 "
                    "effectiveness inspection has been carried over.",
                ),
            ],
        ),
    )
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ["2017", "2018-19"], ["testshire"])
        tables = pipeline.open_warehouse(catalogue).read_all()
    soc = next(
        j
        for j in tables["judgements"]
        if (j["cycle_id"], j["area_id"]) == ("2018-19", "effectiveness.serious-organised-crime")
    )
    assert (soc["grade"], soc["grade_status"], soc["grade_source"]) == ("outstanding", "graded", "carried_over")
    assert any(i["reason"] == "carried_over_without_grade" for i in tables["parse_issues"])


def test_index_pages_bring_in_welsh_copies_without_double_counting(tmp_path: Path) -> None:
    from sites import report_page

    root = tmp_path / "site"
    rows = [("Responding to the public", "Good"), ("Investigating crime", "Adequate")]
    write_page(
        root,
        "/peel-reports/testshire-2023-25/",
        report_page("PEEL 2023\u20132025 Testshire", rows, intro=("three", "two")),
    )
    write_page(
        root,
        "/peel-reports/heddlu-testshire-2023-25/",
        report_page(
            "AHGTh 2023\u20132025 Testshire",
            [("Responding to the public", "Da"), ("Investigating crime", "Digonol")],
            heading="Ein dyfarniadau",
        ),
    )
    write_page(
        root,
        "/peel-assessments/",
        "<html><body><h1>PEEL assessments</h1><ul>"
        "<li><a href='/peel-reports/testshire-2023-25/'>Testshire 2023-25</a></li>"
        "<li><a href='https://hmicfrs.justiceinspectorates.gov.uk/peel-reports/heddlu-testshire-2023-25'>Cymraeg</a></li>"
        "<li><a href='/news/'>News</a></li></ul></body></html>",
    )
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True, index_pages=("/peel-assessments/",))
        summary = pipeline.run_pipeline(catalogue, ["2023-25"], ["testshire"])
        tables = pipeline.open_warehouse(catalogue).read_all()
    assert summary.stats["pages_parsed"] == 2
    assert [(a["force_id"], a["cycle_id"], a["pages_found"]) for a in tables["assessments"]] == [
        ("testshire", "2023-25", 2)
    ]
    judged = {
        j["area_id"]: (j["grade"], j["observations"], j["conflict"], j["source_url"].split("/")[-2])
        for j in tables["judgements"]
    }
    assert judged == {
        "responding-to-the-public": ("good", 2, False, "testshire-2023-25"),
        "investigating-crime": ("adequate", 2, False, "testshire-2023-25"),
    }
    facts = {p["source_url"].split("/")[-2]: p["facts"] for p in tables["pages"]}
    assert '"language": "cy"' in facts["heddlu-testshire-2023-25"]


def test_a_reworded_finding_on_a_published_report_is_recorded(tmp_path: Path) -> None:
    from sites import report_page

    def page(afi: str) -> str:
        html = report_page(
            "PEEL 2023\u20132025 Testshire", [("Responding to the public", "Adequate")], intro=("two", "one")
        )
        return html.replace(
            "</body>", f"<h2>Responding to the public</h2><h3>Area for improvement</h3><p>{afi}</p></body>"
        )

    root, fixed = tmp_path / "site", tmp_path / "fixed"
    write_page(root, "/peel-reports/testshire-2023-25/", page("The constabulary should answer 101 calls sooner."))
    write_page(
        fixed, "/peel-reports/testshire-2023-25/", page("The constabulary should answer 101 and 999 calls sooner.")
    )
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ["2023-25"], ["testshire"])
    with serve_site(root, overlays=[fixed]) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        run = pipeline.run_pipeline(catalogue, ["2023-25"], ["testshire"], mode="run", announce=True)
    assert [(c["change_type"], c["area_id"]) for c in run.changes] == [("findings_changed", "responding-to-the-public")]
    findings = pipeline.open_warehouse(catalogue).read_table("findings")
    assert [f["text"] for f in findings] == ["The constabulary should answer 101 and 999 calls sooner."]


def test_a_scheduled_run_refreshes_open_cycles_and_a_rolling_slice_of_closed_ones(catalogue) -> None:
    from datetime import datetime, timedelta

    from peelpipe.config import with_settings

    catalogue = with_settings(catalogue, refresh_closed_days=28)
    refs = pipeline.plan_pages(catalogue, ["2016", "2017", "2025-27"], list(catalogue.forces))
    now = datetime(2026, 11, 27, tzinfo=UTC)
    closed = [r for r in refs if r.cycle_id in ("2016", "2017")]
    # every closed page fetched yesterday, except two: one fetched 40 days ago, one never
    previous = {r.url: {"fetched_at": now - timedelta(days=1)} for r in closed[2:]}
    previous[closed[0].url] = {"fetched_at": now - timedelta(days=40)}
    chosen = pipeline.select_refresh(catalogue, refs, previous, now)
    assert [r for r in chosen if r.cycle_id == "2025-27"] == [r for r in refs if r.cycle_id == "2025-27"]
    picked = [r for r in chosen if r.cycle_id != "2025-27"]
    assert len(picked) == -(-len(closed) // 28)  # 344 closed pages: 13 a day
    assert closed[1] in picked and closed[0] in picked  # never fetched, then the oldest first
    # Daily runs for 28 days check every closed page at least once.
    seen: set[str] = set()
    for day in range(28):
        today = now + timedelta(days=day)
        for ref in pipeline.select_refresh(catalogue, closed, previous, today):
            previous[ref.url] = {"fetched_at": today}
            seen.add(ref.url)
    assert seen == {r.url for r in closed}


def test_the_request_budget_caps_a_whole_run(tmp_path: Path) -> None:
    with serve_site() as site:
        catalogue = local_catalogue(tmp_path, site.url, max_requests=10)
        summary = pipeline.run_pipeline(catalogue, ["2017"], ["staffordshire", "metropolitan", "kent"])
    assert summary.stats["requests"] == 10
    assert summary.stats["pages_over_budget"] == 12 - 8  # robots.txt and the index page took two of the ten
    assert "request budget reached: 4 pages left" in run_summary_text(summary, catalogue)
    fetched = pipeline.open_warehouse(catalogue).read_table("pages")
    assert len(fetched) == 8 and not pipeline.open_warehouse(catalogue).read_table("parse_issues")


def test_replay_keeps_a_withdrawn_page_withdrawn(tmp_path: Path) -> None:
    root = synthetic_site(tmp_path)
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
    (root / "peel-assessments/peel-2017/testshire/efficiency/index.html").unlink()  # the site withdraws it
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run")
    wh = pipeline.open_warehouse(catalogue)
    before = sorted((j["area_id"], j["grade"]) for j in wh.read_table("judgements"))
    assert ("efficiency.understanding-demand", "good") not in before
    replay(local_catalogue(tmp_path, "http://127.0.0.1:9", synthetic=True))
    assert sorted((j["area_id"], j["grade"]) for j in wh.read_table("judgements")) == before


def test_index_pages_do_not_pull_closed_cycle_pages_past_the_rolling_slice(tmp_path: Path) -> None:
    root = synthetic_site(tmp_path)
    write_page(
        root,
        "/peel-assessments/",
        "<html><body><h1>PEEL</h1>"
        "<a href='/peel-assessments/peel-2017/testshire/efficiency/'>Testshire 2017 efficiency</a></body></html>",
    )
    with serve_site(root) as site:
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True, index_pages=("/peel-assessments/",))
        pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
        catalogue = local_catalogue(
            tmp_path, site.url, synthetic=True, index_pages=("/peel-assessments/",), refresh_closed_days=28
        )
        site.request_log.clear()
        pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run")
        fetched = [path for _, path, _ in site.request_log if path.startswith("/peel-assessments/peel-2017/")]
    assert len(fetched) == 1  # ceil(4 pages / 28 days): the index page's link adds nothing the plan predicts
