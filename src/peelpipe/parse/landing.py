"""Force landing pages of 2015–2018/19: /peel-assessments/peel-YYYY/<force>/.

Pillar grades come from the headline sentences, whose wording varies by cycle and has typos:
  2015–2017  'The extent to which <the force|the constabulary|Force name> is effective at keeping
             people safe and reducing crime is good.' (also 'is: good', ': not yet graded',
             '…reducing crime good.', '…is requires improvement.')
  2018/19    '<Force> was inspected in tranche two and we found: the extent to which the force is
             effective at reducing crime and keeping people safe is good. …'
2016/2017 pages also have a box per pillar (question, 'Last updated', grade line, summary): each
box is a second observation of the pillar grade. Some 2016 interim pages print the
effectiveness sentence where the legitimacy one belongs; the pillar is then taken by position.
"""

from __future__ import annotations

import re

from peelpipe.config import Catalogue
from peelpipe.grades import UNGRADED
from peelpipe.models import SOURCE_CONFIG, SOURCE_HEADLINE, Observation, PageRef, ParsedPage, ParseIssue
from peelpipe.parse.common import open_page, read_sections
from peelpipe.parse.evidence import merge_readings, nothing_read, page_date, promise_grades
from peelpipe.parse.sections import find_sections
from peelpipe.parse.text import Keyed, grade_of, keyed

PARSER = "landing"
VERSION = "3"
PILLARS = ("effectiveness", "efficiency", "legitimacy")

_GRADE_TAIL = r"(?P<tail>[\s:]*(?:is\s*:?\s*)?(?:not\s+yet\s+graded|not\s+being\s+graded|not\s+graded|to\s+be\s+graded|requires?\s+improvement|outstanding|good|inadequate|[a-z]+(?:\s[a-z]+)?))\s*\."
_HEADLINE_PILLAR = re.compile(
    r"the extent to which (?P<subject>[^.]{1,90}?) is (?P<word>effective|efficient|legitimate) at keeping people safe "
    r"and reducing crime" + _GRADE_TAIL
)
_HEADLINE_2018 = re.compile(
    r"the extent to which the (?:force|constabulary|service) (?P<word>is effective at reducing crime and keeping "
    r"people safe|operates efficiently and sustainably|treats the public and its workforce legitimately)" + _GRADE_TAIL
)
_TAIL_LEAD = re.compile(r"^[\s:]*(?:is\s*:?\s*)?")  # what comes before the grade words in a tail
_TRANCHE = re.compile(r"inspected in tranche (one|two|three|1|2|3)\b")
_WORD_PILLAR = {
    "effective": "effectiveness",
    "efficient": "efficiency",
    "legitimate": "legitimacy",
    "is effective at reducing crime and keeping people safe": "effectiveness",
    "operates efficiently and sustainably": "efficiency",
    "treats the public and its workforce legitimately": "legitimacy",
}


def parse(html: str, page: PageRef, catalogue: Catalogue) -> ParsedPage:
    """Pillar grades from a landing page's headline sentences and pillar boxes.

    facts["grades_promised"] counts the pillars the cycle grades that the page states a judgement
    on (a headline sentence, or a box holding a grade word, known or not), less those it marks as
    not (yet) graded. A box with nothing where its grade belongs promises nothing: its heading alone
    does not say the page carries the grade (the sample site shows such boxes).
    """
    parsed, blocks, _ = open_page(html, page, catalogue, PARSER, VERSION)
    if blocks is None:
        return parsed
    cycle = catalogue.cycles[page.cycle_id]
    text = keyed((b.text for b in blocks), " \n ")
    headlines = read_headlines(text, parsed)
    tranche = _TRANCHE.search(text.key) if "inspected in tranche " in text.key else None
    if tranche:
        parsed.facts["tranche"] = {"1": "one", "2": "two", "3": "three"}.get(tranche.group(1), tranche.group(1))

    # The pillar boxes: a pillar's heading (its question or name) and the grade under or beside it.
    boxes = ParsedPage(page=page, parser=PARSER, parser_version=parsed.parser_version)
    sections = find_sections(blocks, catalogue, page.cycle_id, None, levels=("pillar",))
    read_sections(sections, catalogue, boxes)
    parsed.last_updated = boxes.last_updated or page_date(blocks)
    parsed.findings.extend(boxes.findings)
    box_by_area = {o.area_id: o for o in boxes.observations}

    unknown = {i.area_id for i in parsed.issues if i.reason == "unknown_grade" and i.area_id}
    if not headlines and not box_by_area and not unknown:
        return nothing_read(
            parsed,
            blocks,
            catalogue,
            len(sections),
            f"no PEEL {cycle.label} headline sentence or pillar box found (title {parsed.title!r})",
        )
    defaults = {
        p: Observation(p, p, "pillar", None, UNGRADED, SOURCE_CONFIG, "not graded in this cycle")
        for p in PILLARS
        if catalogue.expected_status(p, page.cycle_id) == UNGRADED
    }
    merge_readings(parsed, PILLARS, headlines, box_by_area, defaults)
    parsed.issues.extend(i for i in boxes.issues if i.reason != "no_grade_found")
    box_unknown = {i.area_id for i in boxes.issues if i.reason == "unknown_grade" and i.area_id}
    promise_grades(parsed, [*headlines, *unknown, *box_by_area, *box_unknown], catalogue)
    return parsed


def read_headlines(text: Keyed, parsed: ParsedPage) -> dict[str, Observation]:
    """Pillar observations from the headline sentences, by pillar."""
    matches: list[tuple[str, str, str]] = []  # (pillar word, tail, sentence)
    seen: set[str] = set()
    key = text.key
    if "the extent to which " not in key:
        return {}
    for pattern in (_HEADLINE_PILLAR, _HEADLINE_2018):
        for match in pattern.finditer(key):
            if match.group(0) in seen:  # the same sentence repeated (summary and box)
                continue
            seen.add(match.group(0))
            sentence = text.quote(match.start(), match.end())
            matches.append((_WORD_PILLAR[" ".join(match.group("word").split())], match.group("tail"), sentence))
    pillars = [m[0] for m in matches]
    if len(matches) == 3 and len(set(pillars)) < 3:
        parsed.issues.append(
            ParseIssue(
                "repeated_pillar",
                f"headline sentences name pillars {pillars}; assigned by position "
                "(effectiveness, efficiency, legitimacy)",
                None,
                "warning",
            )
        )
        pillars = list(PILLARS)
    result: dict[str, Observation] = {}
    for pillar, (_, tail, sentence) in zip(pillars, matches):
        word = grade_of(_TAIL_LEAD.sub("", tail))
        if pillar in result:
            first = result[pillar]
            if word is not None and (word.grade, word.status) != (first.grade, first.grade_status):
                parsed.issues.append(
                    ParseIssue(
                        "duplicate_judgement",
                        f"{pillar}: headline sentences say "
                        f"{first.grade or first.grade_status} and {word.grade or word.status}; "
                        "kept the first",
                        pillar,
                    )
                )
            continue
        if word is None:
            parsed.issues.append(
                ParseIssue("unknown_grade", f"headline grade {tail.strip()!r} is not a known grade word", pillar)
            )
            continue
        result[pillar] = Observation(pillar, pillar, "pillar", word.grade, word.status, SOURCE_HEADLINE, sentence[:200])
    return result
