"""Render the peelpipe sample site from facts.toml: ``python -m peelpipe.samplesite.build``.

The sample site imitates the PEEL pages of the HMICFRS website (2014 to 2018/19 cycles) closely
enough for ``make demo`` to run the real pipeline against it on loopback. Its grades are real
published grades (facts.toml, each with its source); its prose is peelpipe's own; every page says
so in a banner at the top. The real site's HTML markup is unknown, so the markup here is an
invented WordPress/GOV.UK-like template that varies by cycle, as the real site's wording did.

Output: ``site/<url path>/index.html`` for every page, ``site/index.html`` (what is here),
``site/robots.txt``, and the package's README.md. The output is deterministic (same bytes on
every run): no clocks, no randomness, sorted iteration.

Rules the renderer keeps (see facts.toml):
- a force x cycle without any fact has no pages (the server answers 404);
- a pillar without a known grade is left off its landing page and has no pillar page, unless
  question grades are known for it (then the pillar page shows those questions only);
- a question without a known grade is left off its pillar page.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from peelpipe.samplesite import flagship

PACKAGE_DIR = Path(__file__).resolve().parent
FACTS_PATH = PACKAGE_DIR / "facts.toml"
SITE_DIR = PACKAGE_DIR / "site"
README_PATH = PACKAGE_DIR / "README.md"

SITE_NAME = "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services"
REAL_HOST = "https://hmicfrs.justiceinspectorates.gov.uk"
PILLARS = ("effectiveness", "efficiency", "legitimacy")
CYCLES = ("2014", "2015", "2016", "2017", "2018-19")
GRADE_WORDS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}

# ---- per-cycle wording -------------------------------------------------------------------

CYCLE_YEAR = {"2014": "2014", "2015": "2015", "2016": "2016", "2017": "2017", "2018-19": "2018/19"}
# pillar sub-page titles say "<Force> PEEL 2018" even for 2018/19 (peel-site.md 1.2)
PILLAR_TITLE_YEAR = {"2014": "2014", "2015": "2015", "2016": "2016", "2017": "2017", "2018-19": "2018"}
SEGMENT = {"2014": "peel-2014", "2015": "peel-2015", "2016": "peel-2016", "2017": "peel-2017", "2018-19": "peel-2018"}
INTRO = {  # the landing page's first sentence (peel-site.md 1.2)
    "2014": "This is HMIC's first PEEL assessment of {name}.",
    "2015": "This is HMIC's second PEEL assessment of {name}.",
    "2016": "This is HMIC's third PEEL assessment of {name}.",
    "2017": "This is HMICFRS’ fourth PEEL assessment of {name}.",
    "2018-19": "This is HMICFRS's fifth PEEL assessment of {name}.",
}
INTRO_MORE = {  # peelpipe's own words
    "2014": "PEEL looks at police effectiveness, efficiency and legitimacy. In this first year the "
            "assessment drew together several separate inspections.",
    "2015": "PEEL looks at police effectiveness, efficiency and legitimacy. The findings for each "
            "pillar were published at different times during the year.",
    "2016": "PEEL looks at police effectiveness, efficiency and legitimacy, and at leadership. Each "
            "pillar below links to its own report page.",
    "2017": "PEEL looks at police effectiveness, efficiency and legitimacy. Each pillar below "
            "links to a page with the questions we asked and what we found.",
    "2018-19": "In 2018/19 we inspected effectiveness, efficiency and legitimacy together, in one "
               "integrated assessment, and published the results in three tranches.",
}
PILLAR_QUESTION = {  # the pillar's headline question or heading on its page
    "2014": {"effectiveness": "How well the force tackles crime",
             "efficiency": "How well the force delivers value for money"},
    "2015": {"effectiveness": "How effective is the force at keeping people safe and reducing crime?",
             "efficiency": "How efficient is the force at keeping people safe and reducing crime?",
             "legitimacy": "How legitimate is the force at keeping people safe and reducing crime?"},
    "2018-19": {"effectiveness": "How effectively does the force reduce crime and keep people safe?",
                "efficiency": "How efficiently does the force operate and how sustainable are its services to the public?",
                "legitimacy": "How legitimately does the force treat the public and its workforce?"},
}
PILLAR_QUESTION["2016"] = PILLAR_QUESTION["2015"]
PILLAR_QUESTION["2017"] = PILLAR_QUESTION["2015"]

# Question wordings per cycle, in the order the site numbers them (peel-site.md 2.3-2.7).
_EFF_2016 = [
    ("effectiveness.preventing-crime", "How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?"),
    ("effectiveness.investigating-crime", "How effective is the force at investigating crime and reducing re-offending?"),
    ("effectiveness.protecting-vulnerable", "How effective is the force at protecting those who are vulnerable from harm, and supporting victims?"),
    ("effectiveness.serious-organised-crime", "How effective is the force at tackling serious and organised crime?"),
    ("effectiveness.specialist-capabilities", "How effective are the force’s specialist capabilities?"),
]
_LEGIT_2016 = [
    ("legitimacy.fair-treatment", "To what extent does the force treat all of the people it serves with fairness and respect?"),
    ("legitimacy.ethical-behaviour", "How well does the force ensure that its workforce behaves ethically and lawfully?"),
    ("legitimacy.workforce-fairness", "To what extent does the force treat its workforce with fairness and respect?"),
]
QUESTIONS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "2014": {
        "effectiveness": [
            ("effectiveness.reducing-crime", "How effective is the force at reducing crime and preventing offending?"),
            ("effectiveness.investigating-offending", "How effective is the force at investigating offending?"),
            ("effectiveness.anti-social-behaviour", "How effective is the force at tackling anti-social behaviour?"),
        ],
        "efficiency": [
            ("efficiency.financial-position", "To what extent is the force taking steps to ensure a secure financial position for the short and long term?"),
            ("efficiency.workforce-model", "To what extent has the force got an affordable way of providing policing?"),
        ],
    },
    "2015": {
        "effectiveness": [
            ("effectiveness.preventing-crime", "How effective is the force at preventing crime and anti-social behaviour, and keeping people safe?"),
            ("effectiveness.investigating-crime", "How effective is the force at investigating crime and managing offenders?"),
            ("effectiveness.protecting-vulnerable", "How effective is the force at protecting from harm those who are vulnerable, and supporting victims?"),
            ("effectiveness.serious-organised-crime", "How effective is the force at tackling serious and organised crime, including its arrangement for fulfilling its national policing responsibilities?"),
        ],
        "efficiency": [
            ("efficiency.use-of-resources", "How well does the force use its resources to meet its demand?"),
            ("efficiency.workforce-model", "How sustainable and affordable is the workforce model?"),
            ("efficiency.financial-position", "How sustainable is the force's financial position for the short and long term?"),
        ],
        "legitimacy": [
            ("legitimacy.ethical-culture", "To what extent does practice and behaviour reinforce the wellbeing of staff and an ethical culture?"),
            ("legitimacy.crime-recording", "To what extent are forces recording crimes in accordance with the Home Office Counting Rules?"),
            ("legitimacy.fair-treatment", "How well does the force understand, engage with and treat fairly the people it serves to maintain and improve its legitimacy?"),
            ("legitimacy.stop-and-search", "To what extent are decisions taken on the use of stop and search and Taser fair and appropriate?"),
        ],
    },
    "2016": {
        "effectiveness": _EFF_2016,
        "efficiency": [
            ("efficiency.understanding-demand", "How well does the force understand its current and likely future demand?"),
            ("efficiency.use-of-resources", "How well does the force use its resources to manage current demand?"),
            ("efficiency.planning-for-future", "How well is the force planning for demand in the future?"),
        ],
        "legitimacy": _LEGIT_2016,
    },
    "2017": {
        "effectiveness": _EFF_2016,
        "efficiency": [
            ("efficiency.understanding-demand", "How well does the force understand demand?"),
            ("efficiency.use-of-resources", "How well does the force use its resources?"),
            ("efficiency.planning-for-future", "How well is the force planning for the future?"),
        ],
        "legitimacy": _LEGIT_2016,
    },
    "2018-19": {
        "effectiveness": _EFF_2016,
        "efficiency": [
            ("efficiency.use-of-resources", "How well does the force use its resources to meet the demand it faces?"),
            ("efficiency.planning-for-future", "How well does the force plan for the future?"),
        ],
        "legitimacy": _LEGIT_2016,
    },
}

# What a graded sentence says the force is good (etc.) at: "<Force> is good at <activity>."
PILLAR_ACTIVITY = {
    ("2014", "efficiency"): "delivering value for money",
    ("2015", "effectiveness"): "keeping people safe and reducing crime",
    ("2015", "efficiency"): "using its resources efficiently to keep people safe and reduce crime",
    ("2015", "legitimacy"): "acting legitimately in the way it keeps people safe and reduces crime",
    ("2018-19", "effectiveness"): "reducing crime and keeping people safe",
    ("2018-19", "efficiency"): "operating efficiently and running services that are sustainable",
    ("2018-19", "legitimacy"): "treating the public and its workforce legitimately",
}
for _c in ("2016", "2017"):
    for _p in PILLARS:
        PILLAR_ACTIVITY[(_c, _p)] = PILLAR_ACTIVITY[("2015", _p)]

QUESTION_ACTIVITY = {
    "effectiveness.reducing-crime": "reducing crime and preventing offending",
    "effectiveness.investigating-offending": "investigating offending",
    "effectiveness.anti-social-behaviour": "tackling anti-social behaviour",
    "effectiveness.preventing-crime": "preventing crime, tackling anti-social behaviour and keeping people safe",
    "effectiveness.investigating-crime": "investigating crime and reducing re-offending",
    "effectiveness.protecting-vulnerable": "protecting those who are vulnerable from harm, and supporting victims",
    "effectiveness.serious-organised-crime": "tackling serious and organised crime",
    "efficiency.use-of-resources": "using its resources to meet the demand it faces",
    "efficiency.planning-for-future": "planning for the future",
    "legitimacy.fair-treatment": "treating all of the people it serves with fairness and respect",
    "legitimacy.ethical-behaviour": "ensuring that its workforce behaves ethically and lawfully",
    "legitimacy.workforce-fairness": "treating its workforce with fairness and respect",
}
QUESTION_ACTIVITY_2015 = {
    "effectiveness.preventing-crime": "preventing crime and anti-social behaviour, and keeping people safe",
    "effectiveness.investigating-crime": "investigating crime and managing offenders",
    "effectiveness.protecting-vulnerable": "protecting from harm those who are vulnerable, and supporting victims",
    "effectiveness.serious-organised-crime": "tackling serious and organised crime, including its arrangements for its national policing responsibilities",
}
# 2014 landing sentence: "requires improvement in the way it <verb phrase>"
VERB_2014 = {
    "effectiveness.reducing-crime": "reduces crime and prevents offending",
    "effectiveness.investigating-offending": "investigates offending",
    "effectiveness.anti-social-behaviour": "tackles anti-social behaviour",
}

# "Last updated" dates (peel-site.md 1.2). 2014 effectiveness: the cycle's publication date.
LAST_UPDATED = {
    "2014": {"effectiveness": "27/11/2014", "efficiency": "12/11/2014"},
    "2015": {"effectiveness": "18/02/2016", "efficiency": "20/10/2015", "legitimacy": "11/02/2016"},
    "2016": {"effectiveness": "02/03/2017", "efficiency": "03/11/2016", "legitimacy": "08/12/2016"},
    "2017": {"effectiveness": "22/03/2018", "efficiency": "09/11/2017", "legitimacy": "12/12/2017"},
}
TRANCHE_DATE = {1: "02/05/2019", 2: "27/09/2019", 3: "20/01/2020"}
TRANCHE_WORD = {1: "one", 2: "two", 3: "three"}

# Headline-sentence typos the real site printed (peel-site.md 2.6): reproduced on the pages of
# the forces they were reported for, so the parser meets them. The line chosen is peelpipe's.
TYPOS = {
    ("thames-valley", "2015", "effectiveness"): "drop-is",   # "...reducing crime good."
    ("northumbria", "2017", "efficiency"): "drop-is",        # "...reducing crime good."
    ("gwent", "2017", "effectiveness"): "is-requires",       # "...is requires improvement."
}

GENERIC_SUMMARY = {  # peelpipe's own words; no grade words in these
    "2014": "This page brings together what HMIC found in the parts of PEEL 2014 that looked at {topic}. "
            "The full inspection reports set out the evidence.",
    "2015": "Our findings on {topic} for PEEL 2015 are summarised here. The full report explains the "
            "evidence behind each judgment.",
    "2016": "This summary draws on our PEEL 2016 inspection of {topic}. The report, which can be "
            "downloaded as a PDF, sets out the evidence in full.",
    "2017": "This summary draws on our PEEL 2017 inspection of {topic}. The report sets out the "
            "evidence we gathered and the reasons for each judgment.",
    "2018-19": "In our integrated PEEL assessment we looked at {topic} alongside the rest of the "
               "force’s work. The detailed findings set out the evidence in full.",
}
TOPIC = {"effectiveness": "effectiveness", "efficiency": "efficiency", "legitimacy": "legitimacy"}
GENERIC_QUESTION = {
    "2014": "The inspection report explains how we reached this judgment.",
    "2015": "The report explains the evidence for this judgment.",
    "2016": "The full report explains the evidence for this judgment.",
    "2017": "The full report explains the evidence for this judgment.",
    "2018-19": "The detailed findings explain the evidence for this judgment.",
}


# ---- data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForceInfo:
    id: str
    name: str
    name_form: str
    country: str

    def full_name(self, cycle: str) -> str:
        """The force's name as the pages of a cycle print it."""
        if self.id == "hampshire":  # renamed Hampshire and Isle of Wight Constabulary in 2022
            return "Hampshire Constabulary"
        return self.name

    def short_name(self, cycle: str) -> str:
        """The name in page titles ("Staffordshire 2017")."""
        name = self.full_name(cycle)
        if self.id == "metropolitan":
            return name
        for suffix in (" Constabulary", " Police"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name

    def subject(self, cycle: str) -> str:
        """The name at the start of a sentence."""
        name = self.full_name(cycle)
        return "The " + name if self.id == "metropolitan" else name

    def in_sentence(self, cycle: str) -> str:
        name = self.full_name(cycle)
        return "the " + name if self.id == "metropolitan" else name

    def the_force(self) -> str:
        return "the constabulary" if self.name_form == "constabulary" else "the force"


@dataclass
class Fact:
    force: str
    cycle: str
    area: str
    grade: str
    source: str
    also: str = ""
    tranche: int | None = None
    last_updated: str = ""
    carried_over: bool = False
    note: str = ""

    @property
    def pillar(self) -> str:
        return self.area.split(".")[0]


@dataclass
class ForceCycle:
    force: ForceInfo
    cycle: str
    grades: dict[str, Fact] = field(default_factory=dict)
    not_graded: dict[str, dict] = field(default_factory=dict)
    ungraded: dict[str, dict] = field(default_factory=dict)

    @property
    def tranche(self) -> int | None:
        for fact in self.grades.values():
            if fact.tranche:
                return fact.tranche
        return None

    def pillar_known(self, pillar: str) -> bool:
        return pillar in self.grades or pillar in self.not_graded

    def has_pillar_page(self, pillar: str) -> bool:
        return self.pillar_known(pillar) or any(a.startswith(pillar + ".") for a in self.grades)

    def pillars(self) -> list[str]:
        return [p for p in PILLARS if self.has_pillar_page(p)]

    def last_updated(self, pillar: str) -> str:
        """The pillar's "Last updated" date, or "" where it is not known."""
        fact = self.grades.get(pillar)
        if fact and fact.last_updated:
            return fact.last_updated
        if self.cycle == "2018-19":
            t = self.tranche
            return TRANCHE_DATE[t] if t else ""
        return LAST_UPDATED[self.cycle].get(pillar, "")

    def landing_path(self) -> str:
        return f"/peel-assessments/{SEGMENT[self.cycle]}/{self.force.id}/"

    def pillar_path(self, pillar: str) -> str:
        return f"{self.landing_path()}{pillar}/"

    def sources(self, areas: list[str] | None = None) -> list[str]:
        out: set[str] = set()
        for area, fact in self.grades.items():
            if areas is None or area in areas or area.split(".")[0] in areas:
                out.add(fact.source)
        for area, row in list(self.not_graded.items()) + list(self.ungraded.items()):
            if areas is None or area.split(".")[0] in areas:
                out.add(row["source"])
        return sorted(out)


def config_dir() -> Path:
    here = PACKAGE_DIR.parents[2] / "config"
    if (here / "forces.toml").is_file():
        return here
    from peelpipe.config import default_config_dir

    return default_config_dir()


def load_forces() -> dict[str, ForceInfo]:
    data = tomllib.loads((config_dir() / "forces.toml").read_text(encoding="utf-8"))
    return {f["id"]: ForceInfo(f["id"], f["name"], f["name_form"], f["country"]) for f in data["force"]}


def load_area_labels() -> dict[str, list[str]]:
    data = tomllib.loads((config_dir() / "areas.toml").read_text(encoding="utf-8"))
    return {a["id"]: list(a.get("labels", [])) for a in data["area"]}


def load_facts(path: Path = FACTS_PATH) -> dict[tuple[str, str], ForceCycle]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    forces = load_forces()
    table: dict[tuple[str, str], ForceCycle] = {}

    def entry(force: str, cycle: str) -> ForceCycle:
        if force not in forces:
            raise ValueError(f"facts.toml: unknown force {force!r}")
        if cycle not in CYCLES:
            raise ValueError(f"facts.toml: cycle {cycle!r} is not a pillar cycle")
        return table.setdefault((force, cycle), ForceCycle(forces[force], cycle))

    for row in data.get("grade", []):
        fact = Fact(**row)
        if fact.grade not in GRADE_WORDS:
            raise ValueError(f"facts.toml: bad grade {fact.grade!r}")
        fc = entry(fact.force, fact.cycle)
        if fact.area in fc.grades:
            raise ValueError(f"facts.toml: duplicate row {fact.force} {fact.cycle} {fact.area}")
        fc.grades[fact.area] = fact
    for row in data.get("not_graded", []):
        entry(row["force"], row["cycle"]).not_graded[row["area"]] = row
    for row in data.get("ungraded", []):
        entry(row["force"], row["cycle"]).ungraded[row["area"]] = row
    return dict(sorted(table.items(), key=lambda kv: (kv[0][0], CYCLES.index(kv[0][1]))))


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
        verb = "requires improvement" if effic.grade == "requires_improvement" else f"is {GRADE_WORDS[effic.grade].lower()}"
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


def sample_banner(sources: list[str], flagship_page: bool = False) -> str:
    wording = ("the wording is peelpipe's own paraphrase of the published page" if flagship_page
               else "the wording is peelpipe's own")
    if sources:
        links = "; ".join(f'<a href="{attr(s)}">{esc(s)}</a>' for s in sources)
        label = "source" if len(sources) == 1 else "sources"
        text = (f"<strong>Sample data:</strong> a peelpipe demonstration page. The grades are real "
                f"published HMICFRS grades ({label}: {links}); {wording}.")
    else:
        text = ("<strong>Sample data:</strong> a peelpipe demonstration site. Its grades are real "
                "published HMICFRS grades; the wording is peelpipe's own.")
    return f'<div class="sample-banner" role="note">\n<p>{text}</p>\n</div>\n'


def render_page(*, title: str, h1: str, breadcrumb: list[tuple[str, str]], main: str,
                sources: list[str], side: list[tuple[str, str, bool]] | None = None,
                flagship_page: bool = False, description: str = "") -> str:
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
        side_html = ('<aside class="sidebar" aria-label="In this section">\n<h2 class="sidebar-title">'
                     'In this section</h2>\n<ul>\n' + "\n".join(items) + "\n</ul>\n</aside>\n")
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
{sample_banner(sources, flagship_page)}<header class="site-header">
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
    crumbs = [("/", "Home"), ("/peel-assessments/", "PEEL assessments"),
              (f"/peel-assessments/{SEGMENT[fc.cycle]}/", f"PEEL {CYCLE_YEAR[fc.cycle]}"),
              (fc.landing_path(), fc.force.short_name(fc.cycle))]
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
    return (f'<p class="welsh-version"><a href="{href}" lang="cy">Os hoffech chi ddarllen hwn trwy\'r '
            f"Gymraeg (PDF document)</a></p>\n")


def missing_note(fc: ForceCycle, pillars: list[str]) -> str:
    if not pillars:
        return ""
    names = " and ".join(pillars) if len(pillars) <= 2 else ", ".join(pillars[:-1]) + " and " + pillars[-1]
    grade, those = ("grades", "those pillars") if len(pillars) > 1 else ("grade", "that pillar")
    return (f'<p class="sample-note"><em>Sample site: peelpipe\'s sample data holds no published '
            f"{names} {grade} for {esc(fc.force.in_sentence(fc.cycle))} in PEEL {CYCLE_YEAR[fc.cycle]}, "
            f"so this page leaves {those} out.</em></p>\n")


# ---- landing pages -----------------------------------------------------------------------


def landing_main(fc: ForceCycle) -> str:
    f, c = fc.force, fc.cycle
    out = [welsh_link(fc)]
    out.append(f"<p>{esc(INTRO[c].format(name=f.in_sentence(c)))} {esc(INTRO_MORE[c])}</p>\n")
    if c == "2014":
        out.append(f'<p class="summary">{esc(sentence_2014(fc))}</p>\n')
        out.append('<p class="sample-note"><em>Sample site: PEEL 2014 did not grade legitimacy, and '
                   "peelpipe's sample data holds no findings for it, so this page leaves it out.</em></p>\n")
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
            out.append('<p class="sample-note"><em>Sample site: the overall grade for this pillar is not in '
                       "peelpipe's sample data; the page linked below shows the question grades that are.</em></p>\n")
        out.append(f'<p class="more"><a href="{fc.pillar_path(p)}">Read more about {p}</a></p>\n')
        out.append("</section>\n")
    return "".join(out)


def not_graded_sentence(fc: ForceCycle, pillar: str) -> str:
    return (f"Following the Manchester Arena attack in May 2017, we did not inspect or grade "
            f"{fc.force.in_sentence(fc.cycle)} on {pillar} in PEEL 2017.")


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
        out.append("<p>This question was not subject to detailed inspection in 2018/19, and our judgment "
                   "from the 2017 inspection has been carried over.</p>\n")
    out.append(f"<p>{esc(GENERIC_QUESTION[c])}</p>\n</section>\n")
    return "".join(out)


def pillar_main(fc: ForceCycle, pillar: str) -> str:
    c, f = fc.cycle, fc.force
    if (f.id, c, pillar) == (flagship.FORCE, flagship.CYCLE, flagship.PILLAR):
        return flagship.BODY
    out = [welsh_link(fc), '<section class="pillar-summary" id="summary">\n']
    unknown = (pillar not in fc.grades and pillar not in fc.not_graded and not (c == "2014" and pillar == "effectiveness"))
    # With no known overall grade the headline question is left out: a real page always grades it,
    # and a page that asked it without answering would be a page the parser must report.
    out.append(f"<h2>{'Summary' if unknown else esc(PILLAR_QUESTION[c][pillar])}</h2>\n")
    out.append(last_updated_html(c, fc.last_updated(pillar)))
    topic = TOPIC[pillar]
    if pillar in fc.grades:
        grade = fc.grades[pillar].grade
        if not omit_label(fc, pillar):
            out.append(grade_html(c, GRADE_WORDS[grade]))
        out.append(f"<p>{esc(graded_sentence(f.subject(c), grade, PILLAR_ACTIVITY[(c, pillar)]))} "
                   f"{esc(GENERIC_SUMMARY[c].format(topic=topic))}</p>\n")
    elif pillar in fc.not_graded:
        out.append(grade_html(c, fc.not_graded[pillar].get("printed", "Not being graded")))
        out.append(f"<p>{esc(not_graded_sentence(fc, pillar))}</p>\n")
    elif c == "2014" and pillar == "effectiveness":
        out.append("<p>In 2014 we did not give an overall effectiveness grade. We graded three "
                   "questions, set out below, and reported on the others without grading them.</p>\n")
    else:
        out.append(f'<p class="sample-note"><em>Sample site: peelpipe\'s sample data holds no published '
                   f"overall {pillar} grade for {esc(f.in_sentence(c))} in PEEL {CYCLE_YEAR[c]}, so this page "
                   "shows only the question grades it holds.</em></p>\n")
        out.append(f"<p>{esc(GENERIC_SUMMARY[c].format(topic=topic))}</p>\n")
    out.append("</section>\n")

    shown = [(i + 1, a, w) for i, (a, w) in enumerate(QUESTIONS[c].get(pillar, []))
             if a in fc.grades or a in fc.ungraded]
    if shown:
        if c != "2014":
            out.append(f'<h2 id="questions">Questions for {pillar.capitalize()}</h2>\n')
        for number, area, wording in shown:
            out.append(question_block(fc, pillar, number, area, wording))
    elif pillar not in fc.not_graded:
        out.append(f'<p class="sample-note"><em>Sample site: this page leaves out the questions for '
                   f"{pillar}, because peelpipe's sample data holds no published grades for them.</em></p>\n")
    return "".join(out)


# ---- build -------------------------------------------------------------------------------


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
        pages.append(Page(fc.landing_path(), render_page(
            title=f"{f.short_name(c)} {CYCLE_YEAR[c]}", h1=f"{f.short_name(c)} {CYCLE_YEAR[c]}",
            breadcrumb=breadcrumb(fc), main=landing_main(fc), sources=fc.sources(),
            side=side_links(fc, None), description=f"PEEL {CYCLE_YEAR[c]} assessment of {f.full_name(c)}",
        ), fc, None))
        for p in fc.pillars():
            is_flagship = (f.id, c, p) == (flagship.FORCE, flagship.CYCLE, flagship.PILLAR)
            pages.append(Page(fc.pillar_path(p), render_page(
                title=f"{f.short_name(c)} PEEL {PILLAR_TITLE_YEAR[c]}", h1=f"{f.short_name(c)} PEEL {PILLAR_TITLE_YEAR[c]}",
                breadcrumb=breadcrumb(fc, p), main=pillar_main(fc, p), sources=fc.sources([p]),
                side=side_links(fc, p), flagship_page=is_flagship,
                description=f"PEEL {CYCLE_YEAR[c]} {p} of {f.full_name(c)}",
            ), fc, p))
    return pages


def home_page(table: dict[tuple[str, str], ForceCycle], pages: list[Page]) -> str:
    rows = []
    for fc in table.values():
        links = [f'<a href="{fc.landing_path()}">overview</a>']
        links += [f'<a href="{fc.pillar_path(p)}">{p}</a>' for p in fc.pillars()]
        rows.append(f"<tr><td>{esc(fc.force.full_name(fc.cycle))}</td><td>PEEL {CYCLE_YEAR[fc.cycle]}</td>"
                    f"<td>{1 + len(fc.pillars())}</td><td>{', '.join(links)}</td></tr>")
    main = (
        "<p>This is the <strong>peelpipe sample site</strong>: a small imitation of the PEEL assessment "
        "pages of the HMICFRS website, served on loopback so that the peelpipe pipeline can be "
        "demonstrated and tested without the real site.</p>\n"
        "<p>The grades on these pages are real grades that HMICFRS published; each page names its "
        "sources. Everything else (the wording, the markup, the layout) is peelpipe's own. A force "
        "and cycle not listed here has no pages, and the server answers 404 for it.</p>\n"
        f"<p>{len(table)} force and cycle combinations, {len(pages)} pages.</p>\n"
        '<table class="sample-index">\n<thead><tr><th scope="col">Force</th><th scope="col">Cycle</th>'
        '<th scope="col">Pages</th><th scope="col">Links</th></tr></thead>\n<tbody>\n'
        + "\n".join(rows) + "\n</tbody>\n</table>\n"
    )
    return render_page(title="peelpipe sample site", h1="peelpipe sample site",
                       breadcrumb=[("/", "Home")], main=main, sources=[],
                       description="Index of the peelpipe sample site")


ROBOTS = """\
# peelpipe sample site: sample data for demonstrations and tests, not the HMICFRS website.
# Grades on these pages are real published HMICFRS grades; the wording is peelpipe's own.
User-agent: *
Disallow: /search/
Allow: /
"""


def readme(table: dict[tuple[str, str], ForceCycle], pages: list[Page]) -> str:
    by_cycle: dict[str, int] = {}
    for page in pages:
        if page.fc:
            by_cycle[page.fc.cycle] = by_cycle.get(page.fc.cycle, 0) + 1
    lines = [
        "# peelpipe sample site",
        "",
        "<!-- Generated by `python -m peelpipe.samplesite.build`; edit build.py or facts.toml instead. -->",
        "",
        "A small imitation of the HMICFRS PEEL assessment pages (the 2014 to 2018/19 cycles), for",
        "`make demo` and for tests: `serve_site()` serves it on loopback and the real pipeline runs",
        "against it. The real site could not be reached while peelpipe was written and its HTML markup",
        "is unknown; only the text of its pages is known. So:",
        "",
        "- **The grades are real.** Every grade on every page is a grade HMICFRS published, listed",
        "  with its source in `facts.toml` (transcribed from the project's domain reference,",
        "  section 4.1, plus the question grades of the one real page whose text the project holds).",
        "  No grade is invented: where a grade is not known, the page leaves it out, and a force and",
        "  cycle with no known grade has no pages at all (404).",
        "- **The wording is peelpipe's own**, apart from the site's formulaic sentences (headline",
        "  sentences, question wordings, \"Last updated DD/MM/YYYY\", grade lines), which follow the",
        "  real site's text. The flagship page (Staffordshire PEEL 2017 effectiveness,",
        "  `flagship.py`) paraphrases the real page section by section.",
        "- **The markup is invented**: a WordPress/GOV.UK-like template that varies by cycle.",
        "- **Every page says so** in a \"Sample data\" banner at the top, with its grade sources.",
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
        "```",
        "",
        "`python -m peelpipe.samplesite.server [--port N]` serves until Ctrl-C;",
        "`python -m peelpipe.samplesite.build` regenerates `site/` and this README (same bytes every run)",
        "and checks the result.",
        "",
        "Server behaviour: GET and HEAD (other methods 405); `/<path>/` and `/<path>` (and a query",
        "string such as a trailing `?`) serve `<path>/index.html`; `robots.txt`; everything else 404",
        "with a small HTML body; paths with `..` are refused (400). Strong ETag (quoted sha256 prefix of",
        "the bytes) and a Last-Modified taken from the latest \"Last updated\" date printed on the page",
        "(a fixed date for pages without one; plus one hour per overlay level for files served from an",
        "overlay), never the file's mtime, so a fresh clone gives the same validators. A matching",
        "If-None-Match, or (without If-None-Match) an If-Modified-Since not older than Last-Modified,",
        "gets 304. HTTP/1.1 keep-alive; no logging to stderr.",
        "",
        "## Wording per cycle",
        "",
        "| cycle | landing headline | pillar page heading | grade line markup |",
        "|---|---|---|---|",
        "| 2014 | \"The available evidence indicates that: in terms of its effectiveness, in general, the force is good at … ; the efficiency with which the force carries out its responsibilities is …\" | \"How well the force tackles crime\" (three graded questions, no overall grade), \"How well the force delivers value for money\"; no legitimacy page (not graded in 2014) | `<p><strong>Good</strong></p>` |",
        "| 2015 | \"The extent to which <full force name> is effective at keeping people safe and reducing crime is good.\" (\"… requires improvement.\" without \"is\") | \"How effective/efficient/legitimate is the force at keeping people safe and reducing crime?\" | `<div class=\"grade\"><span>Good</span></div>` |",
        "| 2016, 2017 | \"The extent to which the force/constabulary is efficient at keeping people safe and reducing crime is good.\" plus one box per pillar (question, Last updated, grade line, summary sentence) | as 2015; 2017 question sections print no \"Good\" label (the grade is in the first sentence), other grades are labelled | `<div class=\"judgement\">Good</div>` after `<p class=\"last-updated\">Last updated <time>…</time></p>` |",
        "| 2018/19 | \"<Force> was inspected in tranche three and we found:\" then list items \"the extent to which the force is effective at reducing crime and keeping people safe is good.\" | \"How effectively does the force reduce crime and keep people safe?\" etc.; title \"<Force> PEEL 2018\"; questions carry a lone question number before the grade line | `<p class=\"grade-label\">Good</p>` after `Last updated&nbsp;DD/MM/YYYY` |",
        "",
        "About half of the pillar pages leave out the pillar's grade label, as the real Staffordshire",
        "2017 effectiveness page does: the first summary sentence then carries the grade",
        "(\"Staffordshire Police is good at keeping people safe and reducing crime.\").",
        "Headline-sentence typos reported on the real site are reproduced for the forces they were",
        "reported for: Thames Valley 2015 and Northumbria 2017 (\"…reducing crime good.\"), Gwent 2017",
        "(\"…is requires improvement.\"). Greater Manchester 2017 efficiency and legitimacy print",
        "\"Not being graded\". Hampshire is named \"Hampshire Constabulary\" (its name before 2022).",
        "Dyfed-Powys 2018/19 names no tranche and no \"Last updated\" date (neither is recorded).",
        "",
        f"## What is here ({len(table)} force x cycle combinations, {len(pages)} pages)",
        "",
        "Pages per cycle: " + ", ".join(f"{CYCLE_YEAR[c]}: {by_cycle.get(c, 0)}" for c in CYCLES) + ".",
        "",
        "| force | cycle | pages | grades shown (E / Ef / L; questions) | sources |",
        "|---|---|---|---|---|",
    ]
    abbrev = {"outstanding": "O", "good": "G", "requires_improvement": "RI", "inadequate": "I"}
    for fc in table.values():
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
        lines.append(f"| {fc.force.full_name(fc.cycle)} | {CYCLE_YEAR[fc.cycle]} | {1 + len(fc.pillars())} | {grades} | {srcs} |")
    lines += [
        "",
        "Grades marked as derived come from the national PEEL legitimacy 2017 press-release page,",
        "which names Kent (outstanding) and six forces (requires improvement), says Greater",
        "Manchester was not graded and that all other forces were good; see each row's `note` in",
        "facts.toml.",
        "",
    ]
    return "\n".join(lines)


# ---- checks ------------------------------------------------------------------------------


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
        for area, fact in fc.grades.items():
            pillar = fact.pillar
            page = by_path.get(fc.pillar_path(pillar))
            if page is None:
                problems.append(f"no page for {fc.force.id} {fc.cycle} {area}")
                continue
            text = _fold(LexborHTMLParser(page.html).body.text(separator=" "))
            word = GRADE_WORDS[fact.grade].lower()
            if area == pillar:
                expect = _fold(graded_sentence(fc.force.subject(fc.cycle), fact.grade, PILLAR_ACTIVITY[(fc.cycle, pillar)]))
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


# ---- main --------------------------------------------------------------------------------


def write_site(table: dict[tuple[str, str], ForceCycle], pages: list[Page], site_dir: Path = SITE_DIR) -> None:
    if site_dir.exists():
        shutil.rmtree(site_dir)
    site_dir.mkdir(parents=True)
    for page in pages:
        out = site_dir / page.path.strip("/") / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(page.html.encode("utf-8"))
    (site_dir / "index.html").write_bytes(home_page(table, pages).encode("utf-8"))
    (site_dir / "robots.txt").write_bytes(ROBOTS.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m peelpipe.samplesite.build", description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=SITE_DIR, help="output directory (default: the package's site/)")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the package README.md")
    args = parser.parse_args(argv)
    table = load_facts()
    pages = build_pages(table)
    write_site(table, pages, args.site_dir)
    if not args.no_readme:
        README_PATH.write_bytes(readme(table, pages).encode("utf-8"))
    problems = check(table, pages, args.site_dir)
    for problem in problems:
        print("problem:", problem, file=sys.stderr)
    print(f"{len(table)} force x cycle combinations, {len(pages)} pages (+ index.html, robots.txt) in {args.site_dir}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
