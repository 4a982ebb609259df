"""The Prefect flows, for real, against the test session's `prefect server start`: the runs, their
logs in the API, the run timeout, and typed parameters refused at submission.

The steps themselves are tested without Prefect elsewhere; here only the flows' own wiring.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from httpsim import Reply, ScriptedServer
from test_pipeline import SAMPLE_PAGES

from peelpipe import pipeline
from peelpipe.samplesite import serve_site

pytestmark = pytest.mark.prefect


def run_logs(flow_run_id: Any) -> list[str]:
    """Every log line the API holds for a flow run (and its task runs)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    async def read() -> list[str]:
        async with get_client() as client:
            logs = await client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
            return [log.message for log in logs]

    return asyncio.run(read())


def flush_logs() -> None:
    """Send the run's queued logs now (Prefect's APILogHandler.aflush)."""
    from prefect.logging.handlers import APILogHandler

    asyncio.run(APILogHandler.aflush())


def test_backfill_then_refresh_flow_publish_snapshots_and_log_each_cycle(
    prefect_api, catalogue, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client

    from peelpipe.flows import RunSettings, backfill_flow, refresh_flow

    with serve_site() as site:
        settings = RunSettings(
            base_url=site.url, warehouse=str(tmp_path / "wh"), request_delay=0.0, refresh_closed_days=1
        )  # the refresh re-checks every page, not a rolling slice
        state = backfill_flow(settings=settings, return_state=True)
        result = state.result()
        summary = result["summary"]
        assert summary.stats["pages_parsed"] == SAMPLE_PAGES and summary.snapshot_id
        assert any(c["change_type"] == "upgrade" and c["area_id"] == "effectiveness" for c in summary.changes)
        assert "published" in result["text"]

        refreshed = refresh_flow(settings=settings)["summary"]
        assert refreshed.mode == "run" and refreshed.changes == []
        # every page answers 304, the two Engage pages (read by their own task) too
        assert refreshed.stats["not_modified"] == SAMPLE_PAGES + 2 and refreshed.stats["pages_parsed"] == 0

    flush_logs()
    logs = run_logs(state.state_details.flow_run_id)
    cycle_lines = [line for line in logs if line.startswith("cycle ")]
    cycles = {line.split(":")[0].removeprefix("cycle ") for line in cycle_lines}
    assert cycles == set(pipeline.parseable_cycles(catalogue, list(catalogue.cycles))[0]), logs
    assert all(" answered 304, " in line and " parse issue" in line for line in cycle_lines)

    async def artifacts() -> set[str | None]:
        async with get_client() as client:
            return {a.key for a in await client.read_artifacts()}

    assert {"peel-run-summary", "peel-grade-changes", "peel-coverage"} <= asyncio.run(artifacts())


def test_a_failing_scheduled_flow_sends_one_health_alert(prefect_api, tmp_path: Path, monkeypatch) -> None:
    from peelpipe.errors import SiteRefusedError
    from peelpipe.flows import RunSettings, refresh_flow

    with ScriptedServer() as blocked, ScriptedServer() as receiver:
        blocked.route("/robots.txt", Reply(404))
        blocked.route("/peel-assessments/", Reply(403, b"Access denied"))  # a bot block: not retried
        receiver.route("/hook", Reply(200, b"ok"))
        monkeypatch.setenv("PEELPIPE_ALERT_URLS", f"{receiver.json_url}/hook")
        settings = RunSettings(base_url=blocked.url, warehouse=str(tmp_path / "wh"), max_retries=0)
        with pytest.raises(SiteRefusedError):
            refresh_flow(settings=settings)
        titles = [json.loads(r.body)["title"] for r in receiver.requests_to("/hook")]
    assert titles == ["peelpipe scheduled run failed"]
    assert not (tmp_path / "wh" / "CURRENT").exists()


def test_a_run_past_its_timeout_fails_frees_the_lock_and_alerts(prefect_api, tmp_path: Path, monkeypatch) -> None:
    from peelpipe.flows import RunSettings, refresh_flow

    with ScriptedServer() as slow, ScriptedServer() as receiver:
        slow.route("/robots.txt", Reply(404))
        slow.route("*", Reply(404, b"<html><body>not here</body></html>", delay=1.0))  # every page takes 1 s
        receiver.route("/hook", Reply(200, b"ok"))
        monkeypatch.setenv("PEELPIPE_ALERT_URLS", f"{receiver.json_url}/hook")
        settings = RunSettings(base_url=slow.url, warehouse=str(tmp_path / "wh"), request_delay=0.0, max_retries=0)
        state = refresh_flow.with_options(timeout_seconds=3)(settings=settings, return_state=True)
        titles = [json.loads(r.body)["title"] for r in receiver.requests_to("/hook")]
    assert state.is_failed() and "timeout" in (state.message or "").lower(), state
    assert titles == ["peelpipe scheduled run failed"]
    assert not (tmp_path / "wh" / ".lock").exists()  # the next run is not locked out
    assert not (tmp_path / "wh" / "CURRENT").exists()  # nothing half published


def test_a_bad_parameter_is_refused_when_the_run_is_submitted(prefect_api) -> None:
    from prefect.deployments import run_deployment
    from prefect.exceptions import PrefectHTTPStatusError

    from peelpipe.flows import backfill_flow

    deployment_id = backfill_flow.to_deployment(name="parameter-check").apply()
    name = "peel-backfill/parameter-check"
    for bad, field in (
        ({"settings": {"request_delay": "fast"}}, "request_delay"),
        ({"settings": {"alert_urls": "json://x"}}, "alert_urls"),
        ({"cycles": "2017"}, "cycles"),
        ({"forces": ["Staffordshire Police"]}, "forces"),
    ):
        with pytest.raises(PrefectHTTPStatusError) as refused:
            run_deployment(name, parameters=bad, timeout=0)
        assert refused.value.response.status_code == 409
        assert "validation failed" in refused.value.response.text.lower() and field in refused.value.response.text
    good = run_deployment(name, parameters={"cycles": ["2017"], "settings": {"request_delay": 0.5}}, timeout=0)
    assert good.deployment_id == deployment_id and good.state.is_scheduled()


def test_a_cancelled_scheduled_run_tells_the_health_channels(tmp_path: Path, monkeypatch) -> None:
    from uuid import uuid4

    from prefect.client.schemas.objects import FlowRun
    from prefect.states import Cancelled

    from peelpipe.flows import backfill_flow, refresh_flow

    with ScriptedServer() as receiver:
        receiver.route("/hook", Reply(200, b"ok"))
        monkeypatch.setenv("PEELPIPE_ALERT_URLS", f"{receiver.json_url}/hook")
        run = FlowRun(flow_id=uuid4(), name="quiet-fox", parameters={"settings": {"warehouse": str(tmp_path / "wh")}})
        for a_flow in (refresh_flow, backfill_flow):  # what Prefect calls when a run of either is cancelled
            for hook in a_flow.on_cancellation_hooks:
                hook(a_flow, run, Cancelled(message="cancelled from the UI"))
        bodies = [json.loads(r.body) for r in receiver.requests_to("/hook")]
    assert [b["title"] for b in bodies] == ["peelpipe scheduled run failed"]  # the scheduled run's only
    assert "cancelled from the UI" in bodies[0]["message"] and "previous snapshot" in bodies[0]["message"]


@pytest.mark.parametrize(
    "error, retried",
    [
        ("transient fetch error", True),
        ("connection refused", True),
        ("403 bot block", False),
        ("bad configuration", False),
        ("a bug", False),
    ],
)
def test_tasks_are_retried_only_for_transient_errors(error: str, retried: bool) -> None:
    import httpx
    from prefect.states import Failed

    from peelpipe.errors import ConfigError, FetchError, SiteRefusedError
    from peelpipe.flows import transient_only

    raised = {
        "transient fetch error": FetchError("https://example.org/p", "HTTP 503", transient=True, status=503),
        "connection refused": httpx.ConnectError("connection refused"),
        "403 bot block": SiteRefusedError("https://example.org/p", "HTTP 403", status=403),
        "bad configuration": ConfigError("request_delay must be >= 0"),
        "a bug": KeyError("grade"),
    }[error]
    assert transient_only(None, None, Failed(data=raised)) is retried
