"""The benchmark's synthetic site (bench/synthetic.py): full size, visibly synthetic, and read back
by the parsers exactly as generated, with no parse issue, so the bench measures normal pages."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))


def test_every_synthetic_page_reads_as_generated_and_says_it_is_synthetic(tmp_path: Path, catalogue) -> None:
    from parsebench import site_pages
    from synthetic import TITLE_PREFIX, family_counts, generate

    from peelpipe.parse import parse_page

    site = generate(tmp_path / "site", seed=7)
    assert family_counts(site) == {"landing": 215, "pillar": 602, "report": 129, "index": 7}
    pages = site_pages(catalogue, site.root, site.expected)
    assert len(pages) == 946
    issues: Counter = Counter()
    wrong = []
    for ref, body, expected in pages:
        text = body.decode()
        assert f"<title>{TITLE_PREFIX}" in text and "Synthetic benchmark data:" in text, ref.path
        assert "sample-banner" not in text, ref.path  # the sample site's "real grades" claim is gone
        parsed = parse_page(body, ref, catalogue)
        issues.update(f"{i.reason} {i.area_id}" for i in parsed.issues)
        if {o.area_id: o.grade for o in parsed.observations if o.grade} != expected:
            wrong.append(ref.path)
    assert wrong == [] and issues == Counter()
    assert sum(len(e) for e in site.expected.values()) > len(site.grades) > 3500


def test_the_synthetic_site_is_never_written_into_the_sample_site() -> None:
    from synthetic import generate

    from peelpipe.samplesite import SITE_ROOT

    with pytest.raises(ValueError, match="refusing"):
        generate(SITE_ROOT)
