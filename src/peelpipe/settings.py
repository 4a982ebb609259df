"""Run-time settings: config/settings.toml, config/local.toml, PEELPIPE_* variables, flags.

Precedence, lowest first: config/settings.toml, config/local.toml (git-ignored), environment
variables PEELPIPE_<NAME>, then explicit overrides (command-line flags).
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from peelpipe import __version__
from peelpipe.errors import ConfigError
from peelpipe.redact import hide_credentials, without_credentials


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


def as_tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or ()))


SEVERITIES = ("low", "medium", "high")


@dataclass(frozen=True)
class AlertChannel:
    """An alert destination with its filters. The URL is read from the environment (url_env)."""

    name: str
    url_env: str
    forces: tuple[str, ...] = ()  # empty: every force
    change_types: tuple[str, ...] = ()  # empty: every type
    min_severity: str = "low"
    mode: str = "each"  # "each": a message per change; "digest": one message per run
    health: bool = True  # also receives health alerts


def _channel(row: Any, source: str) -> AlertChannel:
    if not isinstance(row, dict) or not row.get("name") or not row.get("url_env"):
        raise ConfigError(
            f"{source}: each [[alerts.channel]] needs a name and a url_env (the environment variable "
            "holding its Apprise URL)"
        )
    unknown = set(row) - {f.name for f in fields(AlertChannel)}
    if unknown:
        raise ConfigError(f"{source}: alert channel {row['name']!r}: unknown keys {sorted(unknown)}")
    for key, value in row.items():
        kind = {"forces": "tuple[str, ...]", "change_types": "tuple[str, ...]", "health": "bool"}.get(key, "str")
        if not _has_kind(value, kind):
            raise ConfigError(
                f"{source}: alert channel {row['name']!r}: {key} must be {_EXPECTED[kind]}, "
                f"got {type(value).__name__} {value!r:.80}"
            )
    channel = AlertChannel(
        name=str(row["name"]),
        url_env=str(row["url_env"]),
        forces=as_tuple(row.get("forces")),
        change_types=as_tuple(row.get("change_types")),
        min_severity=str(row.get("min_severity", "low")),
        mode=str(row.get("mode", "each")),
        health=bool(row.get("health", True)),
    )
    if channel.min_severity not in SEVERITIES or channel.mode not in ("each", "digest"):
        raise ConfigError(
            f"{source}: alert channel {channel.name!r}: min_severity must be one of {SEVERITIES} and "
            "mode 'each' or 'digest'"
        )
    return channel


@dataclass(frozen=True)
class Settings:
    """Run-time settings. Field names are also the PEELPIPE_<NAME> environment variables."""

    base_url: str = "https://hmicfrs.justiceinspectorates.gov.uk"
    allowed_hosts: tuple[str, ...] = ()
    index_pages: tuple[str, ...] = ()
    monitoring_pages: tuple[str, ...] = ()  # site-wide pages listing forces in (and out of) Engage
    user_agent: str = (
        f"peelpipe/{__version__} (+https://github.com/peelpipe/peelpipe; PEEL grade tracker; "
        "polite: one connection, delay between requests)"
    )
    request_delay: float = 2.0
    timeout: float = 30.0
    max_retries: int = 4
    retry_backoff: float = 2.0
    max_retry_after: float = 300.0
    max_response_bytes: int = 5_000_000
    request_deadline: float = 60.0  # seconds for one request, its whole body included
    max_crawl_delay: float = 30.0  # a longer robots.txt Crawl-delay is capped to this, with a warning
    retry_after_budget: float = 600.0  # seconds per run spent waiting as Retry-After asks (0: no cap)
    max_redirects: int = 5
    respect_robots: bool = True
    max_requests: int = 0
    refresh_closed_days: int = 28
    warehouse: str = "warehouse"  # a folder, or s3://bucket/prefix (warehouse/remote.py)
    s3_endpoint: str = ""  # an S3-compatible store's endpoint URL (else AWS_ENDPOINT_URL, else AWS)
    keep_snapshots: int = 10
    lock_max_age: float = 6.0  # hours: another host's warehouse lock older than this is taken over
    alert_urls: tuple[str, ...] = ()
    alert_channels: tuple[AlertChannel, ...] = ()
    digest: bool = True
    feed: bool = True
    health_after_runs: int = 3
    health_shortfall_share: float = 0.2
    health_shortfall_min_pages: int = 3
    run_timeout: float = 10800.0
    prefect_home: str = ".prefect-home"
    config_dir: str = ""

    @property
    def base_host(self) -> str:
        """host[:port] of the base URL, without any user:password@."""
        return urlsplit(self.public_base_url).netloc.lower()

    @property
    def public_base_url(self) -> str:
        """The base URL without its credentials: what page URLs are built from, stored and shown."""
        return without_credentials(self.base_url)

    @property
    def hosts(self) -> frozenset[str]:
        """Every host a request or redirect may go to."""
        return frozenset({self.base_host, *(h.lower() for h in self.allowed_hosts)})


_TOML_KEYS = {  # (section, key) in settings.toml -> Settings field
    ("site", "base_url"): "base_url",
    ("site", "allowed_hosts"): "allowed_hosts",
    ("site", "index_pages"): "index_pages",
    ("monitoring", "pages"): "monitoring_pages",
    ("warehouse", "path"): "warehouse",
    ("warehouse", "s3_endpoint"): "s3_endpoint",
    ("warehouse", "keep_snapshots"): "keep_snapshots",
    ("warehouse", "lock_max_age"): "lock_max_age",
    ("alerts", "urls"): "alert_urls",
    ("alerts", "channel"): "alert_channels",
    ("alerts", "digest"): "digest",
    ("prefect", "home"): "prefect_home",
}


_EXPECTED = {
    "tuple[str, ...]": "a list of strings",
    "bool": "true or false (a TOML boolean, not a string)",
    "int": "an integer",
    "float": "a finite number",
    "str": "a string",
}


def _has_kind(value: Any, kind: str) -> bool:
    """Whether a TOML value has a field's type exactly."""
    if kind == "tuple[str, ...]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return isinstance(value, str)


