"""A walk of the seed folders in a process of its own, for a caller with threads.

The reader cannot fork (it has threads), and in one of its threads a walk of
100,000 files waits for the GIL after each ``stat``. ``WalkApart`` starts the
interpreter again with this module alone (and ``reader.scan``, which it runs),
and takes the walk back in a file in memory. No Textual here.
"""

from __future__ import annotations

import array
import contextlib
import dataclasses
import marshal
import os
import signal
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from itertools import chain, islice

from reader import scan
from reader.model import Problem
from reader.scan import MissingPath, Signature, Walk, _let_others_run
from reader.signatures import SignatureColumns


class WalkApart:
    """A ``walk`` started now in a process of its own, for a caller with threads.

    The reader cannot fork (it has threads), and in one of its threads the walk
    would wait for the GIL after each of 100,000 ``stat`` calls. So the
    interpreter is started again (subprocess: posix_spawn, or fork and exec in
    C) with this module alone (the standard library, no site packages), at a
    lower priority; it runs ``scan.walk`` on the other core while the caller
    goes on, and writes the walk as marshal (the paths joined by NUL, the
    signatures as int64 bytes) into an unnamed file in memory, read here in one
    call once the child is over and compared a piece at a time so that it never
    holds the GIL for long. A thread of this process waits for the child
    meanwhile (in ``waitpid``, without the GIL). ``compare`` gives
    None when there is no walk to give (no such interpreter, not POSIX, a path
    that does not exist, a child that failed, a file gone before it was
    stat'ed): the caller then walks as before.
    """

    def __init__(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        self.given = [os.fspath(p) for p in paths]
        self._out: int | None = None  # the file the child writes its walk into
        self._release: Callable[[], object] = lambda: None  # closes it, once
        self._ok = False
        self._done = threading.Event()
        self._child: subprocess.Popen[bytes] | None = None
        if not _APART:
            self._done.set()
            return
        try:
            self._out = _scratch_file()
            self._release = weakref.finalize(self, os.close, self._out)  # also if never read
            self._child = subprocess.Popen(
                [sys.executable, "-P", "-S", "-c", _CHILD, _PACKAGE_ROOT, *self.given],
                stdin=subprocess.DEVNULL,
                stdout=self._out,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, ValueError, subprocess.SubprocessError):
            self._close()
            self._done.set()
            return
        try:
            threading.Thread(target=self._reap, name="walk apart", daemon=True).start()
        except RuntimeError:  # no thread to be had: no walk either
            self._child.kill()
            self._child.wait()
            self._close()
            self._done.set()

    def finished(self) -> bool:
        """Whether the walk is over (``compare`` would not wait)."""
        return self._done.is_set()

    def cancel(self) -> None:
        """Not needed after all: the child is stopped (the thread that waits for it
        reaps it) and its file let go."""
        if self._child is not None and not self._done.is_set():
            self._child.kill()  # never raises for a child gone already
        self._close()

    def wait(self, breathe: Callable[[], None] | None = None) -> None:
        """Until the walk is over. With ``breathe`` (which may wait, as the reader's
        does while keys are pressed), the child is stopped while it waits: a
        background check then takes no core from the keys."""
        if breathe is None or not _PAUSE:
            self._done.wait()
            return
        while not self._done.wait(PAUSE_EVERY):
            child = self._child
            assert child is not None  # done at once without one
            # send_signal sends nothing to a child reaped already (its pid may be another's).
            try:
                child.send_signal(signal.SIGSTOP)
            except OSError:
                continue  # gone already: the thread that waits for it is about to say so
            try:
                breathe()
            finally:
                with contextlib.suppress(OSError):
                    child.send_signal(signal.SIGCONT)

    def compare(
        self,
        known: Mapping[str, Signature],
        named: frozenset[str],
        problems: tuple[Problem, ...],
        breathe: Callable[[], None] = _let_others_run,
    ) -> bool | Walk | None:
        """Waits for the walk, then: True when it found every file as ``known``
        holds it (the same paths in the same order, the same signatures and
        named flags, the same scan problems), what ``rescan`` would call the
        same; otherwise the walk itself, for the diff; None when there is none.
        Compared a piece at a time in C loops, with ``breathe`` between pieces."""
        self._done.wait()
        breathe()  # before the whole walk is read and decoded (~5 ms at 100,000 files)
        sent = self._received()
        if sent is None:
            return None
        stated, problem_rows, count, joined, sig_bytes, named_rows = sent
        found_problems = [Problem(*row) for row in problem_rows]
        if not stated:
            return None  # a file went away mid-walk: the walk in-process decides
        known_rows = [n for n, path in enumerate(known) if path in named] if named else []
        if (
            count == len(known)
            and tuple(found_problems) == problems
            and named_rows == known_rows
            and _same_rows(joined, sig_bytes, known, breathe)
        ):
            return True
        paths = joined.split("\0") if count else []
        flags = [False] * count
        for row in named_rows:
            flags[row] = True
        numbers = array.array("q", sig_bytes)
        sizes, mtimes, ctimes = (numbers[n::3].tolist() for n in range(3))
        return Walk(paths, flags, sizes, mtimes, ctimes, found_problems)

    def _reap(self) -> None:
        # Blocked in waitpid, without the GIL. Not a pipe: its reader would need the
        # GIL back for every 64 KiB of the ~8 MB a walk of 100,000 files sends, and
        # while the reader reads its cache that took ~0.4 s.
        child = self._child
        assert child is not None
        try:
            self._ok = child.wait() == 0
        finally:
            self._done.set()

    def _close(self) -> None:
        self._out = None
        self._release()

    def _received(self) -> tuple[bool, list[tuple], int, str, bytes, list[int]] | None:
        out = self._out
        if out is None:
            return None  # received already, or never sent
        try:
            data = os.pread(out, os.fstat(out).st_size, 0) if self._ok else b""
        except OSError:
            data = b""
        finally:
            self._close()
        try:
            sent = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if not (isinstance(sent, tuple) and len(sent) == 7 and sent[0] == _APART_FORM):
            return None
        _, stated, problems, count, joined, sig_bytes, named_rows = sent
        if len(sig_bytes) != 3 * 8 * count or (count and joined.count("\0") != count - 1):
            return None
        return stated, problems, count, joined, sig_bytes, named_rows


def _same_rows(
    joined: str, sig_bytes: bytes, known: Mapping[str, Signature], breathe: Callable[[], None]
) -> bool:
    """Whether ``joined`` (paths joined by NUL, which no path holds) and
    ``sig_bytes`` (their signatures, three int64 each) are ``known``'s paths and
    signatures in its order: compared a piece of rows at a time."""
    paths, signatures = iter(known), iter(known.values())
    columns = known if isinstance(known, SignatureColumns) else None  # rows without tuples
    sigs = memoryview(sig_bytes)
    at = sig_at = 0
    try:
        step = scan.SORT_STEP
        for start in range(0, len(known), step):
            breathe()
            piece = "\0".join(islice(paths, step))
            end = at + len(piece)
            if joined[at:end] != piece or joined[end : end + 1] not in ("\0", ""):
                return False
            at = end + 1
            if columns is not None:
                row = columns.row_bytes(start, start + step)
            else:
                row = array.array("q", chain.from_iterable(islice(signatures, step))).tobytes()
            if sigs[sig_at : sig_at + len(row)] != row:
                return False
            sig_at += len(row)
    except (OverflowError, TypeError):  # not a signature int64 holds: not the same
        return False
    return at >= len(joined) and sig_at == len(sigs)


_APART = os.name == "posix" and bool(sys.executable) and not getattr(sys, "frozen", False)
# What the child sends: (form, stated, problems, count, the paths joined by NUL,
# the signatures as int64 bytes (size, mtime, ctime a file), the named rows).
_APART_FORM = 2
APART_NICE = 10  # how much lower the walk apart runs than the reader
PAUSE_EVERY = 0.05  # seconds between two looks at the keys while a walk apart is waited for
_PAUSE = hasattr(signal, "SIGSTOP") and hasattr(signal, "SIGCONT")
# The folder that holds this package: the child imports this module from there.
_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_CHILD = (
    "import sys; sys.path[:0] = sys.argv[1:2]; "
    "from reader.scan_apart import walk_for_parent; walk_for_parent(sys.argv[2:])"
)


def _scratch_file() -> int:
    """A file descriptor of an unnamed file the child's walk is written into: in
    memory where the system has memfd_create, else an unlinked temporary file."""
    if hasattr(os, "memfd_create"):
        try:
            return os.memfd_create("newsreader-walk", getattr(os, "MFD_CLOEXEC", 0))
        except OSError:
            pass
    import tempfile

    with tempfile.TemporaryFile(prefix="newsreader-walk-") as handle:  # no name to remove
        return os.dup(handle.fileno())


def walk_for_parent(paths: list[str]) -> None:
    """In the child of ``WalkApart``: ``walk`` the paths, the walk to stdout (the
    parent's scratch file) as marshal."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(APART_NICE)  # background work: the reader's own read of the cache goes first
    try:
        found = scan.walk(paths)
        rows = zip(found.sizes, found.mtimes, found.ctimes, strict=True)
        sigs = array.array("q", chain.from_iterable(rows)).tobytes()
    except MissingPath:
        raise SystemExit(3) from None
    except OverflowError:  # a signature beyond int64: the walk in-process takes it
        raise SystemExit(4) from None
    problems = [dataclasses.astuple(problem) for problem in found.problems]
    named = [row for row, flag in enumerate(found.named) if flag]
    joined = "\0".join(found.paths)
    sent = (_APART_FORM, found.stated, problems, len(found.paths), joined, sigs, named)
    sys.stdout.buffer.write(marshal.dumps(sent))
    sys.stdout.buffer.flush()
