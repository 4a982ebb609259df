"""Label-to-area matching for one page: Catalogue.match_area, with the candidates worked out once.

A page asks for the area of a dozen headings; Catalogue.match_area rebuilds the cycle's candidate
list and walks every area's labels and keywords on each call. AreaMatcher does that work once per
catalogue, cycle and pillar, and answers each label with the same area Catalogue.match_area would
(same candidates, same order: the first area listing the folded label, else the first whose
keywords it all contains). Like the rest of peelpipe it takes a loaded catalogue as read-only.
Headings repeat from page to page (every force's page of a cycle has the same questions), so each
matcher also remembers the answers it gave, up to _MEMO labels.
"""

from __future__ import annotations

import weakref
from typing import Any

from peelpipe.config import Area, Catalogue, normalise_label

_MEMO = 4096
_UNSEEN: Any = object()


class AreaMatcher:
    """Catalogue.match_area(label, cycle_id, pillar) for one cycle and pillar."""

    __slots__ = ("_labels", "_keywords", "_seen")

    def __init__(self, catalogue: Catalogue, cycle_id: str, pillar: str | None = None) -> None:
        labels: dict[str, Area] = {}
        keywords: list[tuple[tuple[str, ...], Area]] = []
        for area in catalogue.areas_for(cycle_id, pillar):
            for label in area.labels:
                labels.setdefault(label, area)
            keywords.extend((words, area) for words in area.keywords if words)
        self._labels = labels
        self._keywords = keywords
        self._seen: dict[str, Area | None] = {}

    def __call__(self, label: str) -> Area | None:
        """The area a printed label means, or None when unmapped."""
        area = self._seen.get(label, _UNSEEN)
        if area is _UNSEEN:
            if len(self._seen) >= _MEMO:
                self._seen.clear()
            area = self._seen[label] = self._match(label)
        return area

    def _match(self, label: str) -> Area | None:
        key = normalise_label(label)
        area = self._labels.get(key)
        if area is not None:
            return area
        for words, area in self._keywords:
            for word in words:
                if word not in key:
                    break
            else:
                return area
        return None


_MATCHERS: dict[tuple[int, str, str | None], tuple[weakref.ref[Catalogue], object, AreaMatcher]] = {}


def area_matcher(catalogue: Catalogue, cycle_id: str, pillar: str | None = None) -> AreaMatcher:
    """The AreaMatcher of a catalogue, cycle and pillar, built on first use."""
    key = (id(catalogue), cycle_id, pillar)
    known = _MATCHERS.get(key)
    if known is not None and known[0]() is catalogue and known[1] is catalogue.areas:
        return known[2]
    if len(_MATCHERS) > 256:
        _MATCHERS.clear()
    matcher = AreaMatcher(catalogue, cycle_id, pillar)
    _MATCHERS[key] = (weakref.ref(catalogue), catalogue.areas, matcher)
    return matcher
