"""Explicit pyarrow schemas of the warehouse tables: the public contract, column by column.

Each column carries a description in its field metadata; the Parquet files carry them too.
Changing or removing a column is a schema version bump and a CHANGELOG entry.
"""

from __future__ import annotations

import pyarrow as pa

from peelpipe.config import PAGE_KINDS
from peelpipe.grades import ALL_GRADES, GRADE_STATUSES
from peelpipe.vocabulary import CHANGE_TYPES, ISSUE_REASONS, PAGE_STATUSES
from peelpipe.warehouse.schema_monitoring import MONITORING, MONITORING_EXAMPLES

SCHEMA_VERSION = "1.0"

_TS = pa.timestamp("us", tz="UTC")


def with_table_metadata(name: str, schema: pa.Schema) -> pa.Schema:
    """The schema with peelpipe's table name and schema version in its Parquet metadata."""
    return schema.with_metadata({"peelpipe.table": name, "peelpipe.schema_version": SCHEMA_VERSION})


def _f(name: str, kind: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, kind, nullable=nullable, metadata={"description": doc})


def field_allowed(table: str, column: str) -> tuple[str, ...]:
    """The closed set of values a column takes, where it has one (else empty)."""
    return ALLOWED.get(f"{table}.{column}", ALLOWED.get(f"*.{column}", ()))


def field_example(table: str, column: str) -> str:
    """An example value of a column, as text."""
    return EXAMPLES.get(f"{table}.{column}", EXAMPLES.get(f"*.{column}", ""))


