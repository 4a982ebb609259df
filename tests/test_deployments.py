"""Scheduled runs for real: `peelpipe serve` and prefect.yaml + a process worker, against the test
session's real `prefect server start` (tests/prefectserver.py)."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import ROOT
from prefectserver import MARKER, MARKER_VAR, PEELPIPE, PREFECT, RUN_TIMEOUT, Proc, Server, free_port

from peelpipe import schedule
from peelpipe.samplesite import serve_site

pytestmark = pytest.mark.prefect


@contextmanager
def prefect_client(server: Server) -> Iterator[Any]:
    """A synchronous Prefect client of the test server, from this (pytest) process."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: server.url}), get_client(sync_client=True) as client:
        yield client


def wait_for(what: str, probe: Callable[[], Any], timeout: float, procs: list[Proc], interval: float = 0.5) -> Any:
    """Poll ``probe`` until it returns something truthy, failing early if a process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            proc.check_alive()
        value = probe()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:g} s waiting for {what}\n" + "\n".join(p.log_tail() for p in procs))


def find_deployment(client: Any) -> Any:
    from prefect.exceptions import ObjectNotFound

    try:
        return client.read_deployment_by_name(schedule.DEPLOYMENT)
    except ObjectNotFound:
        return None


def trigger(server: Server, parameters: dict[str, Any] | None = None) -> Any:
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: server.url}):
        return run_deployment(schedule.DEPLOYMENT, parameters=parameters, timeout=0)


def wait_final(server: Server, run_ids: list[Any], procs: list[Proc]) -> list[Any]:
    with prefect_client(server) as client:

        def probe() -> list[Any] | None:
            runs = [client.read_flow_run(run_id) for run_id in run_ids]
            return runs if all(r.state and r.state.is_final() for r in runs) else None

        return wait_for("flow runs to finish", probe, RUN_TIMEOUT, procs)


def assert_published(warehouse: Path) -> None:
    import json

    assert (warehouse / "CURRENT").exists(), f"no snapshot published in {warehouse}"
    manifest = json.loads((warehouse / "CURRENT").read_text())
    judgements = pq.read_table(warehouse / manifest["tables"]["judgements"]["path"])
    assert judgements.num_rows > 0


def assert_schedule(deployment: Any) -> None:
    (item,) = deployment.schedules
    assert item.active and item.schedule.cron == schedule.DEFAULT_CRON
    assert item.schedule.timezone == schedule.DEFAULT_TIMEZONE
    assert deployment.global_concurrency_limit.limit == 1  # Prefect 3.9 keeps the deployment limit here
    assert deployment.concurrency_options.collision_strategy.value == schedule.COLLISION_STRATEGY


def test_serve_without_a_server_exits_1_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEELPIPE_") and k != "PREFECT_API_URL"}
    env.update(
        {MARKER_VAR: MARKER, "PEELPIPE_CONFIG_DIR": str(ROOT / "config"), "PREFECT_HOME": str(tmp_path / "home")}
    )
    dead = f"http://127.0.0.1:{free_port()}/api"
    for api_url in (None, dead):
        run_env = env if api_url is None else {**env, "PREFECT_API_URL": api_url}
        done = subprocess.run(
            [PEELPIPE, "serve", "--warehouse", str(tmp_path / "wh")],
            env=run_env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            start_new_session=True,
        )
        assert done.returncode == 1 and done.stdout == "", done
        lines = done.stderr.splitlines()
        assert len(lines) == 1, done.stderr
        assert "prefect server start --background" in lines[0]
        assert "export PREFECT_API_URL=http://127.0.0.1:4200/api" in lines[0]
        assert (api_url or "not set") in lines[0]
    assert not (tmp_path / "wh").exists()


def test_no_server_means_no_next_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{free_port()}/api")
    assert schedule.server_problem(os.environ["PREFECT_API_URL"], timeout=1.0)
    assert schedule.next_scheduled_run(timeout=1.0) is None


def test_prefect_yaml_matches_the_served_deployments() -> None:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    deployment, stale, s3_variant = config["deployments"]
    assert s3_variant["parameters"]["settings"]["warehouse"].startswith("s3://")  # and no credential anywhere:
    assert not {"aws_access_key_id", "aws_secret_access_key"} & {
        k.lower() for k in s3_variant["work_pool"]["job_variables"]["env"]
    }
    assert stale["entrypoint"] == "flows/peel.py:stale_refresh_flow"
    assert (
        stale["name"] == schedule.STALE_DEPLOYMENT_NAME and stale["parameters"]["hours"] == schedule.STALE_AFTER_HOURS
    )
    (trigger_def,) = stale["triggers"]
    expected = schedule.stale_trigger()
    assert trigger_def["posture"] == expected.posture and set(trigger_def["expect"]) == expected.expect
    assert trigger_def["within"] == expected.within.total_seconds()
    assert trigger_def["match_related"] == expected.match_related.model_dump()
    assert f"peel-refresh/{deployment['name']}" == schedule.DEPLOYMENT
    assert deployment["entrypoint"] == "flows/peel.py:refresh_flow"
    assert deployment["work_pool"]["name"] == schedule.WORK_POOL
    assert deployment["schedules"] == [
        {"cron": schedule.DEFAULT_CRON, "timezone": schedule.DEFAULT_TIMEZONE, "active": True}
    ]
    assert deployment["concurrency_limit"] == {
        "limit": schedule.CONCURRENCY_LIMIT,
        "collision_strategy": schedule.COLLISION_STRATEGY,
    }
    (pull,) = config["pull"]
    assert pull == {"prefect.deployments.steps.set_working_directory": {"directory": "{{ project-dir.stdout }}"}}


def test_peelpipe_serve_runs_the_scheduled_deployment(prefect_server: Server, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse"
    with serve_site() as site:
        serve = prefect_server.start(
            "serve",
            [PEELPIPE, "serve", "--warehouse", str(warehouse), "--base-url", site.url],
            prefect_server.env(PREFECT_RUNNER_POLL_FREQUENCY="1", PEELPIPE_REQUEST_DELAY="0"),
        )
        try:
            with prefect_client(prefect_server) as client:
                deployment = wait_for("the served deployment", lambda: find_deployment(client), 60, [serve])
            assert deployment.parameters["settings"] == {"warehouse": str(warehouse.resolve()), "base_url": site.url}
            assert_schedule(deployment)
            assert not deployment.paused
            with prefect_client(prefect_server) as client:  # the stale-refresh alert and its proactive trigger

                def stale_automations() -> Any:
                    from prefect.exceptions import ObjectNotFound

                    try:  # serve registers its deployments one by one: this one may come a moment later
                        stale = client.read_deployment_by_name(f"peel-stale-refresh/{schedule.STALE_DEPLOYMENT_NAME}")
                    except ObjectNotFound:
                        return None
                    return client.read_resource_related_automations(f"prefect.deployment.{stale.id}")

                (automation,) = wait_for("the stale-refresh deployment's automation", stale_automations, 60, [serve])
            assert (
                automation.trigger.posture.value == "Proactive" and automation.trigger.within.total_seconds() == 93600
            )
            assert automation.trigger.expect == {"prefect.flow-run.Completed"}
            assert automation.trigger.match_related.model_dump() == {
                "prefect.resource.role": "deployment",
                "prefect.resource.name": schedule.DEPLOYMENT_NAME,
            }

            # Two runs at once: the concurrency limit lets one run and cancels the other (CANCEL_NEW);
            # should the runner pick them up one after the other, they must at least not overlap.
            first, second = trigger(prefect_server), trigger(prefect_server)
            runs = wait_final(prefect_server, [first.id, second.id], [serve])
            completed = [r for r in runs if r.state.is_completed()]
            assert completed, f"{[(r.state.name, r.state.message) for r in runs]}\n{serve.log_tail()}"
            if len(completed) == 1:
                (cancelled,) = [r for r in runs if not r.state.is_completed()]
                assert cancelled.state.is_cancelled() and "concurrency" in (cancelled.state.message or "").lower()
            else:
                a, b = sorted(completed, key=lambda r: r.start_time)
                assert a.end_time <= b.start_time
            assert_published(warehouse)

            def next_run() -> Any:
                from prefect.settings import PREFECT_API_URL, temporary_settings

                with temporary_settings(updates={PREFECT_API_URL: prefect_server.url}):
                    return schedule.next_scheduled_run()

            due = wait_for("the next scheduled run", next_run, 60, [serve], interval=1.0)
            local = due.astimezone(ZoneInfo("Europe/London"))
            assert (local.hour, local.minute) == (6, 0) and due.timestamp() > time.time()
            status = subprocess.run(
                [PEELPIPE, "status", "--json", "--warehouse", str(warehouse)],
                capture_output=True,
                text=True,
                timeout=60,
                env=prefect_server.env(PREFECT_API_URL=prefect_server.url),
            )
            assert json.loads(status.stdout)["next_scheduled_run"] == due.isoformat(), status.stderr
        finally:
            returncode = serve.stop()
    assert returncode == 0, serve.log_tail()
    with prefect_client(prefect_server) as client:  # pause_on_shutdown=False: the schedule survives
        deployment = find_deployment(client)
    assert not deployment.paused and deployment.schedules[0].active


def test_prefect_yaml_deployments_run_on_a_process_worker(prefect_server: Server, tmp_path: Path) -> None:
    env = prefect_server.env()
    prefect_server.run([PREFECT, "work-pool", "create", schedule.WORK_POOL, "--type", "process"], env)
    prefect_server.run([PREFECT, "work-pool", "create", "peel-s3", "--type", "process"], env)  # the S3 variant's
    prefect_server.run([PREFECT, "--no-prompt", "deploy", "--all"], env)
    with prefect_client(prefect_server) as client:
        deployment = find_deployment(client)
        stale = client.read_deployment_by_name(f"peel-stale-refresh/{schedule.STALE_DEPLOYMENT_NAME}")
        (automation,) = client.read_resource_related_automations(f"prefect.deployment.{stale.id}")
    assert deployment.work_pool_name == schedule.WORK_POOL
    assert deployment.entrypoint == "flows/peel.py:refresh_flow"
    assert deployment.pull_steps == [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}]
    assert deployment.job_variables["env"]["PREFECT_LOGGING_EXTRA_LOGGERS"] == "peelpipe"
    assert_schedule(deployment)
    assert stale.entrypoint == "flows/peel.py:stale_refresh_flow" and stale.work_pool_name == schedule.WORK_POOL
    assert automation.trigger.posture.value == "Proactive" and automation.trigger.within.total_seconds() == 93600

    warehouse = tmp_path / "warehouse"
    with serve_site() as site:
        # Started elsewhere on purpose: the deployment's pull step brings each run to the project folder.
        worker = prefect_server.start(
            "worker",
            [PREFECT, "worker", "start", "--pool", schedule.WORK_POOL],
            prefect_server.env(
                PREFECT_WORKER_QUERY_SECONDS="1",
                PEELPIPE_REQUEST_DELAY="0",
                PEELPIPE_WAREHOUSE=str(warehouse),
                PEELPIPE_BASE_URL=site.url,
            ),
            cwd=tmp_path,
        )
        try:
            run = trigger(prefect_server)
            (finished,) = wait_final(prefect_server, [run.id], [worker])
            assert finished.state.is_completed(), (finished.state, worker.log_tail())
            assert_published(warehouse)
        finally:
            returncode = worker.stop()
    assert returncode == 0, worker.log_tail()
