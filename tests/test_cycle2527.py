"""PEEL 2025-27 (issue 16, item 1) and carried-over 2018/19 questions (item 2).

2025-27 is open and 2023-25 closed; numbered question headings read like unnumbered ones in every
cycle; a wording no configuration maps is kept under a derived id, listed by `peelpipe status` with
an [[area]] block, and once that block is pasted a replay with no network moves its rows, changes
and alerts to the real id without announcing anything. A carried-over question's printed grade
(label or prose, before or after the sentence) is its grade; with none printed, the earlier
cycle's judgement is used and said so; with none held, there is no grade.

Every page here is synthetic (the synthetic force `testshire`) and says so.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, page_ref
from httpsim import Reply, ScriptedServer
from sites import local_catalogue, pillar_page, report_page, write_page

from peelpipe import pipeline
from peelpipe.cli import main
from peelpipe.config import load_catalogue
from peelpipe.parse import parse_page
from peelpipe.replay import replay
from peelpipe.samplesite import serve_site
from peelpipe.transform.changes import change_id, detect_changes

MY_FIXTURES = [
    FIXTURES / "independent" / "18_testshire_2018_legitimacy_carried_over.html",
    FIXTURES / "independent" / "19_testshire_2018_efficiency_carried_over_no_grade.html",
    FIXTURES / "reports" / "14_testshire_2025_27_numbered_dl_unmapped.html",
    FIXTURES / "reports" / "15_testshire_2025_27_numbered_table.html",
]
NOW = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
TITLE_2025 = "PEEL 2025\u20132027: An inspection of Testshire Constabulary (SYNTHETIC TEST PAGE)"


def parse_fixture(path: Path, catalogue):
    expected = json.loads(path.with_suffix(".expected.json").read_text())
    page = expected["page"]
    ref = page_ref(page["force_id"], page["cycle_id"], page["kind"], page["pillar"], page["path"])
    return parse_page(path.read_bytes(), ref, catalogue), expected


@pytest.mark.parametrize("path", MY_FIXTURES, ids=[p.stem for p in MY_FIXTURES])
def test_independent_pages_carried_over_and_unmapped_keys(path: Path, catalogue) -> None:
    """What the shared fixture test does not check: carried_over, the cycle it names, and that an
    unmapped numbered wording's derived id leaves its number out."""
    parsed, expected = parse_fixture(path, catalogue)
    got = {o.area_id: o for o in parsed.observations}
    for area_id, want in expected["judgements"].items():
        if "carried_over" in want:
            assert got[area_id].carried_over is want["carried_over"], area_id
        if "carried_from_cycle_id" in want:
            assert got[area_id].carried_from == want["carried_from_cycle_id"], area_id
    for obs in parsed.observations:
        assert not obs.area_label[:1].isdigit() and not obs.area_id.split(".")[-1][:1].isdigit(), obs
    assert "SYNTHETIC TEST PAGE" in path.read_text()


