"""Command-line runs through Prefect, as a user starts them: against a running server
(PREFECT_API_URL), against Prefect's own temporary server when none is set, and a failed run that
ends in one clear line on the terminal with its traceback kept in the run's logs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from httpsim import Reply, ScriptedServer
from prefectserver import free_port

from peelpipe.samplesite import serve_site

pytestmark = pytest.mark.prefect

COMMAND = Path(sys.executable).with_name("peelpipe")  # the console script, as a user runs it


def cli_env(**extra: str) -> dict[str, str]:
    """The environment a user's shell would give: no Prefect API or console settings of the test process."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API", "PREFECT_LOGGING", "PEELPIPE_ALERT"))
    }
    return {**env, **extra}


def backfill(tmp_path: Path, base_url: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(COMMAND),
            "backfill",
            "--cycles",
            "2017",
            "--forces",
            "staffordshire",
            "--warehouse",
            str(tmp_path / "wh"),
            "--base-url",
            base_url,
            "--delay",
            "0",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def flow_runs(client: Any, name: str) -> list[Any]:
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    return client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[name])))


def test_a_backfill_reports_to_the_configured_server_with_its_logs(prefect_server, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    with serve_site() as site:
        done = backfill(
            tmp_path, site.url, cli_env(PREFECT_API_URL=prefect_server.url, PREFECT_HOME=str(tmp_path / "client-home"))
        )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stats"]["pages_parsed"] > 0
    assert done.stderr == ""  # the terminal stays quiet; the run's logs are in the API
    from prefectserver import using

    with using(prefect_server), get_client(sync_client=True) as client:
        (run,) = [
            r
            for r in flow_runs(client, "peel-backfill")
            if r.parameters.get("forces") == ["staffordshire"]
            and r.parameters.get("settings", {}).get("warehouse") == str(tmp_path / "wh")
        ]
        assert run.state.is_completed()
        messages = [log.message for log in client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))]
    assert any(m.startswith("cycle 2017: ") and "page" in m for m in messages), messages
    assert not (tmp_path / "client-home" / "prefect.db").exists()  # no temporary server of its own


def test_without_a_server_prefect_serves_the_run_itself(tmp_path: Path) -> None:
    home = tmp_path / "prefect-home"  # a fresh home: Prefect creates its database on this run
    with serve_site() as site:
        done = backfill(tmp_path, site.url, cli_env(PREFECT_HOME=str(home), PREFECT_API_URL=""))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["tables"]["judgements"] > 0
    assert "Traceback" not in done.stderr, done.stderr
    db = sqlite3.connect(home / "prefect.db")
    try:
        runs = db.execute(
            "SELECT flow_run.state_type FROM flow_run JOIN flow ON flow.id = flow_run.flow_id "
            "WHERE flow.name = 'peel-backfill'"
        ).fetchall()
    finally:
        db.close()
    assert runs == [("COMPLETED",)]


def test_a_configured_server_that_does_not_answer_is_one_clear_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/api"
    done = backfill(tmp_path, "http://127.0.0.1:9", cli_env(PREFECT_API_URL=url, PREFECT_HOME=str(tmp_path / "h")))
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert f"PREFECT_API_URL={url}" in line and "ConnectError" in line and "--no-prefect" in line
    assert not (tmp_path / "wh").exists()


def test_a_refused_run_ends_in_one_clear_line_with_the_traceback_kept(prefect_server, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefectserver import using

    with ScriptedServer() as site:
        site.route("/peel-assessments/", Reply(403, b"<html><body>Access denied: automated traffic</body></html>"))
        done = backfill(
            tmp_path, site.url, cli_env(PREFECT_API_URL=prefect_server.url, PREFECT_HOME=str(tmp_path / "client-home"))
        )
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("peelpipe: error: ") and "HTTP 403" in line, done.stderr
    assert not (tmp_path / "wh" / "CURRENT").exists()  # nothing published

    with using(prefect_server), get_client(sync_client=True) as client:
        (run,) = [
            r
            for r in flow_runs(client, "peel-backfill")
            if r.parameters.get("settings", {}).get("base_url") == site.url
        ]
        assert run.state.is_failed()
        logs = [log.message for log in client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))]
    assert any("Traceback" in m and "SiteRefusedError" in m for m in logs), logs


def test_a_run_past_its_time_limit_is_one_clear_line_and_frees_the_lock(prefect_server, tmp_path: Path) -> None:
    with ScriptedServer() as slow:
        slow.route("/robots.txt", Reply(404))
        slow.route("*", Reply(404, b"<html><body>not here</body></html>", delay=1.0))  # every page takes 1 s
        done = backfill(
            tmp_path,
            slow.url,
            cli_env(
                PREFECT_API_URL=prefect_server.url,
                PREFECT_HOME=str(tmp_path / "client-home"),
                PEELPIPE_RUN_TIMEOUT="3",
            ),
        )
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("peelpipe: error: the run stopped at its time limit") and "run_timeout" in line, line
    assert not (tmp_path / "wh" / ".lock").exists() and not (tmp_path / "wh" / "CURRENT").exists()
