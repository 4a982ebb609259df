"""The Parquet warehouse: read the current snapshot, publish a new one atomically.

Layout under the warehouse root:
  CURRENT                      JSON manifest naming the current snapshot (replaced atomically)
  snapshots/<snapshot_id>/     one Parquet file per table
  raw/                         the raw page archive and fetch log
  digests/                     Markdown change digests
  .lock, .lock.flock           the single-writer lock (warehouse/lock.py)
A snapshot is written to snapshots/.staging-<id>/, checked, renamed into place, and only then
named by CURRENT: a reader never sees a half-written snapshot, and a run that fails before the
CURRENT swap leaves the previous snapshot current.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from peelpipe.errors import WarehouseError
from peelpipe.fetch.archive import RawArchive
from peelpipe.warehouse.lock import DEFAULT_MAX_AGE_HOURS, hold
from peelpipe.warehouse.schemas import SCHEMA_VERSION, TABLES, with_table_metadata

Rows = list[dict[str, Any]]

# A test hook: each function here is called with the name of every point publish() reaches, in order
# ("table-written:<table>" for each table, "snapshot-in-place", "current-replaced"), so that a test can
# stop a process at one named point. Empty in normal use.
publish_hooks: list[Callable[[str], None]] = []


def _reached(point: str) -> None:
    for hook in publish_hooks:
        hook(point)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old or the new content, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


SNAPSHOT_ID = re.compile(r"[0-9]{8}T[0-9]{12}Z")  # as publish() names them: %Y%m%dT%H%M%S%fZ
_TABLE_FILE = re.compile(r"[A-Za-z0-9_]+\.parquet")


def manifest_problem(manifest: Any) -> str | None:
    """What is wrong with a parsed CURRENT manifest's shape, ids or paths, or None. Table paths must
    be snapshots/<its snapshot_id>/<table>.parquet, so none can lead out of the warehouse."""
    if not isinstance(manifest, dict):
        return f"expected a JSON object, got {type(manifest).__name__} {json.dumps(manifest)[:40]}"
    snapshot_id = manifest.get("snapshot_id")
    if not isinstance(snapshot_id, str) or not SNAPSHOT_ID.fullmatch(snapshot_id):
        return f"snapshot_id {snapshot_id!r:.60} is not a snapshot id like 20260101T060000123456Z"
    previous = manifest.get("previous_snapshot_id")
    if previous is not None and (not isinstance(previous, str) or not SNAPSHOT_ID.fullmatch(previous)):
        return f"previous_snapshot_id {previous!r:.60} is not a snapshot id"
    tables = manifest.get("tables")
    if not isinstance(tables, dict):
        return f"tables is {type(tables).__name__}, not an object"
    for name, entry in tables.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            return f"table {name!r:.60} has no string path"
        for key in ("rows", "bytes"):
            value = entry.get(key, 0)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                return f"table {name!r:.60}: {key} {value!r:.60} is not a count"
        parts = entry["path"].split("/")
        if len(parts) != 3 or parts[:2] != ["snapshots", snapshot_id] or not _TABLE_FILE.fullmatch(parts[2]):
            return f"table {name!r:.60}: path {entry['path']!r:.80} is not snapshots/{snapshot_id}/<table>.parquet"
    return None


class Warehouse:
    """A warehouse directory: current snapshot, snapshot publishing, and the writer lock."""

    def __init__(self, root: Path | str, keep_snapshots: int = 10, lock_max_age: float = DEFAULT_MAX_AGE_HOURS):
        self.root = Path(root)
        self.keep_snapshots = max(1, keep_snapshots)
        self.lock_max_age = lock_max_age  # hours after which another host's lock is taken over

    @property
    def label(self) -> str:
        """Where the warehouse is, as summaries and messages name it."""
        return str(self.root)

    @property
    def exports_dir(self) -> Path:
        """Where `peelpipe export` writes when given no --out."""
        return self.root / "exports"

    def archive(self) -> RawArchive:
        """The raw page archive and fetch log of this warehouse (<root>/raw)."""
        return RawArchive(self.root / "raw")

    @property
    def snapshots_dir(self) -> Path:
        """Where snapshots live."""
        return self.root / "snapshots"

    def manifest(self) -> dict[str, Any] | None:
        """The CURRENT manifest, or None before the first publish."""
        path = self.root / "CURRENT"
        if not path.exists():
            return None
        try:
            manifest = json.loads(path.read_text())
        except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad JSON, bad UTF-8
            raise WarehouseError(f"{path} is unreadable ({exc}); restore it from snapshots/") from None
        problem = manifest_problem(manifest)
        if problem:
            raise WarehouseError(f"{path} is not a valid manifest: {problem}; restore it from snapshots/")
        checked: dict[str, Any] = manifest
        return checked

    def read_table(self, name: str) -> Rows:
        """Rows of a table of the current snapshot ([] when there is none or it lacks the table)."""
        manifest = self.manifest()
        if manifest is None or name not in manifest.get("tables", {}):
            return []
        path = self.root / manifest["tables"][name]["path"]
        try:
            return rows_of(pq.read_table(path))
        except (OSError, pa.ArrowException) as exc:
            raise WarehouseError(f"cannot read table {name} at {path}: {exc}") from None

    def read_all(self) -> dict[str, Rows]:
        """Every table of the current snapshot."""
        return {name: self.read_table(name) for name in TABLES}

    def publish(self, tables: dict[str, Rows], run_id: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Write all tables as a new snapshot and make it current. Returns the new manifest."""
        missing = set(TABLES) - set(tables)
        if missing:
            raise WarehouseError(f"publish needs every table; missing {sorted(missing)}")
        previous = self.manifest()
        created = datetime.now(UTC)
        snapshot_id = created.strftime("%Y%m%dT%H%M%S%fZ")
        staging = self.snapshots_dir / f".staging-{snapshot_id}"
        final = self.snapshots_dir / snapshot_id
        staging.mkdir(parents=True, exist_ok=False)
        entries: dict[str, Any] = {}
        try:
            for name in TABLES:
                table = to_arrow(name, tables[name])
                path = staging / f"{name}.parquet"
                pq.write_table(table, path, compression="zstd")
                with path.open("rb") as fh:
                    os.fsync(fh.fileno())
                if pq.read_metadata(path).num_rows != table.num_rows:
                    raise WarehouseError(f"table {name} did not read back with {table.num_rows} rows")
                entries[name] = {
                    "path": f"snapshots/{snapshot_id}/{name}.parquet",
                    "rows": table.num_rows,
                    "bytes": path.stat().st_size,
                }
                _reached(f"table-written:{name}")
            _fsync_dir(staging)
            os.rename(staging, final)
            _fsync_dir(self.snapshots_dir)
            _reached("snapshot-in-place")
            manifest = {
                "snapshot_id": snapshot_id,
                "schema_version": SCHEMA_VERSION,
                "created_at": created.isoformat(),
                "run_id": run_id,
                "previous_snapshot_id": previous["snapshot_id"] if previous else None,
                "tables": entries,
                **(extra or {}),
            }
            write_atomic(self.root / "CURRENT", json.dumps(manifest, indent=2, default=str).encode())
            _reached("current-replaced")
            self._point_current_link(snapshot_id)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if (self.manifest() or {}).get("snapshot_id") != snapshot_id:
                shutil.rmtree(final, ignore_errors=True)
            if isinstance(exc, OSError):  # disk full, permissions: say which file, and that nothing was lost
                kept = f"snapshot {previous['snapshot_id']} stays current" if previous else "nothing was published"
                raise WarehouseError(
                    f"could not write the new snapshot: {exc.strerror or exc} "
                    f"({exc.filename or self.root}); {kept}. Free space or fix permissions "
                    f"and run again."
                ) from exc
            raise
        self._prune(snapshot_id)
        return manifest

    def _point_current_link(self, snapshot_id: str) -> None:
        """Point the convenience link current/ at the new snapshot (CURRENT stays the authority)."""
        link = self.root / "current"
        tmp = self.root / f".current.{snapshot_id}.tmp"
        try:
            tmp.unlink(missing_ok=True)
            os.symlink(Path("snapshots") / snapshot_id, tmp, target_is_directory=True)
            os.replace(tmp, link)
        except OSError:  # a file system without symlinks: readers use CURRENT
            tmp.unlink(missing_ok=True)

    def _prune(self, current_id: str) -> None:
        """Keep the newest snapshots; remove older ones and staging left by crashed runs."""
        names = sorted(p.name for p in self.snapshots_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
        for name in names[: -self.keep_snapshots]:
            if name != current_id:
                shutil.rmtree(self.snapshots_dir / name, ignore_errors=True)
        for stale in self.snapshots_dir.glob(".staging-*"):
            if stale.name != f".staging-{current_id}":
                shutil.rmtree(stale, ignore_errors=True)

    @contextmanager
    def lock(self, purpose: str) -> Iterator[None]:
        """Hold the single-writer lock (an OS lock: see warehouse/lock.py), or raise LockedError
        naming the holder's host, pid and age."""
        with hold(self.root, purpose, self.lock_max_age):
            yield


def to_arrow(name: str, rows: Rows) -> pa.Table:
    """Rows as a table with the table's explicit schema; a value of the wrong type is a WarehouseError
    naming the table and the column.

    Built a column at a time with ``pa.array`` (so an error can name its column). pyarrow would
    truncate a float in an integer column and take bytes in a string column; both are refused here.
    """
    schema = with_table_metadata(name, TABLES[name])
    arrays = []
    for field in schema:
        values = [row.get(field.name) for row in rows]
        try:
            _refuse_lossy(values, field.type)
            arrays.append(pa.array(values, type=field.type))
        except (pa.ArrowException, TypeError, ValueError, OverflowError) as exc:
            raise WarehouseError(f"table {name} does not fit its schema: column {field.name}: {exc}") from None
    table = pa.Table.from_arrays(arrays, schema=schema)
    for field in schema:
        if not field.nullable and table.column(field.name).null_count:
            raise WarehouseError(
                f"table {name}: column {field.name} must not be null ({table.column(field.name).null_count} rows are)"
            )
    return table


def _refuse_lossy(values: list[Any], kind: pa.DataType) -> None:
    """TypeError for the values ``pa.array`` would accept into `kind` while changing or guessing them."""
    if pa.types.is_integer(kind):
        wrong: type | tuple[type, ...] = float
    elif pa.types.is_string(kind):
        wrong = (bytes, bytearray, memoryview)
    else:
        return
    for value in values:
        if isinstance(value, wrong):
            raise TypeError(
                f"expected {'an integer' if wrong is float else 'a str'}, got {type(value).__name__} {value!r:.60}"
            )


def rows_of(table: pa.Table) -> Rows:
    """A table's rows as dicts, as pyarrow converts them (UTC timestamps are aware datetimes)."""
    rows: Rows = table.to_pylist()
    return rows
