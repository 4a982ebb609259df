"""Checks of the generated sample site: ``check()`` (all pages) and ``check_reports()`` (report pages
and their update overlays). Each returns a list of problems, [] when all is well.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from tools.samplesite import flagship
from tools.samplesite.facts import SITE_DIR, UPDATES_DIR, Correction, ForceCycle, load_area_labels, long_date
from tools.samplesite.markup import esc, graded_sentence, headline_sentence
from tools.samplesite.pages import Page, Update
from tools.samplesite.report_pages import area_activity, report_grade, update_note, victim_sentence
from tools.samplesite.wording import (
    GRADE_WORDS,
    NUMBER_WORDS,
    PILLAR_ACTIVITY,
    PILLAR_QUESTION,
    PILLARS,
    QUESTION_ACTIVITY,
    QUESTION_ACTIVITY_2015,
    QUESTIONS,
    REPORT_AREAS,
)


def _fold(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().lower().rstrip("?")


def check(table: dict[tuple[str, str], ForceCycle], pages: list[Page], site_dir: Path = SITE_DIR) -> list[str]:
    """Problems with the generated site ([] when all is well)."""
    from selectolax.lexbor import LexborHTMLParser

    problems: list[str] = []
    labels = load_area_labels()
    # every printed wording is one the pipeline's config knows
    for cycle, pillars in QUESTIONS.items():
        for pillar, questions in pillars.items():
            for area, wording in questions:
                if _fold(wording) not in {_fold(x) for x in labels.get(area, [])}:
                    problems.append(f"question wording not in areas.toml for {area}: {wording}")
    for cycle, pillars in PILLAR_QUESTION.items():
        for pillar, wording in pillars.items():
            if _fold(wording) not in {_fold(x) for x in labels.get(pillar, [])}:
                problems.append(f"pillar wording not in areas.toml for {pillar}: {wording}")
    # the flagship's grades are facts
    ffc = table[(flagship.FORCE, flagship.CYCLE)]
    for area, grade in flagship.GRADES:
        if area not in ffc.grades or ffc.grades[area].grade != grade:
            problems.append(f"flagship grade {area}={grade} is not in facts.toml")
    for area in flagship.UNGRADED:
        if area not in ffc.ungraded:
            problems.append(f"flagship ungraded {area} is not in facts.toml")

    by_path = {p.path: p for p in pages}
    for page in pages:
        file = site_dir / page.path.strip("/") / "index.html"
        raw = file.read_bytes()
        if raw.decode("utf-8") != page.html:
            problems.append(f"{file} differs from the rendered page")
        tree = LexborHTMLParser(raw.decode("utf-8"))
        if tree.css_first("h1") is None or tree.css_first("title") is None:
            problems.append(f"{page.path}: no h1 or title")
        if tree.css_first("meta[charset]") is None:
            problems.append(f"{page.path}: no meta charset")
        banner = tree.css_first(".sample-banner")
        if banner is None or "Sample data" not in banner.text():
            problems.append(f"{page.path}: no sample-data banner")
        problems += _check_balanced(page.path, page.html)

    # every fact appears on its page
    for fc in table.values():
        if fc.is_report:
            continue
        for area, fact in fc.grades.items():
            pillar = fact.pillar
            page = by_path.get(fc.pillar_path(pillar))
            if page is None:
                problems.append(f"no page for {fc.force.id} {fc.cycle} {area}")
                continue
            text = _fold(LexborHTMLParser(page.html).body.text(separator=" "))
            word = GRADE_WORDS[fact.grade].lower()
            if area == pillar:
                expect = _fold(
                    graded_sentence(fc.force.subject(fc.cycle), fact.grade, PILLAR_ACTIVITY[(fc.cycle, pillar)])
                )
            else:
                activity = (QUESTION_ACTIVITY_2015.get(area) if fc.cycle == "2015" else None) or QUESTION_ACTIVITY[area]
                expect = _fold(graded_sentence(fc.force.subject(fc.cycle), fact.grade, activity))
            if expect.rstrip(".") not in text:
                problems.append(f"{page.path}: grade sentence missing for {area} ({word})")
            if area in PILLARS and fc.cycle != "2014":
                landing = _fold(LexborHTMLParser(by_path[fc.landing_path()].html).body.text(separator=" "))
                if _fold(headline_sentence(fc, area)) not in landing:
                    problems.append(f"{fc.landing_path()}: headline sentence missing for {area}")
    return problems


_INTRO = re.compile(
    r"assessed how good (?P<force>.+?) is in (?P<n>\w+) areas of policing\. "
    r"we make graded judgments in (?P<m>\w+) of these (?P<n2>\w+) as follows:"
)
_SHOWS_ONLY = re.compile(
    r"this page shows only the (\d+) area grades? peelpipe's sample data holds; "
    r"the published report has more\."
)


def read_report(html_text: str) -> dict:
    """What a report page shows: its judgments tables' rows, intro counts, notes (for the checks)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html_text)
    tables = []
    for table in tree.css("table.judgments"):
        head = [th.text(strip=True) for th in table.css("thead th")]
        rows = [tuple(td.text(strip=True) for td in tr.css("td")) for tr in table.css("tbody tr")]
        tables.append((head, rows))
    h2 = [h.text(strip=True) for h in tree.css("h2")]
    text = _fold(tree.body.text(separator=" "))
    intro = _INTRO.search(text)
    words = {w: n for n, w in NUMBER_WORDS.items()}

    def number(x: str) -> int:
        return int(x) if x.isdigit() else words.get(x, -1)

    only = _SHOWS_ONLY.search(text)
    updates = [p.text(strip=True) for p in tree.css(".page-update p")]
    return {
        "tables": tables,
        "h2": h2,
        "text": text,
        "updates": updates,
        "intro": (number(intro["n"]), number(intro["m"]), intro["n2"] == intro["n"]) if intro else None,
        "shows_only": int(only.group(1)) if only else None,
    }


