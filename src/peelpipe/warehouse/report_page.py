"""warehouse/report.html: one self-contained page for people who would rather look than query.

Written at each publish from the tables just published. It needs no network to view: styles and
the filter script are inlined, links go only to the source pages. Every grade is shown as text as
well as colour; the matrix and tables are plain HTML tables with headers, so the page reads without
its script (the force/region filter is the only scripted part).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from peelpipe.warehouse.report_monitoring import engage_section
from peelpipe.warehouse.store import write_atomic

Rows = list[dict[str, Any]]

SHORT = {
    "outstanding": "Outst.",
    "good": "Good",
    "adequate": "Adeq.",
    "requires_improvement": "RI",
    "inadequate": "Inad.",
}
STATUS_TEXT = {"pending": "pending", "not_graded": "not graded", "ungraded": "ungraded"}
LEVEL_ORDER = {"pillar": 0, "area": 1, "question": 2}
MAX_CHANGES = 60
MAX_ISSUES = 150


def _asset(name: str) -> str:
    return resources.files("peelpipe.warehouse").joinpath("report_assets", name).read_text(encoding="utf-8")


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _link(url: str | None, text: str = "source") -> str:
    if not url or not url.startswith(("https://", "http://")):
        return ""
    return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(text)}</a>'


def grade_text(row: dict[str, Any] | None) -> str:
    """A judgement as the words a reader sees: the grade, or its status when there is no grade."""
    if row is None:
        return ""
    if row.get("grade"):
        return str(row["grade"]).replace("_", " ")
    return STATUS_TEXT.get(row.get("grade_status", ""), row.get("grade_status") or "")


def _cell_class(row: dict[str, Any] | None) -> str:
    if row is None:
        return "g-none"
    return f"g-{row['grade']}" if row.get("grade") else f"g-{row.get('grade_status', 'none')}"


def _heading(area_id: str, label: str | None) -> str:
    if "." not in area_id and area_id.replace("-", "").isalpha():
        return area_id.replace("-", " ").capitalize()
    return label or area_id


def matrix_columns(
    cycles: Rows, judgements: Rows, area_order: list[str] | None = None
) -> list[tuple[dict[str, Any], list[tuple[str, str]]]]:
    """For each cycle with judgements: its top-level areas (pillars, or 2021/22-on areas) in order."""
    order = {a: i for i, a in enumerate(area_order or [])}
    labels: dict[tuple[str, str], str] = {}
    for j in judgements:
        if j["level"] in ("pillar", "area"):
            labels.setdefault((j["cycle_id"], j["area_id"]), j["area_label"])
    columns = []
    for cycle in cycles:
        ids = sorted({a for (c, a) in labels if c == cycle["cycle_id"]}, key=lambda a: (order.get(a, len(order)), a))
        if ids:
            columns.append((cycle, [(a, _heading(a, labels[(cycle["cycle_id"], a)])) for a in ids]))
    return columns


def render_report_page(tables: dict[str, Rows], manifest: dict[str, Any], area_order: list[str] | None = None) -> str:
    """The whole page as a string: header, filter, matrix, force histories, changes, coverage, issues."""
    forces = sorted(tables["forces"], key=lambda f: f["name"])
    judgements = tables["judgements"]
    columns = matrix_columns(tables["cycles"], judgements, area_order)
    parts = [
        _head(manifest),
        _filter_form(forces),
        _matrix(forces, columns, judgements, tables["assessments"]),
        _legend(),
        _histories(forces, tables["cycles"], judgements, tables["findings"]),
        engage_section(tables.get("monitoring", []), {f["force_id"]: f for f in forces}),
        _changes(tables["changes"], {f["force_id"]: f for f in forces}),
        _coverage(tables["cycles"], forces, tables["assessments"]),
        _issues(tables["parse_issues"], {f["force_id"]: f for f in forces}),
        _snapshot(manifest),
        f"</main>\n<script>\n{_asset('report.js')}</script>\n</body>\n</html>\n",
    ]
    return "\n".join(parts)


def write_report_page(
    root: Path, tables: dict[str, Rows], manifest: dict[str, Any], area_order: list[str] | None = None
) -> Path:
    """(Re)write <root>/report.html atomically for the snapshot just published."""
    target = root / "report.html"
    write_atomic(target, render_report_page(tables, manifest, area_order).encode("utf-8"))
    return target


def _head(manifest: dict[str, Any]) -> str:
    created = str(manifest.get("created_at", ""))[:16].replace("T", " ")
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="peelpipe-snapshot" content="{_e(manifest.get("snapshot_id"))}">
<title>PEEL grades: forces, cycles and areas (peelpipe snapshot {_e(manifest.get("snapshot_id"))})</title>
<style>
{_asset("report.css")}</style>
</head>
<body>
<a class="skip" href="#matrix">Skip to the grade matrix</a>
<header>
<h1>PEEL grades of the police forces of England and Wales</h1>
<p>Read by peelpipe from the HMICFRS PEEL pages. Snapshot <code>{_e(manifest.get("snapshot_id"))}</code>,
published {_e(created)} UTC. Each grade links to the page it was read from.</p>
<nav aria-label="Sections"><ul>
<li><a href="#matrix">Grade matrix</a></li><li><a href="#histories">Force histories</a></li>
<li><a href="#changes">Latest changes</a></li><li><a href="#coverage">Coverage</a></li>
<li><a href="#issues">Parse issues</a></li><li><a href="#snapshot">Snapshot</a></li></ul></nav>
</header>
<main>"""


