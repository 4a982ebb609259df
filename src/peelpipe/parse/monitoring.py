"""The monitoring pages (police forces in Engage, and previously in Engage): spells, read by their text.

The markup of these pages is unknown, so the parser reads the page's text blocks in order (as the
other parsers do) and anchors on words, never on classes: a force's name (from forces.toml) heads
its section; "Entered Engage" and "Moved out of Engage" carry dates, on the same line or the next;
"Reasons" is followed by the reasons (list items where there are any); "Related report" by a link.
A table whose header names "Entered …" is read row by row, its header cells as the labels.
What cannot be read (a section naming no known force, a date in no known form, a stage that is not
Engage) is a parse issue, never a guess, and the force's earlier rows are kept.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote, unquote, urljoin

from selectolax.lexbor import LexborHTMLParser

from peelpipe.config import Catalogue
from peelpipe.models import MonitoringPage, ParseIssue, Spell
from peelpipe.parse import guard
from peelpipe.parse.blocks import Block, html_blocks, page_title
from peelpipe.parse.common import decode
from peelpipe.parse.text import is_truncated

PARSER = "monitoring"
VERSION = "1"
PARSER_VERSION = f"{PARSER}/{VERSION}"

STAGES = {"engage": "engage", "enhanced monitoring": "engage", "engage (enhanced monitoring)": "engage"}
MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for m in names
}
SEASONS = ("spring", "summer", "autumn", "winter", "early", "late", "mid")
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"(?:{_DAY}\s+(?P<month>{_MONTH})\.?,?\s+(?P<year>\d{{4}})"
    rf"|(?P<month2>{_MONTH})\.?\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year2>\d{{4}})"
    rf"|(?P<month3>{_MONTH})\.?\s+(?P<year3>\d{{4}})"
    rf"|(?P<season>{'|'.join(SEASONS)})[a-z -]*?\s(?P<year4>\d{{4}})"
    rf"|(?P<year5>(?:19|20)\d{{2}}))",
    re.IGNORECASE,
)
_ENTER = r"(?:date\s+)?(?:entered|moved\s+in(?:to)?|placed\s+in(?:to)?|escalated\s+to)"
_LEAVE = r"(?:date\s+)?(?:moved\s+out(?:\s+of)?|left|removed\s+from|exited|returned\s+to\s+scan\s+from)"
_LABEL = re.compile(
    rf"^(?:(?P<enter>{_ENTER})|(?P<leave>{_LEAVE})|(?P<reasons>reasons?(?:\s+for\s+(?:entering|entry|moving|leaving|exit)\b[^:]{{0,40}})?)"
    rf"|(?P<report>related\s+reports?))(?![a-z])(?P<rest>.*)$",
    re.IGNORECASE,
)
_LINK = re.compile(r"\[\[link (\S*?)\]\]")
_TABLE = re.compile(r"\[\[engage-table (\d+)\]\]")
_SUFFIXES = ("police service", "police force", "constabulary", "police")


def _core(name: str) -> str:
    """A force name as headings may print it: lower case, '&' as 'and', no 'the', no suffix."""
    text = " ".join(name.lower().replace("&", " and ").replace("-", " ").split()).strip(" .:")
    text = text.removeprefix("the ")
    for suffix in _SUFFIXES:
        if text.endswith(" " + suffix):
            return text[: -len(suffix) - 1].strip()
    return text


def force_names(catalogue: Catalogue) -> dict[str, str]:
    """Every way a monitoring page may name a force (see _core) -> force id."""
    names: dict[str, str] = {}
    for force in catalogue.forces.values():
        for name in (force.name, force.id, *force.aliases, force.report_slug):
            if name:
                names.setdefault(_core(name), force.id)
    return names


def read_date(text: str) -> tuple[date, str] | None:
    """A printed date and its precision (day, month or year), if the whole text is one date.

    A season ("autumn 2024") is a year with the season's wording kept by the caller, never a
    made-up month."""
    text = " ".join(text.split()).strip(" .,;")
    text = re.sub(r"^(?:on|in|from|since)\s+", "", text, flags=re.IGNORECASE)
    m = _DATE.fullmatch(text)
    if m is None:
        return None
    g = m.groupdict()
    try:
        if g["day"] or g["day2"]:
            month = MONTHS[(g["month"] or g["month2"]).lower()]
            return date(int(g["year"] or g["year2"]), month, int(g["day"] or g["day2"])), "day"
        if g["month3"]:
            return date(int(g["year3"]), MONTHS[g["month3"].lower()], 1), "month"
        return date(int(g["year4"] or g["year5"]), 1, 1), "year"
    except ValueError:  # 31 February and the like
        return None


class _Section:
    """A force's section being read: its spells so far and the label whose value comes next."""

    def __init__(self, force_id: str | None, heading: str) -> None:
        self.force_id = force_id
        self.heading = heading
        self.spells: list[dict[str, Any]] = [{}]
        self.expect: str | None = None  # "enter" | "leave" | "reasons" | "report"
        self.reasons_of: str = "enter"  # reasons after "Moved out of Engage" say why it left: not kept

    @property
    def spell(self) -> dict[str, Any]:
        return self.spells[-1]


