"""The warehouse's single-writer lock: an OS lock that two processes can never both hold.

Two files under the warehouse root:
  .lock.flock  the file `fcntl.flock` locks. It is never deleted (deleting a locked file would let
               the next writer lock a new file while the old one is still held). The OS frees the
               lock when its holder exits, however it exits, so a killed writer never blocks.
  .lock        the holder's record (JSON: host, pid, purpose, since, token), created with an
               atomic link that fails if it exists, only while the flock is held; removed on release.
               It says who holds the lock, and it is what keeps out a writer on another host.

flock does not reach across hosts on a network file system, so a record naming another host is
honoured without the OS's help: it is taken over once it is older than `max_age_hours`
(the `lock_max_age` setting), or removed at once by `peelpipe unlock` once its process is known
to be gone. A record naming this host with the flock free was left by a dead process and is
taken over at once.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from peelpipe.errors import LockedError

FLOCK_NAME = ".lock.flock"
RECORD_NAME = ".lock"
DEFAULT_MAX_AGE_HOURS = 6.0


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) the lock, as its record says."""

    host: str
    pid: int
    purpose: str
    since: float  # seconds since the epoch, on the holder's clock
    token: str = ""

    @property
    def age(self) -> float:
        """Seconds since the lock was taken (negative if the holder's clock is ahead)."""
        return time.time() - self.since

    @property
    def local(self) -> bool:
        """Whether the holder ran on this host (where flock is the authority)."""
        return self.host == socket.gethostname()

    def describe(self) -> str:
        """'pid 12 on host h (purpose, started 2026-01-01 06:00 UTC, 5 min ago)'."""
        started = datetime.fromtimestamp(self.since, UTC).strftime("%Y-%m-%d %H:%M UTC")
        return f"pid {self.pid} on host {self.host} ({self.purpose}, started {started}, {_age_text(self.age)} ago)"


def _age_text(seconds: float) -> str:
    if seconds < 120:
        return f"{max(seconds, 0):.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def read_holder(root: Path) -> Holder | None:
    """The holder's record, or None when there is none (see _read_record)."""
    return _read_record(root / RECORD_NAME)


def _read_record(path: Path) -> Holder | None:
    """A record, or None when there is none. A record that cannot be read is a holder of unknown
    host, dated by the file's time, so it is treated like one from another host."""
    try:
        text = path.read_text()
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    except OSError:
        return Holder("unknown", 0, "unreadable lock record", time.time())
    try:
        data = json.loads(text)
        since = float(data["since"])
        if not 0 <= since < 1e11:  # NaN, infinite or beyond any date: not a time a holder wrote
            raise ValueError(since)
        return Holder(str(data["host"]), int(data["pid"]), str(data["purpose"]), since, str(data.get("token", "")))
    except (ValueError, TypeError, KeyError, RecursionError):
        return Holder("unknown", 0, "unreadable lock record", mtime)


@contextmanager
def _flock(root: Path) -> Iterator[bool]:
    """Try to take the flock without waiting; yields whether it was taken (released on exit)."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / FLOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing the only descriptor releases the flock


def _claim(root: Path, holder: Holder) -> bool:
    """Create the record if there is none (atomically: link fails if it exists)."""
    tmp = root / f".lock.{holder.token}.tmp"
    try:
        with tmp.open("w") as fh:
            json.dump(asdict(holder), fh)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, root / RECORD_NAME)
        except FileExistsError:
            return False
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _take_over(root: Path, stale: Holder) -> None:
    """Move aside the record judged stale, if it is still that one (another host may have
    replaced it meanwhile: then it is put back)."""
    aside = root / f".lock.stale-{uuid.uuid4().hex}"
    try:
        os.rename(root / RECORD_NAME, aside)
    except FileNotFoundError:
        return
    moved = _read_record(aside)
    if moved is not None and (moved.token, moved.since) != (stale.token, stale.since):
        with suppress(FileExistsError):
            os.link(aside, root / RECORD_NAME)
    aside.unlink(missing_ok=True)


def _refusal(root: Path, holder: Holder | None, max_age_hours: float | None) -> LockedError:
    if holder is None:
        return LockedError(
            f"warehouse {root} is being written by another process on this host; try again when it finishes"
        )
    text = f"warehouse {root} is being written by {holder.describe()}"
    if max_age_hours is None and holder.local and not _alive(holder.pid):
        return LockedError(
            f"warehouse {root} is being taken over by another process on this host from {holder.describe()}, "
            "which is gone; try again when it finishes"
        )
    if max_age_hours is None:
        return LockedError(f"{text}; try again when it finishes")
    return LockedError(
        f"{text}, another host, which this host's OS lock cannot see: it is taken over once older than "
        f"lock_max_age ({max_age_hours:g} h); if that process is gone, free it now with "
        f"'peelpipe unlock --warehouse {root}'"
    )


def _alive(pid: int) -> bool:
    """Whether a process of this host has this pid (for messages only: flock is the authority)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return pid > 0


@contextmanager
def hold(root: Path, purpose: str, max_age_hours: float = DEFAULT_MAX_AGE_HOURS) -> Iterator[Holder]:
    """Hold the lock for the body of the with-block, or raise LockedError naming the holder."""
    me = Holder(socket.gethostname(), os.getpid(), purpose, time.time(), uuid.uuid4().hex)
    with _flock(root) as taken:
        if not taken:
            raise _refusal(root, read_holder(root), None)
        for _ in range(3):
            if _claim(root, me):
                break
            holder = read_holder(root)
            if holder is None:
                continue  # released between the two steps: claim again
            if not holder.local and holder.age < max_age_hours * 3600:
                raise _refusal(root, holder, max_age_hours)
            _take_over(root, holder)  # a dead process of this host, or another host's past lock_max_age
        else:
            raise _refusal(root, read_holder(root), max_age_hours)
        try:
            yield me
        finally:
            if (read_holder(root) or me).token == me.token:
                (root / RECORD_NAME).unlink(missing_ok=True)


def unlock(root: Path) -> Holder | None:
    """Remove the holder's record (for a lock left on another host); returns what it said, or None
    when there was none. Refused with LockedError while a process of this host holds the lock."""
    if not (root / RECORD_NAME).exists():
        return None  # nothing to free (and a mistyped --warehouse creates no folder)
    with _flock(root) as taken:
        if not taken:
            holder = read_holder(root)
            who = holder.describe() if holder else "another process on this host"
            raise LockedError(f"warehouse {root} is being written by {who}; it is not stale: not unlocking")
        holder = read_holder(root)
        (root / RECORD_NAME).unlink(missing_ok=True)
        return holder


def unlock_command(root: Path, *, as_json: bool, quiet: bool) -> int:
    """`peelpipe unlock`: free the lock and say what it held (JSON with --json, nothing with --quiet)."""
    holder = unlock(root)
    if as_json:
        print(json.dumps({"warehouse": str(root), "freed": asdict(holder) if holder else None}))
    elif not quiet:
        print(f"freed the lock of {root}, held by {holder.describe()}" if holder else f"{root} was not locked")
    return 0
