"""The Prefect flows: the scheduled refresh and the backfill over chosen cycles and forces.

Each flow runs `pipeline.run_pipeline` with its three coarse steps wrapped as tasks (discover,
fetch and parse one cycle, build and publish), so the order of the steps is written only there.
Parameters are typed (a settings model, lists of ids), so Prefect's UI shows a form and refuses a
bad value when a run is submitted. Prefect is imported here and nowhere else in the library but
the command line's wiring.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import httpx
from prefect import Flow, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import FlowRun, State
from prefect.utilities.annotations import quote
from pydantic import BaseModel, ConfigDict, Field, field_serializer

from peelpipe import pipeline
from peelpipe.alerts import render_markdown
from peelpipe.alerts.runs import alert_run_failed
from peelpipe.config import Catalogue, load
from peelpipe.errors import PeelpipeError
from peelpipe.fetch import RequestBudget
from peelpipe.models import PageRef
from peelpipe.monitoring import monitoring_step
from peelpipe.redact import without_credentials
from peelpipe.report import coverage, cycle_line, progress_printer, run_summary_text
from peelpipe.settings import Settings
from peelpipe.transform.build import PageOutcome, RunInfo
from peelpipe.transform.monitoring import MonitoringOutcome

CycleId = Annotated[str, Field(pattern=r"^[0-9]{4}(-[0-9]{2})?$", examples=["2017", "2023-25"])]
ForceId = Annotated[str, Field(pattern=r"^[a-z]+(-[a-z]+)*$", examples=["staffordshire"])]
RETRY_DELAYS_S: list[float] = [30.0, 120.0]


class RunSettings(BaseModel):
    """Settings a flow run may override (each left empty takes config/ and PEELPIPE_* variables).

    Secrets (alert URLs) are not among them: they come from the worker's environment, so they never
    show in the UI. A base URL's user:password@ is used by a run started in this process but is left
    out of the parameters Prefect stores and shows. A value of the wrong type, an unknown key, NaN or
    infinity is refused."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    base_url: Annotated[str | None, Field(pattern=r"^https?://[^\s]+$")] = None
    warehouse: str | None = None
    request_delay: Annotated[float | None, Field(ge=0, le=600)] = None
    timeout: Annotated[float | None, Field(gt=0, le=600)] = None
    max_retries: Annotated[int | None, Field(ge=0, le=20)] = None
    max_requests: Annotated[int | None, Field(ge=0)] = None
    refresh_closed_days: Annotated[int | None, Field(ge=1)] = None
    keep_snapshots: Annotated[int | None, Field(ge=1)] = None
    respect_robots: bool | None = None
    digest: bool | None = None
    feed: bool | None = None
    health_after_runs: Annotated[int | None, Field(ge=1)] = None

    @field_serializer("base_url", when_used="json")
    def _public_base_url(self, base_url: str | None) -> str | None:
        return without_credentials(base_url) if base_url else base_url

    def overrides(self) -> dict[str, Any]:
        """The settings given, as load()'s overrides."""
        return self.model_dump(exclude_none=True)


def transient_only(task: Any, task_run: Any, state: State) -> bool:
    """Retry a task only for errors that may pass (network trouble), never for a bug, a 403 or bad config."""
    try:
        state.result()
    except PeelpipeError as exc:
        return exc.transient
    except httpx.TransportError:
        return True
    except Exception:
        return False
    return False


@task(
    name="discover-pages",
    cache_policy=NO_CACHE,
    retries=len(RETRY_DELAYS_S),
    retry_delay_seconds=RETRY_DELAYS_S,
    retry_condition_fn=transient_only,
)
def discover_task(
    catalogue: Catalogue, planned: list[PageRef], cycle_ids: list[str], force_ids: list[str], budget: RequestBudget
) -> tuple[list[PageRef], dict[str, int]]:
    """Reports listed on the index pages that the URL patterns did not predict."""
    return pipeline.discover_step(catalogue, planned, cycle_ids, force_ids, budget)


@task(
    name="fetch-and-parse-cycle",
    task_run_name="fetch-and-parse-{refs[0].cycle_id}",
    cache_policy=NO_CACHE,
    retries=len(RETRY_DELAYS_S),
    retry_delay_seconds=RETRY_DELAYS_S,
    retry_condition_fn=transient_only,
)
def fetch_cycle_task(
    catalogue: Catalogue,
    refs: list[PageRef],
    previous_pages: dict[str, dict[str, Any]],
    budget: RequestBudget,
    progress: pipeline.Progress | None = None,
) -> tuple[list[PageOutcome], dict[str, int]]:
    """Fetch (conditionally) and parse one cycle's pages; log the cycle's line to the run's logs."""
    outcomes, stats = pipeline.fetch_cycle_step(catalogue, refs, previous_pages, budget, progress)
    get_run_logger().info(cycle_line(refs[0].cycle_id, pipeline.cycle_stats(outcomes, stats)))
    return outcomes, stats


@task(
    name="read-monitoring-pages",
    cache_policy=NO_CACHE,
    retries=len(RETRY_DELAYS_S),
    retry_delay_seconds=RETRY_DELAYS_S,
    retry_condition_fn=transient_only,
)
def monitoring_task(catalogue: Catalogue, budget: RequestBudget) -> tuple[list[MonitoringOutcome], dict[str, int]]:
    """Fetch (conditionally) and read the Engage pages, once per run."""
    return monitoring_step(catalogue, budget)


@task(name="build-and-publish", cache_policy=NO_CACHE)
def publish_task(catalogue: Catalogue, outcomes: list[PageOutcome], run: RunInfo, alerts: bool) -> pipeline.RunSummary:
    """Merge into the current snapshot, detect changes, deliver alerts if due, publish atomically."""
    return pipeline.publish_step(catalogue, outcomes, run, alerts)


