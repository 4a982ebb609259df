"""One backfill or scheduled run for the command line and the demo: directly, or through Prefect.

Through Prefect, a run reports to the server at ``PREFECT_API_URL`` when one is set (checked first,
so a server that does not answer is one clear line), and otherwise to the temporary server Prefect
starts for the process, once however many flows the process runs. Prefect's settings default to
quiet, offline and project-local; a user's own ``PREFECT_*`` variables win.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from peelpipe import pipeline
from peelpipe.alerts.runs import alert_run_failed
from peelpipe.config import Catalogue
from peelpipe.errors import ConfigError
from peelpipe.redact import credentials
from peelpipe.report import progress_printer


def prefect_environment(prefect_home: str) -> None:
    """Project-local, offline Prefect state; the run's logs go to the API in full while the terminal
    shows only what peelpipe prints (Prefect's console handler level)."""
    home = Path(prefect_home).resolve()
    defaults = {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
        "PREFECT_LOGGING_EXTRA_LOGGERS": "peelpipe",
        "PREFECT_SERVER_LOGGING_LEVEL": "ERROR",
        "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
        "PREFECT_TASKS_RUNNER_THREAD_POOL_MAX_WORKERS": "2",
        "PREFECT_RESULTS_LOCAL_STORAGE_PATH": str(home / "storage"),
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    # Prefect creates its home without parents and warns on the terminal when it cannot.
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)


def deployment_settings(overrides: dict[str, Any]) -> dict[str, Any]:
    """`overrides` as a deployment's stored `settings` parameter, which the Prefect server keeps and shows:
    a base URL with a user:password is refused (the runs take it from PEELPIPE_BASE_URL instead)."""
    if credentials(str(overrides.get("base_url") or "")):
        raise ConfigError(
            "--base-url carries a user:password, which the Prefect server would store and show in the "
            "deployments' parameters: set it in PEELPIPE_BASE_URL in this process's environment instead"
        )
    return overrides


def check_configured_server() -> None:
    """A ConfigError naming the URL when PREFECT_API_URL is set and no Prefect API answers there."""
    from peelpipe.schedule import api_url, server_problem

    configured = api_url()
    if configured:
        problem = server_problem(configured)
        if problem:
            raise ConfigError(
                f"no Prefect API answers at PREFECT_API_URL={configured} ({problem}): start that "
                "server, or unset PREFECT_API_URL to have Prefect start a temporary one, "
                "or use --no-prefect"
            )


def execute(
    catalogue: Catalogue,
    mode: str,
    cycle_ids: list[str],
    force_ids: list[str],
    *,
    alerts: bool,
    use_prefect: bool,
    quiet: bool,
    overrides: dict[str, Any],
) -> pipeline.RunSummary:
    """Run a backfill (`mode` "backfill") or a scheduled run ("run"). A scheduled run that fails tells the
    health channels (through Prefect, the refresh flow's failure hook does)."""
    if not use_prefect:
        try:
            return pipeline.run_pipeline(
                catalogue,
                cycle_ids,
                force_ids,
                mode=mode,
                announce=alerts,
                alerts=alerts,
                progress=progress_printer(quiet),
            )
        except Exception as exc:
            if mode == "run" and not isinstance(exc, ConfigError):
                alert_run_failed(catalogue, mode, exc)
            raise
    prefect_environment(catalogue.settings.prefect_home)
    check_configured_server()
    from peelpipe.flows import RunSettings, backfill_flow, refresh_flow, with_configured_timeout

    settings = RunSettings.model_validate(overrides, strict=False)
    if mode == "run":
        result = with_configured_timeout(refresh_flow, catalogue.settings)(settings=settings, progress=not quiet)
    else:
        result = with_configured_timeout(backfill_flow, catalogue.settings)(
            cycles=cycle_ids, forces=force_ids, alerts=alerts, settings=settings, progress=not quiet
        )
    summary: pipeline.RunSummary = result["summary"]
    return summary
