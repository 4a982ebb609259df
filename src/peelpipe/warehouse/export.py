"""Exports of the current snapshot for people who live in spreadsheets: CSV, XLSX, JSON.

XLSX has one sheet per table and a README sheet built from the column descriptions of the schemas.
Times are written as UTC ISO strings (spreadsheets cannot hold time zones).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from peelpipe.warehouse.schemas import SCHEMA_VERSION, TABLES
from peelpipe.warehouse.store import Warehouse, write_atomic

FORMATS = ("csv", "xlsx", "json")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _frame(rows: list[dict[str, Any]], name: str) -> pd.DataFrame:
    columns = [f.name for f in TABLES[name]]
    return pd.DataFrame([{c: _plain(r.get(c)) for c in columns} for r in rows], columns=columns)


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


def export(warehouse: Warehouse, fmt: str, out: Path | None = None) -> Path:
    """Write the current snapshot's tables in `fmt`; returns the file or folder written."""
    manifest = warehouse.manifest()
    if manifest is None:
        raise FileNotFoundError("no snapshot published yet")
    snapshot = manifest["snapshot_id"]
    tables = warehouse.read_all()
    base = out or warehouse.root / "exports"
    if fmt == "csv":
        folder = base / f"peel-{snapshot}-csv"
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in tables.items():
            write_atomic(folder / f"{name}.csv", _frame(rows, name).to_csv(index=False).encode())
        write_atomic(folder / "README.csv", dictionary_frame().to_csv(index=False).encode())
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
                _frame(rows, name).to_excel(writer, sheet_name=name, index=False)
        tmp.replace(path)
        return path
    raise ValueError(f"format must be one of {FORMATS}")
