"""peelpipe benchmarks: `make bench` (quicker: `make bench BENCH_ARGS=--quick`; see --help).

Builds a full-size SYNTHETIC site (every force x every cycle, random grades from a seeded RNG, each
page marked as synthetic; bench/synthetic.py) in a temp dir, serves it on loopback, and measures,
each against a baseline measured in the same run:
  1. parse: peelpipe's parsers vs the same extraction with BeautifulSoup (bench/parsebench.py);
  2. the no-change scheduled run, `peelpipe run` through Prefect against a running
     `prefect server start` (started here, stopped at the end), vs the same with --no-prefect;
  3. the full backfill at a politeness delay (0.2 s) against its floor (requests x delay),
     through the library and through Prefect against the same server.
Prints a table of the figures with their targets, writes JSON to bench/results/ and the figures
with the machine to docs/performance.md (a --quick run writes bench/results/quick.md instead).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))  # tools/ (the sample-site generator, process helpers)

import summary  # noqa: E402
from measure import machine  # noqa: E402
from parsebench import bench_parse, site_pages  # noqa: E402
from runs import base_env, bench_nochange, bench_polite, prefect_server, read_back, sweep  # noqa: E402
from s3bench import bench_s3  # noqa: E402
from s3bench import lines as s3_lines  # noqa: E402
from synthetic import SEED, family_counts, generate  # noqa: E402

from peelpipe.config import load  # noqa: E402
from peelpipe.samplesite import SITE_ROOT, serve_site  # noqa: E402

QUICK_CYCLES = ["2017", "2021-22"]  # a pillar cycle and a report cycle: about a fifth of the site's requests


def log(text: str) -> None:
    print(text, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"one parse pass, one no-change run per mode, the delayed backfill of {','.join(QUICK_CYCLES)} "
        "through the library only (about 2 minutes; results to bench/results/quick.*)",
    )
    parser.add_argument("--repeat", type=int, help="no-change runs per mode (default 5; --quick 1)")
    parser.add_argument("--parse-repeat", type=int, help="whole parse passes per parser (default 3; --quick 1)")
    parser.add_argument("--delay", type=float, default=0.2, help="request delay of the polite backfill (default 0.2 s)")
    parser.add_argument(
        "--cycles",
        help=f"cycles of the polite backfill, comma-separated (default: all; --quick: {','.join(QUICK_CYCLES)})",
    )
    parser.add_argument(
        "--no-polite-prefect",
        action="store_true",
        help="the polite backfill through the library only (--quick implies it)",
    )
    parser.add_argument("--no-s3", action="store_true", help="leave out the S3 vs local disk runs")
    parser.add_argument("--parse-only", action="store_true", help="only the parse benchmark")
    parser.add_argument("--seed", type=int, default=SEED, help=f"seed of the synthetic grades (default {SEED})")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="generate the site and warehouses in DIR and keep them (default: a temp dir, removed)",
    )
    parser.add_argument(
        "--out", type=Path, help="JSON results (default bench/results/latest.json; --quick: quick.json)"
    )
    parser.add_argument(
        "--doc", type=Path, help="the Markdown report (default docs/performance.md; --quick: bench/results/quick.md)"
    )
    args = parser.parse_args(argv)
    args.repeat = args.repeat or (1 if args.quick else 5)
    args.parse_repeat = args.parse_repeat or (1 if args.quick else 3)
    args.cycles = args.cycles.split(",") if args.cycles else (QUICK_CYCLES if args.quick else None)
    args.no_polite_prefect = args.no_polite_prefect or args.quick
    results_dir = ROOT / "bench" / "results"
    args.out = args.out or results_dir / ("quick.json" if args.quick else "latest.json")
    args.doc = args.doc or (results_dir / "quick.md" if args.quick else ROOT / "docs" / "performance.md")
    return args


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Every measurement; the results as one dict."""
    catalogue = load()
    started = time.perf_counter()
    site = generate(work / "site", args.seed)
    results: dict[str, Any] = {
        "site": {
            "pages": site.pages,
            "bytes": site.bytes,
            "grades": len(site.grades),
            "seed": args.seed,
            "families": family_counts(site),
            "generate_s": time.perf_counter() - started,
        }
    }
    log(
        f"synthetic site: {site.pages} pages ({family_counts(site)}), {site.bytes / 1e6:.1f} MB, "
        f"{len(site.grades)} random grades, seed {args.seed}"
    )

    log(f"parse: {args.parse_repeat} whole pass(es) per parser ...")
    results["parse"] = bench_parse(site_pages(catalogue, site.root, site.expected), catalogue, args.parse_repeat)
    if not args.quick:
        results["parse_sample"] = bench_parse(site_pages(catalogue, SITE_ROOT), catalogue, args.parse_repeat)
    if args.parse_only:
        return results

    cycles = args.cycles or catalogue.cycle_ids("all")
    results["polite_cycles"] = ", ".join(cycles) if args.cycles else None
    env = base_env(work)
    with serve_site(site.root) as server, prefect_server(work, env, log) as api_url:
        log(f"no-change runs: a backfill per mode, a warm-up run each, then {args.repeat} run(s) per mode ...")
        results["nochange"] = bench_nochange(server.url, work, args.repeat, env, api_url, log)
        log(
            f"backfill of {results['polite_cycles'] or 'every cycle'} at {args.delay:g} s between requests "
            f"({'library' if args.no_polite_prefect else 'library, then Prefect'}) ..."
        )
        results["polite"] = bench_polite(
            server.url, work, args.delay, cycles, env, None if args.no_polite_prefect else api_url, log
        )
        if not args.no_s3:
            log(f"S3 vs local disk: a backfill each, then {args.repeat} no-change run(s) each (moto on loopback) ...")
            results["s3"] = bench_s3(server.url, work, args.repeat, env, log)
    grades = {k: g for k, g in site.grades.items() if k[1] in cycles}
    results["read_back"] = {
        f"polite {mode}": read_back(Path(r["warehouse"]), grades) for mode, r in results["polite"].items()
    }
    results["read_back"]["no-change prefect"] = read_back(work / "nochange-prefect", site.grades)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started, load_start = time.perf_counter(), os.getloadavg()
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            results = run(args, args.keep.resolve())
        else:
            with tempfile.TemporaryDirectory(prefix="peelpipe-bench-") as tmp:
                results = run(args, Path(tmp))
    finally:
        strays = sweep()  # nothing the bench started outlives it, whatever happened
        if strays:
            log(f"!! killed processes the bench had left running: {strays}")
    results["meta"] = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "total_s": time.perf_counter() - started,
        "argv": sys.argv[1:] if argv is None else argv,
        "quick": args.quick,
        "repeat": args.repeat,
        "parse_repeat": args.parse_repeat,
        "load_avg_start": load_start,
        "load_avg_end": os.getloadavg(),
        "machine": machine(),
    }
    targets = summary.targets(results)
    results["targets"] = targets
    print()
    print(summary.render(results, targets))
    if "s3" in results:
        print("\n".join(s3_lines(results["s3"])))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    written = [args.out]
    if not args.parse_only:
        args.doc.parent.mkdir(parents=True, exist_ok=True)
        doc = summary.markdown(results, targets)
        if "s3" in results:  # the S3 figures go with the other runs' (before "Settings of this run")
            head, sep, tail = doc.partition("\n## Settings of this run")
            doc = head.rstrip("\n") + "\n" + "\n".join(s3_lines(results["s3"])) + "\n\n" + sep.lstrip("\n") + tail
        args.doc.write_text(doc)
        written.append(args.doc)
    shown = ", ".join(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in written)
    print(f"\nwritten: {shown} (the bench took {results['meta']['total_s']:.0f} s)")
    return 1 if summary.correct(results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
