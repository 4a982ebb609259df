"""What a page may cost, and whether it is the page that was planned. No I/O, no threads.

Before a page is parsed: a body that is not HTML (by Content-Type, or by its first bytes) is
refused as `not_html`, and a page with more elements or deeper nesting than any real PEEL page is
refused as `too_complex`, from a linear scan of its raw text (lexbor's tree building takes time
in proportion to the depth of the open elements for each tag, so a 100,000-deep page must never
reach it). While it is parsed: a per-page deadline on the monotonic clock, checked between blocks,
rows and sections; past it the parse stops (`parse_timeout`). After it is parsed: a page that
never names its force in its title, main heading or headline is `wrong_page`.
"""

from __future__ import annotations

import re
import time
from contextvars import ContextVar
from dataclasses import dataclass

from peelpipe.config import Catalogue
from peelpipe.grades import normalise_phrase
from peelpipe.models import PageRef

MAX_ELEMENTS = 100_000  # real PEEL pages have a few thousand
MAX_DEPTH = 10_000  # real PEEL pages nest a few dozen deep; lexbor builds 10,000 deep in ~0.15 s
PARSE_SECONDS = 20.0  # real PEEL pages parse in milliseconds
HEADLINE_BLOCKS = 25  # the blocks at the top of a page that count as its headline

_NON_HTML_TYPES = ("application/pdf", "application/json", "application/zip", "image/", "audio/", "video/", "font/")
_MAGIC = (b"%PDF-", b"\x89PNG", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04")
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|title|meta)\b", re.IGNORECASE)
_SNIFF = 1024  # how much of the start of a body is looked at for magic numbers and NUL bytes
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
# Elements that hold no children (void) or whose end tag may be left out (closed by the next one):
# neither deepens the page as lexbor builds it.
_FLAT = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "param",
        "keygen",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
        "optgroup",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "caption",
        "rb",
        "rt",
        "rp",
        "html",
        "head",
        "body",
    ]
)
_RAW = {name: re.compile(rf"</{name}", re.IGNORECASE) for name in ("script", "style", "textarea", "title")}
_ASIDE = re.compile(r"\s*\([^)]*\)")  # "(synthetic test force)" and the like
_NAME_ENDINGS = (" police service", " constabulary", " police")


class ParseTimeout(Exception):
    """The page's parse ran past its deadline."""


@dataclass
class Budget:
    """One parse's deadline, and what open_page found about the page's force."""

    deadline: float
    force_named: bool | None = None


_current: ContextVar[Budget | None] = ContextVar("peelpipe_parse_budget", default=None)


def start(seconds: float | None = None) -> Budget:
    """A budget for one parse, made current (parse_page ends it with `end`)."""
    budget = Budget(time.monotonic() + (PARSE_SECONDS if seconds is None else seconds))
    _current.set(budget)
    return budget


def end() -> None:
    """No parse is under way any more."""
    _current.set(None)


def check() -> None:
    """Raise ParseTimeout when the current parse is past its deadline (no-op outside a parse)."""
    budget = _current.get()
    if budget is not None and time.monotonic() > budget.deadline:
        raise ParseTimeout(f"the parse ran past its {PARSE_SECONDS:g} s budget")


def note_force_named(named: bool) -> None:
    """Record, for the current parse, whether the page names its force."""
    budget = _current.get()
    if budget is not None:
        budget.force_named = named


def not_html(body: bytes | str, content_type: str | None) -> str | None:
    """Why a body is not HTML (its Content-Type, its magic number, NUL bytes), or None."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media and any(media.startswith(t) for t in _NON_HTML_TYPES):
        return f"Content-Type {media}"
    head = body[:_SNIFF].encode("utf-8", "replace") if isinstance(body, str) else body[:_SNIFF]
    stripped = head.lstrip()
    for magic in _MAGIC:
        if stripped.startswith(magic):
            return f"the body starts with {magic!r}, not HTML"
    if b"\x00" in head and not _MARKUP.search(head):  # a stray NUL in real markup is HTML with junk in it
        return "the body holds NUL bytes and no HTML markup"
    return None


def too_complex(html: str) -> str | None:
    """Why a page is too big to parse (elements or nesting over the limits), or None. Linear in the page."""
    elements = html.count("<") - html.count("</")
    if elements > MAX_ELEMENTS:
        return f"about {elements} elements (limit {MAX_ELEMENTS})"
    if elements <= MAX_DEPTH:
        return None  # cannot nest deeper than it has elements
    depth = _depth(html)
    if depth > MAX_DEPTH:
        return f"elements nested over {MAX_DEPTH} deep"
    return None


def _depth(html: str) -> int:
    """How deep the page's elements nest, read from its tags (stops once past MAX_DEPTH)."""
    depth, pos, find = 0, 0, html.find
    while depth <= MAX_DEPTH:
        at = find("<", pos)
        if at < 0:
            break
        if html.startswith("<!--", at):
            close = find("-->", at + 4)
            if close < 0:
                break
            pos = close + 3
            continue
        match = _TAG.match(html, at)
        gt = find(">", at + 1) if match is not None else -1
        if match is None or gt < 0:
            pos = at + 1
            continue
        pos = gt + 1
        name = match.group(1).lower()
        if html[at + 1] == "/":
            if name not in _FLAT:
                depth = max(depth - 1, 0)
            continue
        raw = _RAW.get(name)
        if raw is not None:
            found = raw.search(html, pos)
            if found is None:
                break
            pos = found.start()
            continue
        if name not in _FLAT and html[gt - 1] != "/":
            depth += 1
    return depth


def names_force(page: PageRef, catalogue: Catalogue, texts: list[str]) -> bool:
    """Whether the texts (title, main heading, headline) name the page's force or one of its aliases."""
    force = catalogue.forces.get(page.force_id)
    if force is None:
        return True  # a force peelpipe does not know has no name to look for
    text = normalise_phrase(" ".join(texts))
    slugs = (force.id, force.report_slug, *force.aliases, *force.welsh_slugs)  # "hampshire": its older name
    names = {force.name, *(s.replace("-", " ") for s in slugs if s)}
    for name in names:
        short = normalise_phrase(_ASIDE.sub("", name))
        for ending in _NAME_ENDINGS:
            short = short.removesuffix(ending)
        short = short.removeprefix("heddlu ")
        if short and re.search(rf"(?<!\w){re.escape(short)}(?!\w)", text):  # a whole word: "essex" is not in "sussex"
            return True
    return False
