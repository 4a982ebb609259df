"""The Prefect flows, for real: a temporary Prefect API server, the backfill and refresh flows.

Slow by nature (a Prefect server starts once for the module), so only the flows' own wiring is
tested here; the steps themselves are tested without Prefect elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peelpipe.samplesite import serve_site
from test_pipeline import SAMPLE_PAGES

pytestmark = pytest.mark.prefect


@pytest.fixture(scope="module")
def prefect_backend():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_backfill_then_refresh_flow_publish_snapshots(prefect_backend, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    from flows.peel import backfill_flow, refresh_flow

    with serve_site() as site:
        settings = {"base_url": site.url, "warehouse": str(tmp_path / "wh"), "request_delay": 0.0,
                    "refresh_closed_days": 1}  # the refresh re-checks every page, not a rolling slice
        result = backfill_flow(cycles="all", forces="all", settings=settings)
        summary = result["summary"]
        assert summary.stats["pages_parsed"] == SAMPLE_PAGES and summary.snapshot_id
        assert any(c["change_type"] == "upgrade" and c["area_id"] == "effectiveness" for c in summary.changes)
        assert "published" in result["text"]

        refreshed = refresh_flow(settings={**settings, "alert_urls": ""})["summary"]
        assert refreshed.mode == "run" and refreshed.changes == []
        assert refreshed.stats["not_modified"] == SAMPLE_PAGES and refreshed.stats["pages_parsed"] == 0

    import asyncio

    async def artifacts():
        async with get_client() as client:
            return await client.read_artifacts()

    keys = {a.key for a in asyncio.run(artifacts())}
    assert {"peel-run-summary", "peel-grade-changes", "peel-coverage"} <= keys


def test_a_failing_scheduled_flow_sends_one_health_alert(prefect_backend, tmp_path: Path, monkeypatch) -> None:
    import json

    from flows.peel import refresh_flow
    from httpsim import Reply, ScriptedServer
    from peelpipe.errors import SiteRefusedError

    with ScriptedServer() as blocked, ScriptedServer() as receiver:
        blocked.route("/robots.txt", Reply(404))
        blocked.route("/peel-assessments/", Reply(403, b"Access denied"))  # a bot block: not retried
        receiver.route("/hook", Reply(200, b"ok"))
        monkeypatch.setenv("PEELPIPE_ALERT_URLS", f"json://127.0.0.1:{receiver.url.rsplit(':', 1)[1]}/hook")
        settings = {"base_url": blocked.url, "warehouse": str(tmp_path / "wh"), "max_retries": 0}
        with pytest.raises(SiteRefusedError):
            refresh_flow(settings=settings)
        titles = [json.loads(r.body)["title"] for r in receiver.requests_to("/hook")]
    assert titles == ["peelpipe scheduled run failed"]
    assert not (tmp_path / "wh" / "CURRENT").exists()
