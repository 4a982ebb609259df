"""Configuration as data: forces, cycles and area wordings from config/*.toml.

Run-time settings live in peelpipe.settings; the names are re-exported here for convenience.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from peelpipe.errors import ConfigError
from peelpipe.grades import normalise_phrase
from peelpipe.settings import (  # noqa: F401
    SEVERITIES,
    AlertChannel,
    Settings,
    as_tuple,
    default_config_dir,
    load_settings,
    read_toml,
    redact_url,
    site_path_problem,
)

FAMILIES = ("pillar", "area")
CANONICAL_BASE = "https://hmicfrs.justiceinspectorates.gov.uk"  # source_url of every page, whatever mirror served it
PAGE_KINDS = ("landing", "pillar", "report")


@dataclass(frozen=True)
class Force:
    """One of the 43 territorial forces."""

    id: str
    name: str
    country: str
    region: str
    name_form: str
    aliases: tuple[str, ...] = ()
    welsh_slugs: tuple[str, ...] = ()
    report_slug: str = ""

    def slug_for(self, page_kind: str) -> str:
        """The slug in the URL of a page of this kind (report pages may use a newer name)."""
        return (self.report_slug or self.id) if page_kind == "report" else self.id


@dataclass(frozen=True)
class PageTemplate:
    """A page family of a cycle, as a path template."""

    kind: str
    path: str
    pillar: str | None = None


@dataclass(frozen=True)
class Cycle:
    """One PEEL cycle and how its pages are laid out."""

    id: str
    label: str
    family: str
    scale: tuple[str, ...]
    segment: str
    previous: str | None
    comparable_with_previous: bool
    status: str
    published_from: str
    pages: tuple[PageTemplate, ...]

    @property
    def year(self) -> str:
        """The four-digit year that starts the cycle."""
        return self.id[:4]


@dataclass(frozen=True)
class Area:
    """An area_id and the wordings that map to it."""

    id: str
    level: str
    pillar: str | None
    graded_in: frozenset[str]
    ungraded_in: frozenset[str]
    labels: frozenset[str]
    keywords: tuple[tuple[str, ...], ...]

    def applies_to(self, cycle_id: str) -> bool:
        """Whether the area is assessed at all in this cycle."""
        return cycle_id in self.graded_in or cycle_id in self.ungraded_in


def normalise_label(text: str) -> str:
    """Fold a printed label for matching: case, quotes, dashes, whitespace, '?' and '- Ungraded'."""
    text = normalise_phrase(text)
    text = re.sub(r"\s*[-(]\s*ungraded\)?\s*$", "", text)
    return text.rstrip(" ?.:")


class AreaMatcher:
    """Which of a list of candidate areas a printed label means: the first area listing the folded
    label, else the first whose keywords it all contains, else None. Remembers its answers (up to
    _MEMO labels): every force's page of a cycle prints the same headings."""

    __slots__ = ("_labels", "_keywords", "_seen")
    _MEMO = 4096

    def __init__(self, candidates: list[Area]) -> None:
        self._labels: dict[str, Area] = {}
        self._keywords: list[tuple[tuple[str, ...], Area]] = []
        for area in candidates:
            for label in area.labels:
                self._labels.setdefault(label, area)
            self._keywords.extend((words, area) for words in area.keywords if words)
        self._seen: dict[str, Area | None] = {}

    def __call__(self, label: str) -> Area | None:
        """The area a printed label means, or None when unmapped."""
        if label not in self._seen:
            if len(self._seen) >= self._MEMO:
                self._seen.clear()
            self._seen[label] = self._match(label)
        return self._seen[label]

    def _match(self, label: str) -> Area | None:
        key = normalise_label(label)
        area = self._labels.get(key)
        if area is not None:
            return area
        for words, area in self._keywords:
            if all(word in key for word in words):
                return area
        return None


