"""Change detection between two states of the judgements table. Pure: rows in, rows out.

Within a cycle (two fetches of the same pages): newly_graded, correction, withdrawn, and
new_assessment for a force and cycle seen for the first time. Between a cycle and the one before
it: upgrade or downgrade, or not_comparable across a framework change (cycle configuration).
Change ids hash what the change is, so detecting it again gives the same id.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from peelpipe.config import Catalogue
from peelpipe.grades import GRADED, grade_label, grade_rank

Rows = list[dict[str, Any]]
Key = tuple[str, str, str]


def change_id(*parts: object) -> str:
    """Deterministic id of a change: a hash of its defining values."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def finding_id(force: str, cycle: str, area: str, kind: str, text: str) -> str:
    """A finding's id: a hash of force, cycle, area, kind and text (built, and moved by a replay, alike)."""
    return hashlib.sha256("\x1f".join((force, cycle, area, kind, text)).encode()).hexdigest()[:20]


def _state(row: dict[str, Any]) -> str | None:
    state: str | None = row["grade"] if row["grade_status"] == GRADED else row["grade_status"]
    return state


def detect_changes(
    previous: Rows,
    current: Rows,
    catalogue: Catalogue,
    *,
    now: datetime,
    run_id: str,
    announce: bool,
    known_ids: set[str],
) -> Rows:
    """New change rows (ids not in known_ids) from the previous and current judgements."""
    before = {(r["force_id"], r["cycle_id"], r["area_id"]): r for r in previous}
    after = {(r["force_id"], r["cycle_id"], r["area_id"]): r for r in current}
    assessed_before = {(f, c) for f, c, _ in before}
    found: list[dict[str, Any]] = []
    seen = set(known_ids)

    def add(
        kind: str,
        cid: str,
        force: str,
        area: str | None,
        from_cycle: str | None,
        to_cycle: str,
        from_grade: str | None,
        to_grade: str | None,
        comparable: bool,
        url: str | None,
    ) -> None:
        if cid in seen:
            return
        seen.add(cid)
        found.append(
            {
                "change_id": cid,
                "change_type": kind,
                "force_id": force,
                "area_id": area,
                "from_cycle_id": from_cycle,
                "to_cycle_id": to_cycle,
                "from_grade": from_grade,
                "to_grade": to_grade,
                "comparable": comparable,
                "detected_at": now,
                "source_url": url,
                "announce": announce,
                "run_id": run_id,
                "summary": summarise(catalogue, kind, force, area, from_cycle, to_cycle, from_grade, to_grade),
            }
        )

    for (force, cycle, area), row in sorted(after.items()):
        if (force, cycle) not in assessed_before:
            add(
                "new_assessment",
                change_id("new_assessment", force, cycle),
                force,
                None,
                None,
                cycle,
                None,
                None,
                True,
                row["source_url"],
            )
            continue
        old = before.get((force, cycle, area))
        new_state = _state(row)
        if old is None or (old["grade_status"] != GRADED and row["grade_status"] == GRADED):
            if row["grade_status"] == GRADED:
                add(
                    "newly_graded",
                    change_id("newly_graded", force, cycle, area, row["grade"]),
                    force,
                    area,
                    cycle,
                    cycle,
                    None if old is None else _state(old),
                    row["grade"],
                    True,
                    row["source_url"],
                )
            continue
        old_state = _state(old)
        if old_state != new_state:
            add(
                "correction",
                change_id("correction", force, cycle, area, old_state, new_state, row["content_sha256"]),
                force,
                area,
                cycle,
                cycle,
                old_state,
                new_state,
                True,
                row["source_url"],
            )

    for (force, cycle, area), old in sorted(before.items()):
        if (force, cycle, area) not in after:
            add(
                "withdrawn",
                change_id("withdrawn", force, cycle, area, _state(old)),
                force,
                area,
                cycle,
                cycle,
                _state(old),
                None,
                True,
                old["source_url"],
            )

    for (force, cycle, area), row in sorted(after.items()):
        spec = catalogue.cycles.get(cycle)
        if row["grade_status"] != GRADED or spec is None or not spec.previous:
            continue
        earlier = after.get((force, spec.previous, area))
        if earlier is None or earlier["grade_status"] != GRADED or earlier["grade"] == row["grade"]:
            continue
        if spec.comparable_with_previous:
            old_rank = grade_rank(earlier["grade"], catalogue.cycles[spec.previous].scale)
            new_rank = grade_rank(row["grade"], spec.scale)
            if old_rank is None or new_rank is None:
                continue
            kind = "upgrade" if new_rank < old_rank else "downgrade"
            comparable = True
        else:
            kind, comparable = "not_comparable", False
        add(
            kind,
            change_id(kind, force, area, spec.previous, cycle, earlier["grade"], row["grade"]),
            force,
            area,
            spec.previous,
            cycle,
            earlier["grade"],
            row["grade"],
            comparable,
            row["source_url"],
        )
    return found


