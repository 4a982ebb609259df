"""Configuration as data: forces, cycles, area wordings and settings, from config/*.toml.

Settings precedence, lowest first: config/settings.toml, config/local.toml (git-ignored),
environment variables PEELPIPE_<NAME>, then explicit overrides (command-line flags).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from peelpipe.errors import ConfigError
from peelpipe.grades import normalise_phrase

FAMILIES = ("pillar", "area")
CANONICAL_BASE = "https://hmicfrs.justiceinspectorates.gov.uk"  # source_url of every page, whatever mirror served it
PAGE_KINDS = ("landing", "pillar", "report")


def default_config_dir() -> Path:
    """The config directory: $PEELPIPE_CONFIG_DIR, ./config, the checkout's, or the packaged copy."""
    env = os.environ.get("PEELPIPE_CONFIG_DIR")
    if env:
        return Path(env)
    candidates = [
        Path.cwd() / "config",
        Path(__file__).resolve().parents[2] / "config",
        Path(__file__).resolve().parent / "_default_config",
    ]
    for candidate in candidates:
        if (candidate / "cycles.toml").is_file():
            return candidate
    raise ConfigError("no config directory found: set PEELPIPE_CONFIG_DIR or run from the project folder")


@dataclass(frozen=True)
class Settings:
    """Run-time settings. Field names are also the PEELPIPE_<NAME> environment variables."""

    base_url: str = "https://hmicfrs.justiceinspectorates.gov.uk"
    allowed_hosts: tuple[str, ...] = ()
    index_pages: tuple[str, ...] = ()
    user_agent: str = "peelpipe/0.1"
    request_delay: float = 2.0
    timeout: float = 30.0
    max_retries: int = 4
    retry_backoff: float = 2.0
    max_retry_after: float = 300.0
    max_response_bytes: int = 5_000_000
    max_redirects: int = 5
    respect_robots: bool = True
    max_requests: int = 0
    refresh_closed_days: int = 28
    warehouse: str = "warehouse"
    keep_snapshots: int = 10
    alert_urls: tuple[str, ...] = ()
    digest: bool = True
    prefect_home: str = ".prefect-home"
    config_dir: str = ""

    @property
    def base_host(self) -> str:
        """Host of the base URL."""
        return urlsplit(self.base_url).netloc.lower()

    @property
    def hosts(self) -> frozenset[str]:
        """Every host a request or redirect may go to."""
        return frozenset({self.base_host, *(h.lower() for h in self.allowed_hosts)})


_TOML_KEYS = {  # (section, key) in settings.toml -> Settings field
    ("site", "base_url"): "base_url",
    ("site", "allowed_hosts"): "allowed_hosts",
    ("site", "index_pages"): "index_pages",
    ("warehouse", "path"): "warehouse",
    ("warehouse", "keep_snapshots"): "keep_snapshots",
    ("alerts", "urls"): "alert_urls",
    ("alerts", "digest"): "digest",
    ("prefect", "home"): "prefect_home",
}


