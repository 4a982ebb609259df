"""Parse throughput: peelpipe's parsers vs the same extraction with BeautifulSoup, same pages, same
process, interleaved; plus whether both read the same grades, and the grades the pages print."""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reference_bs4 import bs_blocks

from peelpipe.config import Catalogue
from peelpipe.models import PageRef, ParsedPage
from peelpipe.parse import parse_page
from peelpipe.parse.blocks import Block
from peelpipe.pipeline import plan_pages

Page = tuple[PageRef, bytes, "dict[str, str] | None"]  # ref, body, grades the page prints (None: unknown)


def site_pages(catalogue: Catalogue, root: Path, expected: dict[str, dict[str, str]] | None = None) -> list[Page]:
    """Every planned page that exists under `root`, with what it should read as when known."""
    pages = []
    for ref in plan_pages(catalogue, list(catalogue.cycles), list(catalogue.forces)):
        path = root / ref.path.strip("/") / "index.html"
        if path.exists():
            pages.append((ref, path.read_bytes(), None if expected is None else expected.get(ref.path, {})))
    return pages


@contextmanager
def bs4_blocks() -> Iterator[list[int]]:
    """Swap html_blocks for the BeautifulSoup reference in every parse module that imported it.
    Yields a one-item call counter, so a refactor that bypasses the swap is noticed."""
    calls = [0]

    def counted(html: str | bytes) -> tuple[list[Block], Any]:  # the shape of html_blocks
        calls[0] += 1
        return bs_blocks(html)

    patched = []
    for name, module in list(sys.modules.items()):
        if name.startswith("peelpipe.parse") and module is not None and hasattr(module, "html_blocks"):
            patched.append((module, module.html_blocks))
            module.html_blocks = counted
    try:
        yield calls
    finally:
        for module, original in patched:
            module.html_blocks = original


def grades_of(parsed: ParsedPage) -> dict[str, str]:
    """(area -> grade) of the graded observations of a parsed page."""
    return {o.area_id: o.grade for o in parsed.observations if o.grade}


def bench_parse(pages: list[Page], catalogue: Catalogue, repeat: int, reference: bool = True) -> dict[str, Any]:
    """Times of parsing every page with peelpipe and with the BS4 reference: `repeat` whole passes
    of each, alternating, so each parser is timed in its steady state, as a parser benchmark does.

    Garbage is collected before each timed pass, outside the timing: otherwise the collection of
    the reference's millions of objects lands inside peelpipe's next pass. (That spares the
    reference part of its own cost, so the ratio errs in its favour.)
    """
    ours: list[float] = []
    theirs: list[float] = []
    mine: list[ParsedPage] = []
    ref: list[ParsedPage] = []
    swapped_calls = 0
    # Untimed warm-up of both: first-use costs (imports, compiled patterns, memoised lookups) are
    # paid once per process, not per page.
    for r, body, _ in pages:
        parse_page(body, r, catalogue)
    if reference:
        with bs4_blocks():
            for r, body, _ in pages[:50]:
                parse_page(body, r, catalogue)
    for _ in range(repeat):
        mine = _timed_pass(pages, catalogue, ours)
        if reference:
            with bs4_blocks() as calls:
                ref = _timed_pass(pages, catalogue, theirs)
            swapped_calls = calls[0]
    n = len(pages)
    result: dict[str, Any] = {
        "pages": n,
        "bytes": sum(len(b) for _, b, _ in pages),
        "peelpipe_s": ours,
        "pages_per_s": n / statistics.median(ours),
    }
    if reference:
        disagree = [
            (p[0].path, grades_of(a), grades_of(b)) for p, a, b in zip(pages, mine, ref) if grades_of(a) != grades_of(b)
        ]
        result.update(
            {
                "bs4_s": theirs,
                "bs4_pages_per_s": n / statistics.median(theirs),
                "ratio": statistics.median(theirs) / statistics.median(ours),
                "reference_swapped": swapped_calls == n,
                "same_grades": n - len(disagree),
                "disagreements": disagree[:20],
                "interleaved_ratio": interleaved_ratio(pages, catalogue),
            }
        )
    checked = [(p[0].path, p[2], grades_of(a)) for p, a in zip(pages, mine) if p[2] is not None]
    if checked:
        wrong = [(path, want, got) for path, want, got in checked if want != got]
        result.update(
            {
                "pages_checked": len(checked),
                "pages_wrong": len(wrong),
                "wrong": wrong[:20],
                "grades_checked": sum(len(want) for _, want, _ in checked),
            }
        )
    result["unreadable"] = sum(1 for a in mine if not a.readable)
    return result


def _timed_pass(pages: list[Page], catalogue: Catalogue, times: list[float]) -> list[ParsedPage]:
    """One pass over every page, garbage collected first; appends its time to `times`."""
    gc.collect()
    started = time.perf_counter()
    parsed = [parse_page(body, r, catalogue) for r, body, _ in pages]
    times.append(time.perf_counter() - started)
    return parsed


def interleaved_ratio(pages: list[Page], catalogue: Catalogue, chunk: int = 16) -> float:
    """The ratio again, with the parsers taking turns every `chunk` pages (one pass each).

    Each parser then starts every turn with caches the other has just filled, as a parser inside
    a pipeline does between fetches. The figure is steadier than the whole-pass one on a shared
    machine whose speed drifts from one second to the next, and on this project's pages usually
    a little lower.
    """
    spent = spent_ref = 0.0
    for at in range(0, len(pages), chunk):
        turn = pages[at : at + chunk]
        started = time.perf_counter()
        for r, body, _ in turn:
            parse_page(body, r, catalogue)
        spent += time.perf_counter() - started
        with bs4_blocks():
            started = time.perf_counter()
            for r, body, _ in turn:
                parse_page(body, r, catalogue)
            spent_ref += time.perf_counter() - started
    return spent_ref / spent
