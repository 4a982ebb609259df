"""Pages that state the same facts in many layouts and typographies (issue 14, item 5).

Written from the facts alone (the question and area wordings of config/areas.toml, the page wording
and grade scales of the site reference), apart from the parsers. A page is drawn as `Facts` (force,
cycle, page, a grade per area) and a `Style` (layout, grade form, heading style, noise classes);
`render` turns the pair into HTML a person reads unambiguously: every grade sits inside its area's
own block, row, item or sentence, and grade words that belong to no area (a grade key, a cookie
banner) are clearly page furniture.

Strategies: `landing_pages()`, `pillar_pages()`, `report_pages()`; `isolation_cases()` yields one
deterministic page per class (a family's baseline with one thing changed) for reports.
"""

from __future__ import annotations

import html
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

from hypothesis import strategies as st

FORCE_ID = "testshire"  # the synthetic force tests/sites.py adds to a copy of the config
FORCE_NAME = "Testshire Constabulary"
NAME_FORM = "constabulary"
SITE = "https://hmicfrs.justiceinspectorates.gov.uk"

FOUR_TIER = ("outstanding", "good", "requires_improvement", "inadequate")
FIVE_TIER = ("outstanding", "good", "adequate", "requires_improvement", "inadequate")
GRADE_TEXT = {
    "outstanding": "Outstanding",
    "good": "Good",
    "adequate": "Adequate",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
GRADED = "graded"


@dataclass(frozen=True)
class CycleFacts:
    """What a page of one cycle says about the cycle itself."""

    id: str
    segment: str
    label: str  # as printed in titles
    scale: tuple[str, ...]
    updated: str = ""  # a "Last updated" date (pillar cycles)
    ordinal: str = ""
    org: str = "HMICFRS"


CYCLES = {
    c.id: c
    for c in (
        CycleFacts("2014", "peel-2014", "2014", FOUR_TIER, "12/11/2014", "first", "HMIC"),
        CycleFacts("2015", "peel-2015", "2015", FOUR_TIER, "11/02/2016", "second", "HMIC"),
        CycleFacts("2016", "peel-2016", "2016", FOUR_TIER, "02/03/2017", "third", "HMIC"),
        CycleFacts("2017", "peel-2017", "2017", FOUR_TIER, "22/03/2018", "fourth"),
        CycleFacts("2018-19", "peel-2018", "2018/19", FOUR_TIER, "02/05/2019", "fifth"),
        CycleFacts("2021-22", "2021-22", "2021/22", FIVE_TIER),
        CycleFacts("2023-25", "2023-25", "2023\u20132025", FIVE_TIER),
        CycleFacts("2025-27", "2025-27", "2025\u20132027", FIVE_TIER),
    )
}
PILLAR_CYCLES = ("2014", "2015", "2016", "2017", "2018-19")
REPORT_CYCLES = ("2021-22", "2023-25", "2025-27")
PILLARS = ("effectiveness", "efficiency", "legitimacy")

# ---- wordings (config/areas.toml labels, placed by cycle as the site reference has them) -----------

_PILLAR_2015_17 = {
    "effectiveness": ("How effective is the force at keeping people safe and reducing crime?", True),
    "efficiency": ("How efficient is the force at keeping people safe and reducing crime?", True),
    "legitimacy": ("How legitimate is the force at keeping people safe and reducing crime?", True),
}
PILLAR_WORDING: dict[str, dict[str, tuple[str, bool]]] = {  # cycle -> pillar -> (wording, graded)
    "2014": {
        "effectiveness": ("How well the force tackles crime", False),
        "efficiency": ("How well the force delivers value for money", True),
        "legitimacy": ("Does the force act with integrity and provide a service the public expects?", False),
    },
    "2015": _PILLAR_2015_17,
    "2016": _PILLAR_2015_17,
    "2017": _PILLAR_2015_17,
    "2018-19": {
        "effectiveness": ("How effectively does the force reduce crime and keep people safe?", True),
        "efficiency": (
            "How efficiently does the force operate and how sustainable are its services to the public?",
            True,
        ),
        "legitimacy": ("How legitimately does the force treat the public and its workforce?", True),
    },
}

_EFF_2016 = (
    (
        "effectiveness.preventing-crime",
        "How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?",
        True,
    ),
    (
        "effectiveness.investigating-crime",
        "How effective is the force at investigating crime and reducing re-offending?",
        True,
    ),
    (
        "effectiveness.protecting-vulnerable",
        "How effective is the force at protecting those who are vulnerable from harm, and supporting victims?",
        True,
    ),
    (
        "effectiveness.serious-organised-crime",
        "How effective is the force at tackling serious and organised crime?",
        True,
    ),
    ("effectiveness.specialist-capabilities", "How effective are the force's specialist capabilities?", False),
)
_LEG_2016 = (
    (
        "legitimacy.fair-treatment",
        "To what extent does the force treat all of the people it serves with fairness and respect?",
        True,
    ),
    (
        "legitimacy.ethical-behaviour",
        "How well does the force ensure that its workforce behaves ethically and lawfully?",
        True,
    ),
    (
        "legitimacy.workforce-fairness",
        "To what extent does the force treat its workforce with fairness and respect?",
        True,
    ),
)
QUESTIONS: dict[tuple[str, str], tuple[tuple[str, str, bool], ...]] = {  # (cycle, pillar) -> (area, wording, graded)
    ("2014", "effectiveness"): (
        (
            "effectiveness.reducing-crime",
            "How effective is the force at reducing crime and preventing offending?",
            True,
        ),
        ("effectiveness.investigating-offending", "How effective is the force at investigating offending?", True),
        ("effectiveness.anti-social-behaviour", "How effective is the force at tackling anti-social behaviour?", True),
        (
            "effectiveness.protecting-vulnerable",
            "How effective is the force at protecting those at greatest risk of harm?",
            False,
        ),
        (
            "effectiveness.serious-organised-crime",
            "How effective is the force at tackling serious, organised and complex crime?",
            False,
        ),
        (
            "effectiveness.strategic-policing-requirement",
            "How effective is the force at meeting its commitments under the Strategic Policing Requirement?",
            False,
        ),
    ),
    ("2014", "efficiency"): (
        (
            "efficiency.workforce-model",
            "To what extent has the force got an affordable way of providing policing?",
            True,
        ),
        (
            "efficiency.financial-position",
            "To what extent is the force taking steps to ensure a secure financial position for the short and long term?",
            True,
        ),
    ),
    ("2014", "legitimacy"): (),
    ("2015", "effectiveness"): (
        (
            "effectiveness.preventing-crime",
            "How effective is the force at preventing crime and anti-social behaviour, and keeping people safe?",
            True,
        ),
        (
            "effectiveness.investigating-crime",
            "How effective is the force at investigating crime and managing offenders?",
            True,
        ),
        (
            "effectiveness.protecting-vulnerable",
            "How effective is the force at protecting from harm those who are vulnerable, and supporting victims?",
            True,
        ),
        (
            "effectiveness.serious-organised-crime",
            "How effective is the force at tackling serious and organised crime, including its arrangement for "
            "fulfilling its national policing responsibilities?",
            True,
        ),
    ),
    ("2015", "efficiency"): (
        ("efficiency.use-of-resources", "How well does the force use its resources to meet its demand?", True),
        ("efficiency.workforce-model", "How sustainable and affordable is the workforce model?", True),
        (
            "efficiency.financial-position",
            "How sustainable is the force's financial position for the short and long term?",
            True,
        ),
    ),
    ("2015", "legitimacy"): (
        (
            "legitimacy.ethical-culture",
            "To what extent does practice and behaviour reinforce the wellbeing of staff and an ethical culture?",
            True,
        ),
        (
            "legitimacy.crime-recording",
            "To what extent are forces recording crimes in accordance with the Home Office Counting Rules?",
            False,
        ),
        (
            "legitimacy.fair-treatment",
            "How well does the force understand, engage with and treat fairly the people it serves to maintain "
            "and improve its legitimacy?",
            True,
        ),
        (
            "legitimacy.stop-and-search",
            "To what extent are decisions taken on the use of stop and search and Taser fair and appropriate?",
            True,
        ),
    ),
    ("2016", "effectiveness"): _EFF_2016,
    ("2016", "efficiency"): (
        (
            "efficiency.understanding-demand",
            "How well does the force understand its current and likely future demand?",
            True,
        ),
        ("efficiency.use-of-resources", "How well does the force use its resources to manage current demand?", True),
        ("efficiency.planning-for-future", "How well is the force planning for demand in the future?", True),
    ),
    ("2016", "legitimacy"): _LEG_2016,
    ("2017", "effectiveness"): _EFF_2016,
    ("2017", "efficiency"): (
        ("efficiency.understanding-demand", "How well does the force understand demand?", True),
        ("efficiency.use-of-resources", "How well does the force use its resources?", True),
        ("efficiency.planning-for-future", "How well is the force planning for the future?", True),
    ),
    ("2017", "legitimacy"): _LEG_2016,
    ("2018-19", "effectiveness"): _EFF_2016,
    ("2018-19", "efficiency"): (
        ("efficiency.use-of-resources", "How well does the force use its resources to meet the demand it faces?", True),
        ("efficiency.planning-for-future", "How well does the force plan for the future?", True),
    ),
    ("2018-19", "legitimacy"): _LEG_2016,
}

# Report pages: (area, label) in page order per cycle; the flag marks areas a force may lack.
_REPORT_2021 = (
    ("recording-data-about-crime", "Recording data about crime", True),
    ("treatment-of-the-public", "Engaging with and treating the public with fairness and respect", False),
    ("preventing-crime", "Preventing crime and antisocial behaviour", False),
    ("responding-to-the-public", "Responding to the public", False),
    ("investigating-crime", "Investigating crime", False),
    ("protecting-vulnerable-people", "Protecting vulnerable people", False),
    ("managing-offenders", "Managing offenders and suspects", False),
    ("disrupting-serious-organised-crime", "Disrupting serious organised crime", True),
    ("positive-workplace", "Building, supporting and protecting the workforce", False),
    ("use-of-resources", "Strategic planning, organisational management and value for money", False),
)
_REPORT_2023 = (
    ("recording-data-about-crime", "Recording data about crime", True),
    ("treatment-of-the-public", "Police powers and public treatment", False),
    ("preventing-crime", "Preventing crime", False),
    ("responding-to-the-public", "Responding to the public", False),
    ("investigating-crime", "Investigating crime", False),
    ("protecting-vulnerable-people", "Protecting vulnerable people", False),
    ("managing-offenders", "Managing offenders and suspects", False),
    ("disrupting-serious-organised-crime", "Disrupting serious organised crime", True),
    ("positive-workplace", "Developing a positive workplace", False),
    ("leadership-and-force-management", "Leadership and force management", False),
    ("workforce-corruption", "Vetting and counter-corruption", True),
)
REPORT_AREAS = {"2021-22": _REPORT_2021, "2023-25": _REPORT_2023, "2025-27": _REPORT_2023}
ALT_LABELS = {  # other config labels of the same area (none holding a grade word)
    "recording-data-about-crime": ("Crime data integrity",),
    "treatment-of-the-public": (
        "Engaging with and treating the public with fairness and respect",
        "Police powers and public treatment",
        "Treatment of the public",
        "Treating the public fairly, appropriately and respectfully",
    ),
    "preventing-crime": (
        "Preventing crime and antisocial behaviour",
        "Preventing crime and anti-social behaviour",
        "Preventing crime",
        "Preventing and deterring crime and anti-social behaviour, and reducing vulnerability",
    ),
    "managing-offenders": ("Managing offenders and suspects", "Managing offenders"),
    "disrupting-serious-organised-crime": (
        "Disrupting serious organised crime",
        "Serious organised crime",
        "Tackling serious organised crime",
    ),
    "positive-workplace": ("Building, supporting and protecting the workforce", "Developing a positive workplace"),
    "use-of-resources": (
        "Strategic planning, organisational management and value for money",
        "Strategic planning and value for money",
    ),
    "workforce-corruption": ("Vetting and counter-corruption", "Tackling workforce corruption"),
}
QUESTION_FORM = {  # report areas as a question heading ("1. How good is ...")
    "recording-data-about-crime": "How good is the force at recording data about crime?",
    "treatment-of-the-public": "How good is the force at treating the public fairly and with respect?",
    "preventing-crime": "How good is the force at preventing crime and antisocial behaviour?",
    "responding-to-the-public": "How good is the force at responding to the public?",
    "investigating-crime": "How good is the force at investigating crime?",
    "protecting-vulnerable-people": "How good is the force at protecting vulnerable people?",
    "managing-offenders": "How good is the force at managing offenders and suspects?",
    "disrupting-serious-organised-crime": "How good is the force at disrupting serious organised crime?",
    "positive-workplace": "How good is the force at building, supporting and protecting the workforce?",
    "use-of-resources": "How good is the force's use of resources?",
    "leadership-and-force-management": "How good is the force at leadership and force management?",
    "workforce-corruption": "How good is the force at tackling workforce corruption?",
}

# ---- facts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One area as a page shows it: its wording and its grade (None: assessed, narrative only)."""

    area_id: str
    label: str
    grade: str | None
    pillar: str | None = None


@dataclass(frozen=True)
class Facts:
    """What a page states: force, cycle, which page, and the areas in page order with their grades."""

    family: str  # landing | pillar | report
    cycle: str
    pillar: str | None
    items: tuple[Item, ...]

    @property
    def kind(self) -> str:
        """The PageRef kind."""
        return self.family

    @property
    def path(self) -> str:
        """The page's site path."""
        seg = CYCLES[self.cycle].segment
        if self.family == "report":
            return f"/peel-reports/{FORCE_ID}-{seg}/"
        if self.family == "pillar":
            return f"/peel-assessments/{seg}/{FORCE_ID}/{self.pillar}/"
        return f"/peel-assessments/{seg}/{FORCE_ID}/"

    @property
    def expected(self) -> dict[str, tuple[str, str]]:
        """area_id -> (grade, grade_status) a correct reading must give; nothing else may carry a grade."""
        return {i.area_id: (i.grade, GRADED) for i in self.items if i.grade is not None}

    def graded(self) -> list[Item]:
        """Items that carry a grade."""
        return [i for i in self.items if i.grade is not None]


def landing_items(cycle: str, grades: dict[str, str]) -> tuple[Item, ...]:
    """A landing page's areas: the pillars (2014: the graded effectiveness questions and efficiency)."""
    items: list[Item] = []
    if cycle == "2014":
        for area, wording, graded in QUESTIONS[("2014", "effectiveness")]:
            if graded:
                items.append(Item(area, wording, grades[area], "effectiveness"))
    for pillar in PILLARS:
        wording, graded = PILLAR_WORDING[cycle][pillar]
        items.append(Item(pillar, wording, grades[pillar] if graded else None, pillar))
    return tuple(items)


def landing_areas(cycle: str) -> list[str]:
    """The area ids graded on a landing page of the cycle."""
    return [i.area_id for i in landing_items(cycle, dict.fromkeys(_all_ids(), "good")) if i.grade]


def pillar_items(cycle: str, pillar: str, grades: dict[str, str]) -> tuple[Item, ...]:
    """A pillar page's areas: the pillar itself, then its questions."""
    wording, graded = PILLAR_WORDING[cycle][pillar]
    items = [Item(pillar, wording, grades[pillar] if graded else None, pillar)]
    for area, text, q_graded in QUESTIONS[(cycle, pillar)]:
        items.append(Item(area, text, grades[area] if q_graded else None, pillar))
    return tuple(items)


def pillar_areas(cycle: str, pillar: str) -> list[str]:
    """The area ids graded on a pillar page."""
    return [i.area_id for i in pillar_items(cycle, pillar, dict.fromkeys(_all_ids(), "good")) if i.grade]


def report_items(cycle: str, grades: dict[str, str]) -> tuple[Item, ...]:
    """A report page's graded areas (those in `grades`) in page order."""
    return tuple(Item(a, label, grades[a]) for a, label, _ in REPORT_AREAS[cycle] if a in grades)


def _all_ids() -> set[str]:
    ids = set(PILLARS)
    for rows in QUESTIONS.values():
        ids.update(a for a, _, _ in rows)
    for rows in REPORT_AREAS.values():
        ids.update(a for a, _, _ in rows)
    return ids


def all_wordings() -> Iterator[tuple[str, str | None, str, str]]:
    """(cycle, pillar or None, wording, area_id) for every wording a page may print (for checks)."""
    for cycle in PILLAR_CYCLES:
        for pillar in PILLARS:
            for item in pillar_items(cycle, pillar, dict.fromkeys(_all_ids(), "good")):
                yield cycle, pillar, item.label, item.area_id
                yield cycle, None, item.label, item.area_id
    for cycle, rows in REPORT_AREAS.items():
        for area, label, _ in rows:
            for text in {label, *ALT_LABELS.get(area, ()), QUESTION_FORM[area]}:
                yield cycle, None, text, area


# ---- style ----------------------------------------------------------------------------------------

LAYOUTS = ("block", "cards", "details", "dl", "table", "inline", "headline_only")
GRADE_FORMS = ("plain", "lead_in", "sr_icon", "img_alt")
LAYOUT_FORMS = {
    "block": GRADE_FORMS,
    "cards": GRADE_FORMS,
    "details": GRADE_FORMS,
    "dl": GRADE_FORMS,
    "table": ("plain", "sr_icon", "img_alt"),
    "inline": ("plain", "sr_icon", "img_alt"),
    "headline_only": ("plain",),
}
HEADINGS = ("h2", "h3", "h4", "bold_p", "role_heading", "numbered", "plain_block", "question_form")
SEPARATORS = {"en_dash": " \u2013 ", "em_dash": " \u2014 ", "hyphen": " - ", "colon": ": ", "pipe": " | "}
INLINE_CONTAINERS = ("p", "li", "h3")
LEAD_INS = {  # name -> (template, grade in lower case)
    "grade": ("Grade: {}", False),
    "our_judgment": ("Our judgment: {}", True),
    "judgment_dash": ("Judgment \u2013 {}", True),
    "rated": ("Rated: {}", True),
}
CASES = ("case_lower", "case_upper", "case_title")
SPACES = {"nbsp": "\u00a0", "thin_space": "\u2009", "narrow_nbsp": "\u202f"}
MARKS = (
    "soft_hyphen",
    "zero_width",
    "curly_quotes",
    "unicode_dashes",
    "br_in_phrase",
    "attributes",
    "whitespace",
    "wrapping_spans",
    "furniture",
)
FAMILY_NOISE = {
    "landing": ("headline_also", "last_updated_line", "ungraded_sections"),
    "pillar": ("last_updated_line", "question_number_line", "ungraded_sections"),
    "report": ("count_digits", "narrative_sections", "alt_wording"),
}
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
DASHES = ("\u2013", "\u2014", "\u2012")
SR_CLASSES = ("visually-hidden", "sr-only", "govuk-visually-hidden", "screen-reader-text")
NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
]
PROSE = (
    "Inspectors read a sample of case files and spoke with officers, staff and partner organisations.",
    "The constabulary has changed how this work is organised since our last visit.",
    "Supervisors check the quality of this work, and leaders track it at regular meetings.",
    "Some teams carry heavy workloads, which slows progress on a number of cases.",
    "Call handlers assess the risk to each caller and record the reasons for their decisions.",
    "Leaders have set out a plan for the next three years and shared it with the workforce.",
)
GRADE_WORDS = ("outstanding", "good", "adequate", "inadequate", "requires improvement", "graded")


