"""Build the next snapshot's tables from the previous snapshot and this run's pages. Pure.

Merge rules, so that nothing is lost: pages this run did not reach, could not fetch, or could
not read keep their previous rows; a page answered 404 loses its rows (the site withdrew it);
a page that parsed keeps, for an area whose grade it could not read this time, the previous
observation of that area. Judgements and assessments are derived in judgements.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from peelpipe.config import Catalogue
from peelpipe.models import (
    DISALLOWED,
    FAILED,
    FETCHED,
    NOT_FOUND,
    NOT_MODIFIED,
    FetchResult,
    PageRef,
    ParsedPage,
)
from peelpipe.transform.changes import detect_changes, detect_finding_changes, finding_id
from peelpipe.transform.health import grade_shortfall, shortfall_text
from peelpipe.transform.judgements import Rows, build_assessments, resolve_judgements
from peelpipe.transform.monitoring import MonitoringOutcome, build_monitoring


@dataclass
class PageOutcome:
    """A page of this run: how the fetch went and, when it was read, what it said."""

    page: PageRef
    fetch: FetchResult
    parsed: ParsedPage | None = None
    reused: bool = False  # content unchanged since the last run: previous rows kept, not re-parsed


@dataclass
class RunInfo:
    """Facts about the run that the tables record."""

    run_id: str
    mode: str
    started_at: datetime
    scope: str
    announce: bool
    stats: dict[str, int] = field(default_factory=dict)
    monitoring: list[MonitoringOutcome] = field(default_factory=list)  # the Engage pages read this run


def _by_url(rows: Rows, key: str) -> dict[str, dict[str, dict[str, Any]]]:
    grouped: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["source_url"], {})[row[key]] = dict(row)
    return grouped


def build_tables(
    previous: dict[str, Rows], outcomes: list[PageOutcome], catalogue: Catalogue, run: RunInfo, now: datetime
) -> dict[str, Rows]:
    """All tables of the next snapshot (alerts and runs as before plus this run)."""
    pages = {r["source_url"]: dict(r) for r in previous.get("pages", [])}
    observations = _by_url(previous.get("observations", []), "area_id")  # url -> area -> row
    findings = _by_url(previous.get("findings", []), "finding_id")  # url -> finding id -> row
    # pages_disagree issues are recomputed from all observations below, so none is carried over.
    previous_issues: dict[str, Rows] = {}
    for row in previous.get("parse_issues", []):
        if row["reason"] != "pages_disagree":
            previous_issues.setdefault(row["source_url"], []).append(row)
    issues: dict[str, Rows] = dict(previous_issues)  # replaced page by page for the pages of this run
    # A replay re-reads the archive: it restates what the last fetches saw and keeps their times, so a
    # replay of an unchanged archive rebuilds the same tables.
    replay = run.mode == "replay"

    for outcome in outcomes:
        url, fetch = outcome.page.url, outcome.fetch
        row = pages.setdefault(url, _page_row(outcome.page))
        if not (replay and row.get("fetched_at")):
            row["http_status"] = fetch.status
            row["fetched_at"] = fetch.fetched_at or now
        if fetch.outcome == NOT_FOUND:
            row.update(status="not_found", content_sha256=None)
            observations.pop(url, None)
            findings.pop(url, None)
            issues[url] = []
            continue
        if fetch.outcome in (FAILED, DISALLOWED):
            # Nothing read: the page keeps what it had, and says why it was not refreshed.
            if row.get("status") != "parsed":
                row["status"] = "failed" if fetch.outcome == FAILED else "disallowed"
            kept = [r for r in previous_issues.get(url, []) if r["reason"] not in ("fetch_failed", "robots_disallowed")]
            reason = "fetch_failed" if fetch.outcome == FAILED else "robots_disallowed"
            issues[url] = kept + [_issue(outcome.page, None, "error", reason, fetch.error or fetch.outcome, None, now)]
            continue
        if fetch.outcome not in (FETCHED, NOT_MODIFIED):
            continue
        if row.get("content_sha256") != fetch.sha256:
            row["changed_at"] = now
        row["content_sha256"] = fetch.sha256
        if outcome.reused:
            # Read again (unchanged): a fetch failure recorded by an earlier run is over.
            issues[url] = [
                r for r in previous_issues.get(url, []) if r["reason"] not in ("fetch_failed", "robots_disallowed")
            ]
            for obs in observations.get(url, {}).values():
                obs["last_seen_at"] = now
            continue
        parsed = outcome.parsed
        assert parsed is not None
        row.update(
            parser_version=parsed.parser_version,
            title=parsed.title,
            last_updated=parsed.last_updated,
            facts=json.dumps(parsed.facts, sort_keys=True) if parsed.facts else None,
        )
        seen_before = {(r["reason"], r["area_id"], r["detail"]): r["seen_at"] for r in previous_issues.get(url, [])}
        issues[url] = [
            _issue(
                outcome.page,
                i.area_id,
                i.severity,
                i.reason,
                i.detail,
                fetch.sha256,
                seen_before.get((i.reason, i.area_id, i.detail), now) if replay else now,
            )
            for i in parsed.issues
        ]
        row["status"] = "parsed" if parsed.readable else "unreadable"
        if parsed.readable:
            observations[url] = _merge_observations(outcome, parsed, observations.get(url, {}), now, replay)
            findings[url] = _findings(outcome, parsed, findings.get(url, {}), now)

    all_issues = [r for rows in issues.values() for r in rows]
    observation_rows = [r for by_area in observations.values() for r in by_area.values()]
    judgements, conflict_issues = resolve_judgements(observation_rows, previous.get("judgements", []), catalogue, now)
    all_issues.extend(conflict_issues)
    assessments = build_assessments(pages, judgements, catalogue)
    known = {r["change_id"] for r in previous.get("changes", [])}
    finding_rows = sorted(
        (r for by_id in findings.values() for r in by_id.values()),
        key=lambda r: (r["force_id"], r["cycle_id"], r["area_id"], r["text"]),
    )
    new_changes = detect_changes(
        previous.get("judgements", []),
        judgements,
        catalogue,
        now=now,
        run_id=run.run_id,
        announce=run.announce,
        known_ids=known,
    )
    new_changes += detect_finding_changes(
        previous.get("findings", []),
        finding_rows,
        catalogue,
        now=now,
        run_id=run.run_id,
        announce=run.announce,
        known_ids=known,
    )
    engage = build_monitoring(
        previous.get("monitoring", []), run.monitoring, catalogue, now=now, run_id=run.run_id, announce=run.announce
    )
    read_now = {o.url for o in run.monitoring}  # their issues are restated by this run's reading
    all_issues = [i for i in all_issues if i["source_url"] not in read_now] + engage.issues
    new_changes += [c for c in engage.changes if c["change_id"] not in known]
    run_row = {
        "run_id": run.run_id,
        "mode": run.mode,
        "started_at": run.started_at,
        "finished_at": now,
        "scope": run.scope,
        "changes": len(new_changes),
        "families_failing": failing(outcomes),
        "grade_shortfall": shortfall_text(grade_shortfall(outcomes)),
        "outcome": "completed_with_issues"
        if any(i["seen_at"] == now and i["severity"] == "error" for i in all_issues)
        else "completed",
        **{
            k: run.stats.get(k, 0)
            for k in (
                "requests",
                "not_modified",
                "bytes_downloaded",
                "pages_parsed",
                "pages_reused",
                "pages_unreadable",
                "pages_failed",
                "pages_over_budget",
            )
        },
    }
    return {
        "forces": force_rows(catalogue),
        "cycles": cycle_rows(catalogue),
        "pages": sorted(pages.values(), key=lambda r: r["source_url"]),
        "observations": sorted(observation_rows, key=lambda r: (r["source_url"], r["area_id"])),
        "judgements": judgements,
        "assessments": assessments,
        "findings": finding_rows,
        "monitoring": engage.rows,
        "parse_issues": sorted(all_issues, key=lambda r: (r["source_url"], r["reason"], r.get("area_id") or "")),
        "changes": list(previous.get("changes", [])) + new_changes,
        "alerts": list(previous.get("alerts", [])),
        "runs": list(previous.get("runs", [])) + [run_row],
    }


def failing(outcomes: list[PageOutcome]) -> str:
    """Page families (cycle/kind) of which pages were fetched this run but none could be read."""
    fetched: dict[str, int] = {}
    readable: dict[str, int] = {}
    for o in outcomes:
        if o.fetch.outcome not in (FETCHED, NOT_MODIFIED):
            continue
        family = f"{o.page.cycle_id}/{o.page.kind}"
        fetched[family] = fetched.get(family, 0) + 1
        if o.reused or (o.parsed is not None and o.parsed.readable):
            readable[family] = readable.get(family, 0) + 1
    return ",".join(sorted(f for f in fetched if not readable.get(f)))


def _merge_observations(
    outcome: PageOutcome, parsed: ParsedPage, before: dict[str, dict[str, Any]], now: datetime, replay: bool = False
) -> dict[str, dict[str, Any]]:
    """A page's observations after a parse. An area whose grade this parse could not read keeps its
    previous observation (an error issue names it), so a page that degrades loses nothing."""
    page, sha = outcome.page, outcome.fetch.sha256
    unreadable_areas = {i.area_id for i in parsed.issues if i.area_id and i.severity == "error"}
    after = {area: row for area, row in before.items() if area in unreadable_areas}
    for obs in parsed.observations:
        old = before.get(obs.area_id)
        same = old is not None and old["grade"] == obs.grade and old["grade_status"] == obs.grade_status
        after[obs.area_id] = {
            "force_id": page.force_id,
            "cycle_id": page.cycle_id,
            "area_id": obs.area_id,
            "area_label": obs.area_label,
            "level": obs.level,
            "grade": obs.grade,
            "grade_status": obs.grade_status,
            "grade_source": obs.grade_source,
            "page_kind": page.kind,
            "source_url": page.url,
            "content_sha256": sha,
            "parser_version": parsed.parser_version,
            "last_updated": parsed.last_updated,
            "mapped": obs.mapped,
            "carried_over": obs.carried_over,
            "carried_from_cycle_id": obs.carried_from,
            "evidence": obs.evidence,
            "first_seen_at": old["first_seen_at"] if old is not None and same else now,
            "last_seen_at": old["last_seen_at"] if old is not None and same and replay else now,
        }
    return after


def _findings(
    outcome: PageOutcome, parsed: ParsedPage, before: dict[str, dict[str, Any]], now: datetime
) -> dict[str, dict[str, Any]]:
    """A page's findings after a parse, keeping when each was first seen."""
    page = outcome.page
    after = {}
    for finding in parsed.findings:
        fid = finding_id(page.force_id, page.cycle_id, finding.area_id, finding.kind, finding.text)
        old = before.get(fid)
        after[fid] = {
            "finding_id": fid,
            "force_id": page.force_id,
            "cycle_id": page.cycle_id,
            "area_id": finding.area_id,
            "kind": finding.kind,
            "text": finding.text,
            "source_url": page.url,
            "first_seen_at": old["first_seen_at"] if old else now,
        }
    return after


