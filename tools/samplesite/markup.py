"""Sentences, markup helpers and page chrome shared by every page of the sample site.

``render_page()`` wraps a page's main content in the site chrome (head, sample-data banner,
header, breadcrumbs, sidebar, footer); the sentence builders give the formulaic grade sentences.
"""

from __future__ import annotations

import hashlib
import html
import re

from tools.samplesite import flagship
from tools.samplesite.facts import ForceCycle
from tools.samplesite.wording import (
    CYCLE_YEAR,
    GRADE_WORDS,
    QUESTION_ACTIVITY,
    QUESTIONS,
    SEGMENT,
    SITE_NAME,
    TYPOS,
    VERB_2014,
)

# ---- sentences ---------------------------------------------------------------------------


def graded_sentence(subject: str, grade: str, activity: str) -> str:
    """ "Staffordshire Police is good at X." / "... requires improvement at X." """
    if grade == "requires_improvement":
        return f"{subject} requires improvement at {activity}."
    return f"{subject} is {GRADE_WORDS[grade].lower()} at {activity}."


def tail(grade: str | None, typo: str = "") -> str:
    """The end of a 2015-2018/19 headline sentence: "is good", "requires improvement"."""
    if grade is None:
        return "is not graded"
    word = GRADE_WORDS[grade].lower()
    if typo == "drop-is":
        return word
    if grade == "requires_improvement":
        return "is requires improvement" if typo == "is-requires" else word
    return f"is {word}"


def headline_sentence(fc: ForceCycle, pillar: str) -> str:
    fact = fc.grades.get(pillar)
    grade = fact.grade if fact else None
    typo = TYPOS.get((fc.force.id, fc.cycle, pillar), "")
    adj = {"effectiveness": "effective", "efficiency": "efficient", "legitimacy": "legitimate"}[pillar]
    if fc.cycle == "2018-19":
        middle = {
            "effectiveness": "is effective at reducing crime and keeping people safe",
            "efficiency": "operates efficiently and sustainably",
            "legitimacy": "treats the public and its workforce legitimately",
        }[pillar]
        return f"the extent to which the force {middle} {tail(grade, typo)}."
    if fc.cycle == "2015":
        subject = fc.force.in_sentence(fc.cycle)
    else:
        subject = fc.force.the_force()
    return f"The extent to which {subject} is {adj} at keeping people safe and reducing crime {tail(grade, typo)}."


def sentence_2014(fc: ForceCycle) -> str:
    parts = []
    eff = []
    for area, _ in QUESTIONS["2014"]["effectiveness"]:
        fact = fc.grades.get(area)
        if not fact:
            continue
        if fact.grade == "requires_improvement":
            eff.append(f"requires improvement in the way it {VERB_2014[area]}")
        else:
            eff.append(f"{GRADE_WORDS[fact.grade].lower()} at {QUESTION_ACTIVITY[area]}")
    if eff:
        joined = eff[0] if len(eff) == 1 else ", ".join(eff[:-1]) + " and " + eff[-1]
        lead = "" if joined.startswith("requires") else "is "
        parts.append(f"in terms of its effectiveness, in general, the force {lead}{joined}")
    effic = fc.grades.get("efficiency")
    if effic:
        verb = (
            "requires improvement"
            if effic.grade == "requires_improvement"
            else f"is {GRADE_WORDS[effic.grade].lower()}"
        )
        parts.append(f"the efficiency with which the force carries out its responsibilities {verb}")
    return "The available evidence indicates that: " + "; ".join(parts) + "."


# ---- markup helpers ----------------------------------------------------------------------


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def iso(date: str) -> str:
    d, m, y = date.split("/")
    return f"{y}-{m}-{d}"


def omit_label(fc: ForceCycle, pillar: str) -> bool:
    """Whether a pillar page leaves out its grade label (about half do, like the seed page)."""
    if (fc.force.id, fc.cycle, pillar) == (flagship.FORCE, flagship.CYCLE, flagship.PILLAR):
        return True
    if pillar in fc.not_graded:
        return False
    digest = hashlib.sha256(f"{fc.force.id}|{fc.cycle}|{pillar}".encode()).digest()
    return digest[0] % 2 == 0


