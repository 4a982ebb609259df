"""Secrets stay secret (issue 15, item 6): the credentials of a base URL (http://user:password@mirror/)
and of an alert URL reach no file, table, log, terminal line, health alert or Prefect record.

The mirror is a real loopback HTTP server that requires HTTP basic auth: a request without the
credentials gets 401, so a run that reads pages really used them. The alert receiver is another
loopback server; the alert URL carries a user, a token and a query token, all of which reach it.
After the runs, every file left under the test's folder is searched as bytes (gzip members
decompressed too), and every value of every table read back: Parquet through pyarrow, the fetch
log through sqlite3, peel.duckdb through DuckDB. Captured stdout, stderr and log records are
searched too, and through Prefect: the flow runs' parameters, state messages, logs and artifacts as
the API returns them, and the bytes of the Prefect server's and the client's folders.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pyarrow.parquet as pq
import pytest
from conftest import ROOT
from faultsite import EFF, EFFIC, LANDING, LEGIT, SOURCE, ok, pages
from httpsim import Reply, Request, ScriptedServer
from sites import SYNTHETIC_FORCE

from peelpipe.cli import main
from peelpipe.fetch import RawArchive
from tools.processes import free_port

pytestmark = pytest.mark.usefixtures("fresh_pacer")

USER, PASSWORD = "sekret-user", "s3kr1t-pass"
ALERT_USER, ALERT_TOKEN, QUERY_TOKEN = "al3rt-user", "al3rt-tok3n", "qry-s3cret"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


MIRROR_AUTH, ALERT_AUTH = basic(USER, PASSWORD), basic(ALERT_USER, ALERT_TOKEN)
SECRETS = [USER, PASSWORD, ALERT_USER, ALERT_TOKEN, QUERY_TOKEN, MIRROR_AUTH.split()[1], ALERT_AUTH.split()[1]]
COMMAND = Path(sys.executable).with_name("peelpipe")  # the console script, as a user runs it


class Mirror:
    """The synthetic testshire 2017 site behind HTTP basic auth; `pages[path]` is a Reply or responder."""

    def __init__(self, server: ScriptedServer) -> None:
        self.server = server
        self.pages: dict[str, Any] = {"/robots.txt": Reply(200, b"User-agent: *\nAllow: /\n")}
        self.pages.update({path: ok(html) for path, html in pages().items()})
        server.route("*", self.respond)
        self.url = f"http://{server.host}:{server.port}/"
        self.credentialed = f"http://{USER}:{PASSWORD}@{server.host}:{server.port}/"

    def respond(self, request: Request) -> Reply:
        if request.headers.get("authorization") != MIRROR_AUTH:
            return Reply(401, b"credentials needed", {"WWW-Authenticate": 'Basic realm="mirror"'})
        reply = self.pages.get(request.path.split("?", 1)[0], Reply(404, b"not here"))
        return reply(request) if callable(reply) else reply

    def bot_block(self) -> None:
        """From now on every page but robots.txt answers 403 (a bot block: the run stops)."""
        self.server.route("*", lambda r: self.respond(r) if r.path == "/robots.txt" else Reply(403, b"denied"))


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    with ScriptedServer() as server:
        yield Mirror(server)


@pytest.fixture
def receiver() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        server.route("/hook", Reply(200, b"ok"))
        yield server


def alert_url(receiver: ScriptedServer) -> str:
    """An Apprise json:// URL with a user and token, and a query token sent on as ?token= (Apprise's '-' prefix)."""
    return f"json://{ALERT_USER}:{ALERT_TOKEN}@127.0.0.1:{receiver.port}/hook?-token={QUERY_TOKEN}"


def synthetic_config(tmp_path: Path) -> Path:
    """The project's config plus the synthetic force testshire."""
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    with (config / "forces.toml").open("a") as fh:
        fh.write(SYNTHETIC_FORCE)
    return config


