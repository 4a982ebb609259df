"""A warehouse on an S3-compatible store, worked on through a local working copy.

A run holds the store's lock (warehouse/remote.py), then pulls what it needs into a working folder
on the worker's own disk: CURRENT, the current snapshot's tables, the fetch log (SQLite cannot live
on object storage: the log is one object, downloaded under the lock and uploaded whole at the end)
and a listing of the raw objects (bodies are downloaded only when a page must be parsed again). The
run then works on that folder exactly as on a local warehouse, and on success pushes, in order:
  1. raw objects the store lacks, then the fetch log (so the log never names a missing body);
  2. the new snapshot's Parquet objects;
  3. CURRENT, in one PUT, only if it is still the version pulled (If-Match; If-None-Match: * for the
     first): a reader following CURRENT never sees a half-written snapshot, and a writer whose lock
     was taken over cannot overwrite the newer snapshot;
  4. what readers open beside it: report.html, changes.atom, new digests, peel.sql (DuckDB views
     over the snapshot's s3:// URLs, for DuckDB with httpfs);
  5. pruning: snapshots beyond keep_snapshots, and those a crashed run left unnamed by CURRENT.
A run that fails still pushes step 1 (best effort), so no fetched body is lost; CURRENT stays.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from peelpipe.errors import WarehouseError
from peelpipe.fetch.archive import LOG_NAME, OBJECTS_DIR, RawArchive
from peelpipe.warehouse.lock import DEFAULT_MAX_AGE_HOURS
from peelpipe.warehouse.remote import Conflict, S3Location, S3Store, hold_remote
from peelpipe.warehouse.store import SNAPSHOT_ID, Warehouse, _reached, manifest_problem, write_atomic
from peelpipe.warehouse.views import VIEWS

LOG_KEY = f"raw/{LOG_NAME}"
READER_FILES = ("report.html", "changes.atom")
_HELD: set[Path] = set()  # working copies whose store lock this process holds (pulled: not to be re-pulled)
_SHARED: dict[Path, tuple[S3Store, _StoreObjects]] = {}


def working_dir(location: S3Location, endpoint: str) -> Path:
    """This process's working folder for a store location (the same for every step of a run)."""
    digest = hashlib.sha256(f"{endpoint}|{location.url}".encode()).hexdigest()[:16]
    base = Path(tempfile.gettempdir()) / f"peelpipe-s3-{os.getpid()}"
    if not base.exists():
        atexit.register(shutil.rmtree, base, True)
    return base / digest


class _StoreObjects:
    """The store's raw objects, as RawArchive looks them up (one LIST, then GETs of what is read)."""

    def __init__(self, store: S3Store) -> None:
        self.store = store
        self.known: set[str] | None = None

    def listing(self) -> set[str]:
        """Relative paths (objects/..) of the raw objects the store holds."""
        if self.known is None:
            self.known = {k.removeprefix("raw/") for k in self.store.listing(f"raw/{OBJECTS_DIR}/")}
        return self.known

    def has(self, relative: str) -> bool:
        """Whether the store holds raw/<relative>."""
        return relative in self.listing()

    def read(self, relative: str) -> bytes | None:
        """The bytes of raw/<relative>, or None."""
        found = self.store.get(f"raw/{relative}")
        return found[0] if found else None


