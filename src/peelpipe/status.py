"""`peelpipe status`: what the warehouse holds, and the area wordings no configuration maps yet.

An area or question wording that config/areas.toml does not map is kept under a derived id
(`unmapped.<slug>`, or `<pillar>.<slug>` for a question) with mapped = false. Status lists each
such wording with its cycle and an `[[area]]` block to paste into areas.toml; `peelpipe replay`
then moves its rows to the id the block gives, with no network and no change announced.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime
from typing import Any

from peelpipe.config import Catalogue
from peelpipe.grades import GRADED
from peelpipe.parse.text import slugify
from peelpipe.report import coverage, status_text
from peelpipe.safetext import escape_controls

Rows = list[dict[str, Any]]

# The question form around an area's name: "How good is the force at tackling fraud?" -> "tackling fraud".
_QUESTION_FORM = re.compile(
    r"^(?:how|to what extent|what|does|is)\b.*?\b(?:force|constabulary|police)(?:.s)?\s+(?:at\s+|in\s+|is\s+)?",
    re.IGNORECASE,
)


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes (quote, backslash, controls as \\uXXXX) are TOML's too."""
    return json.dumps(text, ensure_ascii=False)


def _suggested_id(label: str, level: str, area_id: str, taken: set[str]) -> str:
    """An area id for a wording: its words without the question form, not one already in use."""
    core = _QUESTION_FORM.sub("", label.strip().rstrip("?.: ")) or label
    slug = slugify(core, limit=48)
    pillar = area_id.split(".", 1)[0] if level == "question" and "." in area_id else ""
    base = f"{pillar}.{slug}" if pillar else slug
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def unmapped_wordings(observations: Rows, catalogue: Catalogue) -> Rows:
    """Each printed wording kept under a derived id, per cycle: where it was seen, and an
    [[area]] block that maps it once appended to config/areas.toml."""
    groups: dict[tuple[str, str, str], Rows] = {}
    for row in observations:
        if not row.get("mapped", True):
            groups.setdefault((row["cycle_id"], row["area_id"], row["area_label"]), []).append(row)
    taken = set(catalogue.areas)
    result: Rows = []
    for (cycle_id, area_id, label), rows in sorted(groups.items()):
        level = rows[0]["level"]
        suggested = _suggested_id(label, level, area_id, taken)
        taken.add(suggested)
        graded = any(r["grade_status"] == GRADED for r in rows)
        cycle = catalogue.cycles.get(cycle_id)
        lines = [
            f"# {cycle.label if cycle else cycle_id}: {label}",
            "# (to map it to an existing area instead, add the label to that area's labels)",
            "[[area]]",
            f"id = {_toml_string(suggested)}",
            f"level = {_toml_string(level)}",
        ]
        if level == "question" and "." in area_id:
            lines.append(f"pillar = {_toml_string(area_id.split('.', 1)[0])}")
        lines += [
            f"{'graded_in' if graded else 'ungraded_in'} = [{_toml_string(cycle_id)}]",
            f"labels = [{_toml_string(label)}]",
        ]
        result.append(
            {
                "cycle_id": cycle_id,
                "area_id": area_id,
                "label": label,
                "level": level,
                "pages": len({r["source_url"] for r in rows}),
                "forces": sorted({r["force_id"] for r in rows}),
                "suggested_id": suggested,
                "block": "\n".join(lines) + "\n",
            }
        )
    return result


def unmapped_text(wordings: Rows) -> str:
    """The unmapped wordings for people: each with its cycle, where it was seen, and its block."""
    if not wordings:
        return ""
    lines = [
        f"unmapped wordings: {len(wordings)} (kept under derived ids; append a block to config/areas.toml, "
        "then run 'peelpipe replay' to move their rows)",
    ]
    for w in wordings:
        forces = ", ".join(w["forces"][:5]) + (f" and {len(w['forces']) - 5} more" if len(w["forces"]) > 5 else "")
        lines += ["", f"  {w['cycle_id']}  {w['area_id']}  ({w['pages']} page(s): {forces})", "", w["block"].rstrip()]
    return escape_controls("\n".join(lines))


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(type(value))


def status_command(catalogue: Catalogue, *, as_json: bool) -> int:
    """Print the status of the catalogue's warehouse, as text or one JSON document."""
    from peelpipe.pipeline import open_warehouse

    warehouse = open_warehouse(catalogue)
    manifest = warehouse.manifest()
    tables = warehouse.read_all() if manifest else {}
    wordings = unmapped_wordings(tables.get("observations", []), catalogue)
    next_run = None
    if os.environ.get("PREFECT_API_URL"):  # only then: asking Prefect's profile would slow every status
        from peelpipe.schedule import next_scheduled_run

        next_run = next_scheduled_run()
    if as_json:
        runs = sorted(tables.get("runs", []), key=lambda r: r["started_at"])
        print(
            json.dumps(
                {
                    "snapshot": manifest,
                    "coverage": coverage(catalogue, tables.get("assessments", [])),
                    "last_run": runs[-1] if runs else None,
                    "next_scheduled_run": next_run,
                    "parse_issues": len(tables.get("parse_issues", [])),
                    "unmapped_wordings": wordings,
                },
                default=_json_default,
                indent=1,
            )
        )
        return 0
    print(status_text(catalogue, manifest, tables))
    if wordings:
        print("\n" + unmapped_text(wordings))
    if os.environ.get("PREFECT_API_URL"):
        print(
            f"\nnext scheduled run: {next_run:%Y-%m-%d %H:%M %Z}"
            if next_run
            else "\nnext scheduled run: none (no server answering, no 'peel-refresh' deployment, or it is paused)"
        )
    return 0
