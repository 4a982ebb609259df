"""Pillar and question sections: a heading that names a judged thing, and the blocks under it.

Shared by the pillar pages (2014–2018/19) and the pillar boxes of landing pages. A section's
grade comes from its grade label when it has one, else from the first sentence of its summary
(as on the real Staffordshire 2017 page, where 'good' questions carry no label).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from peelpipe.config import Area, AreaMatcher, Catalogue, normalise_label
from peelpipe.grades import GRADED, PENDING, UNGRADED, GradeWord, is_lead_in, normalise_phrase
from peelpipe.models import SOURCE_CONFIG, SOURCE_LABEL, SOURCE_PROSE, Finding, Observation, ParseIssue
from peelpipe.parse.binding import bind_line, may_bind, strip_number
from peelpipe.parse.blocks import HEADING_ROLES, HEADING_TAGS, Block
from peelpipe.parse.text import (
    FINDING_START,
    finding_kind,
    first_sentence,
    is_last_updated,
    label_of,
    last_updated,
    looks_like_label,
    prose_grade,
    sentences,
    slugify,
)

_CARRIED_OVER = re.compile(r"has been carried over|grade and findings from last year.s inspection still stand")
# The earlier inspection a carried-over sentence names: "our judgment from the 2017 … inspection"
# (a year), or "last year's inspection" (the cycle before).
_CARRIED_FROM = re.compile(r"(?:judge?ment|grade)s? (?:and findings )?from (?:the |our )?(?:(\d{4})\b|last year)")
_NOT_INSPECTED = re.compile(r"has not been (?:inspected or graded|graded)|was not (?:inspected|graded) in \d{4}")
_QUESTION_NUMBER = re.compile(r"^(?:(?:question|q)\s*)?\d{1,2}[.):]?$", re.IGNORECASE)
_QUESTION_START = re.compile(r"^(?:how|to what extent|what|does|do|is|are|has)\b", re.IGNORECASE)
_HEADING_LIKE = frozenset({"div", "button", "dt", "summary", "strong", "td", "th"})


@dataclass
class Section:
    """A heading naming a pillar or question, with the blocks that follow it."""

    label: str
    area: Area | None
    area_id: str
    level: str
    blocks: list[Block] = field(default_factory=list)
    inline: GradeWord | None = None  # a grade printed in the heading itself ("… ? Requires improvement")
    heading: str = ""  # the heading as printed, when it holds more than the label


def find_sections(
    blocks: list[Block],
    catalogue: Catalogue,
    cycle_id: str,
    pillar: str | None,
    levels: tuple[str, ...] = ("pillar", "question"),
) -> list[Section]:
    """Split blocks into sections at every heading that names a pillar or question of the cycle.

    A heading ending in '?' that names nothing known starts an unmapped section (kept, reported).
    """
    sections: list[Section] = []
    current: Section | None = None
    match = catalogue.area_matcher(cycle_id, pillar)
    shapes = _shapes(catalogue.areas_for(cycle_id, pillar), levels)
    for block in blocks:
        # A heading (by tag or role), a question, a known wording or a line binding an area to its
        # grade can start a section; none is longer than 250 characters.
        text = block.text
        head = None
        if len(text) <= 250:
            bindable = may_bind(text)
            if (
                bindable
                or block.tag in HEADING_ROLES
                or "?" in text
                or _shape(text.rstrip(" ?.:")) in shapes
                or text[:1].isdigit()
            ):
                head = _section_head(block, match, pillar, levels, bindable)
        if head is not None:
            current = head
            sections.append(current)
        elif current is not None:
            current.blocks.append(block)
    return _drop_empty_duplicates(sections)


def _shape(text: str) -> tuple[int, str]:
    return len(text), text[:6].lower()


_SHAPES: dict[tuple[int, tuple[str, ...]], tuple[list[Area], frozenset[tuple[int, str]]]] = {}


def _shapes(areas: list[Area], levels: tuple[str, ...]) -> frozenset[tuple[int, str]]:
    """The length and first letters of each known wording of these areas: a block unlike all of
    them is none of them (a cheap pre-check). Remembered per list of areas (the catalogue keeps one
    per cycle and pillar)."""
    known = _SHAPES.get((id(areas), levels))
    if known is None or known[0] is not areas:
        if len(_SHAPES) > 256:
            _SHAPES.clear()
        shapes = frozenset(_shape(label) for a in areas if a.level in levels for label in a.labels)
        known = _SHAPES[(id(areas), levels)] = (areas, shapes)
    return known[1]


def _section_head(
    block: Block, match: AreaMatcher, pillar: str | None, levels: tuple[str, ...], bindable: bool
) -> Section | None:
    text = block.text.strip()
    heading = block.tag in HEADING_ROLES
    bound = bind_line(text, match) if bindable else None
    if bound is not None and bound.area is not None and bound.area.level in levels:
        return Section(bound.label, bound.area, bound.area.id, bound.area.level, inline=bound.word, heading=text)
    label = strip_number(text)
    is_question = label.endswith("?")
    # A known wording heads its section whatever its tag; anything else must be a heading or a question.
    area = match(label)
    if area is not None and not (heading or is_question) and normalise_label(label) not in area.labels:
        area = None
    if area is not None and area.level in levels:
        return Section(label, area, area.id, area.level)
    heading_like = block.is_heading or (
        block.tag in _HEADING_LIKE and len(label) < 200 and _QUESTION_START.match(label) is not None
    )
    if heading_like and is_question and "question" in levels and pillar:
        return Section(label, None, f"{pillar}.{slugify(label)}", "question")
    return None


def _key(text: str) -> str:
    return normalise_phrase(text)


def _is_caption(text: str) -> bool:
    """'Our judgement', 'Grade:' and the like: a lead-in standing alone before a grade label."""
    return len(text) <= 40 and is_lead_in(normalise_phrase(text))


def _drop_empty_duplicates(sections: list[Section]) -> list[Section]:
    """A question listed twice (contents list, then its section) keeps the section with content."""
    twins: dict[str, int] = {}
    filled: set[str] = set()
    for section in sections:  # one pass, not one per section: a page may repeat a question 10,000 times
        twins[section.area_id] = twins.get(section.area_id, 0) + 1
        if _has_content(section):
            filled.add(section.area_id)
    return [s for s in sections if not (twins[s.area_id] > 1 and s.area_id in filled and not _has_content(s))]


def _has_content(section: Section) -> bool:
    return any(len(block.text) > 3 for block in section.blocks)


@dataclass
class SectionResult:
    """What one section yields."""

    observation: Observation | None
    findings: list[Finding]
    issues: list[ParseIssue]
    last_updated: date | None


def _head(blocks: list[Block]) -> tuple[date | None, Block | None, Block | None]:
    """The head of a section: an optional question number, 'Last updated' line and lead-in
    ("Our judgment"), then a grade label. Returns the date, the label block, and a block standing
    where the label would that is no known grade word."""
    updated: date | None = None
    label_block: Block | None = None
    odd_label: Block | None = None
    for block in blocks[:5]:
        text = block.text
        if _QUESTION_NUMBER.match(text) or _is_caption(text):
            continue
        if is_last_updated(text):
            updated = last_updated(text)
            continue
        if label_of(text) is not None:
            label_block = block
        elif looks_like_label(text) and not block.tag.startswith("h"):
            odd_label = block
        break
    if updated is None:
        for block in blocks[:6]:
            text = block.text  # (only "l" and "L" lower-case to something starting with "l")
            if text[:1] in ("l", "L") and text[:12].lower().startswith("last updated"):
                updated = last_updated(text)
                break
    return updated, label_block, odd_label


def read_section(section: Section, catalogue: Catalogue, cycle_id: str) -> SectionResult:
    """Grade, status, findings and date of one section, or an issue saying why there is no grade.

    The grade is the one printed in the heading itself, else the grade label under it, else the
    first sentence of its summary. A heading's grade and a label that disagree keep the heading's
    (duplicate_judgement); a label and a summary sentence that disagree keep the label's
    (label_prose_disagree).
    """
    issues: list[ParseIssue] = []
    blocks = section.blocks
    updated, label_block, odd_label = _head(blocks)
    body = " ".join([b.text for b in blocks[:12]]).lower()  # the regexes only run where their words occur
    carried_over = ("carried over" in body or "still stand" in body) and bool(_CARRIED_OVER.search(_key(body)))
    # A carried-over question is not "not inspected" in the ungraded sense: its earlier grade stands.
    not_inspected = (
        not carried_over and ("not been" in body or "was not" in body) and bool(_NOT_INSPECTED.search(_key(body)))
    )
    if carried_over and label_block is None and section.inline is None:
        label_block = _carried_label(blocks)  # the grade may be printed after the sentence that carries it
    prose_sentence = _prose_sentence(blocks, label_block, carried_over)
    prose = prose_grade(prose_sentence) if prose_sentence else None
    carried_from = _carried_from(body, catalogue, cycle_id) if carried_over else None
    expected = catalogue.expected_status(section.area_id, cycle_id)
    area_label = section.label.strip()

    def observe(grade: str | None, status: str, source: str, evidence: str) -> Observation:
        return Observation(
            area_id=section.area_id,
            area_label=area_label,
            level=section.level,
            grade=grade,
            grade_status=status,
            grade_source=source,
            evidence=evidence[:200],
            mapped=section.area is not None,
            carried_over=carried_over,
            carried_from=carried_from,
        )

    word = label_of(label_block.text) if label_block is not None else None
    evidence = label_block.text if label_block is not None else ""
    if section.inline is not None:
        if word is not None and word != section.inline:
            issues.append(
                ParseIssue(
                    "duplicate_judgement",
                    f"the heading says {section.inline.grade or section.inline.status}, the label under it "
                    f"{word.grade or word.status}: kept the heading's",
                    section.area_id,
                )
            )
        word, evidence, odd_label = section.inline, section.heading, None
    observation: Observation | None = None
    if odd_label is not None:
        kept = f"; the summary sentence says {prose}, kept that" if prose else ""
        issues.append(
            ParseIssue(
                "unknown_grade",
                f"grade label {odd_label.text!r} is not a known grade word{kept}",
                section.area_id,
                "warning" if prose else "error",
            )
        )
    if word is not None:
        observation = observe(word.grade, word.status, SOURCE_LABEL, evidence)
        if word.status == GRADED and prose and prose != word.grade:
            issues.append(
                ParseIssue(
                    "label_prose_disagree",
                    f"label says {word.grade}, summary says {prose}: kept the label",
                    section.area_id,
                    "warning",
                )
            )
    elif odd_label is not None and prose is None:
        pass  # reported above; no grade is guessed
    elif prose is not None and not (expected == UNGRADED or not_inspected):
        observation = observe(prose, GRADED, SOURCE_PROSE, prose_sentence)
    elif expected == UNGRADED or not_inspected:
        observation = observe(None, UNGRADED, SOURCE_CONFIG, "not graded in this cycle")
    elif carried_over:
        earlier = catalogue.cycles[carried_from].label if carried_from in catalogue.cycles else "an earlier inspection"
        observation = observe(None, PENDING, SOURCE_CONFIG, f"carried over from {earlier}")
        issues.append(
            ParseIssue(
                "carried_over_without_grade",
                f"the page says the grade was carried over from {earlier} but prints none: the {earlier} "
                "judgement is used when the warehouse holds one, else the question has no grade",
                section.area_id,
                "warning",
            )
        )
    else:
        severity = "error" if expected == GRADED else "warning"
        issues.append(
            ParseIssue(
                "no_grade_found", "no grade label and no grade sentence in the section", section.area_id, severity
            )
        )
    if section.area is None:
        issues.append(
            ParseIssue("unmapped_area", f"question {area_label!r} maps to no known area", section.area_id, "warning")
        )
    return SectionResult(observation, read_findings(section), issues, updated)


def _carried_label(blocks: list[Block]) -> Block | None:
    """A grade label printed anywhere in a carried-over question's opening blocks (before or after
    the sentence that carries the grade over), up to its first findings heading."""
    for block in blocks[:8]:
        text = block.text
        if finding_kind(text) is not None or block.tag in HEADING_TAGS:
            break
        if label_of(text) is not None:
            return block
    return None


def _prose_sentence(blocks: list[Block], label_block: Block | None, carried_over: bool) -> str:
    """The summary's first sentence (not the label, date or number). In a carried-over question the
    sentence saying so states no grade: the first sentence that is not about the carrying over is
    taken, before or after it."""
    for block in blocks[:12] if carried_over else blocks:
        text = block.text
        if (
            len(text) < 25
            or block.tag in HEADING_TAGS
            or block is label_block
            or is_last_updated(text)
            or _QUESTION_NUMBER.match(text)
        ):
            continue
        if not carried_over:
            return first_sentence(text)
        if finding_kind(text) is not None:
            break
        for sentence in sentences(text):
            if not _CARRIED_OVER.search(_key(sentence)) and not _NOT_INSPECTED_HERE.search(_key(sentence)):
                return sentence
    return ""


_NOT_INSPECTED_HERE = re.compile(r"not (?:been )?(?:subject to detailed inspection|inspected)")


def _carried_from(body: str, catalogue: Catalogue, cycle_id: str) -> str | None:
    """The cycle a carried-over judgement comes from: the one whose year the sentence names, else
    (and for "last year's inspection") the cycle before this one."""
    spec = catalogue.cycles.get(cycle_id)
    previous = spec.previous if spec is not None else None
    match = _CARRIED_FROM.search(_key(body))
    if match is not None and match.group(1):
        named = [c.id for c in catalogue.cycles.values() if c.year == match.group(1) and c.id != cycle_id]
        if named:
            return named[0]
    return previous


def read_findings(section: Section) -> list[Finding]:
    """Findings listed under 'Areas for improvement', 'Causes of concern' and similar headings."""
    findings: list[Finding] = []
    kind: str | None = None
    saw_items = False
    lead = ""  # "Within three months, the force should:" before a list belongs to each item
    for block in section.blocks:
        text = block.text  # (finding_kind's own first checks, without the call for most blocks)
        announced = (
            finding_kind(text) if len(text) <= 60 and (text[:1] in FINDING_START or text[:1].isspace()) else None
        )
        if announced is not None:
            kind, saw_items, lead = announced, False, ""
            continue
        if kind is None:
            continue
        if block.tag == "li":
            findings.append(Finding(section.area_id, kind, f"{lead} {block.text}".strip()))
            saw_items = True
        elif block.tag in ("p", "div", "dd") and not saw_items and block.text.rstrip().endswith(":"):
            lead = block.text.strip()
        elif block.tag in ("p", "div", "dd") and not saw_items and len(block.text) > 20:
            findings.append(Finding(section.area_id, kind, block.text))
        else:
            kind = None
    return findings
