"""A real `prefect server start` for the tests: one per test session, on a free loopback port, with its
own temporary PREFECT_HOME (tests/conftest.py's `prefect_server` fixture).

Every process is started in its own process group (session) with SIGINT and SIGTERM at their
defaults, stopped with SIGTERM (twice if need be, then SIGKILL to the group), and every process
carrying this session's marker variable is swept at the end, so nothing survives the session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tools import processes
from tools.processes import free_port

ROOT = Path(__file__).resolve().parents[1]

BIN = Path(sys.executable).parent
PREFECT = str(BIN / "prefect")
PEELPIPE = str(BIN / "peelpipe")
MARKER_VAR = "PEELPIPE_TEST_PROCESS"
MARKER = uuid.uuid4().hex
SERVER_START_TIMEOUT = 120.0
RUN_TIMEOUT = 150.0


# A shell without job control starts background jobs with SIGINT ignored, children inherit that,
# and the Prefect worker turns SIGTERM into SIGINT. This exec wrapper gives every child the default
# SIGINT and SIGTERM (a preexec_fn would do the same but is unsafe with Prefect's threads around).
DEFAULT_SIGNALS = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "signal.signal(signal.SIGTERM, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])",
]


def marked_pids() -> list[int]:
    """Processes started by this module (and their children), found by the marker in their environment."""
    return processes.marked_pids(MARKER_VAR, MARKER)


class Proc:
    """A long-running child in its own process group, its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], cwd: Path, log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}-{uuid.uuid4().hex[:6]}.log"
        with open(self.log_path, "wb") as log:
            self.popen = subprocess.Popen(
                [*DEFAULT_SIGNALS, *args],
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return f"--- {self.name} log (last {lines} lines) ---\n" + "\n".join(text.splitlines()[-lines:])

    def check_alive(self) -> None:
        if self.popen.poll() is not None:
            pytest.fail(f"{self.name} exited with {self.popen.returncode}\n{self.log_tail()}")

    def stop(self, grace: float = 20.0) -> int | None:
        """SIGTERM to the group, again if it lingers, then SIGKILL to whatever is left in the group."""
        return processes.stop_group(self.popen, grace)


class Server:
    """A `prefect server start` and the environment its clients use."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("PEELPIPE_") and k not in ("PREFECT_API_URL", "PREFECT_PROFILE")
        }
        self.base_env = {
            **base,
            MARKER_VAR: MARKER,
            "PEELPIPE_CONFIG_DIR": str(ROOT / "config"),
            "PREFECT_HOME": str(tmp / "prefect-home"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_LOGGING_LEVEL": "INFO",
            "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
            "PREFECT_CLI_COLORS": "false",
            "PYTHONUNBUFFERED": "1",
        }
        self.procs: list[Proc] = []
        self.process = self.start(
            "server",
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(self.port), "--analytics-off"],
            self.base_env,
        )

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a client: this server's API URL plus ``extra``."""
        return {**self.base_env, "PREFECT_API_URL": self.url, **extra}

    def start(self, name: str, args: list[str], env: dict[str, str], cwd: Path = ROOT) -> Proc:
        proc = Proc(name, args, env, cwd, self.tmp)
        self.procs.append(proc)
        return proc

    def run(self, args: list[str], env: dict[str, str], timeout: float = 90.0) -> str:
        """A short command (prefect CLI) that must succeed; its output."""
        done = subprocess.run(
            args,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert done.returncode == 0, f"{args} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            self.process.check_alive()
            try:
                if httpx.get(self.url + "/health", timeout=2.0).json() is True:
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.3)
        pytest.fail(f"prefect server not healthy after {SERVER_START_TIMEOUT:g} s\n{self.process.log_tail()}")

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()


def sweep() -> list[int]:
    """SIGKILL every process still carrying the marker; returns those that were found."""
    return processes.sweep(MARKER_VAR, MARKER)


@contextmanager
def running_server(tmp: Path) -> Iterator[Server]:
    """A healthy server for the length of the block; everything it started is stopped after."""
    server = Server(tmp)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop_all()
        strays = sweep()
        assert not marked_pids(), "processes survived SIGKILL"
        assert not strays, f"stray processes had to be killed after a clean stop: {strays}"


@contextmanager
def using(server: Server) -> Iterator[None]:
    """Prefect clients of this (pytest) process talk to `server` for the length of the block."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: server.url}):
        yield
