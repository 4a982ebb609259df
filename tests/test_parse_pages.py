"""Parsers on the wording variants the site is known to print, and properties of the text rules."""

from __future__ import annotations

import pytest
from conftest import page_ref
from hypothesis import given, settings
from hypothesis import strategies as st

from peelpipe.grades import grade_word
from peelpipe.parse import parse_page
from peelpipe.parse.text import last_updated, prose_grade


def landing(sentences: list[str], title: str = "Testshire 2016") -> str:
    return (
        "<html><head><title>x</title></head><body><h1>"
        + title
        + "</h1>"
        + "".join(f"<p>{s}</p>" for s in sentences)
        + "</body></html>"
    )


def grades(parsed) -> dict[str, tuple[str | None, str]]:
    return {o.area_id: (o.grade, o.grade_status) for o in parsed.observations}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "The extent to which the force is effective at keeping people safe and reducing crime is good.",
            ("good", "graded"),
        ),
        (
            "The extent to which the force is effective at keeping people safe and reducing crime is: good.",
            ("good", "graded"),
        ),
        (
            "The extent to which the force is effective at keeping people safe and reducing crime: not yet graded.",
            (None, "pending"),
        ),
        (
            "The extent to which the force is effective at keeping people safe and reducing crime good.",
            ("good", "graded"),
        ),
        (
            "The extent to which the force is effective at keeping people safe and reducing crime is requires improvement.",
            ("requires_improvement", "graded"),
        ),
        (
            "The extent to which the constabulary is effective at keeping people safe and reducing crime requires improvement.",
            ("requires_improvement", "graded"),
        ),
        (
            "The extent to which Thames Valley Police is effective at keeping people safe and reducing crime is not graded.",
            (None, "not_graded"),
        ),
    ],
)
def test_landing_headline_variants(sentence: str, expected, catalogue) -> None:
    parsed = parse_page(landing([sentence]), page_ref("testshire", "2016", "landing", None), catalogue)
    assert grades(parsed)["effectiveness"] == expected


def test_landing_unknown_headline_grade_is_an_issue_not_a_guess(catalogue) -> None:
    parsed = parse_page(
        landing(["The extent to which the force is effective at keeping people safe and reducing crime is splendid."]),
        page_ref("testshire", "2016", "landing", None),
        catalogue,
    )
    assert "effectiveness" not in grades(parsed)
    assert [i.reason for i in parsed.issues] == ["unknown_grade"]


def test_2018_19_landing_and_tranche(catalogue) -> None:
    html = landing(
        [
            "Testshire Constabulary was inspected in tranche three and we found:",
            "the extent to which the force is effective at reducing crime and keeping people safe is good.",
            "the extent to which the force operates efficiently and sustainably requires improvement.",
            "the extent to which the force treats the public and its workforce legitimately is outstanding.",
        ],
        title="Testshire 2018/19",
    )
    parsed = parse_page(html, page_ref("testshire", "2018-19", "landing", None), catalogue)
    assert grades(parsed) == {
        "effectiveness": ("good", "graded"),
        "efficiency": ("requires_improvement", "graded"),
        "legitimacy": ("outstanding", "graded"),
    }
    assert parsed.facts == {"tranche": "three", "grades_promised": "3"}


def test_a_page_of_another_cycle_is_not_used(catalogue) -> None:
    html = landing(
        ["The extent to which the force is effective at keeping people safe and reducing crime is good."],
        title="Testshire 2015",
    )
    parsed = parse_page(html, page_ref("testshire", "2016", "landing", None), catalogue)
    assert not parsed.readable and parsed.issues[0].reason == "wrong_cycle" and not parsed.observations


def test_non_utf8_bytes_do_not_stop_parsing(catalogue) -> None:
    html = landing(
        [
            "The extent to which the force is effective at keeping people safe and reducing crime is good.",
            "Caf\xe9 culture.",
        ]
    ).encode("cp1252")
    parsed = parse_page(html, page_ref("testshire", "2016", "landing", None), catalogue)
    assert grades(parsed)["effectiveness"] == ("good", "graded")


def test_a_page_with_no_parser_yet_is_recorded(catalogue) -> None:
    parsed = parse_page(b"<html></html>", page_ref("testshire", "2021-22", "landing", None), catalogue)
    assert not parsed.readable and parsed.issues[0].reason == "no_parser"


@pytest.mark.parametrize(
    "sentence, grade",
    [
        (
            "Staffordshire Police is good at preventing crime, tackling anti-social behaviour and keeping people safe.",
            "good",
        ),
        ("The force requires improvement in the way it protects vulnerable people.", "requires_improvement"),
        ("Testshire Constabulary is outstanding in how it treats people.", "outstanding"),
        ("Its understanding of organised crime groups is good, and it is improving.", "good"),
        ("The force has a good understanding of demand.", None),
        ("The force is not yet good at this.", None),
        ("The force is good at some things but requires improvement at others.", None),
        ("National threats often require forces to work together.", None),
    ],
)
def test_prose_grade_reads_only_plain_statements(sentence: str, grade: str | None) -> None:
    assert prose_grade(sentence) == grade