@dataclass(frozen=True)
class Style:
    """How a page presents its facts; `classes` names every layout and noise class it used."""

    layout: str = "block"
    grade_form: str = "plain"
    heading: str = "h2"
    separator: str = "en_dash"
    container: str = "p"
    lead_in: str = "grade"
    noise: frozenset[str] = field(default_factory=frozenset)
    seed: int = 0

    @property
    def classes(self) -> tuple[str, ...]:
        """The classes this style exercises, e.g. ('layout:inline', 'separator:colon', 'noise:nbsp')."""
        out = [f"layout:{self.layout}"]
        if self.layout == "inline":
            out += [f"separator:{self.separator}", f"inline_container:{self.container}"]
        if self.layout != "headline_only":
            out.append(f"grade:{self.grade_form}" + (f":{self.lead_in}" if self.grade_form == "lead_in" else ""))
        if self.layout in ("block", "cards"):
            out.append(f"heading:{self.heading}")
        return (*out, *(f"noise:{n}" for n in sorted(self.noise)))


@dataclass(frozen=True)
class Page:
    """A rendered page with the facts it states and the style it used."""

    facts: Facts
    style: Style
    html: str

    @property
    def classes(self) -> tuple[str, ...]:
        """Layout and noise classes used (for reporting)."""
        return self.style.classes


