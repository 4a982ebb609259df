"""Render the peelpipe sample site from facts.toml: ``python -m peelpipe.samplesite.build``.

The sample site imitates the PEEL pages of the HMICFRS website (the 2014 to 2018/19 pillar pages
and the 2021/22 and 2023-25 report pages) closely enough for ``make demo`` to run the real
pipeline against it on loopback. Its grades are real
published grades (facts.toml, each with its source); its prose is peelpipe's own; every page says
so in a banner at the top. The real site's HTML markup is unknown, so the markup here is an
invented WordPress/GOV.UK-like template that varies by cycle, as the real site's wording did.

Output: ``site/<url path>/index.html`` for every page, ``site/index.html`` (what is here),
``site/robots.txt``, ``site-updates/<YYYY-MM-DD>/<url path>/index.html`` for every page a
``[[correction]]`` changed after first publication (an overlay for ``serve_site``), and the
package's README.md. The output is deterministic (same bytes on
every run): no clocks, no randomness, sorted iteration.

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
import difflib
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
UPDATES_DIR = PACKAGE_DIR / "site-updates"
README_PATH = PACKAGE_DIR / "README.md"

SITE_NAME = "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services"
REAL_HOST = "https://hmicfrs.justiceinspectorates.gov.uk"
PILLARS = ("effectiveness", "efficiency", "legitimacy")
CYCLES = ("2014", "2015", "2016", "2017", "2018-19")  # pillar cycles: landing page + pillar pages
REPORT_CYCLES = ("2021-22", "2023-25")                # report cycles: one report page
ALL_CYCLES = CYCLES + REPORT_CYCLES
GRADE_WORDS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "adequate": "Adequate",  # five-tier scale, report cycles only
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
ABBREV = {"outstanding": "O", "good": "G", "adequate": "A", "requires_improvement": "RI", "inadequate": "I"}

# ---- per-cycle wording -------------------------------------------------------------------

CYCLE_YEAR = {"2014": "2014", "2015": "2015", "2016": "2016", "2017": "2017", "2018-19": "2018/19",
              "2021-22": "2021/22", "2023-25": "2023\u201325"}
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


# ---- report pages (2021/22 and 2023-25) ----------------------------------------------------

# Report page titles: "<Force> PEEL Assessment 2023\u20132025" (peel-site.md 1.2, force page text).
REPORT_YEAR = {"2021-22": "2021/22", "2023-25": "2023\u20132025"}
# Hampshire's reports live under its new name (peel-site.md 0 item 7 and 3).
REPORT_SLUG = {"hampshire": "hampshire-and-isle-of-wight"}

# The areas of each cycle's "Our judgments" table, in report order, with the labels the reports
# print (peel-site.md 2.8 and 2.9; every label is one of the area's labels in config/areas.toml).
REPORT_AREAS: dict[str, list[tuple[str, str]]] = {
    "2021-22": [
        ("recording-data-about-crime", "Recording data about crime"),
        ("treatment-of-the-public", "Engaging with and treating the public with fairness and respect"),
        ("preventing-crime", "Preventing crime and antisocial behaviour"),
        ("responding-to-the-public", "Responding to the public"),
        ("investigating-crime", "Investigating crime"),
        ("protecting-vulnerable-people", "Protecting vulnerable people"),
        ("managing-offenders", "Managing offenders and suspects"),
        ("disrupting-serious-organised-crime", "Disrupting serious organised crime"),
        ("positive-workplace", "Building, supporting and protecting the workforce"),
        ("use-of-resources", "Strategic planning, organisational management and value for money"),
    ],
    "2023-25": [
        ("treatment-of-the-public", "Police powers and public treatment"),
        ("preventing-crime", "Preventing crime"),
        ("responding-to-the-public", "Responding to the public"),
        ("investigating-crime", "Investigating crime"),
        ("protecting-vulnerable-people", "Protecting vulnerable people"),
        ("managing-offenders", "Managing offenders"),
        ("positive-workplace", "Developing a positive workplace"),
        ("leadership-and-force-management", "Leadership and force management"),
        ("recording-data-about-crime", "Recording data about crime"),
        ("disrupting-serious-organised-crime", "Disrupting serious organised crime"),
        ("workforce-corruption", "Vetting and counter-corruption"),
    ],
}
# 2023-25 reports grade these in separate inspections and "report on these separately"
# (peel-site.md 2.9): shown in a second table below the judgments and not counted in N and M.
SEPARATE_AREAS = {"2023-25": ("disrupting-serious-organised-crime", "workforce-corruption")}

# "<Force> is good at <activity>." (peelpipe's sentence; the area heading carries the label)
AREA_ACTIVITY = {
    "recording-data-about-crime": "recording data about crime",
    "treatment-of-the-public": "engaging with the public and treating people with fairness and respect",
    "preventing-crime": "preventing crime and antisocial behaviour",
    "responding-to-the-public": "responding to the public",
    "investigating-crime": "investigating crime",
    "protecting-vulnerable-people": "protecting vulnerable people",
    "managing-offenders": "managing offenders and suspects",
    "disrupting-serious-organised-crime": "disrupting serious organised crime",
    "positive-workplace": "building, supporting and protecting its workforce",
    "use-of-resources": "strategic planning, organisational management and providing value for money",
    "leadership-and-force-management": "leadership and force management",
    "workforce-corruption": "vetting its workforce and tackling corruption",
}
AREA_ACTIVITY_2023 = {
    "treatment-of-the-public": "using its powers and treating the public fairly and respectfully",
    "positive-workplace": "developing a positive workplace",
}

NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen", 14: "fourteen"}

# peelpipe's own words, apart from the formulaic sentences noted
REPORT_OPENING = {
    "2021-22": "This report sets out what we found when we inspected {name} as part of our PEEL "
               "programme for 2021/22. PEEL stands for police effectiveness, efficiency and legitimacy.",
    # first sentence formulaic (force page text, peel-site.md 1.2)
    "2023-25": "In 2023\u20132025, we carried out a PEEL inspection of {name}. This report sets out "
               "what we found and how we reached our judgments.",
}
# comparability statements (peel-site.md 2.11), paraphrased
REPORT_COMPARABILITY = {
    "2021-22": "This year we grade forces against new characteristics of good policing, on a "
               "five-point scale. That means the grades in this report cannot be compared directly "
               "with those of earlier PEEL inspections. A lower grade, for example adequate where a "
               "force was good before, does not by itself mean that the force is doing worse, "
               "unless the report says so.",
    "2023-25": "The grades in this inspection cannot be compared directly with those of the "
               "previous cycle of PEEL inspections: we now look more closely at the outcomes a force "
               "achieves, and some of the things we inspect have changed.",
}
AREA_MORE = {
    "2021-22": "The full report sets out the evidence behind this judgment.",
    "2023-25": "The full report explains what we found in this area and how we reached our judgment.",
}
SEPARATE_MORE = {
    "disrupting-serious-organised-crime": "We graded this area in a separate inspection of serious "
                                          "organised crime in the region, and we report on it separately.",
    "workforce-corruption": "We graded this area in a separate inspection of vetting and "
                            "counter-corruption, and we report on it separately.",
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
        if self.id == "hampshire" and cycle in CYCLES:  # renamed Hampshire and Isle of Wight Constabulary in 2022
            return "Hampshire Constabulary"
        return self.name

    def report_slug(self) -> str:
        """The slug of the force's 2021/22 and later report pages."""
        return REPORT_SLUG.get(self.id, self.id)

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
class Report:
    """What is known of a report page's own counts ([[report]] rows)."""
    force: str
    cycle: str
    graded_areas: int | None = None
    assessed_areas: int | None = None
    numbers: str = ""
    counts_source: str = ""
    counts_note: str = ""


