"""Process memory settings: the C heap kept between pages, and no garbage collection during imports.

Keep the freed top of the C heap for the next page instead of handing it back to the system.

lexbor builds each page's tree in arenas it allocates and frees per document. With glibc's
default trim threshold (128 KiB), every free shrinks the heap and the next page grows it again:
three brk calls and a few dozen fresh zero-filled pages per page parsed, which measured as half
of lexbor's parse time on this project's pages. Raising the threshold to 32 MiB keeps that
memory mapped between pages; peak memory does not grow, since the same pages are reused.

Python's cyclic garbage collector runs every 700 allocations, and now and then over the whole
heap. Importing Prefect and its server allocates about a million objects that live as long as the
process: during a run's imports the collector ran about 700 times and took 1.1–1.6 s, to free
almost nothing. ``imports_without_collection`` switches it off for the imports and then freezes
what they built, so that later collections no longer walk it (the pattern Python's documentation
of ``gc.freeze`` gives for a process that forks: collector off early, freeze once the long-lived
objects are built). It does not collect first: that one collection took 0.55 s to free about
10,000 objects; left frozen, they cost 5–15 MB of a run's peak.
"""

from __future__ import annotations

import ctypes
import gc
import platform
from collections.abc import Iterator
from contextlib import contextmanager

TRIM_THRESHOLD = 32 << 20  # bytes of free heap top glibc may keep before it shrinks the heap
_M_TRIM_THRESHOLD = -1  # mallopt's parameter number, from glibc's <malloc.h>

_kept: bool | None = None  # None: not tried yet; then whether glibc accepted


def keep_heap_top() -> bool:
    """Raise glibc's trim threshold once per process. False where there is no glibc (nothing changes)."""
    global _kept
    if _kept is None:
        _kept = False
        if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
            try:
                mallopt = ctypes.CDLL(None).mallopt
            except (OSError, AttributeError):
                return False
            mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
            _kept = mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    return _kept


@contextmanager
def imports_without_collection() -> Iterator[None]:
    """No cyclic garbage collection in the body; then everything the process holds is frozen (left
    out of later collections) and collection resumes. A body that raises leaves the collector on
    and freezes nothing. With the collector already off (nested, say), it changes nothing."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    except BaseException:
        gc.enable()
        raise
    gc.freeze()
    gc.enable()