@dataclass
class Catalogue:
    """Forces, cycles and areas loaded from the config directory."""

    forces: dict[str, Force]
    cycles: dict[str, Cycle]
    areas: dict[str, Area]
    settings: Settings = field(default_factory=Settings)
    _areas_for: dict[tuple[str, str | None], list[Area]] = field(default_factory=dict, repr=False, compare=False)
    _matchers: dict[tuple[str, str | None], AreaMatcher] = field(default_factory=dict, repr=False, compare=False)

    def force_for_slug(self, slug: str) -> Force | None:
        """The force a URL slug belongs to: its id, an alias, or a Welsh copy's slug."""
        if slug in self.forces:
            return self.forces[slug]
        for force in self.forces.values():
            if slug in force.aliases or slug in force.welsh_slugs:
                return force
        return None

    def cycle_ids(self, spec: str | None) -> list[str]:
        """Cycle ids from 'all', None or a comma list; unknown ids are a ConfigError."""
        if spec is None or spec.strip().lower() in ("", "all"):
            return list(self.cycles)
        wanted = [s.strip() for s in spec.split(",") if s.strip()]
        unknown = [c for c in wanted if c not in self.cycles]
        if unknown:
            raise ConfigError(f"unknown cycle {', '.join(unknown)}; known: {', '.join(self.cycles)}")
        return wanted

    def force_ids(self, spec: str | None) -> list[str]:
        """Force ids from 'all', None or a comma list (aliases accepted); unknown ids are a ConfigError."""
        if spec is None or spec.strip().lower() in ("", "all"):
            return list(self.forces)
        result = []
        for item in (s.strip() for s in spec.split(",") if s.strip()):
            force = self.force_for_slug(item)
            if force is None:
                raise ConfigError(f"unknown force {item!r}; see config/forces.toml for the 43 ids")
            result.append(force.id)
        return result

    def areas_for(self, cycle_id: str, pillar: str | None = None) -> list[Area]:
        """Areas assessed in a cycle, optionally only those on one pillar's page."""
        key = (cycle_id, pillar)
        if key not in self._areas_for:
            self._areas_for[key] = [
                a for a in self.areas.values() if a.applies_to(cycle_id) and (pillar is None or a.pillar == pillar)
            ]
        return self._areas_for[key]

    def area_matcher(self, cycle_id: str, pillar: str | None = None) -> AreaMatcher:
        """match_area for one cycle and pillar, its candidates worked out once (pages repeat headings)."""
        key = (cycle_id, pillar)
        if key not in self._matchers:
            self._matchers[key] = AreaMatcher(self.areas_for(cycle_id, pillar))
        return self._matchers[key]

    def match_area(self, label: str, cycle_id: str, pillar: str | None = None) -> Area | None:
        """The area a printed label means in this cycle (and pillar), or None when unmapped."""
        return self.area_matcher(cycle_id, pillar)(label)

    def expected_status(self, area_id: str, cycle_id: str) -> str | None:
        """'graded' or 'ungraded' for an area the config knows in this cycle, else None."""
        area = self.areas.get(area_id)
        if area is None:
            return None
        if cycle_id in area.graded_in:
            return "graded"
        if cycle_id in area.ungraded_in:
            return "ungraded"
        return None


