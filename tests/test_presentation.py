"""Presentation invariance (issue 14, item 5): the same facts in any layout and typography read the same.

tests/presentation.py draws a page's facts (a grade per area of the synthetic force Testshire) and a
presentation (layout, grade form, heading style, typographic noise, page furniture); every reading
must give exactly the drawn grades, nothing more, and never `not_peel_page`.
PEELPIPE_FUZZ_EXAMPLES sets the pages per family (default 100; `make fuzz` runs thousands).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import page_ref
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from presentation import (
    FORCE_ID,
    SITE,
    Page,
    all_wordings,
    binding_problems,
    isolation_cases,
    landing_pages,
    pillar_pages,
    report_pages,
)
from sites import local_catalogue

from peelpipe.config import Catalogue
from peelpipe.parse import parse_page


def fuzz_examples(default: int = 100) -> int:
    """PEELPIPE_FUZZ_EXAMPLES (kept by conftest for `make fuzz`), else the CI budget."""
    value = os.environ.get("PEELPIPE_FUZZ_EXAMPLES")
    return int(value) if value else default


EXAMPLES = fuzz_examples()
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="PEELPIPE_FUZZ_EXAMPLES" not in os.environ,  # CI draws the same pages each run; make fuzz new ones
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    print_blob=True,
)


class Config:
    """The catalogue behind a short repr, so a failing example prints the page, not 43 forces."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def __repr__(self) -> str:
        return "<config + synthetic force testshire>"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """The project's configuration plus the synthetic force testshire."""
    return Config(local_catalogue(Path(tmp_path_factory.mktemp("presentation")), SITE, synthetic=True))


def problems(page: Page, catalogue: Catalogue) -> list[str]:
    """How the reading of `page` differs from its facts (empty when invariant)."""
    facts = page.facts
    ref = page_ref(FORCE_ID, facts.cycle, facts.kind, facts.pillar, facts.path)
    parsed = parse_page(page.html.encode(), ref, catalogue)
    reasons = [i.reason for i in parsed.issues]
    out = []
    if not parsed.readable or "not_peel_page" in reasons:
        out.append(f"not readable: {[f'{i.reason}: {i.detail}' for i in parsed.issues if i.severity == 'error']}")
    want = facts.expected
    read: dict[str, set[tuple[str | None, str]]] = {}
    for obs in parsed.observations:
        if obs.grade is not None or obs.area_id in want:
            read.setdefault(obs.area_id, set()).add((obs.grade, obs.grade_status))
    for area, grade in want.items():
        got = {g for g in read.get(area, set()) if g[0] is not None}
        if got != {grade}:
            out.append(f"{area}: want {grade}, read {sorted(read.get(area, set()), key=str) or 'nothing'}")
    for area, got in read.items():
        if area not in want and any(g is not None for g, _ in got):
            out.append(f"{area}: extra grade {sorted(got, key=str)}")
    return out


def check(page: Page, catalogue: Catalogue) -> None:
    for name in page.classes:
        event(name)
    note(f"classes: {', '.join(page.classes)}; facts: {page.facts.cycle} {page.facts.pillar} {page.facts.expected}")
    note(page.html)
    assert problems(page, catalogue) == []


@FUZZ
@given(page=landing_pages())
def test_landing_pages_read_the_same_in_any_presentation(page: Page, synthetic: Config) -> None:
    check(page, synthetic.catalogue)


@FUZZ
@given(page=pillar_pages())
def test_pillar_pages_read_the_same_in_any_presentation(page: Page, synthetic: Config) -> None:
    check(page, synthetic.catalogue)


@FUZZ
@given(page=report_pages())
def test_report_pages_read_the_same_in_any_presentation(page: Page, synthetic: Config) -> None:
    check(page, synthetic.catalogue)


def test_the_generator_prints_only_wordings_that_map_to_their_area(synthetic: Config) -> None:
    """The generator's own check: every wording it prints means the area it stands for."""
    wrong = [
        (cycle, pillar, text, area)
        for cycle, pillar, text, area in all_wordings()
        if getattr(synthetic.catalogue.match_area(text, cycle, pillar), "id", None) != area
    ]
    assert wrong == []


@FUZZ
@given(page=st.one_of(landing_pages(), pillar_pages(), report_pages()))
def test_the_generator_binds_every_grade_to_its_area(page: Page) -> None:
    """What a person reads: each graded area's wording, then its grade word and no other before the next area."""
    note(page.html)
    assert binding_problems(page) == []


@pytest.mark.parametrize("family", ["landing", "pillar", "report"])
def test_every_isolated_class_page_binds_its_grades_and_is_reproducible(family: str) -> None:
    """The one-class-at-a-time pages bind their grades too, and render the same twice."""
    first = list(isolation_cases(family, seeds=2))
    assert [(n, binding_problems(p)) for n, p in first if binding_problems(p)] == []
    assert [p.html for _, p in isolation_cases(family, seeds=2)] == [p.html for _, p in first]
