"""Shared test set-up: project-local Prefect state, the catalogue, fixture loading."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Prefect, when a test imports it, keeps its state in a throwaway home and stays quiet and offline.
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect-home" / "tests"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")  # runs log to the API in full
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "ERROR")
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ["PEELPIPE_CONFIG_DIR"] = str(ROOT / "config")
for name in list(os.environ):
    if name.startswith("PEELPIPE_") and name not in ("PEELPIPE_CONFIG_DIR", "PEELPIPE_FUZZ_EXAMPLES"):
        del os.environ[name]


@pytest.fixture(scope="session")
def catalogue():
    """The project's configuration."""
    from peelpipe.config import load

    return load()


def page_ref(force: str, cycle: str, kind: str, pillar: str | None, path: str = "/"):
    """A PageRef for parser tests."""
    from peelpipe.models import PageRef

    return PageRef(force, cycle, kind, pillar, path, "https://hmicfrs.justiceinspectorates.gov.uk" + path)


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory):
    """One real `prefect server start` for every test of the session that runs a flow."""
    from prefectserver import running_server

    with running_server(tmp_path_factory.mktemp("prefect-server")) as server:
        yield server


@pytest.fixture
def prefect_api(prefect_server):
    """This process's Prefect clients and flows report to the session's server during the test."""
    from prefectserver import using

    with using(prefect_server):
        yield prefect_server


@pytest.fixture
def fresh_pacer():
    """Forget the process-wide request pacer and robots.txt cache (fetch tests use it on every test)."""
    from peelpipe.fetch.client import reset_pacer

    reset_pacer()


@pytest.fixture
def server():
    """A scripted loopback HTTP server (tests/httpsim.py)."""
    from httpsim import ScriptedServer

    with ScriptedServer() as srv:
        yield srv


@pytest.fixture
def archive(tmp_path):
    """An empty raw archive under the test's temp dir."""
    from peelpipe.fetch import RawArchive

    return RawArchive(tmp_path / "raw")
