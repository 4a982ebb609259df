"""The Parquet warehouse: read the current snapshot, publish a new one atomically.

Layout under the warehouse root:
  CURRENT                      JSON manifest naming the current snapshot (replaced atomically)
  snapshots/<snapshot_id>/     one Parquet file per table
  raw/                         the raw page archive and fetch log
  digests/                     Markdown change digests
A snapshot is written to snapshots/.staging-<id>/, checked, renamed into place, and only then
named by CURRENT: a reader never sees a half-written snapshot, and a run that fails before the
CURRENT swap leaves the previous snapshot current.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from peelpipe.errors import LockedError, WarehouseError
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


class Warehouse:
    """A warehouse directory: current snapshot, snapshot publishing, and the writer lock."""

    def __init__(self, root: Path | str, keep_snapshots: int = 10):
        self.root = Path(root)
        self.keep_snapshots = max(1, keep_snapshots)

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
            manifest: dict[str, Any] = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise WarehouseError(f"{path} is unreadable ({exc}); restore it from snapshots/") from None
        return manifest

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
        """Hold the single-writer lock. A lock left by a dead process is taken over."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / ".lock"
        me = {"pid": os.getpid(), "host": socket.gethostname(), "purpose": purpose, "since": time.time()}
        for _ in range(2):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = _read_lock(path)
                if holder and _alive(holder):
                    since = datetime.fromtimestamp(holder.get("since", 0), UTC).strftime("%Y-%m-%d %H:%M UTC")
                    raise LockedError(
                        f"warehouse {self.root} is being written by pid {holder.get('pid')} "
                        f"({holder.get('purpose')}, since {since}); try again when it finishes"
                    ) from None
                path.unlink(missing_ok=True)  # stale: its process is gone
                continue
            with os.fdopen(fd, "w") as fh:
                json.dump(me, fh)
            break
        else:
            raise LockedError(f"could not take the warehouse lock {path}")
        try:
            yield
        finally:
            if (_read_lock(path) or {}).get("pid") == me["pid"]:
                path.unlink(missing_ok=True)


def _read_lock(path: Path) -> dict[str, Any] | None:
    try:
        holder: dict[str, Any] = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return holder


def _alive(holder: dict[str, Any]) -> bool:
    if holder.get("host") != socket.gethostname():
        return True  # cannot tell for another machine: assume alive
    try:
        os.kill(int(holder.get("pid", -1)), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True


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
