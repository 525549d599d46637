"""The cyclic garbage collector and the library's millions of objects.

A full collection walks every tracked object: at 100,000 articles that is
millions (articles, indexes, stories), a pause of hundreds of milliseconds
that lands on whatever key is being handled, and building an index
allocates enough to set off one every second or so. So:

- ``bulk()`` goes around work that builds something large (reading the
  index cache, grouping stories, indexing search). No collection runs while
  any such work runs, in any thread: the builders make no garbage cycles,
  and a collection would only rescan what they are building, again and again;
- ``young_only()`` goes around a cold load: it grows the heap for seconds or
  minutes, and every time the old generation grew by a quarter a full
  collection scanned all of it again (80-140 ms pauses every few seconds at
  100,000 files, each on whatever key was pressed). In the block only the
  young generations are collected, which frees the screen's garbage as it
  always did; the loader collects in full once, when the load is over;
- ``settle()`` takes what is alive once the library is in place out of the
  collector's scans (``gc.freeze``). Frozen objects are still freed by
  reference counting when dropped; they are only never scanned. Cyclic
  garbage that exists at that moment is frozen with them and never freed:
  ~1,500 objects after a cold load of 2,000 files (the screen's own, made
  while the library was adopted), far less after a check or a regrouping.
  That is why a cold load, minutes long, is not one bulk() block: the
  garbage of all its screen updates would be frozen too;
- ``collect_all()`` is the one full collection a cold load makes, at its
  end, just before ``settle()`` (it frees the load's cyclic garbage, which
  the freeze would otherwise keep for good);
- ``out_of_scans()`` goes around work that follows a large build in the same
  thread (the warm check after the index read): what is alive is out of the
  scans meanwhile, and back in the oldest generation after.

Every call on the collector goes through here, so its policy is read in one
place.

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
_young = 0  # young_only() blocks running now, in every thread
_old_threshold = 10  # the oldest generation's threshold when the first of them began
# A threshold for the oldest generation that its count never reaches: the count
# grows by one a collection of the middle one, a few a second at most.
NEVER = 1 << 30  # a C int


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


@contextmanager
def young_only() -> Iterator[None]:
    """Only the two young generations are collected until the last young_only()
    block running in any thread ends (see the module's docstring)."""
    global _young, _old_threshold
    with _lock:
        if _young == 0:
            young, middle, _old_threshold = gc.get_threshold()
            gc.set_threshold(young, middle, NEVER)
        _young += 1
    try:
        yield
    finally:
        with _lock:
            _young -= 1
            if _young == 0:
                young, middle, _ = gc.get_threshold()
                gc.set_threshold(young, middle, _old_threshold)


def settle() -> None:
    """Take every object alive now out of the cyclic collector's scans."""
    gc.freeze()


def collect_all() -> None:
    """One full collection (see the module's docstring: a cold load's end)."""
    gc.collect()


@contextmanager
def out_of_scans() -> Iterator[None]:
    """What is alive now is out of the collector's scans until the block ends,
    then back in the oldest generation, scanned once it has grown by a quarter.
    Nothing is done when something is frozen already: unfreezing at the end
    would let that go too."""
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        yield
    finally:
        if freeze:
            gc.unfreeze()