@pytest.fixture
def env(tmp_path: Path, receiver: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """PEELPIPE_* variables of the runs: the synthetic config, the alert URL, no retries or delays."""
    values = {
        "PEELPIPE_CONFIG_DIR": str(synthetic_config(tmp_path)),
        "PEELPIPE_ALERT_URLS": alert_url(receiver),
        "PEELPIPE_MAX_RETRIES": "0",
        "PEELPIPE_REQUEST_DELAY": "0",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def found_in(text: str | bytes) -> list[str]:
    data = text.encode("utf-8", "replace") if isinstance(text, str) else text
    return [s for s in SECRETS if s.encode() in data]


def file_leaks(*roots: Path) -> list[str]:
    """Every file under the roots holding a secret in its bytes (or in its gzip-decompressed bytes)."""
    leaks = []
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data += gzip.decompress(data)
            leaks += [f"{path}: {s}" for s in found_in(data)]
    return leaks


def table_values(warehouse: Path) -> Iterator[tuple[str, Any]]:
    """(where, value) of every cell of every table: every Parquet file, every SQLite table, every DuckDB view."""
    parquet_files = sorted(warehouse.rglob("*.parquet"))
    assert parquet_files
    for path in parquet_files:
        for row in pq.read_table(path).to_pylist():
            yield from ((f"{path.relative_to(warehouse)}:{k}", v) for k, v in row.items())
    log = sqlite3.connect(f"file:{warehouse / 'raw' / 'fetch-log.sqlite'}?mode=ro", uri=True)
    try:
        names = [n for (n,) in log.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")]
        assert names
        for name in names:
            cursor = log.execute(f'SELECT * FROM "{name}"')
            columns = [c[0] for c in cursor.description]
            for row in cursor:
                yield from ((f"fetch-log {name}:{c}", v) for c, v in zip(columns, row, strict=True))
    finally:
        log.close()
    with duckdb.connect(str(warehouse / "peel.duckdb"), read_only=True) as con:
        views = [n for (n,) in con.sql("SELECT table_name FROM information_schema.tables").fetchall()]
        assert "pages" in views and "runs" in views
        for name in views:
            relation = con.sql(f'SELECT * FROM "{name}"')
            for row in relation.fetchall():
                yield from ((f"peel.duckdb {name}:{c}", v) for c, v in zip(relation.columns, row, strict=True))


def table_leaks(warehouse: Path) -> list[str]:
    return [f"{where}: {s}" for where, value in table_values(warehouse) for s in found_in(str(value))]


def log_leaks(records: list[logging.LogRecord]) -> list[str]:
    return [f"{r.name}: {s}" for r in records for s in found_in(r.getMessage() + "".join(map(str, r.args or ())))]


def test_a_run_from_a_mirror_behind_basic_auth_leaves_no_secret_anywhere(
    mirror: Mirror, receiver: ScriptedServer, env: dict[str, str], tmp_path: Path, capsys, caplog, monkeypatch
) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="peelpipe")
    assert httpx.get(mirror.url + "robots.txt").status_code == 401  # the credentials are needed
    anonymous = ["backfill", "--cycles", "2017", "--forces", "testshire", "--no-prefect", "--base-url", mirror.url]
    assert main([*anonymous, "--warehouse", str(tmp_path / "anonymous")]) == 0  # every page fails: 401
    assert {e["status"] for e in RawArchive(tmp_path / "anonymous" / "raw").entries()} == {401}
    mirror.server.clear()
    other = ScriptedServer().start()  # another allowed host: it must never receive the mirror's credentials
    monkeypatch.setenv("PEELPIPE_ALLOWED_HOSTS", f"127.0.0.1:{other.port}")
    wh = str(tmp_path / "warehouse")
    backfill = ["backfill", "--cycles", "2017", "--forces", "testshire", "--alerts", "--no-prefect", "--warehouse", wh]
    assert main([*backfill, "--base-url", mirror.credentialed]) == 0, capsys.readouterr().err

    # The second run meets a correction, a 500, a redirect to the credentialed URL of a page that is no
    # PEEL page, a redirect to a credentialed Location that is no valid URL (httpx's error quotes it),
    # and the index page redirected to the other allowed host with the credentials in the Location.
    host = f"{mirror.server.host}:{mirror.server.port}"
    mirror.pages.update(
        {
            "/peel-assessments/": Reply(
                302, headers={"Location": f"http://{USER}:{PASSWORD}@127.0.0.1:{other.port}/peel-assessments/"}
            ),
            EFFIC: ok(pages(demand="Outstanding")[EFFIC]),
            EFF: Reply(500, b"<html><body>server error</body></html>"),
            LEGIT: Reply(302, headers={"Location": f"http://{USER}:{PASSWORD}@{host}/elsewhere/"}),
            "/elsewhere/": Reply(
                200, b"<html><head><title>Synthetic: no PEEL page</title></head></html>", {"Content-Type": "text/html"}
            ),
            LANDING: Reply(302, headers={"Location": f"http://{USER}:{PASSWORD}@127.0.0.1:99999{LANDING}"}),
        }
    )
    try:
        assert main([*backfill, "--base-url", mirror.credentialed, "--json"]) == 0, capsys.readouterr().err
    finally:
        other.stop()
    assert {r.path for r in other.requests} == {"/robots.txt", "/peel-assessments/"}
    assert not any("authorization" in r.headers for r in other.requests)  # the origin's credentials stay there
    for argv in (["status"], ["status", "--json"], ["changes", "--format", "json"]):
        assert main([*argv, "--warehouse", wh]) == 0

    # The credentials were used: every request to the mirror carried them, and the alerts reached
    # the receiver with theirs (the corrected grade among them).
    assert mirror.server.requests and {r.headers.get("authorization") for r in mirror.server.requests} == {MIRROR_AUTH}
    alerts = receiver.requests_to("/hook")
    assert alerts and all(r.headers.get("authorization") == ALERT_AUTH for r in alerts)
    assert all(r.path == f"/hook?token={QUERY_TOKEN}" for r in alerts)
    assert any(json.loads(json.loads(r.body)["message"])["change_type"] == "correction" for r in alerts)
    # The faults happened, and the issues name the pages by their public URL.
    manifest = json.loads((tmp_path / "warehouse" / "CURRENT").read_text())
    issues = pq.read_table(tmp_path / "warehouse" / manifest["tables"]["parse_issues"]["path"]).to_pylist()
    reasons = {i["source_url"].removeprefix(SOURCE): (i["reason"], i["detail"]) for i in issues}
    assert reasons[EFF][0] == "fetch_failed" and "500" in reasons[EFF][1], reasons
    assert reasons[LANDING][0] == "fetch_failed" and "invalid URL" in reasons[LANDING][1], reasons
    assert reasons[LEGIT][0] == "wrong_page" and f"redirected to {mirror.url}elsewhere/" in reasons[LEGIT][1], reasons

    out, err = capsys.readouterr()
    assert not found_in(out) and not found_in(err), (out, err)
    assert not log_leaks(caplog.records)
    assert not table_leaks(tmp_path / "warehouse")
    assert not file_leaks(tmp_path)
    assert not any(found_in(r.body) for r in alerts)  # what the alerts say


@pytest.mark.parametrize("fault", ["robots-500", "403-bot-block", "connection-refused"])
def test_a_failed_run_names_the_site_but_never_its_credentials(
    fault: str, mirror: Mirror, receiver: ScriptedServer, env: dict[str, str], tmp_path: Path, capsys, caplog
) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="peelpipe")
    base, public = mirror.credentialed, mirror.url
    if fault == "robots-500":
        mirror.pages["/robots.txt"] = Reply(500, b"server error")
    elif fault == "403-bot-block":
        mirror.bot_block()
    else:
        port = free_port()
        base, public = f"http://{USER}:{PASSWORD}@127.0.0.1:{port}/", f"http://127.0.0.1:{port}/"
    code = main(["run", "--no-prefect", "--warehouse", str(tmp_path / "warehouse"), "--base-url", base])
    out, err = capsys.readouterr()
    assert code == 1
    (line,) = err.strip().splitlines()
    assert line.startswith("peelpipe: error: " + public), line  # the site is named, without its credentials
    (health,) = [json.loads(r.body) for r in receiver.requests_to("/hook")]
    assert health["title"] == "peelpipe run failed" and public in health["message"], health
    assert not found_in(out) and not found_in(err), err
    assert not found_in(json.dumps(health)), health
    assert not log_leaks(caplog.records)
    assert not file_leaks(tmp_path)


@pytest.mark.prefect
def test_runs_through_prefect_keep_credentials_out_of_parameters_logs_artifacts_and_the_server(
    prefect_server, mirror: Mirror, receiver: ScriptedServer, env: dict[str, str], tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterExpectedStartTime,
        FlowRunFilterId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefectserver import using
    from test_cli_prefect import cli_env

    wh = str(tmp_path / "warehouse")
    started = datetime.now(UTC)
    run_env = cli_env(**env, PREFECT_API_URL=prefect_server.url, PREFECT_HOME=str(tmp_path / "client-home"))

    def peelpipe(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(COMMAND), *argv, "--warehouse", wh, "--base-url", mirror.credentialed],
            env=run_env,
            capture_output=True,
            text=True,
            timeout=240,
        )

    done = peelpipe("backfill", "--cycles", "2017", "--forces", "testshire", "--alerts")
    assert done.returncode == 0, done.stderr
    assert {r.headers.get("authorization") for r in mirror.server.requests} == {MIRROR_AUTH}
    mirror.bot_block()
    failed = peelpipe("run")
    assert failed.returncode == 1 and failed.stderr.startswith("peelpipe: error: " + mirror.url), failed.stderr
    refused = peelpipe("serve", "--stale-after", "0")  # the deployment's parameter would keep the credentials
    assert refused.returncode == 1 and "PEELPIPE_BASE_URL" in refused.stderr, refused.stderr
    titles = [json.loads(r.body)["title"] for r in receiver.requests_to("/hook")]
    assert "peelpipe scheduled run failed" in titles and len(titles) > 1  # the changes, then the failure

    with using(prefect_server), get_client(sync_client=True) as client:
        since = FlowRunFilter(expected_start_time=FlowRunFilterExpectedStartTime(after_=started))
        runs = [
            r
            for r in client.read_flow_runs(flow_run_filter=since)
            if (r.parameters.get("settings") or {}).get("warehouse") == wh
        ]
        assert sorted(r.state.type.value for r in runs) == ["COMPLETED", "FAILED"], runs
        assert {r.parameters["settings"]["base_url"] for r in runs} == {mirror.url}  # the mirror is named
        ids = [r.id for r in runs]
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids)))
        artifacts = client.read_artifacts(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)))
        assert logs and {"peel-run-summary", "peel-coverage"} <= {a.key for a in artifacts}
        seen = json.dumps(
            {
                "runs": [r.model_dump(mode="json") for r in runs],
                "logs": [log.model_dump(mode="json") for log in logs],
                "artifacts": [a.model_dump(mode="json") for a in artifacts],
            }
        )
        assert not found_in(seen)
        assert not any(found_in(json.dumps(d.model_dump(mode="json"))) for d in client.read_deployments())
    for process in (done, failed, refused):
        assert not found_in(process.stdout) and not found_in(process.stderr), process.stderr
    assert not table_leaks(tmp_path / "warehouse")
    assert not file_leaks(tmp_path, prefect_server.tmp)
