"""Deliver changes to Apprise channels, each change at most once per channel.

The alerts table remembers every delivery attempt; a change already 'sent' on a channel is
never sent there again. Channel names in the table and in logs are redacted (scheme, host and a
short hash of the full URL), so tokens in alert URLs never reach the warehouse or a log.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peelpipe.settings import SEVERITIES, AlertChannel, Settings, redact_url

log = logging.getLogger("peelpipe.alerts")

SEVERITY = {
    "downgrade": "high",
    "correction": "high",
    "withdrawn": "high",
    "entered_engage": "high",
    "left_engage": "high",
    "engage_dates_corrected": "medium",
    "upgrade": "medium",
    "newly_graded": "medium",
    "findings_changed": "medium",
    "new_assessment": "low",
    "not_comparable": "low",
}


def channel_name(url: str, label: str | None = None) -> str:
    """A channel's name as stored: its label, the redacted URL and a short hash that tells channels apart."""
    name = f"{redact_url(url)}#{hashlib.sha256(url.encode()).hexdigest()[:8]}"
    return f"{label} {name}" if label else name


@dataclass(frozen=True)
class Destination:
    """A channel with its URL resolved from the environment."""

    name: str
    url: str
    channel: AlertChannel


def destinations(settings: Settings, environ: Mapping[str, str] | None = None) -> list[Destination]:
    """Every configured channel: PEELPIPE_ALERT_URLS / alerts.urls (all changes) and [[alerts.channel]]."""
    environ = os.environ if environ is None else environ
    found = [
        Destination(channel_name(url), url, AlertChannel(name="all", url_env="PEELPIPE_ALERT_URLS"))
        for url in settings.alert_urls
    ]
    for channel in settings.alert_channels:
        url = environ.get(channel.url_env, "").strip()
        if not url:
            log.warning("alert channel %s: environment variable %s is not set; skipped", channel.name, channel.url_env)
            continue
        found.append(Destination(channel_name(url, channel.name), url, channel))
    return found


def wants(channel: AlertChannel, change: dict[str, Any]) -> bool:
    """Whether a channel's filters let a change through."""
    severity = SEVERITY.get(change["change_type"], "low")
    return (
        (not channel.forces or change["force_id"] in channel.forces)
        and (not channel.change_types or change["change_type"] in channel.change_types)
        and SEVERITIES.index(severity) >= SEVERITIES.index(channel.min_severity)
    )


def _payload(change: dict[str, Any]) -> str:
    return json.dumps({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in change.items()}, sort_keys=True)


def _send(url: str, title: str, body: str) -> str | None:
    """Send one message; None when it was accepted, else why not."""
    import apprise  # imported here: slow to import, and only needed when there is something to send

    sender = apprise.Apprise()
    if not sender.add(url):
        return "not a valid Apprise URL"
    try:
        return None if sender.notify(title=title, body=body) else "channel did not accept the message"
    except Exception as exc:  # a broken channel must not stop the others
        return type(exc).__name__


def deliver_alerts(
    changes: Sequence[dict[str, Any]],
    alerts: Sequence[dict[str, Any]],
    targets: Sequence[str | Destination],
    now: datetime,
) -> list[dict[str, Any]]:
    """Send each announceable change not yet sent on each channel (filters and mode per channel).

    Returns the new alert rows: one per change and channel attempted, 'sent' or 'failed'.
    """
    from peelpipe.alerts.digest import render_markdown

    sent = {(a["change_id"], a["channel"]) for a in alerts if a["status"] == "sent"}
    rows: list[dict[str, Any]] = []
    for target in targets:
        dest = (
            target
            if isinstance(target, Destination)
            else Destination(channel_name(target), target, AlertChannel(name="all", url_env=""))
        )
        due = [
            c
            for c in changes
            if c.get("announce") and wants(dest.channel, c) and (c["change_id"], dest.name) not in sent
        ]
        if not due:
            continue
        if dest.channel.mode == "digest":
            error = _send(dest.url, f"PEEL: {len(due)} grade change(s)", render_markdown(due))
            outcomes = [(change, error) for change in due]
        else:
            outcomes = []
            for change in due:
                body = _payload(change) if dest.url.startswith(("json://", "jsons://")) else change["summary"]
                outcomes.append((change, _send(dest.url, f"PEEL: {change['summary'][:120]}", body)))
        for change, error in outcomes:
            if error:
                log.error("alert channel %s: %s", dest.name, error)
            rows.append(
                {
                    "change_id": change["change_id"],
                    "channel": dest.name,
                    "status": "failed" if error else "sent",
                    "sent_at": now,
                    "error": error,
                }
            )
    return rows


def deliver_health(targets: Sequence[Destination], title: str, body: str) -> int:
    """Send a health alert (a failed run, a page family that stopped parsing); returns how many took it."""
    delivered = 0
    for dest in targets:
        if dest.channel.health:
            error = _send(dest.url, title, body)
            if error:
                log.error("health alert to %s: %s", dest.name, error)
            else:
                delivered += 1
    return delivered