def _typed(name: str, value: Any, where: str) -> Any:
    """A TOML value, which carries its own type: refused unless it has the field's type exactly
    (no string for a list or a boolean, no float for an integer, no NaN or infinity)."""
    kind = str({f.name: f.type for f in fields(Settings)}[name])
    if not _has_kind(value, kind):
        raise ConfigError(f"{where} must be {_EXPECTED[kind]}, got {type(value).__name__} {value!r:.80}")
    return tuple(value) if kind == "tuple[str, ...]" else value


def _coerce(name: str, value: Any, source: str) -> Any:
    """A value from the environment or a flag (strings, or Python values): lists space-separated,
    booleans true/false/1/0/yes/no/on/off; NaN and infinite numbers refused."""
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
            number = float(value)
            if not math.isfinite(number):
                raise ConfigError(f"{source}: {name} must be a finite number, got {value!r:.80}")
            return number
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{source}: {name} must be {kind}, got {value!r:.80}") from None


def read_toml(path: Path) -> dict[str, Any]:
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
    for section, table in read_toml(path).items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [{section}] must be a table")
        for key, value in table.items():
            name = _TOML_KEYS.get((section, key), key)
            if name not in valid:
                raise ConfigError(f"{path}: unknown setting [{section}] {key}")
            if name == "alert_urls" and value:
                raise ConfigError(
                    f"{path}: alert URLs hold secrets: set PEELPIPE_ALERT_URLS (or a channel's url_env) "
                    "in the environment instead of [alerts] urls"
                )
            if name == "alert_channels":
                if not isinstance(value, list):
                    raise ConfigError(f"{path}: [[alerts.channel]] must be an array of tables")
                values[name] = tuple(_channel(row, str(path)) for row in value)
            else:
                values[name] = _typed(name, value, f"{path}: [{section}] {key}")
    return values