class RemoteWarehouse(Warehouse):
    """A warehouse at s3://bucket/prefix: the Warehouse API over a local working copy (see the module)."""

    def __init__(
        self,
        url: str,
        endpoint: str = "",
        keep_snapshots: int = 10,
        lock_max_age: float = DEFAULT_MAX_AGE_HOURS,
        workdir: Path | None = None,
    ) -> None:
        self.location = S3Location.parse(url)
        super().__init__(workdir or working_dir(self.location, endpoint), keep_snapshots, lock_max_age)
        if self.root not in _SHARED:  # one client and one listing per working copy, for every step of a run
            store = S3Store(self.location, endpoint)
            _SHARED[self.root] = (store, _StoreObjects(store))
        self.store, self.objects = _SHARED[self.root]
        self._pulled = False
        self._etag = ""  # CURRENT's ETag as pulled ("" when the store had none)
        self._pulled_id: str | None = None

    @property
    def label(self) -> str:
        """The s3:// URL (never the working folder, never a credential)."""
        return self.location.url

    @property
    def exports_dir(self) -> Path:
        """./exports: the working copy is temporary, so exports go to the current folder."""
        return Path.cwd() / "exports"

    def archive(self) -> RawArchive:
        """The working copy's raw archive, finding missing bodies in the store."""
        return RawArchive(self.root / "raw", self.objects)

    def manifest(self) -> dict[str, Any] | None:
        """The store's CURRENT manifest (pulled once, with its tables, by a reader; under the lock, the
        working copy's, which this run may have replaced)."""
        if not self._pulled and self.root not in _HELD:
            self.pull()
        return super().manifest()

    def pull(self) -> None:
        """Make the working copy's CURRENT and current tables the store's."""
        self.root.mkdir(parents=True, exist_ok=True)
        found = self.store.get("CURRENT")
        self._pulled = True
        if found is None:
            (self.root / "CURRENT").unlink(missing_ok=True)
            self._etag, self._pulled_id = "", None
            return
        data, etag = found
        try:
            manifest = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise WarehouseError(f"{self.label}/CURRENT is unreadable ({exc}); restore it from snapshots/") from None
        problem = manifest_problem(manifest)
        if problem:
            raise WarehouseError(f"{self.label}/CURRENT is not a valid manifest: {problem}")
        for entry in manifest["tables"].values():
            path = self.root / entry["path"]
            if path.is_file() and path.stat().st_size == entry.get("bytes"):
                continue  # pulled before by this process: snapshots never change
            table = self.store.get(entry["path"])
            if table is None:
                raise WarehouseError(f"{self.label}/CURRENT names {entry['path']}, which the store does not hold")
            write_atomic(path, table[0])
        write_atomic(self.root / "CURRENT", data)
        self._etag, self._pulled_id = etag, manifest["snapshot_id"]

    def _pull_log(self) -> None:
        """The store's fetch log as the working copy's (none if the store has none)."""
        raw = self.root / "raw"
        for name in (LOG_NAME, f"{LOG_NAME}-wal", f"{LOG_NAME}-shm"):
            (raw / name).unlink(missing_ok=True)
        found = self.store.get(LOG_KEY)
        if found is not None:
            write_atomic(raw / LOG_NAME, found[0])

    @contextmanager
    def lock(self, purpose: str) -> Iterator[None]:
        """Hold the store's lock (and the working copy's local one): pull, run the body, push."""
        with hold_remote(self.store, purpose, self.lock_max_age), super().lock(purpose):
            started = time.time()
            self.objects.known = None
            self.pull()
            self._pull_log()
            self.objects.listing()
            _HELD.add(self.root)
            try:
                yield
            except BaseException:
                with suppress(Exception):  # keep what was fetched; the store may be what failed
                    self._push_raw()
                raise
            finally:
                _HELD.discard(self.root)
            before = self._pulled_id
            try:
                self._push(started)
            except WarehouseError as exc:
                if self._pulled_id != before:
                    raise  # CURRENT was replaced: only what readers open beside it is missing
                kept = f"snapshot {before} stays current" if before else "nothing was published"
                raise WarehouseError(f"{exc}; {kept}: run again") from exc

    def _push_raw(self) -> None:
        """Step 1: raw objects the store lacks, then a consistent copy of the fetch log."""
        objects = self.root / "raw" / OBJECTS_DIR
        known = self.objects.listing()
        for path in sorted(objects.rglob("*.gz")) if objects.is_dir() else []:
            relative = path.relative_to(self.root / "raw").as_posix()
            if relative not in known:
                self.store.put(f"raw/{relative}", path.read_bytes())
                known.add(relative)
        log = self.root / "raw" / LOG_NAME
        if log.is_file():
            copy = log.with_name(f".{LOG_NAME}.upload")
            copy.unlink(missing_ok=True)
            source, target = sqlite3.connect(log), sqlite3.connect(copy)
            try:
                source.backup(target)  # includes what is still in the write-ahead file
            finally:
                source.close()
                target.close()
            try:
                self.store.put(LOG_KEY, copy.read_bytes())
            finally:
                copy.unlink(missing_ok=True)

    def _push(self, started: float) -> None:
        """Steps 1 to 5 (see the module) after a run that succeeded."""
        self._push_raw()
        manifest = Warehouse.manifest(self)
        pulled_id = self._pulled_id
        if manifest is None or manifest["snapshot_id"] == pulled_id:
            return
        for name, entry in manifest["tables"].items():
            self.store.put(entry["path"], (self.root / entry["path"]).read_bytes())
            _reached(f"remote-table-written:{name}")
        _reached("remote-snapshot-written")
        try:
            self._etag = self.store.put(
                "CURRENT", (self.root / "CURRENT").read_bytes(), if_absent=not self._etag, if_match=self._etag
            )
        except Conflict:
            raise WarehouseError(
                f"{self.label}/CURRENT was replaced by another writer while this run held the lock (it ran "
                f"longer than lock_max_age?): snapshot {manifest['snapshot_id']} was not published"
            ) from None
        self._pulled_id = manifest["snapshot_id"]
        _reached("remote-current-replaced")
        for name in READER_FILES:
            if (self.root / name).is_file():
                self.store.put(name, (self.root / name).read_bytes())
        digests = self.root / "digests"
        for path in sorted(digests.glob("*.md")) if digests.is_dir() else []:
            if path.stat().st_mtime >= started - 1:
                self.store.put(f"digests/{path.name}", path.read_bytes())
        self.store.put("peel.sql", views_sql(self.location.url, manifest).encode())
        self._prune_store(manifest["snapshot_id"], pulled_id)

    def _prune_store(self, current_id: str, pulled_id: str | None) -> None:
        """Remove the store's snapshots beyond keep_snapshots, and those newer than the one current when
        this run started, but this run's (left by a run that crashed before its CURRENT)."""
        ids: dict[str, list[str]] = {}
        for relative in self.store.listing("snapshots/"):
            parts = relative.split("/")
            if len(parts) == 3 and SNAPSHOT_ID.fullmatch(parts[1]):
                ids.setdefault(parts[1], []).append(relative)
        orphans = [i for i in ids if i > (pulled_id or "") and i != current_id]
        named = sorted(i for i in ids if i not in orphans)
        doomed = orphans + named[: -self.keep_snapshots]
        for snapshot_id in doomed:
            if snapshot_id != current_id:
                for relative in ids[snapshot_id]:
                    self.store.delete(relative)


