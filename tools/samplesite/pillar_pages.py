"""The main content of the PEEL 2014 to 2018/19 pages: a force's landing page and its pillar pages.

The markup varies by cycle, as the real site's did; the flagship page (Staffordshire PEEL 2017
effectiveness) is the hand-written body in flagship.py.
"""

from __future__ import annotations

from tools.samplesite import flagship
from tools.samplesite.facts import ForceCycle
from tools.samplesite.markup import (
    esc,
    grade_html,
    graded_sentence,
    headline_sentence,
    last_updated_html,
    missing_note,
    omit_label,
    sentence_2014,
    welsh_link,
)
from tools.samplesite.wording import (
    CYCLE_YEAR,
    GENERIC_QUESTION,
    GENERIC_SUMMARY,
    GRADE_WORDS,
    INTRO,
    INTRO_MORE,
    PILLAR_ACTIVITY,
    PILLAR_QUESTION,
    PILLARS,
    QUESTION_ACTIVITY,
    QUESTION_ACTIVITY_2015,
    QUESTIONS,
    TOPIC,
    TRANCHE_WORD,
)


def landing_main(fc: ForceCycle) -> str:
    f, c = fc.force, fc.cycle
    out = [welsh_link(fc)]
    out.append(f"<p>{esc(INTRO[c].format(name=f.in_sentence(c)))} {esc(INTRO_MORE[c])}</p>\n")
    if c == "2014":
        out.append(f'<p class="summary">{esc(sentence_2014(fc))}</p>\n')
        out.append(
            '<p class="sample-note"><em>Sample site: PEEL 2014 did not grade legitimacy, and '
            "peelpipe's sample data holds no findings for it, so this page leaves it out.</em></p>\n"
        )
        missing = [p for p in ("effectiveness", "efficiency") if not fc.has_pillar_page(p)]
        out.append(missing_note(fc, missing))
        out.append('<h2>Read the findings</h2>\n<ul class="pillar-links">\n')
        for p in fc.pillars():
            out.append(f'<li><a href="{fc.pillar_path(p)}">{esc(PILLAR_QUESTION[c][p])}</a></li>\n')
        out.append("</ul>\n")
        return "".join(out)

    known = [p for p in PILLARS if fc.pillar_known(p)]
    missing = [p for p in PILLARS if not fc.pillar_known(p)]
    if c == "2018-19":
        t = fc.tranche
        when = f"in tranche {TRANCHE_WORD[t]}" if t else "in PEEL 2018/19"
        out.append(f"<p>{esc(f.subject(c))} was inspected {when} and we found:</p>\n")
        out.append('<ul class="headline-findings">\n')
        for p in known:
            out.append(f"<li>{esc(headline_sentence(fc, p))}</li>\n")
        out.append("</ul>\n")
        out.append(missing_note(fc, missing))
        out.append('<h2>Our findings in detail</h2>\n<ul class="pillar-links">\n')
        for p in fc.pillars():
            out.append(f'<li><a href="{fc.pillar_path(p)}">{esc(PILLAR_QUESTION[c][p])}</a></li>\n')
        out.append("</ul>\n")
        return "".join(out)

    out.append('<div class="headline-grades">\n')
    for p in known:
        out.append(f"<p>{esc(headline_sentence(fc, p))}</p>\n")
    out.append("</div>\n")
    out.append(missing_note(fc, missing))
    if c == "2015":
        out.append('<h2>Read the reports</h2>\n<ul class="pillar-links">\n')
        for p in fc.pillars():
            out.append(f'<li><a href="{fc.pillar_path(p)}">{p.capitalize()}</a></li>\n')
        out.append("</ul>\n")
        return "".join(out)

    # 2016 and 2017: one box per pillar
    for p in fc.pillars():
        out.append(f'<section class="pillar-box pillar-{p}">\n')
        out.append(f"<h2>{esc(PILLAR_QUESTION[c][p])}</h2>\n")
        out.append(last_updated_html(c, fc.last_updated(p)))
        if p in fc.grades:
            grade = fc.grades[p].grade
            out.append(grade_html(c, GRADE_WORDS[grade]))
            out.append(f"<p>{esc(graded_sentence(f.subject(c), grade, PILLAR_ACTIVITY[(c, p)]))}</p>\n")
        elif p in fc.not_graded:
            out.append(grade_html(c, fc.not_graded[p].get("printed", "Not being graded")))
            out.append(f"<p>{esc(not_graded_sentence(fc, p))}</p>\n")
        else:
            out.append(
                '<p class="sample-note"><em>Sample site: the overall grade for this pillar is not in '
                "peelpipe's sample data; the page linked below shows the question grades that are.</em></p>\n"
            )
        out.append(f'<p class="more"><a href="{fc.pillar_path(p)}">Read more about {p}</a></p>\n')
        out.append("</section>\n")
    return "".join(out)


