"""The warehouse lock (warehouse/lock.py): an OS lock two processes never both hold, a lock left
by another host (taken over after lock_max_age, or freed by `peelpipe unlock`), and a holder that
is killed. Processes are real subprocesses; no test bounds the wall clock."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from peelpipe.cli import main
from peelpipe.errors import LockedError
from peelpipe.warehouse import Warehouse

HOLD = """
import sys, time
from pathlib import Path
from peelpipe.warehouse import Warehouse
root, ready = sys.argv[1], Path(sys.argv[2])
with Warehouse(root).lock("peelpipe backfill"):
    ready.write_text("held")
    if sys.argv[3] == "exit-holding":
        import os; os._exit(0)
    sys.stdin.read()  # until the test closes stdin (or kills this process)
"""

RACE = """
import os, sys, time
from pathlib import Path
from peelpipe.errors import LockedError
from peelpipe.warehouse import Warehouse
root, barrier, log = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
Path(sys.argv[4]).write_text("ready")
while not barrier.exists():
    time.sleep(0.001)
def note(word):
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.write(fd, f"{word} {os.getpid()}\\n".encode()); os.close(fd)
try:
    with Warehouse(root).lock("racer"):
        note("start"); time.sleep(0.05); note("end")
    print("held")
except LockedError as exc:
    print("refused:", exc)
"""


def _wait_for(path: Path, proc: subprocess.Popen[str]) -> None:
    """Until `path` exists; the process must not end first (no time limit: pytest's timeout)."""
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.005)