def load_settings(
    config_dir: Path | None = None, overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Settings from TOML defaults, local.toml, PEELPIPE_* variables and overrides, in that order."""
    config_dir = config_dir or default_config_dir()
    environ = dict(os.environ) if environ is None else environ
    values: dict[str, Any] = {}
    values.update(_settings_from_toml(config_dir / "settings.toml"))
    values.update(_settings_from_toml(config_dir / "local.toml"))
    for f in fields(Settings):
        if f.name == "alert_channels":
            continue  # channels are configured in TOML; their URLs come from the environment
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


_HOST = re.compile(
    r"(?:[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:[0-9]{1,5})?", re.IGNORECASE
)


def site_path_problem(path: str) -> str | None:
    """Why a configured path on the site (an index page, a page template) could lead off the site's
    paths, or None: it must be a plain absolute path, no scheme or host, no '..', no percent-encoding."""
    if not path.startswith("/") or path.startswith("//") or "://" in path:
        return "must be a path on the site starting with one '/' (no scheme or host)"
    if "%" in path or "\\" in path or any(ord(c) <= 32 or ord(c) == 127 for c in path):
        return "must be a plain path (no percent-encoding, backslash, space or control character)"
    if any(segment in (".", "..") for segment in path.split("/")):
        return "must not contain '.' or '..' segments"
    return None


_S3_URL = re.compile(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9._/-]*)?")


def _validate_settings(settings: Settings) -> None:
    shape = f"base URL must be http(s)://host[:port], got {hide_credentials(settings.base_url)!r}"
    try:
        parts = urlsplit(settings.base_url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError as error:
        raise ConfigError(f"{shape} ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(shape)
    if parts.path and site_path_problem(parts.path):
        raise ConfigError(f"base URL path {parts.path!r} {site_path_problem(parts.path)}")
    for host in settings.allowed_hosts:
        if not _HOST.fullmatch(host):
            raise ConfigError(
                f"allowed_hosts: {host!r} must be a bare host name like www.example.org[:port] "
                "(no scheme, path or user)"
            )
    for name in ("index_pages", "monitoring_pages"):
        for path in getattr(settings, name):
            problem = site_path_problem(path)
            if problem:
                raise ConfigError(f"{name}: {path!r} {problem}")
    if settings.request_delay < 0 or settings.timeout <= 0 or settings.max_retries < 0:
        raise ConfigError("request_delay and max_retries must be >= 0 and timeout > 0")
    for name in ("request_deadline", "max_crawl_delay"):
        if not 0 < getattr(settings, name) < float("inf"):
            raise ConfigError(f"{name} must be a positive number of seconds, got {getattr(settings, name)!r}")
    if not 0 <= settings.retry_after_budget < float("inf"):
        raise ConfigError(f"retry_after_budget must be a number of seconds >= 0, got {settings.retry_after_budget!r}")
    if not 0 < settings.run_timeout < float("inf"):
        raise ConfigError(f"run_timeout must be a positive number of seconds, got {settings.run_timeout!r}")
    if not settings.run_timeout <= settings.lock_max_age * 3600 < float("inf"):
        raise ConfigError(
            f"lock_max_age must be a number of hours at least run_timeout ({settings.run_timeout:g} s), "
            f"got {settings.lock_max_age!r}: a live run on another host must not lose its lock"
        )
    if settings.warehouse.startswith("s3://") and not _S3_URL.fullmatch(settings.warehouse):
        raise ConfigError(
            "warehouse must be a folder or s3://bucket/prefix (a bucket name, then a key prefix: no "
            f"credentials, port or query), got {settings.warehouse.split('@')[-1].split('?')[0]!r:.80}; credentials "
            "come from the AWS environment or profile"
        )
    endpoint = urlsplit(settings.s3_endpoint)
    if settings.s3_endpoint and (
        endpoint.scheme not in ("http", "https") or not endpoint.hostname or "@" in endpoint.netloc
    ):
        raise ConfigError(
            "s3_endpoint must be http(s)://host[:port] with no credentials in it, "
            f"got {settings.s3_endpoint.split('@')[-1]!r:.80}"
        )
    if settings.refresh_closed_days < 1:
        raise ConfigError("refresh_closed_days must be at least 1")
    if not 0 < settings.health_shortfall_share <= 1:
        raise ConfigError(
            f"health_shortfall_share must be a share of pages above 0 and at most 1, got {settings.health_shortfall_share!r}"
        )
    if settings.health_shortfall_min_pages < 1:
        raise ConfigError("health_shortfall_min_pages must be at least 1")
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