# ---- rendering ------------------------------------------------------------------------------------

_VOID = {"img", "br", "meta", "link", "input", "hr"}


class _Writer:
    """Renders text and elements with the style's noise; deterministic for a given style."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.rng = random.Random(style.seed)
        self.ids = 0

    def has(self, name: str) -> bool:
        return name in self.style.noise

    def _case(self, text: str) -> str:
        if self.has("case_lower"):
            return text.lower()
        if self.has("case_upper"):
            return text.upper()
        if self.has("case_title"):
            return " ".join(w[:1].upper() + w[1:].lower() for w in text.split(" "))
        return text

    def _word(self, word: str) -> str:
        rng = self.rng
        if self.has("curly_quotes"):
            word = word.replace("'", "\u2019")
            if word.startswith('"'):
                word = "\u201c" + word[1:]
            if word.endswith('"'):
                word = word[:-1] + "\u201d"
        if self.has("unicode_dashes") and "-" in word:
            word = word.replace("-", rng.choice(DASHES))
        if self.has("soft_hyphen") and sum(c.isalpha() for c in word) >= 6:
            i = rng.randint(2, len(word) - 3)
            word = word[:i] + "\u00ad" + word[i:]
        return word

    def text(self, text: str) -> str:
        """Plain text with the character-level noise (for attributes and the title)."""
        words = [self._word(w) for w in self._case(text).split(" ")]
        if self.has("zero_width"):
            for _ in range(1 + len(words) // 3):
                k = self.rng.randrange(len(words))
                i = self.rng.randint(0, len(words[k]))
                words[k] = words[k][:i] + self.rng.choice(ZERO_WIDTH) + words[k][i:]
        joins = [" "] * (len(words) - 1)
        spaces = [SPACES[s] for s in SPACES if self.has(s)]
        if spaces and joins:
            picked = [i for i in range(len(joins)) if self.rng.random() < 0.5] or [self.rng.randrange(len(joins))]
            for i in picked:
                joins[i] = spaces[0]
        return words[0] + "".join(j + w for j, w in zip(joins, words[1:], strict=True))

    def phrase(self, text: str) -> str:
        """Escaped HTML of a phrase with character and markup noise (breaks, spans, whitespace)."""
        pieces = [html.escape(w, quote=False) for w in self.text(text).split(" ")]  # other spaces stay in words
        if self.has("wrapping_spans"):
            picked = [i for i in range(len(pieces)) if self.rng.random() < 0.5] or [0]
            for i in picked:
                pieces[i] = f'<span class="w{i}">{pieces[i]}</span>'
        joins = [" "] * (len(pieces) - 1)
        if self.has("br_in_phrase") and joins:
            joins[self.rng.randrange(len(joins))] = self.rng.choice(("<br>", "<br/>", "<br />\n"))
        if self.has("whitespace"):
            joins = [j + self.rng.choice(("", "  ", "\n      ", "\t ")) if j == " " else j for j in joins]
        out = pieces[0] + "".join(j + p for j, p in zip(joins, pieces[1:], strict=True))
        if self.has("wrapping_spans") and self.rng.random() < 0.5:
            out = f"<span>{out}</span>"
        if self.has("whitespace"):
            out = self.rng.choice(("\n  ", " ", "")) + out + self.rng.choice(("\n", "  ", ""))
        return out

    def el(self, tag: str, inner: str = "", attrs: dict[str, str] | None = None) -> str:
        """An element; with attribute noise, extra attributes, shuffled order and mixed quoting."""
        items = list((attrs or {}).items())
        if self.has("attributes"):
            self.ids += 1
            extra = [
                ("class", f"c-{tag}-{self.ids}"),
                ("id", f"el-{self.ids}"),
                ("data-component", "content"),
                ("lang", "en-GB"),
                ("style", "margin-top:0"),
                ("dir", "ltr"),
                ("data-track", "peel"),
            ]
            for name, value in self.rng.sample(extra, self.rng.randint(1, 3)):
                if name == "class" and name in dict(items):
                    items = [(n, f"{v} {value}" if n == name else v) for n, v in items]
                elif name not in dict(items):
                    items.append((name, value))
            self.rng.shuffle(items)
        rendered = ""
        for name, value in items:
            quote = '"'
            if self.has("attributes"):
                quote = self.rng.choice(('"', "'", "" if value.replace("-", "").isalnum() else '"'))
            rendered += f" {name}={quote}{html.escape(value, quote=True)}{quote}"
        if tag in _VOID:
            return f"<{tag}{rendered}>"
        return f"<{tag}{rendered}>{inner}</{tag}>"

    def join(self, parts: list[str]) -> str:
        """Blocks one after another, with whitespace noise between them."""
        if self.has("whitespace"):
            return "".join(p + self.rng.choice(("\n", "\n\n   ", "  ", "\n\t")) for p in parts)
        return "\n".join(parts)


class _Renderer:
    """Turns Facts and a Style into a page."""

    def __init__(self, facts: Facts, style: Style) -> None:
        self.f = facts
        self.s = style
        self.w = _Writer(style)
        self.cycle = CYCLES[facts.cycle]

    # -- pieces --

    def prose(self) -> str:
        return self.w.el("p", self.w.rng.choice(PROSE))

    def label(self, item: Item) -> str:
        if self.s.heading == "question_form" and item.area_id in QUESTION_FORM and self.f.family == "report":
            return QUESTION_FORM[item.area_id]
        if self.w.has("alt_wording") and item.area_id in ALT_LABELS:
            return self.w.rng.choice(ALT_LABELS[item.area_id])
        return item.label

    def grade(self, grade: str) -> str:
        """The grade inline, in the style's grade form."""
        text = GRADE_TEXT[grade]
        form = (
            self.s.grade_form
            if self.s.layout in LAYOUT_FORMS and self.s.grade_form in LAYOUT_FORMS[self.s.layout]
            else "plain"
        )
        w = self.w
        if form == "lead_in":
            template, lower = LEAD_INS[self.s.lead_in]
            return w.phrase(template.format(text.lower() if lower else text))
        if form == "sr_icon":
            slug = grade.replace("_", "-")
            icon = w.el("span", "", {"class": f"grade-icon grade-icon--{slug}", "aria-hidden": "true"})
            return icon + w.el("span", w.phrase(text), {"class": w.rng.choice(SR_CLASSES)})
        if form == "img_alt":
            alt = w.text(w.rng.choice(("{}", "Grade: {}")).format(text))
            return w.el("img", "", {"src": f"/assets/grades/{grade.replace('_', '-')}.svg", "alt": alt})
        return w.phrase(text)

    def grade_block(self, grade: str) -> str:
        return self.w.el(self.w.rng.choice(("p", "div")), self.grade(grade))

    def heading(self, item: Item, number: int) -> str:
        w, hs = self.w, self.s.heading
        text = w.phrase(self.label(item))
        if hs in ("h2", "h3", "h4"):
            return w.el(hs, text)
        if hs == "numbered":
            return w.el("h3", f"{number}. {text}")
        if hs == "bold_p":
            return w.el("p", w.el(w.rng.choice(("strong", "b")), text))
        if hs == "role_heading":
            return w.el("div", text, {"role": "heading", "aria-level": "3"})
        if hs == "plain_block":
            return w.el("p", text)
        return w.el("h3", text)  # question_form (the wording itself changes in `label`)

    def interposed(self, number: int, item: Item) -> list[str]:
        """Lines the site prints between a question and its grade (pillar cycles; numbers for questions only)."""
        out = []
        if self.f.family != "report":
            if self.w.has("question_number_line") and item.area_id not in PILLARS:
                out.append(self.w.el("p", str(number)))
            if self.w.has("last_updated_line"):
                out.append(self.w.el("p", self.w.phrase(f"Last updated {self.cycle.updated}")))
        return out

    def section(self, item: Item, number: int) -> str:
        """Heading, optional lines, grade block, prose (block layout); prose only when ungraded."""
        parts = [self.heading(item, number), *self.interposed(number, item)]
        if item.grade:
            parts.append(self.grade_block(item.grade))
        parts.append(self.prose())
        return self.w.join(parts)

    def narrative(self, item: Item) -> str:
        """An area's section with no grade (ungraded areas, later narrative sections)."""
        return self.w.join([self.w.el("h2", self.w.phrase(self.label(item))), self.prose(), self.prose()])

    def items_html(self, items: list[Item]) -> str:
        """The areas in the style's layout; ungraded ones follow as narrative sections."""
        w, layout = self.w, self.s.layout
        graded = [i for i in items if i.grade]
        ungraded = [i for i in items if not i.grade]
        numbered = list(enumerate(items, 1))
        out: list[str] = []
        if layout == "headline_only":
            return ""
        if layout == "block":
            return w.join([self.section(i, n) for n, i in numbered])
        if layout == "cards":
            cards = []
            for n, i in numbered:
                body = [self.heading(i, n), *self.interposed(n, i)]
                if i.grade:
                    body.append(w.el("div", self.grade(i.grade), {"class": "card__grade"}))
                body.append(self.prose())
                cards.append(w.el("div", w.join(body), {"class": "card"}))
            return w.el("div", w.join(cards), {"class": "card-grid"})
        if layout == "details":
            blocks = []
            for n, i in numbered:
                body = [*self.interposed(n, i)]
                if i.grade:
                    body.append(self.grade_block(i.grade))
                body.append(self.prose())
                blocks.append(w.el("details", w.el("summary", w.phrase(self.label(i))) + w.el("div", w.join(body))))
            return w.join(blocks)
        if graded and layout == "dl":
            rows = [w.el("dt", w.phrase(self.label(i))) + w.el("dd", self.grade(i.grade or "")) for i in graded]
            out.append(w.el("dl", w.join(rows)))
        if graded and layout == "table":
            head = "Area" if self.f.family == "report" else "Question"
            cell = w.rng.choice(("td", "th"))
            rows = [
                w.el(
                    "tr",
                    w.el(cell, w.phrase(self.label(i)), {"scope": "row"} if cell == "th" else {})
                    + w.el("td", self.grade(i.grade or "")),
                )
                for i in graded
            ]
            thead = w.el("thead", w.el("tr", w.el("th", head) + w.el("th", "Grade")))
            out.append(w.el("table", thead + w.el("tbody", w.join(rows))))
        if graded and layout == "inline":
            rows = []
            for i in graded:
                label = self.label(i)
                sep = SEPARATORS[self.s.separator]
                if self.s.grade_form in ("sr_icon", "img_alt"):
                    line = w.phrase(label) + " " + self.grade(i.grade or "")
                else:
                    if sep.strip() in (":", "|"):
                        label = label.rstrip("?")
                    line = w.phrase(label) + self._sep(sep) + self.grade(i.grade or "")
                rows.append(w.el(self.s.container, line))
            out.append(w.el("ul", w.join(rows)) if self.s.container == "li" else w.join(rows))
        out += [self.narrative(i) for i in ungraded]
        return w.join(out)

    def _sep(self, sep: str) -> str:
        text = sep
        if self.w.has("unicode_dashes"):
            text = text.replace("-", self.w.rng.choice(DASHES))
        if self.w.has("whitespace"):
            text = text.replace(" ", self.w.rng.choice(("  ", " \n ", " ")))
        return html.escape(text, quote=False)

    # -- furniture --

    def grade_key(self) -> str:
        w = self.w
        words = [GRADE_TEXT[g] for g in self.cycle.scale]
        head = w.el("h2", w.rng.choice(("Key to our grades", "What our grades mean", "Grade key")))
        kind = w.rng.randrange(3)
        if kind == 0:
            body = w.el("ul", "".join(w.el("li", w.phrase(t)) for t in words), {"class": "grade-key"})
        elif kind == 1:
            body = w.el("p", " \u00b7 ".join(words))
        else:
            body = w.el(
                "ul",
                "".join(
                    w.el(
                        "li",
                        w.el("img", "", {"src": f"/assets/grades/{t.lower().replace(' ', '-')}.svg", "alt": t})
                        + " "
                        + t,
                    )
                    for t in words
                ),
            )
        return w.el("div", head + body, {"class": "grade-key"})

    def header(self) -> str:
        w = self.w
        nav = w.el(
            "nav",
            w.el(
                "ul",
                "".join(
                    w.el("li", w.el("a", t, {"href": "/"}))
                    for t in ("Home", "About us", "Our work", "Publications", "PEEL assessments", "Contact us")
                ),
            ),
            {"aria-label": "Main"},
        )
        cookies = w.el(
            "div",
            w.el("h2", "Cookies on this website")
            + w.el(
                "p",
                "We use some essential cookies to make this site work. We would like your help to make it good for everyone, so we would also like to set optional ones.",
            )
            + w.el("button", "Accept optional cookies")
            + w.el("button", "Reject optional cookies"),
            {"class": "cookie-banner", "role": "region"},
        )
        skip = w.el("a", "Skip to main content", {"href": "#main"})
        crumbs = w.el("p", "Home \u203a PEEL assessments \u203a " + FORCE_NAME, {"class": "breadcrumbs"})
        return w.join([skip, cookies, w.el("header", nav), crumbs])

    def footer(self) -> str:
        w = self.w
        related = w.el(
            "aside",
            w.el("h2", "Related content")
            + w.el(
                "ul",
                "".join(
                    w.el("li", w.el("a", t, {"href": "/publications/"}))
                    for t in (
                        "How we inspect",
                        "Read about good practice in other forces",
                        "National overview of this inspection",
                    )
                ),
            ),
        )
        feedback = w.el("div", w.el("p", "Is this page useful?") + w.el("button", "Yes") + w.el("button", "No"))
        foot = w.el("footer", w.el("p", "Accessibility \u00b7 Privacy \u00b7 \u00a9 Crown copyright"))
        return w.join([related, feedback, foot])

    # -- pages --

    def title(self) -> str:
        c = self.cycle
        if self.f.family == "report":
            return f"PEEL {c.label}: an inspection of {FORCE_NAME}"
        if self.f.family == "pillar":
            return f"{FORCE_NAME} PEEL {c.label if c.id != '2018-19' else '2018'}"
        return f"{FORCE_NAME} {c.label}"

    def headline(self) -> list[str]:
        """The landing page's formulaic headline sentences, holding the grades."""
        g = {i.area_id: (i.grade or "") for i in self.f.items}
        words = {k: GRADE_TEXT[v].lower() if v else "" for k, v in g.items()}

        def verb(area: str) -> str:
            return words[area] if g[area] == "requires_improvement" else f"is {words[area]}"

        cyc = self.f.cycle
        if cyc == "2014":
            return [
                "The available evidence indicates that: in terms of its effectiveness, in general, the force "
                f"{verb('effectiveness.reducing-crime')} at reducing crime and preventing offending, "
                f"{words['effectiveness.investigating-offending']} at investigating offending and "
                f"{words['effectiveness.anti-social-behaviour']} at tackling anti-social behaviour; the efficiency "
                f"with which the force carries out its responsibilities {verb('efficiency')}; and the force is "
                "acting to achieve fairness and legitimacy in most of the practices that were examined this year."
            ]
        if cyc == "2018-19":
            return [
                f"{FORCE_NAME} was inspected in tranche two and we found:",
                f"the extent to which the {NAME_FORM} is effective at reducing crime and keeping people safe "
                f"{verb('effectiveness')}.",
                f"the extent to which the {NAME_FORM} operates efficiently and sustainably {verb('efficiency')}.",
                f"the extent to which the {NAME_FORM} treats the public and its workforce legitimately "
                f"{verb('legitimacy')}.",
            ]
        subject = FORCE_NAME if cyc == "2015" else f"the {NAME_FORM}"
        return [
            f"The extent to which {subject} is {adj} at keeping people safe and reducing crime {verb(p)}."
            for p, adj in (("effectiveness", "effective"), ("efficiency", "efficient"), ("legitimacy", "legitimate"))
        ]

    def main(self) -> list[str]:
        w, f = self.w, self.f
        out = [w.el("h1", w.phrase(self.title()))]
        key_inside = w.has("furniture") and w.rng.random() < 0.5
        if f.family == "landing":
            c = self.cycle
            out.append(w.el("p", f"This is {c.org}'s {c.ordinal} PEEL assessment of {FORCE_NAME}."))
            if key_inside:
                out.append(self.grade_key())
            if self.s.layout == "headline_only" or w.has("headline_also"):
                sentences = [w.phrase(s) for s in self.headline()]
                if len(sentences) > 1 and w.rng.random() < 0.5:
                    first, rest = (sentences[0], sentences[1:]) if f.cycle == "2018-19" else ("", sentences)
                    lst = w.el("ul", "".join(w.el("li", s) for s in rest))
                    out.append(w.join([w.el("p", first), lst] if first else [lst]))
                elif w.rng.random() < 0.5:
                    out.append(w.el("p", " ".join(sentences)))
                else:
                    out += [w.el("p", s) for s in sentences]
            items = [i for i in f.items if i.grade or w.has("ungraded_sections")]
            out.append(self.items_html(items))
        elif f.family == "pillar":
            out.append(w.el("p", f"This page sets out what we found about the {f.pillar} of {FORCE_NAME}."))
            if key_inside:
                out.append(self.grade_key())
            pillar_item, *questions = f.items
            questions = [q for q in questions if q.grade or w.has("ungraded_sections")]
            out.append(self.items_html([pillar_item]))
            if questions:
                out.append(w.el("h2", w.phrase(f"Questions for {f.pillar.capitalize() if f.pillar else ''}")))
                out.append(self.items_html(questions))
        else:
            c = self.cycle
            m = len(f.items)
            n = m + 1

            def count(k: int) -> str:
                return str(k) if w.has("count_digits") else NUMBER_WORDS[k]

            out.append(w.el("p", f"In {c.label} we carried out a PEEL inspection of {FORCE_NAME}."))
            if key_inside:
                out.append(self.grade_key())
            out.append(w.el("h2", w.phrase("Our judgments")))
            out.append(
                w.el(
                    "p",
                    w.phrase(
                        f"Our inspection assessed how good {FORCE_NAME} is in {count(n)} areas of policing. "
                        f"We make graded judgments in {count(m)} of these {count(n)} as follows:"
                    ),
                )
            )
            out.append(self.items_html(list(f.items)))
            out.append(
                w.el(
                    "p",
                    f"We also looked at the service {FORCE_NAME} gives to victims of crime. "
                    "That overall area carries no grade.",
                )
            )
            if w.has("narrative_sections"):
                out += [self.narrative(i) for i in f.items]
        return out

    def render(self) -> str:
        w = self.w
        title = html.escape(w.text(self.title()), quote=False)
        body = w.join(self.main())
        furniture = w.has("furniture")
        wrapper = w.rng.choice(("main", "div", "article")) if furniture else "main"
        content = w.el(wrapper, body, {"id": "main"})
        parts = [self.header(), content, self.grade_key(), self.footer()] if furniture else [content]
        head = f'<head><meta charset="utf-8"><title>{title}</title></head>'
        return f'<!DOCTYPE html>\n<html lang="en">{head}\n<body>\n{w.join(parts)}\n</body></html>\n'


