"""HTML to a flat list of text blocks in document order.

The real markup of the HMICFRS pages is unknown, so parsers never look at classes or ids:
they read the sequence of block-level texts (headings, paragraphs, list items, table cells,
bare text in divs), as a person reading the page would. Image alt text counts as text, since
a grade may be shown as a picture.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import ModuleType
from typing import NamedTuple

import selectolax
from selectolax.lexbor import LexborHTMLParser, LexborNode

from peelpipe.heap import keep_heap_top

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCKS = HEADINGS | frozenset({
    "p", "li", "dt", "dd", "td", "th", "caption", "div", "section", "article", "aside", "main",
    "header", "blockquote", "figcaption", "summary", "details", "button", "ul", "ol", "dl", "table", "tr",
    "tbody", "thead", "form", "fieldset", "legend", "address", "pre", "figure", "body", "label",
})
HEADING_TAGS = HEADINGS | {"strong"}  # Block.is_heading: the tags of the blocks that read as headings
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "head", "nav",
                     "select", "input", "textarea", "object", "canvas", "footer"})


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


def _fold(parts: list[str]) -> str:
    """The parts joined, with each run of whitespace (or zero-width space) made one space, trimmed."""
    text = "".join(parts)
    # Most text is already folded. isprintable() is False for every whitespace character but the
    # space, and for U+200B, so one C-speed scan plus two checks tell, without splitting into words.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.replace("\u200b", " ").split())


# lexbor's numeric tag ids (fixed for the standard elements), so the walk compares ints, not names.
_MAKER = LexborHTMLParser("")
_TEXT = LexborHTMLParser("<p>x</p>").css_first("p").first_child.tag_id
_COMMENT = LexborHTMLParser("<p><!--x--></p>").css_first("p").first_child.tag_id
_BLOCK_NAMES = {_MAKER.create_node(name).tag_id: name for name in BLOCKS}
_SKIPPED_IDS = frozenset({_MAKER.create_node(name).tag_id for name in SKIPPED} | {_COMMENT})
_BOLD_IDS = frozenset({_MAKER.create_node("strong").tag_id, _MAKER.create_node("b").tag_id})
_IMG, _BR, _SPAN = (_MAKER.create_node(name).tag_id for name in ("img", "br", "span"))


# A numeric character reference to an ASCII letter (or a little more): with no such reference and no
# "heading" in the source, no attribute can read role="heading". (No named reference gives a letter.)
_LETTER_REF = re.compile(r"&#(?:0*(?:6[5-9]|[7-9][0-9]|1[01][0-9]|12[0-2])(?![0-9])"
                         r"|[xX]0*(?:4[1-9a-fA-F]|[56][0-9a-fA-F]|7[0-9aA])(?![0-9a-fA-F]))")


def _role_headings(html: str | bytes, body: LexborNode) -> dict[int, str]:
    """Elements marked role="heading", by mem_id: the heading tag their aria-level gives (h3 if none)."""
    headings: dict[int, str] = {}
    if isinstance(html, str) and "heading" not in html and not _LETTER_REF.search(html):
        return headings
    for node in body.css("[role]"):
        attributes = node.attributes
        if attributes.get("role") == "heading":
            level = attributes.get("aria-level") or "3"
            headings[node.mem_id] = f"h{level}" if level in "123456" else "h3"
    return headings


def html_blocks(html: str | bytes) -> tuple[list[Block], LexborHTMLParser]:
    """Parse HTML and return its text blocks in document order, with the parsed tree.

    The walk is compiled (_blockwalk.c) when it was built for this selectolax, else `_walk` in
    Python; both give the same blocks (BLOCK_WALK says which one runs).
    """
    keep_heap_top()  # lexbor's per-page arenas would otherwise shrink and regrow the heap on every page
    tree = LexborHTMLParser(html.utf8 if type(html) is Utf8Text else html)
    body = tree.body
    if body is None:
        return [], tree
    headings = _role_headings(html, body)
    if _compiled is not None:
        return _compiled.walk(body.mem_id, headings), tree
    return _walk(body, headings), tree


def _walk(body: LexborNode, headings: dict[int, str]) -> list[Block]:
    """The text blocks under `body`, in document order (`headings`: see _role_headings).

    One depth-first walk over the children of each element, with an explicit stack (no recursion
    limit on deep markup). Each element passes on the block it belongs to (its own when it is
    block-level, else its parent's) and whether it is bold; skipped elements are not entered.
    Text that follows a nested block starts a new block, as a reader would see it. Layout
    whitespace between blocks starts nothing; inside a block's run it separates words.
    _blockwalk.c is this walk in C, step for step: change both together.
    """
    out: list[Block] = []
    new, add = tuple.__new__, out.append  # tuple.__new__(Block, …) is what Block._make does
    block_name, skipped, bold_ids, text_id = _BLOCK_NAMES.get, _SKIPPED_IDS, _BOLD_IDS, _TEXT
    # The run being collected: its block's number, tag, text parts, and whether all of it is bold.
    current, tag, parts, only_bold = 0, "", [], True
    blocks = 1  # numbers the block-level elements; the body is block 1
    stack: list[tuple[Iterator[LexborNode], int, str, bool, LexborNode | None]] = []
    # iter(True, True) leaves out text that is only spaces, tabs and newlines: it separates words
    # only inside a run, where the checks on `prev` (and on `inline`'s last child) put it back.
    children, block, block_tag, bold, inline = body.iter(True, True), 1, "body", False, None
    while True:
        for node in children:
            if block == current:
                prev = node.prev
                if prev is not None and prev.is_empty_text_node and prev.text_content:
                    parts.append(" ")
            node_id = node.tag_id
            if node_id == text_id or node_id == _IMG or node_id == _BR:
                if node_id == text_id:
                    value = node.text_content
                    if not value:
                        continue
                elif node_id == _BR:
                    value = " "
                else:
                    value = f" {(node.attributes.get('alt') or '').strip()} "
                if block == current:
                    parts.append(value)
                    if only_bold and (node_id == _IMG or not bold) and not value.isspace():
                        only_bold = False
                elif not value.isspace():
                    if parts:  # the run before this one is complete: fold it (as _fold does) into a block
                        text = "".join(parts)
                        if not (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "):
                            text = " ".join(text.replace("\u200b", " ").split())
                        if text:
                            add(new(Block, ("strong" if only_bold and tag == "p" else tag, text)))
                    current, tag, parts, only_bold = block, block_tag, [value], bold and node_id != _IMG
                continue
            if node_id in skipped:
                continue
            stack.append((children, block, block_tag, bold, inline))
            children = node.iter(True, True)
            name = block_name(node_id)
            if name is not None or (node_id == _SPAN and node.mem_id in headings):
                blocks += 1
                block, block_tag, bold, inline = (blocks, headings.get(node.mem_id, name) if headings else name,
                                                  False, None)
            else:
                inline = node
                if node_id in bold_ids:
                    bold = True
            break
        else:
            if inline is not None and block == current:
                last = inline.last_child
                if last is not None and last.is_empty_text_node and last.text_content:
                    parts.append(" ")
            if not stack:
                break
            children, block, block_tag, bold, inline = stack.pop()
    if parts:
        text = _fold(parts)
        if text:
            add(new(Block, ("strong" if only_bold and tag == "p" else tag, text)))
    return out


def page_title(tree: LexborHTMLParser, blocks: list[Block]) -> str | None:
    """The page's main heading (first h1), falling back to <title>."""
    for block in blocks:
        if block.tag == "h1":
            return block.text
    node = tree.css_first("title")
    return _fold([node.text()]) if node is not None else None


# A page that takes every turn of the walk: nested and inline blocks, bold runs, alt text, breaks,
# role headings, skipped elements, comments, layout and Unicode whitespace, an unknown element.
_PROBE = ("<html><body> lead <div>one <b>bold</b> <i>two</i>\n<p><strong>Head</strong></p><p>x<br>y "
          "<img alt=' pic '> <img></p> tail</div><!-- c --><script>s()</script><span role=heading "
          "aria-level=2>Role</span> after <ul><li>a</li> <li> \u00a0 </li><li>b\u200b c</li></ul><my-el>"
          "custom <b>in</b></my-el><table><tr><td>1<td><b>2</b></table><p>caf\u00e9 <b> </b> end </p>"
          "<p><b>Bold <img alt='x'></b></p><p><b><img alt='y'> Bold</b></p></body></html>")


def _load_compiled() -> tuple[ModuleType | None, str]:
    """The compiled walk, when it is built for this selectolax and agrees with `_walk` on _PROBE."""
    try:
        from peelpipe.parse import _blockwalk
    except ImportError:
        return None, "python (the compiled walk is not built: reinstall with a C compiler)"
    if _blockwalk.COMPILED_FOR_SELECTOLAX != selectolax.__version__:
        return None, (f"python (the compiled walk reads selectolax {_blockwalk.COMPILED_FOR_SELECTOLAX}'s "
                      f"structures; this is {selectolax.__version__})")
    _blockwalk.configure(_BLOCK_NAMES, _SKIPPED_IDS, _BOLD_IDS, _IMG, _BR, _SPAN, Block)
    tree = LexborHTMLParser(_PROBE)
    body = tree.body
    assert body is not None
    headings = _role_headings(_PROBE, body)
    if _blockwalk.walk(body.mem_id, headings) != _walk(body, headings):
        return None, "python (the compiled walk disagreed with the Python walk on the probe page)"
    return _blockwalk, "compiled"


_compiled, BLOCK_WALK = _load_compiled()  # BLOCK_WALK: which walk html_blocks uses, and why when not compiled