TABLES: dict[str, pa.Schema] = {
    "forces": pa.schema(
        [
            _f("force_id", pa.string(), "Slug of the 2014-2018/19 PEEL URLs, e.g. staffordshire", False),
            _f("name", pa.string(), "Full name, e.g. Staffordshire Police", False),
            _f("country", pa.string(), "England or Wales", False),
            _f("region", pa.string(), "Region of England, or Wales"),
            _f("aliases", pa.string(), "Other slugs the site used for the force, comma-separated"),
        ]
    ),
    "cycles": pa.schema(
        [
            _f("cycle_id", pa.string(), "Cycle id: 2014, 2015, 2016, 2017, 2018-19, 2021-22, 2023-25, 2025-27", False),
            _f("label", pa.string(), "Name as HMICFRS prints it, e.g. PEEL 2018/19", False),
            _f("family", pa.string(), "pillar (2014-2018/19) or area (2021/22 on)", False),
            _f("scale_size", pa.int8(), "Number of grades on the cycle's scale (4 or 5)", False),
            _f("scale", pa.string(), "The grades of the scale, best first, comma-separated", False),
            _f("previous_cycle_id", pa.string(), "The cycle before it, compared with for year-on-year changes"),
            _f(
                "comparable_with_previous",
                pa.bool_(),
                "False where HMICFRS says grades cannot be compared with the previous cycle",
                False,
            ),
            _f("status", pa.string(), "closed, open (reports still appearing) or upcoming", False),
        ]
    ),
    "assessments": pa.schema(
        [
            _f("force_id", pa.string(), "Force", False),
            _f("cycle_id", pa.string(), "Cycle", False),
            _f("source_url", pa.string(), "The force's landing page (or report page) for the cycle", False),
            _f("published_on", pa.date32(), "Publication date where the page states one"),
            _f("last_updated", pa.date32(), "Latest 'Last updated' date on the force's pages for the cycle"),
            _f("status", pa.string(), "complete (every pillar graded), in_progress (some pending) or partial", False),
            _f("pages_found", pa.int16(), "Pages of the force and cycle found on the site", False),
            _f("pages_expected", pa.int16(), "Pages the cycle's configuration expects", False),
            _f("graded", pa.int16(), "Judgements with a grade", False),
            _f("tranche", pa.string(), "PEEL 2018/19 tranche (one, two, three)"),
        ]
    ),
    "judgements": pa.schema(
        [
            _f("force_id", pa.string(), "Force", False),
            _f("cycle_id", pa.string(), "Cycle", False),
            _f(
                "area_id",
                pa.string(),
                "What was judged: a pillar, pillar.question, or an area (see the contract)",
                False,
            ),
            _f("area_label", pa.string(), "The wording printed on the page", False),
            _f("level", pa.string(), "pillar, question or area", False),
            _f("grade", pa.string(), "outstanding, good, adequate, requires_improvement, inadequate, or null", True),
            _f("grade_rank", pa.int8(), "Position on the cycle's scale, 0 = outstanding; null when not graded"),
            _f(
                "grade_status",
                pa.string(),
                "graded, pending (not yet graded), not_graded, ungraded (never graded in the cycle)",
                False,
            ),
            _f(
                "grade_source",
                pa.string(),
                "Where the grade was read: label, prose (summary sentence), headline (landing page), config, carried_over",
                False,
            ),
            _f("source_url", pa.string(), "Page the judgement was taken from", False),
            _f("content_sha256", pa.string(), "sha256 of that page's body in the raw archive", False),
            _f("parser_version", pa.string(), "Parser and version that read it", False),
            _f("first_seen_at", _TS, "When peelpipe first saw this grade for this judgement", False),
            _f("last_seen_at", _TS, "When peelpipe last confirmed it", False),
            _f("last_updated", pa.date32(), "The page's 'Last updated' date"),
            _f("mapped", pa.bool_(), "False when the printed label maps to no known area_id (derived id)", False),
            _f("observations", pa.int8(), "How many pages state this judgement (landing and pillar page)", False),
            _f("conflict", pa.bool_(), "True when the pages disagree; conflict_detail says how", False),
            _f("conflict_detail", pa.string(), "What each page says when they disagree"),
            _f("carried_over", pa.bool_(), "The page says the grade was carried over (a printed grade is kept)", False),
            _f("carried_from_cycle_id", pa.string(), "Cycle that gave a carried-over grade the page does not print"),
        ]
    ),
    "observations": pa.schema(
        [
            _f("force_id", pa.string(), "Force", False),
            _f("cycle_id", pa.string(), "Cycle", False),
            _f("area_id", pa.string(), "What was judged", False),
            _f("area_label", pa.string(), "The wording printed on the page", False),
            _f("level", pa.string(), "pillar, question or area", False),
            _f("grade", pa.string(), "Grade as this page states it"),
            _f("grade_status", pa.string(), "graded, pending, not_graded, ungraded", False),
            _f("grade_source", pa.string(), "label, prose, headline, config", False),
            _f("page_kind", pa.string(), "landing, pillar or report", False),
            _f("source_url", pa.string(), "The page", False),
            _f("content_sha256", pa.string(), "sha256 of the page body", False),
            _f("parser_version", pa.string(), "Parser and version", False),
            _f("last_updated", pa.date32(), "The page's 'Last updated' date"),
            _f("mapped", pa.bool_(), "False for a label that maps to no known area", False),
            _f(
                "carried_over",
                pa.bool_(),
                "The page says the judgement was carried over from an earlier inspection",
                False,
            ),
            _f("carried_from_cycle_id", pa.string(), "Cycle a carried-over judgement comes from, as the page says"),
            _f("evidence", pa.string(), "The text the grade was read from (label, sentence)"),
            _f("first_seen_at", _TS, "First seen with this grade", False),
            _f("last_seen_at", _TS, "Last seen", False),
        ]
    ),
    "findings": pa.schema(
        [
            _f("finding_id", pa.string(), "Stable id: hash of force, cycle, area, kind and text", False),
            _f("force_id", pa.string(), "Force", False),
            _f("cycle_id", pa.string(), "Cycle", False),
            _f("area_id", pa.string(), "Area or question the finding is filed under", False),
            _f(
                "kind",
                pa.string(),
                "area_for_improvement, cause_of_concern, recommendation, innovative_practice",
                False,
            ),
            _f("text", pa.string(), "The finding as printed", False),
            _f("source_url", pa.string(), "The page", False),
            _f("first_seen_at", _TS, "When peelpipe first saw it", False),
        ]
    ),
    "monitoring": MONITORING,
    "changes": pa.schema(
        [
            _f("change_id", pa.string(), "Deterministic id: the same change detected twice has the same id", False),
            _f(
                "change_type",
                pa.string(),
                "upgrade, downgrade, correction, newly_graded, new_assessment, not_comparable, withdrawn, "
                "findings_changed, entered_engage, left_engage, engage_dates_corrected",
                False,
            ),
            _f("force_id", pa.string(), "Force", False),
            _f("area_id", pa.string(), "What changed; null for new_assessment; monitoring for Engage changes"),
            _f("from_cycle_id", pa.string(), "Cycle of the earlier grade (same as to_cycle_id within a cycle)"),
            _f("to_cycle_id", pa.string(), "Cycle of the later grade; empty for Engage changes", False),
            _f("from_grade", pa.string(), "Earlier grade (or status when not graded; stage or dates for Engage)"),
            _f("to_grade", pa.string(), "Later grade (or status when not graded; stage or dates for Engage)"),
            _f("comparable", pa.bool_(), "False across a framework change (not_comparable)", False),
            _f("detected_at", _TS, "When peelpipe first detected it", False),
            _f("source_url", pa.string(), "Page showing the later grade"),
            _f("announce", pa.bool_(), "Whether alerts are due (false for changes found by a backfill)", False),
            _f("run_id", pa.string(), "Run that detected it", False),
            _f("summary", pa.string(), "One line a person can read", False),
        ]
    ),
    "alerts": pa.schema(
        [
            _f("change_id", pa.string(), "The change announced", False),
            _f("channel", pa.string(), "Channel, with secrets redacted (scheme://host/… #hash)", False),
            _f("status", pa.string(), "sent or failed", False),
            _f("sent_at", _TS, "When delivery was attempted", False),
            _f("error", pa.string(), "Why delivery failed"),
        ]
    ),
    "parse_issues": pa.schema(
        [
            _f("force_id", pa.string(), "Force (empty for a monitoring page)", False),
            _f("cycle_id", pa.string(), "Cycle (empty for a monitoring page)", False),
            _f("area_id", pa.string(), "Area concerned, where known"),
            _f("source_url", pa.string(), "The page", False),
            _f("page_kind", pa.string(), "landing, pillar, report or monitoring", False),
            _f("severity", pa.string(), "error (data may be missing) or warning (data kept, worth a look)", False),
            _f(
                "reason",
                pa.string(),
                "Code: not_peel_page, truncated, wrong_cycle, unknown_grade, no_grade_found, unmapped_area, fetch_failed …",
                False,
            ),
            _f("detail", pa.string(), "What the parser saw", False),
            _f("content_sha256", pa.string(), "sha256 of the page body, when there was one"),
            _f("seen_at", _TS, "When it was found", False),
        ]
    ),
    "pages": pa.schema(
        [
            _f("source_url", pa.string(), "The page", False),
            _f("force_id", pa.string(), "Force", False),
            _f("cycle_id", pa.string(), "Cycle", False),
            _f("page_kind", pa.string(), "landing, pillar or report", False),
            _f("pillar", pa.string(), "Pillar of a pillar page"),
            _f("status", pa.string(), "parsed, unreadable, not_found, failed, disallowed", False),
            _f("http_status", pa.int16(), "Last HTTP status"),
            _f("content_sha256", pa.string(), "sha256 of the last body read"),
            _f("parser_version", pa.string(), "Parser that read it"),
            _f("title", pa.string(), "Page title"),
            _f("last_updated", pa.date32(), "'Last updated' date"),
            _f("fetched_at", _TS, "Last fetch"),
            _f("changed_at", _TS, "When its content last changed"),
            _f("facts", pa.string(), "Other facts the page states, as JSON (e.g. the 2018/19 tranche)"),
        ]
    ),
    "runs": pa.schema(
        [
            _f("run_id", pa.string(), "Run id", False),
            _f("mode", pa.string(), "backfill, run or replay", False),
            _f("started_at", _TS, "Start", False),
            _f("finished_at", _TS, "End", False),
            _f("scope", pa.string(), "Cycles and forces covered", False),
            _f("requests", pa.int32(), "HTTP requests made", False),
            _f("not_modified", pa.int32(), "Requests answered 304", False),
            _f("bytes_downloaded", pa.int64(), "Body bytes downloaded", False),
            _f("pages_parsed", pa.int32(), "Pages parsed", False),
            _f("pages_reused", pa.int32(), "Pages unchanged since the last run, not re-parsed", False),
            _f("pages_unreadable", pa.int32(), "Pages the parsers could not read", False),
            _f("pages_failed", pa.int32(), "Pages that could not be fetched", False),
            _f("pages_over_budget", pa.int32(), "Pages left for the next run by the request budget", False),
            _f("changes", pa.int32(), "Changes detected", False),
            _f(
                "families_failing",
                pa.string(),
                "Page families (cycle/kind) fetched but not readable in this run, comma-separated",
            ),
            _f("outcome", pa.string(), "completed or completed_with_issues", False),
            _f(
                "grade_shortfall",
                pa.string(),
                "Per page family (cycle/kind) read this run, family=short/total, comma-separated: of the pages "
                "that state how many grades they carry (facts grades_promised, else a report's intro count "
                "areas_graded), how many yielded fewer graded observations (an unreadable page: none). Pages "
                "stating no count and unchanged pages (not re-read) are in neither number",
            ),
        ]
    ),
}