@dataclass
class Correction:
    """A grade changed on a published report page ([[correction]] rows)."""
    force: str
    cycle: str
    area: str
    from_: str
    to: str
    on: str
    source: str
    note: str = ""

    def day(self) -> str:
        return long_date(self.on)


def long_date(iso_date: str) -> str:
    """ "2024-08-08" -> "8 August 2024" """
    y, m, d = iso_date.split("-")
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    return f"{int(d)} {months[int(m) - 1]} {y}"


@dataclass
class ForceCycle:
    force: ForceInfo
    cycle: str
    grades: dict[str, Fact] = field(default_factory=dict)
    not_graded: dict[str, dict] = field(default_factory=dict)
    ungraded: dict[str, dict] = field(default_factory=dict)
    report: Report | None = None
    causes: dict[str, dict] = field(default_factory=dict)        # area -> [[cause_of_concern]] row
    corrections: list[Correction] = field(default_factory=list)

    @property
    def is_report(self) -> bool:
        return self.cycle in REPORT_CYCLES

    def table_areas(self) -> list[tuple[str, str]]:
        """(area, label) of the "Our judgments" table rows shown, in report order."""
        separate = SEPARATE_AREAS.get(self.cycle, ())
        return [(a, lab) for a, lab in REPORT_AREAS[self.cycle] if a in self.grades and a not in separate]

    def separate_areas(self) -> list[tuple[str, str]]:
        """(area, label) of the separately reported areas shown (2023-25 only)."""
        separate = SEPARATE_AREAS.get(self.cycle, ())
        return [(a, lab) for a, lab in REPORT_AREAS[self.cycle] if a in self.grades and a in separate]

    def intro_counts(self) -> tuple[int, int] | None:
        """(N, M) for the intro sentence, when the page shows all M graded areas and N is known."""
        r = self.report
        if r and r.graded_areas == len(self.table_areas()) and r.assessed_areas:
            return r.assessed_areas, r.graded_areas
        return None

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
        if self.is_report:
            return []
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
        """The landing page of a pillar cycle, or the report page of a report cycle."""
        if self.is_report:
            return f"/peel-reports/{self.force.report_slug()}-{self.cycle}/"
        return f"/peel-assessments/{SEGMENT[self.cycle]}/{self.force.id}/"

    def pillar_path(self, pillar: str) -> str:
        return f"{self.landing_path()}{pillar}/"

    def sources(self, areas: list[str] | None = None) -> list[str]:
        out: set[str] = set()
        for area, fact in self.grades.items():
            if areas is None or area in areas or area.split(".")[0] in areas:
                out.add(fact.source)
                if self.is_report and fact.also:  # report pages name both sources of a grade
                    out.add(fact.also)
        for area, row in list(self.not_graded.items()) + list(self.ungraded.items()):
            if areas is None or area.split(".")[0] in areas:
                out.add(row["source"])
        for c in self.corrections:
            out.add(c.source)
        return sorted(out)

    def cause_sources(self) -> list[str]:
        return sorted({row["source"] for row in self.causes.values()} - set(self.sources()))


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

    def entry(force: str, cycle: str, create: bool = True) -> ForceCycle:
        if force not in forces:
            raise ValueError(f"facts.toml: unknown force {force!r}")
        if cycle not in ALL_CYCLES:
            raise ValueError(f"facts.toml: unknown cycle {cycle!r}")
        if not create and (force, cycle) not in table:
            raise ValueError(f"facts.toml: {force} {cycle} has no [[grade]] row (no grade, no page)")
        return table.setdefault((force, cycle), ForceCycle(forces[force], cycle))

    def report_area(fc: ForceCycle, area: str, what: str) -> None:
        if not fc.is_report:
            raise ValueError(f"facts.toml: {what} rows are for report cycles only ({fc.force.id} {fc.cycle})")
        if area not in dict(REPORT_AREAS[fc.cycle]):
            raise ValueError(f"facts.toml: area {area!r} is not a {fc.cycle} report area")

    for row in data.get("grade", []):
        fact = Fact(**row)
        if fact.grade not in GRADE_WORDS:
            raise ValueError(f"facts.toml: bad grade {fact.grade!r}")
        fc = entry(fact.force, fact.cycle)
        if fact.grade == "adequate" and not fc.is_report:
            raise ValueError(f"facts.toml: adequate is not a grade of the four-tier cycle {fact.cycle}")
        if fc.is_report:
            report_area(fc, fact.area, "[[grade]]")
        if fact.area in fc.grades:
            raise ValueError(f"facts.toml: duplicate row {fact.force} {fact.cycle} {fact.area}")
        fc.grades[fact.area] = fact
    for row in data.get("not_graded", []):
        entry(row["force"], row["cycle"]).not_graded[row["area"]] = row
    for row in data.get("ungraded", []):
        entry(row["force"], row["cycle"]).ungraded[row["area"]] = row
    for row in data.get("report", []):
        report = Report(**row)
        fc = entry(report.force, report.cycle, create=False)
        if not fc.is_report or fc.report is not None:
            raise ValueError(f"facts.toml: bad or duplicate [[report]] row {report.force} {report.cycle}")
        if report.numbers not in ("", "words", "digits"):
            raise ValueError(f"facts.toml: numbers must be 'words' or 'digits' ({report.force} {report.cycle})")
        fc.report = report
        held = len(fc.table_areas())
        if report.graded_areas is not None and held > report.graded_areas:
            raise ValueError(f"facts.toml: {report.force} {report.cycle} holds {held} grades, "
                             f"more than the report's {report.graded_areas}")
        if fc.intro_counts() and not report.numbers:
            raise ValueError(f"facts.toml: {report.force} {report.cycle} prints the intro sentence: set numbers")
    for row in data.get("cause_of_concern", []):
        fc = entry(row["force"], row["cycle"], create=False)
        report_area(fc, row["area"], "[[cause_of_concern]]")
        fc.causes[row["area"]] = row
    for row in data.get("correction", []):
        row = dict(row)
        corr = Correction(from_=row.pop("from"), **row)
        fc = entry(corr.force, corr.cycle, create=False)
        report_area(fc, corr.area, "[[correction]]")
        fact = fc.grades.get(corr.area)
        if fact is None or fact.grade != corr.from_ or corr.to not in GRADE_WORDS or corr.to == corr.from_:
            raise ValueError(f"facts.toml: [[correction]] {corr.force} {corr.cycle} {corr.area} does not "
                             "start from the [[grade]] row's grade")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", corr.on):
            raise ValueError(f"facts.toml: [[correction]] on must be YYYY-MM-DD, not {corr.on!r}")
        fc.corrections.append(corr)
    for (force, cycle), fc in table.items():
        if fc.is_report and fc.report is None:
            raise ValueError(f"facts.toml: {force} {cycle} has report grades but no [[report]] row")
        if fc.is_report and not fc.table_areas():
            raise ValueError(f"facts.toml: {force} {cycle} holds no grade for the judgments table")
    return dict(sorted(table.items(), key=lambda kv: (kv[0][0], ALL_CYCLES.index(kv[0][1]))))


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


