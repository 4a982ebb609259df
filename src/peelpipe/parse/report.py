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

from selectolax.lexbor import LexborHTMLParser

from peelpipe.config import Catalogue
from peelpipe.grades import GRADED, UNGRADED, GradeWord
from peelpipe.models import SOURCE_CONFIG, SOURCE_LABEL, Observation, PageRef, ParsedPage, ParseIssue
from peelpipe.parse.blocks import HEADING_TAGS, Block
from peelpipe.parse.common import open_page, unreadable
from peelpipe.parse.sections import find_sections, read_findings
from peelpipe.parse.text import folded, label_of, looks_like_label, phrase_key, search_from, slugify

PARSER = "report"
VERSION = "1"

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
    r"we make graded judg(?:e)?ments? (?:in|for) " + _NUMBER + r" of (?:these|the)",
    re.IGNORECASE,
)
_JUDGMENTS_HEADING = re.compile(r"^(?:our )?judg(?:e)?ments?$|^ein dyfarniadau$", re.IGNORECASE)
_TABLE_HEADERS = frozenset(
    {
        "area",
        "grade",
        "area grade",
        "judgment",
        "judgement",
        "our judgment",
        "our judgement",
        "maes",
        "gradd",
        "area of policing",
        "graded judgment",
        "graded judgement",
    }
)
_VICTIM_UNGRADED = re.compile(r"victims of crime\.?\s*we (?:don.t|do not) make a graded judg(?:e)?ment", re.IGNORECASE)
_WELSH_MARKERS = ("ein dyfarniadau", "crynodeb cyffredinol")
WELSH_GRADES = {
    "rhagorol": "outstanding",
    "da": "good",
    "digonol": "adequate",
    "angen gwella": "requires_improvement",
    "angen gwelliant": "requires_improvement",
    "annigonol": "inadequate",
}
ADDED_LATER = frozenset({"disrupting-serious-organised-crime", "workforce-corruption"})
_INTRO_START = "assessed how good "  # what every _INTRO match begins with
_SENTENCE_END = re.compile(r"[.!?]$")
_ROW_IN_ONE = re.compile(r"^(?P<label>[^:\u2013\u2014|]{3,120}?)\s*[:\u2013\u2014|-]\s+(?P<grade>[A-Za-z ]{3,30})$")


def _intro(text: str, low: str | None = None) -> re.Match[str] | None:
    """The intro sentence ('… assessed how good … is in N areas …'); low = folded(text) when known."""
    return search_from(_INTRO, text, folded(text) if low is None else low, _INTRO_START)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text.lower()]


def _grade(text: str, welsh: bool) -> GradeWord | None:
    word = label_of(text)  # None for more than 40 characters
    if word is None and welsh and len(text) <= 40:
        grade = WELSH_GRADES.get(phrase_key(text).strip(" .:"))
        word = GradeWord(grade, GRADED) if grade else None
    return word


def parse(html: str, page: PageRef, catalogue: Catalogue) -> ParsedPage:
    """Area grades, counts, findings and language of one report page."""
    parsed, blocks, tree = open_page(html, page, catalogue, PARSER, VERSION)
    if blocks is None or tree is None:
        return parsed
    text = " ".join(b.text for b in blocks)
    lowered = text.lower()
    low = folded(text, lowered)
    welsh = page.path.strip("/").split("/")[-1].startswith("heddlu-") or any(m in lowered for m in _WELSH_MARKERS)
    parsed.facts["language"] = "cy" if welsh else "en"
    intro = _intro(text, low)
    if intro:
        parsed.facts["areas_assessed"] = str(_number(intro.group(1)))
        parsed.facts["areas_graded"] = str(_number(intro.group(2)))
    start = _table_start(blocks, intro is not None)
    if start is None:
        return unreadable(
            parsed, "not_peel_page", f"no 'Our judgments' rows found (title {parsed.title!r}): not a PEEL report page"
        )
    grid = _grid_rows(html, tree, catalogue, page.cycle_id, welsh, parsed)
    if grid is not None:
        rows, end = grid, start
    else:
        rows, end = _read_rows(blocks, start, catalogue, page.cycle_id, welsh, parsed, intro is not None)
    rows += _later_rows(blocks[end:], rows, catalogue, page.cycle_id, welsh, parsed)
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
    _add_ungraded(blocks, text, catalogue, page.cycle_id, parsed, low)
    _check_counts(parsed)
    for section in find_sections(blocks[end:], catalogue, page.cycle_id, None, levels=("area",)):
        parsed.findings.extend(read_findings(section))
    return parsed


def _table_start(blocks: list[Block], has_intro: bool) -> int | None:
    """Index of the first block after the 'Our judgments' heading (or after the intro sentence)."""
    for i, block in enumerate(blocks):
        if len(block.text) < 40 and _JUDGMENTS_HEADING.match(block.text.strip(" :")):
            return i + 1
    if has_intro:
        for i, block in enumerate(blocks):
            if _intro(block.text):
                return i + 1
    return None


