"""Text patterns shared by the page parsers: grade labels, grade sentences, dates, findings headings.

Every pattern here is matched against normalised text (grades.normalise_phrase): lower case, one
kind of space, dash and apostrophe. Sentence boundaries, which need capitals, are found in the
printed text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from peelpipe.grades import GradeWord, grade_word, normalise_phrase

_LAST_UPDATED = re.compile(
    r"last updated:? ?(?:on )?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})|last updated:? ?(?:on )?(\d{1,2}) ([a-z]+) (\d{4})"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


def last_updated(text: str) -> date | None:
    """The date in a 'Last updated 22/03/2018' (UK day-first) or 'Last updated 22 March 2018' text."""
    match = _LAST_UPDATED.search(phrase_key(text)) if len(text) < 200 else _LAST_UPDATED.search(normalise_phrase(text))
    if not match:
        return None
    try:
        if match.group(1):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        month = _MONTHS.get(match.group(5))
        return date(int(match.group(6)), month, int(match.group(4))) if month else None
    except ValueError:
        return None


def is_last_updated(text: str) -> bool:
    """Whether a block is (only) a 'Last updated …' line."""
    return len(text) < 60 and bool(_LAST_UPDATED.match(phrase_key(text)))


@lru_cache(maxsize=4096)
def phrase_key(text: str) -> str:
    """normalise_phrase(text), remembered: labels, headers and grade lines recur on page after page."""
    return normalise_phrase(text)


@lru_cache(maxsize=4096)
def grade_of(text: str) -> GradeWord | None:
    """grade_word(text), remembered the same way."""
    return grade_word(text)


class Keyed(NamedTuple):
    """Printed text and its normalised form, joined from the same pieces: patterns are matched in
    `key`, and what they matched is quoted as printed."""

    text: str
    key: str

    def quote(self, start: int, end: int) -> str:
        """The printed text of key[start:end] (the normalised text where the two differ in length)."""
        source = self.text if len(self.text) == len(self.key) else self.key
        return " ".join(source[start:end].split())


def keyed(texts: Iterable[str], separator: str) -> Keyed:
    """Texts joined by `separator`, printed and normalised."""
    pieces = list(texts)
    keys = [phrase_key(t) if len(t) < 200 else normalise_phrase(t) for t in pieces]
    return Keyed(separator.join(pieces), separator.join(keys))


def label_of(text: str) -> GradeWord | None:
    """A block that is wholly a grade label ('Good', 'Requires improvement', 'To be graded')."""
    return None if len(text) > 40 else grade_of(text)


_STRUCTURAL = frozenset(
    {
        "summary",
        "overview",
        "introduction",
        "findings",
        "key findings",
        "contents",
        "print",
        "share",
        "download",
        "back to top",
        "related",
        "more",
        "read more",
        "next",
        "previous",
        "areas for improvement",
        "area for improvement",
        "causes of concern",
        "cause of concern",
        "recommendations",
        "recommendation",
        "innovative practice",
        "notable practice",
        "promising practice",
        "view report",
        "view the report",
        "english",
        "cymraeg",
        "sample data",
        "skip to content",
        "menu",
        "search",
    }
)


_NOT_LABEL = re.compile(r"[?!,;0-9]")


def looks_like_label(text: str) -> bool:
    """A short line standing where a grade label would: 1–3 words, no sentence punctuation."""
    if not 0 < len(text.split(None, 3)) <= 3:  # (at most 4 pieces: enough to tell "more than 3 words")
        return False
    key = normalise_phrase(text).strip(" .:")
    return (
        key not in _STRUCTURAL
        and not _NOT_LABEL.search(text)
        and text[:1].isupper()
        and not key.startswith("questions for")
        and not key.startswith("last updated")
    )


# A sentence ends at . ! or ? followed by whitespace and a capital, quote or bracket. (Leading with the
# punctuation, not a look-behind, lets the regex engine jump from one candidate to the next.)
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z\u2018\u201c'\"(])")
_RI = re.compile(r"\b(?:requires|require|requiring)\s+improvement\b", re.IGNORECASE)
_ADJ = re.compile(
    r"\b(?:is|was|remains|are)\s+(?:judged\s+(?:to\s+be\s+)?|assessed\s+as\s+|rated\s+(?:as\s+)?|graded\s+(?:as\s+)?|:\s*)?"
    r"(outstanding|good|adequate|inadequate)\b(?=\s*(?:at\b|in\b|overall\b|[.;:,]|$))",
    re.IGNORECASE,
)
_NOT_GOOD = re.compile(r"\bnot\s+(?:yet\s+)?(?:good|outstanding)\b", re.IGNORECASE)
_MAX_SUBJECT = 120


_ADJ_VERBS = ("is", "was", "remains", "are")  # every _ADJ match begins with one of these words


def _adjective_starts(low: str) -> list[int]:
    """Where an _ADJ match may begin within the first _MAX_SUBJECT characters, in order: the
    offsets of its verbs in the normalised sentence `low`. Trying _ADJ only there, skipping what a match
    already covered, gives the matches _ADJ.finditer would, without scanning the whole sentence."""
    starts: list[int] = []
    for verb in _ADJ_VERBS:
        at = low.find(verb, 0, _MAX_SUBJECT + len(verb))
        while at >= 0:
            starts.append(at)
            at = low.find(verb, at + 1, _MAX_SUBJECT + len(verb))
    starts.sort()
    return starts


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph."""
    text = text.strip()
    end = _SENTENCE_END.search(text)
    return text if end is None else text[: end.start() + 1]


