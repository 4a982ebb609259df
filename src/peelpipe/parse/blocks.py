"""HTML to a flat list of text blocks in document order.

The real markup of the HMICFRS pages is unknown, so parsers never look at classes or ids:
they read the sequence of block-level texts (headings, paragraphs, list items, table cells,
bare text in divs), as a person reading the page would. Image alt text counts as text, since
a grade may be shown as a picture.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCKS = HEADINGS | frozenset({
    "p", "li", "dt", "dd", "td", "th", "caption", "div", "section", "article", "aside", "main",
    "header", "blockquote", "figcaption", "summary", "details", "button", "ul", "ol", "dl", "table", "tr",
    "tbody", "thead", "form", "fieldset", "legend", "address", "pre", "figure", "body", "label",
})
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "head", "nav",
                     "select", "input", "textarea", "object", "canvas", "footer"})


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
    return " ".join("".join(parts).replace("\u200b", " ").split())


_SKIP = (0, "", False, True)


def html_blocks(html: str | bytes) -> tuple[list[Block], LexborHTMLParser]:
    """Parse HTML and return its text blocks in document order, with the parsed tree.

    One pass over lexbor's depth-first traversal: each element inherits from its parent the block
    it belongs to (the nearest block-level ancestor), whether it is bold, and whether it is skipped.
    Text that follows a nested block starts a new block, as a reader would see it.
    """
    tree = LexborHTMLParser(html)
    out: list[Block] = []
    body = tree.body
    if body is None:
        return out, tree
    # element id -> (block id, block tag, inside <strong>/<b>, skipped)
    info: dict[int, tuple[int, str, bool, bool]] = {body.mem_id: (body.mem_id, "body", False, False)}
    current, tag, parts, only_bold = -1, "", [], True

    def flush() -> None:
        text = _fold(parts)
        if text:
            out.append(Block("strong" if (only_bold and tag == "p") else tag, text))

    root = body.mem_id
    for node in body.traverse(include_text=True):
        name = node.tag
        if name == "-comment" or node.mem_id == root:
            continue
        block, block_tag, bold, skipped = info.get(node.parent.mem_id, _SKIP)
        if skipped:
            if name != "-text":
                info[node.mem_id] = _SKIP
            continue
        if name == "-text" or name == "img" or name == "br":
            value = node.text_content or "" if name == "-text" else (
                f" {(node.attributes.get('alt') or '').strip()} " if name == "img" else " ")
            if block != current:
                if not value.strip():
                    continue  # layout whitespace between blocks starts nothing
                flush()
                current, tag, parts, only_bold = block, block_tag, [], True
            if value.strip() and (name == "img" or not bold):
                only_bold = False
            parts.append(value)
            continue
        if name in SKIPPED:
            info[node.mem_id] = _SKIP
        elif name in BLOCKS or (name in ("div", "span") and node.attributes.get("role") == "heading"):
            if name not in BLOCKS or node.attributes.get("role") == "heading":
                level = node.attributes.get("aria-level") or "3"
                name = f"h{level}" if level in "123456" else "h3"
            info[node.mem_id] = (node.mem_id, name, False, False)
        else:
            info[node.mem_id] = (block, block_tag, bold or name in ("strong", "b"), False)
    flush()
    return out, tree


def page_title(tree: LexborHTMLParser, blocks: list[Block]) -> str | None:
    """The page's main heading (first h1), falling back to <title>."""
    for block in blocks:
        if block.tag == "h1":
            return block.text
    node = tree.css_first("title")
    return _fold([node.text()]) if node is not None else None
