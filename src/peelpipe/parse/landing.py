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
from peelpipe.parse.common import open_page, read_sections, unreadable
from peelpipe.parse.sections import find_sections
from peelpipe.parse.text import finditer_from, folded, grade_of, search_from

PARSER = "landing"
VERSION = "2"
PILLARS = ("effectiveness", "efficiency", "legitimacy")

_GRADE_TAIL = r"(?P<tail>[\s:]*(?:is\s*:?\s*)?(?:not\s+yet\s+graded|not\s+being\s+graded|not\s+graded|to\s+be\s+graded|requires?\s+improvement|outstanding|good|inadequate|[a-z]+(?:\s[a-z]+)?))\s*\."
_HEADLINE_PILLAR = re.compile(
    r"the extent to which (?P<subject>[^.]{1,90}?) is (?P<word>effective|efficient|legitimate) at keeping people safe "
    r"and reducing crime" + _GRADE_TAIL,
    re.IGNORECASE,
)
_HEADLINE_2018 = re.compile(
    r"the extent to which the (?:force|constabulary|service) (?P<word>is effective at reducing crime and keeping "
    r"people safe|operates efficiently and sustainably|treats the public and its workforce legitimately)" + _GRADE_TAIL,
    re.IGNORECASE,
)
_TAIL_LEAD = re.compile(r"^[\s:]*(?:is\s*:?\s*)?")  # what comes before the grade words in a tail
_TRANCHE = re.compile(r"inspected in tranche (one|two|three|1|2|3)\b", re.IGNORECASE)
_WORD_PILLAR = {
    "effective": "effectiveness",
    "efficient": "efficiency",
    "legitimate": "legitimacy",
    "is effective at reducing crime and keeping people safe": "effectiveness",
    "operates efficiently and sustainably": "efficiency",
    "treats the public and its workforce legitimately": "legitimacy",
}


def parse(html: str, page: PageRef, catalogue: Catalogue) -> ParsedPage:
    """Pillar grades from a landing page's headline sentences and pillar boxes."""
    parsed, blocks, _ = open_page(html, page, catalogue, PARSER, VERSION)
    if blocks is None:
        return parsed
    cycle = catalogue.cycles[page.cycle_id]
    text = " \n ".join(b.text for b in blocks)
    low = folded(text)
    headlines = read_headlines(text, parsed, low)
    tranche = search_from(_TRANCHE, text, low, "inspected in tranche ")
    if tranche:
        parsed.facts["tranche"] = {"1": "one", "2": "two", "3": "three"}.get(tranche.group(1), tranche.group(1).lower())

    # The pillar boxes (2016/2017): read like pillar page sections, pillar level only.
    boxes = ParsedPage(page=page, parser=PARSER, parser_version=parsed.parser_version)
    read_sections(find_sections(blocks, catalogue, page.cycle_id, None, levels=("pillar",)), catalogue, boxes)
    parsed.last_updated = boxes.last_updated
    parsed.findings.extend(boxes.findings)
    box_by_area = {o.area_id: o for o in boxes.observations}

    headline_unreadable = any(i.reason == "unknown_grade" for i in parsed.issues)
    if not headlines and not box_by_area and not headline_unreadable:
        return unreadable(
            parsed,
            "not_peel_page",
            f"no PEEL {cycle.label} headline sentence or pillar box found (title {parsed.title!r})",
        )
    for pillar in PILLARS:
        headline, box = headlines.get(pillar), box_by_area.get(pillar)
        if (
            box is not None
            and headline is not None
            and (box.grade, box.grade_status) != (headline.grade, headline.grade_status)
        ):
            parsed.issues.append(
                ParseIssue(
                    "headline_box_disagree",
                    f"{pillar}: headline says {headline.grade or headline.grade_status}, box says "
                    f"{box.grade or box.grade_status}; kept the box",
                    pillar,
                    "warning",
                )
            )
        chosen = box or headline
        if chosen is None and catalogue.expected_status(pillar, page.cycle_id) == UNGRADED:
            chosen = Observation(pillar, pillar, "pillar", None, UNGRADED, SOURCE_CONFIG, "not graded in this cycle")
        if chosen is not None:
            parsed.observations.append(chosen)
    parsed.issues.extend(i for i in boxes.issues if i.reason != "no_grade_found")
    return parsed


def read_headlines(text: str, parsed: ParsedPage, low: str | None = None) -> dict[str, Observation]:
    """Pillar observations from the headline sentences, by pillar."""
    matches: list[tuple[str, str, str]] = []  # (pillar word, tail, sentence)
    seen: set[str] = set()
    low = folded(text) if low is None else low
    for pattern in (_HEADLINE_PILLAR, _HEADLINE_2018):
        for match in finditer_from(pattern, text, low, "the extent to which "):
            sentence = " ".join(match.group(0).split())
            if sentence.lower() in seen:  # the same sentence repeated (summary and box)
                continue
            seen.add(sentence.lower())
            matches.append((_WORD_PILLAR[" ".join(match.group("word").lower().split())], match.group("tail"), sentence))
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
