"""Child processes that must not outlive a test session or a bench run (tests/prefectserver.py,
bench/runs.py): a free loopback port, a marker variable in each child's environment by which strays
are found, and a stop of a child's process group that escalates from SIGTERM to SIGKILL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def marked_pids(marker_var: str, marker: str) -> list[int]:
    """Processes other than this one whose environment holds marker_var=marker."""
    needle = f"{marker_var}={marker}".encode()
    found: list[int] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def sweep(marker_var: str, marker: str) -> list[int]:
    """SIGKILL every marked process still running, wait (at most 5 s) until they are gone; their pids."""
    strays = marked_pids(marker_var, marker)
    for pid in strays:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 5
    while marked_pids(marker_var, marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    return strays


def stop_group(popen: subprocess.Popen[bytes], grace: float) -> int | None:
    """SIGTERM to the child's process group, again if it lingers, then SIGKILL to whatever is left of the
    group; the child's exit status (None if it would not be reaped)."""
    for timeout in (grace, 5.0):
        if popen.poll() is not None:
            break
        try:
            os.killpg(popen.pid, signal.SIGTERM)
        except ProcessLookupError:
            break
        try:
            popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(popen.pid, signal.SIGKILL)  # children that outlived the leader
    except ProcessLookupError:
        pass
    try:
        return popen.wait(timeout=10)
    except subprocess.TimeoutExpired:
        return None
