"""The warehouse: explicit schemas, CURRENT manifest, atomic publish, the writer lock, readers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from peelpipe.errors import LockedError, WarehouseError
from peelpipe.warehouse import SCHEMA_VERSION, TABLES, Warehouse


def empty_tables() -> dict[str, list]:
    return {name: [] for name in TABLES}


def forces_only(n: int = 1) -> dict[str, list]:
    tables = empty_tables()
    tables["forces"] = [
        {"force_id": f"synthetic-{i}", "name": f"Synthetic {i}", "country": "England", "region": None, "aliases": None}
        for i in range(n)
    ]
    return tables


def test_publish_writes_manifest_and_typed_parquet(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path)
    manifest = wh.publish(forces_only(2), "run-1")
    current = json.loads((tmp_path / "CURRENT").read_text())
    assert current == json.loads(json.dumps(manifest, default=str))
    assert current["schema_version"] == SCHEMA_VERSION and set(current["tables"]) == set(TABLES)
    path = tmp_path / current["tables"]["forces"]["path"]
    table = pq.read_table(path)
    assert table.num_rows == 2 == current["tables"]["forces"]["rows"]
    assert table.schema.metadata[b"peelpipe.schema_version"].decode() == SCHEMA_VERSION
    assert table.schema.field("force_id").metadata[b"description"]
    # Readers that follow CURRENT: pandas and DuckDB.
    assert list(pd.read_parquet(path)["force_id"]) == ["synthetic-0", "synthetic-1"]
    count = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
    assert count == 2
    link = tmp_path / "current" / "forces.parquet"
    assert duckdb.sql(f"SELECT count(*) FROM '{link}'").fetchall()[0][0] == 2


def test_a_row_that_does_not_fit_the_schema_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path)
    wh.publish(forces_only(1), "run-1")
    before = (tmp_path / "CURRENT").read_text()
    bad = forces_only(1)
    bad["forces"][0]["name"] = None  # not nullable
    with pytest.raises(WarehouseError, match="forces"):
        wh.publish(bad, "run-2")
    assert (tmp_path / "CURRENT").read_text() == before
    assert not list((tmp_path / "snapshots").glob(".staging-*"))
    assert len([p for p in (tmp_path / "snapshots").iterdir()]) == 1


def _judgement(i: int, seen: datetime) -> dict:
    return {
        "force_id": f"synthetic-{i}",
        "cycle_id": "2017",
        "area_id": "effectiveness",
        "area_label": "Effectiveness",
        "level": "pillar",
        "grade": "good",
        "grade_rank": 3,
        "grade_status": "graded",
        "grade_source": "label",
        "source_url": f"http://127.0.0.1/synthetic/{i}/",
        "content_sha256": "0" * 64,
        "parser_version": "1",
        "first_seen_at": seen,
        "last_seen_at": seen,
        "last_updated": date(2017, 3, 2) if i % 2 else None,
        "mapped": True,
        "observations": i % 3,
        "conflict": False,
        "conflict_detail": None,
        "carried_over": False,
        "carried_from_cycle_id": None,
    }


def test_rows_read_back_as_written_and_as_pyarrow_reads_them(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path)
    utc_instant = datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC)
    london_instant = datetime(2026, 3, 29, 3, 0, 0, 1, tzinfo=ZoneInfo("Europe/London"))  # BST, +01:00
    tables = empty_tables()
    tables["judgements"] = [
        _judgement(0, utc_instant),
        _judgement(1, london_instant),
        _judgement(2, utc_instant),
        _judgement(3, datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ]
    tables["pages"] = [
        {
            "source_url": "http://127.0.0.1/synthetic/",
            "force_id": "synthetic-0",
            "cycle_id": "2017",
            "page_kind": "landing",
            "status": "not_found",
            "http_status": 404,
            "fetched_at": None,
            "changed_at": utc_instant,
        }
    ]
    wh.publish(tables, "run-1")
    for name in ("judgements", "pages"):
        back = wh.read_table(name)
        path = tmp_path / wh.manifest()["tables"][name]["path"]
        assert back == pq.read_table(path).to_pylist()
    judgements = wh.read_table("judgements")
    assert judgements == tables["judgements"]  # the same instants, whatever zone they were written in
    assert judgements[1]["first_seen_at"].utcoffset() == timedelta(0)
    page = wh.read_table("pages")[0]
    assert page["fetched_at"] is None and page["changed_at"] == utc_instant and page["title"] is None


def test_a_value_of_the_wrong_type_names_its_table_and_column(tmp_path: Path) -> None:
    tables = empty_tables()
    tables["judgements"] = [{**_judgement(0, datetime.now(UTC)), "observations": "three"}]
    with pytest.raises(WarehouseError, match=r"table judgements does not fit its schema: column observations"):
        Warehouse(tmp_path).publish(tables, "run-1")
    assert not (tmp_path / "CURRENT").exists()


def test_failure_mid_publish_leaves_the_previous_snapshot_current(tmp_path: Path, monkeypatch) -> None:
    wh = Warehouse(tmp_path)
    wh.publish(forces_only(1), "run-1")
    before = wh.manifest()
    calls = {"n": 0}
    real = pq.write_table

    def failing(table, where, **kw):
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device")
        return real(table, where, **kw)

    monkeypatch.setattr(pq, "write_table", failing)
    with pytest.raises(
        WarehouseError, match=f"No space left on device .*snapshot {before['snapshot_id']} stays current"
    ):
        wh.publish(forces_only(3), "run-2")
    assert wh.manifest() == before
    assert len(wh.read_table("forces")) == 1


def test_old_snapshots_are_pruned(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path, keep_snapshots=2)
    for i in range(4):
        wh.publish(forces_only(i + 1), f"run-{i}")
    assert len(list((tmp_path / "snapshots").iterdir())) == 2
    assert len(wh.read_table("forces")) == 4


def test_second_writer_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path)
    with wh.lock("peelpipe backfill"), pytest.raises(LockedError, match="being written by pid"):
        with Warehouse(tmp_path).lock("peelpipe run"):
            pass
    with wh.lock("again"):
        pass


def test_a_lock_left_by_a_killed_process_does_not_block(tmp_path: Path) -> None:
    code = (
        "import os,sys; from peelpipe.warehouse import Warehouse\n"
        f"cm = Warehouse({str(tmp_path)!r}).lock('killed'); cm.__enter__(); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert (tmp_path / ".lock").exists()
    with Warehouse(tmp_path).lock("next run"):
        assert json.loads((tmp_path / ".lock").read_text())["pid"] == os.getpid()


def test_data_dictionary_matches_the_schemas() -> None:
    from conftest import ROOT

    from peelpipe.datadoc import render

    committed = (ROOT / "docs" / "data-model.md").read_text()
    assert committed == render(), "docs/data-model.md is stale: run python -m peelpipe.datadoc"
    for name, schema in TABLES.items():
        assert f"## {name}" in committed
        assert all(field.metadata and field.metadata.get(b"description") for field in schema), name


def test_every_code_the_pipeline_writes_is_in_the_dictionary() -> None:
    """Change types and parse issue reasons written anywhere in the code are listed (and explained)."""
    import re

    from conftest import ROOT

    from peelpipe.vocabulary import CHANGE_TYPES, ISSUE_REASONS

    source = "\n".join(p.read_text() for p in (ROOT / "src" / "peelpipe").rglob("*.py"))
    reasons = set(re.findall(r'(?:ParseIssue|unreadable)\(\s*(?:parsed,\s*)?"([a-z_]+)"', source))
    reasons |= set(re.findall(r'reason = "([a-z_]+)"', source)) | set(re.findall(r'"reason": "([a-z_]+)"', source))
    reasons |= set(re.findall(r'"(fetch_failed|robots_disallowed)"', source))
    assert reasons and reasons <= set(ISSUE_REASONS), reasons - set(ISSUE_REASONS)
    detector = (ROOT / "src" / "peelpipe" / "transform" / "changes.py").read_text()
    kinds = set(re.findall(r'add\("([a-z_]+)"', detector)) | set(re.findall(r'"change_type": "([a-z_]+)"', detector))
    kinds |= {
        k
        for pair in re.findall(r'kind(?:, comparable)? = "([a-z_]+)"(?: if .* else "([a-z_]+)")?', detector)
        for k in pair
        if k
    }
    assert kinds and kinds <= set(CHANGE_TYPES), kinds - set(CHANGE_TYPES)


GOOD_ID = "20260101T060000123456Z"


def _manifest(**changes: object) -> dict:
    manifest: dict = {
        "snapshot_id": GOOD_ID,
        "previous_snapshot_id": None,
        "tables": {"forces": {"path": f"snapshots/{GOOD_ID}/forces.parquet", "rows": 1, "bytes": 10}},
    }
    manifest.update(changes)
    return manifest


def _table(**entry: object) -> dict:
    return _manifest(tables={"forces": {"path": f"snapshots/{GOOD_ID}/forces.parquet", "rows": 1, **entry}})


@pytest.mark.parametrize(
    "current, problem",
    [
        ("null", "expected a JSON object, got NoneType"),
        ("[]", "expected a JSON object, got list"),
        ('"warehouse"', "expected a JSON object, got str"),
        (json.dumps(_manifest(tables=[])), "tables is list, not an object"),
        (json.dumps(_manifest(tables=None)), "tables is NoneType, not an object"),
        (json.dumps(_manifest(tables={"forces": "x.parquet"})), "table 'forces' has no string path"),
        (json.dumps(_table(path=None)), "table 'forces' has no string path"),
        (json.dumps(_table(rows="1")), "table 'forces': rows '1' is not a count"),
        (json.dumps(_table(rows=1.5)), "rows 1.5 is not a count"),
        (json.dumps(_table(rows=True)), "rows True is not a count"),
        (json.dumps(_manifest(snapshot_id="../../etc")), "snapshot_id '../../etc' is not a snapshot id"),
        (json.dumps(_manifest(snapshot_id=None)), "snapshot_id None is not a snapshot id"),
        (json.dumps(_manifest(previous_snapshot_id="/tmp")), "previous_snapshot_id '/tmp' is not a snapshot id"),
        (json.dumps(_table(path="/etc/passwd")), "path '/etc/passwd' is not snapshots/"),
        (json.dumps(_table(path="../outside/forces.parquet")), "is not snapshots/"),
        (json.dumps(_table(path=f"snapshots/{GOOD_ID}/../../../x.parquet")), "is not snapshots/"),
        (json.dumps(_table(path="snapshots/20250101T060000123456Z/forces.parquet")), "is not snapshots/"),
        (json.dumps(_table(path=f"snapshots\\{GOOD_ID}\\forces.parquet")), "is not snapshots/"),
        ("\u00ff\u00fe".encode("latin-1"), "unreadable"),
    ],
)
def test_a_current_manifest_of_the_wrong_shape_is_one_clear_error_never_an_empty_warehouse(
    tmp_path: Path, current: str | bytes, problem: str
) -> None:
    path = tmp_path / "CURRENT"
    if isinstance(current, bytes):
        path.write_bytes(current)
    else:
        path.write_text(current)
    wh = Warehouse(tmp_path)
    for read in (wh.manifest, lambda: wh.read_table("forces"), lambda: wh.publish(forces_only(1), "run-2")):
        with pytest.raises(WarehouseError) as info:
            read()
        message = str(info.value)
        assert message.startswith(f"{path} ") and problem in message and "\n" not in message, message
    assert path.read_bytes() == (current if isinstance(current, bytes) else current.encode())
    assert not (tmp_path / "snapshots").exists()  # nothing published over it


def test_a_manifest_publish_wrote_passes_the_checks(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path)
    first = wh.publish(forces_only(1), "run-1")
    second = wh.publish(forces_only(2), "run-2")
    assert wh.manifest() == json.loads(json.dumps(second, default=str))
    assert second["previous_snapshot_id"] == first["snapshot_id"] and len(wh.read_table("forces")) == 2