def _links(urls: list[str]) -> str:
    return "; ".join(f'<a href="{attr(u)}">{esc(u)}</a>' for u in urls)


def sample_banner(sources: list[str], flagship_page: bool = False, cause_sources: list[str] | None = None) -> str:
    wording = ("the wording is peelpipe's own paraphrase of the published page" if flagship_page
               else "the wording is peelpipe's own")
    if sources:
        label = "source" if len(sources) == 1 else "sources"
        causes = ""
        if cause_sources:
            causes = f"; the causes of concern are recorded in {_links(cause_sources)}"
        text = (f"<strong>Sample data:</strong> a peelpipe demonstration page. The grades are real "
                f"published HMICFRS grades ({label}: {_links(sources)}){causes}; {wording}.")
    else:
        text = ("<strong>Sample data:</strong> a peelpipe demonstration site. Its grades are real "
                "published HMICFRS grades; the wording is peelpipe's own.")
    return f'<div class="sample-banner" role="note">\n<p>{text}</p>\n</div>\n'


def render_page(*, title: str, h1: str, breadcrumb: list[tuple[str, str]], main: str,
                sources: list[str], side: list[tuple[str, str, bool]] | None = None,
                flagship_page: bool = False, description: str = "",
                cause_sources: list[str] | None = None) -> str:
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


