"""The monitoring table (forces' spells in Engage) and its changes, from the monitoring pages read. Pure.

Merge rules, so that nothing is lost: a monitoring page that could not be fetched or read keeps its
previous rows, and so does a force whose section on a page read this run had an error. Spells are
matched across both pages (a force moving out leaves one page for the other) by force and entry
date; a force's spell whose entry date was reworded or corrected is matched by its order among the
force's spells. Entering and leaving are changes (entered_engage, left_engage); a corrected date of
a spell already known is engage_dates_corrected. Change ids hash what changed, so a re-run adds none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from peelpipe.config import Catalogue
from peelpipe.models import FETCHED, NOT_MODIFIED, FetchResult, MonitoringPage, Spell
from peelpipe.transform.changes import change_id

Rows = list[dict[str, Any]]
PAGE_KIND = "monitoring"


@dataclass
class MonitoringOutcome:
    """One monitoring page of this run: how the fetch went and, when it was read, what it said."""

    url: str  # canonical URL (the live site's), the rows' source_url
    fetch: FetchResult
    parsed: MonitoringPage | None = None


@dataclass
class MonitoringResult:
    """The monitoring table of the next snapshot, with this run's issue rows and new changes."""

    rows: Rows
    issues: Rows = field(default_factory=list)
    changes: Rows = field(default_factory=list)


def spell_row(spell: Spell, url: str, now: datetime) -> dict[str, Any]:
    """A monitoring row from a spell a page states."""
    return {
        "force_id": spell.force_id,
        "stage": spell.stage,
        "entered_on": spell.entered_on,
        "entered_precision": spell.entered_precision,
        "entered_text": spell.entered_text,
        "left_on": spell.left_on,
        "left_precision": spell.left_precision,
        "left_text": spell.left_text,
        "reasons": list(spell.reasons),
        "related_report_url": spell.related_report_url,
        "source_url": url,
        "first_seen_at": now,
        "last_seen_at": now,
    }


def _entry(row: dict[str, Any]) -> tuple[str, str, date, str]:
    return (row["force_id"], row["stage"], row["entered_on"], row["entered_precision"])


def build_monitoring(
    previous: Rows,
    outcomes: list[MonitoringOutcome],
    catalogue: Catalogue,
    *,
    now: datetime,
    run_id: str,
    announce: bool,
) -> MonitoringResult:
    """Next monitoring rows, parse issue rows of the pages read, and new changes (ids not yet known)."""
    if not outcomes:
        return MonitoringResult(rows=list(previous))
    read = {o.url for o in outcomes if o.parsed is not None and o.parsed.readable}
    rows: Rows = [dict(r) for r in previous if r["source_url"] not in read]  # pages not read keep their rows
    issues: Rows = []
    for o in outcomes:
        if o.fetch.outcome not in (FETCHED, NOT_MODIFIED):
            reason = "fetch_failed" if o.fetch.outcome != "disallowed" else "robots_disallowed"
            detail = o.fetch.error or o.fetch.outcome
            if o.fetch.outcome == "not_found":
                detail = "the monitoring page answers 404; its earlier rows are kept"
            issues.append(_issue(o.url, None, reason, detail, None, now))
            continue
        if o.parsed is None:
            continue
        for issue in o.parsed.issues:
            issues.append(_issue(o.url, None, issue.reason, issue.detail, o.fetch.sha256, now, issue.severity))
        if not o.parsed.readable:
            continue
        kept = set(o.parsed.forces_with_errors)
        rows += [dict(r) for r in previous if r["source_url"] == o.url and r["force_id"] in kept]
        rows += [spell_row(s, o.url, now) for s in o.parsed.spells]
    rows = _one_per_spell(rows, read)
    changes = _changes(previous, rows, catalogue, now=now, run_id=run_id, announce=announce)
    rows.sort(key=lambda r: (r["force_id"], r["entered_on"], r["stage"]))
    return MonitoringResult(rows=rows, issues=issues, changes=changes)


def _one_per_spell(rows: Rows, read: set[str]) -> Rows:
    """A spell listed twice (a page not read this run still lists a force the other page has moved on):
    the row of a page read this run wins, then the row that has the exit date."""
    best: dict[tuple[str, str, date, str], dict[str, Any]] = {}
    for row in rows:
        key = _entry(row)
        old = best.get(key)
        rank = (row["source_url"] in read, row["left_on"] is not None)
        if old is None or rank > (old["source_url"] in read, old["left_on"] is not None):
            best[key] = row
    return list(best.values())