def render(facts: Facts, style: Style) -> Page:
    """The page stating `facts` in `style`."""
    return Page(facts, style, _Renderer(facts, style).render())


# ---- strategies -----------------------------------------------------------------------------------


@st.composite
def landing_facts(draw: st.DrawFn) -> Facts:
    """A force landing page of a pillar cycle (2014-2018/19) with a grade per graded area."""
    cycle = draw(st.sampled_from(PILLAR_CYCLES))
    scale = CYCLES[cycle].scale
    grades = {a: draw(st.sampled_from(scale)) for a in landing_areas(cycle)}
    return Facts("landing", cycle, None, landing_items(cycle, grades))


@st.composite
def pillar_facts(draw: st.DrawFn) -> Facts:
    """A pillar page (effectiveness, efficiency or legitimacy) of a pillar cycle."""
    cycle = draw(st.sampled_from(PILLAR_CYCLES))
    pillar = draw(st.sampled_from(PILLARS))
    scale = CYCLES[cycle].scale
    grades = {a: draw(st.sampled_from(scale)) for a in pillar_areas(cycle, pillar)}
    return Facts("pillar", cycle, pillar, pillar_items(cycle, pillar, grades))


@st.composite
def report_facts(draw: st.DrawFn) -> Facts:
    """A report page (2021/22 on): the core areas, some of the optional ones, five-tier grades."""
    cycle = draw(st.sampled_from(REPORT_CYCLES))
    grades = {}
    for area, _, optional in REPORT_AREAS[cycle]:
        if not optional or draw(st.booleans()):
            grades[area] = draw(st.sampled_from(FIVE_TIER))
    return Facts("report", cycle, None, report_items(cycle, grades))


