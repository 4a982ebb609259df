"""The reference the parse benchmark compares with: the same block extraction with BeautifulSoup.

BeautifulSoup with html.parser is what the peer scrapers use. This produces the same blocks as
peelpipe.parse.blocks.html_blocks, so the parsers' text logic runs unchanged on top of either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from peelpipe.parse.blocks import BLOCKS, BOLD, SKIPPED, Block

_SPACE = re.compile(r"[\s\u00a0\u200b]+")


class _Node:
    """Just enough of a selectolax node for the parsers: tag, children, css, text."""

    def __init__(self, node: Tag):
        self.node = node
        self.tag = node.name

    def css(self, selector: str) -> list[_Node]:
        return [_Node(n) for n in self.node.select(selector)]

    def css_first(self, selector: str) -> _Node | None:
        node = self.node.select_one(selector)
        return None if node is None else _Node(node)

    def iter(self) -> Iterator[_Node]:
        return (_Node(c) for c in self.node.children if isinstance(c, Tag))

    def text(self, deep: bool = True, separator: str = "") -> str:
        return self.node.get_text(separator=separator)


class _Tree(_Node):
    """The parsed document, as the parsers use selectolax's tree."""


def _walk(node: Tag, tag: str, out: list[Block]) -> None:
    parts: list[str] = []
    state = {"only_bold": True}

    def flush() -> None:
        text = _SPACE.sub(" ", "".join(parts)).strip()
        if text:
            out.append(Block("strong" if (state["only_bold"] and tag == "p") else tag, text))
        parts.clear()
        state["only_bold"] = True

    def inline(element: Tag, bold: bool) -> None:
        for child in element.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if child.strip() and not bold:
                    state["only_bold"] = False
                parts.append(str(child))
                continue
            name = child.name
            if name in SKIPPED:
                continue
            if name in BLOCKS or child.get("role") == "heading":
                flush()
                if child.get("role") == "heading":
                    name = f"h{child.get('aria-level') or 3}"
                _walk(child, name, out)
            elif name == "img":
                alt = (child.get("alt") or "").strip()
                if alt:
                    parts.append(f" {alt} ")
                    state["only_bold"] = False
            elif name == "br":
                parts.append(" ")
            else:
                inline(child, bold or name in BOLD)

    inline(node, False)
    flush()


def bs_blocks(html: str | bytes) -> tuple[list[Block], _Tree]:
    """Blocks of a page, extracted with BeautifulSoup(html.parser)."""
    soup = BeautifulSoup(html, "html.parser")
    out: list[Block] = []
    body = soup.body or soup
    _walk(body, "body", out)
    return out, _Tree(soup)
