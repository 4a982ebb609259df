"""Helpers for end-to-end tests: a catalogue pointed at a local server, a synthetic force, pages."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from conftest import ROOT

from peelpipe.config import Catalogue, load_catalogue, load_settings

SYNTHETIC_FORCE = (
    '\n[[force]]\nid = "testshire"\nname = "Testshire Constabulary (synthetic test force)"\n'
    'country = "England"\nregion = "Nowhere"\nname_form = "constabulary"\naliases = []\n'
    'welsh_slugs = ["heddlu-testshire"]\n'
)


def local_catalogue(tmp_path: Path, base_url: str, *, synthetic: bool = False, **settings: object) -> Catalogue:
    """The project's configuration, reading base_url, writing a warehouse under tmp_path, no delay."""
    config = tmp_path / "config"
    if not config.exists():
        shutil.copytree(ROOT / "config", config)
        if synthetic:
            with (config / "forces.toml").open("a") as fh:
                fh.write(SYNTHETIC_FORCE)
    base = load_settings(config, environ={})
    values = {
        "base_url": base_url,
        "warehouse": str(tmp_path / "warehouse"),
        "request_delay": 0.0,
        "retry_backoff": 0.01,
        "max_retries": 1,
        "timeout": 5.0,
        "refresh_closed_days": 1,  # scheduled runs in tests re-check every page
        "monitoring_pages": (),  # the Engage pages only where a test serves them
        **settings,
    }
    return load_catalogue(config, replace(base, **values))


def write_page(root: Path, path: str, html: str) -> None:
    """Put a page at a site path under a served root."""
    target = root / path.strip("/") / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html)


def pillar_page(title: str, sections: list[tuple[str, str | None, str]]) -> str:
    """A synthetic pillar page: (question, grade label or None, summary) per section."""
    body = [
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>",
        "<p>Synthetic test page (peelpipe tests).</p>",
        f"<h1>{title}</h1>",
    ]
    for question, label, summary in sections:
        body.append(f"<h2>{question}</h2><p>Last updated 09/11/2017</p>")
        if label:
            body.append(f"<p>{label}</p>")
        body.append(f"<p>{summary}</p>")
    body.append("</body></html>")
    return "\n".join(body)


def landing_page(title: str, sentences: list[str]) -> str:
    """A synthetic landing page with headline sentences."""
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body><p>Synthetic test page.</p>"
        f"<h1>{title}</h1>" + "".join(f"<p>{s}</p>" for s in sentences) + "</body></html>"
    )


def report_page(
    title: str, rows: list[tuple[str, str]], *, intro: tuple[str, str] | None = None, heading: str = "Our judgments"
) -> str:
    """A synthetic report page: an intro with counts (words or digits), then the judgments table."""
    parts = [
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body><p>Synthetic test page.</p>",
        f"<h1>{title}</h1>",
        f"<h2>{heading}</h2>",
    ]
    if intro:
        parts.append(
            f"<p>Our inspection assessed how good Testshire Constabulary is in {intro[0]} areas of policing. "
            f"We make graded judgments in {intro[1]} of these {intro[0]} as follows:</p>"
        )
    parts.append("<table><tr><th>Area</th><th>Grade</th></tr>")
    parts += [f"<tr><td>{area}</td><td>{grade}</td></tr>" for area, grade in rows]
    parts.append("</table></body></html>")
    return "".join(parts)
