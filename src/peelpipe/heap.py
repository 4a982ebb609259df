"""Keep the freed top of the C heap for the next page instead of handing it back to the system.

lexbor builds each page's tree in arenas it allocates and frees per document. With glibc's
default trim threshold (128 KiB), every free shrinks the heap and the next page grows it again:
three brk calls and a few dozen fresh zero-filled pages per page parsed, which measured as half
of lexbor's parse time on this project's pages. Raising the threshold to 32 MiB keeps that
memory mapped between pages; peak memory does not grow, since the same pages are reused.
"""

from __future__ import annotations

import ctypes
import platform

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
