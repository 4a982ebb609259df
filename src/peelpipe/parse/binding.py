"""A grade is a grade word bound to an area: the ways a page binds them within one block of text.

Whatever the markup, a reader takes a grade from a line that names an area and a grade together:
"Investigating crime – requires improvement", "Legitimacy: good", "EFFICIENCY — GOOD", an
accordion's "Preventing crime Grade: Good" (a screen-reader text beside an icon), "1 How well does
the force use its resources? Requires improvement", or an image's alt text before a question
("Good How effective is the force …?"). Bindings across blocks (an area's heading, then its grade
alone or after a lead-in) are read by the section and row readers, with grades.grade_word.

A lead-in ("Grade:", "Our judgment –", "Rated:") is never an area. Without a separator between
them, the area part must be a known wording exactly, or a question ending in "?": a sentence that
ends in a grade word ("… the force is good.") binds nothing.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from peelpipe.config import Area, AreaMatcher, normalise_label
from peelpipe.grades import GRADE_PHRASES, GradeWord, grade_word, is_lead_in, normalise_phrase

_DASH = "\\-\u2010-\u2015\u2212"
_SEP_CHARS = f":|{_DASH}"
_GRADE = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in GRADE_PHRASES)
# "<area><separator or space><optional lead-in><grade>" and "<grade><space or separator><area>".
_AREA_GRADE = re.compile(
    rf"^(?P<area>.*?[^\s{_SEP_CHARS}])(?P<sep>[\s{_SEP_CHARS}]+)"
    rf"(?P<lead>(?:(?:our|overall)\s+)?(?:grade|rating|rated|judge?ment)(?:\s*[{_SEP_CHARS}]\s*|\s+))?"
    rf"(?P<grade>{_GRADE})[\s.]*$",
    re.IGNORECASE,
)
_GRADE_AREA = re.compile(rf"^(?P<grade>{_GRADE})(?P<sep>[\s{_SEP_CHARS}]+)(?P<area>\S.*)$", re.IGNORECASE)
# "1. ", "1 ", "1) ", "1.2 ", "Question 1: ", "Q1. ", and "1.How" with no space after the dot.
_NUMBER = re.compile(
    r"^(?:(?:question|q)\s*)?\d{1,2}(?:\.\d{1,2})?(?:[.):]\s*|\s+)(?=[^\W\d_]|[\u2018\u201c'\"(])", re.IGNORECASE
)
_SENTENCE = re.compile(r"[.!;]\s")
_VERBS = frozenset({"is", "was", "are", "were", "be", "been", "being", "as", "remains", "remain"})
_HEADLINE_STARTS = ("the extent to which ", "the efficiency with which ", "in terms of its ")
_MAX = 250  # longer text is prose, not a line naming an area and its grade


class Binding(NamedTuple):
    """An area's printed wording and the grade printed with it on the same line."""

    label: str
    area: Area | None
    word: GradeWord
    printed: str


def strip_number(text: str) -> str:
    """A heading without its leading question number ("1. How good …", "Q1 How good …" -> "How good …")."""
    if not text[:1].isdigit() and text[:1] not in ("q", "Q"):
        return text
    match = _NUMBER.match(text)
    return text[match.end() :] if match else text


def area_of(text: str, match: AreaMatcher, exact: bool = False) -> Area | None:
    """The area a printed wording names, numbered or not; with exact, only a configured wording
    (not a keyword match) counts."""
    text = strip_number(text.strip())
    area = match(text)
    if area is None or not exact:
        return area
    return area if normalise_label(text) in area.labels else None


_GRADE_ENDS = tuple({p.rsplit(" ", 1)[-1] for p in GRADE_PHRASES})
_GRADE_STARTS = tuple({p.split(" ", 1)[0] for p in GRADE_PHRASES})


def may_bind(text: str) -> bool:
    """A cheap pre-check before any regex: whether the text ends or begins with a grade word, as a
    line binding an area to its grade does."""
    return text[-16:].lower().rstrip(" .").endswith(_GRADE_ENDS) or text[:12].lower().startswith(_GRADE_STARTS)


def _is_question(text: str) -> bool:
    return text.rstrip().endswith("?")


def bind_line(text: str, match: AreaMatcher, unmapped: bool = False) -> Binding | None:
    """The area and grade one line of text names together, or None.

    With a separator (":", "|", a dash) the area part may be any known wording or, with
    `unmapped`, any short label (kept, reported as unmapped by the caller); with only a space, it
    must be a known wording exactly or a question. The area part is never a lead-in.
    """
    if len(text) > _MAX or not may_bind(text):
        return None
    for pattern in (_AREA_GRADE, _GRADE_AREA):
        found = pattern.match(text)
        if found is None:
            continue
        label = strip_number(found.group("area").strip())
        key = normalise_phrase(label)
        if not key or is_lead_in(key) or grade_word(label) is not None or _SENTENCE.search(label):
            continue
        if key.rsplit(" ", 1)[-1] in _VERBS or key.startswith(_HEADLINE_STARTS):
            continue  # a sentence ("… the force is: good."; a headline sentence), not an area's label
        word = grade_word(found.group("grade"))
        if word is None:
            continue
        separated = any(c not in " " for c in normalise_phrase(found.group("sep")).strip())
        lead = found.groupdict().get("lead")
        loose = separated or lead is not None or _is_question(label)
        area = area_of(label, match, exact=not loose)
        if area is not None or (unmapped and separated and len(label) <= 120 and pattern is _AREA_GRADE):
            return Binding(label, area, word, found.group("grade"))
    return None
