"""The block walk (peelpipe.parse.blocks): the text blocks every parser reads a page as.

Each rule the parsers rely on, one test each; then properties on random markup (no text lost,
repeated or reordered, every block folded) and on every page we have, against an independent reading.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from peelpipe.grades import INVISIBLE
from peelpipe.parse.blocks import BLOCKS, HEADINGS, SKIPPED, Block, Utf8Text, html_blocks, page_title
from peelpipe.samplesite import SITE_ROOT

B = Block


def blocks_of(html: str | bytes) -> list[Block]:
    return html_blocks(html)[0]


# --- block boundaries ----------------------------------------------------------------------------


def test_each_block_level_element_is_a_block_in_document_order() -> None:
    html = (
        "<h1>Title</h1><p>First para.</p><ul><li>one</li><li>two</li></ul>"
        "<table><caption>Cap</caption><tr><th>Area</th><td>Good</td></tr></table><h2>Next</h2><p>Last.</p>"
    )
    assert blocks_of(html) == [
        B("h1", "Title"),
        B("p", "First para."),
        B("li", "one"),
        B("li", "two"),
        B("caption", "Cap"),
        B("th", "Area"),
        B("td", "Good"),
        B("h2", "Next"),
        B("p", "Last."),
    ]


def test_two_paragraphs_in_a_row_are_two_blocks() -> None:
    assert blocks_of("<p>a</p><p>b</p>") == [B("p", "a"), B("p", "b")]
    assert blocks_of("<p>a<p>b") == [B("p", "a"), B("p", "b")]  # unclosed, as a browser reads it


def test_bare_text_belongs_to_the_element_around_it() -> None:
    assert blocks_of("lead <div>in div</div> after") == [B("body", "lead"), B("div", "in div"), B("body", "after")]


def test_text_after_a_nested_block_starts_a_new_block_of_the_outer_element() -> None:
    assert blocks_of("<div>a<p>b</p>c</div>") == [B("div", "a"), B("p", "b"), B("div", "c")]
    assert blocks_of("<li>Item <ul><li>sub</li></ul> tail</li>") == [B("li", "Item"), B("li", "sub"), B("li", "tail")]


def test_a_block_inside_an_inline_element_still_splits_the_text() -> None:
    assert blocks_of("<div><a>x <p>y</p> z</a></div>") == [B("div", "x"), B("p", "y"), B("div", "z")]


def test_blank_and_empty_blocks_are_left_out() -> None:
    assert blocks_of("<p></p><p> \n\t </p><p>\u00a0</p><p>\u200b</p><div><p>x</p>\n</div>") == [B("p", "x")]


def test_unknown_elements_are_inline() -> None:
    assert blocks_of("<p>custom <my-el>element <b>text</b></my-el> here</p>") == [B("p", "custom element text here")]


# --- inline elements, whitespace and <br> --------------------------------------------------------


def test_inline_elements_join_their_text_to_the_text_around_them() -> None:
    html = "<p>The force is <a href='/x'>good</a> at <em>keeping</em> people <span>safe</span>.</p>"
    assert blocks_of(html) == [B("p", "The force is good at keeping people safe.")]


def test_text_split_by_markup_is_not_split_into_words() -> None:
    assert blocks_of("<p>Requires im<i>prove</i>ment</p>") == [B("p", "Requires improvement")]
    assert blocks_of("<p><b>a</b><b>b</b></p>") == [B("strong", "ab")]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p><i>a</i>\n<i>b</i></p>", "a b"),  # layout whitespace between two inline elements
        ("<p><b>a</b> <i>b</i></p>", "a b"),
        ("<p><i>a </i>b</p>", "a b"),  # whitespace at the end of an inline element
        ("<p>a<i>b<b>c </b></i>d</p>", "abc d"),
        ("<p>a<i> <b>b</b></i></p>", "a b"),  # at the start of one
        ("<p><b>a</b><i> </i><b>b</b></p>", "a b"),  # an inline element of nothing but whitespace
        ("<p>a <!-- note --> b</p>", "a b"),
        ("<p>a<!-- note -->b</p>", "ab"),  # a comment is not a space
    ],
)
def test_whitespace_between_inline_pieces_separates_words(html: str, text: str) -> None:
    assert [b.text for b in blocks_of(html)] == [text]


def test_whitespace_is_folded_to_single_spaces_and_trimmed() -> None:
    html = "<p>\n  Last\tupdated:\u00a0 01/02/2017 \u2003 x\u200by \u2028 z  </p>"
    assert blocks_of(html) == [B("p", "Last updated: 01/02/2017 xy z")]


@pytest.mark.parametrize("mark", ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "&shy;", "&#8203;"])
def test_characters_that_show_nothing_are_removed_not_made_spaces(mark: str) -> None:
    assert blocks_of(f"<p>Out{mark}standing</p><p>{mark}</p>") == [B("p", "Outstanding")]


def test_a_line_break_separates_words_but_does_not_split_the_block() -> None:
    assert blocks_of("<p>Good<br>Outstanding</p>") == [B("p", "Good Outstanding")]
    assert blocks_of("<table><tr><td><b>x</b><br><b>y</b></td></tr></table>") == [B("td", "x y")]
    assert blocks_of("<div><p>a</p><br><p>b</p></div>") == [B("p", "a"), B("p", "b")]  # a break alone makes no block


def test_entities_are_decoded() -> None:
    html = "<p>Fire &amp; Rescue &#71;ood &lt;3&gt; caf&eacute;</p>"
    assert blocks_of(html) == [B("p", "Fire & Rescue Good <3> café")]


# --- what is not read ----------------------------------------------------------------------------


@pytest.mark.parametrize("tag", sorted(SKIPPED - {"head", "input"}))
def test_skipped_elements_are_not_read_and_do_not_split_the_text(tag: str) -> None:
    html = f"<div>before <{tag}>hidden <a>words</a><section>not a block</section></{tag}>after</div><p>next</p>"
    assert blocks_of(html) == [B("div", "before after"), B("p", "next")]


def test_script_style_and_comments_inside_a_paragraph() -> None:
    html = "<p>a <script>var x = '<p>no</p>';</script>b<style>p { color: red }</style> c<!-- d --></p>"
    assert blocks_of(html) == [B("p", "a b c")]


def test_the_head_is_not_read() -> None:
    assert blocks_of("<html><head><title>T</title><style>x</style></head><body><p>x</p></body></html>") == [B("p", "x")]


# --- images ----------------------------------------------------------------------------------------


def test_image_alt_text_is_read_as_words() -> None:
    assert blocks_of("<p>Grade:<img src=g.png alt=' Good '>overall</p>") == [B("p", "Grade: Good overall")]
    assert blocks_of("<li><img alt='Requires improvement'></li>") == [B("li", "Requires improvement")]


def test_an_image_without_alt_text_adds_nothing_and_starts_no_block() -> None:
    assert blocks_of("<div><p>a</p><img src=x.png><img alt=''></div><p>b<img>c</p>") == [B("p", "a"), B("p", "b c")]


# --- headings ----------------------------------------------------------------------------------------


def test_headings_are_headings() -> None:
    blocks = blocks_of("".join(f"<{h}>{h}</{h}>" for h in sorted(HEADINGS)) + "<p>text</p><li>item</li>")
    assert [b.is_heading for b in blocks] == [True] * 6 + [False, False]


@pytest.mark.parametrize(
    ("html", "tag"),
    [
        ("<p><strong>Head</strong></p>", "strong"),
        ("<p><b>Good</b> <b>overall</b></p>", "strong"),  # whitespace between bold pieces is not a word
        ("<p> <b><i>Bold italic</i></b>\n</p>", "strong"),
        ("<p><b>Bold</b> not</p>", "p"),
        ("<p><strong> </strong>text</p>", "p"),  # a blank bold piece makes nothing bold
        ("<p><b>Bold <img alt='x'></b></p>", "p"),  # alt text never reads as bold
        ("<p><b><img alt='y'> Bold</b></p>", "p"),
        ("<p><b>a</b><img><b>b</b></p>", "strong"),  # an image with no alt text is nothing
        ("<li><b>Bold item</b></li>", "li"),  # only a paragraph reads as a heading
        ("<div><b>Bold div</b></div>", "div"),
    ],
)
def test_a_wholly_bold_paragraph_reads_as_a_heading(html: str, tag: str) -> None:
    [block] = blocks_of(html)
    assert block.tag == tag and block.is_heading == (tag == "strong")


def test_bold_does_not_leak_into_a_nested_block() -> None:
    assert blocks_of("<b>x<p>plain</p></b>") == [B("body", "x"), B("p", "plain")]


def test_bold_covers_only_the_run_it_is_in() -> None:
    assert blocks_of("<div><p><b>Head</b></p>text</div><p>a <b>b</b></p>") == [
        B("strong", "Head"),
        B("div", "text"),
        B("p", "a b"),
    ]


@pytest.mark.parametrize(
    ("html", "blocks"),
    [
        ("<div role=heading aria-level=2>Role</div>", [B("h2", "Role")]),
        ("<p role='heading'>No level</p>", [B("h3", "No level")]),
        ("<p role=heading aria-level=9>Out of range</p>", [B("h3", "Out of range")]),
        ("<h2 role=heading>Level from aria-level only</h2>", [B("h3", "Level from aria-level only")]),
        ("<div>a <span role=heading aria-level=4>x</span> y</div>", [B("div", "a"), B("h4", "x"), B("div", "y")]),
        ("<div role='&#104;eading' aria-level=1>Escaped</div>", [B("h1", "Escaped")]),
        ("<p>a <b role=heading>b</b> c</p>", [B("p", "a b c")]),  # only block-level elements and spans
        ("<p role=Heading>x</p><p role=banner>y</p>", [B("p", "x"), B("p", "y")]),
        ("<span>a</span> <span>b</span>", [B("body", "a b")]),
    ],
)
def test_elements_marked_role_heading_are_headings(html: str, blocks: list[Block]) -> None:
    assert blocks_of(html) == blocks
    assert blocks_of(html.encode()) == blocks


# --- inputs, titles ------------------------------------------------------------------------------------


def test_text_bytes_and_utf8_text_give_the_same_blocks() -> None:
    raw = "<p>Caf\u00e9 \u2013 <b>Good</b></p><h2 role=heading aria-level=2>\u00a0x</h2>".encode()
    decoded = Utf8Text.decode(raw)
    assert decoded == raw.decode() and decoded.utf8 is raw
    assert blocks_of(raw) == blocks_of(decoded) == blocks_of(raw.decode()) == [B("p", "Café – Good"), B("h2", "x")]


def test_utf8_text_refuses_bytes_that_are_not_utf8() -> None:
    with pytest.raises(UnicodeDecodeError):
        Utf8Text.decode(b"caf\xe9")


@pytest.mark.parametrize(
    "html",
    [
        b"",
        "",
        "<html></html>",
        "<frameset><frame></frameset>",
        "<!-- only a comment -->",
        "<script>x()</script><p> </p>",
    ],
)
def test_pages_with_no_text_give_no_blocks_and_a_tree(html: str | bytes) -> None:
    blocks, tree = html_blocks(html)
    assert blocks == [] and isinstance(tree, LexborHTMLParser)


def test_page_title_is_the_first_h1_else_the_title() -> None:
    page = "<html><head><title> Page\n title </title></head><body><h2>a</h2><h1>Main</h1><h1>Second</h1></body></html>"
    blocks, tree = html_blocks(page)
    assert page_title(tree, blocks) == "Main"
    blocks, tree = html_blocks(page.replace("h1", "h3"))
    assert page_title(tree, blocks) == "Page title"
    blocks, tree = html_blocks("<p>x</p>")
    assert page_title(tree, blocks) is None


# --- size and depth ------------------------------------------------------------------------------------


def test_deep_markup_does_not_reach_the_recursion_limit() -> None:
    depth = sys.getrecursionlimit() * 5
    assert blocks_of("<div>" * depth + "deep" + "</div>" * depth) == [B("div", "deep")]
    assert blocks_of("<p>" + "<b>" * depth + "bold" + "</b>" * depth + "</p>") == [B("strong", "bold")]


def test_a_huge_paragraph_and_many_blocks_are_read_whole() -> None:
    """A paragraph of 100,000 inline pieces, and 20,000 blocks (how long they take is for bench/)."""
    [block] = blocks_of("<p>" + "<i>word</i> " * 100_000 + "</p>")
    blocks = blocks_of("<h2>h</h2><p>t</p>" * 10_000)
    assert block.text == " ".join(["word"] * 100_000) and len(blocks) == 20_000


# --- properties ------------------------------------------------------------------------------------------


def visible_text(html: str) -> str:
    """What a reader sees of a page, by other means than the walk: lexbor's own text of the body once
    the skipped elements are removed and each image is replaced by its alt text."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(sorted(SKIPPED), recursive=True)
    for img in tree.css("img"):
        img.replace_with(f" {img.attributes.get('alt') or ''} ")
    return tree.body.text() if tree.body is not None else ""


