"""`peelpipe demo`: serve the bundled sample site on loopback and run the real pipeline against it.

It runs a backfill of every cycle and force (and the Engage pages) over HTTP (the sample site answers 404 for the
force/cycle combinations whose grades are not known), then a scheduled-style run that should
find nothing new, and prints what the warehouse holds and how to read it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from peelpipe.config import Catalogue, load
from peelpipe.grades import grade_label
from peelpipe.pipeline import RunSummary


def run_demo(args: argparse.Namespace) -> int:
    """Serve the sample site, backfill it, re-run it, and show the result."""
    from peelpipe.pipeline import open_warehouse
    from peelpipe.report import run_summary_text, summary_json
    from peelpipe.runner import execute
    from peelpipe.samplesite import DEVON_LEFT_ROOT, NOTTS_LEFT_ROOT, UPDATES_ROOT, serve_site

    started = time.monotonic()
    quiet = args.quiet or args.json
    say = (lambda *a, **k: None) if quiet else print
    with serve_site() as site:
        say(f"Sample site (real published grades, peelpipe's own wording) serving on {site.url}", flush=True)
        overrides = {
            "base_url": site.url,
            "request_delay": args.delay,
            **({"warehouse": args.warehouse} if args.warehouse else {}),
        }

        def run(mode: str, months_later: bool = False) -> tuple[Catalogue, RunSummary]:
            # A run that stands for one made months after the last has re-checked every closed page by
            # then (each is checked every refresh_closed_days): it checks them all at once here.
            settings = {**overrides, "refresh_closed_days": 1} if months_later else overrides
            catalogue = load(settings)
            everything = (list(catalogue.cycles), list(catalogue.forces))
            return catalogue, execute(
                catalogue,
                mode,
                *everything,
                alerts=mode == "run",
                use_prefect=not args.no_prefect,
                quiet=quiet,
                overrides=settings,
            )

        how = "directly" if args.no_prefect else "through the Prefect backfill flow"
        say(f"1. Backfill of every cycle and force {how} …", flush=True)
        catalogue, summary = run("backfill")
        warehouse = open_warehouse(catalogue)
        judgements = warehouse.read_table("judgements")
        assessments = warehouse.read_table("assessments")
        say(run_summary_text(summary, catalogue, judgements, assessments))
        say(
            "2. A scheduled run against the unchanged site (open cycles in full, closed ones in a rolling slice, "
            "every request conditional) …",
            flush=True,
        )
        catalogue, second = run("run")
        s = second.stats
        say(
            f"   {s.get('requests', 0)} requests ({s.get('pages_not_found', 0)} for pages not on the site), "
            f"{s.get('not_modified', 0)} answered 304, {s.get('pages_parsed', 0)} pages re-parsed, "
            f"{len(second.changes)} new changes, {s.get('bytes_downloaded', 0) / 1024:.0f} KiB"
        )
        port = site.port
    # The site then publishes a correction, as HMICFRS did on 8 August 2024 (same address, new page), and its
    # Engage pages move on: Nottinghamshire moved out on 23 May 2025 (the pages served so far stood as on 22 May).
    with serve_site(overlays=[UPDATES_ROOT, NOTTS_LEFT_ROOT], port=port):
        say(
            "3. The site corrects a published grade (Northamptonshire 2023-25, 8 August 2024), and its Engage pages "
            "move on to 23 May 2025, when Nottinghamshire moved out of enhanced monitoring; a scheduled run …",
            flush=True,
        )
        catalogue, third = run("run", months_later=True)
        say_run(say, third, catalogue)
    # Devon and Cornwall moved out later (31 July 2025): the pages served so far still listed it in Engage.
    with serve_site(overlays=[UPDATES_ROOT, NOTTS_LEFT_ROOT, DEVON_LEFT_ROOT], port=port):
        say(
            "4. Devon and Cornwall moved out of Engage on 31 July 2025, after Nottinghamshire (the pages of 23 May "
            "still listed it); the Engage pages as they stand since then; a scheduled run …",
            flush=True,
        )
        catalogue, fourth = run("run", months_later=True)
        say_run(say, fourth, catalogue)
        judgements = open_warehouse(catalogue).read_table("judgements")
        monitoring = open_warehouse(catalogue).read_table("monitoring")
    say()
    say(engage_text(monitoring, catalogue))
    say()
    say(staffordshire_table(judgements, catalogue))
    say()
    changes = warehouse.read_table("changes")
    moves = [c for c in changes if c["change_type"] in ("upgrade", "downgrade")]
    say(f"Year-on-year changes in the warehouse: {len(moves)} upgrades/downgrades, e.g.:")
    for change in sorted(moves, key=lambda c: (c["force_id"] != "staffordshire", c["force_id"], c["to_cycle_id"]))[:5]:
        say(f"  - {change['summary']}")
    root = warehouse.root.resolve()
    if args.json:
        print(
            json.dumps(
                {
                    "warehouse": str(root),
                    "report": str(root / "report.html"),
                    "duckdb": str(root / "peel.duckdb"),
                    "runs": [summary_json(r) for r in (summary, second, third, fourth)],
                    "engage_now": [r["force_id"] for r in monitoring if r["left_on"] is None],
                    "seconds": round(time.monotonic() - started, 1),
                }
            )
        )
        return 0
    python = sys.executable
    command = Path(sys.executable).with_name("peelpipe")
    say(f"""
