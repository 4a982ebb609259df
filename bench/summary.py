"""The benchmark's printed report: figures (median, min, max), targets met or missed, and the
correctness checks (any mismatch is printed and makes `make bench` fail)."""

from __future__ import annotations

import statistics
from typing import Any

TARGETS = {  # key: (what, limit, direction)
    "parse_ratio": ("parse throughput vs BeautifulSoup", 25.0, ">="),
    "backfill_prefect_s": ("full backfill through Prefect, s", 60.0, "<"),
    "prefect_overhead": ("Prefect overhead on the full backfill", 0.25, "<"),
    "nochange_prefect_s": ("no-change scheduled run through Prefect, s", 10.0, "<"),
    "nochange_304_share": ("no-change run: 304 share of existing pages", 0.95, ">="),
    "nochange_bytes_share": ("no-change run: bytes vs the backfill's", 0.05, "<"),
    "peak_memory_mb": ("peak memory of any run (process tree), MB", 500.0, "<"),
}


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def mmm(values: list[float], unit: str = "s", digits: int = 2) -> str:
    """ "median 1.23 s (min 1.10, max 1.40)" """
    if not values:
        return "n/a"
    if len(values) == 1:
        return f"{values[0]:.{digits}f} {unit} (1 run)"
    return f"median {med(values):.{digits}f} {unit} (min {min(values):.{digits}f}, max {max(values):.{digits}f})"


def _walls(results: dict[str, Any], key: str) -> list[float]:
    return [r["wall_s"] for r in results.get("runs", {}).get(key, [])]


def share_304(stats: dict[str, int]) -> float:
    """304 answers as a share of the requests for pages that exist (404s left out)."""
    return stats.get("not_modified", 0) / max(1, stats.get("requests", 0) - stats.get("pages_not_found", 0))