KEYS: dict[str, tuple[str, ...]] = {
    "forces": ("force_id",),
    "cycles": ("cycle_id",),
    "assessments": ("force_id", "cycle_id"),
    "judgements": ("force_id", "cycle_id", "area_id"),
    "observations": ("source_url", "area_id"),
    "findings": ("finding_id",),
    "monitoring": ("force_id", "stage", "entered_on"),
    "changes": ("change_id",),
    "alerts": ("change_id", "channel", "sent_at"),
    "pages": ("source_url",),
    "parse_issues": ("source_url", "reason", "area_id"),
    "runs": ("run_id",),
}

ALLOWED: dict[str, tuple[str, ...]] = {
    "*.grade": ALL_GRADES,
    "*.grade_status": GRADE_STATUSES,
    "*.level": ("pillar", "question", "area"),
    "*.page_kind": PAGE_KINDS,
    "parse_issues.page_kind": (*PAGE_KINDS, "monitoring"),
    "monitoring.stage": ("engage",),
    "monitoring.entered_precision": ("day", "month", "year"),
    "monitoring.left_precision": ("day", "month", "year"),
    "judgements.grade_source": ("label", "prose", "headline", "config", "carried_over"),
    "observations.grade_source": ("label", "prose", "headline", "config", "carried_over"),
    "forces.country": ("England", "Wales"),
    "cycles.family": ("pillar", "area"),
    "cycles.status": ("closed", "open", "upcoming"),
    "assessments.status": ("complete", "in_progress", "partial"),
    "assessments.tranche": ("one", "two", "three"),
    "findings.kind": ("area_for_improvement", "cause_of_concern", "recommendation", "innovative_practice"),
    "changes.change_type": tuple(CHANGE_TYPES),
    "alerts.status": ("sent", "failed"),
    "parse_issues.severity": ("error", "warning"),
    "parse_issues.reason": tuple(ISSUE_REASONS),
    "pages.status": tuple(PAGE_STATUSES),
    "runs.mode": ("backfill", "run", "replay"),
    "runs.outcome": ("completed", "completed_with_issues"),
}

