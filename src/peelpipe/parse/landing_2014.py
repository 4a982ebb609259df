"""Force landing pages of PEEL 2014: /peel-assessments/peel-2014/<force>/.

One narrative sentence holds the grades: 'The available evidence indicates that: in terms of its
effectiveness, in general, the force is good at reducing crime and preventing offending, good at
investigating offending and good at tackling anti-social behaviour; the efficiency with which the
force carries out its responsibilities is outstanding; and the force is acting to achieve
fairness and legitimacy in most of the practices that were examined this year.'
Effectiveness and legitimacy had no overall grade in 2014.
"""

from __future__ import annotations

import re

from peelpipe.config import Catalogue
from peelpipe.grades import UNGRADED, grade_word
from peelpipe.models import SOURCE_CONFIG, SOURCE_HEADLINE, Observation, PageRef, ParsedPage, ParseIssue
from peelpipe.parse.common import open_page, read_sections
from peelpipe.parse.evidence import merge_readings, nothing_read, page_date, promise_grades
from peelpipe.parse.sections import find_sections
from peelpipe.parse.text import Keyed, keyed

PARSER = "landing-2014"
VERSION = "2"

_GRADE = r"(outstanding|good|requires?\s+improvement|inadequate|[a-z]+)"
_EFFECTIVENESS = re.compile(
    r"in terms of its effectiveness,?\s*(?:in general,?\s*)?the (?:force|constabulary)\s+(?P<clause>[^;]+);"
)
_PART = re.compile(
    r"(?:is\s+)?"
    + _GRADE
    + r"\s+(?:at|in)\s+(?P<topic>[^,;]+?)(?=,|;|\s+and\s+(?:is\s+)?(?:outstanding|good|requires?|inadequate)\b|$)"
)
_EFFICIENCY = re.compile(
    r"the efficiency with which the (?:force|constabulary) carries out its responsibilities\s+"
    r"(?:is\s+)?(?P<grade>requires?\s+improvement|[a-z]+)"
)
_LEGITIMACY = re.compile(r"fairness and legitimacy in (?P<extent>most|some|all|a limited number|a small number|few)\b")
_TOPICS = (
    ("reduc", "effectiveness.reducing-crime"),
    ("investigat", "effectiveness.investigating-offending"),
    ("anti-social", "effectiveness.anti-social-behaviour"),
    ("antisocial", "effectiveness.anti-social-behaviour"),
)
AREAS = (
    "effectiveness.reducing-crime",
    "effectiveness.investigating-offending",
    "effectiveness.anti-social-behaviour",
    "effectiveness",
    "efficiency",
    "legitimacy",
)


def parse(html: str, page: PageRef, catalogue: Catalogue) -> ParsedPage:
    """Question and efficiency grades from the 2014 narrative sentence and from boxes (a question's
    or pillar's heading with its grade); where both give one and disagree, the box is kept.

    facts["grades_promised"] counts the graded areas the sentence or the boxes name.
    """
    parsed, blocks, _ = open_page(html, page, catalogue, PARSER, VERSION)
    if blocks is None:
        return parsed
    text = keyed((b.text for b in blocks), " ")
    sentence = _read_sentence(text, parsed)
    boxes = ParsedPage(page=page, parser=PARSER, parser_version=parsed.parser_version)
    sections = find_sections(blocks, catalogue, page.cycle_id, None, levels=("pillar", "question"))
    read_sections(sections, catalogue, boxes)
    box_by_area = {o.area_id: o for o in boxes.observations if o.grade is not None}
    unknown = {i.area_id for i in parsed.issues if i.reason == "unknown_grade" and i.area_id}
    if not sentence and not box_by_area and not unknown:
        return nothing_read(
            parsed, blocks, catalogue, len(sections), f"no PEEL 2014 evidence sentence found (title {parsed.title!r})"
        )
    parsed.last_updated = boxes.last_updated or page_date(blocks)
    parsed.findings.extend(boxes.findings)
    legitimacy = _LEGITIMACY.search(text.key) if "fairness and legitimacy in " in text.key else None
    if legitimacy:
        parsed.facts["legitimacy_extent"] = legitimacy.group("extent")
    defaults = {
        p: Observation(p, p, "pillar", None, UNGRADED, SOURCE_CONFIG, "no overall grade in PEEL 2014")
        for p in ("effectiveness", "legitimacy")
        if catalogue.expected_status(p, page.cycle_id) == UNGRADED
    }
    merge_readings(parsed, AREAS, sentence, box_by_area, defaults)
    parsed.observations.extend(o for o in sentence.values() if o.area_id not in AREAS)
    parsed.issues.extend(i for i in boxes.issues if i.reason != "no_grade_found")
    promise_grades(parsed, [*sentence, *unknown, *box_by_area], catalogue)
    return parsed


def _read_sentence(text: Keyed, parsed: ParsedPage) -> dict[str, Observation]:
    """The grades of the 2014 narrative sentence, by area."""
    key = text.key
    effectiveness = _EFFECTIVENESS.search(key) if "in terms of its effectiveness" in key else None
    efficiency = _EFFICIENCY.search(key) if "the efficiency with which the " in key else None
    result: dict[str, Observation] = {}
    if effectiveness:
        offset = effectiveness.start("clause")
        for part in _PART.finditer(effectiveness.group("clause")):
            topic = part.group("topic")
            area_id = next((aid for word, aid in _TOPICS if word in topic), None)
            word = grade_word(part.group(1))
            if area_id is None:
                parsed.issues.append(
                    ParseIssue("unmapped_area", f"effectiveness topic {topic!r} maps to no known area", None, "warning")
                )
                continue
            if word is None:
                parsed.issues.append(
                    ParseIssue("unknown_grade", f"{part.group(1)!r} is not a known grade word", area_id)
                )
                continue
            label = text.quote(offset + part.start("topic"), offset + part.end("topic"))
            evidence = text.quote(offset + part.start(), offset + part.end())
            result[area_id] = Observation(
                area_id, label, "question", word.grade, word.status, SOURCE_HEADLINE, evidence[:200]
            )
    if efficiency:
        word = grade_word(efficiency.group("grade"))
        if word is None:
            parsed.issues.append(
                ParseIssue(
                    "unknown_grade",
                    f"efficiency grade {efficiency.group('grade')!r} is not a known grade word",
                    "efficiency",
                )
            )
        else:
            evidence = text.quote(efficiency.start(), efficiency.end())
            result["efficiency"] = Observation(
                "efficiency", "efficiency", "pillar", word.grade, word.status, SOURCE_HEADLINE, evidence[:200]
            )
    return result