@st.composite
def styles(draw: st.DrawFn, family: str) -> Style:
    """A presentation for a page of `family`: layout, grade form, heading style and a set of noise classes."""
    layout = draw(st.sampled_from(LAYOUTS if family == "landing" else LAYOUTS[:-1]))
    grade_form = draw(st.sampled_from(LAYOUT_FORMS[layout]))
    heading = "h2"
    if layout in ("block", "cards"):
        heading = draw(st.sampled_from(HEADINGS if family == "report" else HEADINGS[:-1]))
    separator, container = "en_dash", "p"
    if layout == "inline":
        separator = draw(st.sampled_from(tuple(SEPARATORS)))
        container = draw(st.sampled_from(INLINE_CONTAINERS))
    lead_in = draw(st.sampled_from(tuple(LEAD_INS))) if grade_form == "lead_in" else "grade"
    noise = set(draw(st.sets(st.sampled_from(MARKS + FAMILY_NOISE[family]))))
    for group in (CASES, tuple(SPACES)):
        choice = draw(st.sampled_from((None, *group)))
        if choice:
            noise.add(choice)
    seed = draw(st.integers(0, 2**16 - 1))
    return Style(layout, grade_form, heading, separator, container, lead_in, frozenset(noise), seed)


FACTS = {"landing": landing_facts, "pillar": pillar_facts, "report": report_facts}


