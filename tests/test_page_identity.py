"""Issue 15, items 3 and 4: the page read is the page planned, and a page's parse cost is bounded.

A same-host redirect to another force's page, or a page that never names its force, is
`wrong_page` (no rows, earlier grades kept); a body that is not HTML is `not_html`; a page too
deep or too big is `too_complex` before it is parsed; a parse past its budget is `parse_timeout`.
"""

from __future__ import annotations

import pytest
from faultsite import EFFIC, EXPECTED, FaultySite, issues_for, judged, ok, page_row, pages
from httpsim import Reply, ScriptedServer
from sites import local_catalogue, pillar_page

from peelpipe import pipeline
from peelpipe.fetch.client import reset_pacer
from peelpipe.models import PageRef
from peelpipe.parse import parse_page
from peelpipe.urls import page_ref
from peelpipe.warehouse import Warehouse

KENT_EFFIC = "/peel-assessments/peel-2017/kent/efficiency/"
KENT_PAGE = pillar_page(
    "Kent Police PEEL 2017",
    [("How efficient is the force at keeping people safe and reducing crime?", "Inadequate", "Kent is poor.")],
)


@pytest.fixture(autouse=True)
def _fresh_pacer():
    reset_pacer()


@pytest.fixture(scope="module")
def _site():
    with ScriptedServer() as server:
        yield FaultySite(server)


def _run(catalogue):
    return pipeline.run_pipeline(catalogue, ["2017"], ["testshire"])


def _reasons(wh, path: str) -> list[str]:
    return [i["reason"] for i in issues_for(wh, path)]


def test_redirect_to_another_forces_page_is_wrong_page_and_keeps_grades(_site, tmp_path) -> None:
    _site.reset()
    catalogue = local_catalogue(tmp_path, _site.url, synthetic=True)
    _run(catalogue)
    wh = Warehouse(catalogue.settings.warehouse)
    assert judged(wh) == EXPECTED
    _site.server.route(KENT_EFFIC, ok(KENT_PAGE))
    _site.fault(EFFIC, Reply(301, headers={"Location": _site.url + KENT_EFFIC}))
    _run(catalogue)
    wh = Warehouse(catalogue.settings.warehouse)
    assert "wrong_page" in _reasons(wh, EFFIC)
    assert page_row(wh, EFFIC)["status"] == "unreadable"
    assert judged(wh) == EXPECTED  # Kent's "inadequate" is not Testshire's, and nothing was withdrawn


def test_page_that_never_names_its_force_is_wrong_page(_site, tmp_path) -> None:
    _site.reset()
    catalogue = local_catalogue(tmp_path, _site.url, synthetic=True)
    _run(catalogue)
    anonymous = pages()[EFFIC].replace("Testshire", "Someshire")
    _site.fault(EFFIC, ok(anonymous))
    _run(catalogue)
    wh = Warehouse(catalogue.settings.warehouse)
    assert _reasons(wh, EFFIC) == ["wrong_page"]
    assert judged(wh) == EXPECTED


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF", "text/html; charset=utf-8"),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF", "application/pdf"),
        (b'{"grades": ["good"]}', "application/json"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/html"),
        (b"\x00\x01\x02 binary data, no markup \x00" * 20, "text/html"),
    ],
    ids=["pdf-sniffed", "pdf-by-type", "json-by-type", "png-sniffed", "nul-bytes-no-markup"],
)
def test_a_body_that_is_not_html_is_not_parsed(_site, tmp_path, body, content_type) -> None:
    _site.reset()
    catalogue = local_catalogue(tmp_path, _site.url, synthetic=True)
    _run(catalogue)
    _site.fault(EFFIC, ok(body, content_type))
    _run(catalogue)
    wh = Warehouse(catalogue.settings.warehouse)
    assert _reasons(wh, EFFIC) == ["not_html"]
    assert judged(wh) == EXPECTED


# --- parse cost ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return local_catalogue(tmp_path_factory.mktemp("parse"), "http://127.0.0.1:9", synthetic=True)


def _ref(catalogue) -> PageRef:
    return page_ref("testshire", "2017", "pillar", "efficiency", EFFIC, catalogue.settings.base_url)


def _reasons_of(parsed) -> list[str]:
    return [i.reason for i in parsed.issues]


def _wrap(inner: str) -> str:
    return pages()[EFFIC].replace("</body>", inner + "</body>")


def test_a_100000_deep_page_is_too_complex(catalogue) -> None:
    parsed = parse_page(_wrap("<div>" * 100_000 + "x" + "</div>" * 100_000), _ref(catalogue), catalogue)
    assert not parsed.readable and _reasons_of(parsed) == ["too_complex"]


def test_a_200000_element_page_is_too_complex(catalogue) -> None:
    parsed = parse_page(_wrap("<span>x</span>" * 200_000), _ref(catalogue), catalogue)
    assert not parsed.readable and _reasons_of(parsed) == ["too_complex"]


def test_tables_nested_in_tables_are_parsed(catalogue) -> None:
    depth = 3_000
    nested = "<table><tr><td>Outstanding</td><td>Good</td><td>" * depth + "x" + "</td></tr></table>" * depth
    parsed = parse_page(_wrap(nested), _ref(catalogue), catalogue)
    assert parsed.readable and "efficiency" in {o.area_id for o in parsed.observations}


def test_a_parse_past_its_budget_is_cut_off(catalogue, monkeypatch) -> None:
    from peelpipe.parse import guard  # new in issue 15: imported here so the other tests run on older code

    monkeypatch.setattr(guard, "PARSE_SECONDS", -1.0)
    parsed = parse_page(pages()[EFFIC], _ref(catalogue), catalogue)
    assert not parsed.readable and _reasons_of(parsed) == ["parse_timeout"]
