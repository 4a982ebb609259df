"""Grade words: normalising what pages print into the contract's grade and grade_status."""

from __future__ import annotations

import re
from typing import NamedTuple

GRADED = "graded"
PENDING = "pending"
NOT_GRADED = "not_graded"
UNGRADED = "ungraded"
GRADE_STATUSES = (GRADED, PENDING, NOT_GRADED, UNGRADED)

ALL_GRADES = ("outstanding", "good", "adequate", "requires_improvement", "inadequate")


class GradeWord(NamedTuple):
    """What a printed grade word means: a grade (or None) and its grade_status."""

    grade: str | None
    status: str


_WORDS: dict[str, GradeWord] = {
    "outstanding": GradeWord("outstanding", GRADED),
    "good": GradeWord("good", GRADED),
    "adequate": GradeWord("adequate", GRADED),
    "requires improvement": GradeWord("requires_improvement", GRADED),
    "require improvement": GradeWord("requires_improvement", GRADED),
    "requiring improvement": GradeWord("requires_improvement", GRADED),
    "inadequate": GradeWord("inadequate", GRADED),
    "not yet graded": GradeWord(None, PENDING),
    "to be graded": GradeWord(None, PENDING),
    "not graded": GradeWord(None, NOT_GRADED),
    "not being graded": GradeWord(None, NOT_GRADED),
    "ungraded": GradeWord(None, UNGRADED),
}

_CLEAN = re.compile(r"[\s\u00a0]+")


def normalise_phrase(text: str) -> str:
    """Lower-case, straighten quotes and dashes, and fold whitespace."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    return _CLEAN.sub(" ", text).strip().lower()


def grade_word(text: str) -> GradeWord | None:
    """The meaning of a whole grade label ("Requires improvement", "To be graded."), or None."""
    key = normalise_phrase(text).strip(" .:;-")
    if key.startswith("grade:") or key.startswith("grade -"):
        key = key.split(":", 1)[-1].split("-", 1)[-1].strip()
    return _WORDS.get(key)


def grade_rank(grade: str | None, scale: tuple[str, ...]) -> int | None:
    """Position of a grade on a scale, 0 = best; None when the grade is not on it."""
    if grade is None or grade not in scale:
        return None
    return scale.index(grade)


def grade_label(grade: str | None) -> str:
    """Human form of a contract grade ("requires_improvement" -> "requires improvement")."""
    return "-" if grade is None else grade.replace("_", " ")
