"""The report page's Engage section: each force's spells in enhanced monitoring, forces in it now first."""

from __future__ import annotations

from html import escape
from typing import Any

Rows = list[dict[str, Any]]


def _e(value: Any) -> str:
    return "" if value is None else escape(str(value))


def engage_section(monitoring: Rows, forces: dict[str, dict[str, Any]]) -> str:
    """Forces in Engage now, and every force's spells (entered, left, reasons, related report, page)."""
    now = sorted((r for r in monitoring if r["left_on"] is None), key=lambda r: (r["entered_on"], r["force_id"]))
    names = [_e(forces.get(r["force_id"], {}).get("name", r["force_id"])) for r in now]
    in_now = f"<p>In Engage now: {', '.join(names)}.</p>" if names else "<p>No force is in Engage in the warehouse.</p>"
    rows = []
    for r in sorted(
        monitoring, key=lambda r: (forces.get(r["force_id"], {}).get("name", r["force_id"]), r["entered_on"])
    ):
        force = forces.get(r["force_id"]) or {}
        name = force.get("name") or r["force_id"]
        reasons = "".join(f"<li>{_e(x)}</li>" for x in (r.get("reasons") or []))
        left = f"{_e(r['left_text'])} <small>({_e(r['left_precision'])})</small>" if r["left_on"] else "still in"
        report = r.get("related_report_url")
        related = f'<a href="{_e(report)}">related report</a>' if report else ""
        rows.append(
            f'<tr data-force="{_e(r["force_id"])}" data-name="{_e(name.lower())}" '
            f'data-region="{_e(force.get("region") or "")}"><td>{_e(name)}</td>'
            f"<td>{_e(r['entered_text'])} <small>({_e(r['entered_precision'])})</small></td><td>{left}</td>"
            f"<td>{f'<ul>{reasons}</ul>' if reasons else 'none given on the page'}</td><td>{related}</td>"
            f'<td><a href="{_e(r["source_url"])}">page</a></td></tr>'
        )
    body = "".join(rows) or '<tr><td colspan="6">No spells recorded.</td></tr>'
    return f"""<section id="engage" aria-labelledby="engage-h"><h2 id="engage-h">Engage (enhanced monitoring)</h2>
<p>HMICFRS monitors every force at one of two stages: Scan (routine) or Engage (enhanced monitoring, what the press
calls special measures). Each force's spells in Engage, as its monitoring pages state them. Dates keep their
precision: a month or a year is never given a made-up day.</p>
{in_now}
<div class="scroll" tabindex="0" role="region" aria-label="Engage spells"><table>
<thead><tr><th scope="col">Force</th><th scope="col">Entered</th><th scope="col">Moved out</th>
<th scope="col">Reasons</th><th scope="col">Related</th><th scope="col">Read from</th></tr></thead>
<tbody>{body}</tbody></table></div></section>"""