def _page_row(page: PageRef) -> dict[str, Any]:
    return {
        "source_url": page.url,
        "force_id": page.force_id,
        "cycle_id": page.cycle_id,
        "page_kind": page.kind,
        "pillar": page.pillar,
        "status": "failed",
        "http_status": None,
        "content_sha256": None,
        "parser_version": None,
        "title": None,
        "last_updated": None,
        "fetched_at": None,
        "changed_at": None,
        "facts": None,
    }


def _issue(
    page: PageRef, area_id: str | None, severity: str, reason: str, detail: str, sha: str | None, now: datetime
) -> dict[str, Any]:
    return {
        "force_id": page.force_id,
        "cycle_id": page.cycle_id,
        "area_id": area_id,
        "source_url": page.url,
        "page_kind": page.kind,
        "severity": severity,
        "reason": reason,
        "detail": detail,
        "content_sha256": sha,
        "seen_at": now,
    }


def force_rows(catalogue: Catalogue) -> Rows:
    """The forces table from configuration."""
    return [
        {
            "force_id": f.id,
            "name": f.name,
            "country": f.country,
            "region": f.region,
            "aliases": ",".join((*f.aliases, *f.welsh_slugs)) or None,
        }
        for f in catalogue.forces.values()
    ]


def cycle_rows(catalogue: Catalogue) -> Rows:
    """The cycles table from configuration."""
    return [
        {
            "cycle_id": c.id,
            "label": c.label,
            "family": c.family,
            "scale_size": len(c.scale),
            "scale": ",".join(c.scale),
            "previous_cycle_id": c.previous,
            "comparable_with_previous": c.comparable_with_previous,
            "status": c.status,
        }
        for c in catalogue.cycles.values()
    ]
