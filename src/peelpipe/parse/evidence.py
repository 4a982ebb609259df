"""What a page says about itself: whether it is a PEEL page, its date, and how many grades it promises.

A page is taken as a PEEL page of its force and cycle on the evidence of what it shows, not of
one sentence: grades bound to the cycle's area wordings are read wherever they are. A page where
no grade could be read is unreadable (`not_peel_page`, so no grade is taken as withdrawn); its
detail lists the independent signals that it is a PEEL page of the force and cycle (title or main
heading naming the force, naming PEEL or the cycle, a 'Last updated' date, the cycle's area
wordings as headings, a key to the grades). Two or more of them mean a PEEL page in a layout
peelpipe cannot read yet (a redesign), fewer a page that is something else (a login, error,
maintenance or cookie page).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from peelpipe.config import Catalogue
from peelpipe.grades import GRADED, normalise_phrase
from peelpipe.models import Observation, ParsedPage, ParseIssue
from peelpipe.parse.blocks import Block
from peelpipe.parse.common import unreadable
from peelpipe.parse.text import is_last_updated, label_of, last_updated

_NAME_ENDINGS = (" police", " constabulary", " police service")


def page_date(blocks: list[Block]) -> date | None:
    """The page's own date: the one date its 'Last updated' lines give (None for none or several)."""
    dates = {last_updated(b.text) for b in blocks if is_last_updated(b.text)}
    dates.discard(None)
    return dates.pop() if len(dates) == 1 else None


def _has_grade_key(blocks: list[Block]) -> bool:
    """Three or more grade words in a row: a key to the grades."""
    run = 0
    for block in blocks:
        run = run + 1 if label_of(block.text) is not None else 0
        if run >= 3:
            return True
    return False


def signals(parsed: ParsedPage, blocks: list[Block], catalogue: Catalogue, headings: int) -> list[str]:
    """The independent signals that the page is a PEEL page of its force and cycle (`headings`:
    how many of the cycle's area wordings it shows as headings)."""
    cycle = catalogue.cycles[parsed.page.cycle_id]
    force = catalogue.forces.get(parsed.page.force_id)
    title = normalise_phrase(" ".join(filter(None, [parsed.title, *(b.text for b in blocks if b.tag == "h1")])))
    found: list[str] = []
    if force is not None:
        name = normalise_phrase(force.name)
        for ending in _NAME_ENDINGS:
            name = name.removesuffix(ending)
        if name and name in title:
            found.append("title names the force")
    if "peel" in title or cycle.year in title:
        found.append("title names PEEL or the cycle")
    if any(is_last_updated(b.text) for b in blocks):
        found.append("a 'Last updated' date")
    if headings:
        found.append(f"{headings} of the cycle's area wordings as headings")
    if _has_grade_key(blocks):
        found.append("a key to the grades")
    return found


def nothing_read(
    parsed: ParsedPage, blocks: list[Block], catalogue: Catalogue, headings: int, detail: str
) -> ParsedPage:
    """Mark a page where no grade could be read as unreadable (not_peel_page), saying whether it
    looks like a PEEL page in a layout peelpipe cannot read, or like something else."""
    found = signals(parsed, blocks, catalogue, headings)
    if len(found) >= 2:
        detail = f"{detail}; yet it looks like a PEEL page in a layout peelpipe cannot read ({', '.join(found)})"
    return unreadable(parsed, "not_peel_page", detail)


def promise_grades(parsed: ParsedPage, named: Iterable[str], catalogue: Catalogue) -> None:
    """facts["grades_promised"]: how many grades the page's own signals say it carries.

    `named` are the areas the page shows where a grade belongs (a question or pillar heading, a
    pillar box, a headline sentence, a row). Each counts when the cycle grades it and the page does
    not itself say it has no grade yet (pending, not graded, ungraded). Unset when nothing is named.
    """
    names = set(named)
    if not names:
        return
    status = {o.area_id: o.grade_status for o in parsed.observations}
    cycle_id = parsed.page.cycle_id
    promised = [
        a for a in names if catalogue.expected_status(a, cycle_id) == GRADED and status.get(a, GRADED) == GRADED
    ]
    parsed.facts["grades_promised"] = str(len(promised))


def observations_by_area(observations: Iterable[Observation]) -> dict[str, Observation]:
    """The first observation of each area."""
    out: dict[str, Observation] = {}
    for obs in observations:
        out.setdefault(obs.area_id, obs)
    return out


def merge_readings(
    parsed: ParsedPage,
    areas: Iterable[str],
    headlines: dict[str, Observation],
    boxes: dict[str, Observation],
    defaults: dict[str, Observation],
) -> None:
    """One observation per area from a landing page's two readings: its box (the grade printed by
    the area's heading) and its headline sentence, else its default (an area the cycle never
    grades). Where box and headline disagree the box is kept and `headline_box_disagree` says so."""
    for area in areas:
        headline, box = headlines.get(area), boxes.get(area)
        if (
            box is not None
            and headline is not None
            and (box.grade, box.grade_status) != (headline.grade, headline.grade_status)
        ):
            parsed.issues.append(
                ParseIssue(
                    "headline_box_disagree",
                    f"{area}: headline says {headline.grade or headline.grade_status}, box says "
                    f"{box.grade or box.grade_status}; kept the box",
                    area,
                    "warning",
                )
            )
        chosen = box or headline or defaults.get(area)
        if chosen is not None:
            parsed.observations.append(chosen)