def non_space(text: str) -> str:
    """The text without whitespace and without the characters that show nothing (the walk drops them)."""
    return "".join(c for c in text if not c.isspace() and c not in INVISIBLE)


def is_folded(text: str) -> bool:
    return text == " ".join(text.split()) and text != "" and not any(c in INVISIBLE for c in text)


TAGS = [
    "p",
    "div",
    "li",
    "ul",
    "td",
    "tr",
    "table",
    "h2",
    "h3",
    "section",
    "span",
    "a",
    "em",
    "i",
    "b",
    "strong",
    "script",
    "style",
    "nav",
    "footer",
    "template",
    "svg",
    "my-el",
    "label",
    "button",
    "dd",
    "caption",
    "pre",
]
TEXTS = [
    "Good",
    "outstanding",
    "requires improvement",
    " ",
    "  ",
    "\n",
    "\t",
    "\u00a0",
    "\u200b",
    "caf\u00e9",
    "&amp;",
    "&#71;ood",
    "x\u2003y",
    "a  b",
    "\u2028",
    "",
    "Last updated: 01/02/2017",
]


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    """Tag soup that takes every turn of the walk: nested and unclosed blocks and inlines, bold runs,
    alt text, breaks, role headings, skipped elements, comments, and each kind of whitespace."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 9 if depth < 5 else 3))
        if kind <= 3:
            parts.append(draw(st.sampled_from(TEXTS)))
        elif kind == 4:
            alt = draw(st.sampled_from(["", " alt", " alt=''", " alt=' Good '", " alt='\u00a0x'", " ALT=y"]))
            parts.append(draw(st.sampled_from([f"<img{alt}>", "<br>", "<!-- c -->", "</p>", "<p>"])))
        else:
            tag = draw(st.sampled_from(TAGS))
            attrs = draw(st.sampled_from(["", " role=heading", " role=heading aria-level=2", " class='x'"]))
            close = draw(st.booleans())
            parts.append(f"<{tag}{attrs}>{draw(markup(depth + 1))}" + (f"</{tag}>" if close else ""))
    return "".join(parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup())
def test_no_text_is_lost_repeated_or_reordered_and_every_block_is_folded(html: str) -> None:
    blocks = blocks_of(html)
    assert non_space("".join(b.text for b in blocks)) == non_space(visible_text(html))
    assert all(type(b) is Block and is_folded(b.text) for b in blocks)
    assert all(b.tag in BLOCKS or b.tag in HEADINGS or b.tag == "strong" for b in blocks)
    assert blocks_of(html.encode()) == blocks


def bundled_pages() -> list[Path]:
    return sorted(SITE_ROOT.rglob("*.html")) + sorted((ROOT / "tests" / "fixtures").rglob("*.html"))


def test_every_bundled_page_reads_as_all_its_visible_text_in_folded_blocks() -> None:
    pages = bundled_pages()
    assert len(pages) > 480
    for path in pages:
        raw = path.read_bytes()
        try:
            html: str = Utf8Text.decode(raw)
        except UnicodeDecodeError:
            html = raw.decode("cp1252", "replace")
        blocks = blocks_of(html)
        assert blocks and all(is_folded(b.text) for b in blocks), path
        assert non_space("".join(b.text for b in blocks)) == non_space(visible_text(html)), path


def test_the_sample_site_reads_the_same_as_with_the_beautifulsoup_reference() -> None:
    """The parse benchmark's reference (bench/reference_bs4.py) is a separate implementation of the
    same rules over another HTML parser. On the sample site's well-formed pages the two agree block
    for block (the parsers can differ on broken markup, such as some of the test fixtures)."""
    pytest.importorskip("bs4")
    sys.path.insert(0, str(ROOT / "bench"))
    from reference_bs4 import bs_blocks

    for path in sorted(SITE_ROOT.rglob("*.html")):
        html = Utf8Text.decode(path.read_bytes())
        assert blocks_of(html) == bs_blocks(html)[0], path