def load_catalogue(config_dir: Path | None = None, settings: Settings | None = None) -> Catalogue:
    """Load forces.toml, cycles.toml and areas.toml, checking them as they are read."""
    config_dir = config_dir or (Path(settings.config_dir) if settings and settings.config_dir else default_config_dir())
    forces: dict[str, Force] = {}
    for row in read_toml(config_dir / "forces.toml").get("force", []):
        try:
            force = Force(
                id=row["id"],
                name=row["name"],
                country=row["country"],
                region=row.get("region", ""),
                name_form=row.get("name_form", "force"),
                aliases=as_tuple(row.get("aliases")),
                welsh_slugs=as_tuple(row.get("welsh_slugs")),
                report_slug=row.get("report_slug", ""),
            )
        except KeyError as exc:
            raise ConfigError(f"forces.toml: a force lacks {exc}") from None
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", force.id):
            raise ConfigError(f"forces.toml: force id {force.id!r} must be a lower-case slug")
        for slug in (*force.aliases, *force.welsh_slugs, *filter(None, [force.report_slug])):
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
                raise ConfigError(f"forces.toml: slug {slug!r} of {force.id} must be a lower-case slug")
        forces[force.id] = force

    raw_cycles = read_toml(config_dir / "cycles.toml")
    scales = {k: tuple(v) for k, v in raw_cycles.get("scales", {}).items()}
    cycles: dict[str, Cycle] = {}
    for row in raw_cycles.get("cycle", []):
        cid = row.get("id", "?")
        if row.get("family") not in FAMILIES:
            raise ConfigError(f"cycles.toml: cycle {cid}: family must be one of {FAMILIES}")
        if row.get("scale") not in scales:
            raise ConfigError(f"cycles.toml: cycle {cid}: unknown scale {row.get('scale')!r}")
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(row.get("segment", ""))):
            raise ConfigError(f"cycles.toml: cycle {cid}: segment {row.get('segment')!r} must be a lower-case slug")
        pages = []
        for page in row.get("pages", []):
            path = str(page.get("path", ""))
            problem = site_path_problem(path) or (
                None
                if set(re.findall(r"{([^}]*)}", path)) <= {"slug", "segment"}
                else "may use only the placeholders {slug} and {segment}"
            )
            if page.get("kind") not in PAGE_KINDS or problem:
                raise ConfigError(
                    f"cycles.toml: cycle {cid}: bad page {page!r}" + (f": its path {problem}" if problem else "")
                )
            pages.append(PageTemplate(kind=page["kind"], path=page["path"], pillar=page.get("pillar")))
        cycles[cid] = Cycle(
            id=cid,
            label=row["label"],
            family=row["family"],
            scale=scales[row["scale"]],
            segment=row["segment"],
            previous=row.get("previous") or None,
            comparable_with_previous=bool(row.get("comparable_with_previous", False)),
            status=row.get("status", "closed"),
            published_from=row.get("published_from", ""),
            pages=tuple(pages),
        )
    for cycle in cycles.values():
        if cycle.previous and cycle.previous not in cycles:
            raise ConfigError(f"cycles.toml: cycle {cycle.id}: previous cycle {cycle.previous!r} is not defined")

    areas: dict[str, Area] = {}
    for row in read_toml(config_dir / "areas.toml").get("area", []):
        aid = row["id"]
        if aid in areas:
            raise ConfigError(f"areas.toml: area {aid} defined twice")
        areas[aid] = Area(
            id=aid,
            level=row["level"],
            pillar=row.get("pillar"),
            graded_in=frozenset(row.get("graded_in", [])),
            ungraded_in=frozenset(row.get("ungraded_in", [])),
            labels=frozenset(normalise_label(x) for x in row.get("labels", [])),
            keywords=tuple(tuple(normalise_phrase(w) for w in group) for group in row.get("keywords", [])),
        )
        for cid in areas[aid].graded_in | areas[aid].ungraded_in:
            if cid not in cycles:
                raise ConfigError(f"areas.toml: area {aid} names unknown cycle {cid!r}")
    return Catalogue(forces=forces, cycles=cycles, areas=areas, settings=settings or Settings())


def load(overrides: dict[str, Any] | None = None) -> Catalogue:
    """Settings and catalogue together, the usual entry point."""
    settings = load_settings(overrides=overrides)
    return load_catalogue(Path(settings.config_dir), settings)


def with_settings(catalogue: Catalogue, **changes: Any) -> Catalogue:
    """A copy of the catalogue with some settings changed."""
    return replace(catalogue, settings=replace(catalogue.settings, **changes))