def not_graded_sentence(fc: ForceCycle, pillar: str) -> str:
    return (
        f"Following the Manchester Arena attack in May 2017, we did not inspect or grade "
        f"{fc.force.in_sentence(fc.cycle)} on {pillar} in PEEL 2017."
    )


# ---- pillar pages ------------------------------------------------------------------------


def question_block(fc: ForceCycle, pillar: str, number: int, area: str, wording: str) -> str:
    c, f = fc.cycle, fc.force
    fact = fc.grades.get(area)
    out = [f'<section class="question" id="question-{number}">\n<h3>{esc(wording)}</h3>\n']
    if c == "2018-19":
        out.append(f'<p class="question-number">{number}</p>\n')
    if fact is None:  # ungraded question: narrative only
        out.append("<p>We do not grade this question. The report describes what we found.</p>\n</section>\n")
        return "".join(out)
    show_label = not (c == "2017" and fact.grade == "good")  # 2017 pages print no "Good" label
    if show_label:
        out.append(grade_html(c, GRADE_WORDS[fact.grade]))
    activity = (QUESTION_ACTIVITY_2015.get(area) if c == "2015" else None) or QUESTION_ACTIVITY[area]
    out.append(f"<p>{esc(graded_sentence(f.subject(c), fact.grade, activity))}</p>\n")
    if fact.carried_over:
        out.append(
            "<p>This question was not subject to detailed inspection in 2018/19, and our judgment "
            "from the 2017 inspection has been carried over.</p>\n"
        )
    out.append(f"<p>{esc(GENERIC_QUESTION[c])}</p>\n</section>\n")
    return "".join(out)


def pillar_main(fc: ForceCycle, pillar: str) -> str:
    c, f = fc.cycle, fc.force
    if (f.id, c, pillar) == (flagship.FORCE, flagship.CYCLE, flagship.PILLAR):
        return flagship.BODY
    out = [welsh_link(fc), '<section class="pillar-summary" id="summary">\n']
    unknown = (
        pillar not in fc.grades and pillar not in fc.not_graded and not (c == "2014" and pillar == "effectiveness")
    )
    # With no known overall grade the headline question is left out: a real page always grades it,
    # and a page that asked it without answering would be a page the parser must report.
    out.append(f"<h2>{'Summary' if unknown else esc(PILLAR_QUESTION[c][pillar])}</h2>\n")
    out.append(last_updated_html(c, fc.last_updated(pillar)))
    topic = TOPIC[pillar]
    if pillar in fc.grades:
        grade = fc.grades[pillar].grade
        if not omit_label(fc, pillar):
            out.append(grade_html(c, GRADE_WORDS[grade]))
        out.append(
            f"<p>{esc(graded_sentence(f.subject(c), grade, PILLAR_ACTIVITY[(c, pillar)]))} "
            f"{esc(GENERIC_SUMMARY[c].format(topic=topic))}</p>\n"
        )
    elif pillar in fc.not_graded:
        out.append(grade_html(c, fc.not_graded[pillar].get("printed", "Not being graded")))
        out.append(f"<p>{esc(not_graded_sentence(fc, pillar))}</p>\n")
    elif c == "2014" and pillar == "effectiveness":
        out.append(
            "<p>In 2014 we did not give an overall effectiveness grade. We graded three "
            "questions, set out below, and reported on the others without grading them.</p>\n"
        )
    else:
        out.append(
            f'<p class="sample-note"><em>Sample site: peelpipe\'s sample data holds no published '
            f"overall {pillar} grade for {esc(f.in_sentence(c))} in PEEL {CYCLE_YEAR[c]}, so this page "
            "shows only the question grades it holds.</em></p>\n"
        )
        out.append(f"<p>{esc(GENERIC_SUMMARY[c].format(topic=topic))}</p>\n")
    out.append("</section>\n")

    shown = [
        (i + 1, a, w) for i, (a, w) in enumerate(QUESTIONS[c].get(pillar, [])) if a in fc.grades or a in fc.ungraded
    ]
    if shown:
        if c != "2014":
            out.append(f'<h2 id="questions">Questions for {pillar.capitalize()}</h2>\n')
        for number, area, wording in shown:
            out.append(question_block(fc, pillar, number, area, wording))
    elif pillar not in fc.not_graded:
        out.append(
            f'<p class="sample-note"><em>Sample site: this page leaves out the questions for '
            f"{pillar}, because peelpipe's sample data holds no published grades for them.</em></p>\n"
        )
    return "".join(out)