# ---- report pages --------------------------------------------------------------------------


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
    return (f"Our inspection assessed how good {fc.force.in_sentence(fc.cycle)} is in {num(n)} areas of "
            f"policing. We make graded judgments in {num(m)} of these {num(n)} as follows:")


def victim_sentence(fc: ForceCycle) -> str:
    dont = "don't" if fc.cycle == "2021-22" else "don\u2019t"
    return (f"We also inspected how effective a service {fc.force.in_sentence(fc.cycle)} gives to victims "
            f"of crime. We {dont} make a graded judgment in this overall area.")


SEPARATELY = ("We also assess the force\u2019s performance in a range of other areas and we report on "
              "these separately. We make graded judgments for some of these areas.")


def partial_note(fc: ForceCycle) -> str:
    """The sample note that stands in for the intro sentence, or "" when the page prints it."""
    if fc.intro_counts():
        return ""
    held = len(fc.grades)
    r = fc.report
    if r and r.graded_areas == len(fc.table_areas()):  # all graded areas held, N not known
        text = (f"Sample site: this page shows all {held} area grades that HMICFRS's news release "
                f"about this report counts. peelpipe's sample data does not hold the number of areas "
                f"the report assessed, so this page leaves out the sentence that gives it.")
    else:
        grades = "area grade" if held == 1 else "area grades"
        text = (f"Sample site: this page shows only the {held} {grades} peelpipe's sample data holds; "
                f"the published report has more.")
    return f'<p class="sample-note"><em>{esc(text)}</em></p>\n'


