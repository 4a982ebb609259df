"""Parsing page after page reuses the same heap instead of shrinking and regrowing it per page."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from conftest import ROOT

# In a fresh interpreter: page faults while lexbor parses the sample site's pages three times,
# before and after keep_heap_top(). A page fault is the cost of a heap page handed back and
# taken again; counting them is exact where timing would be noise.
PROBE = """
import resource, sys
from pathlib import Path
from selectolax.lexbor import LexborHTMLParser
from peelpipe.heap import keep_heap_top

pages = [p.read_bytes() for p in sorted(Path(sys.argv[1]).rglob("index.html"))][:150]

def faults():
    for body in pages:
        LexborHTMLParser(body)  # warm up: the heap reaches its working size
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(3):
        for body in pages:
            LexborHTMLParser(body)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

untuned = faults()
kept = keep_heap_top()
print(untuned, faults(), kept, keep_heap_top(), len(pages))
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the heap setting is glibc's; elsewhere it is a no-op")
def test_parsing_many_pages_stops_churning_the_heap_once_kept() -> None:
    site = ROOT / "src" / "peelpipe" / "samplesite" / "site"
    out = subprocess.run([sys.executable, "-c", PROBE, str(site)], capture_output=True, text=True, check=True)
    untuned, tuned, kept, again, pages = out.stdout.split()
    parses = 3 * int(pages)
    assert kept == again == "True"
    assert int(untuned) > parses  # glibc's default gives heap pages back after nearly every page
    assert int(tuned) < parses / 10, (untuned, tuned)


def test_the_parsers_keep_the_heap_in_any_process_that_uses_them(catalogue, monkeypatch) -> None:
    from conftest import page_ref

    from peelpipe import heap
    from peelpipe.parse import parse_page

    monkeypatch.setattr(heap, "_kept", None)  # as in a fresh process

    page = b"<html><body><h1>Synthetic test page, PEEL 2017</h1></body></html>"
    parsed = parse_page(page, page_ref("synthetic", "2017", "landing", None), catalogue)
    assert parsed.title == "Synthetic test page, PEEL 2017"
    assert heap._kept is (platform.libc_ver()[0] == "glibc")


@pytest.fixture
def thawed():
    """Whatever a test freezes is thawed again, so that the rest of the session collects as usual."""
    import gc

    was = gc.isenabled()
    yield
    gc.unfreeze()
    (gc.enable if was else gc.disable)()


def test_imports_run_without_collections_and_what_they_built_is_then_frozen(thawed) -> None:
    import gc

    from peelpipe.heap import imports_without_collection

    collections = []
    gc.callbacks.append(lambda phase, info: collections.append(info["generation"]) if phase == "start" else None)
    frozen = gc.get_freeze_count()
    try:
        with imports_without_collection():
            assert not gc.isenabled()
            built = [[i] for i in range(20_000)]  # gen-0 collections would run every 700 of these
        assert not collections
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(built)
        assert gc.is_tracked(built[0])
    finally:
        gc.callbacks.pop()


def test_a_failing_body_leaves_the_collector_on_and_freezes_nothing(thawed) -> None:
    import gc

    from peelpipe.heap import imports_without_collection

    frozen = gc.get_freeze_count()
    with pytest.raises(ImportError, match="synthetic"):
        with imports_without_collection():
            raise ImportError("synthetic: a module that is missing")
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_with_the_collector_already_off_it_changes_nothing(thawed) -> None:
    import gc

    from peelpipe.heap import imports_without_collection

    gc.disable()
    frozen = gc.get_freeze_count()
    with imports_without_collection():
        [[i] for i in range(1000)]
    assert not gc.isenabled() and gc.get_freeze_count() == frozen


def test_a_run_from_the_command_line_collects_again_once_its_modules_are_loaded(thawed, tmp_path,
                                                                                monkeypatch) -> None:
    import gc

    from peelpipe import cli, pipeline
    from peelpipe.errors import PeelpipeError

    seen = {}

    def run_pipeline(*args, **kwargs):
        seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count())
        raise PeelpipeError("synthetic: stop before fetching")

    monkeypatch.setattr(pipeline, "run_pipeline", run_pipeline)
    code = cli.main(["backfill", "--cycles", "2017", "--forces", "staffordshire", "--warehouse", str(tmp_path / "wh"),
                     "--base-url", "http://127.0.0.1:9", "--no-prefect", "--quiet"])
    assert code == 1
    assert seen["enabled"] and seen["frozen"] > 0
