"""Render the peelpipe sample site from facts.toml: ``python -m tools.samplesite.build`` (from the project root).

The sample site imitates the PEEL pages of the HMICFRS website (the 2014 to 2018/19 pillar pages
and the 2021/22 and 2023-25 report pages) closely enough for ``make demo`` to run the real
pipeline against it on loopback. Its grades are real
published grades (facts.toml, each with its source); its prose is peelpipe's own; every page says
so in a banner at the top. The real site's HTML markup is unknown, so the markup here is an
invented WordPress/GOV.UK-like template that varies by cycle, as the real site's wording did.

Output, into the library's ``src/peelpipe/samplesite/`` (package data that ``peelpipe demo`` serves):
``site/<url path>/index.html`` for every page, ``site/index.html`` (what is here),
``site/robots.txt``, ``site-updates/<YYYY-MM-DD>/<url path>/index.html`` for every page a
``[[correction]]`` changed after first publication (an overlay for ``serve_site``); and this
generator's own README.md (tools/samplesite/). The output is deterministic (same bytes on
every run): no clocks, no randomness, sorted iteration. The generator imports the library
(its config); the library never imports the generator.

Rules the renderer keeps (see facts.toml):
- a force x cycle without any fact has no pages (the server answers 404);
- a pillar without a known grade is left off its landing page and has no pillar page, unless
  question grades are known for it (then the pillar page shows those questions only);
- a question without a known grade is left off its pillar page;
- a report page (2021/22, 2023-25) shows only the areas with a known grade; it prints the
  "Our inspection assessed how good ... is in N areas" sentence only when it shows all M graded
  areas of the report and N is known, and otherwise says in a note what it leaves out.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

# The renderer lives in the modules below (wording, facts, markup, pillar_pages, report_pages,
# pages, checks). The names that are not used here are re-exported for
# `from tools.samplesite import build as sb` (bench/synthetic.py renders its synthetic site with them).
from tools.samplesite import flagship
from tools.samplesite.checks import check, check_reports
from tools.samplesite.engage import write_engage
from tools.samplesite.facts import (
    PACKAGE_DIR,
    README_PATH,
    SITE_DIR,
    UPDATES_DIR,
    Fact,
    ForceCycle,
    ForceInfo,
    Report,
    load_facts,
    load_forces,
)
from tools.samplesite.markup import attr, esc, render_page
from tools.samplesite.pages import ROBOTS, Page, Update, build_pages, build_updates, home_page, readme
from tools.samplesite.wording import (
    ALL_CYCLES,
    CYCLE_YEAR,
    PILLARS,
    QUESTION_ACTIVITY,
    QUESTION_ACTIVITY_2015,
    QUESTIONS,
    REPORT_AREAS,
    REPORT_CYCLES,
    SEGMENT,
    SEPARATE_AREAS,
)

__all__ = [  # the entry points and site writing, then the re-exports
    "main",
    "write_site",
    "load_facts",
    "build_pages",
    "build_updates",
    "readme",
    "check",
    "check_reports",
    "ALL_CYCLES",
    "CYCLE_YEAR",
    "Fact",
    "ForceCycle",
    "ForceInfo",
    "PACKAGE_DIR",
    "PILLARS",
    "QUESTIONS",
    "QUESTION_ACTIVITY",
    "QUESTION_ACTIVITY_2015",
    "REPORT_AREAS",
    "REPORT_CYCLES",
    "Report",
    "SEGMENT",
    "SEPARATE_AREAS",
    "SITE_DIR",
    "attr",
    "esc",
    "flagship",
    "load_forces",
    "render_page",
]


def write_site(
    table: dict[tuple[str, str], ForceCycle],
    pages: list[Page],
    site_dir: Path = SITE_DIR,
    updates: list[Update] | None = None,
    updates_dir: Path = UPDATES_DIR,
) -> None:
    updates = updates or []
    for d in (site_dir, updates_dir):
        if d.exists():
            shutil.rmtree(d)
    site_dir.mkdir(parents=True)
    for page in pages:
        out = site_dir / page.path.strip("/") / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(page.html.encode("utf-8"))
    (site_dir / "index.html").write_bytes(home_page(table, pages, updates).encode("utf-8"))
    (site_dir / "robots.txt").write_bytes(ROBOTS.encode("utf-8"))
    for u in updates:
        out = updates_dir / u.on / u.path.strip("/") / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(u.html.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.samplesite.build", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--site-dir", type=Path, default=SITE_DIR, help="output directory (default: src/peelpipe/samplesite/site/)"
    )
    parser.add_argument(
        "--updates-dir",
        type=Path,
        default=UPDATES_DIR,
        help="output directory of the corrected pages (default: src/peelpipe/samplesite/site-updates/)",
    )
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite tools/samplesite/README.md")
    args = parser.parse_args(argv)
    table = load_facts()
    pages = build_pages(table)
    updates = build_updates(table)
    write_site(table, pages, args.site_dir, updates, args.updates_dir)
    engage_pages = write_engage(args.site_dir, args.updates_dir)  # the Engage pages and their later states
    if not args.no_readme:
        README_PATH.write_bytes(readme(table, pages, updates).encode("utf-8"))
    problems = check(table, pages, args.site_dir) + check_reports(table, pages, updates, args.updates_dir)
    for problem in problems:
        print("problem:", problem, file=sys.stderr)
    print(
        f"{len(table)} force x cycle combinations, {len(pages)} pages (+ index.html, robots.txt) in {args.site_dir}; "
        f"{len(updates)} corrected page(s) in {args.updates_dir}; {engage_pages} Engage page states"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
