"""HTML to a flat list of text blocks in document order.

The real markup of the HMICFRS pages is unknown, so parsers never look at classes or ids:
they read the sequence of block-level texts (headings, paragraphs, list items, table cells,
bare text in divs), as a person reading the page would. Image alt text counts as text, since
a grade may be shown as a picture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCKS = HEADINGS | frozenset({
    "p", "li", "dt", "dd", "td", "th", "caption", "div", "section", "article", "aside", "main",
    "header", "blockquote", "figcaption", "summary", "details", "button", "ul", "ol", "dl", "table", "tr",
    "tbody", "thead", "form", "fieldset", "legend", "address", "pre", "figure", "body", "label",
})
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "head", "nav",
                     "select", "input", "textarea", "object", "canvas", "footer"})
_SPACE = re.compile(r"[\s\u00a0\u200b]+")


@dataclass(frozen=True)
class Block:
    """One block of text: its element name (h2, p, li, div …) and its folded text."""

    tag: str
    text: str

    @property
    def is_heading(self) -> bool:
        """Whether the block is an h1–h6, or a paragraph that is wholly bold (a heading in disguise)."""
        return self.tag in HEADINGS or self.tag == "strong"


def _fold(parts: list[str]) -> str:
    return _SPACE.sub(" ", "".join(parts)).strip()


def _walk(node: LexborNode, tag: str, out: list[Block]) -> None:
    """Emit the blocks under `node`, itself a block element named `tag`."""
    parts: list[str] = []
    only_bold = True  # every text run so far sits inside <strong>/<b>
    saw_text = False

    def flush() -> None:
        nonlocal parts, only_bold, saw_text
        text = _fold(parts)
        if text:
            out.append(Block("strong" if (only_bold and tag == "p") else tag, text))
        parts, only_bold, saw_text = [], True, False

    def inline(child: LexborNode, bold: bool) -> None:
        nonlocal only_bold, saw_text
        for sub in child.iter(include_text=True):
            name = sub.tag
            if name == "-text":
                value = sub.text_content or ""
                if value.strip():
                    saw_text = True
                    if not bold:
                        only_bold = False
                parts.append(value)
            elif name in SKIPPED or name == "-comment":
                continue
            elif name in BLOCKS or sub.attributes.get("role") == "heading":
                flush()
                if sub.attributes.get("role") == "heading":
                    level = sub.attributes.get("aria-level") or "3"
                    name = f"h{level}" if level in "123456" else "h3"
                _walk(sub, name, out)
            elif name == "img":
                alt = (sub.attributes.get("alt") or "").strip()
                if alt:
                    parts.append(f" {alt} ")
                    saw_text = True
                    only_bold = False
            elif name == "br":
                parts.append(" ")
            else:
                inline(sub, bold or name in ("strong", "b"))

    inline(node, False)
    flush()


def html_blocks(html: str | bytes) -> tuple[list[Block], LexborHTMLParser]:
    """Parse HTML and return its text blocks in document order, with the parsed tree."""
    tree = LexborHTMLParser(html)
    out: list[Block] = []
    root = tree.body
    if root is not None:
        _walk(root, "body", out)
    return out, tree


def page_title(tree: LexborHTMLParser, blocks: list[Block]) -> str | None:
    """The page's main heading (first h1), falling back to <title>."""
    for block in blocks:
        if block.tag == "h1":
            return block.text
    node = tree.css_first("title")
    return _fold([node.text()]) if node is not None else None
