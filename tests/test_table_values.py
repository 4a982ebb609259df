"""Values through the warehouse's tables: every column type reads back as written (instants in UTC),
and a value that does not fit its column is a WarehouseError naming the table and the column."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peelpipe.errors import WarehouseError
from peelpipe.warehouse import TABLES, Warehouse
from peelpipe.warehouse.store import rows_of, to_arrow

UTC_US = pa.timestamp("us", tz="UTC")
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-5)), ZoneInfo("Europe/London"), None])
VALUES: dict[pa.DataType, st.SearchStrategy[Any]] = {
    pa.string(): st.text(max_size=30),
    pa.int8(): st.integers(-128, 127),
    pa.int16(): st.integers(-(2**15), 2**15 - 1),
    pa.int32(): st.integers(-(2**31), 2**31 - 1),
    pa.int64(): st.integers(-(2**63), 2**63 - 1),
    pa.bool_(): st.booleans(),
    pa.list_(pa.string()): st.lists(st.text(max_size=30), max_size=4),  # monitoring.reasons
    pa.date32(): st.dates(),
    UTC_US: st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=ZONES),
}


def as_utc(value: Any) -> Any:
    """What a written value reads back as: an instant in UTC (a naive time counts as UTC)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value


def through_parquet(table: pa.Table) -> pa.Table:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return pq.read_table(pa.BufferReader(sink.getvalue()))


def empty_tables() -> dict[str, list[dict[str, Any]]]:
    return {name: [] for name in TABLES}


def test_every_column_type_of_the_warehouse_has_a_strategy_here() -> None:
    assert {field.type for schema in TABLES.values() for field in schema} <= set(VALUES)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_every_table_reads_back_through_parquet_as_written(data: st.DataObject) -> None:
    drawn = {}  # every draw first: what the conversions do in between is not part of a draw
    for name, schema in TABLES.items():
        row = st.fixed_dictionaries(
            {field.name: (st.none() | VALUES[field.type]) if field.nullable else VALUES[field.type] for field in schema}
        )
        drawn[name] = data.draw(st.lists(row, max_size=6), label=name)
    for name, rows in drawn.items():
        back = rows_of(through_parquet(to_arrow(name, rows)))
        assert back == [{key: as_utc(value) for key, value in written.items()} for written in rows]
        for value in (v for r in back for v in r.values() if isinstance(v, datetime)):
            assert value.utcoffset() == timedelta(0)


def test_edge_values_read_back_from_a_published_snapshot(tmp_path: Path) -> None:
    bst = datetime(2026, 3, 29, 3, 0, 0, 1, tzinfo=ZoneInfo("Europe/London"))  # BST, +01:00: 02:00:00.000001 UTC
    gmt = datetime(2025, 12, 1, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    before_1970 = datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    naive = datetime(2017, 3, 2, 9, 30)
    page = {
        "source_url": "http://127.0.0.1/synthetic/",
        "force_id": "synthetic-0",
        "cycle_id": "2017",
        "page_kind": "landing",
        "status": "parsed",
        "http_status": 200,
        "title": "é 😀 Requires\u200bimprovement",
        "last_updated": date(1969, 7, 20),
    }
    tables = empty_tables()
    tables["pages"] = [
        {**page, "fetched_at": bst, "changed_at": before_1970},
        {**page, "http_status": None, "title": "", "last_updated": None, "fetched_at": naive, "changed_at": gmt},
        {**page, "title": "a" * 10_000, "fetched_at": None, "changed_at": None},
    ]
    wh = Warehouse(tmp_path)
    wh.publish(tables, "run-1")
    back = wh.read_table("pages")
    assert back == pq.read_table(tmp_path / wh.manifest()["tables"]["pages"]["path"]).to_pylist()
    first, second, third = back
    assert first["fetched_at"] == datetime(2026, 3, 29, 2, 0, 0, 1, tzinfo=UTC)
    assert first["fetched_at"].utcoffset() == timedelta(0) and first["fetched_at"].microsecond == 1
    assert first["changed_at"] == before_1970 and first["changed_at"].microsecond == 999999
    assert first["last_updated"] == date(1969, 7, 20) and type(first["last_updated"]) is date
    assert first["title"] == page["title"] and first["http_status"] == 200
    assert second["fetched_at"] == naive.replace(tzinfo=UTC)
    assert second["changed_at"] == datetime(2025, 12, 1, 9, 30, tzinfo=UTC)  # GMT: UTC+0
    assert second["http_status"] is None and second["last_updated"] is None and second["title"] == ""
    assert third["fetched_at"] is None and third["changed_at"] is None and len(third["title"]) == 10_000


def test_a_datetime_in_a_date_column_counts_as_its_date() -> None:
    row = {
        "force_id": "f",
        "cycle_id": "2017",
        "source_url": "u",
        "status": "complete",
        "pages_found": 1,
        "pages_expected": 1,
        "graded": 1,
        "last_updated": datetime(2017, 3, 2, 23, 59),
    }
    assert rows_of(to_arrow("assessments", [row]))[0]["last_updated"] == date(2017, 3, 2)


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("cycles", "scale_size", 128),  # int8
        ("runs", "bytes_downloaded", 2**63),  # int64
        ("runs", "requests", "5"),
        ("runs", "requests", True),
        ("runs", "requests", 1.5),  # pyarrow alone would truncate it to 1
        ("runs", "requests", 2.0),
        ("cycles", "comparable_with_previous", 1),
        ("forces", "name", 5),
        ("forces", "name", b"bytes"),  # pyarrow alone would take it
        ("forces", "name", "\udc80"),  # a lone surrogate is not UTF-8
        ("assessments", "published_on", "2017-03-02"),
        ("judgements", "first_seen_at", date(2017, 3, 2)),
        ("judgements", "first_seen_at", "2017-03-02T00:00:00Z"),
    ],
)
def test_a_value_that_does_not_fit_is_an_error_naming_table_and_column(table: str, column: str, value: object) -> None:
    row: dict[str, Any] = {field.name: None for field in TABLES[table]}
    row[column] = value
    with pytest.raises(WarehouseError, match=rf"^table {table} does not fit its schema: column {column}: "):
        to_arrow(table, [row])


def test_a_null_in_a_required_column_is_an_error_naming_it() -> None:
    with pytest.raises(WarehouseError, match=r"table forces: column name must not be null \(1 rows are\)"):
        to_arrow("forces", [{"force_id": "f", "name": None, "country": "England"}])


def test_tables_carry_their_schema_and_its_metadata() -> None:
    table = to_arrow("forces", [])
    assert table.num_rows == 0 and table.schema.equals(TABLES["forces"])
    assert table.schema.metadata[b"peelpipe.table"] == b"forces"
    assert table.schema.field("force_id").metadata[b"description"]
    assert not table.schema.field("force_id").nullable