def test_last_updated_is_day_first() -> None:
    assert str(last_updated("Last updated 02/03/2017")) == "2017-03-02"
    assert str(last_updated("Last updated: 9 November 2017")) == "2017-11-09"
    assert last_updated("Last updated 31/02/2017") is None


WORDS = ["Outstanding", "Good", "Requires improvement", "Inadequate", "To be graded", "Not being graded"]
SEED_LIKE = [
    (
        "How effective is the force at keeping people safe and reducing crime?",
        None,
        "Testshire Constabulary is good at keeping people safe and reducing crime.",
    ),
    (
        "How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?",
        None,
        "Testshire Constabulary is good at preventing crime, tackling anti-social behaviour and keeping people safe.",
    ),
    (
        "How effective is the force at protecting those who are vulnerable from harm, and supporting victims?",
        "Requires improvement",
        "Testshire Constabulary requires improvement at protecting those who are vulnerable.",
    ),
    (
        "How effective are the force\u2019s specialist capabilities?",
        None,
        "National threats need forces to work together.",
    ),
]
EXPECTED = {
    "effectiveness": ("good", "graded"),
    "effectiveness.preventing-crime": ("good", "graded"),
    "effectiveness.protecting-vulnerable": ("requires_improvement", "graded"),
    "effectiveness.specialist-capabilities": (None, "ungraded"),
}


@settings(max_examples=60, deadline=None)
@given(
    heading=st.sampled_from(["h2", "h3", "h4", "strong"]),
    wrapper=st.sampled_from(["p", "div", "span", "dd"]),
    space=st.sampled_from([" ", "\n", "\n\t  ", "&nbsp;", " \u00a0 "]),
    noise=st.lists(
        st.sampled_from(
            [
                "<div class='cookie'>We use cookies. <button>Accept</button></div>",
                "<nav><a>Good</a> <a>Home</a></nav>",
                "<script>var g='Good';</script>",
                "<!-- Inadequate -->",
                "<p>Share this page</p>",
                "<aside>Related reports</aside>",
            ]
        ),
        max_size=4,
    ),
    attrs=st.sampled_from(["", " class='a b'", " id='x' data-x='1'", " style='color:red' class='z'"]),
)
def test_markup_noise_never_changes_a_grade(heading, wrapper, space, noise, attrs, catalogue) -> None:
    parts = [
        "<html><head><title>Testshire PEEL 2017</title></head><body>",
        *noise,
        "<h1>Testshire PEEL 2017</h1>",
        f"<p{attrs}>Last{space}updated 22/03/2018</p>",
    ]
    for question, label, prose in SEED_LIKE:
        parts.append(
            f"<p><strong>{question}</strong></p>"
            if heading == "strong"
            else f"<{heading}{attrs}>{question.replace(' ', space, 2)}</{heading}>"
        )
        if label:
            parts.append(f"<{wrapper}{attrs}>{label}</{wrapper}>")
        parts.append(f"<p{attrs}>{prose.replace(' ', space, 3)}</p>")
        parts.extend(noise[:1])
    parts.append("</body></html>")
    parsed = parse_page("".join(parts), page_ref("testshire", "2017", "pillar", "effectiveness"), catalogue)
    assert grades(parsed) == EXPECTED


@given(st.sampled_from(WORDS), st.sampled_from(["", " ", ".", ":", "  \n"]), st.booleans())
def test_grade_words_survive_case_and_punctuation(word: str, tail: str, upper: bool) -> None:
    text = (word.upper() if upper else word) + tail
    assert grade_word(text) == grade_word(word) is not None


def test_an_unknown_label_with_a_plain_summary_keeps_the_summary_grade_and_says_so(catalogue) -> None:
    html = (
        "<html><body><h1>Testshire PEEL 2017</h1><h2>How effective is the force at keeping people safe and "
        "reducing crime?</h2><p>Last updated 22/03/2018</p><p>Splendid</p><p>Testshire Constabulary is good at "
        "keeping people safe and reducing crime.</p></body></html>"
    )
    parsed = parse_page(html, page_ref("testshire", "2017", "pillar", "effectiveness"), catalogue)
    assert grades(parsed) == {"effectiveness": ("good", "graded")}
    issue = next(i for i in parsed.issues if i.reason == "unknown_grade")
    assert issue.severity == "warning" and "'Splendid'" in issue.detail
