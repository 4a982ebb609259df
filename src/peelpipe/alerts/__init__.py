"""Change alerts: a Markdown digest beside the warehouse and Apprise channels (all writes)."""

from peelpipe.alerts.deliver import channel_name, deliver_alerts
from peelpipe.alerts.digest import render_markdown, write_digest

__all__ = ["channel_name", "deliver_alerts", "render_markdown", "write_digest"]
