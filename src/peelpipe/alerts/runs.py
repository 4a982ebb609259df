"""What a run tells its alert channels: the changes it found (with the Markdown digest), a health alert
when a page family keeps failing to parse, and a health alert when the run itself failed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from peelpipe.alerts.deliver import deliver_alerts, deliver_health, destinations
from peelpipe.alerts.digest import write_digest
from peelpipe.config import Catalogue
from peelpipe.transform.build import RunInfo
from peelpipe.warehouse import Warehouse


def alert_step(
    catalogue: Catalogue, warehouse: Warehouse
) -> Callable[[dict[str, list[dict[str, Any]]], RunInfo], dict[str, int]]:
    """The delivery step of a run: the Markdown digest beside the warehouse, each channel's alerts,
    and a health alert when a page family has failed to parse health_after_runs runs in a row."""

    def deliver(tables: dict[str, list[dict[str, Any]]], run: RunInfo) -> dict[str, int]:
        now = datetime.now(UTC)
        new = [c for c in tables["changes"] if c["run_id"] == run.run_id]
        counts = {"digest": 0, "sent": 0, "failed": 0, "health": 0}
        if catalogue.settings.digest and new:
            path = write_digest(warehouse.root / "digests", run.run_id, new)
            counts["digest"] = 1
            tables["alerts"].extend(
                {
                    "change_id": c["change_id"],
                    "channel": f"digest:{path.name}",
                    "status": "sent",
                    "sent_at": now,
                    "error": None,
                }
                for c in new
                if c["announce"]
            )
        targets = destinations(catalogue.settings)
        rows = deliver_alerts(tables["changes"], tables["alerts"], targets, now)
        tables["alerts"].extend(rows)
        counts["sent"] = sum(1 for r in rows if r["status"] == "sent")
        counts["failed"] = sum(1 for r in rows if r["status"] == "failed")
        for family in failing_families(tables["runs"], catalogue.settings.health_after_runs):
            counts["health"] += deliver_health(
                targets,
                f"peelpipe: {family} pages stopped parsing",
                f"{family} pages have been fetched but not read in the last {catalogue.settings.health_after_runs} "
                "runs: the site's markup or wording may have changed. See 'peelpipe status' for the parse issues.",
            )
        return counts

    return deliver


def failing_families(runs: list[dict[str, Any]], after: int) -> list[str]:
    """Page families (cycle/kind) that failed in exactly the last `after` runs in a row (alert once)."""
    recent = sorted(runs, key=lambda r: r["started_at"], reverse=True)
    if not recent:
        return []
    result = []
    for family in filter(None, (recent[0].get("families_failing") or "").split(",")):
        streak = 0
        for row in recent:
            if family not in (row.get("families_failing") or "").split(","):
                break
            streak += 1
        if streak == after:
            result.append(family)
    return result


def alert_run_failed(catalogue: Catalogue, mode: str, error: BaseException) -> int:
    """Tell the health channels that a run failed (the warehouse keeps its previous snapshot)."""
    first_line = (str(error).splitlines() or [type(error).__name__])[0]
    return deliver_health(
        destinations(catalogue.settings),
        f"peelpipe {mode} failed",
        f"peelpipe {mode} failed: {type(error).__name__}: {first_line}. The warehouse still holds "
        "the previous snapshot.",
    )