@st.composite
def pages(draw: st.DrawFn, family: str) -> Page:
    """A page of `family` (landing, pillar, report): drawn facts in a drawn presentation."""
    return render(draw(FACTS[family]()), draw(styles(family)))


def landing_pages() -> st.SearchStrategy[Page]:
    """Pillar-cycle force landing pages, 2014 to 2018/19."""
    return pages("landing")


def pillar_pages() -> st.SearchStrategy[Page]:
    """Pillar pages (effectiveness, efficiency, legitimacy), 2014 to 2018/19."""
    return pages("pillar")


def report_pages() -> st.SearchStrategy[Page]:
    """Report pages, 2021/22 on."""
    return pages("report")


# ---- one class at a time ----------------------------------------------------------------------------

BASELINE = {"landing": Style("block"), "pillar": Style("block"), "report": Style("table")}


def fixed_facts(family: str, shift: int = 0) -> list[Facts]:
    """Every cycle (and pillar) of a family, grades cycling through the scale from `shift`."""

    def grades(areas: list[str], scale: tuple[str, ...]) -> dict[str, str]:
        return {a: scale[(k + shift) % len(scale)] for k, a in enumerate(areas)}

    if family == "landing":
        return [
            Facts("landing", c, None, landing_items(c, grades(landing_areas(c), CYCLES[c].scale)))
            for c in PILLAR_CYCLES
        ]
    if family == "pillar":
        return [
            Facts("pillar", c, p, pillar_items(c, p, grades(pillar_areas(c, p), CYCLES[c].scale)))
            for c in PILLAR_CYCLES
            for p in PILLARS
        ]
    return [
        Facts("report", c, None, report_items(c, grades([a for a, _, _ in REPORT_AREAS[c]], FIVE_TIER)))
        for c in REPORT_CYCLES
    ]


