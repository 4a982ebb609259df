"""Text for people: run summaries, warehouse status and coverage, change tables, query results.

Text from pages may hold terminal control sequences: every text here escapes control characters
(safetext.escape_controls), so printing it never lets a page drive the terminal.
"""

from __future__ import annotations

import contextlib
import io
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from peelpipe.config import Catalogue
from peelpipe.grades import grade_label
from peelpipe.pipeline import RunSummary
from peelpipe.safetext import escape_controls
from peelpipe.transform.health import parse_shortfall


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def shortfall_note(grade_shortfall: str | None) -> str:
    """The families of a runs.grade_shortfall value whose pages read fewer grades than promised, e.g.
    '2023-25/report 5 of 5 pages', or '' when none."""
    shortfall = parse_shortfall(grade_shortfall)
    return ", ".join(f"{family} {short} of {total} pages" for family, (short, total) in shortfall.items() if short)


def run_summary_text(
    summary: RunSummary,
    catalogue: Catalogue,
    judgements: list[dict[str, Any]] | None = None,
    assessments: list[dict[str, Any]] | None = None,
) -> str:
    """A short, readable account of a run."""
    s = summary.stats
    lines = [
        f"peelpipe {summary.mode} {summary.run_id}: snapshot {summary.snapshot_id} published in {summary.warehouse}"
    ]
    if assessments is not None:
        forces = {a["force_id"] for a in assessments}
        cycles = {a["cycle_id"] for a in assessments}
        lines.append(
            f"  assessments   {len(assessments)} force x cycle combinations found "
            f"({_n(len(forces), 'force')}, {_n(len(cycles), 'cycle')})"
        )
    if judgements is not None:
        graded = sum(1 for j in judgements if j["grade_status"] == "graded")
        lines.append(f"  judgements    {len(judgements)} in the warehouse, {graded} with a grade")
    lines.append(
        f"  pages         {summary.pages_planned} planned: {s.get('pages_parsed', 0)} parsed, "
        f"{s.get('pages_reused', 0)} unchanged (not re-parsed), {s.get('pages_not_found', 0)} not on the site, "
        f"{s.get('pages_unreadable', 0)} unreadable, {s.get('pages_failed', 0)} failed"
    )
    if s.get("pages_over_budget"):
        lines.append(
            f"  budget        request budget reached: {s['pages_over_budget']} pages left for the next run "
            "(max_requests or retry_after_budget spent; they are fetched first next time)"
        )
    if s.get("requests") is not None and summary.mode != "replay":
        lines.append(
            f"  requests      {s.get('requests', 0)} ({s.get('not_modified', 0)} answered 304 Not Modified), "
            f"{s.get('bytes_downloaded', 0) / 1024:.0f} KiB downloaded"
        )
    kinds = Counter(c["change_type"] for c in summary.changes)
    lines.append(
        f"  changes       {len(summary.changes)} new"
        + (" (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ")" if kinds else "")
    )
    errors = [i for i in summary.issues if i["severity"] == "error"]
    lines.append(f"  parse issues  {len(summary.issues)} ({len(errors)} errors)")
    for issue in errors[:5]:
        lines.append(f"    - {issue['reason']}: {issue['source_url']} ({issue['detail'][:100]})")
    short = shortfall_note(summary.grade_shortfall)
    if short:
        lines.append(f"  short grades  pages that read fewer grades than they promise: {short}")
    if summary.alerts:
        lines.append("  alerts        " + ", ".join(f"{k} {v}" for k, v in summary.alerts.items()))
    if summary.skipped_cycles:
        lines.append(f"  skipped       cycles {', '.join(summary.skipped_cycles)}: no parser for their pages yet")
    return escape_controls("\n".join(lines))


