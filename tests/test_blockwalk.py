"""The compiled block walk (src/peelpipe/parse/_blockwalk.c) against the Python walk it replaces:
built and in use where a C compiler is, the same blocks on every page we have and on random and
hostile markup, no leaked memory, and a clean fallback when it cannot be used."""

from __future__ import annotations

import pickle
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tracemalloc
from pathlib import Path

import pytest
import selectolax
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT
from peelpipe.parse import blocks
from peelpipe.samplesite import SITE_ROOT

try:  # the module itself, even when blocks.py declined it, so that a disagreement shows as a diff
    from peelpipe.parse import _blockwalk
except ImportError:
    _blockwalk = None
else:
    _blockwalk.configure(blocks._BLOCK_NAMES, blocks._SKIPPED_IDS, blocks._BOLD_IDS, blocks._IMG, blocks._BR,
                         blocks._SPAN, blocks.Block)
# Only a machine with no C compiler has no module; the first test fails if one that has a compiler has none.
needs_compiled = pytest.mark.skipif(_blockwalk is None, reason="the compiled walk is not built (no C compiler)")


def both_walks(html: str | bytes) -> tuple[list, list]:
    """(compiled, python) blocks of one page, over the same parsed tree."""
    tree = LexborHTMLParser(html.utf8 if type(html) is blocks.Utf8Text else html)
    body = tree.body
    if body is None:
        return [], []
    headings = blocks._role_headings(html, body)
    return _blockwalk.walk(body.mem_id, headings), blocks._walk(body, headings)


def as_inputs(raw: bytes) -> list[str | bytes]:
    """A page as the parsers may get it: bytes, and decoded text (UTF-8, else cp1252)."""
    try:
        return [raw, blocks.Utf8Text.decode(raw)]
    except UnicodeDecodeError:
        return [raw, raw.decode("cp1252", "replace")]


def test_the_compiled_walk_is_built_and_used_where_there_is_a_c_compiler() -> None:
    compiler = shlex.split(sysconfig.get_config_var("LDSHARED") or "false")[0]
    if shutil.which(compiler) is None:  # a machine without one installs the Python walk, on purpose
        assert blocks.BLOCK_WALK.startswith("python")
    else:
        assert blocks.BLOCK_WALK == "compiled", blocks.BLOCK_WALK


@needs_compiled
def test_both_walks_give_the_same_blocks_on_every_bundled_and_fixture_page() -> None:
    files = sorted(SITE_ROOT.rglob("*.html")) + sorted((ROOT / "tests" / "fixtures").rglob("*.html"))
    assert len(files) > 480
    compared = 0
    for path in files:
        for html in as_inputs(path.read_bytes()):
            compiled, python = both_walks(html)
            assert compiled == python, path
            assert all(type(b) is blocks.Block for b in compiled)
            compared += bool(python)
    assert compared >= 2 * 480


@needs_compiled
def test_both_walks_give_the_same_blocks_on_the_synthetic_bench_site(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic import generate

    site = generate(tmp_path / "site", seed=11)
    pages = sorted(site.root.rglob("*.html"))
    assert len(pages) > 900
    for path in pages:
        html = blocks.Utf8Text.decode(path.read_bytes())
        compiled, python = both_walks(html)
        assert compiled == python and python, path


# Markup that takes every turn of the walk: blocks inside inline elements and the reverse, bold
# runs, alt text, breaks, role headings, skipped elements, comments, unknown elements, unclosed
# and stray tags, entities, and each kind of whitespace the walk treats differently.
TAGS = ["p", "div", "li", "ul", "td", "tr", "table", "h2", "h3", "section", "span", "a", "em", "i", "b", "strong",
        "script", "style", "nav", "footer", "template", "svg", "my-el", "label", "button", "dd", "caption"]
TEXTS = ["Good", "outstanding", "requires improvement", " ", "  ", "\n", "\t", "\u00a0", "\u200b", "caf\u00e9",
         "&amp;", "&#71;ood", "x\u2003y", "a  b", "\u2028", "", "Last updated: 01/02/2017"]


@st.composite
def markup(draw, depth: int = 0) -> str:
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
            attrs = draw(st.sampled_from(["", " role=heading", " role=heading aria-level=2", " role=heading aria-level=9",
                                          " class='x'", " role='&#104;eading'"]))
            close = draw(st.booleans())
            parts.append(f"<{tag}{attrs}>{draw(markup(depth + 1))}" + (f"</{tag}>" if close else ""))
    return "".join(parts)


@needs_compiled
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup())
def test_both_walks_give_the_same_blocks_on_random_markup(html: str) -> None:
    for page in (html, f"<html><body>{html}</body></html>", html.encode("utf-8")):
        compiled, python = both_walks(page)
        assert compiled == python