def check_reports(
    table: dict[tuple[str, str], ForceCycle], pages: list[Page], updates: list[Update], updates_dir: Path = UPDATES_DIR
) -> list[str]:
    """Report pages: every grade in its table row and sentence, intro counts match the rows, the
    notes tell the truth, and each overlay page differs from the first version only in the
    corrected grade and its dated note."""
    problems: list[str] = []
    labels = load_area_labels()
    for cycle, areas in REPORT_AREAS.items():
        for area, label in areas:
            if _fold(label) not in {_fold(x) for x in labels.get(area, [])}:
                problems.append(f"report label not in areas.toml for {area}: {label}")
    by_path = {p.path: p for p in pages}
    for fc in table.values():
        if not fc.is_report:
            continue
        page = by_path.get(fc.landing_path())
        if page is None:
            problems.append(f"no report page for {fc.force.id} {fc.cycle}")
            continue
        problems += _check_report_page(fc, page.html, ())
    for u in updates:
        file = updates_dir / u.on / u.path.strip("/") / "index.html"
        if not file.is_file() or file.read_bytes().decode("utf-8") != u.html:
            problems.append(f"{file} differs from the rendered update")
        problems += _check_report_page(u.fc, u.html, u.corrections)
        problems += _check_balanced(u.path, u.html)
        base = by_path[u.path].html.splitlines()
        new = u.html.splitlines()
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, base, new, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            old_lines, new_lines = base[i1:i2], new[j1:j2]
            if tag == "insert":
                notes = "".join(update_note(u.fc, c) for c in u.corrections)
                if "\n".join(new_lines) + "\n" != notes:
                    problems.append(f"{u.path}: overlay inserts something other than the update note")
                continue
            if tag != "replace" or len(old_lines) != len(new_lines):
                problems.append(f"{u.path}: overlay changes more than the corrected grade ({tag})")
                continue
            swaps = []  # (as first published, as corrected): the table cell and the area's sentence
            for c in u.corrections:
                subject, activity = u.fc.force.subject(u.fc.cycle), area_activity(u.fc.cycle, c.area)
                label = esc(dict(REPORT_AREAS[c.cycle])[c.area])

                def cell(grade: str) -> str:
                    return (
                        f'">{label}</a></td><td class="grade grade-{grade.replace("_", "-")}">{GRADE_WORDS[grade]}</td>'
                    )

                swaps.append((cell(c.from_), cell(c.to)))
                swaps.append(
                    (esc(graded_sentence(subject, c.from_, activity)), esc(graded_sentence(subject, c.to, activity)))
                )
            for a, b in zip(old_lines, new_lines):
                swapped = a
                for before, after in swaps:
                    swapped = swapped.replace(before, after)
                if swapped == a or swapped != b:
                    problems.append(f"{u.path}: overlay line differs beyond the corrected grade: {b[:80]}")
        if not any(line.startswith('<div class="page-update"') for line in new):
            problems.append(f"{u.path}: overlay has no update note")
    return problems


