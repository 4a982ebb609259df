"""The sample site's data: facts.toml and the pipeline's config read into dataclasses.

``load_facts()`` returns one ``ForceCycle`` per force x cycle with at least one grade, checked
against the rules facts.toml documents (known forces, cycles and report areas; no duplicate
rows; corrections that start from the published grade).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tools.samplesite.wording import (
    ALL_CYCLES,
    CYCLES,
    GRADE_WORDS,
    LAST_UPDATED,
    PILLARS,
    REPORT_AREAS,
    REPORT_CYCLES,
    REPORT_SLUG,
    SEGMENT,
    SEPARATE_AREAS,
    TRANCHE_DATE,
)

TOOL_DIR = Path(__file__).resolve().parent  # tools/samplesite: the generator, its facts and its README
PROJECT_ROOT = TOOL_DIR.parents[1]
# The library's sample-site package: the built site is its package data (what `peelpipe demo` serves).
PACKAGE_DIR = PROJECT_ROOT / "src" / "peelpipe" / "samplesite"
FACTS_PATH = TOOL_DIR / "facts.toml"
SITE_DIR = PACKAGE_DIR / "site"
UPDATES_DIR = PACKAGE_DIR / "site-updates"
README_PATH = TOOL_DIR / "README.md"


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
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    return f"{int(d)} {months[int(m) - 1]} {y}"


@dataclass
class ForceCycle:
    force: ForceInfo
    cycle: str
    grades: dict[str, Fact] = field(default_factory=dict)
    not_graded: dict[str, dict] = field(default_factory=dict)
    ungraded: dict[str, dict] = field(default_factory=dict)
    report: Report | None = None
    causes: dict[str, dict] = field(default_factory=dict)  # area -> [[cause_of_concern]] row
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
    """The project's config/ (the pipeline's catalogue), else the installed library's default copy."""
    here = PROJECT_ROOT / "config"
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
            raise ValueError(
                f"facts.toml: {report.force} {report.cycle} holds {held} grades, "
                f"more than the report's {report.graded_areas}"
            )
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
            raise ValueError(
                f"facts.toml: [[correction]] {corr.force} {corr.cycle} {corr.area} does not "
                "start from the [[grade]] row's grade"
            )
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", corr.on):
            raise ValueError(f"facts.toml: [[correction]] on must be YYYY-MM-DD, not {corr.on!r}")
        fc.corrections.append(corr)
    for (force, cycle), fc in table.items():
        if fc.is_report and fc.report is None:
            raise ValueError(f"facts.toml: {force} {cycle} has report grades but no [[report]] row")
        if fc.is_report and not fc.table_areas():
            raise ValueError(f"facts.toml: {force} {cycle} holds no grade for the judgments table")
    return dict(sorted(table.items(), key=lambda kv: (kv[0][0], ALL_CYCLES.index(kv[0][1]))))
