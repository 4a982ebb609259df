"""Page parsers: one page in, records out, no I/O. One module per page family and cycle."""

from __future__ import annotations

from collections.abc import Callable

from peelpipe.config import Catalogue
from peelpipe.models import PageRef, ParsedPage, ParseIssue
from peelpipe.parse import landing, landing_2014, pillar, report
from peelpipe.parse.blocks import Utf8Text
from peelpipe.parse.common import decode

Parser = Callable[[str, PageRef, Catalogue], ParsedPage]


def parser_for(page: PageRef, catalogue: Catalogue) -> Parser | None:
    """The parser of a page's family and cycle, or None where peelpipe has none yet."""
    family = catalogue.cycles[page.cycle_id].family
    if family == "pillar" and page.kind == "landing":
        return landing_2014.parse if page.cycle_id == "2014" else landing.parse
    if family == "pillar" and page.kind == "pillar":
        return pillar.parse
    if family == "area" and page.kind == "report":
        return report.parse
    return None


def parse_page(body: bytes | str, page: PageRef, catalogue: Catalogue) -> ParsedPage:
    """Parse one page. Never raises on bad input: what cannot be read becomes a parse issue."""
    parser = parser_for(page, catalogue)
    if parser is None:
        parsed = ParsedPage(page=page, parser="none", parser_version="none", readable=False)
        parsed.issues.append(ParseIssue("no_parser", f"no parser for {page.kind} pages of cycle {page.cycle_id}"))
        return parsed
    try:  # valid UTF-8 (nearly every page) keeps its bytes for lexbor; else decode() reads what it can
        html = Utf8Text.decode(body) if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        html = decode(body)
    try:
        return parser(html, page, catalogue)
    except Exception as exc:  # a parser bug must not stop the run; the page is recorded as unreadable
        parsed = ParsedPage(page=page, parser=parser.__module__, parser_version="error", readable=False)
        parsed.issues.append(ParseIssue("parser_error", f"{type(exc).__name__}: {exc}"))
        return parsed


def parser_version_for(page: PageRef, catalogue: Catalogue) -> str | None:
    """The version string the parser of this page would stamp, without parsing anything."""
    parser = parser_for(page, catalogue)
    if parser is None:
        return None
    module = __import__(parser.__module__, fromlist=["PARSER", "VERSION"])
    return f"{module.PARSER}/{module.VERSION}"
