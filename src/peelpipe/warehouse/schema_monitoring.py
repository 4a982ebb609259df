"""The monitoring table's schema (forces' spells in Engage, HMICFRS's enhanced monitoring) and its
example values: part of warehouse/schemas.py's contract, kept here to keep that module small."""

from __future__ import annotations

import pyarrow as pa

_TS = pa.timestamp("us", tz="UTC")


def _f(name: str, kind: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, kind, nullable=nullable, metadata={"description": doc})


MONITORING = pa.schema(
    [
        _f("force_id", pa.string(), "Force", False),
        _f("stage", pa.string(), "Monitoring stage of the spell: engage (enhanced monitoring)", False),
        _f("entered_on", pa.date32(), "When the force entered the stage, to its precision", False),
        _f(
            "entered_precision",
            pa.string(),
            "day, month (entered_on is the month's first day) or year (the year's first day; also a "
            "season such as 'autumn 2024', whose wording is in entered_text)",
            False,
        ),
        _f("entered_text", pa.string(), "The entry date as the page prints it", False),
        _f("left_on", pa.date32(), "When the force moved out, to its precision; null while it is still in"),
        _f("left_precision", pa.string(), "day, month or year (as entered_precision); null while still in"),
        _f("left_text", pa.string(), "The exit date as the page prints it, e.g. autumn 2024"),
        _f(
            "reasons",
            pa.list_(pa.string()),
            "Why the force entered, as the page lists them (empty when the page gives none)",
            False,
        ),
        _f("related_report_url", pa.string(), "The report or letter the page links as related"),
        _f("source_url", pa.string(), "The monitoring page the spell was read from", False),
        _f("first_seen_at", _TS, "When peelpipe first saw the spell", False),
        _f("last_seen_at", _TS, "When a run last read it on the site", False),
    ]
)

MONITORING_EXAMPLES: dict[str, str] = {
    "monitoring.stage": "engage",
    "monitoring.entered_on": "2022-06-01",
    "monitoring.entered_precision": "month",
    "monitoring.entered_text": "June 2022",
    "monitoring.left_on": "2024-05-01",
    "monitoring.left_precision": "month",
    "monitoring.left_text": "May 2024",
    "monitoring.reasons": '["…", "…"]',
    "monitoring.related_report_url": "https://hmicfrs.justiceinspectorates.gov.uk/publication-html/"
    "lincolnshire-police-moved-into-enhanced-monitoring/",
    "monitoring.source_url": "https://hmicfrs.justiceinspectorates.gov.uk/about-us/what-we-do/"
    "our-approach-to-monitoring-forces/police-forces-previously-in-engage/",
}