def area_name(area_id: str) -> str:
    """An area id in words: 'effectiveness' -> 'overall effectiveness',
    'effectiveness.investigating-crime' -> 'investigating crime (effectiveness)'."""
    if area_id in ("effectiveness", "efficiency", "legitimacy"):
        return f"overall {area_id}"
    pillar, _, question = area_id.partition(".")
    if question:
        return f"{question.replace('-', ' ')} ({pillar})"
    return area_id.replace("-", " ")


def summarise(
    catalogue: Catalogue,
    kind: str,
    force: str,
    area: str | None,
    from_cycle: str | None,
    to_cycle: str,
    from_grade: str | None,
    to_grade: str | None,
) -> str:
    """One line a person who has never seen the data can read."""
    name = catalogue.forces[force].name if force in catalogue.forces else force
    to_label = catalogue.cycles[to_cycle].label if to_cycle in catalogue.cycles else to_cycle
    from_label = catalogue.cycles[from_cycle].label if from_cycle in catalogue.cycles else from_cycle
    what = area_name(area or "")
    if kind == "new_assessment":
        return f"{name}: {to_label} assessment found"
    if kind == "newly_graded":
        return f"{name}, {what}: now graded {grade_label(to_grade)} in {to_label} (was {grade_label(from_grade)})"
    if kind == "correction":
        return f"{name}, {what}: {to_label} grade changed on the published page from {grade_label(from_grade)} to {grade_label(to_grade)}"
    if kind == "withdrawn":
        return f"{name}, {what}: {to_label} grade {grade_label(from_grade)} no longer on the site"
    if kind == "not_comparable":
        return (
            f"{name}, {what}: {grade_label(from_grade)} in {from_label}, {grade_label(to_grade)} in {to_label} "
            "(framework changed: HMICFRS says the grades are not directly comparable)"
        )
    return (
        f"{name}, {what}: {kind} from {grade_label(from_grade)} ({from_label}) to {grade_label(to_grade)} ({to_label})"
    )


def detect_finding_changes(
    previous: Rows,
    current: Rows,
    catalogue: Catalogue,
    *,
    now: datetime,
    run_id: str,
    announce: bool,
    known_ids: set[str],
) -> Rows:
    """A change per force, cycle, area and kind whose findings' texts changed on a page seen before."""

    def grouped(rows: Rows) -> dict[tuple[str, str, str, str], set[str]]:
        groups: dict[tuple[str, str, str, str], set[str]] = {}
        for row in rows:
            groups.setdefault((row["force_id"], row["cycle_id"], row["area_id"], row["kind"]), set()).add(row["text"])
        return groups

    before, after = grouped(previous), grouped(current)
    seen_before = {(f, c) for f, c, _, _ in before}
    found: Rows = []
    for key in sorted(set(before) | set(after)):
        force, cycle, area, kind = key
        old, new = before.get(key, set()), after.get(key, set())
        if old == new or (force, cycle) not in seen_before:
            continue
        cid = change_id("findings_changed", force, cycle, area, kind, *sorted(new))
        if cid in known_ids:
            continue
        name = catalogue.forces[force].name if force in catalogue.forces else force
        label = catalogue.cycles[cycle].label if cycle in catalogue.cycles else cycle
        what = kind.replace("_", " ") + "s"
        found.append(
            {
                "change_id": cid,
                "change_type": "findings_changed",
                "force_id": force,
                "area_id": area,
                "from_cycle_id": cycle,
                "to_cycle_id": cycle,
                "from_grade": None,
                "to_grade": None,
                "comparable": True,
                "detected_at": now,
                "source_url": None,
                "announce": announce,
                "run_id": run_id,
                "summary": f"{name}, {area_name(area)}: {what} changed on the "
                f"published {label} page ({len(new - old)} new, {len(old - new)} removed)",
            }
        )
    return found