def class_styles(family: str) -> Iterator[tuple[str, Style]]:
    """(class, style): the family's baseline, then the baseline with exactly one class changed."""
    base = BASELINE[family]
    yield "baseline", base
    for layout in LAYOUTS:
        if layout != "headline_only" or family == "landing":
            yield f"layout:{layout}", replace(base, layout=layout)
    for sep in SEPARATORS:
        yield f"separator:{sep}", replace(base, layout="inline", separator=sep)
    for container in INLINE_CONTAINERS[1:]:
        yield f"inline_container:{container}", replace(base, layout="inline", container=container)
    for lead in LEAD_INS:
        yield f"grade:lead_in:{lead}", replace(base, layout="block", grade_form="lead_in", lead_in=lead)
    for form in ("sr_icon", "img_alt"):
        yield f"grade:{form}", replace(base, grade_form=form)
    for heading in HEADINGS[1:]:
        if heading != "question_form" or family == "report":
            yield f"heading:{heading}", replace(base, layout="block", heading=heading)
    for noise in (*CASES, *SPACES, *MARKS, *FAMILY_NOISE[family]):
        yield f"noise:{noise}", replace(base, noise=frozenset({noise}))


def isolation_cases(family: str, seeds: int = 3) -> Iterator[tuple[str, Page]]:
    """(class, page) for every class of `class_styles`, every cycle (and pillar), `seeds` variants each."""
    for name, style in class_styles(family):
        for seed in range(seeds):
            for facts in fixed_facts(family, seed):
                yield name, render(facts, replace(style, seed=seed))


