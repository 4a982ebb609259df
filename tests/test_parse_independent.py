"""Parsers against pages written independently of them, in markups the parsers never saw.

fixtures/independent/ holds pillar-cycle pages (2014-2018/19), fixtures/reports/ report pages (2021/22 on),
fixtures/unseen/ pages of both families in layouts and typographic noise the parsers were not written
against (its README lists each page's layout, noise and the author's conventions).

Each fixture in fixtures/independent/ was written by someone who had not read the parsers, from
what is known of the site's text; its .expected.json says what a correct parser must extract.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES, page_ref

from peelpipe.parse import parse_page

CASES = sorted(
    [
        *(FIXTURES / "independent").glob("*.html"),
        *(FIXTURES / "reports").glob("*.html"),
        *(FIXTURES / "unseen").glob("*.html"),
    ]
)


@pytest.mark.parametrize("html_path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_independent_fixture(html_path: Path, catalogue) -> None:
    expected = json.loads(html_path.with_suffix(".expected.json").read_text())
    page = expected["page"]
    parsed = parse_page(
        html_path.read_bytes(),
        page_ref(page["force_id"], page["cycle_id"], page["kind"], page.get("pillar"), page["path"]),
        catalogue,
    )
    reasons = [i.reason for i in parsed.issues]
    assert parsed.readable == expected.get("readable", True), reasons
    if "last_updated" in expected:
        assert str(parsed.last_updated) == expected["last_updated"]
    got = {o.area_id: o for o in parsed.observations}
    unmapped = [o for o in parsed.observations if not o.mapped]
    for area_id, want in expected.get("judgements", {}).items():
        if want.get("mapped") is False and area_id not in got and len(unmapped) == 1:
            area_id = unmapped[0].area_id  # the derived id of an unmapped label is the parser's to choose
        if set(want) == {"grade"} and want["grade"] is None and area_id not in got:
            continue  # "no grade" may be no judgement at all; a guessed grade would fail below
        assert area_id in got, f"{area_id} missing; got {sorted(got)}; issues {parsed.issues}"
        obs = got[area_id]
        for key in ("grade", "grade_status", "grade_source", "mapped"):
            if key in want:
                assert getattr(obs, key) == want[key], (area_id, key, obs)
    if expected.get("exact_judgements"):
        graded = {a for a, o in got.items() if o.grade is not None}
        assert graded <= set(expected["judgements"]), graded - set(expected["judgements"])
    counts = Counter((f.area_id, f.kind) for f in parsed.findings)
    for area_id, kinds in expected.get("findings", {}).items():
        for kind, n in kinds.items():
            assert counts[(area_id, kind)] == n, (area_id, kind, counts)
    for reason in expected.get("issues", []):
        assert reason in reasons, (reason, parsed.issues)
    for key, value in expected.get("facts", {}).items():
        assert parsed.facts.get(key) == value
    if any(not o.mapped for o in parsed.observations):
        assert "unmapped_area" in reasons