def _check_report_page(fc: ForceCycle, html_text: str, applied: tuple[Correction, ...]) -> list[str]:
    where = fc.landing_path() + (f" (update {applied[-1].on})" if applied else "")
    problems: list[str] = []
    page = read_report(html_text)
    if "Our judgments" not in page["h2"]:
        problems.append(f"{where}: no 'Our judgments' heading")
    if not page["tables"]:
        return problems + [f"{where}: no judgments table"]
    labels = dict(REPORT_AREAS[fc.cycle])
    shown: dict[str, str] = {}
    for head, rows in page["tables"]:
        if head != ["Area", "Grade"]:
            problems.append(f"{where}: judgments table header {head}")
        for row in rows:
            shown[row[0]] = row[1]
    main_rows = len(page["tables"][0][1])
    for area, fact in fc.grades.items():
        grade = report_grade(fc, area, applied)
        label = labels[area]
        if shown.get(label) != GRADE_WORDS[grade]:
            problems.append(f"{where}: table row {label!r} shows {shown.get(label)!r}, not {GRADE_WORDS[grade]!r}")
        sentence = _fold(graded_sentence(fc.force.subject(fc.cycle), grade, area_activity(fc.cycle, area)))
        if sentence.rstrip(".") not in page["text"]:
            problems.append(f"{where}: grade sentence missing for {area}")
        if label not in page["h2"]:
            problems.append(f"{where}: no section heading for {area}")
    if len(shown) != len(fc.grades):
        problems.append(f"{where}: {len(shown)} table rows for {len(fc.grades)} grades held")
    counts = fc.intro_counts()
    if counts:
        if page["intro"] != (counts[0], counts[1], True):
            problems.append(f"{where}: intro sentence {page['intro']} does not give {counts}")
        if counts[1] != main_rows:
            problems.append(f"{where}: intro says {counts[1]} graded areas, the table has {main_rows}")
    else:
        if page["intro"] is not None:
            problems.append(f"{where}: intro sentence printed although the page does not show every graded area")
        r = fc.report
        full = r is not None and r.graded_areas == len(fc.table_areas())
        if not full and page["shows_only"] != len(fc.grades):
            problems.append(f"{where}: no 'shows only the {len(fc.grades)} area grades' note")
        if full and "does not hold the number of areas" not in page["text"]:
            problems.append(f"{where}: no note on the missing area count")
    for area in fc.causes:
        if area in fc.grades:
            if f"cause of concern about the force's performance in {area_activity(fc.cycle, area)}" not in page["text"]:
                problems.append(f"{where}: cause of concern missing for {area}")
        elif f"cause of concern about {labels[area].lower()}" not in page["text"]:
            problems.append(f"{where}: note on the cause of concern missing for {area}")
    if _fold(victim_sentence(fc)) not in page["text"]:
        problems.append(f"{where}: victim-service sentence missing")
    if len(page["updates"]) != len(applied):
        problems.append(f"{where}: {len(page['updates'])} update notes, expected {len(applied)}")
    for c in applied:
        if not any(note.startswith(f"This page was updated on {long_date(c.on)}:") for note in page["updates"]):
            problems.append(f"{where}: no dated update note for {c.on}")
    return problems


_VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "area", "base", "col", "embed", "param", "track"}


def _check_balanced(path: str, text: str) -> list[str]:
    """Every non-void tag is closed, in order."""
    stack: list[str] = []
    body = re.sub(r"<!DOCTYPE[^>]*>|<!--.*?-->", "", text, flags=re.S)
    for m in re.finditer(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>", body):
        closing, tag, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if tag in _VOID or selfclose:
            continue
        if not closing:
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            return [f"{path}: unbalanced </{tag}>"]
    return [f"{path}: unclosed <{stack[-1]}>"] if stack else []
