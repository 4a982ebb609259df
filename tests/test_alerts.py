"""Alerts: the Markdown digest, Apprise delivery to a local receiver, once per change per channel."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from httpsim import Reply, ScriptedServer
from sites import local_catalogue, pillar_page, write_page
from test_pipeline import synthetic_site

from peelpipe import pipeline
from peelpipe.alerts import channel_name, deliver_alerts, render_markdown, write_digest
from peelpipe.samplesite import serve_site

NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


def change(cid: str, announce: bool = True) -> dict:
    return {
        "change_id": cid,
        "change_type": "correction",
        "force_id": "testshire",
        "area_id": "efficiency",
        "from_cycle_id": "2017",
        "to_cycle_id": "2017",
        "from_grade": "good",
        "to_grade": "inadequate",
        "comparable": True,
        "detected_at": NOW,
        "source_url": "https://example.invalid/p",
        "announce": announce,
        "run_id": "r1",
        "summary": f"Testshire Constabulary, efficiency: changed ({cid})",
    }


def test_each_change_is_posted_once_per_channel() -> None:
    with ScriptedServer() as receiver:
        receiver.route("/hook", Reply(200, b"ok"))
        url = f"json://127.0.0.1:{receiver.url.rsplit(':', 1)[1]}/hook"
        changes = [change("c1"), change("c2"), change("c3", announce=False)]
        rows = deliver_alerts(changes, [], [url], NOW)
        assert [(r["change_id"], r["status"]) for r in rows] == [("c1", "sent"), ("c2", "sent")]
        posts = [r for r in receiver.requests if r.method == "POST"]
        assert len(posts) == 2
        bodies = [json.loads(json.loads(p.body)["message"]) for p in posts]
        assert [b["change_id"] for b in bodies] == ["c1", "c2"] and bodies[0]["to_grade"] == "inadequate"
        assert deliver_alerts(changes, rows, [url], NOW) == []  # already sent: never twice
        assert len([r for r in receiver.requests if r.method == "POST"]) == 2


def test_a_failing_channel_is_recorded_and_retried_later() -> None:
    with ScriptedServer() as receiver:
        receiver.route("/hook", Reply(500, b"down"), Reply(200, b"ok"))
        url = f"json://127.0.0.1:{receiver.url.rsplit(':', 1)[1]}/hook"
        first = deliver_alerts([change("c1")], [], [url], NOW)
        assert [r["status"] for r in first] == ["failed"]
        second = deliver_alerts([change("c1")], first, [url], NOW)
        assert [r["status"] for r in second] == ["sent"]


def test_channel_names_keep_secrets_out() -> None:
    name = channel_name("json://user:s3cret@127.0.0.1:8080/hook?token=s3cret")
    assert "s3cret" not in name and name.startswith("json://127.0.0.1:8080/")


def test_digest_reads_well(tmp_path: Path) -> None:
    text = render_markdown([change("c1")])
    assert text.startswith("# PEEL grade changes") and "Grades changed on a published page (1)" in text
    assert "[source](https://example.invalid/p)" in text
    path = write_digest(tmp_path, "r1", [change("c1")])
    assert path.read_text() == (tmp_path / "latest.md").read_text()


def test_a_scheduled_run_delivers_and_a_backfill_does_not(tmp_path: Path) -> None:
    root = synthetic_site(tmp_path)
    fixed = tmp_path / "fixed"
    write_page(
        fixed,
        "/peel-assessments/peel-2017/testshire/efficiency/",
        pillar_page(
            "Testshire PEEL 2017",
            [("How efficient is the force at keeping people safe and reducing crime?", "Inadequate", "Corrected.")],
        ),
    )
    with ScriptedServer() as receiver:
        receiver.route("/hook", Reply(200, b"ok"))
        hook = f"json://127.0.0.1:{receiver.url.rsplit(':', 1)[1]}/hook"
        with serve_site(root) as site:
            catalogue = local_catalogue(tmp_path, site.url, synthetic=True, alert_urls=(hook,))
            wh = pipeline.open_warehouse(catalogue)
            pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], alerts=True)  # backfill: announce=False
        assert not [r for r in receiver.requests if r.method == "POST"]
        with serve_site(root, overlays=[fixed]) as site:
            catalogue = local_catalogue(tmp_path, site.url, synthetic=True, alert_urls=(hook,))
            summary = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run", announce=True, alerts=True)
            again = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run", announce=True, alerts=True)
        posts = [r for r in receiver.requests if r.method == "POST"]
    kinds = sorted(c["change_type"] for c in summary.changes)
    assert kinds == ["correction", "withdrawn", "withdrawn"]  # pillar re-graded; its two questions gone
    assert len(posts) == len(summary.changes) and again.changes == []
    assert summary.alerts == {"digest": 1, "sent": 3, "failed": 0, "health": 0}
    alerts = wh.read_table("alerts")
    assert {a["channel"].split(":")[0] for a in alerts} == {"json", "digest"}
    assert (wh.root / "digests" / "latest.md").read_text().count("Testshire") == 3


def test_channel_filters_and_digest_mode(tmp_path: Path) -> None:
    from peelpipe.alerts import destinations
    from peelpipe.config import AlertChannel, Settings

    changes = [
        change("c1"),
        {**change("c2"), "change_type": "upgrade", "force_id": "kent"},
        {**change("c3"), "change_type": "new_assessment"},
    ]
    with ScriptedServer() as receiver:
        receiver.route("/each", Reply(200, b"ok"))
        receiver.route("/digest", Reply(200, b"ok"))
        port = receiver.url.rsplit(":", 1)[1]
        settings = Settings(
            alert_channels=(
                AlertChannel("testshire-high", "HOOK_EACH", forces=("testshire",), min_severity="high"),
                AlertChannel("all-digest", "HOOK_DIGEST", mode="digest", change_types=("correction", "upgrade")),
                AlertChannel("unset", "HOOK_MISSING"),
            )
        )
        targets = destinations(
            settings, {"HOOK_EACH": f"json://127.0.0.1:{port}/each", "HOOK_DIGEST": f"json://127.0.0.1:{port}/digest"}
        )
        assert [t.channel.name for t in targets] == ["testshire-high", "all-digest"]  # unset variable: skipped
        rows = deliver_alerts(changes, [], targets, NOW)
        again = deliver_alerts(changes, rows, targets, NOW)
        each = [json.loads(json.loads(r.body)["message"])["change_id"] for r in receiver.requests_to("/each")]
        digests = [json.loads(r.body)["message"] for r in receiver.requests_to("/digest")]
    assert each == ["c1"]  # only the high-severity change of the filtered force
    assert len(digests) == 1 and "c1" in digests[0] and "Upgrades (1)" in digests[0] and "c3" not in digests[0]
    assert sorted((r["change_id"], r["channel"].split()[0]) for r in rows) == [
        ("c1", "all-digest"),
        ("c1", "testshire-high"),
        ("c2", "all-digest"),
    ]
    assert again == []


def test_health_alert_after_a_page_family_fails_n_runs_in_a_row() -> None:
    from peelpipe.alerts.runs import failing_families

    def run(day: int, failing: str) -> dict:
        return {"started_at": datetime(2026, 11, day, tzinfo=UTC), "families_failing": failing}

    runs = [run(1, ""), run(2, "2023-25/report"), run(3, "2023-25/report"), run(4, "2023-25/report,2017/pillar")]
    assert failing_families(runs, 3) == ["2023-25/report"]
    assert failing_families(runs + [run(5, "2023-25/report")], 3) == []  # told once, not every run after
    assert failing_families(runs, 4) == []


def test_atom_feed_lists_announced_changes(tmp_path: Path) -> None:
    from xml.etree import ElementTree

    from peelpipe.alerts import write_feed

    path = write_feed(tmp_path / "changes.atom", [change("c1"), change("c2", announce=False)])
    root = ElementTree.parse(path).getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    ids = [e.findtext("a:id", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert ids == ["urn:peelpipe:change:c1"]
    assert root.find("a:entry/a:link", ns).get("href") == "https://example.invalid/p"


def test_a_failed_run_sends_a_health_alert(tmp_path: Path, monkeypatch) -> None:
    from peelpipe.cli import main

    with ScriptedServer() as blocked, ScriptedServer() as receiver:
        blocked.route("/robots.txt", Reply(500, b"down"))
        receiver.route("/hook", Reply(200, b"ok"))
        hook = f"json://127.0.0.1:{receiver.url.rsplit(':', 1)[1]}/hook"
        monkeypatch.setenv("PEELPIPE_ALERT_URLS", hook)
        monkeypatch.setenv("PEELPIPE_MAX_RETRIES", "0")
        code = main(
            [
                "run",
                "--no-prefect",
                "--quiet",
                "--warehouse",
                str(tmp_path / "wh"),
                "--base-url",
                blocked.url,
                "--delay",
                "0",
            ]
        )
        bodies = [json.loads(r.body) for r in receiver.requests_to("/hook")]
    assert code == 1
    assert [b["title"] for b in bodies] == ["peelpipe run failed"]
    assert "robots.txt" in bodies[0]["message"] and "previous snapshot" in bodies[0]["message"]


def test_a_page_family_that_stops_parsing_raises_one_health_alert(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_page(
        root,
        "/peel-reports/testshire-2023-25/",
        "<html><head><title>PEEL 2023-25</title></head><body>"
        "<h1>Testshire</h1><p>Our new report layout is coming soon.</p></body></html>",
    )
    with ScriptedServer() as receiver, serve_site(root) as site:
        receiver.route("/hook", Reply(200, b"ok"))
        hook = f"json://127.0.0.1:{receiver.url.rsplit(':', 1)[1]}/hook"
        catalogue = local_catalogue(tmp_path, site.url, synthetic=True, alert_urls=(hook,), health_after_runs=2)
        wh = pipeline.open_warehouse(catalogue)
        for _ in range(3):
            pipeline.run_pipeline(catalogue, ["2023-25"], ["testshire"], mode="run", announce=True, alerts=True)
        titles = [json.loads(r.body)["title"] for r in receiver.requests_to("/hook")]
    assert titles.count("peelpipe: 2023-25/report pages stopped parsing") == 1
    assert [r["families_failing"] for r in wh.read_table("runs")] == ["2023-25/report"] * 3
