"""The raw page archive: every page body as fetched, plus an append-only log of every fetch.

Bodies are content-addressed (sha256) and gzip-compressed under objects/<sha[:2]>/<sha>.gz, so
a page that did not change costs nothing to keep, and a run can be replayed offline from the
log. Every disk write of a raw page goes through here, and every write is atomic (temp file in
the same directory, rename) so a crash never leaves a half-written object behind. Each write is
fsynced at once, or, inside `batch()`, once per file and folder at the end of the batch (before
anything that refers to them is published): a killed process loses nothing either way, since the
kernel holds the writes; a power cut can lose only an unpublished batch. The log's index, and its
checkpoint that spares the next process reading the whole log, are in logindex.py.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import tempfile
import threading
import zlib
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from peelpipe.errors import WarehouseError
from peelpipe.fetch.logindex import index_for, is_sha256
from peelpipe.models import FetchResult

LOG_NAME = "fetch-log.jsonl"
OBJECTS_DIR = "objects"
_LOG_LOCK = threading.Lock()  # one appender at a time within the process


def _check_sha(value: object) -> str:
    if not is_sha256(value):
        raise WarehouseError(f"invalid sha256 {str(value)[:80]!r}: expected 64 lower-case hex characters")
    return value  # type: ignore[return-value]


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


class RawArchive:
    """Content-addressed store of raw page bodies plus the fetch log, under one root directory."""

    def __init__(self, root: Path) -> None:
        """Use `root` (e.g. <warehouse>/raw); nothing is created until the first write."""
        self.root = Path(root)
        self.objects = self.root / OBJECTS_DIR
        self.log_path = self.root / LOG_NAME
        self._pending: set[Path] | None = None  # files and folders to fsync at the end of a batch

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
                pending, self._pending = self._pending or set(), None
                for path in sorted(pending, key=lambda p: (p.is_dir(), str(p))):  # files, then their folders
                    self._sync(path)
                self.checkpoint()

    def checkpoint(self) -> None:
        """Save the fetch log's index beside it, so that the next process reads only newer lines."""
        index = index_for(self.log_path)
        with index.lock:
            index.refresh(self.log_path)
            index.save(self.log_path)

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
            raise WarehouseError(f"raw object {sha256} is missing from {self.root}") from None
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

    def has(self, sha256: str) -> bool:
        """Whether an object is stored under `sha256` (an invalid sha string is a WarehouseError)."""
        return self._object_path(sha256).is_file()

    def log(self, result: FetchResult) -> None:
        """Append one JSON line describing `result` to the fetch log, flushed and fsynced."""
        fetched_at = result.fetched_at or datetime.now(timezone.utc)
        if fetched_at.tzinfo is not None:
            fetched_at = fetched_at.astimezone(timezone.utc)
        record = {
            "url": result.url,
            "final_url": result.final_url,
            "outcome": result.outcome,
            "status": result.status,
            "sha256": result.sha256,
            "bytes": result.bytes,
            "elapsed": round(result.elapsed, 4),
            "fetched_at": fetched_at.isoformat(),
            "etag": result.etag,
            "last_modified": result.last_modified,
            "content_type": result.content_type,
            "error": result.error,
            "requests": result.requests,
        }
        line = (json.dumps(record, separators=(",", ":")) + "\n").encode("utf-8")
        with _LOG_LOCK:
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                new = not self.log_path.exists()
                with self.log_path.open("a+b") as fh:  # O_APPEND: each line is one write at the end
                    size = fh.seek(0, os.SEEK_END)
                    if size:
                        fh.seek(size - 1)
                        if fh.read(1) != b"\n":
                            line = b"\n" + line  # end a torn line left by a crash; don't glue onto it
                    fh.write(line)
                    fh.flush()
                    if self._pending is None:
                        os.fsync(fh.fileno())
                    else:
                        self._sync(self.log_path)
            except OSError as exc:
                raise WarehouseError(f"cannot append to fetch log {self.log_path}: {exc}") from None
        if new:
            self._sync(self.root)

    def entries(self) -> Iterator[dict]:
        """Every fetch-log entry in order; a torn or unparsable line (crash mid-append) is skipped."""
        try:
            fh = self.log_path.open("rb")
        except FileNotFoundError:
            return
        except OSError as exc:
            raise WarehouseError(f"cannot read fetch log {self.log_path}: {exc}") from None
        with fh:
            for raw in fh:
                try:
                    entry = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(entry, dict):
                    yield entry

    def validators(self) -> dict[str, dict]:
        """url -> {"etag", "last_modified", "sha256", "final_url"} of the latest fetched/not_modified entry
        whose body is stored.

        These are what a conditional request may send (to final_url, where they came from, when the
        url redirected): a 304 then means "still the stored body".
        """
        index = index_for(self.log_path)
        with index.lock:
            index.refresh(self.log_path)
            snapshot = {url: sorted(((seq, sha, *rest) for sha, (seq, *rest) in shas.items()), reverse=True)
                        for url, shas in index.urls.items()}
        result: dict[str, dict] = {}
        for url, candidates in snapshot.items():
            for _seq, sha, etag, last_modified, final_url in candidates:
                if self.has(sha):
                    result[url] = {"etag": etag, "last_modified": last_modified, "sha256": sha,
                                   "final_url": final_url}
                    break
        return result

    def validators_for(self, url: str) -> dict | None:
        """The validators of one URL (as in validators()), checking only that URL's stored bodies."""
        index = index_for(self.log_path)
        with index.lock:
            index.refresh(self.log_path)
            shas = dict(index.urls.get(url, {}))
        for _seq, sha, etag, last_modified, final_url in sorted(((seq, sha, *rest) for sha, (seq, *rest) in shas.items()),
                                                                  reverse=True):
            if self.has(sha):
                return {"etag": etag, "last_modified": last_modified, "sha256": sha, "final_url": final_url}
        return None

    def latest_bodies(self) -> dict[str, str]:
        """url -> sha256 of the latest stored body for that url (what an offline replay parses)."""
        return {url: v["sha256"] for url, v in self.validators().items()}
