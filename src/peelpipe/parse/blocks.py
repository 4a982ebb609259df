"""HTML to a flat list of text blocks in document order.

The real markup of the HMICFRS pages is unknown, so parsers never look at classes or ids:
they read the sequence of block-level texts (headings, paragraphs, list items, table cells,
bare text in divs), as a person reading the page would. Image alt text counts as text, since
a grade may be shown as a picture.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from peelpipe.grades import INVISIBLE
from peelpipe.safetext import DROP_CONTROLS

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCKS = HEADINGS | frozenset(
    {
        "p",
        "li",
        "dt",
        "dd",
        "td",
        "th",
        "caption",
        "div",
        "section",
        "article",
        "aside",
        "main",
        "header",
        "blockquote",
        "figcaption",
        "summary",
        "details",
        "button",
        "ul",
        "ol",
        "dl",
        "table",
        "tr",
        "tbody",
        "thead",
        "form",
        "fieldset",
        "legend",
        "address",
        "pre",
        "figure",
        "body",
        "label",
    }
)
HEADING_TAGS = HEADINGS | {"strong"}  # Block.is_heading: the tags of the blocks that read as headings
# Blocks that head what follows by their role: headings, accordion summaries, definition terms.
HEADING_ROLES = HEADING_TAGS | {"summary", "dt"}
SKIPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "head",
        "nav",
        "select",
        "input",
        "textarea",
        "object",
        "canvas",
        "footer",
    }
)
BOLD = frozenset({"b", "strong"})


class Block(NamedTuple):
    """One block of text: its element name (h2, p, li, div …) and its folded text."""

    tag: str
    text: str

    @property
    def is_heading(self) -> bool:
        """Whether the block is an h1–h6, or a paragraph that is wholly bold (a heading in disguise)."""
        return self.tag in HEADING_TAGS


class Utf8Text(str):
    """Page text that keeps the valid UTF-8 bytes it was decoded from (`utf8`): html_blocks hands
    those to lexbor, which parses UTF-8, instead of encoding the text back into the same bytes."""

    utf8: bytes

    @classmethod
    def decode(cls, body: bytes) -> Utf8Text:
        """The text of UTF-8 bytes; UnicodeDecodeError when they are not valid UTF-8."""
        text = cls(body, "utf-8")
        text.utf8 = body
        return text


# What a reader does not see: invisible characters, and control and bidi characters (safetext.py).
_DROP_INVISIBLE = {ord(c): None for c in INVISIBLE} | DROP_CONTROLS


def _fold(parts: list[str]) -> str:
    """The parts joined as a reader sees them: characters that show nothing (soft hyphens, zero-width
    characters, a byte order mark, control and bidi characters) removed, each run of whitespace made
    one space, trimmed."""
    text = "".join(parts)
    # Most text is already folded. isprintable() is False for every whitespace character but the
    # space, and for every invisible or control character, so one C-speed scan plus two checks tell.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.translate(_DROP_INVISIBLE).split())


def html_blocks(html: str | bytes) -> tuple[list[Block], LexborHTMLParser]:
    """Parse HTML and return its text blocks in document order, with the parsed tree."""
    tree = LexborHTMLParser(html.utf8 if isinstance(html, Utf8Text) else html)
    body = tree.body
    if body is None:
        return [], tree
    return _walk(body, _may_have_role_headings(html)), tree


# A numeric character reference to an ASCII letter (or a little more): with no such reference and no
# "heading" in the source, no attribute can read role="heading". (No named reference gives a letter.)
_LETTER_REF = re.compile(
    r"&#(?:0*(?:6[5-9]|[7-9][0-9]|1[01][0-9]|12[0-2])(?![0-9])"
    r"|[xX]0*(?:4[1-9a-fA-F]|[56][0-9a-fA-F]|7[0-9aA])(?![0-9a-fA-F]))"
)


def _may_have_role_headings(html: str | bytes) -> bool:
    """Whether some element of the page may be marked role="heading". False (nearly every page)
    spares the walk reading the attributes of every block-level element."""
    if isinstance(html, bytes):
        return True
    return "heading" in html or _LETTER_REF.search(html) is not None


def _role_heading(node: LexborNode) -> str | None:
    """The heading tag of an element marked role="heading" (h + its aria-level, h3 if it has none), else None."""
    attributes = node.attributes
    if attributes.get("role") != "heading":
        return None
    level = attributes.get("aria-level") or "3"
    # A substring test, as the walk has always done: it also lets through "12", "345" and the like.
    return f"h{level}" if level in "123456" else "h3"


_UNREAD = SKIPPED | {"-comment"}  # elements and nodes the walk does not read (no tag: neither text nor element)


def _walk(body: LexborNode, role_headings: bool) -> list[Block]:
    """The text blocks under `body`, in document order, as a reader sees them.

    Text comes from text nodes, <br> (a space) and images (their alt text). Each piece belongs to
    the nearest block-level element around it: an element of BLOCKS (the body is the outermost),
    or a span marked role="heading" (a block-level element so marked gets the heading's tag).
    Consecutive pieces of the same block-level element make a run, and each run is one block: so
    inline elements and <br> join their text to the text around them, and text that follows a
    nested block starts a new block of the outer element. Whitespace starts no run (it is layout
    between blocks), but inside one it separates words. A paragraph whose every word is inside <b>
    or <strong> reads as a heading: its block is tagged "strong". Skipped elements and comments are
    not read.

    Depth-first with an explicit stack, so deep markup cannot reach Python's recursion limit.
    """
    out: list[Block] = []
    # Where the walk is: the next node, and the place its text goes. Block-level elements are numbered
    # in document order (the body is 1), so that two blocks with the same tag, such as two paragraphs
    # in a row, are told apart; `bold` says whether the node is inside <b> or <strong> in that block.
    node, block, block_tag, bold = body.first_child, 1, "body", False
    blocks_entered = 1
    stack: list[tuple[LexborNode | None, int, str, bool]] = []  # per open element: the node after it, and its place
    # The run being gathered: the number and tag of its block, its pieces, and whether all of them are bold.
    run_block, run_tag, run, run_bold = 0, "", [], True

    while node is not None or stack:
        if node is None:  # the children of an element are done: go on after it, in the place around it
            node, block, block_tag, bold = stack.pop()
            continue
        tag = node.tag
        if tag == "-text":
            text, text_bold = node.text_content or "", bold
        elif tag == "br":
            text, text_bold = " ", bold
        elif tag == "img":
            text, text_bold = f" {node.attributes.get('alt') or ''} ", False  # alt text never reads as bold
        elif tag is None or tag in _UNREAD:
            node = node.next
            continue
        else:  # an element: walk its children first, in the place it gives them
            stack.append((node.next, block, block_tag, bold))
            heading = _role_heading(node) if role_headings and (tag in BLOCKS or tag == "span") else None
            if tag in BLOCKS or heading is not None:
                blocks_entered += 1
                block, block_tag, bold = blocks_entered, heading or tag, False
            elif tag in BOLD:
                bold = True
            node = node.first_child
            continue
        node = node.next
        if not text:
            continue
        if block == run_block:  # the run goes on
            run.append(text)
            if run_bold and not text_bold and not text.isspace():
                run_bold = False
        elif not text.isspace():  # text of another block: the run so far is complete
            _add_block(out, run_tag, run, run_bold)
            run_block, run_tag, run, run_bold = block, block_tag, [text], text_bold
    _add_block(out, run_tag, run, run_bold)
    return out


def _add_block(out: list[Block], tag: str, run: list[str], bold: bool) -> None:
    """Append the block a run of text makes (a wholly bold paragraph as "strong"), unless it is blank."""
    text = _fold(run)
    if text:
        out.append(Block("strong" if bold and tag == "p" else tag, text))


def page_title(tree: LexborHTMLParser, blocks: list[Block]) -> str | None:
    """The page's main heading (first h1), falling back to <title>."""
    for block in blocks:
        if block.tag == "h1":
            return block.text
    node = tree.css_first("title")
    return _fold([node.text()]) if node is not None else None
