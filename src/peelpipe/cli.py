"""The peelpipe command line: thin wiring over the library and the Prefect flows.

Every command takes --warehouse and --base-url; errors are one line on stderr and a non-zero exit.
Prefect is imported only by the commands that run flows, so `peelpipe --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peelpipe import __version__
from peelpipe.errors import ConfigError, PeelpipeError

if TYPE_CHECKING:
    from peelpipe.config import Catalogue

EXAMPLES = {
    "backfill": "examples:\n  peelpipe backfill --cycles 2017,2018-19 --forces staffordshire\n  peelpipe backfill --cycles all --forces all",
    "run": "examples:\n  peelpipe run\n  PEELPIPE_ALERT_URLS='json://localhost:8080/peel' peelpipe run",
    "serve": "examples:\n  prefect server start --background && export PREFECT_API_URL=http://127.0.0.1:4200/api\n  peelpipe serve --cron '0 6 * * *'",
    "changes": "examples:\n  peelpipe changes --since 2026-01-01 --format markdown\n  peelpipe changes --force staffordshire --format json",
    "status": "examples:\n  peelpipe status\n  peelpipe status --json",
    "replay": "examples:\n  peelpipe replay --warehouse warehouse/",
    "demo": "examples:\n  peelpipe demo\n  peelpipe demo --warehouse /tmp/peel-demo",
    "export": "examples:\n  peelpipe export --format xlsx\n  peelpipe export --format datapackage --out dist",
    "sql": "examples:\n  peelpipe sql \"SELECT * FROM current_grades WHERE force_id = 'kent'\"\n"
    '  peelpipe sql --format csv "SELECT * FROM grade_history" > history.csv\n'
    "views: current_grades, grade_history, coverage, and one per table (judgements, changes, …)",
    "unlock": "examples:\n  peelpipe unlock --warehouse /mnt/shared/warehouse\nonly for a lock whose writer (on another host) is gone; refused while a writer on this host holds it",
}


def _settings_overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if getattr(args, "warehouse", None):
        overrides["warehouse"] = args.warehouse
    if getattr(args, "base_url", None):
        overrides["base_url"] = args.base_url
    if getattr(args, "delay", None) is not None:
        overrides["request_delay"] = args.delay
    return overrides


def _catalogue(args: argparse.Namespace) -> Catalogue:
    from peelpipe.config import load

    return load(_settings_overrides(args))


def execute(args: argparse.Namespace, mode: str) -> tuple[Any, Any]:
    """Run a backfill or scheduled run as the flags say (through Prefect unless --no-prefect);
    returns the catalogue and the run summary."""
    from peelpipe.runner import execute as run

    catalogue = _catalogue(args)
    if mode == "run":
        cycles, forces, alerts = list(catalogue.cycles), list(catalogue.forces), True
    else:
        cycles, forces, alerts = catalogue.cycle_ids(args.cycles), catalogue.force_ids(args.forces), args.alerts
    summary = run(
        catalogue,
        mode,
        cycles,
        forces,
        alerts=alerts,
        use_prefect=not getattr(args, "no_prefect", False),
        quiet=args.quiet or args.json,
        overrides=_settings_overrides(args),
    )
    return catalogue, summary


def _print_summary(catalogue: Any, summary: Any, args: argparse.Namespace) -> None:
    from peelpipe.pipeline import open_warehouse
    from peelpipe.report import run_summary_text

    if args.json:
        from peelpipe.report import summary_json

        print(json.dumps(summary_json(summary)))
    elif not args.quiet:
        warehouse = open_warehouse(catalogue)
        print(
            run_summary_text(
                summary, catalogue, warehouse.read_table("judgements"), warehouse.read_table("assessments")
            )
        )


def cmd_backfill(args: argparse.Namespace) -> int:
    catalogue, summary = execute(args, "backfill")
    _print_summary(catalogue, summary, args)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    catalogue, summary = execute(args, "run")
    _print_summary(catalogue, summary, args)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from peelpipe import schedule
    from peelpipe.runner import deployment_settings, prefect_environment

    catalogue = _catalogue(args)
    prefect_environment(catalogue.settings.prefect_home)
    schedule.require_server()  # one line and exit 1 when no server answers, before the flows are imported
    schedule.check_schedule(args.cron, args.timezone)
    if args.stale_after < 0:
        raise ConfigError(f"--stale-after must be 0 (off) or a number of hours, got {args.stale_after:g}")
    overrides = deployment_settings(_settings_overrides(args))
    if "warehouse" in overrides:  # the deployment's parameter outlives this shell's working directory
        overrides["warehouse"] = str(Path(overrides["warehouse"]).resolve())
    if args.json:
        print(
            json.dumps(
                {
                    "deployment": schedule.DEPLOYMENT,
                    "cron": args.cron,
                    "timezone": args.timezone,
                    "stale_after_hours": args.stale_after,
                    "settings": overrides,
                }
            ),
            flush=True,
        )
    schedule.serve(
        args.cron,
        args.timezone,
        overrides,
        run_timeout=catalogue.settings.run_timeout,
        stale_after_hours=args.stale_after,
        announce=not (args.quiet or args.json),
    )
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    from peelpipe.alerts import render_markdown
    from peelpipe.pipeline import open_warehouse
    from peelpipe.report import changes_table

    catalogue = _catalogue(args)
    changes = open_warehouse(catalogue).read_table("changes")
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            raise ConfigError(f"--since must be a date like 2026-01-31, got {args.since!r}") from None
        changes = [c for c in changes if c["detected_at"].date() >= since]
    if args.force:
        force = catalogue.force_for_slug(args.force)
        if force is None:
            raise ConfigError(f"unknown force {args.force!r}")
        changes = [c for c in changes if c["force_id"] == force.id]
    if args.type:
        changes = [c for c in changes if c["change_type"] in args.type.split(",")]
    changes.sort(key=lambda c: (c["detected_at"], c["force_id"], c.get("area_id") or ""))
    if args.format == "json" or args.json:
        print(json.dumps(changes, default=_json_default, indent=1))
    elif args.format == "markdown":
        print(render_markdown(changes), end="")
    else:
        print(changes_table(changes))
    return 0


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(type(value))


def cmd_status(args: argparse.Namespace) -> int:
    from peelpipe.status import status_command

    return status_command(_catalogue(args), as_json=args.json)


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from peelpipe.pipeline import open_warehouse
    from peelpipe.report import print_query_result

    path = open_warehouse(_catalogue(args)).root / "peel.duckdb"
    if not path.exists():
        raise ConfigError(f"no {path}: publish a snapshot first ('peelpipe backfill' or 'peelpipe demo')")
    con = duckdb.connect(str(path), read_only=True)
    try:
        relation: duckdb.DuckDBPyRelation | None = con.sql(args.query)  # None for a statement with no result
        if relation is None:
            return 0
        if args.format in ("table", "csv") and not args.json:
            print_query_result(relation, args.format, args.limit, csv_guard=not args.raw_csv)
        else:
            names = relation.columns
            print(json.dumps([dict(zip(names, row)) for row in relation.fetchall()], default=_json_default, indent=1))
    except duckdb.Error as exc:
        raise ConfigError(f"query failed: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from peelpipe.pipeline import open_warehouse
    from peelpipe.warehouse.export import export

    warehouse = open_warehouse(_catalogue(args))
    manifest = warehouse.manifest()
    if manifest is None:
        raise ConfigError(f"nothing to export in {warehouse.root}: publish a snapshot first ('peelpipe backfill')")
    written = export(warehouse, args.format, Path(args.out or warehouse.exports_dir), csv_guard=not args.raw_csv)
    if args.json:
        print(json.dumps({"format": args.format, "written": str(written), "snapshot_id": manifest["snapshot_id"]}))
    elif not args.quiet:
        print(written)
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from peelpipe.replay import replay
    from peelpipe.report import progress_printer

    catalogue = _catalogue(args)
    summary = replay(catalogue, progress=progress_printer(args.quiet or args.json, verb="replayed"))
    _print_summary(catalogue, summary, args)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from peelpipe.demo import run_demo

    return run_demo(args)


def cmd_unlock(args: argparse.Namespace) -> int:
    from peelpipe.warehouse.mirror import unlock_command

    return unlock_command(_catalogue(args).settings, as_json=args.json, quiet=args.quiet)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="peelpipe",
        description="Track HMICFRS PEEL grades for the 43 police forces "
        "of England and Wales: fetch, parse, detect changes, publish a Parquet warehouse.",
        epilog="Settings: config/settings.toml < config/local.toml < PEELPIPE_* environment variables < these flags.",
    )
    parser.add_argument("--version", action="version", version=f"peelpipe {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_text: str, func: Any) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=EXAMPLES[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument("--warehouse", metavar="DIR", help="warehouse directory (default: from config, 'warehouse')")
        p.add_argument("--base-url", metavar="URL", help="site to read (default: the live HMICFRS site)")
        p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors (no progress)")
        p.add_argument(
            "--json", action="store_true", help="print the result as JSON on stdout, for scripts (no progress)"
        )
        p.set_defaults(func=func)
        return p

    for name, text, func in (
        ("backfill", "Fetch, parse and publish a scope of cycles and forces.", cmd_backfill),
        ("run", "One scheduled run now: refresh, detect changes, publish, deliver alerts.", cmd_run),
    ):
        p = command(name, text, func)
        if name == "backfill":
            p.add_argument("--cycles", default="all", help="'all' or cycle ids, comma-separated (e.g. 2016,2017)")
            p.add_argument("--forces", default="all", help="'all' or force ids, comma-separated (e.g. staffordshire)")
            p.add_argument(
                "--alerts", action="store_true", help="deliver alerts for the changes found (off for backfills)"
            )
        p.add_argument("--delay", type=float, help="seconds between requests (default: from config, 2.0)")
        p.add_argument("--no-prefect", action="store_true", help="run the steps directly, without Prefect")

    p = command(
        "serve",
        "Serve the refresh flow on a cron schedule as the Prefect deployment "
        "peel-refresh/peel-refresh (needs a Prefect server and PREFECT_API_URL).",
        cmd_serve,
    )
    p.add_argument("--cron", default="0 6 * * *", help="cron schedule (default: '0 6 * * *', daily at 06:00)")
    p.add_argument(
        "--timezone", default="Europe/London", help="IANA time zone of the schedule (default: Europe/London)"
    )
    p.add_argument(
        "--stale-after",
        type=float,
        default=26.0,
        metavar="HOURS",
        help="health alert when no refresh has completed in HOURS (default 26; 0: off)",
    )
    p = command("changes", "List the changes detected.", cmd_changes)
    p.add_argument("--since", metavar="DATE", help="only changes detected on or after DATE (YYYY-MM-DD)")
    p.add_argument("--force", metavar="ID", help="only this force")
    p.add_argument("--type", metavar="TYPES", help="only these change types, comma-separated")
    p.add_argument("--format", choices=("table", "json", "markdown"), default="table", help="--json is --format json")
    command("status", "Show the current snapshot, coverage, last runs and parse issues.", cmd_status)
    command("replay", "Rebuild the warehouse from the raw page archive, with no network.", cmd_replay)
    p = command("export", "Write the current tables as CSV, XLSX, JSON or a Frictionless data package.", cmd_export)
    p.add_argument("--format", choices=("csv", "xlsx", "json", "datapackage"), default="xlsx")
    p.add_argument("--out", metavar="DIR", help="folder to write into (default: <warehouse>/exports)")
    p.add_argument("--raw-csv", action="store_true", help="CSV as stored: no ' before text starting = + - @ tab CR")
    p = command("sql", "Run a SQL query against the warehouse's DuckDB views (warehouse/peel.duckdb).", cmd_sql)
    p.add_argument("query", help="the SQL query")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="--json is --format json")
    p.add_argument("--limit", type=int, default=100, help="rows shown in table format (default 100)")
    p.add_argument("--raw-csv", action="store_true", help="CSV as stored: no ' before text starting = + - @ tab CR")
    p = command("demo", "Serve the bundled sample site on loopback and run the real pipeline against it.", cmd_demo)
    p.add_argument("--delay", type=float, default=0.0, help="seconds between requests to the local site (default 0)")
    p.add_argument("--no-prefect", action="store_true", help="run the steps directly, without Prefect")
    command("unlock", "Free the warehouse lock left by a writer on another host that is gone.", cmd_unlock)
    return parser


def console() -> None:
    """The `peelpipe` command: main(), then exit with its status."""
    sys.exit(main())


def main(argv: list[str] | None = None) -> int:
    """The command line, as a function: parse `argv`, run the command, return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except PeelpipeError as exc:
        print(f"peelpipe: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (peelpipe changes | head): nothing is wrong, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor at exit, when stdout is flushed
        return 0
    except TimeoutError as exc:  # the run's time limit (run_timeout), reached through Prefect
        print(
            f"peelpipe: error: the run stopped at its time limit ({exc}); the previous snapshot is still "
            "current. Raise run_timeout (PEELPIPE_RUN_TIMEOUT) if the site is just slow.",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:  # a disk full, a folder without permission: say which file and why
        where = f" ({exc.filename})" if exc.filename else ""
        print(
            f"peelpipe: error: {exc.strerror or exc}{where}; check the path, free space and permissions",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("peelpipe: interrupted; the previous snapshot is still current", file=sys.stderr)
        return 130
