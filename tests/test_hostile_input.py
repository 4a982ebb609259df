"""Hostile input: malformed markup, odd sizes and encodings, duplicated judgements, configuration
that tries to leave the site or the archive, and config errors at the command line. See docs/faults.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, page_ref
from faultsite import EFFIC, LANDING, SOURCE, FaultySite, issues_for, judged, ok, pages
from httpsim import ScriptedServer
from hypothesis import given, settings
from hypothesis import strategies as st
from sites import landing_page, local_catalogue, pillar_page, report_page

from peelpipe import pipeline
from peelpipe.config import load_catalogue, load_settings
from peelpipe.errors import ConfigError
from peelpipe.fetch.client import reset_pacer
from peelpipe.parse import parse_page

PILLAR = ("testshire", "2017", "pillar", "effectiveness")
LANDING_REF = ("testshire", "2017", "landing", None)
REPORT = ("testshire", "2023-25", "report", None)
Q1 = "How effective is the force at keeping people safe and reducing crime?"
Q2 = "How effective is the force at investigating crime and reducing re-offending?"
HEADLINE = "The extent to which the constabulary is {} at keeping people safe and reducing crime is {}."
ROWS = [("Responding to the public", "Good"), ("Investigating crime", "Adequate")]


def parse(html, ref):
    return parse_page(html, page_ref(*ref), CATALOGUE)


def grades(parsed) -> dict[str, str | None]:
    return {o.area_id: o.grade for o in parsed.observations}


def reasons(parsed) -> list[str]:
    return [i.reason for i in parsed.issues]


CATALOGUE = load_catalogue(ROOT / "config", load_settings(ROOT / "config", environ={}))


# --- malformed markup, unknown words, wrong cycle -----------------------------------------------

MALFORMED = {  # tag soup a browser still renders: unclosed, mis-nested, unquoted, stray '<' and '&'
    "pillar": (
        PILLAR,
        f"<html><head><title>Testshire PEEL 2017</title><body><h1>Testshire PEEL 2017</h2><div>"
        f"<h2 class=a id=b>{Q1}<p>Last updated 09/11/2017<p><b>Good</i><p>3 < 4 && x</span></div>"
        f"</td></tr><h2>{Q2}</h3><p>Requires improvement<p>More to do.<table><tr><td>stray"
        "</body></html>",
        {"effectiveness": "good", "effectiveness.investigating-crime": "requires_improvement"},
    ),
    "landing": (
        LANDING_REF,
        "<html><body><h1 class=x>Testshire 2017<p>"
        + HEADLINE.format("effective", "good")
        + "<li>"
        + HEADLINE.format("efficient", "inadequate")
        + "</ul></ul><p>a < b</body></html>",
        {"effectiveness": "good", "efficiency": "inadequate", "legitimacy": None},
    ),
    "report": (
        REPORT,
        report_page("PEEL 2023\u20132025 Testshire", ROWS, intro=("two", "two"))
        .replace("</td>", "")
        .replace("</tr>", "")
        .replace("</table>", "<div><span>"),
        {"responding-to-the-public": "good", "investigating-crime": "adequate"},
    ),
}


@pytest.mark.parametrize("family", MALFORMED)
def test_malformed_html_is_read_as_a_browser_would(family) -> None:
    ref, html, expected = MALFORMED[family]
    parsed = parse(html, ref)
    assert {k: v for k, v in grades(parsed).items() if k in expected} == {k: v for k, v in expected.items() if v}
    assert parsed.readable and not [r for r in reasons(parsed) if r in ("parser_error", "truncated", "not_peel_page")]


def test_unknown_grade_words_are_issues_never_guesses_in_every_family() -> None:
    pillar = parse(pillar_page("Testshire PEEL 2017", [(Q1, "Satisfactory", "Fine."), (Q2, "Good", "Good.")]), PILLAR)
    report = parse(report_page("PEEL 2023\u20132025 Testshire", [ROWS[0], ("Investigating crime", "Splendid")]), REPORT)
    landing = parse(landing_page("Testshire 2017", [HEADLINE.format("effective", "superb")]), LANDING_REF)
    assert grades(pillar) == {"effectiveness.investigating-crime": "good"} and "unknown_grade" in reasons(pillar)
    assert grades(report) == {"responding-to-the-public": "good"} and "unknown_grade" in reasons(report)
    assert "effectiveness" not in grades(landing) and "unknown_grade" in reasons(landing)


@pytest.mark.parametrize(
    "ref, html",
    [
        (PILLAR, pillar_page("Testshire PEEL 2016", [(Q1, "Good", "Good.")])),
        (REPORT, report_page("PEEL 2021/22 Testshire", ROWS)),
        (
            ("testshire", "2018-19", "landing", None),
            landing_page("Testshire 2017", [HEADLINE.format("effective", "good")]),
        ),
    ],
    ids=["pillar", "report", "landing"],
)
def test_a_page_of_another_cycle_at_a_cycles_url_is_not_used(ref, html) -> None:
    parsed = parse(html, ref)
    assert not parsed.readable and reasons(parsed) == ["wrong_cycle"] and not parsed.observations


# --- the same judgement twice on one page -------------------------------------------------------


@pytest.mark.parametrize("second, issue", [("Good", False), ("Inadequate", True)], ids=["same", "conflicting"])
def test_a_judgement_stated_twice_is_one_row_and_a_conflict_is_an_issue(second, issue) -> None:
    pillar = parse(
        pillar_page("Testshire PEEL 2017", [(Q1, "Good", "Good."), (Q2, "Good", "x."), (Q1, second, "Again.")]), PILLAR
    )
    report = parse(report_page("PEEL 2023\u20132025 Testshire", ROWS + [("Responding to the public", second)]), REPORT)
    sentences = [HEADLINE.format(w, "good") for w in ("effective", "efficient", "legitimate")]
    landing = parse(
        landing_page("Testshire 2017", sentences + [HEADLINE.format("effective", second.lower())]), LANDING_REF
    )
    for parsed, area in ((pillar, "effectiveness"), (report, "responding-to-the-public"), (landing, "effectiveness")):
        assert [o.area_id for o in parsed.observations].count(area) == 1 and grades(parsed)[area] == "good"
        assert ("duplicate_judgement" in reasons(parsed)) == issue, (area, parsed.issues)
    assert grades(landing) == {"effectiveness": "good", "efficiency": "good", "legitimacy": "good"}


# --- absurd sizes -------------------------------------------------------------------------------


def _timed(html, ref=PILLAR):
    started = time.perf_counter()
    parsed = parse(html, ref)
    return parsed, time.perf_counter() - started


SIZES = {  # page -> its HTML (timings of such pages belong in bench/, not in a test)
    "0 bytes": (b""),
    "only whitespace": (b" \n\t " * 1000),
    "10,000 headings": (
        pillar_page(
            "Testshire PEEL 2017", [(Q1, "Good", "Good.")] + [(f"Heading {i}", None, "Text.") for i in range(10_000)]
        )
    ),
    "20,000 copies of one question": (pillar_page("Testshire PEEL 2017", [(Q1, "Good", "Good.")] * 20_000)),
    "4.9 MB of prose": (
        pillar_page("Testshire PEEL 2017", [(Q1, "Good", "Good.")]).replace(
            "</body>", "<p>" + "Lorem ipsum dolor sit amet. " * 175_000 + "</p></body>"
        )
    ),
    "a 4 MB line without spaces": (
        pillar_page("Testshire PEEL 2017", [(Q1, "Good", "Good.")]).replace(
            "</body>", "<p>" + "x" * 4_000_000 + "</p></body>"
        )
    ),
    "the grade on a 1 MB line": (
        pillar_page("Testshire PEEL 2017", [(Q1, "Good", "Good. " + "y " * 500_000)]).replace("\n", "")
    ),
    "5,000 nested divs": (
        pillar_page("Testshire PEEL 2017", [(Q1, "Good", "Good.")])
        .replace("<body>", "<body>" + "<div>" * 5_000)
        .replace("</body>", "</div>" * 5_000 + "</body>")
    ),
}


@pytest.mark.parametrize("size", SIZES)
def test_absurd_sizes_are_read_or_refused(size) -> None:
    html = SIZES[size]
    parsed, _ = _timed(html)
    if size in ("0 bytes", "only whitespace"):
        assert not parsed.readable and reasons(parsed) == ["empty"]
    else:
        assert parsed.readable and grades(parsed)["effectiveness"] == "good"


# --- encodings ----------------------------------------------------------------------------------


def test_legacy_bytes_keep_the_utf8_text_around_them_intact() -> None:
    """One stray cp1252 byte on an otherwise UTF-8 page must not turn every other character into mojibake."""
    q = "How effective are the force\u2019s specialist capabilities?"
    afi = "The force should review its caf\u00e9 STRAY contracts."
    html = pillar_page(
        "Testshire PEEL 2017",
        [
            (Q1, "Good", f"Good.</p><h3>Area for improvement</h3><p>{afi}"),
            (q, None, "The force\u2019s caf\u00e9 is not graded here at all."),
        ],
    )
    for body, text in (
        (html.encode(), afi),
        (html.encode().replace(b"STRAY", b"\x96 caf\xe9"), afi.replace("STRAY", "\u2013 caf\u00e9")),
    ):
        parsed = parse(body, PILLAR)
        labels = {o.area_id: o.area_label for o in parsed.observations}
        assert labels["effectiveness.specialist-capabilities"] == q
        assert [f.text for f in parsed.findings] == [text]


@pytest.fixture(scope="module")
def _server():
    with ScriptedServer() as server:
        yield FaultySite(server)


@pytest.fixture
def site(_server):
    reset_pacer()
    _server.reset()
    return _server


@pytest.mark.parametrize("charset", ["windows-1252", "iso-8859-1", None], ids=["cp1252", "latin-1", "no-charset"])
def test_legacy_encoded_pages_end_to_end(tmp_path, site, charset) -> None:
    legacy = pages()[EFFIC].replace("Testshire Constabulary", "Testshire Constabulary\u2019s caf\u00e9")
    data = legacy.replace("\u2019", "'").encode("latin-1") if charset == "iso-8859-1" else legacy.encode("cp1252")
    site.fault(EFFIC, ok(data, "text/html" + (f"; charset={charset}" if charset else "")))
    catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
    pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
    wh = pipeline.open_warehouse(catalogue)
    assert judged(wh)[-2:] == [("efficiency.understanding-demand", "good"), ("legitimacy", "good")]
    quote = "'" if charset == "iso-8859-1" else "\u2019"
    assert not issues_for(wh, EFFIC) and [f["text"] for f in wh.read_table("findings")] == [
        f"The force{quote}s demand model should be kept up to date."
    ]


def test_a_stray_legacy_byte_raises_no_false_change(tmp_path, site) -> None:
    catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
    pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
    site.fault(EFFIC, ok(pages()[EFFIC].encode().replace(b"More to do.", b"More to do \x96 soon.")))
    summary = pipeline.run_pipeline(catalogue, ["2017"], ["testshire"], mode="run", announce=True)
    assert summary.changes == []  # the findings' text (with its UTF-8 apostrophe) did not change


def test_duplicated_judgements_end_to_end_one_row_and_the_conflict_recorded(tmp_path, site) -> None:
    sentences = [HEADLINE.format(w, "good") for w in ("effective", "efficient", "legitimate")]
    site.serve({LANDING: landing_page("Testshire 2017", sentences + [HEADLINE.format("effective", "inadequate")])})
    catalogue = local_catalogue(tmp_path, site.url, synthetic=True)
    pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])
    wh = pipeline.open_warehouse(catalogue)
    rows = [j for j in wh.read_table("judgements") if j["area_id"] == "effectiveness"]
    assert len(rows) == 1 and rows[0]["grade"] == "good"
    [issue] = [i for i in issues_for(wh, LANDING) if i["reason"] == "duplicate_judgement"]
    assert issue["area_id"] == "effectiveness" and "inadequate" in issue["detail"]
    assert issue["source_url"] == SOURCE + LANDING


# --- markup noise on every page family (test_parse_pages covers pillar pages) -------------------

NOISE = st.lists(
    st.sampled_from(
        [
            "<div class='cookie'>We use cookies. <button>Accept</button></div>",
            "<nav><a>Good</a> <a>Inadequate</a></nav>",
            "<script>var grade = 'Outstanding';</script>",
            "<!-- requires improvement -->",
            "<p>Share this page</p>",
            "<aside>Related reports</aside>",
            "<footer>Good to know: privacy</footer>",
            "<style>p{color:red}</style>",
        ]
    ),
    max_size=4,
)
SPACE = st.sampled_from([" ", "\n", "\n\t  ", "&nbsp;", " \u00a0 ", "\r\n"])
ATTRS = st.permutations([" class='a b'", " id='x'", " data-grade='Inadequate'", " style='margin:0'", " lang=en"])


def _spaced(text: str, space: str) -> str:
    return text.replace(" ", space, 3)


@settings(max_examples=40, deadline=None)
@given(
    wrapper=st.sampled_from(["p", "div", "li", "dd", "span"]),
    space=SPACE,
    noise=NOISE,
    attrs=ATTRS,
    subject=st.sampled_from(["the force", "the constabulary", "Testshire Constabulary"]),
)
def test_markup_noise_never_changes_a_landing_pages_grades(wrapper, space, noise, attrs, subject) -> None:
    attr = "".join(attrs[:3])
    sentences = [
        HEADLINE.replace("the constabulary", subject).format(word, grade)
        for word, grade in (("effective", "good"), ("efficient", "requires improvement"), ("legitimate", "outstanding"))
    ]
    parts = ["<html><head><title>Testshire 2017</title></head><body>", *noise, f"<h1{attr}>Testshire 2017</h1>"]
    for sentence in sentences:
        parts += [f"<{wrapper}{attr}>{_spaced(sentence, space)}</{wrapper}>", *noise[:1]]
        if wrapper == "span":
            parts.append("<br>")
    parsed = parse("".join(parts) + "</body></html>", LANDING_REF)
    assert grades(parsed) == {
        "effectiveness": "good",
        "efficiency": "requires_improvement",
        "legitimacy": "outstanding",
    }, parsed.issues


REPORT_ROWS = [
    ("Responding to the public", "Good"),
    ("Investigating crime", "Adequate"),
    ("Protecting vulnerable people", "Requires improvement"),
]


def _rows(layout: str, attr: str, space: str) -> str:
    if layout == "table":
        return (
            f"<table{attr}><tr><th>Area</th><th>Grade</th></tr>"
            + "".join(f"<tr{attr}><td>{_spaced(a, space)}</td><td{attr}>{g}</td></tr>" for a, g in REPORT_ROWS)
            + "</table>"
        )
    if layout == "dl":
        return (
            f"<dl{attr}>" + "".join(f"<dt>{_spaced(a, space)}</dt><dd{attr}>{g}</dd>" for a, g in REPORT_ROWS) + "</dl>"
        )
    if layout == "one-line":
        return f"<ul{attr}>" + "".join(f"<li>{_spaced(a, space)}: {g}</li>" for a, g in REPORT_ROWS) + "</ul>"
    return "".join(f"<div{attr}><h3>{_spaced(a, space)}</h3><p{attr}>{g}</p></div>" for a, g in REPORT_ROWS)


@settings(max_examples=40, deadline=None)
@given(
    layout=st.sampled_from(["table", "dl", "one-line", "blocks"]),
    space=SPACE,
    noise=NOISE,
    attrs=ATTRS,
    intro=st.booleans(),
)
def test_markup_noise_never_changes_a_report_pages_grades(layout, space, noise, attrs, intro) -> None:
    attr = "".join(attrs[:3])
    parts = [
        "<html><head><title>PEEL 2023\u20132025 Testshire</title></head><body>",
        *noise,
        f"<h1{attr}>PEEL 2023\u20132025: Testshire Constabulary</h1>",
    ]
    if intro:
        intro_text = "Our inspection assessed how good Testshire Constabulary is in three areas of policing."
        parts.append(
            f"<p{attr}>{_spaced(intro_text, space)} We make graded judgments in three of these three as follows:</p>"
        )
    parts += [
        f"<h2{attr}>Our judgments</h2>",
        *noise[:1],
        _rows(layout, attr, space),
        "<p>We don't make a graded judgment for this area.</p>",
        "</body></html>",
    ]
    parsed = parse("".join(parts), REPORT)
    assert {k: v for k, v in grades(parsed).items() if v} == {
        "responding-to-the-public": "good",
        "investigating-crime": "adequate",
        "protecting-vulnerable-people": "requires_improvement",
    }, parsed.issues
    assert "count_mismatch" not in reasons(parsed)


# --- configuration that tries to leave the site's paths or the allowed hosts ---------------------

FORCE = '\n[[force]]\nid = "nowhere"\nname = "Nowhere Police"\ncountry = "England"\nregion = "X"\n'
CYCLE = (
    '\n[[cycle]]\nid = "2099"\nlabel = "PEEL 2099"\nfamily = "area"\nscale = "five-tier"\nsegment = "{segment}"\n'
    'status = "upcoming"\npages = [{{ kind = "report", path = "{path}" }}]\n'
)
HOSTILE_FILES = {
    "report slug ../../etc": ("forces.toml", FORCE + 'report_slug = "../../etc"\n', "'../../etc'"),
    "percent-encoded welsh slug": ("forces.toml", FORCE + 'welsh_slugs = ["..%2f..%2fetc"]\n', "..%2f..%2fetc"),
    "absolute path as an alias": ("forces.toml", FORCE + 'aliases = ["/etc/passwd"]\n', "/etc/passwd"),
    "force id ../../etc": ("forces.toml", FORCE.replace('"nowhere"', '"../../etc"'), "../../etc"),
    "segment ../../etc": ("cycles.toml", CYCLE.format(segment="../../etc", path="/peel-reports/{{slug}}/"), "segment"),
    "page path ..": ("cycles.toml", CYCLE.format(segment="2099", path="/peel-reports/../../{{slug}}/"), "'..'"),
    "page path %2e%2e": (
        "cycles.toml",
        CYCLE.format(segment="2099", path="/peel-reports/%2e%2e/{{slug}}/"),
        "percent-encoding",
    ),
    "page path on another host": (
        "cycles.toml",
        CYCLE.format(segment="2099", path="//evil.example/{{slug}}/"),
        "no scheme or host",
    ),
    "page path absolute URL": (
        "cycles.toml",
        CYCLE.format(segment="2099", path="https://evil.example/{{slug}}/"),
        "bad page",
    ),
    "page path unknown placeholder": (
        "cycles.toml",
        CYCLE.format(segment="2099", path="/p/{{slug}}/{{0.__class__}}/"),
        "placeholders",
    ),
}


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    return config


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_forces_and_cycles_that_leave_the_site_are_refused_at_load(tmp_path, case) -> None:
    name, text, words = HOSTILE_FILES[case]
    config = _config(tmp_path)
    with (config / name).open("a") as fh:
        fh.write(text)
    with pytest.raises(ConfigError, match=name.replace(".", r"\.")) as info:
        load_catalogue(config)
    assert words in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    "environ, words",
    [
        ({"PEELPIPE_INDEX_PAGES": "https://evil.example/list"}, "index_pages"),
        ({"PEELPIPE_INDEX_PAGES": "//evil.example/list"}, "index_pages"),
        ({"PEELPIPE_INDEX_PAGES": "/peel-assessments/../../etc/passwd"}, "'..'"),
        ({"PEELPIPE_INDEX_PAGES": "/%2E%2E/%2e%2e/etc/passwd"}, "percent-encoding"),
        ({"PEELPIPE_ALLOWED_HOSTS": "https://evil.example"}, "allowed_hosts"),
        ({"PEELPIPE_ALLOWED_HOSTS": "user@evil.example"}, "allowed_hosts"),
        ({"PEELPIPE_ALLOWED_HOSTS": "evil.example/../"}, "allowed_hosts"),
        ({"PEELPIPE_BASE_URL": "http://hmicfrs.justiceinspectorates.gov.uk/../../etc"}, "base URL path"),
        ({"PEELPIPE_BASE_URL": "file:///etc/passwd"}, "base URL must be http"),
        ({"PEELPIPE_BASE_URL": "http://user:pass@[::1/"}, "Invalid IPv6 URL"),
        ({"PEELPIPE_BASE_URL": "http://mirror.example:99999/"}, "Port out of range"),
    ],
    ids=lambda v: next(iter(v.values())) if isinstance(v, dict) else None,
)
def test_settings_that_leave_the_site_or_the_allowed_hosts_are_refused_at_load(environ, words) -> None:
    with pytest.raises(ConfigError, match=words.replace(".", r"\.")) as info:
        load_settings(ROOT / "config", environ=environ)
    assert "\n" not in str(info.value)


def test_the_shipped_configuration_and_plain_values_still_load() -> None:
    settings = load_settings(
        ROOT / "config",
        environ={
            "PEELPIPE_ALLOWED_HOSTS": "127.0.0.1:8080 [::1]:9 a-b.example",
            "PEELPIPE_BASE_URL": "https://mirror.example/hmicfrs/",
        },
    )
    assert load_catalogue(ROOT / "config", settings).forces["hampshire"].report_slug == "hampshire-and-isle-of-wight"


# --- config errors at the command line: one line, no traceback ----------------------------------


@pytest.mark.parametrize(
    "args, env, words",
    [
        (["backfill", "--cycles", "2019"], {}, "unknown cycle 2019"),
        (["backfill", "--base-url", "ftp://example.org"], {}, "base URL must be http"),
        (["run"], {"PEELPIPE_ALERT_URLS": "not-a-url"}, "alert URL must look like"),
        (["status"], {"PEELPIPE_INDEX_PAGES": "https://evil.example/"}, "index_pages"),
        (["backfill", "--delay", "soon"], {}, "invalid float value"),  # argparse's own usage error
        (["status"], {"BROKEN_TOML": "1"}, "forces.toml"),
    ],
    ids=["unknown-cycle", "bad-url", "bad-alert-url", "url-off-site", "bad-flag", "broken-toml"],
)
def test_config_errors_at_the_command_line_fail_fast_in_one_line(tmp_path, args, env, words) -> None:
    environ = {**os.environ, **env}
    if env.pop("BROKEN_TOML", None):
        config = _config(tmp_path)
        (config / "forces.toml").write_text('[[force]]\nid = "x"\nname = \n')
        environ["PEELPIPE_CONFIG_DIR"] = str(config)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "peelpipe",
            *args,
            "--no-prefect" if args[0] != "status" else "--quiet",
            "--warehouse",
            str(tmp_path / "wh"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=environ,
    )
    usage = words == "invalid float value"
    assert result.returncode == (2 if usage else 1), result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert words in lines[-1] and (usage or len(lines) == 1), result.stderr  # argparse: usage, then the error
    assert not (tmp_path / "wh").exists()  # failed before touching anything