Warehouse: {root}
  Report page (open it in a browser, no network needed): {root / "report.html"}
  CURRENT is the manifest of the current snapshot; current/ links to it. Read it with:
    {python} -c "import duckdb; print(duckdb.sql(\\"SELECT force_id, cycle_id, area_id, grade FROM '{root}/current/judgements.parquet' WHERE force_id='staffordshire' AND level='pillar'\\"))"
    {python} -c "import json, pandas as pd; m = json.load(open('{root}/CURRENT')); print(pd.read_parquet('{root}/' + m['tables']['judgements']['path']))"
    {command} sql --warehouse {root} "SELECT * FROM current_grades WHERE force_id = 'staffordshire'"
  More: {command} status --warehouse {root}
        {command} changes --warehouse {root} --format markdown
Demo finished in {time.monotonic() - started:.1f} s.""")
    return 0


def say_run(say: Any, summary: RunSummary, catalogue: Catalogue) -> None:
    """A scheduled run's requests and changes, and where its alert digest went."""
    s = summary.stats
    say(
        f"   {s.get('requests', 0)} requests, {s.get('not_modified', 0)} answered 304, "
        f"{s.get('pages_parsed', 0)} page(s) re-parsed"
    )
    for change in summary.changes:
        say(f"   {change['change_type']}: {change['summary']}")
    from peelpipe.pipeline import open_warehouse

    digest = open_warehouse(catalogue).root / "digests" / "latest.md"
    if summary.changes and digest.exists():
        say(f"   alert digest written to {digest.resolve()}")


def engage_text(monitoring: list[dict[str, Any]], catalogue: Catalogue) -> str:
    """The forces in Engage now, and every spell the monitoring table holds."""

    def name(force_id: str) -> str:
        return catalogue.forces[force_id].name if force_id in catalogue.forces else force_id

    now = [name(r["force_id"]) for r in sorted(monitoring, key=lambda r: r["entered_on"]) if r["left_on"] is None]
    lines = [
        f"In Engage (enhanced monitoring) now: {', '.join(now) or 'no force'}.",
        f"Engage spells in the warehouse ({len(monitoring)}):",
    ]
    for r in sorted(monitoring, key=lambda r: (r["entered_on"], r["force_id"])):
        left = f"moved out {r['left_text']}" if r["left_on"] else "still in"
        lines.append(f"  {name(r['force_id']):<34} entered {r['entered_text']:<17} {left}")
    return "\n".join(lines)


def staffordshire_table(judgements: list[dict[str, Any]], catalogue: Any) -> str:
    """Staffordshire's pillar grades per cycle, as a small table."""
    rows = [j for j in judgements if j["force_id"] == "staffordshire" and j["level"] == "pillar"]
    cycles = [c for c in catalogue.cycles if any(j["cycle_id"] == c for j in rows)]
    lines = [
        "Staffordshire Police, pillar grades from the warehouse:",
        f"  {'pillar':<15}" + "".join(f"{catalogue.cycles[c].label:<24}" for c in cycles),
    ]
    for pillar in ("effectiveness", "efficiency", "legitimacy"):
        cells = []
        for cycle in cycles:
            j = next((j for j in rows if j["cycle_id"] == cycle and j["area_id"] == pillar), None)
            cells.append("-" if j is None else (grade_label(j["grade"]) if j["grade"] else j["grade_status"]))
        lines.append(f"  {pillar:<15}" + "".join(f"{c:<24}" for c in cells))
    return "\n".join(lines)