def judgments_table(fc: ForceCycle, rows: list[tuple[str, str]], applied: tuple[Correction, ...],
                    caption: str = "") -> str:
    out = ['<table class="judgments">\n']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>\n")
    out.append('<thead>\n<tr><th scope="col">Area</th><th scope="col">Grade</th></tr>\n</thead>\n<tbody>\n')
    for area, label in rows:
        grade = report_grade(fc, area, applied)
        out.append(f'<tr><td><a href="#{area}">{esc(label)}</a></td>'
                   f'<td class="grade grade-{grade.replace("_", "-")}">{esc(GRADE_WORDS[grade])}</td></tr>\n')
    out.append("</tbody>\n</table>\n")
    return "".join(out)


def update_note(fc: ForceCycle, corr: Correction) -> str:
    label = dict(REPORT_AREAS[fc.cycle])[corr.area].lower()
    text = (f"This page was updated on {corr.day()}: we changed our grade for {label} from "
            f"{GRADE_WORDS[corr.from_].lower()} to {GRADE_WORDS[corr.to].lower()}.")
    return f'<div class="page-update" role="note">\n<p>{esc(text)}</p>\n</div>\n'


def cause_block(fc: ForceCycle, area: str) -> str:
    row = fc.causes.get(area)
    if row is None:
        return ""
    text = f"We found a cause of concern about the force\u2019s performance in {area_activity(fc.cycle, area)}."
    if row.get("raised_on"):
        text += (f" We first raised it with the force on {long_date(row['raised_on'])}, as an accelerated "
                 "cause of concern, before this report was published.")
    return (f'<div class="cause-of-concern">\n<h3>Cause of concern</h3>\n<p>{esc(text)}</p>\n</div>\n')


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
        text = (f"Sample site: the published report also sets out a cause of concern about {label}. "
                "peelpipe's sample data holds no grade for that area, so this page has no section for it.")
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
    what_is = {"2021-22": "/peel-assessments/what-is-peel/peel-assessments-2021-22/",
               "2023-25": "/peel-assessments/what-is-peel/peel-assessments-2023-2025/"}[c]
    crumbs = [("/", "Home"), ("/peel-assessments/", "PEEL assessments"), (what_is, f"PEEL {REPORT_YEAR[c]}"),
              (fc.landing_path(), f.full_name(c))]
    return render_page(title=title, h1=title, breadcrumb=crumbs, main=report_main(fc, applied),
                       sources=fc.sources(), cause_sources=fc.cause_sources(),
                       description=f"PEEL {REPORT_YEAR[c]} inspection report on {f.full_name(c)}")


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
        if fc.is_report:
            pages.append(Page(fc.landing_path(), report_page(fc), fc, None))
            continue
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
                f"<td>{esc(report_shown(fc))}</td><td>{intro}</td></tr>")
            continue
        links = [f'<a href="{fc.landing_path()}">overview</a>']
        links += [f'<a href="{fc.pillar_path(p)}">{p}</a>' for p in fc.pillars()]
        rows.append(f"<tr><td>{esc(fc.force.full_name(fc.cycle))}</td><td>PEEL {CYCLE_YEAR[fc.cycle]}</td>"
                    f"<td>{1 + len(fc.pillars())}</td><td>{', '.join(links)}</td></tr>")
    update_items = []
    for u in updates:
        changes = "; ".join(f"{dict(REPORT_AREAS[c.cycle])[c.area]}: {GRADE_WORDS[c.from_]} to {GRADE_WORDS[c.to]}"
                            for c in u.corrections if c.on == u.on)
        update_items.append(f'<li><a href="{u.path}">{u.path}</a>, updated on {esc(long_date(u.on))} '
                            f"({esc(changes)}): the corrected version is in the overlay "
                            f"<code>site-updates/{u.on}/</code>.</li>")
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
        + "\n".join(rows) + "\n</tbody>\n</table>\n"
        "<h2>PEEL 2021/22 and 2023\u201325: report pages</h2>\n"
        "<p>One page per report. A report page shows only the area grades peelpipe's sample data "
        "holds; where that is fewer than the report has, or the report's count of areas is not "
        "known, the page says so and leaves out the sentence that counts the areas.</p>\n"
        '<table class="sample-index">\n<thead><tr><th scope="col">Force</th><th scope="col">Cycle</th>'
        '<th scope="col">Report page</th><th scope="col">Area grades shown (of the graded areas the report or its release counts, where known)</th>'
        '<th scope="col">Intro sentence</th></tr></thead>\n<tbody>\n'
        + "\n".join(report_rows) + "\n</tbody>\n</table>\n"
        "<h2>Pages changed after publication</h2>\n"
        "<p>This site serves each page as first published. A corrected version is kept apart, in an "
        "update overlay that the server serves in its place when asked to.</p>\n"
        "<ul>\n" + "\n".join(update_items) + "\n</ul>\n"
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


