"""The PEEL 2021/22 and 2023-25 report pages: one page per report, as first published or corrected.

``report_page(fc, applied)`` renders the page with the ``[[correction]]`` rows in ``applied``
applied (none: the page as first published).
"""

from __future__ import annotations

from tools.samplesite.facts import Correction, ForceCycle, long_date
from tools.samplesite.markup import esc, graded_sentence, render_page
from tools.samplesite.wording import (
    AREA_ACTIVITY,
    AREA_ACTIVITY_2023,
    AREA_MORE,
    GRADE_WORDS,
    NUMBER_WORDS,
    REPORT_AREAS,
    REPORT_COMPARABILITY,
    REPORT_OPENING,
    REPORT_YEAR,
    SEPARATE_AREAS,
    SEPARATE_MORE,
)


def report_grade(fc: ForceCycle, area: str, applied: tuple[Correction, ...] = ()) -> str:
    """The area's grade on the page: as first published, or after the corrections applied."""
    grade = fc.grades[area].grade
    for corr in applied:
        if corr.area == area:
            grade = corr.to
    return grade


def area_activity(cycle: str, area: str) -> str:
    return (AREA_ACTIVITY_2023.get(area) if cycle == "2023-25" else None) or AREA_ACTIVITY[area]


def intro_sentence(fc: ForceCycle) -> str:
    """ "Our inspection assessed how good <Force> is in N areas of policing. We make graded ..." """
    counts = fc.intro_counts()
    assert counts is not None and fc.report is not None
    n, m = counts
    num = (lambda x: NUMBER_WORDS[x]) if fc.report.numbers == "words" else str
    return (
        f"Our inspection assessed how good {fc.force.in_sentence(fc.cycle)} is in {num(n)} areas of "
        f"policing. We make graded judgments in {num(m)} of these {num(n)} as follows:"
    )


def victim_sentence(fc: ForceCycle) -> str:
    dont = "don't" if fc.cycle == "2021-22" else "don\u2019t"
    return (
        f"We also inspected how effective a service {fc.force.in_sentence(fc.cycle)} gives to victims "
        f"of crime. We {dont} make a graded judgment in this overall area."
    )


SEPARATELY = (
    "We also assess the force\u2019s performance in a range of other areas and we report on "
    "these separately. We make graded judgments for some of these areas."
)


def partial_note(fc: ForceCycle) -> str:
    """The sample note that stands in for the intro sentence, or "" when the page prints it."""
    if fc.intro_counts():
        return ""
    held = len(fc.grades)
    r = fc.report
    if r and r.graded_areas == len(fc.table_areas()):  # all graded areas held, N not known
        text = (
            f"Sample site: this page shows all {held} area grades that HMICFRS's news release "
            f"about this report counts. peelpipe's sample data does not hold the number of areas "
            f"the report assessed, so this page leaves out the sentence that gives it."
        )
    else:
        grades = "area grade" if held == 1 else "area grades"
        text = (
            f"Sample site: this page shows only the {held} {grades} peelpipe's sample data holds; "
            f"the published report has more."
        )
    return f'<p class="sample-note"><em>{esc(text)}</em></p>\n'


def judgments_table(
    fc: ForceCycle, rows: list[tuple[str, str]], applied: tuple[Correction, ...], caption: str = ""
) -> str:
    out = ['<table class="judgments">\n']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>\n")
    out.append('<thead>\n<tr><th scope="col">Area</th><th scope="col">Grade</th></tr>\n</thead>\n<tbody>\n')
    for area, label in rows:
        grade = report_grade(fc, area, applied)
        out.append(
            f'<tr><td><a href="#{area}">{esc(label)}</a></td>'
            f'<td class="grade grade-{grade.replace("_", "-")}">{esc(GRADE_WORDS[grade])}</td></tr>\n'
        )
    out.append("</tbody>\n</table>\n")
    return "".join(out)


