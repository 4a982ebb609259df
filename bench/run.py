"""peelpipe benchmarks: `make bench` (options: `make bench BENCH_ARGS="--quick"`, `--repeat 5`, ...).

Builds a full-size SYNTHETIC site (every force x every cycle, every page family, random grades
from a seeded RNG, each page marked as synthetic; bench/synthetic.py) in a temp dir, serves it on
loopback, and measures, each as a median of repeated runs (min, max) against a baseline run in the
same process, interleaved:
  1. parse throughput: peelpipe's parsers vs the same extraction with BeautifulSoup (html.parser),
     on every synthetic page (and the bundled sample site's pages); both must read the same grades,
     and peelpipe must read exactly the grades the pages were generated with;
  2. full backfill over loopback HTTP with no politeness delay: the Prefect flow vs the library
     alone (--no-prefect): wall time, peak memory, where the Prefect run's time goes;
  3. the scheduled run after it against the unchanged site: time, requests, 304 share, bytes;
  4. what the warehouse holds vs the generated grades, and DuckDB answering "every force's latest
     grade per area" from the published snapshot (peel.duckdb's current_grades view).
Results: a table with the targets (met/missed), and JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import summary  # noqa: E402
from parsebench import bench_parse, site_pages  # noqa: E402
from runs import bench_duckdb, bench_runs, bench_server_runs, read_back  # noqa: E402
from synthetic import SEED, family_counts, generate  # noqa: E402

from peelpipe.config import load  # noqa: E402
from peelpipe.samplesite import SITE_ROOT, serve_site  # noqa: E402

PREFECT_HOME = ROOT / ".prefect-home" / "bench"


def log(text: str) -> None:
    print(text, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each backfill and no-change run (default 3)")
    parser.add_argument("--parse-repeat", type=int, help="passes over the pages per parser (default: max(3, repeat))")
    parser.add_argument("--quick", action="store_true",
                        help="one run of each, one parse pass, no sample-site parse (results to bench/results/quick.json)")
    parser.add_argument("--parse-only", action="store_true", help="only the parse benchmark")
    parser.add_argument("--no-sample", action="store_true", help="skip the parse benchmark on the bundled sample site")
    parser.add_argument("--seed", type=int, default=SEED, help=f"seed of the synthetic grades (default {SEED})")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate the site and warehouses in DIR and keep them (default: a temp dir, removed)")
    parser.add_argument("--out", type=Path, help="JSON results file (default bench/results/latest.json)")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.no_sample = 1, True
        args.parse_repeat = args.parse_repeat or 1
    args.parse_repeat = args.parse_repeat or max(3, args.repeat)
    args.out = args.out or ROOT / "bench" / "results" / ("quick.json" if args.quick else "latest.json")
    return args


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Every measurement; the results as one dict."""
    catalogue = load()
    started = time.perf_counter()
    site = generate(work / "site", args.seed)
    results: dict[str, Any] = {
        "site": {"pages": site.pages, "bytes": site.bytes, "grades": len(site.grades), "seed": args.seed,
                 "families": family_counts(site), "by_cycle": dict(sorted(site.families.items())),
                 "generate_s": time.perf_counter() - started}}
    log(f"synthetic site: {site.pages} pages ({family_counts(site)}), {site.bytes / 1e6:.1f} MB, "
        f"{len(site.grades)} random grades, seed {args.seed}, in {results['site']['generate_s']:.1f} s")

    log(f"parse: {args.parse_repeat} pass(es) per parser ...")
    results["parse"] = bench_parse(site_pages(catalogue, site.root, site.expected), catalogue, args.parse_repeat)
    if not args.no_sample:
        results["parse_sample"] = bench_parse(site_pages(catalogue, SITE_ROOT), catalogue, args.parse_repeat)
    if args.parse_only:
        return results

    env = {**os.environ, "PREFECT_HOME": str(PREFECT_HOME)}
    PREFECT_HOME.mkdir(parents=True, exist_ok=True)
    log(f"runs: {args.repeat} x (backfill, no-change run) per mode, Prefect home {PREFECT_HOME} ...")
    with serve_site(site.root) as server:
        results["runs"] = bench_runs(server.url, work, args.repeat, env, PREFECT_HOME, log)
        if not args.quick:
            log(f"runs: {args.repeat} x no-change run against a running Prefect server ...")
            results["runs"]["run_prefect_server"] = bench_server_runs(server.url, work, args.repeat, env,
                                                                      PREFECT_HOME / "server", log)
    results["read_back"] = {mode: read_back(work / f"{mode}-0", site.grades) for mode in ("library", "prefect")}
    results["duckdb"] = bench_duckdb(work / "library-0", max(5, args.repeat * 3), site.grades)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started, load_start = time.perf_counter(), os.getloadavg()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        results = run(args, args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="peelpipe-bench-") as tmp:
            results = run(args, Path(tmp))
    results["meta"] = {"finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                       "total_s": time.perf_counter() - started, "argv": sys.argv[1:], "cpus": os.cpu_count(),
                       "load_avg_start": load_start, "load_avg_end": os.getloadavg(), "repeat": args.repeat,
                       "parse_repeat": args.parse_repeat}
    targets = summary.targets(results)
    results["targets"] = targets
    print()
    print(summary.render(results, targets))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(f"\nresults: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out} "
          f"(bench took {results['meta']['total_s']:.0f} s)")
    return 0 if summary.correct(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
