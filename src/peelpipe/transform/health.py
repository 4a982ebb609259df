"""Grade shortfall: pages that read fewer grades than they promise. Pure.

The rule, per page parsed this run:

- promised: the page's own count of the grades it carries, ``facts["grades_promised"]`` (the
  parser's reading of its signals: the count sentence, the question headings, the grade key). Until
  a report parser sets it, the intro's ``facts["areas_graded"]`` stands in. A value that is not a
  whole number is no promise.
- found: the page's observations with grade_status ``graded``, at any level, mapped or not. A row
  whose grade word could not be read (an ``unknown_grade`` issue) is not found: that grade is missing.
- short: found < promised. Finding more (areas added after publication) is not short.

Only pages parsed this run count. A page with no promise, a page not re-parsed because it is
unchanged and a page not fetched count in neither number. An unreadable page that still states a
count (its intro read, its rows not) counts, with no grade found.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from peelpipe.grades import GRADED
from peelpipe.models import PageRef, ParsedPage

if TYPE_CHECKING:
    from peelpipe.transform.build import PageOutcome

PROMISE_FACTS = ("grades_promised", "areas_graded")  # first present wins

Shortfall = dict[str, tuple[int, int]]  # family (cycle/kind) -> (pages short, pages with a promise)


def family_of(page: PageRef) -> str:
    """A page's family: cycle and page kind, e.g. 2023-25/report."""
    return f"{page.cycle_id}/{page.kind}"


def promised_grades(parsed: ParsedPage) -> int | None:
    """How many grades the page says it carries, or None when it does not say."""
    for fact in PROMISE_FACTS:
        if fact in parsed.facts:
            value = parsed.facts[fact].strip()
            return int(value) if value.isascii() and value.isdigit() else None
    return None


def grades_found(parsed: ParsedPage) -> int:
    """The page's observations with a grade (none on an unreadable page: its rows are not kept)."""
    return sum(1 for o in parsed.observations if o.grade_status == GRADED) if parsed.readable else 0


def is_short(parsed: ParsedPage) -> bool | None:
    """True when the page found fewer grades than it promises; None when it promises none."""
    promised = promised_grades(parsed)
    return None if promised is None else grades_found(parsed) < promised


def grade_shortfall(outcomes: Iterable[PageOutcome]) -> Shortfall:
    """Per family: (pages short of their promise, pages with a promise) among the pages read this run."""
    result: Shortfall = {}
    for outcome in outcomes:
        short = None if outcome.parsed is None else is_short(outcome.parsed)
        if short is None:
            continue
        family = family_of(outcome.page)
        pages_short, pages = result.get(family, (0, 0))
        result[family] = (pages_short + short, pages + 1)
    return dict(sorted(result.items()))


def shortfall_text(shortfall: Shortfall) -> str:
    """The runs table's form: 'family=short/total', comma-separated, by family."""
    return ",".join(f"{family}={short}/{total}" for family, (short, total) in sorted(shortfall.items()))


def parse_shortfall(text: str | None) -> Shortfall:
    """shortfall_text read back (entries that do not fit the form are skipped)."""
    result: Shortfall = {}
    for entry in filter(None, (text or "").split(",")):
        family, _, counts = entry.partition("=")
        short, _, total = counts.partition("/")
        if family and short.isdigit() and total.isdigit():
            result[family] = (int(short), int(total))
    return result


def over_threshold(short: int, total: int, share: float, min_pages: int) -> bool:
    """A shortfall worth an alert: at least min_pages pages with a promise, and short/total >= share."""
    return total >= max(1, min_pages) and short > 0 and short / total >= share


def pages_short(shortfall: Shortfall) -> int:
    """Pages short of their promise, all families together."""
    return sum(short for short, _ in shortfall.values())
