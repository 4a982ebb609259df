"""Grade words: normalising what pages print into the contract's grade and grade_status.

normalise_phrase is the one text normaliser every matcher of peelpipe uses (grade words, area and
question wordings, headings, dates, headline and count sentences): a page's typography (letter
case, non-breaking and thin spaces, soft hyphens, zero-width characters, curly quotes, dashes,
compatibility forms) is not part of what it says.
"""

from __future__ import annotations

import re
import unicodedata
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
# The printed grade phrases, longest first (so "not yet graded" is tried before "not graded").
GRADE_PHRASES: tuple[str, ...] = tuple(sorted(_WORDS, key=len, reverse=True))

# Characters a reader does not see: removed. (Soft hyphen, zero-width space/joiners, word joiner,
# byte order mark, Mongolian vowel separator.)
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_APOSTROPHES = "\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4"
_QUOTES = "\u201c\u201d\u201e\u201f\u2033"
_MAP = dict.fromkeys(INVISIBLE, "") | dict.fromkeys(_DASHES, "-") | dict.fromkeys(_APOSTROPHES, "'")
_MAP |= dict.fromkeys(_QUOTES, '"')
# One regex pass finds the few characters to replace (str.translate would look up every character).
_SPECIAL = re.compile("[" + re.escape("".join(_MAP)) + "]")


def _unify(text: str) -> str:
    return _SPECIAL.sub(lambda found: _MAP[found.group()], text)


def normalise_phrase(text: str) -> str:
    """Text as matchers compare it: NFKC, case-folded, invisible characters removed, every dash a
    hyphen, every apostrophe ' and quote ", every run of whitespace (any kind of space) one space,
    trimmed. ASCII text (most of it) only needs lower-casing and folding."""
    if text.isascii():
        text = text.lower()
    else:
        text = _unify(text)
        if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
            text = _unify(unicodedata.normalize("NFKC", text))
        text = text.casefold()
    if "  " in text or text[:1] == " " or text[-1:] == " " or not text.isprintable():
        return " ".join(text.split())
    return text


# A lead-in names the grade that follows it ("Grade: Good", "Our judgment - adequate", "Rated:
# outstanding"); it is never an area's label.
LEAD_IN = re.compile(
    r"^(?:(?:our|overall|the|force)\s+)?(?:grade|graded|grading|rating|rated(?:\s+as)?|judg(?:e)?ment|"
    r"judged(?:\s+as)?|assessed\s+as|overall)(?:\s+is)?\s*(?:[:|-]\s*|\s(?=\S)|$)"
)


def strip_lead_in(key: str) -> str:
    """A normalised phrase without a leading lead-in ("grade: good" -> "good")."""
    match = LEAD_IN.match(key)
    return key[match.end() :] if match else key


def is_lead_in(key: str) -> bool:
    """Whether a normalised phrase is nothing but a lead-in ("our judgment:", "rated")."""
    match = LEAD_IN.match(key.rstrip(" :|-"))
    return match is not None and match.end() >= len(key.rstrip(" :|-"))


def grade_word(text: str) -> GradeWord | None:
    """The meaning of a whole grade label ("Requires improvement", "To be graded.", "Grade: Good",
    "Our judgment – adequate"), or None."""
    key = normalise_phrase(text).strip(" .:;-")
    word = _WORDS.get(key)
    if word is None and key:
        word = _WORDS.get(strip_lead_in(key).strip(" .:;-"))
    return word


def grade_rank(grade: str | None, scale: tuple[str, ...]) -> int | None:
    """Position of a grade on a scale, 0 = best; None when the grade is not on it."""
    if grade is None or grade not in scale:
        return None
    return scale.index(grade)


def grade_label(grade: str | None) -> str:
    """Human form of a contract grade ("requires_improvement" -> "requires improvement")."""
    return "-" if grade is None else grade.replace("_", " ")
