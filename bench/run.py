"""peelpipe benchmarks: `make bench`. Ratios against a baseline measured in the same run.

Timings on a shared 2-core machine are noisy, so each measurement is repeated (medians, with min
and max) and compared with its baseline interleaved in the same process:
  1. parse throughput: peelpipe's parsers vs the same extraction with BeautifulSoup (html.parser),
     on every page of the bundled sample site;
  2. backfill of the sample site over loopback HTTP: the Prefect flow vs the library alone (the
     ratio is Prefect's overhead), wall time and peak memory of each process;
  3. a scheduled run against the unchanged site: requests, 304 share, bytes vs the backfill;
  4. DuckDB answering "every force's latest grade per area" from the published snapshot.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from reference_bs4 import bs_blocks  # noqa: E402

from peelpipe.config import load  # noqa: E402
from peelpipe.parse import common, parse_page  # noqa: E402
from peelpipe.pipeline import plan_pages  # noqa: E402
from peelpipe.samplesite import SITE_ROOT, serve_site  # noqa: E402


def stats(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} (min {min(values):.3f}, max {max(values):.3f})"


def sample_pages(catalogue):
    refs = plan_pages(catalogue, list(catalogue.cycles), list(catalogue.forces))
    pages = []
    for ref in refs:
        path = SITE_ROOT / ref.path.strip("/") / "index.html"
        if path.exists():
            pages.append((ref, path.read_bytes()))
    return pages


def parse_all(pages, catalogue):
    return [parse_page(body, ref, catalogue) for ref, body in pages]


def bench_parse(catalogue, repeat: int) -> dict:
    pages = sample_pages(catalogue)
    ours, ref_times = [], []
    modules = (common,)
    originals = [m.html_blocks for m in modules]
    for _ in range(repeat):
        started = time.perf_counter()
        mine = parse_all(pages, catalogue)
        ours.append(time.perf_counter() - started)
        for m in modules:
            m.html_blocks = bs_blocks
        try:
            started = time.perf_counter()
            theirs = parse_all(pages, catalogue)
            ref_times.append(time.perf_counter() - started)
        finally:
            for m, original in zip(modules, originals):
                m.html_blocks = original
    same = [[(o.area_id, o.grade) for o in a.observations] == [(o.area_id, o.grade) for o in b.observations]
            for a, b in zip(mine, theirs)]
    return {"pages": len(pages), "peelpipe_s": ours, "bs4_s": ref_times,
            "pages_per_s": len(pages) / statistics.median(ours),
            "bs4_pages_per_s": len(pages) / statistics.median(ref_times),
            "ratio": statistics.median(ref_times) / statistics.median(ours),
            "same_grades": sum(same)}


def run_cli(args: list[str], env: dict[str, str]) -> tuple[float, int, dict]:
    """Wall seconds, peak RSS (MB) and --json summary of one peelpipe command in its own process."""
    started = time.perf_counter()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("peelpipe")), *args, "--json", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    out, err = proc.stdout.read(), proc.stderr.read()
    if status != 0:
        raise SystemExit(f"peelpipe {' '.join(args)} failed: {err.strip()[-500:]}")
    return wall, usage.ru_maxrss // 1024, json.loads(out.strip().splitlines()[-1])


def bench_runs(repeat: int) -> dict:
    env = {**os.environ, "PREFECT_HOME": str(ROOT / ".prefect-home" / "bench")}
    results: dict[str, list] = {"library": [], "prefect": [], "library_rss": [], "prefect_rss": [],
                                "nochange_library": [], "nochange_prefect": []}
    summaries = {}
    with serve_site() as site, tempfile.TemporaryDirectory() as tmp:
        common = ["--base-url", site.url, "--delay", "0"]
        run_cli(["backfill", "--cycles", "2017", "--forces", "staffordshire", "--warehouse", f"{tmp}/warm", *common],
                env)  # warms Prefect's database so every measured run starts alike
        for i in range(repeat):
            for mode in ("library", "prefect"):
                wh = f"{tmp}/{mode}-{i}"
                extra = ["--no-prefect"] if mode == "library" else []
                wall, rss, summary = run_cli(["backfill", "--warehouse", wh, *common, *extra], env)
                results[mode].append(wall)
                results[f"{mode}_rss"].append(rss)
                summaries[f"backfill_{mode}"] = summary
                wall, _, summary = run_cli(["run", "--warehouse", wh, *common, *extra], env)
                results[f"nochange_{mode}"].append(wall)
                summaries[f"run_{mode}"] = summary
        duck = bench_duckdb(Path(f"{tmp}/library-0"), repeat * 5)
    full, again = summaries["backfill_library"]["stats"], summaries["run_library"]["stats"]
    return {**results, "duckdb_s": duck, "backfill_stats": full, "nochange_stats": again,
            "overhead_ratio": statistics.median(results["prefect"]) / statistics.median(results["library"])}


LATEST_GRADES = """
WITH ranked AS (
  SELECT j.force_id, j.area_id, j.cycle_id, j.grade,
         row_number() OVER (PARTITION BY j.force_id, j.area_id ORDER BY c.ord DESC) AS n
  FROM read_parquet(getvariable('judgements')) j
  JOIN (SELECT cycle_id, row_number() OVER () AS ord FROM read_parquet(getvariable('cycles'))) c USING (cycle_id)
  WHERE j.grade_status = 'graded')
