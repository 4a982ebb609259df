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
from peelpipe.parse.common import open_page, unreadable
from peelpipe.parse.text import folded, search_from

PARSER = "landing-2014"
VERSION = "2"

_GRADE = r"(outstanding|good|requires?\s+improvement|inadequate|[a-z]+)"
_EFFECTIVENESS = re.compile(
    r"in terms of its effectiveness,?\s*(?:in general,?\s*)?the (?:force|constabulary)\s+(?P<clause>[^;]+);",
    re.IGNORECASE,
)
_PART = re.compile(
    r"(?:is\s+)?"
    + _GRADE
    + r"\s+(?:at|in)\s+(?P<topic>[^,;]+?)(?=,|;|\s+and\s+(?:is\s+)?(?:outstanding|good|requires?|inadequate)\b|$)",
    re.IGNORECASE,
)
_EFFICIENCY = re.compile(
    r"the efficiency with which the (?:force|constabulary) carries out its responsibilities\s+"
    r"(?:is\s+)?(?P<grade>requires?\s+improvement|[a-z]+)",
    re.IGNORECASE,
)
_LEGITIMACY = re.compile(
    r"fairness and legitimacy in (?P<extent>most|some|all|a limited number|a small number|few)\b", re.IGNORECASE
)
_TOPICS = (
    ("reduc", "effectiveness.reducing-crime"),
    ("investigat", "effectiveness.investigating-offending"),
    ("anti-social", "effectiveness.anti-social-behaviour"),
    ("antisocial", "effectiveness.anti-social-behaviour"),
)


def parse(html: str, page: PageRef, catalogue: Catalogue) -> ParsedPage:
    """Question and efficiency grades from the 2014 narrative sentence."""
    parsed, blocks, _ = open_page(html, page, catalogue, PARSER, VERSION)
    if blocks is None:
        return parsed
    text = " ".join(" ".join(b.text for b in blocks).split())
    low = folded(text)
    effectiveness = search_from(_EFFECTIVENESS, text, low, "in terms of its effectiveness")
    efficiency = search_from(_EFFICIENCY, text, low, "the efficiency with which the ")
    if not effectiveness and not efficiency:
        return unreadable(parsed, "not_peel_page", f"no PEEL 2014 evidence sentence found (title {parsed.title!r})")
    if effectiveness:
        for part in _PART.finditer(effectiveness.group("clause")):
            topic = part.group("topic").lower()
            area_id = next((aid for key, aid in _TOPICS if key in topic), None)
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
            parsed.observations.append(
                Observation(
                    area_id,
                    part.group("topic").strip(),
                    "question",
                    word.grade,
                    word.status,
                    SOURCE_HEADLINE,
                    part.group(0)[:200],
                )
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
            parsed.observations.append(
                Observation(
                    "efficiency",
                    "efficiency",
                    "pillar",
                    word.grade,
                    word.status,
                    SOURCE_HEADLINE,
                    efficiency.group(0)[:200],
                )
            )
    legitimacy = search_from(_LEGITIMACY, text, low, "fairness and legitimacy in ")
    if legitimacy:
        parsed.facts["legitimacy_extent"] = legitimacy.group("extent").lower()
    for pillar in ("effectiveness", "legitimacy"):
        if catalogue.expected_status(pillar, page.cycle_id) == UNGRADED:
            parsed.observations.append(
                Observation(pillar, pillar, "pillar", None, UNGRADED, SOURCE_CONFIG, "no overall grade in PEEL 2014")
            )
    return parsed