def sentences(text: str) -> list[str]:
    """A paragraph's sentences, in order."""
    text = text.strip()
    found, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        found.append(text[start : end.start() + 1])
        start = end.end()
    found.append(text[start:])
    return [s for s in found if s]


def prose_grade(sentence: str) -> str | None:
    """The grade a summary sentence states ('X is good at …', 'X requires improvement in …').

    Only a grade near the start of the sentence counts, and a sentence naming two different
    grades gives none: a grade is never guessed from prose that does not state it plainly.
    """
    found: set[str] = set()
    sentence = normalise_phrase(sentence)
    low = sentence  # each regex runs only where its grade words occur
    if "improvement" in low:
        match = _RI.search(sentence)  # the first match starts earliest
        if match is not None and match.start() <= _MAX_SUBJECT:
            found.add("requires_improvement")
    if "good" in low or "outstanding" in low or "adequate" in low:
        end = 0
        for at in _adjective_starts(low):
            if at >= end:
                match = _ADJ.match(sentence, at)
                if match is not None:
                    found.add(match.group(1).lower())
                    end = match.end()
        if "not" in low and _NOT_GOOD.search(sentence):
            return None
    return found.pop() if len(found) == 1 else None


# The letters a finding heading can start with, as re.IGNORECASE reads them (İ and ı are an i to it).
FINDING_START = frozenset("aAcCrRiIpPnN\u0130\u0131")
# One alternative per finding kind, tried in this order (the group name is the kind).
_FINDING_HEADING = re.compile(
    r"(?P<cause_of_concern>(?:accelerated\s+)?causes?\s+of\s+concern\b)"
    r"|(?P<recommendation>recommendations?\b)"
    r"|(?P<area_for_improvement>areas?\s+for\s+improvement\b)"
    r"|(?P<innovative_practice>(?:innovative|promising|notable)\s+practice\b)",
    re.I,
)


def finding_kind(text: str) -> str | None:
    """The finding kind a short heading announces ('Areas for improvement' -> area_for_improvement)."""
    if len(text) > 60 or (text[:1] not in FINDING_START and not text[:1].isspace()):
        return None
    match = _FINDING_HEADING.match(text.strip())
    return match.lastgroup if match else None


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, limit: int = 60) -> str:
    """A derived id part for a label nobody mapped: lower-case words joined by hyphens."""
    slug = _NOT_SLUG.sub("-", normalise_phrase(text)).strip("-")
    return slug[:limit].rstrip("-") or "unnamed"


def is_truncated(html: str) -> bool:
    """Whether an HTML document stops before its end (no closing body or html tag)."""
    start = max(0, len(html) - 4096)
    if html.find("</html", start) >= 0 or html.find("</body", start) >= 0:  # the usual case, no copy
        return False
    tail = html[start:].lower()
    return "</html" not in tail and "</body" not in tail
