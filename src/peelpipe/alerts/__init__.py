"""Change alerts: Markdown digest, Atom feed and Apprise channels (all writes)."""

from peelpipe.alerts.deliver import (
    SEVERITY,
    Destination,
    channel_name,
    deliver_alerts,
    deliver_health,
    destinations,
    wants,
)
from peelpipe.alerts.digest import render_markdown, write_digest
from peelpipe.alerts.feed import render_atom, write_feed

__all__ = [
    "SEVERITY",
    "Destination",
    "channel_name",
    "deliver_alerts",
    "deliver_health",
    "destinations",
    "render_atom",
    "render_markdown",
    "wants",
    "write_digest",
    "write_feed",
]
