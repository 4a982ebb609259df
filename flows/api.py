"""The Prefect API a command-line flow run reports to, when no Prefect server is configured.

Without ``PREFECT_API_URL``, Prefect 3 starts a temporary API server for each run in a second
Python process, which imports the whole server again and is polled until it answers: on this
project's machine that is 7 to 12 s and about 200 MB before the first task. ``local_api`` serves
the same API (``prefect.server.api.server.create_app``, as ``prefect server start`` does) from a
thread of the running process instead, on a loopback port, for the length of one run. The run's
flow and task runs, states and logs land in the same database under ``PREFECT_HOME``; nothing
outlives the process, even when it is killed. A configured server is always used as it is, once
it has answered a health check.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from peelpipe.errors import ConfigError
from peelpipe.schedule import api_url, server_problem

STARTUP_TIMEOUT_S = 60.0
DRAIN_TIMEOUT_S = 5.0


@contextmanager
def local_api() -> Iterator[str | None]:
    """Run the body against the configured Prefect API, or else against one served in-process.

    Yields the API URL in use; None when the in-process server could not start, in which case
    the body runs with Prefect's own temporary server (slower, same result) and a line on stderr
    says why.
    """
    configured = api_url()  # PREFECT_API_URL, else the active Prefect profile's
    if configured:
        problem = server_problem(configured)
        if problem:
            raise ConfigError(f"no Prefect API answers at PREFECT_API_URL={configured} ({problem}): start that "
                              "server, or unset PREFECT_API_URL to have the run serve its own, or use --no-prefect")
        yield configured
        return
    try:
        server, thread, url = _start()
    except Exception as exc:  # noqa: BLE001 - any failure here only costs speed: Prefect's own way still works
        print(f"peelpipe: serving the Prefect API in-process failed ({type(exc).__name__}: {exc}); "
              "Prefect will start its temporary server instead", file=sys.stderr)
        server = None
    if server is None:  # (outside the except clause, so that the run's own errors are not chained to this one)
        yield None
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # No flow-run heartbeats: they let a long-lived server notice a run that died, and this server
    # dies with the run. Their thread sleeps in whole seconds, so stopping it cost up to 1 s a run.
    try:
        with temporary_settings(updates={PREFECT_API_URL: url, "flows.heartbeat_frequency": None}):
            try:
                yield url
            finally:
                _drain()
    finally:
        _stop(server, thread)


# The API routers a flow run talks to (its flow, its states, artifacts, the events socket, logs).
RUN_ROUTERS = ("admin", "csrf_token", "flows", "flow_runs", "artifacts", "events", "logs", "task_runs")


def routers_a_run_uses_first() -> None:
    """Put the routers a run uses at the head of Prefect's router list, the rest after them.

    FastAPI (0.137 and later) builds a router's routes when a request is first matched against it,
    and matches routers in order; the first request of every run, to /admin, comes near the end of
    Prefect's list, so it built almost all of the API (about 0.7 s) for the eight routers a run
    uses. Each router keeps its own prefix, so the order changes no request's route. Left as it is
    when Prefect's list is not the shape this expects."""
    from prefect.server import api
    from prefect.server.api import server

    routers = tuple(getattr(server, "API_ROUTERS", ()))
    first = tuple(getattr(getattr(api, name, None), "router", None) for name in RUN_ROUTERS)
    if all(any(router is known for known in routers) for router in first):
        server.API_ROUTERS = first + tuple(r for r in routers if not any(r is f for f in first))


def _start() -> tuple[Any, threading.Thread, str]:
    import uvicorn
    from prefect.server.api.server import create_app

    routers_a_run_uses_first()
    # ephemeral: no UI, and only the services that record a run. Not final: with this FastAPI,
    # final=True only adds a full garbage collection of the process (0.3 s) and frees nothing.
    app = create_app(ephemeral=True, final=False)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="error", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="prefect-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            sock.close()
            raise RuntimeError("the API server stopped while starting (see the log above)")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise TimeoutError(f"the API server did not start within {STARTUP_TIMEOUT_S:.0f} s")
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}/api"


def _stop(server: Any, thread: threading.Thread) -> None:
    """Shut the server down. Now and then its shutdown cancels a database connection's rollback,
    which SQLAlchemy logs as an error with a traceback; the run is over and recorded by then, and
    SQLite rolls the transaction back anyway, so that one logger is muted while the server stops."""
    pool_log = logging.getLogger("sqlalchemy.pool")
    level = pool_log.level
    pool_log.setLevel(logging.CRITICAL)
    try:
        server.should_exit = True
        thread.join(timeout=10)
    finally:
        pool_log.setLevel(level)


def _drain() -> None:
    """Send the run's queued logs and events while the server is still there to take them."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=DRAIN_TIMEOUT_S)