def readme(table: dict[tuple[str, str], ForceCycle], pages: list[Page], updates: list[Update]) -> str:
    by_cycle: dict[str, int] = {}
    for page in pages:
        if page.fc:
            by_cycle[page.fc.cycle] = by_cycle.get(page.fc.cycle, 0) + 1
    lines = [
        "# peelpipe sample site",
        "",
        "<!-- Generated by `python -m peelpipe.samplesite.build`; edit build.py or facts.toml instead. -->",
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
        "  sentences, question wordings, \"Last updated DD/MM/YYYY\", grade lines, the report pages'",
        "  \"Our inspection assessed how good ...\" and victim-service sentences and area labels),",
        "  which follow the real site's text. The flagship page (Staffordshire PEEL 2017",
        "  effectiveness, `flagship.py`) paraphrases the real page section by section.",
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
        "",
        "# the bundled correction: Northamptonshire 2023-25 as changed on 8 August 2024",
        "from peelpipe.samplesite import UPDATES_ROOT   # site-updates/2024-08-08",
        "with serve_site(overlays=[UPDATES_ROOT]) as site:",
        "    ...                             # /peel-reports/northamptonshire-2023-25/ is the corrected page",
        "```",
        "",
        "`python -m peelpipe.samplesite.server [--port N]` serves until Ctrl-C;",
        "`python -m peelpipe.samplesite.build` regenerates `site/`, `site-updates/` and this README (same",
        "bytes every run) and checks the result.",
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
        "## Report pages (PEEL 2021/22 and 2023\u201325)",
        "",
        "One page per report, at `/peel-reports/<slug>-2021-22/` and `/peel-reports/<slug>-2023-25/`",
        "(Hampshire: `hampshire-and-isle-of-wight-...`, and the force is named Hampshire and Isle of",
        "Wight Constabulary). Title and heading \"<Force> PEEL Assessment 2021/22\" or \"... 2023\u20132025\".",
        "The page has an \"Overall summary\" (own words, with a paraphrase of the cycle's statement",
        "that its grades cannot be compared directly with the previous cycle's), then \"Our judgments\":",
        "",
        "- the intro sentence \"Our inspection assessed how good <Force> is in N areas of policing. We",
        "  make graded judgments in M of these N as follows:\" (number words or digits, as on the real",
        "  site), **only** where the page shows all M graded areas of the report and N is known",
        "  (`[[report]]` rows in facts.toml). Otherwise the sentence is left out and a note says why:",
        "  \"Sample site: this page shows only the N area grades peelpipe's sample data holds; the",
        "  published report has more.\" (or, for Wiltshire 2021/22, that all graded areas are shown but",
        "  the report's count of areas is not held);",
        "- a `<table class=\"judgments\">` with columns Area | Grade, one row per area grade held, the",
        "  grade as text (Outstanding, Good, Adequate, Requires improvement, Inadequate), the area label",
        "  as the cycle's reports print it (for example \"Engaging with and treating the public with",
        "  fairness and respect\" in 2021/22, \"Police powers and public treatment\" in 2023\u201325);",
        "- \"We also inspected how effective a service <Force> gives to victims of crime. We don't make a",
        "  graded judgment in this overall area.\"; 2023\u201325 pages add \"We also assess the force's",
        "  performance in a range of other areas and we report on these separately. ...\" and, where a",
        "  separately graded area is held (Merseyside's serious organised crime), a second Area | Grade",
        "  table under \"Areas we report on separately\", not counted in N and M.",
        "",
        "Then one section per area shown: the area label as heading and a sentence that gives the",
        "grade (\"Wiltshire Police requires improvement at investigating crime.\"), plus a \"Cause of",
        "concern\" block where a source records one (Greater Manchester 2021/22).",
        "",
        "**A grade changed after publication.** Northamptonshire 2023\u201325 \"Responding to the public\"",
        "was adequate when first published and changed to requires improvement on 8 August 2024",
        "(`[[correction]]` in facts.toml). `site/` holds the page as first published; the corrected",
        "page, identical apart from that grade and a dated note (\"This page was updated on 8 August",
        "2024: ...\"), is built into `site-updates/2024-08-08/peel-reports/northamptonshire-2023-25/`",
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
        lines.append(f"| {fc.force.full_name(fc.cycle)} | {CYCLE_YEAR[fc.cycle]} | `{fc.landing_path()}` | "
                     f"{report_shown(fc)}: {grades} | {intro} | {srcs} |")
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


_INTRO = re.compile(r"assessed how good (?P<force>.+?) is in (?P<n>\w+) areas of policing\. "
                    r"we make graded judgments in (?P<m>\w+) of these (?P<n2>\w+) as follows:")
_SHOWS_ONLY = re.compile(r"this page shows only the (\d+) area grades? peelpipe's sample data holds; "
                         r"the published report has more\.")


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
        "tables": tables, "h2": h2, "text": text, "updates": updates,
        "intro": (number(intro["n"]), number(intro["m"]), intro["n2"] == intro["n"]) if intro else None,
        "shows_only": int(only.group(1)) if only else None,
    }