def last_updated_html(cycle: str, date: str) -> str:
    if not date:
        return ""
    if cycle == "2014":
        return f"<p><em>Last updated {date}</em></p>\n"
    if cycle == "2015":
        return f'<p class="date">Last updated {date}</p>\n'
    if cycle == "2018-19":
        return f'<p class="updated">Last updated&nbsp;{date}</p>\n'
    return f'<p class="last-updated">Last updated <time datetime="{iso(date)}">{date}</time></p>\n'


def grade_html(cycle: str, label: str) -> str:
    """The grade line: its own element, styled differently per cycle."""
    slug = re.sub(r"[^a-z]+", "-", label.lower()).strip("-")
    if cycle == "2014":
        return f"<p><strong>{esc(label)}</strong></p>\n"
    if cycle == "2015":
        return f'<div class="grade grade-{slug}"><span>{esc(label)}</span></div>\n'
    if cycle == "2018-19":
        return f'<p class="grade-label">{esc(label)}</p>\n'
    return f'<div class="judgement judgement-{slug}">{esc(label)}</div>\n'


# ---- page chrome -------------------------------------------------------------------------

NAV = [
    ("/", "Home"),
    ("/about-us/", "About us"),
    ("/our-work/", "Our work"),
    ("/publications/", "Publications"),
    ("/news/", "News"),
    ("/police-forces/", "Police forces"),
    ("/fire-and-rescue-services/", "Fire &amp; rescue services"),
    ("/peel-assessments/", "PEEL assessments"),
    ("/contact-us/", "Contact us"),
]
FOOTER = [
    ("/accessibility/", "Accessibility"),
    ("/cookies/", "Cookies"),
    ("/privacy-notice/", "Privacy notice"),
    ("/terms-and-conditions/", "Terms and conditions"),
    ("/freedom-of-information/", "Freedom of information"),
    ("/contact-us/", "Contact us"),
    ("/sitemap/", "Sitemap"),
]


def _links(urls: list[str]) -> str:
    return "; ".join(f'<a href="{attr(u)}">{esc(u)}</a>' for u in urls)


def sample_banner(sources: list[str], flagship_page: bool = False, cause_sources: list[str] | None = None) -> str:
    wording = (
        "the wording is peelpipe's own paraphrase of the published page"
        if flagship_page
        else "the wording is peelpipe's own"
    )
    if sources:
        label = "source" if len(sources) == 1 else "sources"
        causes = ""
        if cause_sources:
            causes = f"; the causes of concern are recorded in {_links(cause_sources)}"
        text = (
            f"<strong>Sample data:</strong> a peelpipe demonstration page. The grades are real "
            f"published HMICFRS grades ({label}: {_links(sources)}){causes}; {wording}."
        )
    else:
        text = (
            "<strong>Sample data:</strong> a peelpipe demonstration site. Its grades are real "
            "published HMICFRS grades; the wording is peelpipe's own."
        )
    return f'<div class="sample-banner" role="note">\n<p>{text}</p>\n</div>\n'