def _pairs(before: Rows, after: Rows) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """Spells of one force matched: same entry first, then the rest in entry order."""
    old = {_entry(r): r for r in before}
    pairs: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = []
    rest_after = []
    for row in sorted(after, key=lambda r: r["entered_on"]):
        match = old.pop(_entry(row), None)
        if match is not None:
            pairs.append((match, row))
        else:
            rest_after.append(row)
    rest_before = sorted(old.values(), key=lambda r: r["entered_on"])
    for i, row in enumerate(rest_after):
        pairs.append((rest_before[i] if i < len(rest_before) else None, row))
    pairs += [(r, None) for r in rest_before[len(rest_after) :]]
    return pairs


def _changes(
    previous: Rows, current: Rows, catalogue: Catalogue, *, now: datetime, run_id: str, announce: bool
) -> Rows:
    found: Rows = []
    for force in sorted({r["force_id"] for r in current}):
        before = [r for r in previous if r["force_id"] == force]
        after = [r for r in current if r["force_id"] == force]
        for old, new in _pairs(before, after):
            if new is None:
                continue  # a spell no page lists any more: kept only where its page was not read
            if old is not None:
                new["first_seen_at"] = old["first_seen_at"]
            if old is None:
                found.append(
                    _change("entered_engage", new, None, "scan", new["stage"], catalogue, now, run_id, announce)
                )
                if new["left_on"] is not None:
                    found.append(
                        _change("left_engage", new, None, new["stage"], "scan", catalogue, now, run_id, announce)
                    )
                continue
            if old["left_on"] is None and new["left_on"] is not None:
                found.append(_change("left_engage", new, old, new["stage"], "scan", catalogue, now, run_id, announce))
            if _dates(old) != _dates(new) and not (old["left_on"] is None and _dates(old)[:2] == _dates(new)[:2]):
                found.append(
                    _change(
                        "engage_dates_corrected",
                        new,
                        old,
                        _when(old),
                        _when(new),
                        catalogue,
                        now,
                        run_id,
                        announce,
                    )
                )
    return found


def _dates(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["entered_on"], row["entered_precision"], row["left_on"], row["left_precision"])


def _when(row: dict[str, Any]) -> str:
    left = row.get("left_text") or (str(row["left_on"]) if row["left_on"] else "")
    return f"{row['entered_text']} to {left}" if left else f"{row['entered_text']} onwards"


def _at(row: dict[str, Any], which: str) -> str:
    """'on 23 May 2025', 'in May 2024', 'in autumn 2024': the printed date with its preposition."""
    return f"{'on' if row[f'{which}_precision'] == 'day' else 'in'} {row[f'{which}_text']}"


def _change(
    kind: str,
    new: dict[str, Any],
    old: dict[str, Any] | None,
    from_state: str,
    to_state: str,
    catalogue: Catalogue,
    now: datetime,
    run_id: str,
    announce: bool,
) -> dict[str, Any]:
    force = new["force_id"]
    name = catalogue.forces[force].name if force in catalogue.forces else force
    if kind == "entered_engage":
        cid = change_id(kind, force, new["stage"], new["entered_on"], new["entered_precision"])
        summary = f"{name}: entered Engage (enhanced monitoring) {_at(new, 'entered')}"
    elif kind == "left_engage":
        cid = change_id(kind, force, new["stage"], new["entered_on"], new["left_on"], new["left_precision"])
        summary = (
            f"{name}: moved out of Engage (enhanced monitoring) {_at(new, 'left')}, "
            f"having entered it {_at(new, 'entered')}"
        )
    else:
        assert old is not None
        cid = change_id(kind, force, *_dates(old), *_dates(new))
        summary = f"{name}: Engage spell dates changed on the monitoring page from {from_state} to {to_state}"
    return {
        "change_id": cid,
        "change_type": kind,
        "force_id": force,
        "area_id": "monitoring",
        "from_cycle_id": None,
        "to_cycle_id": "",
        "from_grade": from_state,
        "to_grade": to_state,
        "comparable": True,
        "detected_at": now,
        "source_url": new["source_url"],
        "announce": announce,
        "run_id": run_id,
        "summary": summary,
    }


def _issue(
    url: str, force: str | None, reason: str, detail: str, sha: str | None, now: datetime, severity: str = "error"
) -> dict[str, Any]:
    return {
        "force_id": force or "",
        "cycle_id": "",
        "area_id": None,
        "source_url": url,
        "page_kind": PAGE_KIND,
        "severity": severity,
        "reason": reason,
        "detail": detail,
        "content_sha256": sha,
        "seen_at": now,
    }
