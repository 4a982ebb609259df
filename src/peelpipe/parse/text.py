"""Text patterns shared by the page parsers: grade labels, grade sentences, dates, findings headings."""

from __future__ import annotations

import re
from datetime import date

from peelpipe.grades import GradeWord, grade_word, normalise_phrase

_LAST_UPDATED = re.compile(
    r"last\s+updated:?\s*(?:on\s+)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})|last\s+updated:?\s*(?:on\s+)?(\d{1,2})\s+([a-z]+)\s+(\d{4})",
    re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}


def last_updated(text: str) -> date | None:
    """The date in a 'Last updated 22/03/2018' (UK day-first) or 'Last updated 22 March 2018' text."""
    match = _LAST_UPDATED.search(text)
    if not match:
        return None
    try:
        if match.group(1):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        month = _MONTHS.get(match.group(5).lower())
        return date(int(match.group(6)), month, int(match.group(4))) if month else None
    except ValueError:
        return None


def is_last_updated(text: str) -> bool:
    """Whether a block is (only) a 'Last updated …' line."""
    return bool(_LAST_UPDATED.match(text.strip())) and len(text) < 60


def label_of(text: str) -> GradeWord | None:
    """A block that is wholly a grade label ('Good', 'Requires improvement', 'To be graded')."""
    if len(text) > 40:
        return None
    return grade_word(text)


_STRUCTURAL = frozenset({
    "summary", "overview", "introduction", "findings", "key findings", "contents", "print", "share",
    "download", "back to top", "related", "more", "read more", "next", "previous", "areas for improvement",
    "area for improvement", "causes of concern", "cause of concern", "recommendations", "recommendation",
    "innovative practice", "notable practice", "promising practice", "view report", "view the report",
    "english", "cymraeg", "sample data", "skip to content", "menu", "search",
})


def looks_like_label(text: str) -> bool:
    """A short line standing where a grade label would: 1–3 words, no sentence punctuation."""
    words = text.split()
    key = normalise_phrase(text).strip(" .:")
    return (0 < len(words) <= 3 and key not in _STRUCTURAL and not re.search(r"[?!,;0-9]", text)
            and text[:1].isupper() and not key.startswith("questions for") and not key.startswith("last updated"))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u2018\u201c'\"(])")
_RI = re.compile(r"\b(?:requires|require|requiring)\s+improvement\b", re.IGNORECASE)
_ADJ = re.compile(
    r"\b(?:is|was|remains|are)\s+(?:judged\s+(?:to\s+be\s+)?|assessed\s+as\s+|rated\s+(?:as\s+)?|graded\s+(?:as\s+)?|:\s*)?"
    r"(outstanding|good|adequate|inadequate)\b(?=\s*(?:at\b|in\b|overall\b|[.;:,]|$))",
    re.IGNORECASE)
_MAX_SUBJECT = 120


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def prose_grade(sentence: str) -> str | None:
    """The grade a summary sentence states ('X is good at …', 'X requires improvement in …').

    Only a grade near the start of the sentence counts, and a sentence naming two different
    grades gives none: a grade is never guessed from prose that does not state it plainly.
    """
    found: set[str] = set()
    for match in _RI.finditer(sentence):
        if match.start() <= _MAX_SUBJECT:
            found.add("requires_improvement")
    for match in _ADJ.finditer(sentence):
        if match.start() <= _MAX_SUBJECT:
            found.add(match.group(1).lower())
    if re.search(r"\bnot\s+(?:yet\s+)?(?:good|outstanding)\b", sentence, re.IGNORECASE):
        return None
    return found.pop() if len(found) == 1 else None


_FINDING_HEADINGS = (
    (re.compile(r"^(?:accelerated\s+)?causes?\s+of\s+concern\b", re.I), "cause_of_concern"),
    (re.compile(r"^recommendations?\b", re.I), "recommendation"),
    (re.compile(r"^areas?\s+for\s+improvement\b", re.I), "area_for_improvement"),
    (re.compile(r"^(?:innovative|promising|notable)\s+practice\b", re.I), "innovative_practice"),
)


def finding_kind(text: str) -> str | None:
    """The finding kind a short heading announces ('Areas for improvement' -> area_for_improvement)."""
    if len(text) > 60:
        return None
    for pattern, kind in _FINDING_HEADINGS:
        if pattern.match(text.strip()):
            return kind
    return None


def slugify(text: str, limit: int = 60) -> str:
    """A derived id part for a label nobody mapped: lower-case words joined by hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", normalise_phrase(text)).strip("-")
    return slug[:limit].rstrip("-") or "unnamed"


def is_truncated(html: str) -> bool:
    """Whether an HTML document stops before its end (no closing body or html tag)."""
    tail = html[-4096:].lower()
    return "</html" not in tail and "</body" not in tail