R = TypeVar("R")


def as_task(step: Callable[..., R]) -> Callable[..., R]:
    """Call a task with quoted arguments: Prefect then passes them through as they are instead of
    walking every element of every page's row in search of futures."""

    def call(*args: Any) -> R:
        return step(*(quote(a) for a in args))

    return call


TASKS = pipeline.Steps(
    discover=as_task(discover_task),
    fetch_cycle=as_task(fetch_cycle_task),
    publish=as_task(publish_task),
    monitoring=as_task(monitoring_task),
)


def _run(
    catalogue: Catalogue, cycle_ids: list[str], force_ids: list[str], mode: str, alerts: bool, progress: bool
) -> dict[str, Any]:
    summary = pipeline.run_pipeline(
        catalogue,
        cycle_ids,
        force_ids,
        mode=mode,
        announce=alerts,
        alerts=alerts,
        progress=progress_printer(not progress),
        steps=TASKS,
    )
    text = run_summary_text(summary, catalogue)
    get_run_logger().info("%s", text)
    create_markdown_artifact(
        key="peel-run-summary", markdown=f"```\n{text}\n```", description=f"peelpipe {mode} summary"
    )
    create_markdown_artifact(
        key="peel-grade-changes", markdown=render_markdown(summary.changes), description=f"changes found by this {mode}"
    )
    assessments = pipeline.open_warehouse(catalogue).read_table("assessments")
    rows = [
        {k: ", ".join(v) if k == "missing" else v for k, v in row.items()} for row in coverage(catalogue, assessments)
    ]
    create_table_artifact(key="peel-coverage", table=rows, description="forces found per cycle, gaps named")
    return {"summary": summary, "text": text}


def _settings_of(flow_run: FlowRun) -> dict[str, Any]:
    raw = (flow_run.parameters or {}).get("settings") or {}
    return RunSettings.model_validate(raw, strict=False).overrides() if isinstance(raw, dict) else raw.overrides()


def _health_alert(flow: Any, flow_run: FlowRun, state: State) -> None:
    """A scheduled run that failed, crashed or timed out tells the health channels."""
    message = state.message or state.name or "failed"
    try:
        state.result()
    except BaseException as exc:
        error: BaseException = exc
    else:
        error = RuntimeError(message)
    alert_run_failed(load(_settings_of(flow_run)), "scheduled run", error)


def _cancelled(flow: Any, flow_run: FlowRun, state: State) -> None:
    """A cancelled run published nothing: say so in its logs, and on the health channels for a scheduled run."""
    logging.getLogger("peelpipe").warning("run %s cancelled: the previous snapshot is still current", flow_run.name)
    if flow.name == REFRESH_FLOW_NAME:
        alert_run_failed(
            load(_settings_of(flow_run)), "scheduled run", RuntimeError(f"cancelled ({state.message or state.name})")
        )


REFRESH_FLOW_NAME = "peel-refresh"
DEFAULT_TIMEOUT_S = Settings.run_timeout


@flow(name="peel-backfill", log_prints=False, timeout_seconds=DEFAULT_TIMEOUT_S, on_cancellation=[_cancelled])
def backfill_flow(
    cycles: list[CycleId] | None = None,
    forces: list[ForceId] | None = None,
    alerts: bool = False,
    settings: RunSettings | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Fetch, parse and publish the given cycles and forces (empty: all). Records changes; alerts only when asked."""
    catalogue = load((settings or RunSettings()).overrides())
    return _run(
        catalogue,
        catalogue.cycle_ids(",".join(cycles or ["all"])),
        catalogue.force_ids(",".join(forces or ["all"])),
        "backfill",
        alerts,
        progress,
    )


@flow(
    name=REFRESH_FLOW_NAME,
    log_prints=False,
    timeout_seconds=DEFAULT_TIMEOUT_S,
    on_failure=[_health_alert],
    on_crashed=[_health_alert],
    on_cancellation=[_cancelled],
)
def refresh_flow(settings: RunSettings | None = None, progress: bool = False) -> dict[str, Any]:
    """The scheduled run: every cycle and force, conditional requests, changes announced and delivered."""
    catalogue = load((settings or RunSettings()).overrides())
    return _run(catalogue, list(catalogue.cycles), list(catalogue.forces), "run", True, progress)


F = TypeVar("F", bound=Flow[Any, Any])


def with_configured_timeout(a_flow: F, settings: Settings) -> F:
    """The flow with the configured run timeout (setting `run_timeout`, PEELPIPE_RUN_TIMEOUT)."""
    return a_flow.with_options(timeout_seconds=settings.run_timeout)  # type: ignore[return-value]


STALE_FLOW_NAME = "peel-stale-refresh"


@flow(name=STALE_FLOW_NAME, log_prints=False, timeout_seconds=300)
def stale_refresh_flow(hours: Annotated[float, Field(gt=0)] = 26.0, settings: RunSettings | None = None) -> int:
    """Run by the stale-refresh trigger: no refresh run has completed in `hours` hours. Tells the health
    channels; returns how many received it."""
    from peelpipe.alerts import deliver_health, destinations

    catalogue = load((settings or RunSettings()).overrides())
    get_run_logger().warning("no peel-refresh run has completed in %g hours", hours)
    return deliver_health(
        destinations(catalogue.settings),
        "peelpipe: no refresh completed",
        f"No scheduled peelpipe refresh has completed in {hours:g} hours: the schedule, its worker "
        "or the site may be down. The warehouse still holds the last snapshot.",
    )
