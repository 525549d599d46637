"""The C allocator and the library's large temporary blocks.

glibc serves a block of 128 KiB or more straight from the system (mmap) and gives
it back when it is freed, but it raises that bar to the size of each such block
freed, up to 32 MiB: after the first large temporary of a start (a chunk of the
index cache, a column of 100,000 pointers), the next ones come from the heap,
where memory once freed mostly stays with the process, and grows its peak. Setting
the bar pins it (and turns the raising off). At 100,000 articles the warm reader's
peak RSS was 256 MB with the moving bar and 233 MB with it pinned at 128 KiB.

No Textual here.
"""

from __future__ import annotations

import sys

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
LARGE_BLOCK = 128 * 1024  # glibc's own default bar


def return_large_blocks(threshold: int = LARGE_BLOCK) -> bool:
    """Have every block of ``threshold`` bytes or more come from the system and go
    back to it when freed. False where that cannot be asked (not glibc)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # here: a plain start imports none of it before the first paint

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