def views_sql(base_url: str, manifest: dict[str, Any]) -> str:
    """DuckDB statements creating the warehouse's views over a snapshot's objects at base_url
    (s3://bucket/prefix): run them in DuckDB with the httpfs extension and S3 credentials loaded."""
    lines = [f"-- peelpipe views over snapshot {manifest['snapshot_id']} (DuckDB with httpfs)"]
    for name, entry in manifest["tables"].items():
        url = f"{base_url}/{entry['path']}".replace("'", "''")
        lines.append(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{url}');")
    for name, sql in VIEWS.items():
        lines.append(f"CREATE OR REPLACE VIEW {name} AS {sql.strip()};")
    return "\n".join(lines) + "\n"


def open_location(
    location: str, endpoint: str = "", keep_snapshots: int = 10, lock_max_age: float = DEFAULT_MAX_AGE_HOURS
) -> Warehouse:
    """The warehouse at a setting's location: a local folder, or s3://bucket/prefix."""
    if location.startswith("s3://"):
        return RemoteWarehouse(location, endpoint, keep_snapshots, lock_max_age)
    return Warehouse(Path(location), keep_snapshots=keep_snapshots, lock_max_age=lock_max_age)


def unlock_command(settings: Any, *, as_json: bool, quiet: bool) -> int:
    """`peelpipe unlock` for the configured warehouse: a folder (warehouse/lock.py) or a store."""
    from dataclasses import asdict

    from peelpipe.warehouse import lock
    from peelpipe.warehouse.remote import unlock_remote

    if not str(settings.warehouse).startswith("s3://"):
        return lock.unlock_command(Path(settings.warehouse), as_json=as_json, quiet=quiet)
    location = S3Location.parse(settings.warehouse)
    holder = unlock_remote(S3Store(location, settings.s3_endpoint))
    if as_json:
        print(json.dumps({"warehouse": location.url, "freed": asdict(holder) if holder else None}))
    elif not quiet:
        print(
            f"freed the lock of {location.url}, held by {holder.describe()}"
            if holder
            else f"{location.url} was not locked"
        )
    return 0