@contextmanager
def holder(root: Path, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A live process of this host holding the lock until the block ends."""
    ready = tmp_path / f"ready-{time.monotonic_ns()}"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root), str(ready), "hold"], stdin=subprocess.PIPE, text=True
    )
    try:
        _wait_for(ready, proc)
        yield proc
    finally:
        if proc.poll() is None:
            assert proc.stdin is not None
            proc.stdin.close()
        proc.wait()


def other_hosts_record(root: Path, hours_ago: float) -> None:
    root.mkdir(parents=True, exist_ok=True)
    record = {
        "host": "old-container-7",
        "pid": 4242,
        "purpose": "peelpipe run",
        "since": time.time() - hours_ago * 3600,
    }
    (root / ".lock").write_text(json.dumps(record))


def test_two_processes_racing_for_a_stale_lock_never_both_hold_it(tmp_path: Path) -> None:
    stale = tmp_path / "stale"  # a lock left by a process of this host that died holding it
    subprocess.run([sys.executable, "-c", HOLD, str(stale), str(tmp_path / "dead"), "exit-holding"], check=True)
    assert json.loads((stale / ".lock").read_text())["host"] == socket.gethostname()
    for trial in range(20):
        root = tmp_path / f"trial-{trial}"
        shutil.copytree(stale, root)
        barrier, log = tmp_path / f"go-{trial}", tmp_path / f"log-{trial}"
        ready = [tmp_path / f"ready-{trial}-{i}" for i in range(2)]
        racers = [
            subprocess.Popen(
                [sys.executable, "-c", RACE, str(root), str(barrier), str(log), str(r)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for r in ready
        ]
        for r, proc in zip(ready, racers):
            _wait_for(r, proc)
        barrier.write_text("go")
        outputs = [proc.communicate()[0] for proc in racers]
        assert all(proc.returncode == 0 for proc in racers), outputs
        assert any(out.startswith("held") for out in outputs), outputs
        for out in outputs:
            assert out.startswith("held") or "being written by" in out or "being taken over" in out, out
        events = log.read_text().split()
        pairs = list(zip(events[0::2], events[1::2]))
        # Each holder's start is followed at once by its own end: no second start in between.
        for (start, start_pid), (end, end_pid) in zip(pairs[0::2], pairs[1::2]):
            assert (start, end, start_pid) == ("start", "end", end_pid), events
        assert not (root / ".lock").exists()  # released by whoever held it last


def test_a_live_holder_refuses_the_second_naming_its_host_pid_and_age(tmp_path: Path) -> None:
    root = tmp_path / "wh"
    with holder(root, tmp_path) as proc:
        with pytest.raises(LockedError) as info:
            with Warehouse(root).lock("peelpipe run"):
                pass
        message = str(info.value)
        assert f"pid {proc.pid} on host {socket.gethostname()}" in message, message
        assert "peelpipe backfill" in message and " ago" in message and "\n" not in message
    with Warehouse(root).lock("after"):  # freed when the holder ends
        assert json.loads((root / ".lock").read_text())["pid"] == os.getpid()
    assert not (root / ".lock").exists() and (root / ".lock.flock").exists()


def test_another_hosts_lock_is_refused_until_lock_max_age_then_taken_over(tmp_path: Path) -> None:
    root = tmp_path / "wh"
    other_hosts_record(root, hours_ago=1.0)
    with pytest.raises(LockedError) as info:
        with Warehouse(root, lock_max_age=6).lock("peelpipe run"):
            pass
    message = str(info.value)
    assert "pid 4242 on host old-container-7" in message and "60 min ago" in message, message
    assert "lock_max_age (6 h)" in message and f"peelpipe unlock --warehouse {root}" in message
    assert json.loads((root / ".lock").read_text())["pid"] == 4242  # still there

    other_hosts_record(root, hours_ago=7.0)
    with Warehouse(root, lock_max_age=6).lock("peelpipe run"):
        record = json.loads((root / ".lock").read_text())
        assert (record["host"], record["pid"]) == (socket.gethostname(), os.getpid())
    assert not (root / ".lock").exists()


def test_an_unreadable_lock_record_counts_as_another_hosts(tmp_path: Path) -> None:
    root = tmp_path / "wh"
    root.mkdir()
    (root / ".lock").write_text('{"host": "h", "pid"')
    with pytest.raises(LockedError, match="unreadable lock record"):
        with Warehouse(root).lock("peelpipe run"):
            pass
    old = time.time() - 7 * 3600
    os.utime(root / ".lock", (old, old))
    with Warehouse(root, lock_max_age=6).lock("peelpipe run"):
        pass


def test_peelpipe_unlock_frees_another_hosts_lock_and_refuses_a_live_one(tmp_path: Path, capsys) -> None:
    root = tmp_path / "wh"
    other_hosts_record(root, hours_ago=0.5)
    assert main(["unlock", "--warehouse", str(root), "--json"]) == 0
    freed = json.loads(capsys.readouterr().out)["freed"]
    assert (freed["host"], freed["pid"]) == ("old-container-7", 4242)
    with Warehouse(root).lock("peelpipe run"):
        pass
    assert main(["unlock", "--warehouse", str(root)]) == 0
    assert "was not locked" in capsys.readouterr().out

    with holder(root, tmp_path) as proc:
        assert main(["unlock", "--warehouse", str(root)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("peelpipe: error:") and err.count("\n") == 1 and f"pid {proc.pid}" in err, err
        assert json.loads((root / ".lock").read_text())["pid"] == proc.pid  # untouched
    other_hosts_record(root, hours_ago=0.5)
    assert main(["unlock", "--warehouse", str(root), "--quiet"]) == 0
    assert capsys.readouterr().out == "" and not (root / ".lock").exists()


def test_the_lock_is_freed_when_its_holder_is_sigkilled(tmp_path: Path) -> None:
    root = tmp_path / "wh"
    with holder(root, tmp_path) as proc:
        with pytest.raises(LockedError):
            with Warehouse(root).lock("peelpipe run"):
                pass
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert json.loads((root / ".lock").read_text())["pid"] == proc.pid  # its record is left
        with Warehouse(root).lock("peelpipe run"):  # but the OS freed the lock: taken over at once
            assert json.loads((root / ".lock").read_text())["pid"] == os.getpid()


def test_runs_use_the_configured_lock_max_age(tmp_path: Path) -> None:
    from sites import local_catalogue

    from peelpipe.pipeline import open_warehouse

    catalogue = local_catalogue(tmp_path, "http://127.0.0.1:9", lock_max_age=11.5, run_timeout=60.0)
    assert open_warehouse(catalogue).lock_max_age == 11.5