_URL = "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2017/staffordshire/effectiveness/"
_SHA = "3f1c9e0b5d…(64 hex characters)"
EXAMPLES: dict[str, str] = {
    "*.force_id": "staffordshire",
    "*.cycle_id": "2017",
    "*.area_id": "effectiveness.preventing-crime",
    "*.area_label": "How effective is the force at preventing crime, tackling anti-social behaviour and keeping "
    "people safe?",
    "*.level": "question",
    "*.grade": "good",
    "*.grade_rank": "1",
    "*.grade_status": "graded",
    "*.grade_source": "prose",
    "*.source_url": _URL,
    "*.content_sha256": _SHA,
    "*.parser_version": "pillar/1",
    "*.first_seen_at": "2026-11-27 06:00:12+00:00",
    "*.last_seen_at": "2026-11-27 06:00:12+00:00",
    "*.last_updated": "2018-03-22",
    "*.mapped": "true",
    "*.page_kind": "pillar",
    "*.run_id": "20261127T060000Z-3fa2c1",
    "forces.name": "Staffordshire Police",
    "forces.country": "England",
    "forces.region": "West Midlands",
    "forces.aliases": "hampshire-and-isle-of-wight",
    "cycles.label": "PEEL 2017",
    "cycles.family": "pillar",
    "cycles.scale_size": "4",
    "cycles.scale": "outstanding,good,requires_improvement,inadequate",
    "cycles.previous_cycle_id": "2016",
    "cycles.comparable_with_previous": "true",
    "cycles.status": "closed",
    "assessments.source_url": "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2017/staffordshire/",
    "assessments.published_on": "2018-03-22",
    "assessments.status": "complete",
    "assessments.pages_found": "4",
    "assessments.pages_expected": "4",
    "assessments.graded": "11",
    "assessments.tranche": "two",
    "judgements.observations": "2",
    "judgements.conflict": "false",
    "judgements.conflict_detail": "landing page: good; pillar page: requires improvement",
    "*.carried_over": "false",
    "*.carried_from_cycle_id": "2017",
    "observations.evidence": "Staffordshire Police is good at preventing crime and tackling anti-social behaviour.",
    "findings.finding_id": "5b0e2f7d9c1a4e6b8d20",
    "findings.kind": "area_for_improvement",
    "findings.text": "The force should improve how it records the outcome of investigations.",
    **MONITORING_EXAMPLES,
    "changes.change_id": "a41f0c2e9b7d3e5f1a60",
    "changes.change_type": "upgrade",
    "changes.area_id": "effectiveness",
    "changes.from_cycle_id": "2016",
    "changes.to_cycle_id": "2017",
    "changes.from_grade": "requires_improvement",
    "changes.to_grade": "good",
    "changes.comparable": "true",
    "changes.detected_at": "2026-11-27 06:00:12+00:00",
    "changes.announce": "true",
    "changes.summary": "Staffordshire Police, overall effectiveness: upgrade from requires improvement (PEEL 2016) "
    "to good (PEEL 2017)",
    "alerts.change_id": "a41f0c2e9b7d3e5f1a60",
    "alerts.channel": "json://alerts.example.org/… #9c2e",
    "alerts.status": "sent",
    "alerts.sent_at": "2026-11-27 06:00:14+00:00",
    "alerts.error": "HTTP 503 from the alert endpoint",
    "parse_issues.severity": "error",
    "parse_issues.reason": "unknown_grade",
    "parse_issues.detail": "grade label 'Satisfactory' is not a known grade word",
    "parse_issues.seen_at": "2026-11-27 06:00:12+00:00",
    "pages.pillar": "effectiveness",
    "pages.status": "parsed",
    "pages.http_status": "200",
    "pages.title": "PEEL: Police effectiveness 2017 – Staffordshire Police",
    "pages.fetched_at": "2026-11-27 06:00:12+00:00",
    "pages.changed_at": "2026-11-01 06:00:09+00:00",
    "pages.facts": '{"tranche": "two"}',
    "runs.mode": "run",
    "runs.started_at": "2026-11-27 06:00:00+00:00",
    "runs.finished_at": "2026-11-27 06:00:41+00:00",
    "runs.scope": "all cycles; all forces",
    "runs.requests": "121",
    "runs.not_modified": "16",
    "runs.bytes_downloaded": "28672",
    "runs.pages_parsed": "0",
    "runs.pages_reused": "16",
    "runs.pages_unreadable": "0",
    "runs.pages_failed": "0",
    "runs.pages_over_budget": "0",
    "runs.changes": "0",
    "runs.families_failing": "2023-25/report",
    "runs.outcome": "completed",
    "runs.grade_shortfall": "2017/pillar=0/12,2023-25/report=5/5",
}