def _links(text: str, base: str) -> tuple[str, list[str]]:
    urls = [urljoin(base, unquote(u)) for u in _LINK.findall(text)]
    return " ".join(_LINK.sub(" ", text).split()), urls


def _tables(tree: LexborHTMLParser) -> list[list[Block]]:
    """Tables whose header names 'Entered …', as blocks a reader of the section layout would see;
    each table in the tree is replaced by a marker where its blocks go."""
    found: list[list[Block]] = []
    for table in tree.css("table"):
        rows = table.css("tr")
        if not rows:
            continue
        header = [" ".join(c.text(deep=True).split()) for c in rows[0].css("th, td")]
        if not any(re.match(rf"(?i){_ENTER}\b", h) for h in header):
            continue
        blocks: list[Block] = []
        for row in rows[1:]:
            cells = row.css("th, td")
            for number, cell in enumerate(cells):
                label = header[number] if number < len(header) else ""
                items = [" ".join(li.text(deep=True).split()) for li in cell.css("li")]
                text = " ".join(cell.text(deep=True).split())
                if number == 0:
                    blocks.append(Block("h2", text))
                elif _LABEL.match(label) and items:
                    blocks += [Block("p", label)] + [Block("li", i) for i in items if i]
                elif _LABEL.match(label):
                    blocks.append(Block("p", f"{label}: {text}" if text else label))
        table.replace_with(f"[[engage-table {len(found)}]]")
        found.append(blocks)
    return found


def parse(body: bytes | str, source_url: str, catalogue: Catalogue, content_type: str | None = None) -> MonitoringPage:
    """Spells and parse issues of one monitoring page. Never raises on bad input. A body that is not
    HTML (by `content_type` or its first bytes) is `not_html`, as for every other page."""
    page = MonitoringPage(source_url=source_url, parser_version=PARSER_VERSION)
    not_html = guard.not_html(body, content_type)
    if not_html is not None:
        page.readable = False
        page.issues.append(ParseIssue("not_html", f"not parsed: {not_html}"))
        return page
    html = decode(body)
    why = guard.too_complex(html)
    if why is not None or not html.strip() or is_truncated(html):
        page.readable = False
        reason = "too_complex" if why else ("empty" if not html.strip() else "truncated")
        page.issues.append(ParseIssue(reason, f"not parsed: {why or reason}"))
        return page
    tree = LexborHTMLParser(html)
    for a in tree.css("a[href]"):
        a.insert_after(f" [[link {quote(a.attributes.get('href') or '', safe='')}]] ")
    tables = _tables(tree)
    raw, _ = html_blocks(tree.html or "")
    blocks: list[Block] = []
    for block in raw:
        m = _TABLE.search(block.text)
        if m:
            blocks += tables[int(m.group(1))]
        else:
            blocks.append(block)
    head = tree.css_first("title")
    title = f"{page_title(tree, blocks) or ''} {head.text() if head is not None else ''}".lower()
    page_stage = "engage" if "engage" in title or "enhanced monitoring" in title else None
    _read(blocks, page, catalogue, page_stage)
    if not page.spells and not page.issues:
        page.readable = False
        page.issues.append(ParseIssue("not_monitoring_page", "no force section with an 'Entered Engage' date found"))
    return page


