"""Python values to Arrow arrays for the warehouse's column types and back, without pyarrow's
pandas shim.

``pa.array`` imports pandas before it converts any Python list (to ask whether the list is a
pandas object). No table here ever holds one, and the import cost every run about 0.45 s and
35–40 MB. The warehouse's columns are strings, signed integers, booleans, dates and UTC
timestamps, so each is assembled from its Arrow buffers (validity bitmap, offsets, values) with
numpy, which pyarrow has loaded already. Any other type goes to ``pa.array``.

Reading back, UTC timestamps go through their integers too (see ``column_values``).

Stricter than ``pa.array``, never looser: a float in an integer column or bytes in a string
column is a TypeError here, where pyarrow would truncate or take them.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from itertools import repeat
from types import NoneType
from typing import Any

import numpy as np
import pyarrow as pa

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MICROSECOND = timedelta(microseconds=1)
_OFFSET_LIMIT = 2**31 - 1  # a string array's int32 offsets


def column_array(values: list[Any], kind: pa.DataType) -> pa.Array:
    """The values (None for null) as an array of `kind`; TypeError or ValueError naming the first
    value that does not fit."""
    build = _builder(kind)
    if build is None:
        return pa.array(values, type=kind)
    nulls = values.count(None)
    validity = None
    if nulls:
        present = np.fromiter(map(operator.is_not, values, repeat(None)), dtype=np.bool_, count=len(values))
        validity = pa.py_buffer(np.packbits(present, bitorder="little"))
    return pa.Array.from_buffers(kind, len(values), [validity, *build(values, kind, nulls)], null_count=nulls)


def _builder(kind: pa.DataType) -> Callable[[list[Any], pa.DataType, int], list[pa.Buffer]] | None:
    if pa.types.is_string(kind):
        return _strings
    if pa.types.is_signed_integer(kind):
        return _integers
    if pa.types.is_boolean(kind):
        return _booleans
    if pa.types.is_date32(kind):
        return _dates
    if _is_utc_micros(kind):
        return _utc_timestamps
    return None


def _is_utc_micros(kind: pa.DataType) -> bool:
    return pa.types.is_timestamp(kind) and kind.unit == "us" and kind.tz in ("UTC", "+00:00")


def _check(values: list[Any], fits: Callable[[type], bool], expected: str) -> None:
    """TypeError naming the first value whose type does not fit (None always does)."""
    if all(kind is NoneType or fits(kind) for kind in set(map(type, values))):
        return
    value = next(v for v in values if v is not None and not fits(type(v)))
    raise TypeError(f"expected {expected}, got {type(value).__name__} {value!r:.60}")


def _filled(values: list[Any], nulls: int, filler: Any) -> list[Any]:
    return [filler if value is None else value for value in values] if nulls else values


def _strings(values: list[Any], kind: pa.DataType, nulls: int) -> list[pa.Buffer]:
    _check(values, lambda t: issubclass(t, str), "a str")
    encoded = list(map(str.encode, _filled(values, nulls, "")))  # UnicodeEncodeError for a lone surrogate
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    if offsets[-1] > _OFFSET_LIMIT:
        raise ValueError(f"{offsets[-1]} bytes of text is more than one string column holds")
    return [pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(b"".join(encoded))]


def _integers(values: list[Any], kind: pa.DataType, nulls: int) -> list[pa.Buffer]:
    _check(values, lambda t: issubclass(t, (int, np.integer)) and not issubclass(t, (bool, np.bool_)), "an integer")
    low, high = -(2 ** (kind.bit_width - 1)), 2 ** (kind.bit_width - 1) - 1
    try:
        numbers = np.array(_filled(values, nulls, 0), dtype=np.int64)
    except OverflowError:
        numbers = None
    if numbers is None or (len(numbers) and (numbers.min() < low or numbers.max() > high)):
        value = next(v for v in values if v is not None and not low <= v <= high)
        raise ValueError(f"{value} is out of range for {kind}")
    return [pa.py_buffer(numbers.astype(f"int{kind.bit_width}"))]


def _booleans(values: list[Any], kind: pa.DataType, nulls: int) -> list[pa.Buffer]:
    _check(values, lambda t: issubclass(t, (bool, np.bool_)), "a bool")
    return [pa.py_buffer(np.packbits(np.array(_filled(values, nulls, False), dtype=np.bool_), bitorder="little"))]


def _dates(values: list[Any], kind: pa.DataType, nulls: int) -> list[pa.Buffer]:
    _check(values, lambda t: issubclass(t, date), "a date")  # a datetime counts as its date, as pyarrow takes it
    days = [value.toordinal() - _EPOCH_ORDINAL for value in _filled(values, nulls, _EPOCH.date())]
    return [pa.py_buffer(np.array(days, dtype=np.int32))]


def _utc_timestamps(values: list[Any], kind: pa.DataType, nulls: int) -> list[pa.Buffer]:
    _check(values, lambda t: issubclass(t, datetime), "a datetime")
    made: dict[datetime, int] = {}
    micros = []
    for value in _filled(values, nulls, _EPOCH):
        count = made.get(value)
        if count is None:  # a naive time counts as UTC, as pyarrow takes it
            instant = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
            count = made[value] = (instant - _EPOCH) // _MICROSECOND
        micros.append(count)
    return [pa.py_buffer(np.array(micros, dtype=np.int64))]


def column_values(column: pa.ChunkedArray) -> list[Any]:
    """A column's Python values, equal to ``to_pylist``'s. UTC timestamps go through their integers,
    with ``datetime.timezone.utc``: pyarrow resolves the time zone once per value, about twenty
    times slower. Each distinct instant is made once."""
    if not _is_utc_micros(column.type):
        return column.to_pylist()
    made: dict[int, datetime] = {}
    out: list[Any] = []
    # view, not cast: the same buffers read as integers, and cast would import pyarrow.compute (0.1 s)
    for micros in (value for chunk in column.chunks for value in chunk.view(pa.int64()).to_pylist()):
        if micros is None:
            out.append(None)
            continue
        instant = made.get(micros)
        if instant is None:
            instant = made[micros] = _EPOCH + timedelta(microseconds=micros)
        out.append(instant)
    return out
