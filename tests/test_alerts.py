"""Alerts: the Markdown digest, Apprise delivery to a local receiver, once per change per channel."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from httpsim import Reply, ScriptedServer
from peelpipe import pipeline
from peelpipe.alerts import channel_name, deliver_alerts, render_markdown, write_digest
from peelpipe.samplesite import serve_site
from sites import local_catalogue, pillar_page, write_page
from test_pipeline import synthetic_site

NOW = datetime(2026, 11, 27, 6, 0, tzinfo=timezone.utc)


def change(cid: str, announce: bool = True) -> dict:
    return {"change_id": cid, "change_type": "correction", "force_id": "testshire", "area_id": "efficiency",
            "from_cycle_id": "2017", "to_cycle_id": "2017", "from_grade": "good", "to_grade": "inadequate",
            "comparable": True, "detected_at": NOW, "source_url": "https://example.invalid/p", "announce": announce,
            "run_id": "r1", "summary": f"Testshire Constabulary, efficiency: changed ({cid})"}


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
    write_page(fixed, "/peel-assessments/peel-2017/testshire/efficiency/", pillar_page("Testshire PEEL 2017", [
        ("How efficient is the force at keeping people safe and reducing crime?", "Inadequate", "Corrected.")]))
    with ScriptedServer() as receiver:
        receiver.route("/hook", Reply(200, b"ok"))
        hook = f"json://127.0.0.1:{receiver.url.rsplit(':', 1)[1]}/hook"
        with serve_site(root) as site:
            catalogue = local_catalogue(tmp_path, site.url, synthetic=True, alert_urls=(hook,))
            wh = pipeline.open_warehouse(catalogue)
            pipeline.run_pipeline(catalogue, ["2017"], ["testshire"],
                                  deliver=pipeline.alert_step(catalogue, wh))  # backfill: announce=False
        assert not [r for r in receiver.requests if r.method == "POST"]
        with serve_site(root, overlays=[fixed]) as site:
            catalogue = local_catalogue(tmp_path, site.url, synthetic=True, alert_urls=(hook,))
            summary = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run", announce=True,
                                            deliver=pipeline.alert_step(catalogue, wh))
            again = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run", announce=True,
                                          deliver=pipeline.alert_step(catalogue, wh))
        posts = [r for r in receiver.requests if r.method == "POST"]
    kinds = sorted(c["change_type"] for c in summary.changes)
    assert kinds == ["correction", "withdrawn", "withdrawn"]  # pillar re-graded; its two questions gone
    assert len(posts) == len(summary.changes) and again.changes == []
    assert summary.alerts == {"digest": 1, "sent": 3, "failed": 0}
    alerts = wh.read_table("alerts")
    assert {a["channel"].split(":")[0] for a in alerts} == {"json", "digest"}
    assert (wh.root / "digests" / "latest.md").read_text().count("Testshire") == 3