def render_page(
    *,
    title: str,
    h1: str,
    breadcrumb: list[tuple[str, str]],
    main: str,
    sources: list[str],
    side: list[tuple[str, str, bool]] | None = None,
    flagship_page: bool = False,
    description: str = "",
    cause_sources: list[str] | None = None,
) -> str:
    crumbs = []
    for i, (href, text) in enumerate(breadcrumb):
        if i == len(breadcrumb) - 1:
            crumbs.append(f'<li aria-current="page">{esc(text)}</li>')
        else:
            crumbs.append(f'<li><a href="{attr(href)}">{esc(text)}</a></li>')
    nav = "\n".join(f'<li class="menu-item"><a href="{h}">{t}</a></li>' for h, t in NAV)
    foot = "\n".join(f'<li><a href="{h}">{t}</a></li>' for h, t in FOOTER)
    side_html = ""
    if side:
        items = []
        for href, text, current in side:
            cur = ' aria-current="page" class="current"' if current else ""
            items.append(f'<li><a href="{attr(href)}"{cur}>{esc(text)}</a></li>')
        side_html = (
            '<aside class="sidebar" aria-label="In this section">\n<h2 class="sidebar-title">'
            "In this section</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</aside>\n"
        )
    desc = description or h1
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="description" content="{attr(desc)} (peelpipe sample data)">
<title>{esc(title)} - {esc(SITE_NAME)}</title>
<link rel="stylesheet" href="/wp-content/themes/hmicfrs/style.css">
</head>
<body class="page-template-default page">
<a class="skip-link screen-reader-text" href="#main-content">Skip to content</a>
<div class="cookie-notice" role="region" aria-label="Cookies on this website">
<p>We use some essential cookies to make this website work. We would also like to set optional analytics cookies to understand how the site is used.</p>
<p><button type="button" class="cookie-accept">Accept analytics cookies</button> <button type="button" class="cookie-reject">Reject analytics cookies</button> <a href="/cookies/">View cookies</a></p>
</div>
{sample_banner(sources, flagship_page, cause_sources)}<header class="site-header">
<div class="site-branding">
<p class="site-title"><a href="/" rel="home">{esc(SITE_NAME)}</a></p>
<ul class="language-switcher"><li><a href="#" lang="en" aria-current="true">English</a></li><li><a href="#" lang="cy">Cymraeg</a></li></ul>
<form class="search-form" role="search" method="get" action="/search/">
<label for="site-search">Search this site</label>
<input type="search" id="site-search" name="s" value="">
<button type="submit">Search</button>
</form>
</div>
<nav class="main-navigation" aria-label="Main menu">
<ul id="primary-menu" class="menu">
{nav}
</ul>
</nav>
</header>
<div class="consultation-banner" role="region" aria-label="Consultation">
<p>Have your say on our proposed policing inspection programme for 2025&#8211;29. <a href="/consultations/">Find out more about the consultation</a>.</p>
</div>
<nav class="breadcrumbs" aria-label="Breadcrumb">
<ol>
{chr(10).join(crumbs)}
</ol>
</nav>
<div class="site-content">
<main id="main-content" class="content-area">
<article class="entry">
<header class="entry-header">
<h1 class="entry-title">{esc(h1)}</h1>
</header>
<div class="entry-content">
{main}</div>
</article>
</main>
{side_html}</div>
<footer class="site-footer">
<nav aria-label="Footer links">
<ul class="footer-links">
{foot}
</ul>
</nav>
<p class="footer-note">This is a sample page generated by peelpipe for demonstrations and tests. It is not the HMICFRS website and is not published by HMICFRS.</p>
</footer>
</body>
</html>
"""


def breadcrumb(fc: ForceCycle, pillar: str | None = None) -> list[tuple[str, str]]:
    crumbs = [
        ("/", "Home"),
        ("/peel-assessments/", "PEEL assessments"),
        (f"/peel-assessments/{SEGMENT[fc.cycle]}/", f"PEEL {CYCLE_YEAR[fc.cycle]}"),
        (fc.landing_path(), fc.force.short_name(fc.cycle)),
    ]
    if pillar:
        crumbs.append((fc.pillar_path(pillar), pillar.capitalize()))
    return crumbs


def side_links(fc: ForceCycle, current: str | None) -> list[tuple[str, str, bool]]:
    links = [(fc.landing_path(), f"{fc.force.short_name(fc.cycle)} {CYCLE_YEAR[fc.cycle]}: overview", current is None)]
    for p in fc.pillars():
        links.append((fc.pillar_path(p), p.capitalize(), current == p))
    return links


def welsh_link(fc: ForceCycle) -> str:
    if fc.force.country != "Wales" or fc.cycle not in ("2015", "2016", "2017"):
        return ""
    href = f"/wp-content/uploads/{SEGMENT[fc.cycle]}-{fc.force.id}-cy.pdf"
    return (
        f'<p class="welsh-version"><a href="{href}" lang="cy">Os hoffech chi ddarllen hwn trwy\'r '
        f"Gymraeg (PDF document)</a></p>\n"
    )


def missing_note(fc: ForceCycle, pillars: list[str]) -> str:
    if not pillars:
        return ""
    names = " and ".join(pillars) if len(pillars) <= 2 else ", ".join(pillars[:-1]) + " and " + pillars[-1]
    grade, those = ("grades", "those pillars") if len(pillars) > 1 else ("grade", "that pillar")
    return (
        f'<p class="sample-note"><em>Sample site: peelpipe\'s sample data holds no published '
        f"{names} {grade} for {esc(fc.force.in_sentence(fc.cycle))} in PEEL {CYCLE_YEAR[fc.cycle]}, "
        f"so this page leaves {those} out.</em></p>\n"
    )
