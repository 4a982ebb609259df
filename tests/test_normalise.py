"""The one text normaliser, grade words after lead-ins, one-line bindings, and what a page promises."""

from __future__ import annotations

import pytest
from conftest import page_ref
from hypothesis import given
from hypothesis import strategies as st

from peelpipe.grades import grade_word, is_lead_in, normalise_phrase
from peelpipe.parse import parse_page
from peelpipe.parse.binding import bind_line, strip_number


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("OUT\u00adSTANDING", "outstanding"),  # soft hyphen
        ("improve\u200bment", "improvement"),  # zero-width space
        ("a\u200c\u200d\u2060\ufeffb", "ab"),  # joiners, word joiner, byte order mark
        ("Requires\u202fimprovement", "requires improvement"),  # narrow no-break space
        ("Kent\u00a0Police\u2009  now", "kent police now"),
        ("anti\u2011social \u2013 x \u2014 y \u2012 z", "anti-social - x - y - z"),
        ("force\u2019s \u2018x\u2019 \u201cy\u201d", "force's 'x' \"y\""),
        ("\uff27ood \ufb01ne", "good fine"),  # compatibility forms (NFKC)
        ("  Good\n", "good"),
    ],
)
def test_typography_is_not_part_of_what_a_page_says(printed: str, key: str) -> None:
    assert normalise_phrase(printed) == key


@given(st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise_phrase(text)
    assert normalise_phrase(once) == once


@pytest.mark.parametrize(
    ("printed", "grade"),
    [
        ("Grade: Good", "good"),
        ("Our judgment: good", "good"),
        ("Judgment \u2013 adequate", "adequate"),
        ("Rated: outstanding", "outstanding"),
        ("Judgement: INADEQUATE", "inadequate"),
        ("Grade \u2014 Adequate", "adequate"),
        ("Overall grade: requires improvement", "requires_improvement"),
    ],
)
def test_a_grade_after_a_lead_in_is_the_grade(printed: str, grade: str) -> None:
    word = grade_word(printed)
    assert word is not None and word.grade == grade


@pytest.mark.parametrize("text", ["Rated", "Our judgment", "Judgement:", "Grade", "Overall grade"])
def test_a_lead_in_alone_is_a_lead_in_and_no_grade(text: str) -> None:
    assert is_lead_in(normalise_phrase(text)) and grade_word(text) is None


@pytest.mark.parametrize(
    ("line", "area", "grade"),
    [
        ("Investigating crime \u2013 requires improvement", "investigating-crime", "requires_improvement"),
        ("Responding to the public: adequate", "responding-to-the-public", "adequate"),
        ("PREVENTING CRIME \u2014 GOOD", "preventing-crime", "good"),
        ("Managing offenders | Good", "managing-offenders", "good"),
        ("Police powers and public treatment Adequate", "treatment-of-the-public", "adequate"),  # icon text
        ("Preventing crime Grade: Good", "preventing-crime", "good"),
        ("1. How good is the force at investigating crime? Inadequate", "investigating-crime", "inadequate"),
    ],
)
def test_an_area_and_its_grade_on_one_line(catalogue, line: str, area: str, grade: str) -> None:
    bound = bind_line(line, catalogue.area_matcher("2023-25"))
    assert bound is not None and bound.area is not None
    assert (bound.area.id, bound.word.grade) == (area, grade)


@pytest.mark.parametrize(
    "line",
    [
        "Rated: outstanding",  # a lead-in is never an area
        "Our judgment: Requires improvement",
        "The force is now good at investigating crime and is good",  # prose
        "We judged that the force's work on investigating crime is: good.",  # a sentence
        "Good use of resources",  # a wording that starts with a grade word
        "Investigating crime",
    ],
)
def test_lines_that_bind_no_area_to_a_grade(catalogue, line: str) -> None:
    assert bind_line(line, catalogue.area_matcher("2021-22")) is None


def test_a_grade_image_before_a_question_binds_to_it(catalogue) -> None:
    text = "Good How effective is the force at keeping people safe and reducing crime?"
    bound = bind_line(text, catalogue.area_matcher("2016", "effectiveness"))
    assert (
        bound is not None and bound.area is not None and (bound.area.id, bound.word.grade) == ("effectiveness", "good")
    )


@pytest.mark.parametrize("heading", ["1. How good", "1 How good", "Question 1: How good", "12) How good"])
def test_question_numbers_are_not_part_of_a_heading(heading: str) -> None:
    assert strip_number(heading) == "How good"


def _pillar_page(questions: str) -> str:
    return (
        "<html><head><title>Testshire PEEL 2017</title></head><body><h1>Testshire PEEL 2017</h1>"
        "<h2>How efficient is the force at keeping people safe and reducing crime?</h2><p>Good</p>"
        f"{questions}</body></html>"
    )


def test_a_pillar_page_promises_a_grade_per_graded_heading(catalogue) -> None:
    ref = page_ref("testshire", "2017", "pillar", "efficiency", "/peel-assessments/peel-2017/testshire/efficiency/")
    html = _pillar_page(
        "<h3>How well does the force understand demand?</h3><p>Requires improvement</p>"
        "<h3>How well does the force use its resources?</h3><p>Excellent-ish</p>"
    )
    parsed = parse_page(html, ref, catalogue)
    graded = [o for o in parsed.observations if o.grade]
    assert parsed.facts["grades_promised"] == "3" and len(graded) == 2  # one grade word is unknown


def test_a_page_that_names_no_graded_area_promises_nothing(catalogue) -> None:
    ref = page_ref("testshire", "2021-22", "report", None, "/peel-reports/testshire-2021-22/")
    html = "<html><body><h1>PEEL 2021/22</h1><h2>Our judgments</h2><p>Investigating crime: Good</p></body></html>"
    parsed = parse_page(html, ref, catalogue)
    assert parsed.readable and "grades_promised" not in parsed.facts  # no count sentence


def test_a_page_read_for_nothing_says_whether_it_looks_like_a_peel_page(catalogue) -> None:
    ref = page_ref("testshire", "2017", "pillar", "efficiency", "/peel-assessments/peel-2017/testshire/efficiency/")
    redesign = "<html><body><h1>Testshire PEEL 2017</h1><p>Last updated 01/02/2018</p><p>Efficiency</p></body></html>"
    login = "<html><body><h1>Sign in</h1><p>Enter your password.</p></body></html>"
    for html, looks in ((redesign, True), (login, False)):
        parsed = parse_page(html, ref, catalogue)
        assert not parsed.readable and [i.reason for i in parsed.issues] == ["not_peel_page"]
        assert ("looks like a PEEL page" in parsed.issues[0].detail) is looks
