"""Changes as Markdown a person who has never seen the data can read."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from peelpipe.warehouse.store import write_atomic

_TYPE_HEADINGS = {
    "entered_engage": "Forces moved into Engage (enhanced monitoring)",
    "left_engage": "Forces moved out of Engage (enhanced monitoring)",
    "downgrade": "Downgrades",
    "upgrade": "Upgrades",
    "correction": "Grades changed on a published page",
    "newly_graded": "Newly graded",
    "withdrawn": "No longer on the site",
    "not_comparable": "Different grade after a framework change (not directly comparable)",
    "findings_changed": "Findings changed on a published page",
    "new_assessment": "Assessments found for the first time",
    "engage_dates_corrected": "Engage dates changed on the monitoring pages",
}


def render_markdown(changes: Sequence[dict[str, Any]], title: str = "PEEL grade changes") -> str:
    """A Markdown report of changes, grouped by kind, most important first."""
    lines = [f"# {title}", ""]
    if not changes:
        lines.append("No changes.")
        return "\n".join(lines) + "\n"
    lines.append(
        f"{len(changes)} change(s) in the grades HMICFRS, the police inspectorate, gives the police forces "
        "of England and Wales in its PEEL assessments (police effectiveness, efficiency and legitimacy)."
    )
    lines.append("")
    lines.append(
        "Grades, best first: outstanding, good, adequate (from 2021/22), requires improvement, inadequate. "
        "An upgrade or downgrade compares a force's grade for the same area with the previous PEEL cycle. "
        "HMICFRS changed its framework in 2021/22 and again in 2023–25 and says grades across those changes "
        "cannot be compared directly: such pairs are listed as not comparable, not as better or worse."
    )
    if any(c["change_type"] in ("entered_engage", "left_engage") for c in changes):
        lines += [
            "",
            "HMICFRS monitors every force at one of two stages: Scan (routine) or Engage (enhanced monitoring, "
            "what the press calls special measures).",
        ]
    for kind, heading in _TYPE_HEADINGS.items():
        group = [c for c in changes if c["change_type"] == kind]
        if not group:
            continue
        lines += ["", f"## {heading} ({len(group)})", ""]
        for change in sorted(group, key=lambda c: (c["force_id"], c.get("area_id") or "", c["to_cycle_id"])):
            link = f" — [source]({change['source_url']})" if change.get("source_url") else ""
            detected = change["detected_at"]
            when = detected.strftime("%Y-%m-%d") if hasattr(detected, "strftime") else str(detected)[:10]
            lines.append(f"- {change['summary']} (seen {when}){link}")
    return "\n".join(lines) + "\n"


def write_digest(directory: Path, run_id: str, changes: Sequence[dict[str, Any]]) -> Path:
    """Write digests/<run_id>.md and digests/latest.md beside the warehouse; returns the run's file."""
    text = render_markdown(changes, f"PEEL grade changes — run {run_id}")
    path = directory / f"{run_id}.md"
    write_atomic(path, text.encode())
    write_atomic(directory / "latest.md", text.encode())
    return path