def test_2025_27_is_open_2023_25_closed_and_status_says_so(tmp_path: Path, capsys, catalogue) -> None:
    assert catalogue.cycles["2025-27"].status == "open"
    assert catalogue.cycles["2023-25"].status == "closed"
    assert not catalogue.cycles["2025-27"].comparable_with_previous
    (tmp_path / "empty-site").mkdir()
    with serve_site(tmp_path / "empty-site") as site:
        local = local_catalogue(tmp_path, site.url, synthetic=True)
        pipeline.run_pipeline(local, ["2023-25", "2025-27"], ["testshire"])
    assert main(["status", "--warehouse", local.settings.warehouse]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any("PEEL 2023\u20132025" in line and "[closed]" in line for line in lines)
    assert any("PEEL 2025\u20132027" in line and "[open]" in line for line in lines)
    assert not any("unmapped wordings" in line for line in lines)  # none to list


def test_2025_27_is_not_comparable_with_2023_25_until_the_config_says_so(tmp_path: Path, catalogue) -> None:
    def judgement(cycle: str, grade: str) -> dict:
        return {
            "force_id": "testshire",
            "cycle_id": cycle,
            "area_id": "leadership-and-force-management",
            "grade": grade,
            "grade_status": "graded",
            "source_url": "https://example.invalid/",
            "content_sha256": "0" * 64,
        }

    rows = [judgement("2023-25", "good"), judgement("2025-27", "requires_improvement")]
    before = [rows[0]]

    def kinds(cat) -> list[str]:
        found = detect_changes(before, rows, cat, now=NOW, run_id="r", announce=True, known_ids=set())
        return [c["change_type"] for c in found if c["to_cycle_id"] == "2025-27"]

    assert kinds(catalogue) == ["new_assessment", "not_comparable"]
    config = tmp_path / "config"
    (config).mkdir()
    for name in ("forces.toml", "areas.toml", "settings.toml"):
        (config / name).write_text((ROOT / "config" / name).read_text())
    cycles = (ROOT / "config" / "cycles.toml").read_text()
    block = cycles.index('id = "2025-27"')
    flag = cycles.index("comparable_with_previous = false", block)
    (config / "cycles.toml").write_text(
        cycles[:flag] + "comparable_with_previous = true" + cycles[flag + len("comparable_with_previous = false") :]
    )
    assert kinds(load_catalogue(config)) == ["new_assessment", "downgrade"]


def _numbered(label: str, n: int, style: int) -> str:
    return [f"{n}. {label}", f"{n} {label}", f"Question {n}: {label}", f"Q{n} {label}", f"{n}.{label}"][style % 5]


UNMAPPED_QUESTION = "How well does the force look after its synthetic test horses?"
PILLAR_CYCLES = {"2014": "Testshire PEEL 2014", "2015": "Testshire PEEL 2015", "2016": "Testshire PEEL 2016"}
PILLAR_CYCLES |= {"2017": "Testshire PEEL 2017", "2018-19": "Testshire PEEL 2018"}


@pytest.mark.parametrize("cycle", [*PILLAR_CYCLES, "2021-22", "2023-25", "2025-27"])
@pytest.mark.parametrize("style", range(5))
def test_numbered_headings_read_like_unnumbered_ones(cycle: str, style: int, catalogue) -> None:
    """The same page with and without question numbers gives the same judgements: the same ids,
    printed labels and grades, the mapped wordings mapped and an unmapped one under the same id."""
    grades = ["Good", "Requires improvement", "Inadequate", "Outstanding"]
    if cycle in PILLAR_CYCLES:
        areas = [a for a in catalogue.areas_for(cycle, "efficiency") if cycle in a.graded_in]
        ref = page_ref("testshire", cycle, "pillar", "efficiency", "/peel-assessments/x/testshire/efficiency/")
        wordings = [sorted(a.labels)[0].capitalize() for a in areas] + [UNMAPPED_QUESTION]

        def page(numbered: bool) -> str:
            sections = [
                (
                    _numbered(w, i, style) if numbered and i else w,
                    grades[i % 4],
                    "Synthetic summary with no grade in it at all.",
                )
                for i, w in enumerate(wordings)
            ]
            return pillar_page(PILLAR_CYCLES[cycle], sections)
    else:
        areas = [a for a in catalogue.areas_for(cycle) if cycle in a.graded_in][:6]
        ref = page_ref("testshire", cycle, "report", None, f"/peel-reports/testshire-{cycle}/")
        wordings = [sorted(a.labels)[0].capitalize() for a in areas] + [UNMAPPED_QUESTION]
        year = catalogue.cycles[cycle].label

        def page(numbered: bool) -> str:
            rows = [(_numbered(w, i + 1, style) if numbered else w, grades[i % 4]) for i, w in enumerate(wordings)]
            return report_page(f"{year}: Testshire (SYNTHETIC TEST PAGE)", rows)

    def judged(parsed) -> list[tuple]:
        return sorted((o.area_id, o.area_label, o.grade, o.grade_status, o.mapped) for o in parsed.observations)

    plain, numbered = parse_page(page(False), ref, catalogue), parse_page(page(True), ref, catalogue)
    assert judged(numbered) == judged(plain)
    assert {a.id for a in areas} <= {o.area_id for o in numbered.observations if o.mapped}
    unmapped = [(o.area_label, o.grade) for o in numbered.observations if not o.mapped]
    printed = grades[(len(wordings) - 1) % 4]
    assert unmapped == [(UNMAPPED_QUESTION, printed.lower().replace(" ", "_"))]
    assert [i.reason for i in numbered.issues].count("unmapped_area") == 1


def report_2025(rows: list[tuple[str, str]]) -> str:
    """A synthetic 2025-27 report page: numbered question wordings in a table, then their sections."""
    body = "".join(f"<tr><td>{n}. {label}</td><td>{grade}</td></tr>" for n, (label, grade) in enumerate(rows, 1))
    sections = "".join(
        f"<h2>{n}. {label}</h2><p>Made-up narrative for a synthetic test page about this area.</p>"
        for n, (label, _) in enumerate(rows, 1)
    )
    return (
        f"<!DOCTYPE html><html><head><title>{TITLE_2025}</title></head><body>"
        "<p>SYNTHETIC TEST PAGE: Testshire Constabulary is not a real force; these grades are invented.</p>"
        f"<h1>{TITLE_2025}</h1><h2>Our judgments</h2>"
        f"<p>Our inspection assessed how good Testshire Constabulary is in {len(rows)} areas of policing. "
        f"We make graded judgments in {len(rows)} of these {len(rows)} as follows:</p>"
        f"<table><tr><th>Area</th><th>Grade</th></tr>{body}</table>{sections}</body></html>"
    )


LEADERSHIP = "How good is the force at leadership and force management?"
FRAUD = "How good is the force at tackling fraud and economic crime?"
EARLY = "How good is the force at stopping crime before it happens?"
ONLINE = "How good is the force at keeping children safe online?"


def _status_json(warehouse: str, capsys) -> dict:
    assert main(["status", "--warehouse", warehouse, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_unmapped_2025_27_wordings_in_status_then_mapped_and_moved_by_replay(tmp_path: Path, capsys) -> None:
    site, update = tmp_path / "site", tmp_path / "update"
    write_page(
        site,
        "/peel-reports/testshire-2023-25/",
        report_page(
            "PEEL 2023\u20132025: Testshire (SYNTHETIC TEST PAGE)",
            [("Leadership and force management", "Good"), ("Preventing crime", "Good")],
        ),
    )
    first = [(LEADERSHIP, "Adequate"), (FRAUD, "Adequate"), (EARLY, "Requires improvement")]
    write_page(site, "/peel-reports/testshire-2025-27/", report_2025(first))
    # Later the page corrects the fraud grade and adds a fourth question: news under derived ids.
    write_page(
        update,
        "/peel-reports/testshire-2025-27/",
        report_2025([*first[:1], (FRAUD, "Good"), *first[2:], (ONLINE, "Inadequate")]),
    )
    scope = (["2023-25", "2025-27"], ["testshire"])
    with ScriptedServer() as receiver:
        receiver.route("/hook", Reply(200, b"ok"))
        hook = f"json://127.0.0.1:{receiver.url.rsplit(':', 1)[1]}/hook"
        with serve_site(site) as served:
            pipeline.run_pipeline(local_catalogue(tmp_path, served.url, synthetic=True), *scope)
        with serve_site(site, overlays=[update]) as served:
            catalogue = local_catalogue(tmp_path, served.url, synthetic=True, alert_urls=(hook,))
            news = pipeline.run_pipeline(catalogue, *scope, mode="run", announce=True, alerts=True)
            port = served.port
        assert sorted((c["change_type"], c["area_id"].split(".")[0]) for c in news.changes) == [
            ("correction", "unmapped"),
            ("newly_graded", "unmapped"),
        ]
        posts = len([r for r in receiver.requests if r.method == "POST"])
        assert posts == 2
        wh = pipeline.open_warehouse(catalogue)
        before = wh.read_all()

        # status: each unmapped wording, its cycle, a block to paste
        status = _status_json(catalogue.settings.warehouse, capsys)
        listed = {w["label"]: w for w in status["unmapped_wordings"]}
        assert set(listed) == {FRAUD, EARLY, ONLINE}
        assert {w["cycle_id"] for w in listed.values()} == {"2025-27"}
        assert main(["status", "--warehouse", catalogue.settings.warehouse]) == 0
        text = capsys.readouterr().out
        assert "unmapped wordings: 3" in text
        for label, wording in listed.items():
            assert label in text and wording["area_id"] in text and wording["block"].strip() in text
            assert wording["block"].startswith("# PEEL 2025\u20132027: ") and "\n[[area]]\n" in wording["block"]

        # Map two wordings with their blocks as printed, and one onto an existing area by hand.
        areas_toml = tmp_path / "config" / "areas.toml"
        text = areas_toml.read_text()
        anchor = 'labels = [\n  "Preventing crime and antisocial behaviour",'
        assert anchor in text
        text = text.replace(anchor, anchor + f"\n  {json.dumps(EARLY)},")
        areas_toml.write_text(text + "\n" + listed[FRAUD]["block"] + "\n" + listed[ONLINE]["block"])
        fraud_id, online_id = listed[FRAUD]["suggested_id"], listed[ONLINE]["suggested_id"]
        assert fraud_id == "tackling-fraud-and-economic-crime" and online_id == "keeping-children-safe-online"

        summary = replay(local_catalogue(tmp_path, "http://127.0.0.1:9", synthetic=True))  # nothing listens there
        after = wh.read_all()
        assert summary.stats["pages_parsed"] == 2

        moved = {(j["area_id"], j["grade"], j["mapped"]) for j in after["judgements"] if j["cycle_id"] == "2025-27"}
        assert moved == {
            ("leadership-and-force-management", "adequate", True),
            (fraud_id, "good", True),
            ("preventing-crime", "requires_improvement", True),
            (online_id, "inadequate", True),
        }
        for name in ("judgements", "observations", "findings", "parse_issues", "changes"):
            assert not [r for r in after[name] if (r.get("area_id") or "").startswith("unmapped.")], name
        assert "unmapped_area" not in {i["reason"] for i in after["parse_issues"]}
        old_fraud = next(j for j in before["judgements"] if j["area_id"] == listed[FRAUD]["area_id"])
        new_fraud = next(j for j in after["judgements"] if j["area_id"] == fraud_id)
        assert new_fraud["first_seen_at"] == old_fraud["first_seen_at"]  # moved, not seen anew

        # The history follows: the same changes under the real ids, their alerts with them.
        old_ids = {c["change_id"] for c in before["changes"]}
        kept = [c for c in after["changes"] if c["change_id"] in old_ids]
        renamed = [c for c in after["changes"] if c["change_id"] not in old_ids]
        assert sorted((c["change_type"], c["area_id"]) for c in renamed) == [
            ("correction", fraud_id),
            ("newly_graded", online_id),
            ("not_comparable", "preventing-crime"),  # met its 2023-25 grade: recorded by the replay ...
        ]
        assert not next(c for c in renamed if c["change_type"] == "not_comparable")["announce"]  # ... unannounced
        assert len(kept) + 2 == len(before["changes"])
        online = next(c for c in renamed if c["change_type"] == "newly_graded")
        assert online["change_id"] == change_id("newly_graded", "testshire", "2025-27", online_id, "inadequate")
        assert "keeping children safe online" in online["summary"]
        assert not [c for c in after["changes"] if c["change_type"] in ("upgrade", "downgrade")]
        ids = {c["change_id"] for c in after["changes"]}
        assert len(after["alerts"]) == len(before["alerts"]) == 4  # the hook and the digest, each change
        assert {a["change_id"] for a in after["alerts"]} == {
            c["change_id"] for c in renamed if c["change_type"] != "not_comparable"
        }
        assert {a["change_id"] for a in after["alerts"]} <= ids

        # The next scheduled run finds nothing new and sends nothing again.
        with serve_site(site, overlays=[update], port=port):
            catalogue = local_catalogue(tmp_path, served.url, synthetic=True, alert_urls=(hook,))
            again = pipeline.run_pipeline(catalogue, *scope, mode="run", announce=True, alerts=True)
        assert again.changes == []
        assert len([r for r in receiver.requests if r.method == "POST"]) == posts
        assert len(wh.read_table("alerts")) == 4
    assert _status_json(catalogue.settings.warehouse, capsys)["unmapped_wordings"] == []


CARRIED = "This question was not subject to detailed inspection in 2018/19, and our judgment from the {} {} inspection has been carried over."


def test_carried_over_questions_end_to_end(tmp_path: Path) -> None:
    """Over loopback HTTP: printed grades win over the earlier cycle's; a question with none takes the
    judgement of the cycle its sentence names (2017, or 2016), said so; with none held, no grade."""
    site = tmp_path / "site"
    fixtures = FIXTURES / "independent"
    for pillar, name in (("legitimacy", "18_testshire_2018_legitimacy_carried_over"),):
        write_page(site, f"/peel-assessments/peel-2018/testshire/{pillar}/", (fixtures / f"{name}.html").read_text())
    write_page(
        site,
        "/peel-assessments/peel-2018/testshire/efficiency/",
        (fixtures / "19_testshire_2018_efficiency_carried_over_no_grade.html").read_text(),
    )
    write_page(
        site,
        "/peel-assessments/peel-2017/testshire/efficiency/",
        pillar_page(
            "Testshire PEEL 2017",
            [
                ("How efficient is the force at keeping people safe and reducing crime?", "Good", "Synthetic."),
                ("How well does the force use its resources?", "Outstanding", "Synthetic summary."),
            ],
        ),
    )
    write_page(
        site,
        "/peel-assessments/peel-2017/testshire/legitimacy/",
        pillar_page(
            "Testshire PEEL 2017",
            [
                ("How legitimate is the force at keeping people safe and reducing crime?", "Good", "Synthetic."),
                (
                    "To what extent does the force treat all of the people it serves with fairness and respect?",
                    "Requires improvement",  # the 2018/19 page prints Good: its printed grade wins
                    "Synthetic summary.",
                ),
            ],
        ),
    )
    write_page(
        site,
        "/peel-assessments/peel-2016/testshire/effectiveness/",
        pillar_page(
            "Testshire PEEL 2016",
            [
                ("How effective is the force at keeping people safe and reducing crime?", "Good", "Synthetic."),
                ("How effective is the force at tackling serious, organised and complex crime?", "Inadequate", "S."),
            ],
        ),
    )
    write_page(
        site,
        "/peel-assessments/peel-2018/testshire/effectiveness/",
        pillar_page(
            "Testshire PEEL 2018",
            [
                ("How effectively does the force reduce crime and keep people safe?", "Good", "Synthetic."),
                (
                    "How effective is the force at tackling serious and organised crime?",
                    None,
                    CARRIED.format(2016, "effectiveness"),
                ),
                (
                    "How effective is the force at investigating crime and reducing re-offending?",
                    None,
                    CARRIED.format(2017, "effectiveness"),
                ),
            ],
        ),
    )
    with serve_site(site) as served:
        catalogue = local_catalogue(tmp_path, served.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ["2016", "2017", "2018-19"], ["testshire"])
        tables = pipeline.open_warehouse(catalogue).read_all()
    got = {
        j["area_id"]: (j["grade"], j["grade_source"], j["carried_over"], j["carried_from_cycle_id"])
        for j in tables["judgements"]
        if j["cycle_id"] == "2018-19"
    }
    assert got["legitimacy.fair-treatment"] == ("good", "label", True, None)
    assert got["legitimacy.ethical-behaviour"] == ("requires_improvement", "label", True, None)
    assert got["legitimacy.workforce-fairness"] == ("outstanding", "prose", True, None)
    assert got["efficiency.use-of-resources"] == ("outstanding", "carried_over", True, "2017")
    assert got["effectiveness.serious-organised-crime"] == ("inadequate", "carried_over", True, "2016")
    assert got["efficiency.planning-for-future"][2] is False
    # 2017 holds no investigating-crime judgement: no grade, never a guess; the page's issue says why.
    assert "effectiveness.investigating-crime" not in got
    issues = [
        i for i in tables["parse_issues"] if i["reason"] == "carried_over_without_grade" and i["cycle_id"] == "2018-19"
    ]
    assert {i["area_id"] for i in issues} == {
        "efficiency.use-of-resources",
        "effectiveness.serious-organised-crime",
        "effectiveness.investigating-crime",
    }
    assert any("PEEL 2016" in i["detail"] for i in issues if i["area_id"] == "effectiveness.serious-organised-crime")


def test_a_status_block_is_valid_toml_that_maps_its_wording(tmp_path: Path, catalogue) -> None:
    """A question of a pillar cycle and a wording with quotes and a backslash: each block, appended
    to a copy of config/areas.toml, loads and maps the wording to its new id."""
    from peelpipe.status import unmapped_wordings

    odd = 'How good is the force at "joined-up" work \\ partnerships?'
    rows = [
        {
            "force_id": "testshire",
            "cycle_id": "2017",
            "area_id": "efficiency.how-well-does-the-force-look-after-its-synthetic-test-horses",
            "area_label": UNMAPPED_QUESTION,
            "level": "question",
            "grade_status": "graded",
            "source_url": "https://example.invalid/a",
            "mapped": False,
        },
        {
            "force_id": "testshire",
            "cycle_id": "2025-27",
            "area_id": "unmapped.how-good-is-the-force-at-joined-up-work-partnerships",
            "area_label": odd,
            "level": "area",
            "grade_status": "ungraded",
            "source_url": "https://example.invalid/b",
            "mapped": False,
        },
    ]
    wordings = unmapped_wordings(rows, catalogue)
    assert [w["suggested_id"] for w in wordings] == [
        "efficiency.look-after-its-synthetic-test-horses",
        "joined-up-work-partnerships",
    ]
    config = tmp_path / "config"
    config.mkdir()
    for name in ("forces.toml", "cycles.toml", "settings.toml"):
        (config / name).write_text((ROOT / "config" / name).read_text())
    (config / "areas.toml").write_text(
        (ROOT / "config" / "areas.toml").read_text() + "\n" + "\n".join(w["block"] for w in wordings)
    )
    mapped = load_catalogue(config)
    horses = mapped.match_area(UNMAPPED_QUESTION, "2017", "efficiency")
    assert horses is not None and horses.id == "efficiency.look-after-its-synthetic-test-horses"
    assert horses.level == "question" and "2017" in horses.graded_in
    joined = mapped.areas["joined-up-work-partnerships"]
    assert mapped.match_area(odd, "2025-27") is joined and "2025-27" in joined.ungraded_in


def test_a_2023_25_report_served_at_the_2025_27_address_is_the_wrong_cycle(catalogue) -> None:
    """The 2025-27 title form names its cycle: last round's page at the new address gives no rows."""
    ref = page_ref("testshire", "2025-27", "report", None, "/peel-reports/testshire-2025-27/")
    rows = [(LEADERSHIP, "Good"), (FRAUD, "Adequate")]
    right = parse_page(report_2025(rows), ref, catalogue)
    assert right.readable and len(right.observations) == 2
    stale = parse_page(report_2025(rows).replace("2025\u20132027", "2023\u20132025"), ref, catalogue)
    assert not stale.readable and [i.reason for i in stale.issues] == ["wrong_cycle"]
    assert stale.observations == []