def _read(blocks: list[Block], page: MonitoringPage, catalogue: Catalogue, page_stage: str | None) -> None:
    names = force_names(catalogue)
    sections: list[_Section] = []
    current: _Section | None = None
    for block in blocks:
        text, urls = _links(block.text, page.source_url)
        force = names.get(_core(text)) if text else None
        label = _LABEL.match(text) if text else None
        if label is not None and _prose(label):
            label = None  # "Left victims without support …" is a reason, not a date label
        if force is not None:
            current = _Section(force, text)
            sections.append(current)
            continue
        if label is None and (block.is_heading or block.tag in ("h1", "dt", "summary")) and text:
            current = _Section(None, text)  # a heading naming no known force: flagged if it holds dates
            sections.append(current)
            continue
        if current is None:
            continue
        if label is not None:
            _label(current, label, urls)
            continue
        _value(current, text, urls, block)
    for section in sections:
        _finish(section, page, page_stage)


def _label(s: _Section, m: re.Match[str], urls: list[str]) -> None:
    """A label block: a date label (its value on the same line or next), Reasons, or Related report."""
    rest = m.group("rest").strip()
    if m.group("enter") or m.group("leave"):
        kind = "enter" if m.group("enter") else "leave"
        if f"{kind}_stage" in s.spell:  # the same label again: the section's next spell
            s.spells.append({})
        s.spell.setdefault("order", []).append(kind)
        stage_text, _, value = rest.partition(":") if ":" in rest else _split_stage(rest)
        s.spell[f"{kind}_stage"] = stage_text.strip(" -–—").lower() or None
        s.reasons_of = kind
        s.expect = kind
        if value.strip(" -–—"):
            _set_date(s, kind, value.strip(" -–—"))
        return
    if m.group("reasons"):
        s.expect = "reasons"
        inline = rest.strip(" :-–—")
        if inline:  # "Reasons: …" on one line
            _value(s, inline, urls, Block("p", inline))
        return
    s.expect = "report"
    if urls:
        s.spell.setdefault("report", urls[0])
        s.expect = None


def _prose(m: re.Match[str]) -> bool:
    """Whether a block that starts like a label is a sentence: more than three words before its date or
    colon ("Entered Engage", "Moved out of enhanced monitoring on" are labels)."""
    rest = m.group("rest").strip()
    if m.group("reasons") or m.group("report"):
        return len(rest.split(":", 1)[0].split()) > 3 if ":" in rest else len(rest.split()) > 3
    stage = rest.partition(":")[0] if ":" in rest else _split_stage(rest)[0]
    return len(stage.split()) > 3


def _split_stage(rest: str) -> tuple[str, str, str]:
    """'Engage 14 October 2022' -> ('Engage', '', '14 October 2022'); no date -> (rest, '', '')."""
    m = _DATE.search(rest)
    if m is None:
        return rest, "", ""
    stage = re.sub(r"\s+(?:on|in)$", "", rest[: m.start()].strip(), flags=re.IGNORECASE)
    return stage, "", rest[m.start() :]


def _set_date(s: _Section, kind: str, value: str) -> None:
    read = read_date(value)
    if read is None:
        s.spell[f"{kind}_bad"] = value
    else:
        s.spell[f"{kind}_date"] = read
        text = re.sub(r"^(?:on|in|from|since)\s+", "", " ".join(value.split()), flags=re.IGNORECASE)
        s.spell[f"{kind}_text"] = text.strip(" .,;")
    s.expect = None


