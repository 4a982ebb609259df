"""A command-line run through Prefect with no Prefect server configured: the API is served from the
peelpipe process itself (flows/api.py), the run is recorded in Prefect's database, no second
process is started or left behind, and a failed run ends in one clear line on the terminal."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from peelpipe.samplesite import serve_site

sys.path.insert(0, str(ROOT / "bench"))
from measure import parent_pids  # noqa: E402  (the bench's /proc reader)

pytestmark = pytest.mark.prefect

COMMAND = Path(sys.executable).with_name("peelpipe")  # the console script, as a user runs it


def _children(pid: int) -> dict[int, str]:
    """The process's children now, with their command lines ("" for one already gone)."""
    out = {}
    for child, parent in parent_pids().items():
        if parent == pid:
            try:
                out[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                out[child] = ""
    return out


def _servers(seen: dict[int, tuple[str, float, float]]) -> list[str]:
    """Children that look like a Prefect API: a Python/Prefect/uvicorn process, or any child alive for
    over two seconds. A library's momentary helper (Prefect's vendored croniter runs `file -b python`
    through platform.architecture() at import) is neither."""
    return [f"{pid}: {cmd or '?'} (seen {last - first:.1f} s)" for pid, (cmd, first, last) in seen.items()
            if any(word in cmd for word in ("python", "prefect", "uvicorn")) or last - first > 2.0]


def test_a_backfill_through_prefect_without_a_server_runs_in_one_process(tmp_path: Path) -> None:
    home = tmp_path / "prefect-home"  # a fresh home: Prefect creates its database on this run
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update({"PREFECT_HOME": str(home), "PREFECT_API_URL": ""})
    with serve_site() as site:
        process = subprocess.Popen([str(COMMAND), "backfill", "--cycles", "2017", "--forces", "staffordshire",
                                    "--warehouse", str(tmp_path / "wh"), "--base-url", site.url, "--delay", "0",
                                    "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen: dict[int, tuple[str, float, float]] = {}  # pid -> (command line, first seen, last seen)
        deadline = time.monotonic() + 240
        while process.poll() is None and time.monotonic() < deadline:
            now = time.monotonic()
            for child, cmd in _children(process.pid).items():
                first_cmd, first, _ = seen.get(child, (cmd, now, now))
                seen[child] = (first_cmd or cmd, first, now)
            time.sleep(0.1)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert _servers(seen) == [], "the Prefect API should be served from the peelpipe process, not a child"
    summary = json.loads(out)
    assert summary["stats"]["pages_parsed"] > 0 and summary["tables"]["judgements"] > 0
    assert "Traceback" not in err and "Error" not in err, err

    db = sqlite3.connect(home / "prefect.db")
    try:
        runs = db.execute("SELECT flow_run.state_type, flow_run.id FROM flow_run JOIN flow ON flow.id = flow_run.flow_id "
                          "WHERE flow.name = 'peel-backfill'").fetchall()
        assert [state for state, _ in runs] == ["COMPLETED"]
        tasks = db.execute("SELECT state_type FROM task_run WHERE flow_run_id = ?", (runs[0][1],)).fetchall()
        assert tasks and {state for state, in tasks} == {"COMPLETED"}
        # no flow-run heartbeats to a server that ends with the run (stopping their thread cost up to 1 s)
        assert db.execute("SELECT count(*) FROM events WHERE event = 'prefect.flow-run.heartbeat'").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM events WHERE event = 'prefect.flow-run.Completed'").fetchone()[0] == 1
    finally:
        db.close()


def test_the_routers_a_run_uses_come_first_and_every_router_is_kept(monkeypatch) -> None:
    from flows import api
    from prefect.server.api import server

    before = tuple(server.API_ROUTERS)
    monkeypatch.setattr(server, "API_ROUTERS", before)  # restored after the test
    api.routers_a_run_uses_first()
    after = tuple(server.API_ROUTERS)
    assert sorted(map(id, after)) == sorted(map(id, before))  # the same routers, each once
    assert [router.prefix for router in after[:len(api.RUN_ROUTERS)]] == [
        "/admin", "/csrf-token", "/flows", "/flow_runs", "/artifacts", "/events", "/logs", "/task_runs"]
    api.routers_a_run_uses_first()  # a second call changes nothing
    assert tuple(server.API_ROUTERS) == after


def test_a_configured_server_is_used_as_it_is(monkeypatch) -> None:
    from flows import api

    monkeypatch.setattr(api, "api_url", lambda: "http://prefect.example:4200/api")
    monkeypatch.setattr(api, "server_problem", lambda url: None)  # it answers its health check
    monkeypatch.setattr(api, "_start", lambda: pytest.fail("must not serve an API when one is configured"))
    with api.local_api() as url:
        assert url == "http://prefect.example:4200/api"


def test_a_configured_server_that_does_not_answer_is_one_clear_error(monkeypatch) -> None:
    import socket

    from flows import api

    from peelpipe.errors import ConfigError

    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/api"
    monkeypatch.setattr(api, "api_url", lambda: url)
    monkeypatch.setattr(api, "_start", lambda: pytest.fail("must not serve an API when one is configured"))
    with pytest.raises(ConfigError) as error:
        with api.local_api():
            pytest.fail("the run must not start")
    message = str(error.value)
    assert f"PREFECT_API_URL={url}" in message and "ConnectError" in message and "--no-prefect" in message
    assert "\n" not in message


def test_when_the_api_cannot_be_served_in_process_prefect_falls_back_to_its_own(monkeypatch, capsys) -> None:
    from flows import api

    def broken() -> None:
        raise OSError("address in use")

    monkeypatch.setattr(api, "api_url", lambda: None)
    monkeypatch.setattr(api, "_start", broken)
    with api.local_api() as url:
        assert url is None
    err = capsys.readouterr().err
    assert "OSError: address in use" in err and "temporary server instead" in err and err.count("\n") == 1


def test_a_refused_run_through_prefect_ends_in_one_clear_line_with_the_traceback_kept(tmp_path: Path) -> None:
    from httpsim import Reply, ScriptedServer

    home = tmp_path / "prefect-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update({"PREFECT_HOME": str(home), "PREFECT_API_URL": ""})
    with ScriptedServer() as site:
        site.route("/peel-assessments/", Reply(403, b"<html><body>Access denied: automated traffic</body></html>"))
        result = subprocess.run([str(COMMAND), "backfill", "--cycles", "2017", "--forces", "staffordshire",
                                 "--warehouse", str(tmp_path / "wh"), "--base-url", site.url, "--delay", "0"],
                                env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("peelpipe: error: ") and "HTTP 403" in lines[-1], result.stderr
    assert "Traceback" not in result.stderr and len(lines) <= 4, result.stderr
    assert "prefect flow-run logs " in result.stderr  # where the traceback went
    assert not (tmp_path / "wh" / "CURRENT").exists()  # nothing published

    db = sqlite3.connect(home / "prefect.db")
    try:
        failed = db.execute("SELECT flow_run.id FROM flow_run JOIN flow ON flow.id = flow_run.flow_id "
                            "WHERE flow.name = 'peel-backfill' AND flow_run.state_type = 'FAILED'").fetchall()
        assert len(failed) == 1
        logs = [m for m, in db.execute("SELECT message FROM log WHERE flow_run_id = ?", failed[0])]
        assert any("Traceback" in m and "SiteRefusedError" in m for m in logs)
    finally:
        db.close()
