"""Pillar pages of 2014–2018/19: /peel-assessments/peel-YYYY/<force>/<pillar>/.

Text shape (markup unknown): title '<Force> PEEL <year>', the pillar's headline question,
'Last updated DD/MM/YYYY', an optional grade line, a summary; then 'Questions for <Pillar>' and
each question as a heading, an optional lone question number, an optional grade line, prose,
and 'Areas for improvement' bullets.
"""

from __future__ import annotations

from peelpipe.config import Catalogue
from peelpipe.models import PageRef, ParsedPage
from peelpipe.parse.common import open_page, read_sections
from peelpipe.parse.evidence import nothing_read, promise_grades
from peelpipe.parse.sections import find_sections

PARSER = "pillar-page"
VERSION = "3"


def parse(html: str, page: PageRef, catalogue: Catalogue) -> ParsedPage:
    """Judgements, findings and date of one pillar page.

    facts["grades_promised"] counts the pillar and question headings the page shows that the cycle
    grades, less those the page itself marks as not (yet) graded.
    """
    parsed, blocks, _ = open_page(html, page, catalogue, PARSER, VERSION)
    if blocks is None:
        return parsed
    cycle = catalogue.cycles[page.cycle_id]
    sections = find_sections(blocks, catalogue, page.cycle_id, page.pillar)
    if not any(s.area is not None for s in sections):
        return nothing_read(
            parsed,
            blocks,
            catalogue,
            0,
            f"no {page.pillar} question of PEEL {cycle.label} found on the page "
            f"(title {parsed.title!r}): not a PEEL {page.pillar} page",
        )
    read_sections(sections, catalogue, parsed)
    promise_grades(parsed, [s.area_id for s in sections if s.area is not None], catalogue)
    return parsed