def _value(s: _Section, text: str, urls: list[str], block: Block) -> None:
    """A block after a label: the date, a reason (list items where there are any), or the report link."""
    if s.expect in ("enter", "leave") and text:
        _set_date(s, s.expect, text)
    elif s.expect == "reasons" and text:
        reasons = s.spell.setdefault(f"reasons_{s.reasons_of}", [])
        assert isinstance(reasons, list)
        listed = f"listed_{s.reasons_of}"
        if block.tag == "li" and reasons and not s.spell.get(listed):
            reasons.clear()  # list items follow an introduction: the items are the reasons
        if block.tag == "li" or not s.spell.get(listed):
            reasons.append(text)
        s.spell[listed] = s.spell.get(listed) or block.tag == "li"
    elif s.expect == "report" and urls:
        s.spell.setdefault("report", urls[0])
        s.expect = None


def _finish(s: _Section, page: MonitoringPage, page_stage: str | None) -> None:
    for spell in s.spells:
        if not any(k in spell for k in ("enter_stage", "leave_stage")):
            continue
        where = f"section {s.heading!r}"
        if s.force_id is None:
            page.issues.append(ParseIssue("unknown_force", f"{where}: names no force in forces.toml; not read"))
            continue
        problems: list[str] = []
        for kind, word in (("enter", "entered"), ("leave", "moved out")):
            if f"{kind}_bad" in spell:
                problems.append(f"unreadable_date:{word} date {spell[f'{kind}_bad']!r} is not a date peelpipe reads")
            elif f"{kind}_stage" in spell and f"{kind}_date" not in spell:
                problems.append(f"unreadable_date:no {word} date follows its label")
        if "enter_stage" not in spell:
            problems.append("unreadable_date:a 'moved out' date with no 'Entered' date")
        stages = {
            STAGES.get(str(spell.get(f"{k}_stage") or ""), "?") if spell.get(f"{k}_stage") else None
            for k in ("enter", "leave")
            if f"{k}_stage" in spell
        }
        stage = _stage(stages, page_stage)
        if stage is None:
            shown = ", ".join(repr(spell.get(f"{k}_stage") or "") for k in ("enter", "leave") if f"{k}_stage" in spell)
            problems.append(
                f"unknown_stage:stage {shown or 'not named'} is not Engage (nor does the page title name it)"
            )
        if problems:
            for problem in problems:
                reason, _, detail = problem.partition(":")
                page.issues.append(ParseIssue(reason, f"{where} ({s.force_id}): {detail}"))
            if s.force_id not in page.forces_with_errors:
                page.forces_with_errors.append(s.force_id)
            continue
        entered, entered_precision = spell["enter_date"]
        left = spell.get("leave_date")
        reasons = _reasons(spell)
        page.spells.append(
            Spell(
                force_id=s.force_id,
                stage=str(stage),
                entered_on=entered,
                entered_precision=entered_precision,
                entered_text=str(spell["enter_text"]),
                left_on=left[0] if left else None,
                left_precision=left[1] if left else None,
                left_text=str(spell["leave_text"]) if left else None,
                reasons=reasons,
                related_report_url=str(spell["report"]) if spell.get("report") else None,
            )
        )


def _reasons(spell: dict[str, Any]) -> list[str]:
    """Why the force entered: the reasons after 'Entered'; those after 'Moved out' only when that label
    came after 'Entered' (a table's Reasons column), since on the site they say why the force left."""
    entered = spell.get("reasons_enter")
    if isinstance(entered, list) and entered:
        return [str(r) for r in entered]
    order = spell.get("order")
    after_leave = spell.get("reasons_leave")
    if isinstance(order, list) and order[:1] == ["enter"] and isinstance(after_leave, list):
        return [str(r) for r in after_leave]
    return []


def _stage(stages: set[str | None], page_stage: str | None) -> str | None:
    named = {s for s in stages if s is not None}
    if "?" in named or len(named) > 1:
        return None
    if named:
        return named.pop()
    return page_stage
