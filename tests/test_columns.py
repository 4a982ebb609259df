"""The warehouse's own column builder: the same arrays as pyarrow's, without importing pandas."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peelpipe.warehouse.columns import column_array
from peelpipe.warehouse.schemas import TABLES

UTC_US = pa.timestamp("us", tz="UTC")
ZONES = st.sampled_from([timezone.utc, timezone(timedelta(hours=-5)), ZoneInfo("Europe/London"), None])

VALUES = {
    pa.string(): st.text(max_size=30),
    pa.int8(): st.integers(-128, 127),
    pa.int16(): st.integers(-(2**15), 2**15 - 1),
    pa.int32(): st.integers(-(2**31), 2**31 - 1),
    pa.int64(): st.integers(-(2**63), 2**63 - 1),
    pa.bool_(): st.booleans(),
    pa.date32(): st.dates(),
    UTC_US: st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=ZONES),
}


def test_every_column_type_of_the_warehouse_has_a_strategy_here() -> None:
    types = {field.type for schema in TABLES.values() for field in schema}
    assert types <= set(VALUES)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_arrays_equal_pyarrows_own_for_every_column_type(data: st.DataObject) -> None:
    for kind, values in VALUES.items():
        column = data.draw(st.lists(st.none() | values, max_size=40), label=str(kind))
        built = column_array(column, kind)
        built.validate(full=True)
        expected = pa.array(column, type=kind)
        assert built.equals(expected), (kind, column)
        assert built.null_count == expected.null_count


def test_odd_but_valid_values() -> None:
    text = ["", "é", "😀 grade", "Requires\u200bimprovement", None, "a" * 10_000]
    assert column_array(text, pa.string()).to_pylist() == text
    assert column_array([], pa.int32()).equals(pa.array([], type=pa.int32()))
    assert column_array([None, None], pa.bool_()).to_pylist() == [None, None]
    nine_bits = [True, False, None, True, True, False, False, True, True]  # crosses a byte of the bitmap
    assert column_array(nine_bits, pa.bool_()).to_pylist() == nine_bits
    bst = datetime(2026, 3, 29, 3, 0, 0, 1, tzinfo=ZoneInfo("Europe/London"))
    naive = datetime(2017, 3, 2, 9, 30)
    stamps = column_array([bst, naive, datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)], UTC_US)
    assert stamps.equals(pa.array([bst, naive, datetime(1969, 12, 31, 23, 59, 59, 999999)], type=UTC_US))
    assert column_array([datetime(2017, 3, 2, 23, 59)], pa.date32()).to_pylist() == [date(2017, 3, 2)]


@pytest.mark.parametrize(("kind", "value", "error"), [
    (pa.int8(), 128, ValueError),
    (pa.int64(), 2**63, ValueError),
    (pa.int32(), "5", TypeError),
    (pa.int32(), True, TypeError),
    (pa.int32(), 1.5, TypeError),      # pyarrow would truncate it to 1
    (pa.bool_(), 1, TypeError),
    (pa.string(), 5, TypeError),
    (pa.string(), b"bytes", TypeError),  # pyarrow would take it
    (pa.string(), "\udc80", ValueError),
    (pa.date32(), "2017-03-02", TypeError),
    (UTC_US, date(2017, 3, 2), TypeError),
    (UTC_US, "2017-03-02T00:00:00Z", TypeError),
])
def test_a_value_that_does_not_fit_is_an_error_naming_it(kind: pa.DataType, value: object, error: type) -> None:
    with pytest.raises(error) as caught:
        column_array([None, value], kind)
    assert repr(value)[:12] in str(caught.value) or isinstance(caught.value, UnicodeEncodeError)


def test_publishing_and_reading_every_table_imports_neither_pandas_nor_pyarrow_compute(tmp_path) -> None:
    """Each import costs every run: pandas 0.45 s and 35-40 MB, pyarrow.compute 0.1 s."""
    script = """
import sys
from datetime import date, datetime, timezone
from peelpipe.warehouse import TABLES, Warehouse
import pyarrow as pa
sample = {pa.string(): "x", pa.bool_(): True, pa.date32(): date(2017, 3, 2),
          pa.timestamp("us", tz="UTC"): datetime(2017, 3, 2, tzinfo=timezone.utc)}
def value(kind):
    return 1 if pa.types.is_integer(kind) else sample[kind]
tables = {name: [{field.name: value(field.type) for field in schema}] for name, schema in TABLES.items()}
warehouse = Warehouse(sys.argv[1])
warehouse.publish(tables, "run-1")
assert all(warehouse.read_table(name) for name in TABLES)
print(sorted({"pandas", "pyarrow.compute"} & set(sys.modules)))
"""
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
