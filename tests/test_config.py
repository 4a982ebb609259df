"""Configuration as data: forces, cycles, area wordings, settings precedence, clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from peelpipe.config import load_catalogue, load_settings, redact_url
from peelpipe.errors import ConfigError


def test_the_43_forces_and_their_aliases(catalogue) -> None:
    assert len(catalogue.forces) == 43
    assert sum(1 for f in catalogue.forces.values() if f.country == "Wales") == 4
    assert catalogue.force_for_slug("hampshire-and-isle-of-wight").id == "hampshire"
    assert catalogue.force_for_slug("heddlu-dyfed-powys").id == "dyfed-powys"
    assert catalogue.force_ids("staffordshire,hampshire-and-isle-of-wight") == ["staffordshire", "hampshire"]


def test_cycles_match_the_contract(catalogue) -> None:
    assert list(catalogue.cycles) == ["2014", "2015", "2016", "2017", "2018-19", "2021-22", "2023-25", "2025-27"]
    assert catalogue.cycles["2018-19"].segment == "peel-2018"
    assert len(catalogue.cycles["2021-22"].scale) == 5 and "adequate" in catalogue.cycles["2021-22"].scale
    assert catalogue.cycles["2017"].comparable_with_previous
    assert not catalogue.cycles["2021-22"].comparable_with_previous
    assert not catalogue.cycles["2023-25"].comparable_with_previous


def test_printed_wordings_map_to_area_ids(catalogue) -> None:
    assert (
        catalogue.match_area("How effective are the force\u2019s specialist capabilities?", "2017", "effectiveness").id
        == "effectiveness.specialist-capabilities"
    )
    assert (
        catalogue.match_area("How well does the force plan for the future?", "2018-19", "efficiency").id
        == "efficiency.planning-for-future"
    )
    assert catalogue.match_area("How well does the force engage with pigeons?", "2017", "legitimacy") is None
    assert catalogue.expected_status("effectiveness", "2014") == "ungraded"
    assert catalogue.expected_status("efficiency", "2014") == "graded"


def test_a_new_cycle_is_configuration_only(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    with (config / "cycles.toml").open("a") as fh:
        fh.write(
            '\n[[cycle]]\nid = "2027-29"\nlabel = "PEEL 2027\u20132029"\nfamily = "area"\nscale = "five-tier"\n'
            'segment = "2027-29"\nprevious = "2025-27"\ncomparable_with_previous = false\nstatus = "upcoming"\n'
            'pages = [{ kind = "report", path = "/peel-reports/{slug}-{segment}/" }]\n'
        )
    catalogue = load_catalogue(config)
    assert catalogue.cycles["2027-29"].previous == "2025-27"
    assert catalogue.cycle_ids("2027-29") == ["2027-29"]


def test_settings_precedence_toml_then_env_then_flags(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    (config / "local.toml").write_text("[fetch]\nrequest_delay = 5.0\ntimeout = 9.0\n")
    settings = load_settings(
        config, environ={"PEELPIPE_REQUEST_DELAY": "7", "PEELPIPE_ALERT_URLS": "json://a/x json://b/y"}
    )
    assert settings.timeout == 9.0 and settings.request_delay == 7.0
    assert settings.alert_urls == ("json://a/x", "json://b/y")
    settings = load_settings(config, overrides={"request_delay": 0.5}, environ={"PEELPIPE_REQUEST_DELAY": "7"})
    assert settings.request_delay == 0.5


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"PEELPIPE_BASE_URL": "ftp://example"}, "base URL must be http"),
        ({"PEELPIPE_REQUEST_DELAY": "soon"}, "request_delay must be float"),
        ({"PEELPIPE_ALERT_URLS": "not-a-url"}, "alert URL must look like"),
    ],
)
def test_bad_settings_fail_fast_with_one_clear_line(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(ROOT / "config", environ=environ)
    assert "\n" not in str(info.value)


def test_unknown_cycle_or_force_is_a_clear_error(catalogue) -> None:
    with pytest.raises(ConfigError, match="unknown cycle 2019"):
        catalogue.cycle_ids("2017,2019")
    with pytest.raises(ConfigError, match="unknown force 'atlantis'"):
        catalogue.force_ids("atlantis")


def test_alert_urls_are_redacted_for_logs() -> None:
    assert redact_url("slack://TOKENA/TOKENB/TOKENC/#chan") == "slack://…"
    assert redact_url("json://127.0.0.1:8080/hook") == "json://127.0.0.1:8080/…"
    assert "secret" not in redact_url("json://user:secret@example.org/hook?token=secret")


def test_alert_urls_in_a_file_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    (config / "local.toml").write_text('[alerts]\nurls = ["slack://T0K3N/B/C"]\n')
    with pytest.raises(ConfigError, match="PEELPIPE_ALERT_URLS") as info:
        load_settings(config, environ={})
    assert "T0K3N" not in str(info.value)


def test_alert_channels_from_toml(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    (config / "local.toml").write_text(
        '[[alerts.channel]]\nname = "met"\nurl_env = "MET_HOOK"\n'
        'forces = ["metropolitan"]\nmin_severity = "high"\nmode = "digest"\n'
    )
    channel = load_settings(config, environ={}).alert_channels[0]
    assert (channel.name, channel.forces, channel.min_severity, channel.mode) == (
        "met",
        ("metropolitan",),
        "high",
        "digest",
    )
    (config / "local.toml").write_text('[[alerts.channel]]\nname = "x"\nurl_env = "X"\nmin_severity = "urgent"\n')
    with pytest.raises(ConfigError, match="min_severity"):
        load_settings(config, environ={})


@pytest.mark.parametrize(
    "toml, message",
    [
        ('[site]\nallowed_hosts = "www.example.org"\n', "[site] allowed_hosts must be a list of strings, got str"),
        ("[site]\nindex_pages = [1, 2]\n", "[site] index_pages must be a list of strings"),
        ('[fetch]\nrespect_robots = "false"\n', "[fetch] respect_robots must be true or false"),
        ('[alerts]\ndigest = "no"\n', "[alerts] digest must be true or false"),
        ("[fetch]\nrequest_delay = nan\n", "[fetch] request_delay must be a finite number, got float nan"),
        ("[fetch]\ntimeout = inf\n", "[fetch] timeout must be a finite number"),
        ("[alerts]\nhealth_shortfall_share = -inf\n", "health_shortfall_share must be a finite number"),
        ("[fetch]\nmax_retries = 2.5\n", "[fetch] max_retries must be an integer, got float"),
        ('[fetch]\nmax_retries = "4"\n', "[fetch] max_retries must be an integer, got str"),
        ("[warehouse]\npath = 5\n", "[warehouse] path must be a string"),
        (
            '[[alerts.channel]]\nname = "x"\nurl_env = "X"\nforces = "metropolitan"\n',
            "alert channel 'x': forces must be a list of strings",
        ),
        ('[[alerts.channel]]\nname = "x"\nurl_env = "X"\nhealth = "false"\n', "alert channel 'x': health must be true"),
    ],
)
def test_a_toml_setting_of_the_wrong_type_is_refused_naming_file_key_and_type(
    tmp_path: Path, toml: str, message: str
) -> None:
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    (config / "local.toml").write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_settings(config, environ={})
    text = str(info.value)
    assert text.startswith(f"{config / 'local.toml'}: ") and message in text and "\n" not in text, text


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_nan_or_infinity_in_the_environment_is_refused(value: str) -> None:
    with pytest.raises(
        ConfigError, match=f"PEELPIPE_REQUEST_DELAY: request_delay must be a finite number, got '{value}'"
    ):
        load_settings(ROOT / "config", environ={"PEELPIPE_REQUEST_DELAY": value})


def test_environment_strings_are_still_parsed() -> None:
    settings = load_settings(
        ROOT / "config",
        environ={
            "PEELPIPE_RESPECT_ROBOTS": "no",
            "PEELPIPE_DIGEST": "0",
            "PEELPIPE_FEED": "yes",
            "PEELPIPE_ALLOWED_HOSTS": "a.example  b.example",
            "PEELPIPE_LOCK_MAX_AGE": "12",
        },
    )
    assert (settings.respect_robots, settings.digest, settings.feed) == (False, False, True)
    assert settings.allowed_hosts == ("a.example", "b.example") and settings.lock_max_age == 12.0


def test_lock_max_age_is_hours_and_at_least_the_run_timeout(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    (config / "local.toml").write_text("[warehouse]\nlock_max_age = 8\n")
    assert load_settings(config, environ={}).lock_max_age == 8.0
    with pytest.raises(ConfigError, match="lock_max_age must be a number of hours at least run_timeout"):
        load_settings(config, environ={"PEELPIPE_RUN_TIMEOUT": str(9 * 3600)})
