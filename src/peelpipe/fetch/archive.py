"""The raw page archive: every page body as fetched, plus a log of every fetch.

Bodies are content-addressed (sha256) and gzip-compressed under objects/<sha[:2]>/<sha>.gz, so
a page that did not change costs nothing to keep, and a run can be replayed offline from the
log. Every disk write of a raw page goes through here, and every write is atomic (temp file in
the same directory, rename) so a crash never leaves a half-written object behind.

The fetch log is an SQLite database (fetch-log.sqlite, write-ahead log mode): one row per fetch in
the `fetches` table, numbered in fetch order, indexed by url. Each fetch is its own transaction,
so a killed process loses no fetch already logged and never leaves part of one. Writes are
fsynced at once, or, inside `batch()`, once per file and folder at the end of the batch (before
anything that refers to them is published): a killed process loses nothing either way, since the
kernel holds the writes; a power cut can lose only an unpublished batch, and SQLite's recovery
leaves the log whole. A warehouse of an earlier version logged to fetch-log.jsonl: the first open
imports its lines once and renames it fetch-log.jsonl.imported.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import threading
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from peelpipe.errors import WarehouseError
from peelpipe.models import FETCHED, NOT_MODIFIED, FetchResult

LOG_NAME = "fetch-log.sqlite"
LEGACY_LOG_NAME = "fetch-log.jsonl"  # the log of earlier versions, imported once
IMPORTED_SUFFIX = ".imported"
OBJECTS_DIR = "objects"
_LEGACY_CHECKPOINT = "fetch-log.index.json"  # earlier versions' index of the JSONL log: a cache, dropped
_VERSION = 1  # PRAGMA user_version once the table exists and any JSONL log is imported
# A fetch-log row's fields, in the order entries() gives them (the fields of the earlier JSONL lines).
FIELDS = (
    "url",
    "final_url",
    "outcome",
    "status",
    "sha256",
    "bytes",
    "elapsed",
    "fetched_at",
    "etag",
    "last_modified",
    "content_type",
    "error",
    "requests",
)
_CREATE = (
    """CREATE TABLE IF NOT EXISTS fetches (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL, final_url TEXT, outcome TEXT NOT NULL, status INTEGER, sha256 TEXT, bytes INTEGER,
    elapsed REAL, fetched_at TEXT, etag TEXT, last_modified TEXT, content_type TEXT, error TEXT, requests INTEGER)""",
    "CREATE INDEX IF NOT EXISTS fetches_by_url ON fetches (url, seq)",
)
_INSERT = f"INSERT INTO fetches ({', '.join(FIELDS)}) VALUES ({', '.join('?' * len(FIELDS))})"
_STORED = (FETCHED, NOT_MODIFIED)  # outcomes whose sha256 names the body the url gave
_PAGE = 5000  # rows entries() reads at a time
_SHA_RE = re.compile(r"[0-9a-f]{64}")


def is_sha256(value: object) -> bool:
    """Whether `value` is a sha256 hex digest as the archive names objects (64 lower-case hex)."""
    return isinstance(value, str) and _SHA_RE.fullmatch(value) is not None


def _check_sha(value: object) -> str:
    if not isinstance(value, str) or not is_sha256(value):
        raise WarehouseError(f"invalid sha256 {str(value)[:80]!r}: expected 64 lower-case hex characters")
    return value


def _fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable (best effort where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _legacy_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    """The rows of an earlier version's JSONL fetch log; torn or unparsable lines (a crash mid-append)
    and lines without a url and an outcome are skipped."""
    with path.open("rb") as fh:
        for raw in fh:
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if (
                not isinstance(entry, dict)
                or not isinstance(entry.get("url"), str)
                or not isinstance(entry.get("outcome"), str)
            ):
                continue
            yield tuple(value if isinstance(value, (str, int, float)) else None for value in map(entry.get, FIELDS))


class RemoteObjects(Protocol):
    """Where raw objects missing from `root` may be found: the object store of a warehouse on S3,
    whose local working copy holds only the bodies this run fetched or read."""

    def has(self, relative: str) -> bool:
        """Whether the store holds objects/<sha[:2]>/<sha>.gz."""

    def read(self, relative: str) -> bytes | None:
        """The stored (gzip) bytes of that object, or None."""


class RawArchive:
    """Content-addressed store of raw page bodies plus the fetch log, under one root directory."""

    def __init__(self, root: Path, remote: RemoteObjects | None = None) -> None:
        """Use `root` (e.g. <warehouse>/raw); nothing is created until the first write. Objects not under
        `root` are looked up in `remote` when one is given (and kept under `root` once read)."""
        self.root = Path(root)
        self.remote = remote
        self.objects = self.root / OBJECTS_DIR
        self.log_path = self.root / LOG_NAME
        self._pending: set[Path] | None = None  # files and folders to fsync at the end of a batch
        self._db: sqlite3.Connection | None = None  # the fetch log, held open for the length of a batch
        self._db_lock = threading.RLock()  # one user of the connection at a time

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Defer fsyncs to the end of a run of writes: one per file and folder touched, not three per page."""
        outer = self._pending is None
        if outer:
            self._pending = set()
        try:
            yield
        finally:
            if outer:
                pending = self._pending or set()
                with self._db_lock:
                    if self._db is not None:  # closing checkpoints the log into its file, unless another
                        self._db.close()  # connection is open: then the write-ahead file holds the batch
                        self._db = None
                        pending |= {self.log_path, self.log_path.with_name(LOG_NAME + "-wal")}
                self._pending = None
                for path in sorted(pending, key=lambda p: (p.is_dir(), str(p))):  # files, then their folders
                    self._sync(path)

    def _sync(self, path: Path) -> None:
        """fsync a file or a folder now, or at the end of the current batch."""
        if self._pending is not None:
            self._pending.add(path)
        elif path.is_dir():
            _fsync_dir(path)
        else:
            try:
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise WarehouseError(f"cannot make {path} durable: {exc}") from None

    def _object_path(self, sha256: str) -> Path:
        sha = _check_sha(sha256)
        return self.objects / sha[:2] / f"{sha}.gz"

    def put(self, body: bytes) -> str:
        """Store `body` (idempotent) and return its sha256; written atomically and fsynced."""
        sha = hashlib.sha256(body).hexdigest()
        path = self._object_path(sha)
        if path.is_file():
            return sha
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{sha[:16]}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(gzip.compress(body, mtime=0))
                fh.flush()
                if self._pending is None:
                    os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
            tmp = None
            if self._pending is not None:
                self._sync(path)
        except OSError as exc:
            raise WarehouseError(f"cannot store raw object {sha} under {self.root}: {exc}") from None
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        self._sync(path.parent)
        return sha

    def get(self, sha256: str) -> bytes:
        """The body stored under `sha256`, verified against the hash; WarehouseError if missing or corrupt."""
        path = self._object_path(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = self._from_remote(path)
        except OSError as exc:
            raise WarehouseError(f"raw object {sha256} cannot be read: {exc}") from None
        try:
            body = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise WarehouseError(f"raw object {sha256} is corrupt: {exc}") from None
        actual = hashlib.sha256(body).hexdigest()
        if actual != sha256:
            raise WarehouseError(f"raw object {sha256} is corrupt: its content hashes to {actual}")
        return body

    def _from_remote(self, path: Path) -> bytes:
        """A missing object's bytes from the remote store, kept locally; WarehouseError if it has none."""
        relative = path.relative_to(self.root).as_posix()
        data = self.remote.read(relative) if self.remote is not None else None
        if data is None:
            raise WarehouseError(f"raw object {path.name.removesuffix('.gz')} is missing from {self.root}")
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return data

    def has(self, sha256: str) -> bool:
        """Whether an object is stored under `sha256` (an invalid sha string is a WarehouseError)."""
        path = self._object_path(sha256)
        return path.is_file() or (self.remote is not None and self.remote.has(path.relative_to(self.root).as_posix()))

    @contextlib.contextmanager
    def _log_db(self, create: bool) -> Iterator[sqlite3.Connection | None]:
        """The fetch log's connection, held for the block: the batch's, or one opened for the block.
        None when there is no log yet and `create` is false."""
        with self._db_lock:
            if self._db is not None:
                yield self._db
                return
            if not create and not self.log_path.exists() and not self.root.joinpath(LEGACY_LOG_NAME).exists():
                yield None
                return
            db = self._open()
            try:
                if self._pending is not None:
                    self._db = db
                yield db
            finally:
                if self._db is not db:
                    db.close()

    def _open(self) -> sqlite3.Connection:
        """Connect to the fetch log, creating it (and importing an earlier version's JSONL log) if need be."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            new = not self.log_path.exists()
            db = sqlite3.connect(self.log_path, timeout=30, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise WarehouseError(f"cannot open fetch log {self.log_path}: {exc}") from None
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # FULL: each commit fsyncs the log; NORMAL (in a batch): the batch's end does
            db.execute(f"PRAGMA synchronous={'FULL' if self._pending is None else 'NORMAL'}")
            if db.execute("PRAGMA user_version").fetchone()[0] < _VERSION:
                self._create(db)
        except (OSError, sqlite3.Error) as exc:
            db.close()
            raise WarehouseError(f"cannot open fetch log {self.log_path}: {exc}") from None
        except BaseException:
            db.close()
            raise
        legacy = self.root / LEGACY_LOG_NAME
        imported = legacy.with_name(LEGACY_LOG_NAME + IMPORTED_SUFFIX)
        if legacy.exists() and not imported.exists():
            # imported (now, or by a process killed before this rename): kept, renamed, as a trace; a
            # rename that fails is tried again at the next open, and the import is not repeated
            with contextlib.suppress(OSError):
                os.replace(legacy, imported)
                new = True
        if new:
            self._sync(self.root)
        return db

    def _create(self, db: sqlite3.Connection) -> None:
        """Create the fetches table and import any JSONL log, in one transaction: done once, or not at all."""
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] < _VERSION:  # not done by another process meanwhile
                for statement in _CREATE:
                    db.execute(statement)
                legacy = self.root / LEGACY_LOG_NAME
                if legacy.exists():
                    db.executemany(_INSERT, _legacy_rows(legacy))
                db.execute(f"PRAGMA user_version = {_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        for stale in (self.root / _LEGACY_CHECKPOINT, *self.root.glob(f".{_LEGACY_CHECKPOINT}.*.tmp")):
            stale.unlink(missing_ok=True)

    def log(self, result: FetchResult) -> None:
        """Record `result` in the fetch log: one row, committed (and fsynced outside a batch) at once."""
        fetched_at = result.fetched_at or datetime.now(UTC)
        if fetched_at.tzinfo is not None:
            fetched_at = fetched_at.astimezone(UTC)
        row = (
            result.url,
            result.final_url,
            result.outcome,
            result.status,
            result.sha256,
            result.bytes,
            round(result.elapsed, 4),
            fetched_at.isoformat(),
            result.etag,
            result.last_modified,
            result.content_type,
            result.error,
            result.requests,
        )
        with self._log_db(create=True) as db:
            assert db is not None
            try:
                db.execute(_INSERT, row)  # autocommit: the row is its own transaction
            except sqlite3.Error as exc:
                raise WarehouseError(f"cannot add to fetch log {self.log_path}: {exc}") from None

    def _query(self, sql: str, parameters: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a query of the fetch log ([] when there is none yet)."""
        with self._log_db(create=False) as db:
            if db is None:
                return []
            try:
                return db.execute(sql, tuple(parameters)).fetchall()
            except sqlite3.Error as exc:
                raise WarehouseError(f"cannot read fetch log {self.log_path}: {exc}") from None

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every fetch-log entry in fetch order, as a dict of FIELDS (read a page of rows at a time)."""
        seq = 0
        while True:
            rows = self._query(
                f"SELECT seq, {', '.join(FIELDS)} FROM fetches WHERE seq > ? ORDER BY seq LIMIT ?", (seq, _PAGE)
            )
            for row in rows:
                yield dict(zip(FIELDS, row[1:]))
            if len(rows) < _PAGE:
                return
            seq = rows[-1][0]

    def validators(self) -> dict[str, dict[str, Any]]:
        """url -> {"etag", "last_modified", "sha256", "final_url"} of the latest fetched/not_modified entry
        whose body is stored.

        These are what a conditional request may send (to final_url, where they came from, when the
        url redirected): a 304 then means "still the stored body".
        """
        # SQLite takes the bare columns of a max() aggregate from the row holding the maximum
        latest = self._query(
            "SELECT url, max(seq), sha256, etag, last_modified, final_url FROM fetches "
            "WHERE outcome IN (?, ?) AND sha256 IS NOT NULL GROUP BY url",
            _STORED,
        )
        result: dict[str, dict[str, Any]] = {}
        for url, _seq, sha, etag, last_modified, final_url in latest:
            if is_sha256(sha) and self.has(sha):
                result[url] = {"etag": etag, "last_modified": last_modified, "sha256": sha, "final_url": final_url}
            else:  # its latest body went missing: an earlier one may still be stored
                known = self.validators_for(url)
                if known is not None:
                    result[url] = known
        return result

    def validators_for(self, url: str) -> dict[str, Any] | None:
        """The validators of one URL (as in validators()), checking only that URL's stored bodies."""
        with self._log_db(create=False) as db:
            if db is None:
                return None
            try:  # newest first, read only as far as the first stored body
                for sha, etag, last_modified, final_url in db.execute(
                    "SELECT sha256, etag, last_modified, final_url FROM fetches WHERE url = ? "
                    "AND outcome IN (?, ?) AND sha256 IS NOT NULL ORDER BY seq DESC",
                    (url, *_STORED),
                ):
                    if is_sha256(sha) and self.has(sha):
                        return {"etag": etag, "last_modified": last_modified, "sha256": sha, "final_url": final_url}
            except sqlite3.Error as exc:
                raise WarehouseError(f"cannot read fetch log {self.log_path}: {exc}") from None
        return None

    def latest_bodies(self) -> dict[str, str]:
        """url -> sha256 of the latest stored body for that url (what an offline replay parses)."""
        return {url: v["sha256"] for url, v in self.validators().items()}
