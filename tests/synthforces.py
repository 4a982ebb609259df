"""Fictional police forces and their PEEL 2017 pages, with the grades each page prints.

Every force here is made up (the names say "synthetic test force"), so no test invents data about a
real force. `synthetic_config` writes a config folder whose forces.toml holds only these forces, so
a run (or a flow, through PEELPIPE_CONFIG_DIR) plans their pages and nothing else. `Content` is one
page's text as the generator meant it: which page it is (force, cycle, page) and which grade it
prints for each area, so a test can say which grades a page it served carried.

Two names are chosen so that one contains the other without being the same word ("Testshire" in
"Mocktestshire"), as "Essex" is contained in "Sussex": a page of one must never pass for the other's.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from conftest import ROOT
from sites import landing_page, pillar_page

CYCLE = "2017"
FORCES = {  # id -> (name, name form)
    "testshire": ("Testshire Constabulary (synthetic test force)", "constabulary"),
    "mocktestshire": ("Mocktestshire Police (synthetic test force)", "force"),
    "fakeborough": ("Fakeborough Police (synthetic test force)", "force"),
    "dummyvale": ("Dummyvale Constabulary (synthetic test force)", "constabulary"),
    "nullford": ("Nullford Police (synthetic test force)", "force"),
    "placeholm": ("Placeholm Constabulary (synthetic test force)", "constabulary"),
    "examplemoor": ("Examplemoor Police (synthetic test force)", "force"),
    "samplewick": ("Samplewick Constabulary (synthetic test force)", "constabulary"),
    "mockingham": ("Mockingham Police (synthetic test force)", "force"),
    "stubcastle": ("Stubcastle Constabulary (synthetic test force)", "constabulary"),
}
GRADES = {"Outstanding": "outstanding", "Good": "good", "Requires improvement": "requires_improvement"}
GRADES["Inadequate"] = "inadequate"
UNKNOWN_WORDS = ["Splendid", "Meh", "Satisfactory-ish"]  # grade words no PEEL scale has

PILLARS = ("effectiveness", "efficiency", "legitimacy")
PAGES = ("landing", *PILLARS)  # the four pages of a force in PEEL 2017
QUESTIONS = {  # pillar page -> (area_id, printed question) in page order
    "effectiveness": [
        ("effectiveness", "How effective is the force at keeping people safe and reducing crime?"),
        (
            "effectiveness.investigating-crime",
            "How effective is the force at investigating crime and reducing re-offending?",
        ),
    ],
    "efficiency": [
        ("efficiency", "How efficient is the force at keeping people safe and reducing crime?"),
        ("efficiency.understanding-demand", "How well does the force understand demand?"),
        ("efficiency.planning-for-future", "How well is the force planning for the future?"),
    ],
    "legitimacy": [("legitimacy", "How legitimate is the force at keeping people safe and reducing crime?")],
}
LANDING_AREAS = {  # landing page: area_id -> the headline sentence's adjective
    "effectiveness": "effective",
    "efficiency": "efficient",
    "legitimacy": "legitimate",
}


def areas_of(page: str) -> list[str]:
    """The area_ids a page of this kind can print a grade for."""
    return list(LANDING_AREAS) if page == "landing" else [a for a, _ in QUESTIONS[page]]


def short_name(force_id: str) -> str:
    """'Testshire' for testshire."""
    return FORCES[force_id][0].split()[0]


def path_of(force_id: str, page: str, cycle: str = CYCLE) -> str:
    """The site path of a force's page."""
    base = f"/peel-assessments/peel-{cycle}/{force_id}/"
    return base if page == "landing" else base + page + "/"


@dataclass(frozen=True)
class Content:
    """One page as written: whose it is and the word printed for each area (None: no grade printed)."""

    force_id: str
    page: str
    printed: tuple[tuple[str, str | None], ...]
    cycle: str = CYCLE

    @property
    def grades(self) -> set[tuple[str, str]]:
        """(area_id, grade) the page carries: its known grade words only."""
        return {(area, GRADES[word]) for area, word in self.printed if word in GRADES}

    def html(self) -> str:
        """The page, in the shape the parsers read (tests/sites.py)."""
        name = short_name(self.force_id)
        words = dict(self.printed)
        if self.page == "landing":
            sentences = []
            for area, adjective in LANDING_AREAS.items():
                word = words.get(area)
                if word is not None:
                    verdict = "requires improvement" if word == "Requires improvement" else f"is {word.lower()}"
                    sentences.append(
                        f"The extent to which the force is {adjective} at keeping people safe and reducing crime "
                        f"{verdict}."
                    )
            return landing_page(f"{name} PEEL {self.cycle}", sentences)
        sections = [
            (question, words.get(area), f"{name} {'is' if words.get(area) else 'was'} inspected (synthetic text).")
            for area, question in QUESTIONS[self.page]
        ]
        return pillar_page(f"{name} PEEL {self.cycle}", sections)


def uniform(force_id: str, page: str, word: str = "Good") -> Content:
    """A page printing `word` for every one of its areas."""
    return Content(force_id, page, tuple((area, word) for area in areas_of(page)))


@dataclass
class Truth:
    """Per page (force, page), the (area_id, grade) pairs printed on pages written as that page."""

    carried: dict[tuple[str, str], set[tuple[str, str]]] = field(default_factory=dict)

    def add(self, content: Content) -> None:
        if content.cycle == CYCLE:
            self.carried.setdefault((content.force_id, content.page), set()).update(content.grades)

    def of_force(self, force_id: str) -> set[tuple[str, str]]:
        """Every (area_id, grade) any page of the force carried."""
        return {g for (f, _), grades in self.carried.items() if f == force_id for g in grades}


def synthetic_config(target: Path, forces: list[str] | None = None) -> Path:
    """A config folder at `target`: the project's, with forces.toml holding only the fictional forces."""
    if not target.exists():
        shutil.copytree(ROOT / "config", target)
    lines = ["# Fictional forces for tests only (tests/synthforces.py): none of them exists.\n"]
    for force_id in forces or list(FORCES):
        name, form = FORCES[force_id]
        lines.append(
            f'\n[[force]]\nid = "{force_id}"\nname = "{name}"\ncountry = "England"\nregion = "Nowhere"\n'
            f'name_form = "{form}"\naliases = []\n'
        )
    (target / "forces.toml").write_text("".join(lines))
    local = target / "local.toml"
    if local.exists():
        local.unlink()
    return target
