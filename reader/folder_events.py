"""The kernel says when something in the seed folders changes (Linux's inotify).

Without it the reader finds changes by a walk that stats every file, every few
seconds: at 100,000 files ~0.7 s of a second process's CPU each time, ~3-5% of a
core while nothing changes. With it the walk runs when a file was created,
written, renamed, deleted or had its permissions changed, ~a quarter second
after the last such event, and otherwise only now and then as a safety net:
inotify does not see a change made through a symbolic link to a file outside
the folders, nor one made by another machine on a network file system.

``watch()`` answers None where inotify is missing (not Linux, no libc) or
cannot watch every folder (the user's watch limit): the caller then keeps
walking every few seconds, as before. One daemon thread reads the events;
``changed`` is called from it, once per burst of events (a program writing a
thousand files is one call, at most every ``LONGEST_BURST`` seconds).

No Textual here.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable

# <sys/inotify.h>
IN_MODIFY = 0x2
IN_ATTRIB = 0x4
IN_CLOSE_WRITE = 0x8
IN_MOVED_FROM = 0x40
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ONLYDIR = 0x1000000
IN_ISDIR = 0x40000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = getattr(os, "O_CLOEXEC", 0)

MASK = (
    IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE
    | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR
)  # fmt: skip
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then len bytes of name

QUIET = 0.25  # seconds without an event before ``changed`` is called
LONGEST_BURST = 2.0  # seconds: a steady stream of events is reported this often


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.inotify_init1, libc.inotify_add_watch  # noqa: B018 # present (glibc, musl)
    except (OSError, AttributeError):
        return None
    return libc


def folders_under(path: str) -> list[str]:
    """The folder and every folder the seed walk would enter under it: hidden
    ones left out, folder links followed, each real folder once."""
    found: list[str] = []
    seen: set[str] = set()
    pending = [path]
    while pending:
        folder = pending.pop()
        real = os.path.realpath(folder)
        if real in seen:
            continue
        seen.add(real)
        found.append(folder)
        try:
            with os.scandir(folder) as listing:
                for entry in listing:
                    try:
                        if entry.name[0] != "." and entry.is_dir():
                            pending.append(entry.path)
                    except OSError:
                        continue
        except OSError:
            continue  # the walk names it as a problem; nothing to watch in it
    return found


class FolderEvents:
    """A live inotify watch of some folders (see ``watch``)."""

    def __init__(self, libc: ctypes.CDLL, fd: int, changed: Callable[[], None]) -> None:
        self._libc = libc
        self._fd = fd
        self._changed = changed
        self._folders: dict[int, str] = {}  # watch descriptor -> folder
        self._names: dict[int, frozenset[str]] = {}  # a file's folder: only those names count
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name="folder events", daemon=True)
        self.closed = False

    def add(self, folder: str, names: frozenset[str] | None = None) -> None:
        """Watch a folder (every name in it, or only ``names``). OSError when it cannot be."""
        wd = self._libc.inotify_add_watch(self._fd, os.fsencode(folder), MASK)
        if wd < 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error), folder)
        every_name = wd in self._folders and wd not in self._names
        self._folders[wd] = folder
        if names is None:
            self._names.pop(wd, None)
        elif not every_name:  # a folder watched whole stays whole
            self._names[wd] = self._names.get(wd, frozenset()) | names

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop watching (the thread ends; the descriptor is closed by it)."""
        if not self.closed:
            self.closed = True
            os.write(self._wake_w, b"x")

    def discard(self) -> None:
        """Close a watch whose thread never started."""
        self.closed = True
        for fd in (self._fd, self._wake_r, self._wake_w):
            os.close(fd)

    # -- the thread ---------------------------------------------------------------

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self._fd, select.POLLIN)
        poller.register(self._wake_r, select.POLLIN)
        first = last = 0.0  # when the pending burst began, and its last event
        try:
            while not self.closed:
                if first:
                    now = time.monotonic()
                    wait = min(last + QUIET, first + LONGEST_BURST) - now
                    if wait <= 0:
                        first = last = 0.0
                        self._changed()
                        continue
                    ready = poller.poll(max(1, int(wait * 1000)))
                else:
                    ready = poller.poll()
                if any(fd == self._wake_r for fd, _ in ready):
                    return
                if ready and self._read():
                    last = time.monotonic()
                    first = first or last
        finally:
            for fd in (self._fd, self._wake_r, self._wake_w):
                os.close(fd)

    def _read(self) -> bool:
        """Take the events waiting; whether any of them can change the library."""
        try:
            data = os.read(self._fd, 64 * 1024)
        except BlockingIOError:
            return False
        relevant = False
        offset = 0
        while offset + _EVENT.size <= len(data):
            wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
            raw = data[offset + _EVENT.size : offset + _EVENT.size + length]
            offset += _EVENT.size + length
            name = os.fsdecode(raw.rstrip(b"\0"))
            if mask & IN_Q_OVERFLOW:
                relevant = True  # events were lost: a walk finds what they said
                continue
            if mask & IN_IGNORED:
                self._folders.pop(wd, None)  # the folder is gone (its deletion was an event)
                self._names.pop(wd, None)
                continue
            if name.startswith("."):
                continue  # hidden: the walk never reads it (an editor's swap file)
            names = self._names.get(wd)
            if names is not None and name not in names:
                continue  # another file beside a seed file given by name
            relevant = True
            if mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO) and names is None:
                folder = self._folders.get(wd)
                if folder is not None:
                    self._add_tree(os.path.join(folder, name))
        return relevant

    def _add_tree(self, path: str) -> None:
        for folder in folders_under(path):
            try:
                self.add(folder)
            except OSError:
                continue  # out of watches: the safety-net walk still finds its files


def watch(paths: Iterable[str], changed: Callable[[], None]) -> FolderEvents | None:
    """Watch the seed paths (folders with every folder in them, files by name) and
    call ``changed`` after each burst of changes; None where that cannot be done
    for all of them (the caller walks every few seconds instead)."""
    libc = _libc()
    if libc is None:
        return None
    fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
    if fd < 0:
        return None
    events = FolderEvents(libc, fd, changed)
    try:
        for path in paths:
            if os.path.isdir(path):
                for folder in folders_under(path):
                    events.add(folder)
            elif os.path.lexists(path):
                parent = os.path.dirname(os.path.abspath(path))
                events.add(parent, frozenset({os.path.basename(path)}))
            # A path that does not exist yet (the feeds folder): the safety-net walk.
    except OSError:  # out of watches (ENOSPC), a folder gone meanwhile: walk as before
        events.discard()
        return None
    events.start()
    return events
