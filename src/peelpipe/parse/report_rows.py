"""The judgment rows of a report page: each area bound to its grade, whatever the layout.

A row is an area and a grade word bound together: on one line (binding.bind_line), as a label
block followed by its grade block (table cells, dt/dd, a heading and the grade under it, optionally
after a lead-in such as "Rated:"), or as a grid with one column per grade. Inside the rows that
follow 'Our judgments' any label counts (an unknown one is kept and reported as unmapped);
elsewhere on the page only a known area's wording does. A run of grade words one after another
is a key to the grades, not a row.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from peelpipe.config import AreaMatcher, Catalogue
from peelpipe.grades import GRADED, GradeWord, is_lead_in, normalise_phrase
from peelpipe.models import SOURCE_LABEL, Observation, ParsedPage, ParseIssue
from peelpipe.parse import guard
from peelpipe.parse.binding import area_of, bind_line, strip_number
from peelpipe.parse.blocks import Block
from peelpipe.parse.text import label_of, looks_like_label, phrase_key, slugify
from peelpipe.safetext import drop_controls

JUDGMENTS_HEADING = re.compile(r"^(?:our )?judg(?:e)?ments?$|^ein dyfarniadau$")
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
WELSH_GRADES = {
    "rhagorol": "outstanding",
    "da": "good",
    "digonol": "adequate",
    "angen gwella": "requires_improvement",
    "angen gwelliant": "requires_improvement",
    "annigonol": "inadequate",
}
_SENTENCE_END = re.compile(r"[.!?]$")
_WELSH_ROW = re.compile(r"^(?P<label>[^:\u2013\u2014|]{3,120}?)\s*[:\u2013\u2014|-]\s+(?P<grade>[A-Za-z ]{3,30})$")


def grade_line(text: str, welsh: bool) -> GradeWord | None:
    """The grade a block states on its own (optionally after a lead-in), English or Welsh."""
    word = label_of(text)  # None for more than 40 characters
    if word is None and welsh and len(text) <= 40:
        grade = WELSH_GRADES.get(phrase_key(text).strip(" .:"))
        word = GradeWord(grade, GRADED) if grade else None
    return word


def _is_key(blocks: list[Block], index: int, welsh: bool) -> bool:
    """Whether a grade block stands in a run of grade words (a key or legend of the grades)."""
    before = index > 0 and grade_line(blocks[index - 1].text, welsh) is not None
    after = index + 1 < len(blocks) and grade_line(blocks[index + 1].text, welsh) is not None
    return before or after


def read_rows(
    blocks: list[Block], start: int, catalogue: Catalogue, cycle_id: str, welsh: bool, parsed: ParsedPage
) -> tuple[list[Observation], int]:
    """Observations from the judgment rows that start at blocks[start]; also where the rows end."""
    match_area = catalogue.area_matcher(cycle_id)
    rows: dict[str, Observation] = {}
    label: str | None = None
    index = start
    for index in range(start, len(blocks)):
        if index % 256 == 0:
            guard.check()
        text = blocks[index].text.strip()
        key = phrase_key(text).strip(" :")
        if key in _TABLE_HEADERS or is_lead_in(key) or "assessed how good " in key:
            continue
        word = grade_line(text, welsh)
        if word is not None:
            if _is_key(blocks, index, welsh):
                label = None
            elif label is not None:
                add_row(rows, label, word, text, match_area, parsed)
                label = None
            continue
        one = bind_line(text, match_area, unmapped=True)
        if one is not None:
            add_row(rows, one.label, one.word, one.printed, match_area, parsed)
            label = None
            continue
        welsh_row = _WELSH_ROW.match(text) if welsh else None
        welsh_word = grade_line(welsh_row.group("grade"), welsh) if welsh_row else None
        if welsh_row and welsh_word:
            add_row(rows, welsh_row.group("label"), welsh_word, welsh_row.group("grade"), match_area, parsed)
            label = None
            continue
        if rows and blocks[index].is_heading:
            area = area_of(text, match_area)
            if area is not None and area.id in rows:
                break  # an area's own section: the rows are over
        if label is not None and looks_like_label(text):
            area = area_of(label, match_area)
            parsed.issues.append(
                ParseIssue(
                    "unknown_grade", f"{label!r}: grade {text!r} is not a known grade word", area.id if area else None
                )
            )
            label = None
            continue
        # "How good is the force at …?": a question is a label when it names a known area, or when its
        # grade follows it (an unmapped wording is kept, never dropped with the rest of the rows).
        question = text.endswith("?") and (
            area_of(text, match_area) is not None
            or (index + 1 < len(blocks) and grade_line(blocks[index + 1].text, welsh) is not None)
        )
        if len(text) <= 120 and (question or not _SENTENCE_END.search(text)) and not JUDGMENTS_HEADING.match(key):
            label = text
            continue
        if rows or label is not None:
            break  # prose after the rows: the table is over
    return list(rows.values()), index if rows else start


def grid_rows(
    html: str, tree: LexborHTMLParser, catalogue: Catalogue, cycle_id: str, welsh: bool, parsed: ParsedPage
) -> list[Observation] | None:
    """Rows of a judgments table laid out by grade: one column per grade, the areas listed under it.
    None when the page has no such table."""
    if not any(w in html for w in ("Outstanding", "outstanding", "OUTSTANDING", "Rhagorol")):
        return None  # cheap guard: a grade-column header always names the top grade
    match_area = catalogue.area_matcher(cycle_id)
    for table in tree.css("table"):
        guard.check()
        trs = own_rows(table)  # not the rows of tables inside it: each row is looked at once
        header: list[GradeWord | None] = []
        for position, tr in enumerate(trs):
            nodes = [c for c in tr.iter() if c.tag in ("td", "th")]
            if len(nodes) < 3:
                continue  # a header row has a column per grade, at least three
            cells = [short_text(c) for c in nodes]
            words = [grade_line(c, welsh) if c else None for c in cells]
            if all(w is not None for w in words):
                header = words
                break
        if not header:
            continue
        rows: dict[str, Observation] = {}
        for tr in trs[position + 1 :]:
            guard.check()
            row_cells = [c for c in tr.iter() if c.tag in ("td", "th")]
            for word, cell in zip(header, row_cells):
                items = [" ".join(drop_controls(n.text(deep=True)).split()) for n in cell.css("p, li")]
                if not items:
                    lines = cell.text(deep=True, separator="\n").splitlines()
                    items = [" ".join(drop_controls(line).split()) for line in lines]
                for label in (i for i in items if i):
                    assert word is not None
                    add_row(rows, label, word, f"column {word.grade}", match_area, parsed)
        return list(rows.values())
    return None


_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})
_SHORT = 64  # nodes looked at in a header cell: a grade word is a few


def own_rows(table: LexborNode) -> list[LexborNode]:
    """The rows of a table itself (directly, or in its thead, tbody and tfoot), in order."""
    rows: list[LexborNode] = []
    for child in table.iter():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in _ROW_GROUPS:
            rows.extend(c for c in child.iter() if c.tag == "tr")
    return rows


def short_text(cell: LexborNode) -> str:
    """A cell's folded text when it is short (a few nodes, as a grade word is), else "" (not a grade).
    Bounded, so that a cell holding a table of tables costs no more than a grade word does."""
    parts: list[str] = []
    stack = [cell.first_child]
    seen = 0
    while stack:
        node = stack.pop()
        if node is None:
            continue
        seen += 1
        if seen > _SHORT:
            return ""
        stack.append(node.next)
        if node.tag == "-text":
            parts.append(node.text_content or "")
        elif node.tag not in ("-comment", None):
            stack.append(node.first_child)
    return " ".join(drop_controls("".join(parts)).split())


def later_rows(
    blocks: list[Block], rows: list[Observation], match_area: AreaMatcher, welsh: bool, parsed: ParsedPage
) -> list[Observation]:
    """Judgments outside the main rows (areas added to the page later, such as serious organised
    crime, and cards or accordions with prose between them): a known area's wording bound to a
    grade, on one line or as a label block directly followed by its grade block."""
    have = {o.area_id: o for o in rows}
    added: dict[str, Observation] = {}
    previous: Block | None = None
    for index, block in enumerate(blocks):
        if index % 256 == 0:
            guard.check()
        word = grade_line(block.text, welsh)
        area, label, printed = None, "", block.text
        if word is not None:
            if previous is not None and len(previous.text) <= 120 and not _is_key(blocks, index, welsh):
                area, label = area_of(previous.text, match_area), strip_number(previous.text)
        else:
            one = bind_line(block.text, match_area)
            if one is not None:
                area, word, label, printed = one.area, one.word, one.label, one.printed
        if not is_lead_in(normalise_phrase(block.text)):  # "Grade:" alone, between an area and its grade
            previous = block if word is None else None
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
        added[area.id] = Observation(area.id, label, "area", word.grade, word.status, SOURCE_LABEL, printed)
    return list(added.values())


def add_row(
    rows: dict[str, Observation],
    label: str,
    word: GradeWord,
    printed: str,
    match_area: AreaMatcher,
    parsed: ParsedPage,
) -> None:
    """Add one area's row (an unknown label under a derived id, reported); a second reading of the
    same area is an issue when it differs, and the first is kept."""
    label = strip_number(label)
    area = area_of(label, match_area)
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
