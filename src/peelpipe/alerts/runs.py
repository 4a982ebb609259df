"""What a run tells its alert channels: the changes it found (with the Markdown digest), a health alert
when a page family keeps failing to parse or reads fewer grades than its pages promise, and a health
alert when the run itself failed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from peelpipe.alerts.deliver import deliver_alerts, deliver_health, destinations
from peelpipe.alerts.digest import write_digest
from peelpipe.config import Catalogue
from peelpipe.redact import hide_credentials
from peelpipe.settings import Settings
from peelpipe.transform.build import RunInfo
from peelpipe.transform.health import over_threshold, parse_shortfall
from peelpipe.warehouse import Warehouse


def alert_step(
    catalogue: Catalogue, warehouse: Warehouse
) -> Callable[[dict[str, list[dict[str, Any]]], RunInfo], dict[str, int]]:
    """The delivery step of a run: the Markdown digest beside the warehouse, each channel's alerts,
    and health alerts: a page family failed to parse health_after_runs runs in a row, or its pages
    read fewer grades than they promise (short_families)."""

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
        settings = catalogue.settings
        for family, short, total in short_families(
            tables["runs"], settings.health_shortfall_share, settings.health_shortfall_min_pages
        ):
            counts["health"] += deliver_health(targets, *shortfall_alert(family, short, total, settings))
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


def short_families(runs: list[dict[str, Any]], share: float, min_pages: int) -> list[tuple[str, int, int]]:
    """(family, pages short, pages with a promise) of the latest run's families over the threshold,
    leaving out a family whose previous conclusive run (min_pages or more such pages) was over it too:
    an ongoing shortfall is told once, when it starts."""
    recent = sorted(runs, key=lambda r: r["started_at"], reverse=True)
    if not recent:
        return []
    earlier = [parse_shortfall(r.get("grade_shortfall")) for r in recent[1:]]
    result = []
    for family, (short, total) in parse_shortfall(recent[0].get("grade_shortfall")).items():
        if not over_threshold(short, total, share, min_pages):
            continue
        before = next((s[family] for s in earlier if s.get(family, (0, 0))[1] >= min_pages), None)
        if before is None or not over_threshold(*before, share, min_pages):
            result.append((family, short, total))
    return result


def shortfall_alert(family: str, short: int, total: int, settings: Settings) -> tuple[str, str]:
    """Title and message of the health alert for a family whose pages read fewer grades than promised."""
    return (
        f"peelpipe: {family} pages read fewer grades than they promise",
        f"{short} of the {total} {family} pages read in this run that state how many grades they carry "
        f"yielded fewer grades than that (alert at {settings.health_shortfall_share:.0%} of at least "
        f"{settings.health_shortfall_min_pages} pages). The site's layout or wording may have changed: "
        "grades may be missing from the warehouse. See 'peelpipe status' and the pages' "
        "facts and parse issues.",
    )


def alert_run_failed(catalogue: Catalogue, mode: str, error: BaseException) -> int:
    """Tell the health channels that a run failed (the warehouse keeps its previous snapshot)."""
    first_line = hide_credentials((str(error).splitlines() or [type(error).__name__])[0])
    return deliver_health(
        destinations(catalogue.settings),
        f"peelpipe {mode} failed",
        f"peelpipe {mode} failed: {type(error).__name__}: {first_line}. The warehouse still holds "
        "the previous snapshot.",
    )
