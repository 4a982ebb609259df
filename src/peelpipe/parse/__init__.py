"""Page parsers: one page in, records out, no I/O. One module per page family and cycle."""

from __future__ import annotations

from collections.abc import Callable

from peelpipe.config import Catalogue
from peelpipe.models import PageRef, ParsedPage, ParseIssue
from peelpipe.parse import guard, landing, landing_2014, pillar, report
from peelpipe.parse.blocks import Utf8Text
from peelpipe.parse.common import decode, unreadable
from peelpipe.urls import redirect_mismatch

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


def refused(page: PageRef, catalogue: Catalogue, reason: str, detail: str) -> ParsedPage:
    """An unreadable page that was not parsed (wrong_page, not_html, too_complex): no rows, and the
    force's earlier grades stay as they were."""
    parser = parser_for(page, catalogue)
    version = parser_version_for(page, catalogue) or "none"
    parsed = ParsedPage(page=page, parser=parser.__module__ if parser else "none", parser_version=version)
    return unreadable(parsed, reason, detail)


def parse_page(
    body: bytes | str,
    page: PageRef,
    catalogue: Catalogue,
    content_type: str | None = None,
    final_url: str | None = None,
) -> ParsedPage:
    """Parse one page. Never raises on bad input: what cannot be read becomes a parse issue.

    A body that is not HTML is `not_html`, a page over the element or depth limits `too_complex`
    (both before any parsing), a parse past the per-page budget `parse_timeout`, and a page that
    does not name its force `wrong_page` (guard.py), as is one whose redirects (`final_url`) ended
    at another force's, cycle's or kind of page (urls.redirect_mismatch)."""
    parser = parser_for(page, catalogue)
    wrong = redirect_mismatch(final_url, page, catalogue)
    if wrong is not None:
        return refused(page, catalogue, "wrong_page", f"not parsed: {wrong}")
    if parser is None:
        parsed = ParsedPage(page=page, parser="none", parser_version="none", readable=False)
        parsed.issues.append(ParseIssue("no_parser", f"no parser for {page.kind} pages of cycle {page.cycle_id}"))
        return parsed
    why = guard.not_html(body, content_type)
    if why is not None:
        return refused(page, catalogue, "not_html", f"not parsed: {why}")
    try:  # valid UTF-8 (nearly every page) keeps its bytes for lexbor; else decode() reads what it can
        html = Utf8Text.decode(body) if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        html = decode(body)
    why = guard.too_complex(html)
    if why is not None:
        return refused(page, catalogue, "too_complex", f"not parsed: {why}")
    budget = guard.start()
    try:
        parsed = parser(html, page, catalogue)
    except guard.ParseTimeout as exc:
        return refused(page, catalogue, "parse_timeout", f"parse stopped: {exc}")
    except Exception as exc:  # a parser bug must not stop the run; the page is recorded as unreadable
        parsed = ParsedPage(page=page, parser=parser.__module__, parser_version="error", readable=False)
        parsed.issues.append(ParseIssue("parser_error", f"{type(exc).__name__}: {exc}"))
        return parsed
    finally:
        guard.end()
    if parsed.readable and budget.force_named is False:
        return unreadable(
            parsed, "wrong_page", f"the page's title, main heading and headline never name the force {page.force_id}"
        )
    return parsed


def parser_version_for(page: PageRef, catalogue: Catalogue) -> str | None:
    """The version string the parser of this page would stamp, without parsing anything."""
    parser = parser_for(page, catalogue)
    if parser is None:
        return None
    module = __import__(parser.__module__, fromlist=["PARSER", "VERSION"])
    return f"{module.PARSER}/{module.VERSION}"