def _filter_form(forces: Rows) -> str:
    regions = sorted({f["region"] for f in forces if f.get("region")})
    options = "".join(f'<option value="{_e(r)}">{_e(r)}</option>' for r in regions)
    names = "".join(f'<option value="{_e(f["name"])}"></option>' for f in forces)
    return f"""<form id="filters" class="filters" role="search" hidden>
<div><label for="force-filter">Force</label>
<input id="force-filter" type="search" list="force-names" autocomplete="off" placeholder="Type part of a force name">
<datalist id="force-names">{names}</datalist></div>
<div><label for="region-filter">Region</label>
<select id="region-filter"><option value="">All regions</option>{options}</select></div>
<button type="button" id="filter-reset">Show all</button>
<p id="filter-status" role="status" aria-live="polite">Showing all {len(forces)} forces.</p>
</form>"""


def _force_attrs(force: dict[str, Any] | None, force_id: str) -> str:
    name = force["name"] if force else force_id
    region = (force or {}).get("region") or ""
    return f'data-force="{_e(force_id)}" data-name="{_e(name.lower())}" data-region="{_e(region)}"'


def _matrix(
    forces: Rows, columns: list[tuple[dict[str, Any], list[tuple[str, str]]]], judgements: Rows, assessments: Rows
) -> str:
    by_key = {(j["force_id"], j["cycle_id"], j["area_id"]): j for j in judgements}
    assessed = {(a["force_id"], a["cycle_id"]) for a in assessments}
    top = "".join(
        f'<th scope="colgroup" colspan="{len(areas)}" class="cycle">{_e(cycle["label"])}</th>'
        for cycle, areas in columns
    )
    sub = "".join(
        f'<th scope="col" class="area"><span>{_e(label)}</span></th>' for _, areas in columns for _, label in areas
    )
    rows = []
    for force in forces:
        cells = []
        for cycle, areas in columns:
            for area_id, label in areas:
                row = by_key.get((force["force_id"], cycle["cycle_id"], area_id))
                if row is None:
                    found = (force["force_id"], cycle["cycle_id"]) in assessed
                    text, title = ("?", "no grade read") if found else ("", "no assessment found")
                else:
                    text = SHORT.get(row.get("grade") or "", grade_text(row))
                    title = grade_text(row)
                cells.append(
                    f'<td class="{_cell_class(row)}" data-cycle="{_e(cycle["cycle_id"])}" '
                    f'data-area="{_e(area_id)}" title="{_e(cycle["label"])}, {_e(label)}: {_e(title)}">'
                    f'<span aria-hidden="true">{_e(text)}</span><span class="sr">{_e(title)}</span></td>'
                )
        rows.append(
            f'<tr {_force_attrs(force, force["force_id"])}><th scope="row">'
            f'<a href="#force-{_e(force["force_id"])}">{_e(force["name"])}</a></th>{"".join(cells)}</tr>'
        )
    return f"""<section id="matrix" aria-labelledby="matrix-h">
<h2 id="matrix-h">Grade matrix</h2>
<p>Each force's overall grades: the pillars of PEEL 2014 to 2018/19, the areas from 2021/22 on.
Scroll sideways on a small screen; a force's name opens its full history.</p>
<div class="scroll" tabindex="0" role="region" aria-label="Grade matrix, scrolls sideways">
<table class="matrix">
<caption class="sr">Grades by force (rows), cycle and area (columns)</caption>
<thead><tr><td rowspan="2"></td>{top}</tr><tr>{sub}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></div></section>"""