@needs_compiled
@pytest.mark.parametrize("html", [
    "<p><b>Bold <img alt='x'></b></p>", "<p><b><img alt='x'> Bold</b></p>", "<p><b>a</b> <b>b</b></p>",
    "<p><b>a</b>\u00a0<b>b</b></p>", "<div><span role=heading>x</span> y</div>", "<p>a<!--c-->b</p>",
    "<p>a <script>x</script> b</p>", "<p><i>a </i>b</p>", "<p><i>a</i>\n<i>b</i></p>", "<div>a<p>b</p>c</div>",
    "<p><strong> </strong>text</p>", "<td><b>x</b><br><b>y</b></td>",
], ids=["image in a bold run", "image starts a bold run", "space between bolds", "nbsp between bolds",
        "role heading span", "comment", "script", "space at the end of an inline", "newline between inlines",
        "text around a nested block", "blank bold then text", "break between bolds"])
def test_both_walks_agree_on_each_rule(html: str) -> None:
    compiled, python = both_walks(html)
    assert compiled == python and python


@needs_compiled
@pytest.mark.parametrize("html", [
    b"", b"<html></html>", b"<frameset><frame></frameset>", "<p>" + "<b>" * 3000 + "deep" + "</b>" * 3000,
    "<div>" * 5000 + "text" + "</div>" * 5000, b"<p>\xff\xfe\x96 caf\xe9</p>", b"<p>\x00nul</p>",
    "<h2>h</h2>" * 10_000, "<p>" + "word " * 200_000 + "</p>",
], ids=["empty", "no body", "frameset", "3000 nested bolds", "5000 nested divs", "invalid utf-8", "nul",
        "10000 headings", "1 MB paragraph"])
def test_both_walks_agree_on_hostile_markup(html: str | bytes) -> None:
    compiled, python = both_walks(html)
    assert compiled == python


@needs_compiled
def test_the_compiled_walk_leaks_no_memory() -> None:
    page = blocks.Utf8Text.decode(next(SITE_ROOT.rglob("*.html")).read_bytes())
    tree = LexborHTMLParser(page.utf8)
    headings = {tree.body.css_first("p").mem_id: "h3"}  # the dict path too
    for _ in range(50):
        _blockwalk.walk(tree.body.mem_id, headings)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(2000):
        _blockwalk.walk(tree.body.mem_id, headings)
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown < 64 * 1024, f"{grown} bytes kept after 2000 walks"


def test_a_selectolax_of_another_version_gets_the_python_walk(monkeypatch) -> None:
    monkeypatch.setattr(selectolax, "__version__", "9.9.9")
    module, why = blocks._load_compiled()
    assert module is None and "9.9.9" in why and why.startswith("python")


def test_without_the_compiled_walk_pages_parse_the_same(tmp_path: Path) -> None:
    """With no compiled walk (no C compiler at install), the Python walk parses every page the same."""
    script = (
        "import sys, pickle\n"
        "if sys.argv[1] == 'python':\n"
        "    sys.modules['peelpipe.parse._blockwalk'] = None  # as if it was never built\n"
        "from peelpipe.config import load\n"
        "from peelpipe.parse import blocks, parse_page\n"
        "from peelpipe.pipeline import plan_pages\n"
        "from peelpipe.samplesite import SITE_ROOT\n"
        "c = load()\n"
        "out = {'walk': blocks.BLOCK_WALK, 'pages': {}}\n"
        "for ref in plan_pages(c, list(c.cycles), list(c.forces)):\n"
        "    p = SITE_ROOT / ref.path.strip('/') / 'index.html'\n"
        "    if p.exists():\n"
        "        out['pages'][ref.path] = repr(parse_page(p.read_bytes(), ref, c))\n"
        "sys.stdout.buffer.write(pickle.dumps(out))\n")
    results = []
    for walk in ("python", "default"):
        done = subprocess.run([sys.executable, "-c", script, walk], capture_output=True, timeout=120, check=True)
        results.append(pickle.loads(done.stdout))
    python, default = results
    assert python["walk"].startswith("python (the compiled walk is not built") and default["walk"] == blocks.BLOCK_WALK
    assert len(python["pages"]) > 400 and python["pages"] == default["pages"]
