"""The sample site's two Engage (enhanced monitoring) pages, from the [[engage]] rows of facts.toml.

The pages are written as they stood on a given day: a spell shows on "Police forces in Engage" until
its exit, then on "Police forces previously in Engage" with its exit date. The base site holds the
pages as they stood on 22 May 2025 (before Nottinghamshire moved out); each later exit is a dated
update layer (site-updates/<YYYY-MM-DD>/), so the demo can serve the site before and after it.
Wording is peelpipe's own; the markup is invented (the real markup is unknown); dates are printed
as their sources give them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from tools.samplesite.facts import FACTS_PATH
from tools.samplesite.markup import attr, esc

BASE = "/about-us/what-we-do/our-approach-to-monitoring-forces/"
IN_PATH = BASE + "police-forces-in-engage/"
OUT_PATH = BASE + "police-forces-previously-in-engage/"
BASE_STATE = "2025-05-22"  # the base site: the day before Nottinghamshire moved out


@dataclass(frozen=True)
class EngageSpell:
    """One [[engage]] row."""

    force: str
    name: str
    entered: str
    entered_source: str
    left: str | None
    left_on: str | None
    left_source: str | None
    reasons: tuple[str, ...]
    reasons_source: str | None
    related_report: str | None


def load_engage(path: Path = FACTS_PATH) -> list[EngageSpell]:
    """The [[engage]] rows, with each force's name from config/forces.toml."""
    from tools.samplesite.facts import load_forces

    forces = load_forces()
    spells = []
    for row in tomllib.loads(path.read_text(encoding="utf-8")).get("engage", []):
        if row["force"] not in forces:
            raise ValueError(f"facts.toml: [[engage]] unknown force {row['force']!r}")
        if bool(row.get("left")) != bool(row.get("left_on")) or bool(row.get("reasons")) != bool(
            row.get("reasons_source")
        ):
            raise ValueError(f"facts.toml: [[engage]] {row['force']}: left needs left_on, reasons need a source")
        spells.append(
            EngageSpell(
                force=row["force"],
                name=forces[row["force"]].name,
                entered=row["entered"],
                entered_source=row["entered_source"],
                left=row.get("left"),
                left_on=row.get("left_on"),
                left_source=row.get("left_source"),
                reasons=tuple(row.get("reasons", ())),
                reasons_source=row.get("reasons_source"),
                related_report=row.get("related_report"),
            )
        )
    return spells


def states(spells: list[EngageSpell]) -> list[str]:
    """The days the pages are written for: the base state, then each later exit (an update layer)."""
    return [BASE_STATE] + sorted({s.left_on for s in spells if s.left_on and s.left_on > BASE_STATE})


def _section(spell: EngageSpell, left: bool) -> str:
    parts = [f'<div class="engage-force">\n<h2>{esc(spell.name)}</h2>']
    if left:
        parts.append(
            f'<p class="engage-label"><strong>Moved out of Engage</strong></p>\n<p>{esc(spell.left or "")}</p>'
        )
    parts.append(f'<p class="engage-label"><strong>Entered Engage</strong></p>\n<p>{esc(spell.entered)}</p>')
    if spell.reasons:
        items = "".join(f"<li>{esc(r)}</li>" for r in spell.reasons)
        parts.append(f'<p class="engage-label"><strong>Reasons</strong></p>\n<ul>{items}</ul>')
    if spell.related_report:
        parts.append(
            '<p class="engage-label"><strong>Related report</strong></p>\n'
            f'<p><a href="{attr(spell.related_report)}">{esc(spell.name)}: the letter moving it into Engage</a></p>'
        )
    return "\n".join(parts) + "\n</div>"


def engage_page(spells: list[EngageSpell], on: str, previously: bool) -> str:
    """One of the two pages as it stood on `on` (ISO date)."""
    shown = [s for s in spells if bool(s.left_on and s.left_on <= on) == previously]
    title = "Police forces previously in Engage" if previously else "Police forces in Engage"
    sources = sorted(
        {u for s in shown for u in (s.entered_source, s.left_source if previously else None, s.reasons_source) if u}
    )
    links = ", ".join(f'<a href="{attr(u)}">{esc(u)}</a>' for u in sources)
    body = "\n".join(_section(s, previously) for s in shown) or "<p>No force is listed.</p>"
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex, nofollow">
<title>{title} - HM Inspectorate of Constabulary and Fire &amp; Rescue Services</title>
</head>
<body>
<div class="sample-banner" role="note">
<p><strong>Sample data:</strong> a peelpipe demonstration page, as the page stood on {on}. The forces and
dates are real, as published by HMICFRS and reported at the time (sources: {links}); the wording is
peelpipe's own. A force with no reasons listed has none in peelpipe's sample data.</p>
</div>
<main id="main-content">
<h1>{title}</h1>
<p>HMICFRS monitors every police force at one of two stages: Scan, where every force starts, and Engage,
its enhanced monitoring.</p>
{body}
</main>
</body>
</html>
"""


def engage_files(spells: list[EngageSpell]) -> dict[str, dict[str, str]]:
    """state day -> site path -> page HTML: the base state in full, each later state the pages it changes."""
    out: dict[str, dict[str, str]] = {}
    for on in states(spells):
        out[on] = {IN_PATH: engage_page(spells, on, False), OUT_PATH: engage_page(spells, on, True)}
    return out


def write_engage(site_dir: Path, updates_dir: Path, spells: list[EngageSpell] | None = None) -> int:
    """Write the base pages into site_dir and each later state into updates_dir/<day>/; pages written."""
    files = engage_files(load_engage() if spells is None else spells)
    written = 0
    for on, pages in files.items():
        root = site_dir if on == BASE_STATE else updates_dir / on
        for path, html in pages.items():
            out = root / path.strip("/") / "index.html"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(html.encode("utf-8"))
            written += 1
    return written
