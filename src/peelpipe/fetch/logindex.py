"""The fetch log, indexed: for each URL, the bodies fetched for it and their validators.

The log only grows, so the index reads only the lines added since it last looked. A new process
would still have to read the whole log once, and the log grows by every request of every run
(about 20 MB a year of daily runs, 0.4 s to read). So the index also keeps a checkpoint beside
the log (`fetch-log.index.json`): its state after some prefix of the log, with the bytes at both
ends of that prefix. A process starts from the checkpoint when those bytes are still there and
reads on from the end of the prefix. The log stays the only record: the checkpoint is rebuilt
from it whenever it is missing, unreadable or does not fit the log.
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import BinaryIO

from peelpipe.errors import WarehouseError
from peelpipe.models import FETCHED, NOT_MODIFIED

CHECKPOINT_NAME = "fetch-log.index.json"
_VERSION = 1
_HEAD = 64  # first bytes of the log that tell a replaced log from a grown one
_EDGE = 4096  # bytes compared at each end of a checkpoint's prefix: several lines, each with its
# microsecond fetch time, so a different log does not pass for the checkpoint's
_SAVE_AFTER = 1 << 20  # new log bytes before a checkpoint is rewritten: writing one (a few hundred
# KB of JSON, about 20 ms) costs what reading about 1 MB of log lines does

# url -> {sha256: (seq, etag, last_modified, final_url)}; seq orders the entries as the log does
Urls = dict[str, dict[str, tuple[int, "str | None", "str | None", "str | None"]]]


_SHA_RE = re.compile(r"[0-9a-f]{64}")


def is_sha256(value: object) -> bool:
    """Whether `value` is a sha256 hex digest as the archive names objects (64 lower-case hex)."""
    return isinstance(value, str) and _SHA_RE.fullmatch(value) is not None


class LogIndex:
    """Incremental reader of one fetch log, shared in-process (see `index_for`).

    A replaced or shrunk log (different inode, shorter, or different first bytes) is re-read from
    the start, or from a checkpoint that fits it.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._reset(None)

    def _reset(self, ident: tuple | None) -> None:
        self.ident = ident
        self.offset = 0
        self.seq = 0
        self.urls: Urls = {}
        self._saved_offset = -1  # the offset the checkpoint on disk holds, as far as this process knows

    def refresh(self, path: Path) -> None:
        """Read the log's complete lines added since the last call (the caller holds `lock`)."""
        try:
            with path.open("rb") as fh:
                st = os.fstat(fh.fileno())
                head = fh.read(_HEAD)
                ident = (st.st_dev, st.st_ino, head if len(head) == _HEAD else None)
                if self.ident is None or ident[:2] != self.ident[:2] or st.st_size < self.offset or (
                        self.ident[2] is not None and ident[2] != self.ident[2]):
                    self._reset(ident)
                    self._resume(path.with_name(CHECKPOINT_NAME), fh, st.st_size)
                self.ident = ident
                fh.seek(self.offset)
                data = fh.read()
        except FileNotFoundError:
            self._reset(None)
            return
        except OSError as exc:
            raise WarehouseError(f"cannot read fetch log {path}: {exc}") from None
        end = data.rfind(b"\n")
        if end < 0:
            return  # nothing complete yet (a writer may be mid-line)
        for raw in data[:end].split(b"\n"):
            self._add(raw)
        self.offset += end + 1

    def _add(self, raw: bytes) -> None:
        try:
            entry = json.loads(raw)
        except ValueError:
            return  # torn line left by a crash
        if not isinstance(entry, dict) or entry.get("outcome") not in (FETCHED, NOT_MODIFIED):
            return
        url, sha = entry.get("url"), entry.get("sha256")
        if not isinstance(url, str) or not is_sha256(sha):
            return
        self.seq += 1
        self.urls.setdefault(url, {})[sha] = (self.seq, entry.get("etag"), entry.get("last_modified"),
                                              entry.get("final_url"))

    def _resume(self, checkpoint: Path, log: BinaryIO, size: int) -> None:
        """Take the state of a checkpoint whose prefix is still the start of this log; else nothing."""
        try:
            saved = json.loads(checkpoint.read_bytes())
            offset = saved["offset"]
            if saved["version"] != _VERSION or not (0 < offset <= size):
                return
            if _edges(log, offset) != (bytes.fromhex(saved["head"]), bytes.fromhex(saved["tail"])):
                return
            urls: Urls = {url: {sha: (int(seq), etag, modified, final) for sha, (seq, etag, modified, final)
                                in shas.items()} for url, shas in saved["urls"].items()}
            seq = int(saved["seq"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return  # missing or unreadable: read the log from the start
        self.offset, self.seq, self.urls = offset, seq, urls
        self._saved_offset = offset

    def save(self, path: Path) -> None:
        """Write the checkpoint of what has been read so far (atomically: a reader sees the old
        checkpoint or the new one), when there is none that fits or it is _SAVE_AFTER bytes behind.
        A Prefect run saves at the end of each cycle's fetches: most of those calls write nothing.
        The caller holds `lock`."""
        if self.offset <= 0 or (self._saved_offset >= 0 and self.offset - self._saved_offset < _SAVE_AFTER):
            return
        checkpoint = path.with_name(CHECKPOINT_NAME)
        tmp = checkpoint.with_name(f".{CHECKPOINT_NAME}.{os.getpid()}.tmp")
        try:
            for stale in checkpoint.parent.glob(f".{CHECKPOINT_NAME}.*.tmp"):  # left by a process killed mid-write
                stale.unlink(missing_ok=True)
            with path.open("rb") as log:
                head, tail = _edges(log, self.offset)
            state = {"version": _VERSION, "offset": self.offset, "seq": self.seq, "head": head.hex(),
                     "tail": tail.hex(), "urls": self.urls}
            with tmp.open("w", encoding="utf-8") as fh:
                json.dump(state, fh, separators=(",", ":"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, checkpoint)
        except OSError:
            return  # only a cache: the next process reads the log itself
        finally:
            tmp.unlink(missing_ok=True)
        self._saved_offset = self.offset


def _edges(log: BinaryIO, offset: int) -> tuple[bytes, bytes]:
    """The first and the last _EDGE bytes of the log's first `offset` bytes."""
    log.seek(0)
    head = log.read(min(_EDGE, offset))
    log.seek(max(0, offset - _EDGE))
    return head, log.read(min(_EDGE, offset))


_INDEXES: dict[str, LogIndex] = {}
_INDEXES_LOCK = threading.Lock()


def index_for(path: Path) -> LogIndex:
    """The process's one index of the fetch log at `path`."""
    key = str(path.resolve())
    with _INDEXES_LOCK:
        return _INDEXES.setdefault(key, LogIndex())
