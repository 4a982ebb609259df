"""Plain records passed between layers: what to fetch, what was fetched, what a page said."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Fetch outcomes.
FETCHED = "fetched"
NOT_MODIFIED = "not_modified"
NOT_FOUND = "not_found"
FAILED = "failed"
DISALLOWED = "disallowed"

# Where a grade was read from.
SOURCE_LABEL = "label"
SOURCE_PROSE = "prose"
SOURCE_HEADLINE = "headline"
SOURCE_CONFIG = "config"
SOURCE_CARRIED_OVER = "carried_over"


@dataclass(frozen=True)
class PageRef:
    """One page the pipeline expects to exist: which force, cycle and page family it belongs to."""

    force_id: str
    cycle_id: str
    kind: str  # "landing" or "pillar"
    pillar: str | None
    path: str  # site path, e.g. /peel-assessments/peel-2017/staffordshire/effectiveness/
    url: str  # canonical URL on the live site: the page's identity (source_url) whatever mirror served it
    fetch_url: str = ""  # where this run fetches it: the configured base URL + path


@dataclass
class FetchResult:
    """What happened when one URL was requested (or answered from the archive after a 304)."""

    url: str
    outcome: str
    status: int | None = None
    final_url: str | None = None
    sha256: str | None = None
    bytes: int = 0
    elapsed: float = 0.0
    fetched_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    error: str | None = None
    requests: int = 0


@dataclass
class Observation:
    """One judgement as one page states it."""

    area_id: str
    area_label: str
    level: str  # pillar | question | area
    grade: str | None
    grade_status: str
    grade_source: str
    evidence: str = ""
    mapped: bool = True
    carried_over: bool = False
    carried_from: str | None = None  # the cycle a carried-over judgement comes from (the year the page names)


@dataclass
class Finding:
    """An area for improvement, cause of concern, recommendation or practice note."""

    area_id: str
    kind: str
    text: str


@dataclass
class ParseIssue:
    """Something on a page the parser could not read; never turned into a guessed grade."""

    reason: str
    detail: str
    area_id: str | None = None
    severity: str = "error"  # error: data may be missing; warning: data kept, worth a look


@dataclass
class ParsedPage:
    """Everything one page yielded. `readable` is False when the page is not a PEEL page we know."""

    page: PageRef
    parser: str
    parser_version: str
    readable: bool = True
    title: str | None = None
    last_updated: date | None = None
    observations: list[Observation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)


@dataclass
class Spell:
    """One force's spell in a monitoring stage (Engage), as a monitoring page states it.

    Dates keep their precision: a month-only date is the month's first day with precision "month",
    a year (or a season such as "autumn 2024") the year's first day with precision "year"; the
    printed wording is kept in entered_text / left_text."""

    force_id: str
    stage: str
    entered_on: date
    entered_precision: str
    entered_text: str
    left_on: date | None = None
    left_precision: str | None = None
    left_text: str | None = None
    reasons: list[str] = field(default_factory=list)
    related_report_url: str | None = None


@dataclass
class MonitoringPage:
    """What a monitoring page (forces in Engage, forces previously in Engage) yielded."""

    source_url: str
    parser_version: str
    spells: list[Spell] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    # Forces whose spells on this page could not be read in full: their earlier rows are kept.
    forces_with_errors: list[str] = field(default_factory=list)
    readable: bool = True