def _legend() -> str:
    items = "".join(
        f'<li><span class="swatch g-{g}">{_e(s)}</span> {_e(g.replace("_", " "))}</li>' for g, s in SHORT.items()
    )
    items += (
        '<li><span class="swatch g-pending">pending</span> not yet graded</li>'
        '<li><span class="swatch g-ungraded">ungraded</span> assessed, not graded</li>'
        '<li><span class="swatch g-none">?</span> assessment found, grade not read</li>'
    )
    return f'<section aria-label="Key"><h3>Key</h3><ul class="legend">{items}</ul></section>'


def _histories(forces: Rows, cycles: Rows, judgements: Rows, findings: Rows) -> str:
    cycle_order = {c["cycle_id"]: i for i, c in enumerate(cycles)}
    labels = {c["cycle_id"]: c["label"] for c in cycles}
    per_force: dict[str, Rows] = defaultdict(list)
    for j in judgements:
        per_force[j["force_id"]].append(j)
    finding_counts = Counter((f["force_id"], f["cycle_id"]) for f in findings)
    sections = []
    for force in forces:
        rows = sorted(
            per_force.get(force["force_id"], []),
            key=lambda j: (cycle_order.get(j["cycle_id"], 99), LEVEL_ORDER.get(j["level"], 9), j["area_id"]),
        )
        body = "".join(
            f'<tr class="lvl-{_e(j["level"])}"><td>{_e(labels.get(j["cycle_id"], j["cycle_id"]))}</td>'
            f'<td>{_e(j["area_label"])}</td><td class="{_cell_class(j)}">{_e(grade_text(j))}</td>'
            f"<td>{_e(j.get('grade_source'))}</td><td>{_link(j.get('source_url'))}</td></tr>"
            for j in rows
        )
        graded = sum(1 for j in rows if j.get("grade"))
        found = sum(finding_counts[(force["force_id"], c["cycle_id"])] for c in cycles)
        sections.append(
            f'<section class="history" id="force-{_e(force["force_id"])}" {_force_attrs(force, force["force_id"])}>'
            f'<details><summary><span class="name">{_e(force["name"])}</span> '
            f'<span class="meta">{_e(force.get("region"))}: {graded} grades, {found} findings</span></summary>'
            f'<div class="scroll" tabindex="0" role="region" aria-label="{_e(force["name"])} history">'
            f'<table><thead><tr><th scope="col">Cycle</th><th scope="col">What was judged</th>'
            f'<th scope="col">Grade</th><th scope="col">Read from</th><th scope="col">Page</th></tr></thead>'
            f"<tbody>{body}</tbody></table></div></details></section>"
        )
    return (
        f'<section id="histories" aria-labelledby="histories-h"><h2 id="histories-h">Force histories</h2>'
        f"<p>Every judgement of each force, pillars and areas first, then the questions under them.</p>"
        f"{''.join(sections)}</section>"
    )


def _changes(changes: Rows, forces: dict[str, dict[str, Any]]) -> str:
    latest = sorted(changes, key=lambda c: (c["detected_at"], c["change_id"]), reverse=True)[:MAX_CHANGES]
    rows = "".join(
        f"<tr {_force_attrs(forces.get(c['force_id']), c['force_id'])}><td>{c['detected_at']:%Y-%m-%d}</td>"
        f"<td>{_e(forces.get(c['force_id'], {}).get('name', c['force_id']))}</td>"
        f'<td class="ct-{_e(c["change_type"])}">{_e(c["change_type"].replace("_", " "))}</td>'
        f"<td>{_e(c['summary'])}</td><td>{_link(c.get('source_url'))}</td></tr>"
        for c in latest
    )
    if not rows:
        rows = '<tr><td colspan="5">No changes recorded yet.</td></tr>'
    return f"""<section id="changes" aria-labelledby="changes-h"><h2 id="changes-h">Latest changes</h2>
<p>The {min(len(changes), MAX_CHANGES)} most recent of {len(changes)} changes, newest first.</p>
<div class="scroll" tabindex="0" role="region" aria-label="Latest changes"><table>
<thead><tr><th scope="col">Detected</th><th scope="col">Force</th><th scope="col">Change</th>
<th scope="col">What changed</th><th scope="col">Page</th></tr></thead><tbody>{rows}</tbody></table></div></section>"""