def _coerce(name: str, value: Any, source: str) -> Any:
    kinds = {f.name: f.type for f in fields(Settings)}
    kind = kinds[name]
    try:
        if kind == "tuple[str, ...]":
            if isinstance(value, str):
                return tuple(v for v in value.split() if v)
            return tuple(str(v) for v in value)
        if kind == "bool":
            if isinstance(value, str):
                if value.lower() in ("1", "true", "yes", "on"):
                    return True
                if value.lower() in ("0", "false", "no", "off"):
                    return False
                raise ValueError(value)
            return bool(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{source}: {name} must be {kind}, got {value!r}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _settings_from_toml(path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if not path.is_file():
        return values
    valid = {f.name for f in fields(Settings)}
    for section, table in _read_toml(path).items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [{section}] must be a table")
        for key, value in table.items():
            name = _TOML_KEYS.get((section, key), key)
            if name not in valid:
                raise ConfigError(f"{path}: unknown setting [{section}] {key}")
            values[name] = _coerce(name, value, str(path))
    return values


def load_settings(config_dir: Path | None = None, overrides: dict[str, Any] | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Settings from TOML defaults, local.toml, PEELPIPE_* variables and overrides, in that order."""
    config_dir = config_dir or default_config_dir()
    environ = dict(os.environ) if environ is None else environ
    values: dict[str, Any] = {}
    values.update(_settings_from_toml(config_dir / "settings.toml"))
    values.update(_settings_from_toml(config_dir / "local.toml"))
    for f in fields(Settings):
        env_value = environ.get(f"PEELPIPE_{f.name.upper()}")
        if env_value is not None and env_value != "":
            values[f.name] = _coerce(f.name, env_value, f"PEELPIPE_{f.name.upper()}")
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _coerce(name, value, f"--{name.replace('_', '-')}")
    values["config_dir"] = str(config_dir)
    settings = Settings(**values)
    _validate_settings(settings)
    return settings


def _validate_settings(settings: Settings) -> None:
    parts = urlsplit(settings.base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"base URL must be http(s)://host[:port], got {settings.base_url!r}")
    if settings.request_delay < 0 or settings.timeout <= 0 or settings.max_retries < 0:
        raise ConfigError("request_delay and max_retries must be >= 0 and timeout > 0")
    if settings.refresh_closed_days < 1:
        raise ConfigError("refresh_closed_days must be at least 1")
    for url in settings.alert_urls:
        if "://" not in url:
            raise ConfigError(f"alert URL must look like scheme://..., got {redact_url(url)!r}")


def redact_url(url: str) -> str:
    """An alert URL safe to log: the scheme, and the host only for webhook schemes (elsewhere the
    'host' part is often a token, as in slack://TOKEN/…)."""
    if "://" not in url:
        return "<invalid url>"
    scheme, rest = url.split("://", 1)
    if scheme.lower() not in ("json", "jsons", "xml", "xmls", "form", "forms", "http", "https"):
        return f"{scheme}://…"
    host = re.split(r"[/?#]", rest.split("/", 1)[0].rsplit("@", 1)[-1], maxsplit=1)[0]
    return f"{scheme}://{host}/…"


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


@dataclass
class Catalogue:
    """Forces, cycles and areas loaded from the config directory."""

    forces: dict[str, Force]
    cycles: dict[str, Cycle]
    areas: dict[str, Area]
    settings: Settings = field(default_factory=Settings)

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
        return [a for a in self.areas.values()
                if a.applies_to(cycle_id) and (pillar is None or a.pillar == pillar)]

    def match_area(self, label: str, cycle_id: str, pillar: str | None = None) -> Area | None:
        """The area a printed label means in this cycle (and pillar), or None when unmapped."""
        key = normalise_label(label)
        candidates = self.areas_for(cycle_id, pillar)
        for area in candidates:
            if key in area.labels:
                return area
        for area in candidates:
            for words in area.keywords:
                if words and all(w in key for w in words):
                    return area
        return None

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


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or ()))


def load_catalogue(config_dir: Path | None = None, settings: Settings | None = None) -> Catalogue:
    """Load forces.toml, cycles.toml and areas.toml, checking them as they are read."""
    config_dir = config_dir or (Path(settings.config_dir) if settings and settings.config_dir else default_config_dir())
    forces: dict[str, Force] = {}
    for row in _read_toml(config_dir / "forces.toml").get("force", []):
        try:
            force = Force(id=row["id"], name=row["name"], country=row["country"], region=row.get("region", ""),
                          name_form=row.get("name_form", "force"), aliases=_tuple(row.get("aliases")),
                          welsh_slugs=_tuple(row.get("welsh_slugs")), report_slug=row.get("report_slug", ""))
        except KeyError as exc:
            raise ConfigError(f"forces.toml: a force lacks {exc}") from None
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", force.id):
            raise ConfigError(f"forces.toml: force id {force.id!r} must be a lower-case slug")
        for slug in (*force.aliases, *force.welsh_slugs):
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
                raise ConfigError(f"forces.toml: slug {slug!r} of {force.id} must be a lower-case slug")
        forces[force.id] = force

    raw_cycles = _read_toml(config_dir / "cycles.toml")
    scales = {k: tuple(v) for k, v in raw_cycles.get("scales", {}).items()}
    cycles: dict[str, Cycle] = {}
    for row in raw_cycles.get("cycle", []):
        cid = row.get("id", "?")
        if row.get("family") not in FAMILIES:
            raise ConfigError(f"cycles.toml: cycle {cid}: family must be one of {FAMILIES}")
        if row.get("scale") not in scales:
            raise ConfigError(f"cycles.toml: cycle {cid}: unknown scale {row.get('scale')!r}")
        pages = []
        for page in row.get("pages", []):
            if page.get("kind") not in PAGE_KINDS or not str(page.get("path", "")).startswith("/"):
                raise ConfigError(f"cycles.toml: cycle {cid}: bad page {page!r}")
            pages.append(PageTemplate(kind=page["kind"], path=page["path"], pillar=page.get("pillar")))
        cycles[cid] = Cycle(id=cid, label=row["label"], family=row["family"], scale=scales[row["scale"]],
                            segment=row["segment"], previous=row.get("previous") or None,
                            comparable_with_previous=bool(row.get("comparable_with_previous", False)),
                            status=row.get("status", "closed"), published_from=row.get("published_from", ""),
                            pages=tuple(pages))
    for cycle in cycles.values():
        if cycle.previous and cycle.previous not in cycles:
            raise ConfigError(f"cycles.toml: cycle {cycle.id}: previous cycle {cycle.previous!r} is not defined")

    areas: dict[str, Area] = {}
    for row in _read_toml(config_dir / "areas.toml").get("area", []):
        aid = row["id"]
        if aid in areas:
            raise ConfigError(f"areas.toml: area {aid} defined twice")
        areas[aid] = Area(id=aid, level=row["level"], pillar=row.get("pillar"),
                          graded_in=frozenset(row.get("graded_in", [])),
                          ungraded_in=frozenset(row.get("ungraded_in", [])),
                          labels=frozenset(normalise_label(x) for x in row.get("labels", [])),
                          keywords=tuple(tuple(normalise_phrase(w) for w in group) for group in row.get("keywords", [])))
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
