"""Exports of the current snapshot for people who live in spreadsheets: CSV, XLSX, JSON; and a
Frictionless data package to publish (warehouse/datapackage.py).

XLSX has one sheet per table and a README sheet built from the column descriptions of the schemas.
Times are written as UTC ISO strings (spreadsheets cannot hold time zones).

Page text is untrusted, and a spreadsheet runs a cell that starts like a formula (=HYPERLINK(…) can
send the sheet's contents away). XLSX cells hold types, so every text cell is written as text,
never a formula. CSV has no types: a text cell that starts with =, +, -, @, a tab or a carriage
return gets a leading ' (OWASP's CSV injection rule), unless the caller asks for raw CSV. Numbers
are numbers in both, so a negative number keeps its sign.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from peelpipe.warehouse.datapackage import write_datapackage
from peelpipe.warehouse.schemas import SCHEMA_VERSION, TABLES
from peelpipe.warehouse.store import Warehouse, write_atomic

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FORMATS = ("csv", "xlsx", "json", "datapackage")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _cell(value: Any) -> Any:
    """A value as one CSV or XLSX cell: a list (monitoring.reasons) as a JSON array, as in the data package."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return _plain(value)


def _frame(rows: list[dict[str, Any]], name: str) -> pd.DataFrame:
    columns = [f.name for f in TABLES[name]]
    return pd.DataFrame([{c: _cell(r.get(c)) for c in columns} for r in rows], columns=columns)


# The first characters that make a spreadsheet read a CSV cell as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: Any) -> Any:
    """A CSV cell's value a spreadsheet shows as text: a string that starts like a formula gets a
    leading ' (which spreadsheets read as "text follows"); anything else, numbers too, unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def guard_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell guarded (guard_cell), for CSV."""
    return frame.map(guard_cell)


# C0 controls but tab, newline and CR: XML 1.0, so XLSX, cannot hold them (openpyxl refuses them).
# Parsers remove them from page text; a warehouse written before that may still hold some.
_NOT_IN_XML = {c: None for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]}


def _xlsx_value(value: Any) -> Any:
    return value.translate(_NOT_IN_XML) if isinstance(value, str) else value


def _text_cells(sheet: Worksheet) -> None:
    """Make every text cell of `sheet` a text cell: openpyxl types a string that starts with = as a
    formula and one such as #N/A as an error; data_type "s" stores the same string as text."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type in ("f", "e") and isinstance(cell.value, str):
                cell.data_type = "s"


def _csv(frame: pd.DataFrame, guard: bool) -> bytes:
    return (guard_frame(frame) if guard else frame).to_csv(index=False).encode()


def dictionary_frame() -> pd.DataFrame:
    """Every table's columns with type and meaning: the README sheet."""
    return pd.DataFrame(
        [
            {
                "table": name,
                "column": f.name,
                "type": str(f.type),
                "nullable": "yes" if f.nullable else "no",
                "meaning": (f.metadata or {}).get(b"description", b"").decode(),
            }
            for name, schema in TABLES.items()
            for f in schema
        ]
    )


def export(warehouse: Warehouse, fmt: str, out: Path | None = None, *, csv_guard: bool = True) -> Path:
    """Write the current snapshot's tables in `fmt`; returns the file or folder written. In CSV, text
    that starts like a formula gets a leading ' unless `csv_guard` is False (guard_cell); the data
    package's CSV is always as stored."""
    manifest = warehouse.manifest()
    if manifest is None:
        raise FileNotFoundError("no snapshot published yet")
    base = out or warehouse.root / "exports"
    if fmt == "datapackage":
        return write_datapackage(warehouse, base)
    snapshot = manifest["snapshot_id"]
    tables = warehouse.read_all()
    if fmt == "csv":
        folder = base / f"peel-{snapshot}-csv"
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in tables.items():
            write_atomic(folder / f"{name}.csv", _csv(_frame(rows, name), csv_guard))
        write_atomic(folder / "README.csv", _csv(dictionary_frame(), csv_guard))
        return folder
    if fmt == "json":
        path = base / f"peel-{snapshot}.json"
        document = {
            "snapshot_id": snapshot,
            "schema_version": SCHEMA_VERSION,
            "tables": {name: [{k: _plain(v) for k, v in r.items()} for r in rows] for name, rows in tables.items()},
        }
        write_atomic(path, json.dumps(document, indent=1, ensure_ascii=False).encode())
        return path
    if fmt == "xlsx":
        path = base / f"peel-{snapshot}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            readme = dictionary_frame()
            readme.to_excel(writer, sheet_name="README", index=False)
            for name, rows in tables.items():
                _frame(rows, name).map(_xlsx_value).to_excel(writer, sheet_name=name, index=False)
            for sheet in writer.sheets.values():
                _text_cells(sheet)
        tmp.replace(path)
        return path
    raise ValueError(f"format must be one of {FORMATS}")
