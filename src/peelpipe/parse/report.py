"""Report pages of PEEL 2021/22 onwards: /peel-reports/<force>-<cycle>/.

Text shape (markup unknown): an intro 'Our inspection assessed how good <Force> is in N areas of
policing. We make graded judgments in M of these N as follows:' (numbers as digits or words),
the 'Our judgments' rows (area, grade) as a table, a list or labelled blocks, a sentence saying
victim service is not graded overall, then a section per area with its findings. Areas graded in
separate inspections (serious organised crime, counter-corruption) may be added to the page later.
Welsh-language copies (/peel-reports/heddlu-<force>-…) are the same force.
"""

from __future__ import annotations

import re

from peelpipe.config import Catalogue
from peelpipe.grades import GRADED, UNGRADED, normalise_phrase
from peelpipe.models import SOURCE_CONFIG, Observation, PageRef, ParsedPage, ParseIssue
from peelpipe.parse.binding import area_of
from peelpipe.parse.blocks import HEADING_ROLES, Block
from peelpipe.parse.common import open_page, unreadable
from peelpipe.parse.report_rows import JUDGMENTS_HEADING, grid_rows, later_rows, read_rows
from peelpipe.parse.sections import find_sections, read_findings
from peelpipe.parse.text import phrase_key

PARSER = "report"
VERSION = "3"

NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
        ]
    )
}
_NUMBER = r"(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")"
_INTRO = re.compile(
    r"assessed how good .{1,150}? is in " + _NUMBER + r" areas? of policing\.?\s*"
    r"we make graded judg(?:e)?ments? (?:in|for) " + _NUMBER + r" of (?:these|the)"
)
_VICTIM_UNGRADED = re.compile(r"victims of crime\.?\s*we (?:don.t|do not) make a graded judg(?:e)?ment")
_WELSH_MARKERS = ("ein dyfarniadau", "crynodeb cyffredinol")
ADDED_LATER = frozenset({"disrupting-serious-organised-crime", "workforce-corruption"})
_INTRO_START = "assessed how good "  # what every _INTRO match begins with


def _intro(key: str) -> re.Match[str] | None:
    """The intro sentence ('… assessed how good … is in N areas …') in normalised text."""
    at = key.find(_INTRO_START)
    while at >= 0:
        match = _INTRO.match(key, at)
        if match is not None:
            return match
        at = key.find(_INTRO_START, at + 1)
    return None


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


def parse(html: str, page: PageRef, catalogue: Catalogue) -> ParsedPage:
    """Area grades, counts, findings and language of one report page.

    facts["grades_promised"] is the number of graded areas the intro's count sentence states
    ("We make graded judgments in M of these N"); unset when the page has no such sentence.
    """
    parsed, blocks, tree = open_page(html, page, catalogue, PARSER, VERSION)
    if blocks is None or tree is None:
        return parsed
    key = normalise_phrase(" ".join(b.text for b in blocks))
    welsh = page.path.strip("/").split("/")[-1].startswith("heddlu-") or any(m in key for m in _WELSH_MARKERS)
    parsed.facts["language"] = "cy" if welsh else "en"
    intro = _intro(key)
    if intro:
        parsed.facts["areas_assessed"] = str(_number(intro.group(1)))
        parsed.facts["areas_graded"] = str(_number(intro.group(2)))
        parsed.facts["grades_promised"] = parsed.facts["areas_graded"]
    match_area = catalogue.area_matcher(page.cycle_id)
    start = _table_start(blocks, intro is not None)
    grid = grid_rows(html, tree, catalogue, page.cycle_id, welsh, parsed) if start is not None else None
    if start is None:
        rows, end = [], 0
    elif grid is not None:
        rows, end = grid, start
    else:
        rows, end = read_rows(blocks, start, catalogue, page.cycle_id, welsh, parsed)
    rows += later_rows(blocks[end:], rows, match_area, welsh, parsed)
    if start is None and not (len(rows) >= 2 or (rows and "peel" in phrase_key(parsed.title or ""))):
        return unreadable(
            parsed, "not_peel_page", f"no 'Our judgments' rows found (title {parsed.title!r}): not a PEEL report page"
        )
    if welsh:
        # A Welsh copy repeats the English page: a label no configured wording matches (a Welsh
        # label) is left to the English page rather than becoming a new, unmapped area.
        dropped = [o.area_label for o in rows if not o.mapped]
        rows = [o for o in rows if o.mapped]
        parsed.issues = [i for i in parsed.issues if i.reason != "unmapped_area"]
        if dropped:
            parsed.issues.append(
                ParseIssue(
                    "welsh_labels_unmapped",
                    f"Welsh copy: {len(dropped)} area label(s) not "
                    f"matched to an area ({', '.join(dropped[:3])}); the English page "
                    "carries those areas",
                    None,
                    "warning",
                )
            )
    if not rows and not parsed.issues:
        return unreadable(parsed, "not_peel_page", f"'Our judgments' has no rows (title {parsed.title!r})")
    parsed.observations.extend(rows)
    _add_ungraded(blocks, key, catalogue, page.cycle_id, parsed)
    _check_counts(parsed)
    for section in find_sections(blocks[end:], catalogue, page.cycle_id, None, levels=("area",)):
        parsed.findings.extend(read_findings(section))
    return parsed


def _table_start(blocks: list[Block], has_intro: bool) -> int | None:
    """Index of the first block after the 'Our judgments' heading (or after the intro sentence)."""
    for i, block in enumerate(blocks):
        if len(block.text) < 40 and JUDGMENTS_HEADING.match(phrase_key(block.text).strip(" :")):
            return i + 1
    if has_intro:
        for i, block in enumerate(blocks):
            if _INTRO_START in block.text.lower() and _intro(phrase_key(block.text)):
                return i + 1
    return None


def _add_ungraded(blocks: list[Block], key: str, catalogue: Catalogue, cycle_id: str, parsed: ParsedPage) -> None:
    """Areas the cycle never grades, where the page reports on them (key: the page's normalised text)."""
    have = {o.area_id for o in parsed.observations}
    mentioned: set[str] = set()
    match_area = catalogue.area_matcher(cycle_id)
    if "victims of crime" in key and _VICTIM_UNGRADED.search(key):
        mentioned.add("victim-service")
    for block in blocks:
        if block.tag in HEADING_ROLES and len(block.text) < 120:
            area = area_of(block.text, match_area)
            if area is not None and cycle_id in area.ungraded_in:
                mentioned.add(area.id)
    for area_id in sorted(mentioned - have):
        if catalogue.expected_status(area_id, cycle_id) == UNGRADED:
            label = next(iter(sorted(catalogue.areas[area_id].labels)), area_id)
            parsed.observations.append(
                Observation(area_id, label, "area", None, UNGRADED, SOURCE_CONFIG, "not graded in this cycle")
            )


def _check_counts(parsed: ParsedPage) -> None:
    """The intro's 'graded judgments in M' must match the graded rows (areas added later aside)."""
    if "areas_graded" not in parsed.facts:
        return
    said = int(parsed.facts["areas_graded"])
    graded = [o for o in parsed.observations if o.grade_status == GRADED]
    unreadable_rows = sum(1 for i in parsed.issues if i.reason == "unknown_grade")
    found = len(graded) + unreadable_rows
    later = sum(1 for o in graded if o.area_id in ADDED_LATER)
    if found == said:
        return
    if found - later == said:
        parsed.facts["areas_added_later"] = str(later)
        return
    parsed.issues.append(
        ParseIssue("count_mismatch", f"the intro says {said} graded areas, the judgments list has {found}", None)
    )
