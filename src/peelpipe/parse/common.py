"""Checks every page family shares: truncated documents, pages of the wrong cycle, page dates."""

from __future__ import annotations

import codecs
import re

from selectolax.lexbor import LexborHTMLParser

from peelpipe.config import Catalogue
from peelpipe.models import PageRef, ParsedPage, ParseIssue
from peelpipe.parse import guard
from peelpipe.parse.blocks import HEADINGS, Block, html_blocks, page_title
from peelpipe.parse.sections import Section, read_section
from peelpipe.parse.text import is_truncated

_TITLE_YEAR = re.compile(r"\bPEEL\s*:?\s*(\d{4})\b|^[A-Z][\w&,' -]+?\s(\d{4})(?:/\d{2})?\s*$", re.IGNORECASE)


def _legacy_bytes(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as cp1252, one run at a time."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("peelpipe-cp1252", _legacy_bytes)


def decode(body: bytes | str) -> str:
    """Page bytes as text: UTF-8, with stray legacy bytes read as cp1252 (the UTF-8 around them is
    kept as it is, not turned into mojibake), never failing."""
    if isinstance(body, str):
        return body
    return body.decode("utf-8", errors="peelpipe-cp1252")


def unreadable(parsed: ParsedPage, reason: str, detail: str) -> ParsedPage:
    """Mark a page as not readable, with the reason; its grades are not used."""
    parsed.readable = False
    parsed.observations.clear()
    parsed.findings.clear()
    parsed.issues.append(ParseIssue(reason, detail))
    return parsed


def check_document(html: str, parsed: ParsedPage) -> bool:
    """False (and the page marked unreadable) when the document is cut off before its end."""
    if not html or html.isspace():  # (not html.strip(), without copying the page)
        unreadable(parsed, "empty", "the page body is empty")
        return False
    if is_truncated(html):
        unreadable(parsed, "truncated", "the HTML stops before </body></html>: the download or the page is cut off")
        return False
    return True


def check_cycle(title: str | None, cycle_year: str, parsed: ParsedPage) -> bool:
    """False (and the page marked unreadable) when the page's title names another cycle's year."""
    if not title:
        return True
    match = _TITLE_YEAR.search(title)
    if match:
        year = match.group(1) or match.group(2)
        if year != cycle_year:
            unreadable(parsed, "wrong_cycle", f"page title {title!r} is for {year}, expected PEEL {cycle_year}")
            return False
    return True


def open_page(
    html: str, page: PageRef, catalogue: Catalogue, parser: str, version: str
) -> tuple[ParsedPage, list[Block] | None, LexborHTMLParser | None]:
    """Start a parse: the page's record, its blocks and its parsed tree (None when it is cut off or
    of another cycle)."""
    parsed = ParsedPage(page=page, parser=parser, parser_version=f"{parser}/{version}")
    if not check_document(html, parsed):
        return parsed, None, None
    blocks, tree = html_blocks(html)
    parsed.title = page_title(tree, blocks)
    guard.note_force_named(guard.names_force(page, catalogue, headline(tree, blocks)))
    if not check_cycle(parsed.title, catalogue.cycles[page.cycle_id].year, parsed):
        return parsed, None, None
    return parsed, blocks, tree


def headline(tree: LexborHTMLParser, blocks: list[Block]) -> list[str]:
    """The texts where a page names what it is about: its <title>, its headings, its first blocks."""
    title = tree.css_first("title")
    texts = [title.text()] if title is not None else []
    texts.extend(b.text for b in blocks[: guard.HEADLINE_BLOCKS])
    texts.extend(b.text for b in blocks if b.tag in HEADINGS and len(b.text) <= 200)
    return texts


def read_sections(sections: list[Section], catalogue: Catalogue, parsed: ParsedPage) -> None:
    """Read every section into the parsed page, keeping the first observation of each area."""
    seen: dict[str, str | None] = {}
    for section in sections:
        guard.check()
        result = read_section(section, catalogue, parsed.page.cycle_id)
        parsed.issues.extend(result.issues)
        parsed.findings.extend(result.findings)
        if result.last_updated and (parsed.last_updated is None or result.last_updated > parsed.last_updated):
            parsed.last_updated = result.last_updated
        obs = result.observation
        if obs is None:
            continue
        if obs.area_id in seen:
            if seen[obs.area_id] != obs.grade:
                parsed.issues.append(
                    ParseIssue(
                        "duplicate_judgement",
                        f"{obs.area_id} appears twice with different grades; kept the first",
                        obs.area_id,
                    )
                )
            continue
        seen[obs.area_id] = obs.grade
        parsed.observations.append(obs)
