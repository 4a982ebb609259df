"""Scheduled runs through a Prefect server: reachability, the served deployment, the next run.

`peelpipe serve` serves the refresh flow as the deployment ``peel-refresh/peel-refresh`` from one
long-running process, with ``peel-stale-refresh``, a health alert that a trigger runs when no refresh
has completed in 26 hours; `prefect.yaml` defines the same deployments for a process work pool. Both need
a real Prefect server (an ephemeral one creates no scheduled runs), so the server is checked first
(one GET of {PREFECT_API_URL}/health, 3 s at most) before the flows are imported. Prefect is
imported only inside the functions that need it.
"""

from __future__ import annotations

import os
import zoneinfo
from datetime import datetime
from typing import Any

from peelpipe.errors import ConfigError

FLOW_NAME = "peel-refresh"
DEPLOYMENT_NAME = "peel-refresh"
DEPLOYMENT = f"{FLOW_NAME}/{DEPLOYMENT_NAME}"
WORK_POOL = "peel-process"
DEFAULT_CRON = "0 6 * * *"
DEFAULT_TIMEZONE = "Europe/London"
# At most one run of the deployment at a time. A run that would overlap one in progress (a manual
# run during the scheduled one, several Late runs after downtime) is cancelled, not queued: the
# run in progress already refreshes everything. Kept in step with prefect.yaml.
CONCURRENCY_LIMIT = 1
COLLISION_STRATEGY = "CANCEL_NEW"
HEALTH_TIMEOUT = 3.0
START_SERVER_HINT = (
    "start one with 'prefect server start --background' and 'export PREFECT_API_URL=http://127.0.0.1:4200/api'"
)


def api_url() -> str | None:
    """The Prefect API URL: $PREFECT_API_URL, else the active Prefect profile's, else None."""
    url = os.environ.get("PREFECT_API_URL", "").strip()
    if url:
        return url
    try:
        from prefect.settings import PREFECT_API_URL

        return (PREFECT_API_URL.value() or "").strip() or None
    except Exception:
        return None


def server_problem(url: str, timeout: float = HEALTH_TIMEOUT) -> str | None:
    """Why the Prefect API at ``url`` is not usable (GET {url}/health), or None when it answers."""
    import httpx

    health = url.rstrip("/") + "/health"
    try:
        response = httpx.get(health, timeout=timeout)
    except httpx.TimeoutException:
        return f"no answer within {timeout:g} s"
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}".split("\n")[0]
    if response.status_code in (401, 403):
        return None  # it answered; credentials are the Prefect client's business
    if response.status_code != 200:
        hint = " (does PREFECT_API_URL end in /api?)" if response.status_code == 404 else ""
        return f"{health} answered HTTP {response.status_code}{hint}"
    try:
        healthy = response.json() is True
    except ValueError:
        healthy = False
    return None if healthy else f"{health} is not a Prefect API health check (does PREFECT_API_URL end in /api?)"


def require_server(command: str = "peelpipe serve") -> str:
    """The API URL of a Prefect server that answers; a one-line ConfigError otherwise."""
    url = api_url()
    if not url:
        raise ConfigError(f"{command} needs a Prefect server and PREFECT_API_URL is not set: {START_SERVER_HINT}")
    problem = server_problem(url)
    if problem:
        raise ConfigError(
            f"{command} needs a Prefect server and none answers at PREFECT_API_URL={url} "
            f"({problem}): {START_SERVER_HINT}"
        )
    return url


def check_schedule(cron: str, timezone: str) -> None:
    """A ConfigError for a cron expression or time zone that Prefect would not schedule."""
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone {timezone!r} (an IANA name such as Europe/London)") from None
    from prefect.schedules import Cron

    try:
        Cron(cron, timezone=timezone)
    except ValueError:
        raise ConfigError(f"invalid cron expression {cron!r} (five fields, e.g. '0 6 * * *')") from None


STALE_DEPLOYMENT_NAME = "peel-stale-refresh"
STALE_AFTER_HOURS = 26.0


