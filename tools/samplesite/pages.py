"""The sample site's page list and the pages about the site itself.

``build_pages()`` renders every page of every force x cycle, ``build_updates()`` every corrected
page of the update overlays; ``home_page()`` (the site's index.html), ``ROBOTS`` (robots.txt) and
``readme()`` (the generator's README.md, tools/samplesite/) say what is here.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.samplesite import flagship
from tools.samplesite.facts import Correction, ForceCycle, long_date
from tools.samplesite.markup import breadcrumb, esc, render_page, side_links
from tools.samplesite.pillar_pages import landing_main, pillar_main
from tools.samplesite.report_pages import report_page
from tools.samplesite.wording import (
    ABBREV,
    ALL_CYCLES,
    CYCLE_YEAR,
    GRADE_WORDS,
    PILLAR_TITLE_YEAR,
    PILLARS,
    REPORT_AREAS,
)


@dataclass
class Page:
    path: str
    html: str
    fc: ForceCycle | None = None
    pillar: str | None = None  # None: landing page


def build_pages(table: dict[tuple[str, str], ForceCycle]) -> list[Page]:
    pages: list[Page] = []
    for fc in table.values():
        f, c = fc.force, fc.cycle
        if fc.is_report:
            pages.append(Page(fc.landing_path(), report_page(fc), fc, None))
            continue
        pages.append(
            Page(
                fc.landing_path(),
                render_page(
                    title=f"{f.short_name(c)} {CYCLE_YEAR[c]}",
                    h1=f"{f.short_name(c)} {CYCLE_YEAR[c]}",
                    breadcrumb=breadcrumb(fc),
                    main=landing_main(fc),
                    sources=fc.sources(),
                    side=side_links(fc, None),
                    description=f"PEEL {CYCLE_YEAR[c]} assessment of {f.full_name(c)}",
                ),
                fc,
                None,
            )
        )
        for p in fc.pillars():
            is_flagship = (f.id, c, p) == (flagship.FORCE, flagship.CYCLE, flagship.PILLAR)
            pages.append(
                Page(
                    fc.pillar_path(p),
                    render_page(
                        title=f"{f.short_name(c)} PEEL {PILLAR_TITLE_YEAR[c]}",
                        h1=f"{f.short_name(c)} PEEL {PILLAR_TITLE_YEAR[c]}",
                        breadcrumb=breadcrumb(fc, p),
                        main=pillar_main(fc, p),
                        sources=fc.sources([p]),
                        side=side_links(fc, p),
                        flagship_page=is_flagship,
                        description=f"PEEL {CYCLE_YEAR[c]} {p} of {f.full_name(c)}",
                    ),
                    fc,
                    p,
                )
            )
    return pages


@dataclass
class Update:
    """A corrected page: ``<updates dir>/<on>/<path>/index.html``, served as an overlay."""

    on: str
    path: str
    html: str
    fc: ForceCycle
    corrections: tuple[Correction, ...]


def build_updates(table: dict[tuple[str, str], ForceCycle]) -> list[Update]:
    """One corrected page per force x cycle and correction date (all corrections up to that date)."""
    updates: list[Update] = []
    for fc in table.values():
        for on in sorted({c.on for c in fc.corrections}):
            applied = tuple(c for c in fc.corrections if c.on <= on)
            updates.append(Update(on, fc.landing_path(), report_page(fc, applied), fc, applied))
    return updates


def report_shown(fc: ForceCycle) -> str:
    """ "8 of 9 graded areas" / "2 (the report grades 8)" / "2" for the index and README."""
    held, r = len(fc.grades), fc.report
    separate = len(fc.separate_areas())
    extra = f" + {separate} reported separately" if separate else ""
    table_held = held - separate
    if r and r.graded_areas is not None:
        return f"{table_held} of {r.graded_areas}{extra}"
    return f"{table_held}{extra}"


def home_page(table: dict[tuple[str, str], ForceCycle], pages: list[Page], updates: list[Update]) -> str:
    rows, report_rows = [], []
    for fc in table.values():
        if fc.is_report:
            intro = "yes" if fc.intro_counts() else "no"
            report_rows.append(
                f"<tr><td>{esc(fc.force.full_name(fc.cycle))}</td><td>PEEL {CYCLE_YEAR[fc.cycle]}</td>"
                f'<td><a href="{fc.landing_path()}">{fc.landing_path()}</a></td>'
                f"<td>{esc(report_shown(fc))}</td><td>{intro}</td></tr>"
            )
            continue
        links = [f'<a href="{fc.landing_path()}">overview</a>']
        links += [f'<a href="{fc.pillar_path(p)}">{p}</a>' for p in fc.pillars()]
        rows.append(
            f"<tr><td>{esc(fc.force.full_name(fc.cycle))}</td><td>PEEL {CYCLE_YEAR[fc.cycle]}</td>"
            f"<td>{1 + len(fc.pillars())}</td><td>{', '.join(links)}</td></tr>"
        )
    update_items = []
    for u in updates:
        changes = "; ".join(
            f"{dict(REPORT_AREAS[c.cycle])[c.area]}: {GRADE_WORDS[c.from_]} to {GRADE_WORDS[c.to]}"
            for c in u.corrections
            if c.on == u.on
        )
        update_items.append(
            f'<li><a href="{u.path}">{u.path}</a>, updated on {esc(long_date(u.on))} '
            f"({esc(changes)}): the corrected version is in the overlay "
            f"<code>site-updates/{u.on}/</code>.</li>"
        )
    main = (
        "<p>This is the <strong>peelpipe sample site</strong>: a small imitation of the PEEL assessment "
        "pages and PEEL report pages of the HMICFRS website, served on loopback so that the peelpipe "
        "pipeline can be demonstrated and tested without the real site.</p>\n"
        "<p>The grades on these pages are real grades that HMICFRS published; each page names its "
        "sources. Everything else (the wording, the markup, the layout) is peelpipe's own. A force "
        "and cycle not listed here has no pages, and the server answers 404 for it.</p>\n"
        f"<p>{len(table)} force and cycle combinations, {len(pages)} pages.</p>\n"
        "<h2>PEEL 2014 to 2018/19: assessment pages</h2>\n"
        '<table class="sample-index">\n<thead><tr><th scope="col">Force</th><th scope="col">Cycle</th>'
        '<th scope="col">Pages</th><th scope="col">Links</th></tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n"
        "<h2>PEEL 2021/22 and 2023\u201325: report pages</h2>\n"
        "<p>One page per report. A report page shows only the area grades peelpipe's sample data "
        "holds; where that is fewer than the report has, or the report's count of areas is not "
        "known, the page says so and leaves out the sentence that counts the areas.</p>\n"
        '<table class="sample-index">\n<thead><tr><th scope="col">Force</th><th scope="col">Cycle</th>'
        '<th scope="col">Report page</th><th scope="col">Area grades shown (of the graded areas the report or its release counts, where known)</th>'
        '<th scope="col">Intro sentence</th></tr></thead>\n<tbody>\n'
        + "\n".join(report_rows)
        + "\n</tbody>\n</table>\n"
        "<h2>Pages changed after publication</h2>\n"
        "<p>This site serves each page as first published. A corrected version is kept apart, in an "
        "update overlay that the server serves in its place when asked to.</p>\n"
        "<ul>\n" + "\n".join(update_items) + "\n</ul>\n"
    )
    return render_page(
        title="peelpipe sample site",
        h1="peelpipe sample site",
        breadcrumb=[("/", "Home")],
        main=main,
        sources=[],
        description="Index of the peelpipe sample site",
    )


ROBOTS = """\
# peelpipe sample site: sample data for demonstrations and tests, not the HMICFRS website.
# Grades on these pages are real published HMICFRS grades; the wording is peelpipe's own.
User-agent: *
Disallow: /search/
Allow: /
"""


def readme(table: dict[tuple[str, str], ForceCycle], pages: list[Page], updates: list[Update]) -> str:
    by_cycle: dict[str, int] = {}
    for page in pages:
        if page.fc:
            by_cycle[page.fc.cycle] = by_cycle.get(page.fc.cycle, 0) + 1
    lines = [
        "# peelpipe sample site",
        "",
        (
            "<!-- Generated by `python -m tools.samplesite.build`; edit facts.toml or the templates"
            " (wording.py, markup.py, pillar_pages.py, report_pages.py) instead. -->"
        ),
        "",
        "A small imitation of the HMICFRS PEEL pages (the assessment pages of the 2014 to 2018/19",
        "cycles and the report pages of PEEL 2021/22 and 2023\u201325), for `make demo` and for tests:",
        "`serve_site()` serves it on loopback and the real pipeline runs against it. The real site",
        "could not be reached while peelpipe was written and its HTML markup is unknown; only the text",
        "of its pages is known. So:",
        "",
        "- **The grades are real.** Every grade on every page is a grade HMICFRS published, listed",
        "  with its source in `facts.toml` (transcribed from the project's domain reference,",
        "  sections 4.1 to 4.3, plus the question grades of the one real page whose text the project",
        "  holds). No grade is invented: where a grade is not known, the page leaves it out, and a",
        "  force and cycle with no known grade has no pages at all (404).",
        "- **The wording is peelpipe's own**, apart from the site's formulaic sentences (headline",
        '  sentences, question wordings, "Last updated DD/MM/YYYY", grade lines, the report pages\'',
        '  "Our inspection assessed how good ..." and victim-service sentences and area labels),',
        "  which follow the real site's text. The flagship page (Staffordshire PEEL 2017",
        "  effectiveness, `flagship.py`) paraphrases the real page section by section.",
        "- **The markup is invented**: a WordPress/GOV.UK-like template that varies by cycle.",
        '- **Every page says so** in a "Sample data" banner at the top, with its grade sources.',
        "",
        "## Regenerate",
        "",
        "This folder, `tools/samplesite/`, is the generator: `facts.toml` (the grades, each with its",
        "source), the templates and the checks. It is not part of the installed library and the library",
        "never imports it. What it builds is package data of the library's `peelpipe.samplesite`, next",
        "to the server: `src/peelpipe/samplesite/site/` (`SITE_ROOT`) and",
        "`src/peelpipe/samplesite/site-updates/` (`UPDATES_ROOT` is its `2024-08-08/`). From the",
        "project root:",
        "",
        "```sh",
        "python -m tools.samplesite.build    # rewrites site/, site-updates/ and this README, then checks them",
        "python -m tools.samplesite.build --site-dir /tmp/site --updates-dir /tmp/updates --no-readme",
        "```",
        "",
        "Every run writes the same bytes, then checks every page against facts.toml: a failed check",
        "prints a `problem:` line and the exit status is 1. `tests/test_samplesite.py` fails when the",
        "committed site differs from what the generator writes: edit facts.toml or the templates, never",
        "the pages.",
        "",
        "## Engage pages",
        "",
        "`engage.py` writes the two monitoring pages (`/about-us/what-we-do/our-approach-to-monitoring-forces/",
        "police-forces-in-engage/` and `.../police-forces-previously-in-engage/`) from the `[[engage]]` rows",
        "of facts.toml: eight real spells, each date printed as its source gives it, each with its source;",
        "reasons in peelpipe's own words where a source states them, none otherwise (the page says so).",
        "`site/` holds them as they stood on 22 May 2025; `site-updates/2025-05-23/` (Nottinghamshire",
        "moved out, `NOTTS_LEFT_ROOT`) and `site-updates/2025-07-31/` (Devon and Cornwall moved out,",
        "`DEVON_LEFT_ROOT`) are overlays holding them after each later exit.",
        "",
        "## Use",
        "",
        "```python",
        "from peelpipe.samplesite import SITE_ROOT, serve_site",
        "",
        "with serve_site() as site:          # http://127.0.0.1:<free port>",
        "    print(site.url)                 # base URL, no trailing slash",
        "    ...                             # fetch site.url + '/peel-assessments/peel-2017/staffordshire/'",
        "    print(site.request_log)         # [(method, path, status), ...]",
        "",
        "# publish a corrected page: files in later overlays replace the same paths in earlier ones",
        "with serve_site(SITE_ROOT, overlays=[corrections_dir]) as site:",
        "    ...",
        "",
        "# the bundled correction: Northamptonshire 2023-25 as changed on 8 August 2024",
        "from peelpipe.samplesite import UPDATES_ROOT   # site-updates/2024-08-08",
        "with serve_site(overlays=[UPDATES_ROOT]) as site:",
        "    ...                             # /peel-reports/northamptonshire-2023-25/ is the corrected page",
        "```",
        "",
        "`python -m peelpipe.samplesite.server [--port N]` serves until Ctrl-C.",
        "",
        "Server behaviour: GET and HEAD (other methods 405); `/<path>/` and `/<path>` (and a query",
        "string such as a trailing `?`) serve `<path>/index.html`; `robots.txt`; everything else 404",
        "with a small HTML body; paths with `..` are refused (400). Strong ETag (quoted sha256 prefix of",
        'the bytes) and a Last-Modified taken from the latest "Last updated" date printed on the page',
        "(a fixed date for pages without one; plus one hour per overlay level for files served from an",
        "overlay), never the file's mtime, so a fresh clone gives the same validators. A matching",
        "If-None-Match, or (without If-None-Match) an If-Modified-Since not older than Last-Modified,",
        "gets 304. HTTP/1.1 keep-alive; no logging to stderr.",
        "",
        "## Wording per cycle",
        "",
        "| cycle | landing headline | pillar page heading | grade line markup |",
        "|---|---|---|---|",
        '| 2014 | "The available evidence indicates that: in terms of its effectiveness, in general, the force is good at … ; the efficiency with which the force carries out its responsibilities is …" | "How well the force tackles crime" (three graded questions, no overall grade), "How well the force delivers value for money"; no legitimacy page (not graded in 2014) | `<p><strong>Good</strong></p>` |',
        '| 2015 | "The extent to which <full force name> is effective at keeping people safe and reducing crime is good." ("… requires improvement." without "is") | "How effective/efficient/legitimate is the force at keeping people safe and reducing crime?" | `<div class="grade"><span>Good</span></div>` |',
        '| 2016, 2017 | "The extent to which the force/constabulary is efficient at keeping people safe and reducing crime is good." plus one box per pillar (question, Last updated, grade line, summary sentence) | as 2015; 2017 question sections print no "Good" label (the grade is in the first sentence), other grades are labelled | `<div class="judgement">Good</div>` after `<p class="last-updated">Last updated <time>…</time></p>` |',
        '| 2018/19 | "<Force> was inspected in tranche three and we found:" then list items "the extent to which the force is effective at reducing crime and keeping people safe is good." | "How effectively does the force reduce crime and keep people safe?" etc.; title "<Force> PEEL 2018"; questions carry a lone question number before the grade line | `<p class="grade-label">Good</p>` after `Last updated&nbsp;DD/MM/YYYY` |',
        "",
        "About half of the pillar pages leave out the pillar's grade label, as the real Staffordshire",
        "2017 effectiveness page does: the first summary sentence then carries the grade",
        '("Staffordshire Police is good at keeping people safe and reducing crime.").',
        "Headline-sentence typos reported on the real site are reproduced for the forces they were",
        'reported for: Thames Valley 2015 and Northumbria 2017 ("…reducing crime good."), Gwent 2017',
        '("…is requires improvement."). Greater Manchester 2017 efficiency and legitimacy print',
        '"Not being graded". Hampshire is named "Hampshire Constabulary" (its name before 2022).',
        'Dyfed-Powys 2018/19 names no tranche and no "Last updated" date (neither is recorded).',
        "",
        "## Report pages (PEEL 2021/22 and 2023\u201325)",
        "",
        "One page per report, at `/peel-reports/<slug>-2021-22/` and `/peel-reports/<slug>-2023-25/`",
        "(Hampshire: `hampshire-and-isle-of-wight-...`, and the force is named Hampshire and Isle of",
        'Wight Constabulary). Title and heading "<Force> PEEL Assessment 2021/22" or "... 2023\u20132025".',
        'The page has an "Overall summary" (own words, with a paraphrase of the cycle\'s statement',
        'that its grades cannot be compared directly with the previous cycle\'s), then "Our judgments":',
        "",
        '- the intro sentence "Our inspection assessed how good <Force> is in N areas of policing. We',
        '  make graded judgments in M of these N as follows:" (number words or digits, as on the real',
        "  site), **only** where the page shows all M graded areas of the report and N is known",
        "  (`[[report]]` rows in facts.toml). Otherwise the sentence is left out and a note says why:",
        "  \"Sample site: this page shows only the N area grades peelpipe's sample data holds; the",
        '  published report has more." (or, for Wiltshire 2021/22, that all graded areas are shown but',
        "  the report's count of areas is not held);",
        '- a `<table class="judgments">` with columns Area | Grade, one row per area grade held, the',
        "  grade as text (Outstanding, Good, Adequate, Requires improvement, Inadequate), the area label",
        "  as the cycle's reports print it (for example \"Engaging with and treating the public with",
        '  fairness and respect" in 2021/22, "Police powers and public treatment" in 2023\u201325);',
        "- \"We also inspected how effective a service <Force> gives to victims of crime. We don't make a",
        '  graded judgment in this overall area."; 2023\u201325 pages add "We also assess the force\'s',
        '  performance in a range of other areas and we report on these separately. ..." and, where a',
        "  separately graded area is held (Merseyside's serious organised crime), a second Area | Grade",
        '  table under "Areas we report on separately", not counted in N and M.',
        "",
        "Then one section per area shown: the area label as heading and a sentence that gives the",
        'grade ("Wiltshire Police requires improvement at investigating crime."), plus a "Cause of',
        'concern" block where a source records one (Greater Manchester 2021/22).',
        "",
        '**A grade changed after publication.** Northamptonshire 2023\u201325 "Responding to the public"',
        "was adequate when first published and changed to requires improvement on 8 August 2024",
        "(`[[correction]]` in facts.toml). `site/` holds the page as first published; the corrected",
        'page, identical apart from that grade and a dated note ("This page was updated on 8 August',
        '2024: ..."), is built into `site-updates/2024-08-08/peel-reports/northamptonshire-2023-25/`',
        "(`UPDATES_ROOT`). Served as an overlay it gets a different ETag and a Last-Modified one hour",
        "later than the first version.",
        "",
        "Left out: reports with only counts of grades and no named area grade (Staffordshire and",
        "Suffolk 2023\u201325: 404); grades the reference marks as needing verification (South Wales",
        "2023\u201325, three areas); Welsh-language copies (`heddlu-...`).",
        "",
        "| force | cycle | page | area grades shown (of the graded areas the report or its release counts, where known) | intro sentence | sources |",
        "|---|---|---|---|---|---|",
    ]
    for fc in table.values():
        if not fc.is_report:
            continue
        grades = ", ".join(f"{a} {ABBREV[fact.grade]}" for a, fact in fc.grades.items())
        for corr in fc.corrections:
            grades += f" ({corr.area} {ABBREV[corr.to]} from {long_date(corr.on)}, in site-updates/{corr.on}/)"
        if fc.causes:
            grades += "; causes of concern: " + ", ".join(fc.causes)
        counts = fc.intro_counts()
        intro = "-"
        if counts and fc.report:
            intro = f"{counts[0]}/{counts[1]} ({fc.report.numbers})"
        srcs = "<br>".join(fc.sources() + fc.cause_sources())
        lines.append(
            f"| {fc.force.full_name(fc.cycle)} | {CYCLE_YEAR[fc.cycle]} | `{fc.landing_path()}` | "
            f"{report_shown(fc)}: {grades} | {intro} | {srcs} |"
        )
    lines += [
        "",
        f"## What is here ({len(table)} force x cycle combinations, {len(pages)} pages)",
        "",
        "Pages per cycle: " + ", ".join(f"{CYCLE_YEAR[c]}: {by_cycle.get(c, 0)}" for c in ALL_CYCLES) + ".",
        "Report pages are listed above; the assessment pages of 2014 to 2018/19:",
        "",
        "| force | cycle | pages | grades shown (E / Ef / L; questions) | sources |",
        "|---|---|---|---|---|",
    ]
    abbrev = ABBREV
    for fc in table.values():
        if fc.is_report:
            continue
        pillar_bits = []
        for p in PILLARS:
            if p in fc.grades:
                pillar_bits.append(abbrev[fc.grades[p].grade])
            elif p in fc.not_graded:
                pillar_bits.append("not graded")
            else:
                pillar_bits.append("-")
        qs = [f"{a.split('.', 1)[1]} {abbrev[fact.grade]}" for a, fact in fc.grades.items() if "." in a]
        qs += [f"{a.split('.', 1)[1]} ungraded" for a in fc.ungraded]
        derived = any("derived" in fact.note for fact in fc.grades.values())
        srcs = "<br>".join(fc.sources())
        grades = " / ".join(pillar_bits) + ("; " + ", ".join(qs) if qs else "")
        if derived:
            grades += " (legitimacy derived from the national 2017 release)"
        lines.append(
            f"| {fc.force.full_name(fc.cycle)} | {CYCLE_YEAR[fc.cycle]} | {1 + len(fc.pillars())} | {grades} | {srcs} |"
        )
    lines += [
        "",
        "Grades marked as derived come from the national PEEL legitimacy 2017 press-release page,",
        "which names Kent (outstanding) and six forces (requires improvement), says Greater",
        "Manchester was not graded and that all other forces were good; see each row's `note` in",
        "facts.toml.",
        "",
    ]
    return "\n".join(lines)