def _read_rows(
    blocks: list[Block],
    start: int,
    catalogue: Catalogue,
    cycle_id: str,
    welsh: bool,
    parsed: ParsedPage,
    has_intro: bool = True,
) -> tuple[list[Observation], int]:
    """Observations from the judgment rows; also the index where the rows end. A page whose text
    has no intro sentence (has_intro False) has none in any block either."""
    match_area = catalogue.area_matcher(cycle_id)
    rows: dict[str, Observation] = {}
    label: str | None = None
    index = start
    for index in range(start, len(blocks)):
        text = blocks[index].text.strip()
        key = phrase_key(text).strip(" :")
        if key in _TABLE_HEADERS or (has_intro and len(text) >= len(_INTRO_START) and _intro(text)):
            continue
        word = _grade(text, welsh)
        if word is not None:
            if label is not None:
                _add_row(rows, label, word, text, catalogue, cycle_id, parsed)
                label = None
            continue
        one = _ROW_IN_ONE.match(text)
        one_word = _grade(one.group("grade"), welsh) if one else None
        if one and one_word:
            _add_row(rows, one.group("label"), one_word, one.group("grade"), catalogue, cycle_id, parsed)
            label = None
            continue
        if rows and blocks[index].is_heading:
            area = match_area(text)
            if area is not None and area.id in rows:
                break  # an area's own section: the rows are over
        if label is not None and looks_like_label(text):
            area = match_area(label)
            parsed.issues.append(
                ParseIssue(
                    "unknown_grade", f"{label!r}: grade {text!r} is not a known grade word", area.id if area else None
                )
            )
            label = None
            continue
        if len(text) <= 120 and not _SENTENCE_END.search(text) and not _JUDGMENTS_HEADING.match(key):
            label = text
            continue
        if rows or label is not None:
            break  # prose after the rows: the table is over
    return list(rows.values()), index


def _grid_rows(
    html: str, tree: LexborHTMLParser, catalogue: Catalogue, cycle_id: str, welsh: bool, parsed: ParsedPage
) -> list[Observation] | None:
    """Rows of a judgments table laid out by grade: one column per grade, the areas listed under it.
    None when the page has no such table."""
    if not any(w in html for w in ("Outstanding", "outstanding", "Rhagorol")):
        return None  # cheap guard: a grade-column header always names the top grade
    for table in tree.css("table"):
        trs = table.css("tr")
        header: list[GradeWord | None] = []
        for position, tr in enumerate(trs):
            nodes = [c for c in tr.iter() if c.tag in ("td", "th")]
            if len(nodes) < 3:
                continue  # a header row has a column per grade, at least three
            cells = [" ".join(c.text(deep=True).split()) for c in nodes]
            words = [_grade(c, welsh) if c else None for c in cells]
            if all(w is not None for w in words):
                header = words
                break
        if not header:
            continue
        rows: dict[str, Observation] = {}
        for tr in trs[position + 1 :]:
            row_cells = [c for c in tr.iter() if c.tag in ("td", "th")]
            for word, cell in zip(header, row_cells):
                items = [" ".join(n.text(deep=True).split()) for n in cell.css("p, li")]
                if not items:
                    items = [" ".join(line.split()) for line in cell.text(deep=True, separator="\n").splitlines()]
                for label in (i for i in items if i):
                    assert word is not None
                    _add_row(rows, label, word, f"column {word.grade}", catalogue, cycle_id, parsed)
        return list(rows.values())
    return None


def _later_rows(
    blocks: list[Block], rows: list[Observation], catalogue: Catalogue, cycle_id: str, welsh: bool, parsed: ParsedPage
) -> list[Observation]:
    """Judgments added to the page after first publication (serious organised crime, counter-corruption):
    an area label directly followed by a grade line, anywhere after the main rows."""
    have = {o.area_id: o for o in rows}
    added: dict[str, Observation] = {}
    match_area = catalogue.area_matcher(cycle_id)
    for label, grade in zip(blocks, blocks[1:]):
        word = _grade(grade.text, welsh)
        area = match_area(label.text) if word and len(label.text) <= 120 else None
        if word is None or area is None or area.level != "area" or area.id in added:
            continue
        if area.id in have:
            if (have[area.id].grade, have[area.id].grade_status) != (word.grade, word.status):
                parsed.issues.append(
                    ParseIssue(
                        "duplicate_judgement",
                        f"{area.id}: the judgments list says "
                        f"{have[area.id].grade}, a later block says {word.grade}; kept the list",
                        area.id,
                    )
                )
            continue
        added[area.id] = Observation(area.id, label.text, "area", word.grade, word.status, SOURCE_LABEL, grade.text)
    return list(added.values())


def _add_row(
    rows: dict[str, Observation],
    label: str,
    word: GradeWord,
    printed: str,
    catalogue: Catalogue,
    cycle_id: str,
    parsed: ParsedPage,
) -> None:
    area = catalogue.area_matcher(cycle_id)(label)
    if area is not None and area.level != "area":
        area = None
    area_id = area.id if area else f"unmapped.{slugify(label)}"
    if area is None:
        parsed.issues.append(
            ParseIssue(
                "unmapped_area", f"area {label!r} maps to no known area_id; kept as {area_id}", area_id, "warning"
            )
        )
    if area_id in rows:
        if (rows[area_id].grade, rows[area_id].grade_status) != (word.grade, word.status):
            parsed.issues.append(
                ParseIssue(
                    "duplicate_judgement", f"{area_id} appears twice with different grades; kept the first", area_id
                )
            )
        return
    rows[area_id] = Observation(
        area_id, label, "area", word.grade, word.status, SOURCE_LABEL, printed, mapped=area is not None
    )


def _add_ungraded(
    blocks: list[Block], text: str, catalogue: Catalogue, cycle_id: str, parsed: ParsedPage, low: str | None = None
) -> None:
    """Areas the cycle never grades, where the page reports on them (low = folded(text) when known)."""
    have = {o.area_id for o in parsed.observations}
    mentioned: set[str] = set()
    match_area = catalogue.area_matcher(cycle_id)
    if search_from(_VICTIM_UNGRADED, text, folded(text) if low is None else low, "victims of crime"):
        mentioned.add("victim-service")
    for block in blocks:
        if block.tag in HEADING_TAGS and len(block.text) < 120:  # (Block.is_heading)
            area = match_area(block.text)
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
