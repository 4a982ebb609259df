"""The current snapshot as a Frictionless Data Package (spec v1, tabular-data-package): one CSV per table
under data/ and a datapackage.json describing them, for people who want the data and run nothing.
Publish the folder as a release; frictionless, pandas, R or DuckDB read it with its types.

Everything in datapackage.json comes from the data dictionary (schemas.py): the tables, in order, each
column's type, description, nullability and allowed values, and the keys. A table added there is
exported with no change here. Foreign keys are not listed anywhere, so they follow one naming rule:
a column named like another table's one-column `*_id` key (`force_id`), or ending in `_` and that key
(`from_cycle_id`), references that table.

CSV encoding, as each field's schema says: null is an empty cell (missingValues [""]; an empty text
is one too, so it reads back as null); booleans `true`/`false`; dates `YYYY-MM-DD`; times ISO 8601 in
UTC with a `Z`; list columns JSON arrays (`["a", "b"]`), objects JSON objects.

The CSV cells are exactly as stored: no leading ' before text that starts like a formula, unlike
`--format csv`. A data package is read by programs against its schema, and a quote added to a value
would be a wrong value for all of them; the package's description tells spreadsheet users to import
the files as text or use the XLSX export, whose text cells are never formulas.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from peelpipe.config import CANONICAL_BASE
from peelpipe.errors import WarehouseError
from peelpipe.warehouse.schemas import KEYS, SCHEMA_VERSION, TABLES, field_allowed, field_example
from peelpipe.warehouse.store import Rows, Warehouse

PACKAGE_NAME = "peel-grades"
DESCRIPTOR = "datapackage.json"
LICENCE = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
SOURCE = {
    "title": "HMICFRS PEEL assessments (Crown copyright, published under the Open Government Licence v3.0)",
    "path": f"{CANONICAL_BASE}/peel-assessments/",
}
DESCRIPTION = (
    "The grades HMICFRS gave the police forces of England and Wales in its PEEL assessments since 2014, "
    "read from its published pages by peelpipe, with the changes between cycles and corrections to "
    "published pages. Contains public sector information licensed under the Open Government Licence "
    "v3.0. Snapshot {snapshot} (published {created}), schema version {version}. CSV cells are exactly "
    "as stored: a text that starts with =, +, - or @ is not escaped, so open the files in a spreadsheet "
    "through its text import (or use peelpipe's XLSX export). An empty cell is null."
)
# The CSV dialect of every resource: RFC 4180, the spec's defaults, written out for readers.
LINE_END = "\r\n"
DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "lineTerminator": LINE_END, "header": True}
BOOLEANS = {"trueValues": ["true"], "falseValues": ["false"]}


def field_type(table: str, field: pa.Field) -> dict[str, Any]:
    """The Table Schema type (and format properties) of a warehouse column; a ValueError for a pyarrow
    type with no faithful CSV encoding, naming the column."""
    kind = field.type
    if pa.types.is_boolean(kind):
        return {"type": "boolean", **BOOLEANS}
    if pa.types.is_integer(kind):
        return {"type": "integer"}
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return {"type": "number"}
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return {"type": "string"}
    if pa.types.is_date(kind):
        return {"type": "date"}
    if pa.types.is_timestamp(kind):
        return {"type": "datetime"}
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return {"type": "array"}
    if pa.types.is_struct(kind) or pa.types.is_map(kind):
        return {"type": "object"}
    raise ValueError(f"table {table}: column {field.name} has type {kind}, which has no Table Schema type here")


def field_descriptor(table: str, field: pa.Field) -> dict[str, Any]:
    """A column's Table Schema field: type, description, constraints and example from the dictionary."""
    kind = field_type(table, field)
    description = (field.metadata or {}).get(b"description", b"").decode()
    if kind["type"] == "array":
        description += ' (in the CSV: a JSON array, e.g. ["a", "b"])'
    elif kind["type"] == "object":
        description += ' (in the CSV: a JSON object, e.g. {"key": "value"})'
    descriptor: dict[str, Any] = {"name": field.name, **kind, "description": description}
    constraints: dict[str, Any] = {}
    if not field.nullable:
        constraints["required"] = True
    allowed = field_allowed(table, field.name)
    if allowed:
        constraints["enum"] = list(allowed)
    if constraints:
        descriptor["constraints"] = constraints
    example = field_example(table, field.name)
    if example:
        descriptor["example"] = example
    return descriptor


