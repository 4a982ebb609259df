"""URL normalisation: one canonical URL per page, whichever host form, slug or copy points at it."""

from __future__ import annotations

import pytest

from peelpipe.urls import canonical_url, is_welsh_copy, page_for_url

CANON = "https://hmicfrs.justiceinspectorates.gov.uk"


@pytest.mark.parametrize(
    "url",
    [
        "http://www.justiceinspectorates.gov.uk/hmic/peel-assessments/peel-2016/staffordshire/",
        "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2016/staffordshire",
        "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2016/staffordshire/?",
        "https://www.justiceinspectorates.gov.uk///hmicfrs/peel-assessments/peel-2016/staffordshire/",
    ],
)
def test_host_forms_and_oddities_give_one_canonical_url(url: str, catalogue) -> None:
    assert canonical_url(url) == f"{CANON}/peel-assessments/peel-2016/staffordshire/"
    page = page_for_url(url, catalogue)
    assert (page.force_id, page.cycle_id, page.kind, page.pillar) == ("staffordshire", "2016", "landing", None)


def test_pillar_pages_and_2018_19_segment(catalogue) -> None:
    page = page_for_url(
        "https://www.justiceinspectorates.gov.uk///hmicfrs/peel-assessments/peel-2018/kent/efficiency", catalogue
    )
    assert (page.force_id, page.cycle_id, page.kind, page.pillar) == ("kent", "2018-19", "pillar", "efficiency")


def test_report_slugs_renames_and_welsh_copies(catalogue) -> None:
    renamed = page_for_url(f"{CANON}/peel-reports/hampshire-and-isle-of-wight-2021-22/", catalogue)
    assert (renamed.force_id, renamed.cycle_id, renamed.kind) == ("hampshire", "2021-22", "report")
    welsh = page_for_url(f"{CANON}/peel-reports/heddlu-dyfed-powys-2023-25", catalogue)
    assert (welsh.force_id, welsh.cycle_id) == ("dyfed-powys", "2023-25") and is_welsh_copy(welsh)
    english = page_for_url(f"{CANON}/peel-reports/gwent-2023-25", catalogue)
    assert english.url == f"{CANON}/peel-reports/gwent-2023-25/" and not is_welsh_copy(english)


@pytest.mark.parametrize(
    "url",
    [
        f"{CANON}/peel-reports/atlantis-2023-25/",
        f"{CANON}/peel-assessments/peel-2019/kent/",
        f"{CANON}/news/news-feed/some-story/",
        "https://example.org/peel-assessments/peel-2016/staffordshire/",
        f"{CANON}/peel-assessments/peel-2016/../../etc/passwd/",
    ],
)
def test_other_urls_are_not_peel_pages(url: str, catalogue) -> None:
    assert page_for_url(url, catalogue) is None
