"""The cyclic garbage collector and the library's millions of objects.

A full collection walks every tracked object: at 100,000 articles that is
millions (articles, indexes, stories), a pause of hundreds of milliseconds
that lands on whatever key is being handled, and building an index
allocates enough to set off one every second or so. So:

- ``bulk()`` goes around work that builds something large (reading the
  index cache, grouping stories, indexing search). No collection runs while
  any such work runs, in any thread: the builders make no garbage cycles,
  and a collection would only rescan what they are building, again and again;
- ``settle()`` takes what is alive once the library is in place out of the
  collector's scans (``gc.freeze``). Frozen objects are still freed by
  reference counting when dropped; they are only never scanned. Cyclic
  garbage that exists at that moment is frozen with them and never freed:
  ~1,500 objects after a cold load of 2,000 files (the screen's own, made
  while the library was adopted), far less after a check or a regrouping.
  That is why a cold load, minutes long, is not one bulk() block: the
  garbage of all its screen updates would be frozen too.

No Textual here.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0  # bulk() blocks running now, in every thread
_was_enabled = True  # whether collection was on when the first of them began


@contextmanager
def bulk() -> Iterator[None]:
    """No cyclic collection until the last bulk() block running in any thread ends."""
    global _running, _was_enabled
    with _lock:
        if _running == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _was_enabled:
                gc.enable()


def settle() -> None:
    """Take every object alive now out of the cyclic collector's scans."""
    gc.freeze()