def foreign_keys(table: str) -> list[dict[str, Any]]:
    """References by the naming rule (module docstring): column X or *_X, X the one-column `*_id` key of
    another table (or of this one, under another name: cycles.previous_cycle_id)."""
    targets: dict[str, str] = {}  # key -> the first table keyed by it alone (forces, not a table of forces)
    for name, keys in KEYS.items():
        if len(keys) == 1 and keys[0].endswith("_id") and name in TABLES:
            targets.setdefault(keys[0], name)
    found = []
    for field in TABLES[table]:
        for key, target in targets.items():
            if target == table and field.name == key:
                continue
            if field.name == key or field.name.endswith("_" + key):
                resource = "" if target == table else target  # "": this resource (the spec's self-reference)
                found.append({"fields": [field.name], "reference": {"resource": resource, "fields": [key]}})
    return found


def table_schema(table: str) -> dict[str, Any]:
    """The Table Schema of a warehouse table."""
    schema: dict[str, Any] = {
        "fields": [field_descriptor(table, f) for f in TABLES[table]],
        "missingValues": [""],
    }
    if KEYS.get(table):
        schema["primaryKey"] = list(KEYS[table])
    references = foreign_keys(table)
    if references:
        schema["foreignKeys"] = references
    return schema


def cell(value: Any) -> str:
    """One value as CSV text, as the schema's types say (module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=cell)
    return str(value)


def csv_bytes(table: str, rows: Rows) -> bytes:
    """A table's rows as UTF-8 CSV, header first, columns in the dictionary's order."""
    columns = [f.name for f in TABLES[table]]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=LINE_END)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return buffer.getvalue().encode("utf-8")


def resource_descriptor(table: str, data: bytes) -> dict[str, Any]:
    """A tabular data resource: the CSV file, its dialect, size, hash and Table Schema."""
    keys = KEYS.get(table)
    description = f"The {table} table of the peelpipe warehouse" + (
        f": one row per {', '.join(keys)}." if keys else "."
    )
    return {
        "profile": "tabular-data-resource",
        "name": table,
        "path": f"data/{table}.csv",
        "title": table,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "dialect": DIALECT,
        "schema": table_schema(table),
    }


def published_at(snapshot_id: str) -> str:
    """When a snapshot was published, read from its id (publish names it by its UTC time), as RFC 3339
    with a Z, to the second: the same for every export of the snapshot."""
    return datetime.strptime(snapshot_id, "%Y%m%dT%H%M%S%fZ").strftime("%Y-%m-%dT%H:%M:%SZ")


def package_descriptor(manifest: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
    """datapackage.json for the snapshot `manifest` names, with a resource per table in `files`."""
    created = published_at(manifest["snapshot_id"])
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "HMICFRS PEEL grades of the police forces of England and Wales",
        "description": DESCRIPTION.format(snapshot=manifest["snapshot_id"], created=created, version=SCHEMA_VERSION),
        "version": SCHEMA_VERSION,
        "created": created,
        "licenses": [LICENCE],
        "sources": [SOURCE],
        "keywords": ["police", "HMICFRS", "PEEL", "inspection", "England", "Wales"],
        "snapshot_id": manifest["snapshot_id"],
        "resources": [resource_descriptor(table, data) for table, data in files.items()],
    }


def _earlier_export(folder: Path, snapshot: str) -> bool:
    """True when `folder` holds an earlier export of `snapshot` and nothing else (safe to replace)."""
    try:
        descriptor = json.loads((folder / DESCRIPTOR).read_text())
        listed = {DESCRIPTOR, *(r["path"] for r in descriptor["resources"])}
        present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        return bool(descriptor.get("snapshot_id") == snapshot and present <= listed)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def write_datapackage(warehouse: Warehouse, base: Path) -> Path:
    """Write the current snapshot as a data package in `base`/peel-<snapshot>-datapackage; returns it.

    The folder is built beside its place and renamed into it, so it is never half-written. An earlier
    export of the same snapshot there is replaced (the same tables, so the same files); anything else
    in the way is refused, never deleted."""
    manifest = warehouse.manifest()
    if manifest is None:
        raise FileNotFoundError("no snapshot published yet")
    snapshot = manifest["snapshot_id"]
    tables = warehouse.read_all()
    now = warehouse.manifest()
    if now is None or now["snapshot_id"] != snapshot:
        raise WarehouseError("a new snapshot was published during the export; run the export again")
    files = {name: csv_bytes(name, rows) for name, rows in tables.items()}
    descriptor = package_descriptor(manifest, files)
    target = base / f"peel-{snapshot}-datapackage"
    if target.exists() and not _earlier_export(target, snapshot):
        raise WarehouseError(f"{target} exists and is not an export of snapshot {snapshot}: move it away first")
    staging = base / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "data").mkdir(parents=True)
    try:
        for name, data in files.items():
            (staging / "data" / f"{name}.csv").write_bytes(data)
        (staging / DESCRIPTOR).write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
        if target.exists():
            old = base / f".{target.name}.old-{os.getpid()}"
            target.rename(old)
            try:
                staging.rename(target)
            except OSError:
                old.rename(target)
                raise
            shutil.rmtree(old)
        else:
            staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