SELECT force_id, area_id, cycle_id, grade FROM ranked WHERE n = 1
"""


def bench_duckdb(warehouse: Path, repeat: int) -> list[float]:
    import duckdb

    manifest = json.loads((warehouse / "CURRENT").read_text())
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        con = duckdb.connect()
        for table in ("judgements", "cycles"):
            con.execute(f"SET VARIABLE {table} = '{warehouse / manifest['tables'][table]['path']}'")
        rows = con.sql(LATEST_GRADES).fetchall()
        times.append(time.perf_counter() - started)
        con.close()
    assert rows
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--parse-only", action="store_true")
    args = parser.parse_args()
    catalogue = load()
    report = {"parse": bench_parse(catalogue, max(args.repeat, 5))}
    p = report["parse"]
    print(f"parse      {p['pages']} sample pages: peelpipe {p['pages_per_s']:.0f} pages/s, BeautifulSoup reference "
          f"{p['bs4_pages_per_s']:.0f} pages/s -> {p['ratio']:.1f}x faster "
          f"(same grades on {p['same_grades']}/{p['pages']} pages)")
    print(f"           peelpipe s: {stats(p['peelpipe_s'])}; reference s: {stats(p['bs4_s'])}")
    if not args.parse_only:
        r = bench_runs(args.repeat)
        report["runs"] = r
        full, again = r["backfill_stats"], r["nochange_stats"]
        print(f"backfill   library {stats(r['library'])} s, peak {max(r['library_rss'])} MB")
        print(f"           Prefect flow {stats(r['prefect'])} s, peak {max(r['prefect_rss'])} MB "
              f"-> Prefect/library {r['overhead_ratio']:.2f}x")
        print(f"           {full['requests']} requests, {full['bytes_downloaded'] / 1024:.0f} KiB, "
              f"{full['pages_parsed']} pages parsed")
        share = again["not_modified"] / max(1, again["requests"] - again["pages_not_found"])
        print(f"no-change  library {stats(r['nochange_library'])} s; Prefect {stats(r['nochange_prefect'])} s")
        print(f"           {again['requests']} requests, {again['not_modified']} answered 304 "
              f"({share:.0%} of the requests for pages that exist), {again['bytes_downloaded'] / 1024:.0f} KiB "
              f"({again['bytes_downloaded'] / max(1, full['bytes_downloaded']):.1%} of the backfill's), "
              f"{again['pages_parsed']} pages parsed")
        print(f"duckdb     latest grade per force and area: {stats(r['duckdb_s'])} s")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
