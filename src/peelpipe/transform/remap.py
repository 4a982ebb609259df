"""Move rows kept under a derived area id to the id the configuration now gives their wording. Pure.

A wording no configuration mapped is kept under a derived id (mapped = false). Once
config/areas.toml maps it, `peelpipe replay` parses the archive again: the new parse says which id
each wording now has, and the previous snapshot's rows are moved to it before the tables are rebuilt.
So the rows keep when they were first seen, no change is detected between the two ids, and the
change history and the alerts that announced it follow the move (a change keeps being known, and
one already sent is not sent again).
"""

from __future__ import annotations

from typing import Any

from peelpipe.config import Catalogue, normalise_label
from peelpipe.models import ParsedPage
from peelpipe.transform.changes import change_id, finding_id, summarise

Rows = list[dict[str, Any]]
Moves = dict[tuple[str, str, str], str]  # (force_id, cycle_id, derived area_id) -> area_id

_ONE_CYCLE = ("newly_graded", "withdrawn")
CROSS_CYCLE = ("upgrade", "downgrade", "not_comparable")  # changes between a cycle and the one before


def area_moves(previous_observations: Rows, parsed: dict[str, ParsedPage]) -> Moves:
    """Derived ids whose wording now maps: the previous snapshot's unmapped observations, matched by
    page and printed wording to a new parse (`parsed`: source_url -> page) that maps it."""
    now_mapped: dict[tuple[str, str], str] = {}
    for url, page in parsed.items():
        if page.readable:
            for obs in page.observations:
                if obs.mapped:
                    now_mapped[(url, normalise_label(obs.area_label))] = obs.area_id
    moves: Moves = {}
    for row in previous_observations:
        if row.get("mapped", True):
            continue
        target = now_mapped.get((row["source_url"], normalise_label(row["area_label"])))
        if target is not None and target != row["area_id"]:
            moves[(row["force_id"], row["cycle_id"], row["area_id"])] = target
    return moves


def _moved_change(row: dict[str, Any], area: str, catalogue: Catalogue) -> dict[str, Any]:
    """A change row under its new area id, with the id the change would have had under it."""
    kind, force = row["change_type"], row["force_id"]
    if kind in _ONE_CYCLE:
        state = row["to_grade"] if kind == "newly_graded" else row["from_grade"]
        new_id = change_id(kind, force, row["to_cycle_id"], area, state)
    elif kind in CROSS_CYCLE:
        new_id = change_id(
            kind, force, area, row["from_cycle_id"], row["to_cycle_id"], row["from_grade"], row["to_grade"]
        )
    else:  # correction, findings_changed: their ids hash values the row does not keep
        new_id = change_id("moved", row["change_id"], area)
    moved = dict(row, change_id=new_id, area_id=area)
    if kind != "findings_changed":
        moved["summary"] = summarise(
            catalogue, kind, force, area, row["from_cycle_id"], row["to_cycle_id"], row["from_grade"], row["to_grade"]
        )
    return moved


def move_areas(tables: dict[str, Rows], moves: Moves, catalogue: Catalogue) -> dict[str, Rows]:
    """The tables with every row of a moved (force, cycle, derived id) under its new id. A moved row
    that meets a row already under the new id gives way to it."""
    if not moves:
        return tables
    out = dict(tables)

    def target(row: dict[str, Any], cycle_key: str = "cycle_id") -> str | None:
        return moves.get((row["force_id"], row[cycle_key], row.get("area_id") or ""))

    for name, key in (("observations", ("source_url", "area_id")), ("judgements", ("force_id", "cycle_id", "area_id"))):
        rows = tables.get(name, [])
        kept = {tuple(r[k] for k in key) for r in rows if target(r) is None}
        moved_rows = []
        for row in rows:
            area = target(row)
            if area is None:
                moved_rows.append(row)
                continue
            moved = dict(row, area_id=area)
            if tuple(moved[k] for k in key) not in kept:
                kept.add(tuple(moved[k] for k in key))
                moved_rows.append(moved)
        out[name] = moved_rows
    out["findings"] = []
    for row in tables.get("findings", []):
        area = target(row)
        if area is not None:
            fid = finding_id(row["force_id"], row["cycle_id"], area, row["kind"], row["text"])
            row = dict(row, area_id=area, finding_id=fid)
        out["findings"].append(row)
    out["parse_issues"] = [
        dict(r, area_id=target(r)) if r.get("area_id") and target(r) else r for r in tables.get("parse_issues", [])
    ]
    renamed: dict[str, str] = {}
    out["changes"] = []
    ids: set[str] = set()
    for row in tables.get("changes", []):
        area = target(row, "to_cycle_id")
        if area is not None:
            moved = _moved_change(row, area, catalogue)
            renamed[row["change_id"]] = moved["change_id"]
            row = moved
        if row["change_id"] not in ids:  # a change already known under the new id is kept once
            ids.add(row["change_id"])
            out["changes"].append(row)
    out["alerts"] = [
        dict(a, change_id=renamed[a["change_id"]]) if a["change_id"] in renamed else a for a in tables.get("alerts", [])
    ]
    return out