# ---- the generator's own check: what a person reads ----------------------------------------------


class _MainText(HTMLParser):
    """Visible text of the element with id="main" in reading order (image alt text included)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.tag = ""
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0 and ("id", "main") in attrs:
            self.tag, self.depth = tag, 1
            return
        if self.depth:
            if tag == self.tag:
                self.depth += 1
            if tag == "img":
                self.chunks.append(" " + (dict(attrs).get("alt") or "") + " ")
            elif tag == "br" or tag not in ("span", "strong", "b", "a", "em"):
                self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == self.tag:
            self.depth -= 1
        if self.depth:
            self.chunks.append(" " if tag not in ("span", "strong", "b", "a", "em") else "")

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.chunks.append(data)


_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_DASH = re.compile("[\u2010-\u2015\u2212]")


def fold(text: str) -> str:
    """Text as a person compares it: NFKC, no invisible characters, one kind of dash, quote and space, no case."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    text = _DASH.sub("-", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


def main_text(page_html: str) -> str:
    """The folded visible text of a page's main content."""
    reader = _MainText()
    reader.feed(page_html)
    return fold("".join(reader.chunks))


_GRADE_RE = re.compile(r"\b(outstanding|good|adequate|inadequate|requires improvement)\b")


def binding_problems(page: Page) -> list[str]:
    """Where a person reading the main content would not find each grade bound to its area: every graded
    area's wording must be followed, before the next area wording, by its grade word and no other."""
    text = main_text(page.html)
    facts = page.facts
    if page.style.layout == "headline_only":
        renderer = _Renderer(facts, replace(page.style, noise=frozenset()))
        return [f"headline missing: {s}" for s in renderer.headline() if fold(s) not in text]
    wordings = {}
    for item in facts.items:
        options = {item.label, *ALT_LABELS.get(item.area_id, ()), QUESTION_FORM.get(item.area_id, item.label)}
        wordings[item.area_id] = sorted({fold(o).rstrip("?") for o in options}, key=len, reverse=True)
    starts: list[tuple[int, int, str]] = []  # (start, end, area) of every wording occurrence
    for area, options in wordings.items():
        for option in options:
            for m in re.finditer(re.escape(option), text):
                if not any(s <= m.start() < e for s, e, _ in starts):
                    starts.append((m.start(), m.end(), area))
    starts.sort()
    out = []
    for item in facts.graded():
        mine = [(s, e) for s, e, a in starts if a == item.area_id]
        if not mine:
            out.append(f"{item.area_id}: wording not on the page")
            continue
        found = False
        for s, e in mine:
            nxt = min([s2 for s2, _, _ in starts if s2 >= e] + [len(text)])
            words = _GRADE_RE.findall(text[e:nxt])
            if words and set(words) == {GRADE_TEXT[item.grade or ""].lower()}:
                found = True
            elif words:
                out.append(f"{item.area_id}: other grade words {words} after its wording")
        if not found:
            out.append(f"{item.area_id}: no {item.grade} after its wording")
    return out