def coverage(catalogue: Catalogue, assessments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per cycle: forces expected, found, and the missing ones by name."""
    found: dict[str, set[str]] = {}
    for row in assessments:
        found.setdefault(row["cycle_id"], set()).add(row["force_id"])
    rows = []
    for cycle in catalogue.cycles.values():
        have = found.get(cycle.id, set())
        rows.append(
            {
                "cycle_id": cycle.id,
                "label": cycle.label,
                "expected": len(catalogue.forces),
                "found": len(have),
                "missing": sorted(set(catalogue.forces) - have),
                "status": cycle.status,
            }
        )
    return rows


def status_text(catalogue: Catalogue, manifest: dict[str, Any] | None, tables: dict[str, list[dict[str, Any]]]) -> str:
    """The warehouse's current snapshot, coverage, last runs and parse issues."""
    if manifest is None:
        return "No snapshot published yet: run 'peelpipe backfill' (or 'peelpipe demo')."
    lines = [
        f"snapshot {manifest['snapshot_id']} (schema {manifest['schema_version']}), created {manifest['created_at']}",
        "  tables: " + ", ".join(f"{k} {v['rows']}" for k, v in manifest["tables"].items()),
        "",
        "coverage (forces found / expected):",
    ]
    for row in coverage(catalogue, tables.get("assessments", [])):
        missing = row["missing"]
        gap = (
            ""
            if not missing
            else (f"; missing {', '.join(missing[:6])}" + (f" and {len(missing) - 6} more" if len(missing) > 6 else ""))
        )
        lines.append(f"  {row['label']:<16} {row['found']:>2}/{row['expected']} [{row['status']}]{gap}")
    runs = sorted(tables.get("runs", []), key=lambda r: r["started_at"])[-5:]
    if runs:
        lines += ["", "last runs:"]
        for run in reversed(runs):
            lines.append(
                f"  {run['started_at']:%Y-%m-%d %H:%M} {run['mode']:<8} {run['outcome']:<22} {run['scope']}: "
                f"{run['requests']} requests ({run['not_modified']} x 304), {run['pages_parsed']} parsed, "
                f"{run['changes']} changes"
            )
            short = shortfall_note(run.get("grade_shortfall"))
            if short:
                lines.append(f"    fewer grades than promised: {short}")
    issues = tables.get("parse_issues", [])
    counts = Counter((i["severity"], i["reason"]) for i in issues)
    lines += ["", f"parse issues: {len(issues)}"]
    for (severity, reason), n in sorted(counts.items()):
        lines.append(f"  {severity:<8} {reason:<28} {n}")
    return escape_controls("\n".join(lines))


def changes_table(changes: list[dict[str, Any]]) -> str:
    """Changes as a plain text table."""
    if not changes:
        return "No changes."
    header = f"{'detected':<11} {'type':<15} {'force':<20} {'area':<40} {'from':<30} to"
    lines = [header, "-" * len(header)]
    for c in changes:
        before = f"{grade_label(c['from_grade'])} ({c['from_cycle_id']})" if c.get("from_cycle_id") else "-"
        after = f"{grade_label(c['to_grade'])} ({c['to_cycle_id']})" if c["to_cycle_id"] else str(c["to_grade"])
        lines.append(
            f"{c['detected_at']:%Y-%m-%d}  {c['change_type']:<15} {c['force_id']:<20} "
            f"{(c.get('area_id') or '-'):<40} {before:<30} {after}"
        )
    return escape_controls("\n".join(lines))


def print_query_result(relation: Any, fmt: str, limit: int, *, csv_guard: bool = True) -> None:
    """Print a DuckDB query result (a DuckDBPyRelation) as DuckDB's table of at most `limit` rows,
    control characters escaped, or ("csv") as CSV, text that starts like a formula guarded unless
    `csv_guard` is False (warehouse/export.py guard_cell)."""
    if fmt == "csv":
        from peelpipe.warehouse.export import guard_frame

        frame = relation.df()
        (guard_frame(frame) if csv_guard else frame).to_csv(sys.stdout, index=False)
        return
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):  # show() prints; escape what it prints
        relation.show(max_width=200, max_rows=limit)
    print(escape_controls(shown.getvalue()), end="")


def progress_bar(number: int, total: int, elapsed: float, width: int = 24) -> str:
    """A text progress bar with the count and, once it can be estimated, the time left."""
    done = min(width, width * number // max(total, 1))
    left = ""
    if 0 < number < total and elapsed > 1:
        seconds = elapsed / number * (total - number)
        left = f", about {seconds:.0f} s left" if seconds < 90 else f", about {seconds / 60:.0f} min left"
    return f"[{'#' * done}{'.' * (width - done)}] {number}/{total} pages{left}"


def progress_printer(quiet: bool, verb: str = "fetched") -> Callable[[int, int, Any, str], None] | None:
    """A progress callback for long runs: a live bar on a terminal, a line per 50 pages otherwise."""
    if quiet:
        return None
    tty = sys.stderr.isatty()
    started = time.monotonic()

    def show(number: int, total: int, ref: Any, outcome: str) -> None:
        if tty:
            bar = progress_bar(number, total, time.monotonic() - started)
            line = f"  {bar}  {ref.cycle_id} {ref.force_id} {ref.kind} {ref.pillar or ''}: {outcome}"
            print(f"\r{line[:110]:<110}", end="" if number < total else "\n", file=sys.stderr, flush=True)
        elif number % 50 == 0 or number == total:
            print(f"  {ref.cycle_id}: {number}/{total} pages {verb}", file=sys.stderr, flush=True)

    return show


def cycle_line(cycle_id: str, stats: dict[str, int]) -> str:
    """One cycle's work in a line, for the run's logs: requests, 304s, pages parsed, parse issues, and
    pages short of their promised grades when stats carries pages_short (transform.health.pages_short)."""
    return (
        f"cycle {cycle_id}: {_n(stats.get('requests', 0), 'request')}, {stats.get('not_modified', 0)} answered 304, "
        f"{_n(stats.get('pages_parsed', 0), 'page')} parsed, {stats.get('pages_reused', 0)} unchanged, "
        f"{stats.get('pages_failed', 0)} failed, {_n(stats.get('parse_issues', 0), 'parse issue')}"
        + (f", {_n(stats['pages_short'], 'page')} short of their promised grades" if stats.get("pages_short") else "")
    )


def summary_json(summary: Any) -> dict[str, Any]:
    """A run summary as the JSON object --json prints."""
    return {
        "run_id": summary.run_id,
        "mode": summary.mode,
        "snapshot_id": summary.snapshot_id,
        "warehouse": summary.warehouse,
        "stats": summary.stats,
        "changes": len(summary.changes),
        "issues": len(summary.issues),
        "tables": summary.tables,
        "skipped_cycles": summary.skipped_cycles,
        "alerts": summary.alerts,
    }