def stale_trigger(refresh_deployment: str = DEPLOYMENT_NAME, hours: float = STALE_AFTER_HOURS) -> Any:
    """A proactive trigger: it fires when no run of the refresh deployment has completed in `hours` hours."""
    from datetime import timedelta

    from prefect.events.schemas.automations import Posture
    from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger

    return DeploymentEventTrigger(
        name=f"no {refresh_deployment} completed in {hours:g} h",
        posture=Posture.Proactive,
        expect={"prefect.flow-run.Completed"},
        match_related={"prefect.resource.role": "deployment", "prefect.resource.name": refresh_deployment},
        within=timedelta(hours=hours),
        threshold=1,
        parameters={"hours": hours},
    )


def build_deployments(
    cron: str = DEFAULT_CRON,
    timezone: str = DEFAULT_TIMEZONE,
    settings: dict[str, Any] | None = None,
    run_timeout: float | None = None,
    stale_after_hours: float = STALE_AFTER_HOURS,
) -> list[Any]:
    """The refresh flow as a deployment (cron schedule, one run at a time, the settings overrides as its
    parameter, the configured run timeout), and the stale-refresh alert as a second one, run by a trigger
    when no refresh has completed in `stale_after_hours` (0: no such deployment)."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron

    from peelpipe.flows import refresh_flow, stale_refresh_flow

    check_schedule(cron, timezone)
    flow = refresh_flow.with_options(timeout_seconds=run_timeout) if run_timeout else refresh_flow
    deployments = [
        flow.to_deployment(
            name=DEPLOYMENT_NAME,
            schedule=Cron(cron, timezone=timezone),
            parameters={"settings": dict(settings or {}), "progress": False},
            concurrency_limit=ConcurrencyLimitConfig(
                limit=CONCURRENCY_LIMIT, collision_strategy=ConcurrencyLimitStrategy(COLLISION_STRATEGY)
            ),
            description="peelpipe scheduled refresh: every cycle and force, conditional requests, changes "
            "detected, published and alerted.",
            tags=["peelpipe"],
        )
    ]
    if stale_after_hours > 0:
        deployments.append(
            stale_refresh_flow.to_deployment(
                name=STALE_DEPLOYMENT_NAME,
                parameters={"hours": stale_after_hours, "settings": dict(settings or {})},
                triggers=[stale_trigger(DEPLOYMENT_NAME, stale_after_hours)],
                description=f"Health alert when no peel-refresh run has completed in {stale_after_hours:g} hours.",
                tags=["peelpipe"],
            )
        )
    return deployments


def serve(
    cron: str = DEFAULT_CRON,
    timezone: str = DEFAULT_TIMEZONE,
    settings: dict[str, Any] | None = None,
    run_timeout: float | None = None,
    stale_after_hours: float = STALE_AFTER_HOURS,
    announce: bool = True,
) -> None:
    """Register the deployments and run their scheduled, triggered and manual runs until stopped.

    The schedule stays active when this process stops (``pause_on_shutdown=False``), so a restart
    by systemd or Docker picks up where it left off; runs due while it was down become Late.
    """
    from prefect import serve as prefect_serve

    prefect_serve(
        *build_deployments(cron, timezone, settings, run_timeout, stale_after_hours),
        pause_on_shutdown=False,
        print_starting_message=announce,
    )


def next_scheduled_run(timeout: float = HEALTH_TIMEOUT) -> datetime | None:
    """When the deployment's next scheduled run is due (aware datetime), or None.

    None when there is no reachable server, no such deployment, the deployment is paused or has no
    scheduled run yet. Never raises: `peelpipe status` shows it when it can.
    """
    url = api_url()
    if not url or server_problem(url, timeout):
        return None
    try:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import (
            DeploymentFilter,
            DeploymentFilterId,
            FlowRunFilter,
            FlowRunFilterState,
            FlowRunFilterStateName,
        )
        from prefect.client.schemas.sorting import FlowRunSort

        with get_client(sync_client=True) as client:
            deployment = client.read_deployment_by_name(DEPLOYMENT)
            if deployment.paused:
                return None
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(name=FlowRunFilterStateName(any_=["Scheduled"]))
                ),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC,
                limit=1,
            )
    except Exception:
        return None
    return runs[0].expected_start_time if runs else None
