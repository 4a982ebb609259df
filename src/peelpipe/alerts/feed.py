"""An Atom feed of announced changes, written beside the warehouse for feed readers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from peelpipe.warehouse.store import write_atomic

FEED_ID = "urn:peelpipe:changes"


def render_atom(changes: Sequence[dict[str, Any]], limit: int = 200) -> str:
    """The newest announced changes as an Atom 1.0 document (ids are the stable change ids)."""
    chosen = sorted(
        (c for c in changes if c.get("announce")), key=lambda c: (c["detected_at"], c["change_id"]), reverse=True
    )[:limit]
    updated = chosen[0]["detected_at"] if chosen else datetime(1970, 1, 1, tzinfo=UTC)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        "  <title>PEEL grade changes (peelpipe)</title>",
        f"  <id>{FEED_ID}</id>",
        f"  <updated>{updated.isoformat()}</updated>",
        "  <author><name>peelpipe</name></author>",
    ]
    for change in chosen:
        link = (
            f'\n    <link href="{escape(change["source_url"], {chr(34): "&quot;"})}"/>'
            if change.get("source_url")
            else ""
        )
        lines.append(
            f"  <entry>\n    <id>urn:peelpipe:change:{change['change_id']}</id>\n"
            f"    <title>{escape(change['summary'])}</title>\n    <updated>{change['detected_at'].isoformat()}</updated>"
            f'{link}\n    <category term="{change["change_type"]}"/>\n'
            f"    <summary>{escape(change['summary'])}</summary>\n  </entry>"
        )
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def write_feed(path: Path, changes: Sequence[dict[str, Any]]) -> Path:
    """Write the feed atomically."""
    write_atomic(path, render_atom(changes).encode())
    return path