def targets(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target's measured value and whether it was met (None: not measured in this run)."""
    values: dict[str, float | None] = {key: None for key in TARGETS}
    values["parse_ratio"] = results.get("parse", {}).get("ratio")
    runs = results.get("runs")
    if runs:
        lib, pf = med(_walls(results, "backfill_library")), med(_walls(results, "backfill_prefect"))
        values["backfill_prefect_s"] = pf
        values["prefect_overhead"] = pf / lib - 1
        values["nochange_prefect_s"] = med(_walls(results, "run_prefect"))
        back, again = runs["backfill_prefect"][-1]["stats"], runs["run_prefect"][-1]["stats"]
        values["nochange_304_share"] = share_304(again)
        values["nochange_bytes_share"] = again.get("bytes_downloaded", 0) / max(1, back.get("bytes_downloaded", 0))
        values["peak_memory_mb"] = max(r["tree_mb"] for rs in runs.values() for r in rs)
    out = {}
    for key, (what, limit, op) in TARGETS.items():
        value = values[key]
        met = None if value is None else (value >= limit if op == ">=" else value < limit)
        out[key] = {"what": what, "value": value, "target": f"{op} {limit:g}", "met": met}
    return out


def correct(results: dict[str, Any]) -> bool:
    """Whether every correctness check passed (grades read back exactly as generated)."""
    parse = results.get("parse", {})
    ok = parse.get("pages_wrong", 0) == 0 and parse.get("same_grades") == parse.get("pages")
    ok = ok and parse.get("reference_swapped", True)
    for check in results.get("read_back", {}).values():
        ok = ok and check["missing"] == check["extra"] == check["wrong"] == 0
    return ok and results.get("duckdb", {}).get("wrong", 0) == 0


def _parse_lines(name: str, p: dict[str, Any]) -> list[str]:
    lines = [f"parse      {p['pages']} {name} pages ({p['bytes'] / 1e6:.1f} MB): peelpipe {p['pages_per_s']:.0f} pages/s, "
             f"BeautifulSoup reference {p['bs4_pages_per_s']:.0f} pages/s -> {p['ratio']:.1f}x"
             + (f" ({p['interleaved_ratio']:.1f}x taking turns every 16 pages)" if "interleaved_ratio" in p else ""),
             f"           peelpipe {mmm(p['peelpipe_s'], digits=3)}; reference {mmm(p['bs4_s'], digits=3)}",
             f"           block walk: {p.get('block_walk', '?')}"
             + (f"; with the Python walk instead, peelpipe {mmm(p['python_walk_s'], digits=3)} -> "
                f"{p['python_walk_ratio']:.1f}x" if "python_walk_ratio" in p else ""),
             f"           same grades from both parsers on {p['same_grades']}/{p['pages']} pages"
             + ("" if p.get("reference_swapped", True) else "  !! the BS4 swap did not reach every page")]
    for path, a, b in p.get("disagreements", [])[:5]:
        lines.append(f"           !! {path}: peelpipe {a} / reference {b}")
    if "pages_checked" in p:
        lines.append(f"           read as generated: {p['pages_checked'] - p['pages_wrong']}/{p['pages_checked']} pages, "
                     f"{p['grades_checked']} grade readings ({p['pages_wrong']} pages wrong)")
        for path, want, got in p.get("wrong", [])[:10]:
            lines.append(f"           !! {path}: generated {want}, parsed {got}")
    return lines


def _phase_line(records: list[dict[str, Any]]) -> str:
    phases = [r["phases"] for r in records if r.get("phases")]
    if not phases:
        return "           (no Prefect phase timings: flow run not found in the Prefect database)"

    def m(key: str) -> str:
        return f"{med([p[key] for p in phases]):.1f}"

    return (f"           where the Prefect run's time goes (medians, s): start-up {m('startup_s')} (imports, "
            f"the Prefect API starting, flow run creation), flow {m('flow_s')} = tasks [discover {m('discover_task_s')}, "
            f"fetch+parse {m('fetch_parse_tasks_s')}, build+publish {m('build_publish_task_s')}] + orchestration "
            f"{m('orchestration_s')} ({phases[0]['tasks']} task runs), shut-down {m('shutdown_s')}")


def render(results: dict[str, Any], tgt: dict[str, dict[str, Any]]) -> str:
    """The whole printed report."""
    s = results["site"]
    lines = [f"site       synthetic, seed {s['seed']}: {s['pages']} pages, {s['bytes'] / 1e6:.1f} MB, {s['grades']} random "
             f"grades; pages per family: " + ", ".join(f"{k} {v}" for k, v in s["families"].items())]
    lines += _parse_lines("synthetic", results["parse"])
    if "parse_sample" in results:
        lines += _parse_lines("sample-site", results["parse_sample"])
    runs = results.get("runs")
    if runs:
        for kind, title in (("backfill", "backfill"), ("run", "no-change")):
            for mode in ("library", "prefect"):
                recs = runs[f"{kind}_{mode}"]
                label = title if mode == "library" else ""
                lines.append(f"{label:10} {'library' if mode == 'library' else 'Prefect'} {mmm(_walls(results, f'{kind}_{mode}'))}, "
                             f"peak {max(r['tree_mb'] for r in recs):.0f} MB process tree "
                             f"(largest process {max(r['maxrss_mb'] for r in recs):.0f} MB)")
            served = runs.get(f"{kind}_prefect_server")
            if served:
                walls = _walls(results, f"{kind}_prefect_server")
                lines.append(f"{'':10} Prefect against a running server {mmm(walls)}, "
                             f"peak {max(r['tree_mb'] for r in served):.0f} MB (the server is another process)")
            lib, pf = med(_walls(results, f"{kind}_library")), med(_walls(results, f"{kind}_prefect"))
            lines.append(f"           Prefect/library {pf / lib:.2f}x")
            lines.append(_phase_line(runs[f"{kind}_prefect"]))
            st = runs[f"{kind}_library"][-1]["stats"]
            if kind == "backfill":
                back = st
                lines.append(f"           {st['requests']} requests ({st.get('pages_not_found', 0)} answered 404), "
                             f"{st['bytes_downloaded'] / 1e6:.1f} MB, {st.get('pages_parsed', 0)} pages parsed, "
                             f"{sum(runs['backfill_library'][-1]['tables'].values())} rows written")
            else:
                rows = sum(runs["run_library"][-1]["tables"].values())
                added = rows - sum(runs["backfill_library"][-1]["tables"].values())
                lines.append(f"           {st['requests']} requests, {st.get('not_modified', 0)} answered 304 "
                             f"({share_304(st):.1%} of the requests for pages that exist; "
                             f"{st.get('pages_not_found', 0)} answered 404), "
                             f"{st['bytes_downloaded'] / 1024:.1f} KiB ({st['bytes_downloaded'] / max(1, back['bytes_downloaded']):.2%} "
                             f"of the backfill's), {st.get('pages_parsed', 0)} pages parsed, {st.get('pages_reused', 0)} reused; "
                             f"{rows} rows written (the whole snapshot, {added:+d} vs the backfill's), "
                             f"{runs['run_library'][-1]['changes']} changes")
    for mode, check in results.get("read_back", {}).items():
        lines.append(f"{'warehouse' if mode == 'library' else '':10} {mode}: {check['held']} graded judgements held for "
                     f"{check['expected']} generated grades: {check['missing']} missing, {check['extra']} extra, "
                     f"{check['wrong']} wrong")
        for example in check["examples"]:
            lines.append(f"           !! {example}")
    d = results.get("duckdb")
    if d:
        lines.append(f"duckdb     every force's latest grade per area ({d['rows']} rows): current_grades view of peel.duckdb "
                     f"{mmm([x * 1000 for x in d['view_s']], 'ms', 1)}; same query on the Parquet file "
                     f"{mmm([x * 1000 for x in d['parquet_s']], 'ms', 1)}; {d['wrong']} rows differ from the generated grades")
    for span, f in results.get("fetch_log", {}).items():
        years = int(span[:-1])
        lines.append(f"{'fetch log' if years == 1 else '':10} {years} year{'s' if years > 1 else ''} of daily runs ({f['lines']} lines, "
                     f"{f['log_mb']:.0f} MB): a new process indexes all of it in {mmm(f['full_s'])}, from the "
                     f"last run's checkpoint ({f['checkpoint_kb']:.0f} KB) in {mmm(f['resumed_s'], 's', 3)} -> "
                     f"{f['ratio']:.0f}x")
    lines += ["", f"{'target':48} {'measured':>10}  {'target':>8}  result"]
    for t in tgt.values():
        value = t["value"]
        if value is None:
            shown, verdict = "-", "not measured"
        else:
            pct = t["target"].split()[1].startswith("0.")
            shown = (f"{value:.2%}" if abs(value) < 0.01 else f"{value:.1%}") if pct else f"{value:.1f}"
            verdict = "met" if t["met"] else "MISSED"
        limit = t["target"]
        if limit.split()[1].startswith("0."):
            limit = f"{limit.split()[0]} {float(limit.split()[1]):.0%}"
        lines.append(f"{t['what']:48} {shown:>10}  {limit:>8}  {verdict}")
    lines.append(f"{'correctness: grades read back as generated':48} {'':>10}  {'':>8}  "
                 f"{'ok' if correct(results) else 'FAILED (see !! lines)'}")
    return "\n".join(lines)