def check_reports(table: dict[tuple[str, str], ForceCycle], pages: list[Page], updates: list[Update],
                  updates_dir: Path = UPDATES_DIR) -> list[str]:
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
                    return f'">{label}</a></td><td class="grade grade-{grade.replace("_", "-")}">{GRADE_WORDS[grade]}</td>'

                swaps.append((cell(c.from_), cell(c.to)))
                swaps.append((esc(graded_sentence(subject, c.from_, activity)),
                              esc(graded_sentence(subject, c.to, activity))))
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


# ---- main --------------------------------------------------------------------------------


def write_site(table: dict[tuple[str, str], ForceCycle], pages: list[Page], site_dir: Path = SITE_DIR,
               updates: list[Update] | None = None, updates_dir: Path = UPDATES_DIR) -> None:
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
    parser = argparse.ArgumentParser(prog="python -m peelpipe.samplesite.build", description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=SITE_DIR, help="output directory (default: the package's site/)")
    parser.add_argument("--updates-dir", type=Path, default=UPDATES_DIR,
                        help="output directory of the corrected pages (default: the package's site-updates/)")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the package README.md")
    args = parser.parse_args(argv)
    table = load_facts()
    pages = build_pages(table)
    updates = build_updates(table)
    write_site(table, pages, args.site_dir, updates, args.updates_dir)
    if not args.no_readme:
        README_PATH.write_bytes(readme(table, pages, updates).encode("utf-8"))
    problems = check(table, pages, args.site_dir) + check_reports(table, pages, updates, args.updates_dir)
    for problem in problems:
        print("problem:", problem, file=sys.stderr)
    print(f"{len(table)} force x cycle combinations, {len(pages)} pages (+ index.html, robots.txt) in {args.site_dir}; "
          f"{len(updates)} corrected page(s) in {args.updates_dir}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