def _coverage(cycles: Rows, forces: Rows, assessments: Rows) -> str:
    found: dict[str, set[str]] = defaultdict(set)
    for a in assessments:
        found[a["cycle_id"]].add(a["force_id"])
    rows = []
    for cycle in cycles:
        missing = [f["name"] for f in forces if f["force_id"] not in found[cycle["cycle_id"]]]
        gap = (
            f"<details><summary>{len(missing)} missing</summary>{_e(', '.join(missing))}</details>"
            if missing
            else "none"
        )
        rows.append(
            f'<tr><th scope="row">{_e(cycle["label"])}</th><td>{_e(cycle["status"])}</td>'
            f"<td>{len(found[cycle['cycle_id']])} of {len(forces)}</td><td>{gap}</td></tr>"
        )
    return f"""<section id="coverage" aria-labelledby="coverage-h"><h2 id="coverage-h">Coverage</h2>
<div class="scroll" tabindex="0" role="region" aria-label="Coverage"><table>
<thead><tr><th scope="col">Cycle</th><th scope="col">Status</th><th scope="col">Forces found</th>
<th scope="col">Missing</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div></section>"""


def _issues(issues: Rows, forces: dict[str, dict[str, Any]]) -> str:
    ordered = sorted(issues, key=lambda i: (i["severity"] != "error", i["reason"], i["source_url"]))
    counts = Counter((i["severity"], i["reason"]) for i in issues)
    summary = (
        ", ".join(f"{n} {sev} {reason.replace('_', ' ')}" for (sev, reason), n in sorted(counts.items())) or "none"
    )
    rows = "".join(
        f"<tr {_force_attrs(forces.get(i['force_id']), i['force_id'])}><td>{_e(i['severity'])}</td>"
        f"<td>{_e(i['reason'])}</td><td>{_e(forces.get(i['force_id'], {}).get('name', i['force_id']))} "
        f"{_e(i['cycle_id'])}</td><td>{_e(i['detail'][:300])}</td><td>{_link(i.get('source_url'))}</td></tr>"
        for i in ordered[:MAX_ISSUES]
    )
    more = (
        f"<p>Showing {MAX_ISSUES} of {len(issues)}; the parse_issues table has them all.</p>"
        if len(issues) > MAX_ISSUES
        else ""
    )
    table = (
        ""
        if not rows
        else f"""<div class="scroll" tabindex="0" role="region" aria-label="Parse issues"><table>
<thead><tr><th scope="col">Severity</th><th scope="col">Reason</th><th scope="col">Force and cycle</th>
<th scope="col">What the parser saw</th><th scope="col">Page</th></tr></thead><tbody>{rows}</tbody></table></div>"""
    )
    return (
        f'<section id="issues" aria-labelledby="issues-h"><h2 id="issues-h">Parse issues</h2>'
        f"<p>{len(issues)} issues: {_e(summary)}.</p>{more}{table}</section>"
    )


def _snapshot(manifest: dict[str, Any]) -> str:
    tables = ", ".join(f"{_e(k)} {v['rows']}" for k, v in manifest.get("tables", {}).items())
    return f"""<section id="snapshot" aria-labelledby="snapshot-h"><h2 id="snapshot-h">Snapshot</h2><dl>
<dt>Snapshot</dt><dd><code>{_e(manifest.get("snapshot_id"))}</code> (schema {_e(manifest.get("schema_version"))})</dd>
<dt>Created</dt><dd>{_e(manifest.get("created_at"))}</dd><dt>Run</dt><dd><code>{_e(manifest.get("run_id"))}</code></dd>
<dt>Previous snapshot</dt><dd><code>{_e(manifest.get("previous_snapshot_id") or "none")}</code></dd>
<dt>Rows</dt><dd>{tables}</dd></dl>
<p>Query the same data: <code>duckdb warehouse/peel.duckdb</code> or <code>peelpipe sql "select * from current_grades"</code>.</p>
</section>"""
