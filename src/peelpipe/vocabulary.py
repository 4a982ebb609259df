"""The closed vocabularies of the warehouse: change types, parse issue reasons, page statuses.

One place for the codes the tables use and what each means. The data dictionary is generated
from here, and tests check that every code the code writes is listed (and nothing else).
"""

from __future__ import annotations

CHANGE_TYPES: dict[str, str] = {
    "upgrade": "A better grade than in the cycle before, for the same area (comparable cycles only).",
    "downgrade": "A worse grade than in the cycle before, for the same area (comparable cycles only).",
    "not_comparable": "A grade in a cycle whose framework HMICFRS says cannot be compared with the cycle before "
    "(2018/19 to 2021/22, 2021/22 to 2023-25): recorded, never called an upgrade or downgrade.",
    "correction": "A published page's grade changed between two fetches within a cycle.",
    "newly_graded": "An area graded for the first time within a cycle (it was pending, or absent).",
    "new_assessment": "A force and cycle seen for the first time (area_id is null).",
    "withdrawn": "A grade that was published is no longer on the site (the page answers 404 or lost the row).",
    "findings_changed": "A published page's areas for improvement, causes of concern or recommendations were "
    "reworded, added or removed.",
    "entered_engage": "A force entered Engage, HMICFRS's enhanced monitoring ('special measures'): a spell "
    "seen for the first time on the monitoring pages (area_id monitoring, from_grade scan, to_grade engage).",
    "left_engage": "A force moved out of Engage back to routine monitoring (Scan): a known spell now has an exit "
    "date (from_grade engage, to_grade scan).",
    "engage_dates_corrected": "The monitoring pages changed the dates of a spell already known (from_grade and "
    "to_grade hold the printed dates before and after).",
}

ISSUE_REASONS: dict[str, str] = {
    "not_peel_page": "The page is not a PEEL page of its kind (a maintenance, cookie or error page, or a redesign).",
    "empty": "The page answered with an empty body.",
    "truncated": "The HTML stops before </body></html>: the download or the page is cut off.",
    "wrong_cycle": "The page's title names another cycle than the URL it was found at.",
    "unknown_grade": "A grade word peelpipe does not know: recorded, never guessed.",
    "no_grade_found": "A question or area with no grade label and no grade sentence.",
    "unmapped_area": "A printed area or question that maps to no known area_id (kept under a derived id).",
    "duplicate_judgement": "The same area is judged twice on one page; the first is kept, the rest described here.",
    "label_prose_disagree": "A grade label and the summary sentence of the same section disagree (the label wins).",
    "headline_box_disagree": "A landing page's headline sentence and its grade box disagree.",
    "repeated_pillar": "A landing page's headline sentences name the same pillar twice; assigned by position.",
    "carried_over_without_grade": "A question says its grade was carried over but prints none: the judgement "
    "of the cycle it names (else the cycle before) is used, with grade_source carried_over, when the warehouse "
    "holds one; otherwise the question has no grade.",
    "count_mismatch": "A report's intro gives a number of areas graded that differs from its judgments list.",
    "welsh_labels_unmapped": "Welsh-language labels with no English mapping (the English page carries them).",
    "pages_disagree": "The landing page and the pillar page give different grades (both kept, flagged).",
    "no_parser": "No parser exists yet for this page family.",
    "parser_error": "The parser failed on the page (a bug): the page is kept in the archive for replay.",
    "fetch_failed": "The page could not be fetched (timeouts, resets, 5xx after retries, oversized, redirect loop).",
    "robots_disallowed": "robots.txt disallows the page: not fetched.",
    "wrong_page": "The page read is not the page planned: a redirect led to another force, cycle or kind of "
    "page, or the page never names its force in its title, main heading or headline. No rows are taken from it "
    "and the force's earlier grades stay as they were.",
    "not_html": "The body is not HTML (by its Content-Type, or its first bytes: a PDF, an image, NUL bytes): "
    "not parsed.",
    "too_complex": "The page has more elements or deeper nesting than the parse limits allow: refused before parsing.",
    "parse_timeout": "The parse of the page ran past its per-page time budget and was stopped.",
    "unknown_force": "A monitoring page's section with Engage dates is headed by no force in forces.toml: not read.",
    "unreadable_date": "A monitoring page's entry or exit date is in no form peelpipe reads (a year, a month "
    "and year, a day, or a season and year): the spell is not read, the force's earlier rows are kept.",
    "unknown_stage": "A monitoring page's spell names a stage other than Engage, or none where the page does "
    "not say: not read, the force's earlier rows are kept.",
    "not_monitoring_page": "A monitoring page with no force section and no Engage date (a redesign, an "
    "error page): its earlier rows are kept.",
}

PAGE_STATUSES: dict[str, str] = {
    "parsed": "Fetched (or unchanged since the last fetch) and read.",
    "unreadable": "Fetched, but the parsers could not read it (see parse_issues).",
    "not_found": "The site answers 404 or 410: not published (yet), or withdrawn.",
    "failed": "Could not be fetched in this run; the previous reading is kept.",
    "disallowed": "robots.txt disallows it.",
}
