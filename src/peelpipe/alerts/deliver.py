"""Deliver changes to Apprise channels, each change at most once per channel.

The alerts table remembers every delivery attempt; a change already 'sent' on a channel is
never sent there again. Channel names in the table and in logs are redacted (scheme, host and a
short hash of the full URL), so tokens in alert URLs never reach the warehouse or a log.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from peelpipe.config import redact_url

log = logging.getLogger("peelpipe.alerts")


def channel_name(url: str) -> str:
    """A channel's name as stored: redacted URL plus a short hash that tells channels apart."""
    return f"{redact_url(url)}#{hashlib.sha256(url.encode()).hexdigest()[:8]}"


def _payload(change: dict[str, Any]) -> str:
    return json.dumps({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in change.items()},
                      sort_keys=True)


def deliver_alerts(changes: Sequence[dict[str, Any]], alerts: Sequence[dict[str, Any]], urls: Sequence[str],
                   now: datetime) -> list[dict[str, Any]]:
    """Send each announceable change not yet sent on each channel; returns the new alert rows."""
    due = [c for c in changes if c.get("announce")]
    if not urls or not due:
        return []
    import apprise  # imported here: slow to import, and only needed when there is something to send

    sent = {(a["change_id"], a["channel"]) for a in alerts if a["status"] == "sent"}
    rows: list[dict[str, Any]] = []
    for url in urls:
        name = channel_name(url)
        sender = apprise.Apprise()
        if not sender.add(url):
            log.error("alert channel %s is not a valid Apprise URL", name)
            rows.extend({"change_id": c["change_id"], "channel": name, "status": "failed", "sent_at": now,
                         "error": "not a valid Apprise URL"} for c in due if (c["change_id"], name) not in sent)
            continue
        for change in due:
            if (change["change_id"], name) in sent:
                continue
            body = _payload(change) if url.startswith(("json://", "jsons://")) else change["summary"]
            try:
                ok = bool(sender.notify(title=f"PEEL: {change['summary'][:120]}", body=body))
                error = None if ok else "channel did not accept the message"
            except Exception as exc:  # a broken channel must not stop the others
                ok, error = False, f"{type(exc).__name__}"
            rows.append({"change_id": change["change_id"], "channel": name, "status": "sent" if ok else "failed",
                         "sent_at": now, "error": error})
    return rows