def update_note(fc: ForceCycle, corr: Correction) -> str:
    label = dict(REPORT_AREAS[fc.cycle])[corr.area].lower()
    text = (
        f"This page was updated on {corr.day()}: we changed our grade for {label} from "
        f"{GRADE_WORDS[corr.from_].lower()} to {GRADE_WORDS[corr.to].lower()}."
    )
    return f'<div class="page-update" role="note">\n<p>{esc(text)}</p>\n</div>\n'


def cause_block(fc: ForceCycle, area: str) -> str:
    row = fc.causes.get(area)
    if row is None:
        return ""
    text = f"We found a cause of concern about the force\u2019s performance in {area_activity(fc.cycle, area)}."
    if row.get("raised_on"):
        text += (
            f" We first raised it with the force on {long_date(row['raised_on'])}, as an accelerated "
            "cause of concern, before this report was published."
        )
    return f'<div class="cause-of-concern">\n<h3>Cause of concern</h3>\n<p>{esc(text)}</p>\n</div>\n'


def report_main(fc: ForceCycle, applied: tuple[Correction, ...] = ()) -> str:
    f, c = fc.force, fc.cycle
    out = [update_note(fc, corr) for corr in applied]
    out.append('<section class="report-summary" id="overall-summary">\n<h2>Overall summary</h2>\n')
    out.append(f"<p>{esc(REPORT_OPENING[c].format(name=f.in_sentence(c)))}</p>\n")
    out.append(f"<p>{esc(REPORT_COMPARABILITY[c])}</p>\n</section>\n")

    out.append('<section class="our-judgments" id="our-judgments">\n<h2>Our judgments</h2>\n')
    if fc.intro_counts():
        out.append(f"<p>{esc(intro_sentence(fc))}</p>\n")
    else:
        out.append(partial_note(fc))
    rows = fc.table_areas()
    out.append(judgments_table(fc, rows, applied))
    out.append(f"<p>{esc(victim_sentence(fc))}</p>\n")
    separate = fc.separate_areas()
    if c in SEPARATE_AREAS:
        out.append(f"<p>{esc(SEPARATELY)}</p>\n")
    if separate:
        out.append("<h3>Areas we report on separately</h3>\n")
        out.append(judgments_table(fc, separate, applied))
    for area in [a for a in fc.causes if a not in fc.grades]:
        label = dict(REPORT_AREAS[c])[area].lower()
        text = (
            f"Sample site: the published report also sets out a cause of concern about {label}. "
            "peelpipe's sample data holds no grade for that area, so this page has no section for it."
        )
        out.append(f'<p class="sample-note"><em>{esc(text)}</em></p>\n')
    out.append("</section>\n")

    for area, label in rows + separate:
        grade = report_grade(fc, area, applied)
        more = SEPARATE_MORE[area] if (area, label) in separate else AREA_MORE[c]
        out.append(f'<section class="report-area" id="{area}">\n<h2>{esc(label)}</h2>\n')
        out.append(f"<p>{esc(graded_sentence(f.subject(c), grade, area_activity(c, area)))} {esc(more)}</p>\n")
        out.append(cause_block(fc, area))
        out.append("</section>\n")
    return "".join(out)


def report_page(fc: ForceCycle, applied: tuple[Correction, ...] = ()) -> str:
    f, c = fc.force, fc.cycle
    title = f"{f.full_name(c)} PEEL Assessment {REPORT_YEAR[c]}"
    what_is = {
        "2021-22": "/peel-assessments/what-is-peel/peel-assessments-2021-22/",
        "2023-25": "/peel-assessments/what-is-peel/peel-assessments-2023-2025/",
    }[c]
    crumbs = [
        ("/", "Home"),
        ("/peel-assessments/", "PEEL assessments"),
        (what_is, f"PEEL {REPORT_YEAR[c]}"),
        (fc.landing_path(), f.full_name(c)),
    ]
    return render_page(
        title=title,
        h1=title,
        breadcrumb=crumbs,
        main=report_main(fc, applied),
        sources=fc.sources(),
        cause_sources=fc.cause_sources(),
        description=f"PEEL {REPORT_YEAR[c]} inspection report on {f.full_name(c)}",
    )
