"""The seed folders: the walk that finds article files, their signatures, and the diff of two walks.

The walk stats each file as it finds it, so a signature (size, mtime, ctime)
comes with every path; no file is parsed to find out what changed, and only
new and changed files are read again. A large library may be walked beside
the caller in a forked child (``WalkBeside``: the command line) or in a
process of its own (``reader.scan_apart``: the reader, which has threads).
No Textual here.
"""

from __future__ import annotations

import errno
import heapq
import marshal
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import islice, repeat
from operator import attrgetter

from reader.model import Problem

SEED_SUFFIXES = frozenset({".txt", ".md"})
# Why a folder named like an article file (archive.md/) is no article; it is walked.
DIRECTORY_REASON = "is a directory, not a file"
NOT_A_FILE_REASON = "not a regular file (a device, pipe or socket)"
BREATHE_EVERY = 128  # folder entries between two calls of scan_paths' breathe (~1-2 ms)

# (size, mtime, ctime in ns). The ctime moves with every change of the file's
# metadata too: a chmod or chown that makes it unreadable is read again, and
# found to be a problem, rather than served from the cache as an article.
Signature = tuple[int, int, int]


class MissingPath(Exception):
    """A path the user named does not exist."""


def _is_seed_name(name: str) -> bool:
    # The common names first, without splitext: this runs for every file of a library.
    if name.endswith((".txt", ".md")):
        return True
    tail = name[-4:].lower()
    return tail == ".txt" or tail[1:] == ".md"


def _let_others_run() -> None:
    time.sleep(0)  # a walk of 100,000 files must not hold the GIL from the UI


def _nothing() -> None:
    pass


class _Known:
    """The signatures of a previous walk, to compare each file with as it is stat'ed."""

    __slots__ = ("get", "named", "same")

    def __init__(self, signatures: Mapping[str, Signature], named: frozenset[str]) -> None:
        self.get = signatures.get
        self.named = named
        self.same = 0  # files found as they were: same signature, same role


def scan_paths(
    paths: Iterable[str | os.PathLike[str]],
    signatures: dict[str, tuple[int, int, int]] | None = None,
    breathe: Callable[[], None] = _let_others_run,
) -> tuple[list[tuple[str, bool]], list[Problem]]:
    """Find seed files: (path, explicit) pairs in a stable order, and problems met.

    Folders are walked recursively; hidden entries are skipped; symbolic links
    to folders are followed once. Raises MissingPath for a named path that does
    not exist. With ``signatures``, the (size, mtime, ctime) of every file found is
    put there in the same walk (one stat each, before anything is read).
    ``breathe`` is called every BREATHE_EVERY entries: by default it lets other
    threads run (when there are any); the reader's background check also
    waits there while keys are being pressed.
    """
    files, problems, _ = _scan(paths, signatures, breathe, None)
    return files, problems


def rescan(
    paths: Iterable[str | os.PathLike[str]],
    known: Mapping[str, Signature],
    known_named: frozenset[str],
    signatures: dict[str, Signature],
    breathe: Callable[[], None] = _let_others_run,
) -> tuple[list[tuple[str, bool]], list[Problem], bool]:
    """``scan_paths`` with signatures, compared with a previous walk's as they come.

    The third value is True when every file is as ``known`` holds it (same
    signature, named by the user or found in a folder as before) and no other
    file is there: then nothing needs a diff. ``signatures`` gets the known
    tuple of every unchanged file, not a new one.
    """
    seen = _Known(known, known_named)
    files, problems, deduplicated = _scan(paths, signatures, breathe, seen)
    same = not deduplicated and seen.same == len(files) == len(signatures) == len(known)
    return files, problems, same


def _scan(
    paths: Iterable[str | os.PathLike[str]],
    signatures: dict[str, Signature] | None,
    breathe: Callable[[], None],
    known: _Known | None,
) -> tuple[list[tuple[str, bool]], list[Problem], bool]:
    if breathe is _let_others_run and threading.active_count() == 1:
        breathe = _nothing  # no thread to let in (the command line): a yield is ~1 ms when busy
    found: list[tuple[str, bool]] = []
    problems: list[Problem] = []
    given = [os.fspath(p) for p in paths]
    for name in given:
        if os.path.isdir(name):
            _walk(name, found, problems, set(), signatures, breathe, known)
        elif os.path.lexists(name):
            if os.path.islink(name) and not os.path.exists(name):
                problems.append(Problem(name, _dead_link_reason(name)))
            else:
                if signatures is not None:
                    try:
                        st = os.stat(name)
                    except FileNotFoundError:
                        found.append((name, True))  # gone already: a problem when read
                        continue
                    except OSError as error:
                        problems.append(Problem(name, cannot_read(error)))
                        continue
                    sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                    if known is not None and name in known.named:
                        old = known.get(name)
                        if old == sig:
                            sig = old
                            known.same += 1
                    signatures[name] = sig
                found.append((name, True))
        else:
            raise MissingPath(name)
    if len(given) == 1:
        return found, problems, False  # one path cannot name a file twice
    # A file named twice (``seeds seeds/a.txt``) is read once, not reported as
    # a duplicate of itself.
    unique: dict[str, tuple[str, bool]] = {}
    for entry in found:
        unique.setdefault(os.path.normcase(os.path.abspath(entry[0])), entry)
    if signatures is not None and len(unique) != len(found):
        kept = {entry[0] for entry in unique.values()}
        for path in [p for p in signatures if p not in kept]:
            del signatures[path]
    return list(unique.values()), problems, len(unique) != len(found)


# ------------------------------------------------------- a walk as columns


@dataclass(slots=True)
class Walk:
    """What ``scan_paths`` finds with signatures, as columns: one row a file, in scan order.

    ``stated`` is False when a file found was gone before it could be stat'ed
    (its row holds no signature: zeros).
    """

    paths: list[str]
    named: list[bool]
    sizes: list[int]
    mtimes: list[int]
    ctimes: list[int]
    problems: list[Problem]
    stated: bool = True


def walk(paths: Iterable[str | os.PathLike[str]]) -> Walk:
    """``scan_paths`` with signatures, as columns. Raises MissingPath as it does.

    One folder of article files alone (the common library) is listed and
    stat'ed in bulk, by name within the folder: no entry objects, no path
    looked up from the root 100,000 times, no tuple per file. Anything else
    is walked by ``scan_paths``.
    """
    given = [os.fspath(p) for p in paths]
    if len(given) == 1:
        plain = _plain_folder(given[0])
        if plain is not None:
            return plain
    signatures: dict[str, Signature] = {}
    files, problems = scan_paths(given, signatures)
    found = [path for path, _ in files]
    sigs = list(map(signatures.get, found))
    stated = None not in sigs
    rows = [sig or (0, 0, 0) for sig in sigs]
    sizes, mtimes, ctimes = ([row[n] for row in rows] for n in range(3))
    return Walk(found, [named for _, named in files], sizes, mtimes, ctimes, problems, stated)


_STAT_AT = os.stat in os.supports_dir_fd and os.listdir in os.supports_fd
_MODE = attrgetter("st_mode")
_SEED_SUFFIXES = (".txt", ".md")
Stats = tuple[list[int], list[int], list[int]]  # sizes, mtimes, ctimes


def _plain_folder(folder: str) -> Walk | None:
    """A folder holding regular article files alone (hidden entries aside), as the
    walk finds it; None for anything else (a subfolder, another file, an odd
    name, a link that leads nowhere, a file gone meanwhile): the walk decides those."""
    listing = _plain_listing(folder)
    if listing is None:
        return None
    fd, names = listing
    try:
        stats = _file_stats(fd, names)
    finally:
        os.close(fd)
    return None if stats is None else _plain_walk(folder, names, stats)


def _plain_listing(
    folder: str, breathe: Callable[[], None] = _nothing
) -> tuple[int, list[str]] | None:
    """The folder, open, and its article file names in the walk's order (by name),
    when every name it holds is one (hidden entries aside); None (nothing left
    open) otherwise. With ``breathe``, the names are sorted in steps."""
    if not _STAT_AT or not os.path.isdir(folder):
        return None
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None
    try:
        listed = os.listdir(fd)
    except OSError:
        os.close(fd)
        return None
    # In pieces, with a breath between them: at 100,000 names each C loop over
    # them all holds the GIL for milliseconds, a sort for tens.
    step = (len(listed) or 1) if breathe is _nothing else SORT_STEP  # an empty folder too
    runs = []
    for start in range(0, len(listed), step):
        names = listed[start : start + step]
        if any(map(str.startswith, names, repeat("."))):
            names = [name for name in names if name[0] != "."]  # hidden: skipped
        if not all(map(str.endswith, names, repeat(_SEED_SUFFIXES))):
            os.close(fd)
            return None
        names.sort()
        runs.append(names)
        breathe()
    if len(runs) <= 1:
        return fd, runs[0] if runs else []
    merged, names = heapq.merge(*runs), []
    while piece := list(islice(merged, SORT_STEP)):
        names += piece
        breathe()
    return fd, names


def _file_stats(fd: int, names: list[str]) -> Stats | None:
    """The signatures' columns of these names in the folder ``fd``; None unless
    each is a regular file (a link to one too) that could be stat'ed."""
    try:
        stats = list(map(partial(os.stat, dir_fd=fd), names))
    except OSError:
        return None
    if not all(map(stat.S_ISREG, map(_MODE, stats))):
        return None
    return list(map(_SIZE, stats)), list(map(_MTIME, stats)), list(map(_CTIME, stats))


def _plain_walk(folder: str, names: list[str], stats: Stats) -> Walk:
    return Walk(_file_paths(folder, names), [False] * len(names), *stats, [])


def _file_paths(folder: str, names: list[str]) -> list[str]:
    # As os.scandir joins an entry's path: one separator, unless the folder ends with one.
    prefix = folder if folder.endswith(os.sep) else folder + os.sep
    return list(map(prefix.__add__, names))


def folder_as_known(
    folder: str, known: Mapping[str, Signature], breathe: Callable[[], None] = _nothing
) -> bool:
    """Whether one folder holds exactly the files ``known`` holds (found in it, in
    the walk's order), with the same signatures: what ``rescan`` would call the
    same, answered in bulk for a folder of article files alone (the common
    library), in steps with ``breathe`` between them. False when it cannot
    tell that way (anything else in the folder): then ``rescan`` decides."""
    listing = _plain_listing(folder, breathe)
    if listing is None:
        return False
    fd, names = listing
    try:
        if len(names) != len(known):
            return False
        old_paths = list(known)
        old_sigs = list(known.values())
        step = SORT_STEP if breathe is _nothing else BREATHE_EVERY
        for start in range(0, len(names), step):
            breathe()
            end = start + step
            stats = _file_stats(fd, names[start:end])
            if stats is None or _file_paths(folder, names[start:end]) != old_paths[start:end]:
                return False
            if list(zip(*stats, strict=True)) != old_sigs[start:end]:
                return False
        return True
    finally:
        os.close(fd)


class WalkBeside:
    """A ``walk`` started now, run beside the caller's own work.

    One folder of article files alone, in a process of one thread (POSIX): the
    folder is listed here, and a child process (fork) stats the first
    ``CHILD_SHARE`` of its files while the caller goes on (reading the index
    cache); ``result`` stats the rest here, then takes the child's. In a
    thread the walk would wait for the GIL after each of 100,000 stat calls.
    Anything else, or a child that fails, is walked here by ``result``.
    """

    CHILD_SHARE = 0.7  # the caller's own work (~0.15 s) against ~0.2 s of stat calls

    def __init__(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        self.given = [os.fspath(p) for p in paths]
        self._listing: tuple[int, list[str]] | None = None
        self._child: tuple[int, int, int] | None = None  # pid, its pipe, its share of names
        if len(self.given) == 1 and _FORK and threading.active_count() == 1:
            self._listing = _plain_listing(self.given[0])
            if self._listing is not None:
                self._start(*self._listing)

    def _start(self, fd: int, names: list[str]) -> None:
        share = int(len(names) * self.CHILD_SHARE)
        try:
            read, write = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: its share of the stat calls, to the pipe, then out
            code = 1
            try:
                os.close(read)
                stats = _file_stats(fd, names[:share])
                with os.fdopen(write, "wb") as out:
                    out.write(marshal.dumps(stats))
                code = 0
            finally:
                os._exit(code)  # never the parent's cleanup, buffers or exit handlers
        os.close(write)
        self._child = (pid, read, share)

    def result(self) -> Walk:
        """The walk (what ``walk`` gives); raises MissingPath as it does."""
        listing, self._listing = self._listing, None
        if listing is None:
            return walk(self.given)
        fd, names = listing
        try:
            share = self._child[2] if self._child is not None else 0
            mine = _file_stats(fd, names[share:])
            paths = _file_paths(self.given[0], names)  # while the child may still be at work
            theirs = self._collect() if share else ([], [], [])
        finally:
            os.close(fd)
        if mine is None or theirs is None:
            return walk(self.given)
        sizes, mtimes, ctimes = (a + b for a, b in zip(theirs, mine, strict=True))
        return Walk(paths, [False] * len(paths), sizes, mtimes, ctimes, [])

    def cancel(self) -> None:
        """Not needed after all: the child is stopped and reaped."""
        child, self._child = self._child, None
        if child is not None:
            pid, read, _ = child
            os.close(read)
            try:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            except OSError:
                pass
        listing, self._listing = self._listing, None
        if listing is not None:
            os.close(listing[0])

    def _collect(self) -> Stats | None:
        child, self._child = self._child, None
        if child is None:
            return None
        pid, read, _ = child
        try:
            with os.fdopen(read, "rb") as pipe:
                data = pipe.read()
        finally:
            _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            return None
        try:
            stats = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        return stats if isinstance(stats, tuple) and len(stats) == 3 else None


_FORK = hasattr(os, "fork") and os.name == "posix"


_ENTRY_NAME = attrgetter("name")
# Entries sorted in one go at most: one sort holds the GIL throughout (100,000
# names took 100-270 ms on a busy machine, a stalled key in the reader).
SORT_STEP = 4096


def _sorted_in_steps(
    entries: list[os.DirEntry[str]], breathe: Callable[[], None]
) -> Iterator[os.DirEntry[str]]:
    """The entries by name, sorted in pieces with a breath between them, then
    merged lazily (the merge lets other threads in between entries)."""
    runs = []
    for start in range(0, len(entries), SORT_STEP):
        run = sorted(entries[start : start + SORT_STEP], key=_ENTRY_NAME, reverse=True)
        runs.append(_drained(run))
        breathe()
    entries.clear()  # the runs hold them now
    return heapq.merge(*runs, key=_ENTRY_NAME)


def _drained(run: list[os.DirEntry[str]]) -> Iterator[os.DirEntry[str]]:
    """A run sorted in reverse, given from its end: each entry is let go once the
    walk moves on, not 100,000 at once when it ends (that too holds the GIL)."""
    pop = run.pop
    while run:
        yield pop()


def let_go(
    files: list[tuple[str, bool]], signatures: dict[str, Signature], breathe: Callable[[], None]
) -> None:
    """Free a walk's results in steps, with a breath between them: at 100,000 files
    freeing them at once holds the GIL for ~80 ms."""
    while files:
        del files[-8 * BREATHE_EVERY :]
        breathe()
    while signatures:
        for _ in range(min(8 * BREATHE_EVERY, len(signatures))):
            signatures.popitem()
        breathe()


def _walk(
    folder: str,
    found: list[tuple[str, bool]],
    problems: list[Problem],
    seen: set[str],
    signatures: dict[str, tuple[int, int, int]] | None,
    breathe: Callable[[], None],
    known: _Known | None = None,
) -> None:
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    breathe()  # before the listing: it is the longest step of a walk
    try:
        with os.scandir(folder) as listing:
            listed = list(listing)  # readdir lets other threads in between entries
    except OSError as error:
        problems.append(Problem(folder, f"cannot list the folder ({error.strerror or error})"))
        return
    entries: Iterable[os.DirEntry[str]]
    if breathe is _nothing or len(listed) <= SORT_STEP:
        listed.sort(key=_ENTRY_NAME)
        entries = listed
    else:
        entries = _sorted_in_steps(listed, breathe)
    # The common folder (article files only) is taken a piece at a time in
    # bulk (C loops); a piece with anything else in it (a folder, a hidden
    # file, an odd name, a file that cannot be stat'ed) is walked entry by entry.
    step = BREATHE_EVERY if breathe is not _nothing else SORT_STEP
    pending = iter(entries)
    while piece := list(islice(pending, step)):
        breathe()
        if not _take_plain_files(piece, found, signatures, known):
            for number in range(0, len(piece), BREATHE_EVERY):
                if number:
                    breathe()
                _walk_entries(
                    piece[number : number + BREATHE_EVERY],
                    found,
                    problems,
                    seen,
                    signatures,
                    breathe,
                    known,
                )


_ENTRY_PATH = attrgetter("path")
_IS_DIR = os.DirEntry.is_dir
_IS_FILE = os.DirEntry.is_file
_STAT = os.DirEntry.stat
_SIZE = attrgetter("st_size")
_MTIME = attrgetter("st_mtime_ns")
_CTIME = attrgetter("st_ctime_ns")


def _take_plain_files(
    piece: list[os.DirEntry[str]],
    found: list[tuple[str, bool]],
    signatures: dict[str, Signature] | None,
    known: _Known | None,
) -> bool:
    """Take a piece of a listing in bulk when it holds regular article files and
    other non-folder files alone, as ``_walk_entries`` would; False (nothing
    taken) when it holds anything the entry-by-entry walk must decide."""
    visible = [entry for entry in piece if entry.name[0] != "."]  # hidden: skipped
    seeds = [entry for entry in visible if entry.name.endswith((".txt", ".md"))]
    if len(seeds) != len(visible):
        # Other files are left alone; a folder is walked, an odd case of a
        # suffix (.TXT) is an article file: the walk entry by entry decides.
        others = [entry for entry in visible if not entry.name.endswith((".txt", ".md"))]
        if any(_is_seed_name(entry.name) for entry in others):
            return False
        try:
            if any(map(_IS_DIR, others)):
                return False
        except OSError:
            return False
    try:
        if any(map(_IS_DIR, seeds)) or not all(map(_IS_FILE, seeds)):
            return False
        stats = list(map(_STAT, seeds)) if signatures is not None else []
    except OSError:
        return False
    paths = list(map(_ENTRY_PATH, seeds))
    if signatures is not None:
        sigs: list[Signature] = list(
            zip(map(_SIZE, stats), map(_MTIME, stats), map(_CTIME, stats), strict=True)
        )
        if known is not None:
            olds = list(map(known.get, paths))
            if olds == sigs and known.named.isdisjoint(paths):
                known.same += len(sigs)
                # The known tuples: nothing new is kept for them.
                signatures.update(zip(paths, olds, strict=True))  # type: ignore[arg-type] # olds == sigs: none is None
                found.extend(zip(paths, repeat(False)))
                return True
            named = known.named
            for number, (path, sig, old) in enumerate(zip(paths, sigs, olds, strict=True)):
                if old is not None and old == sig and path not in named:
                    sigs[number] = old
                    known.same += 1
        signatures.update(zip(paths, sigs, strict=True))
    found.extend(zip(paths, repeat(False)))
    return True


def _walk_entries(
    entries: Iterable[os.DirEntry[str]],
    found: list[tuple[str, bool]],
    problems: list[Problem],
    seen: set[str],
    signatures: dict[str, tuple[int, int, int]] | None,
    breathe: Callable[[], None],
    known: _Known | None,
) -> None:
    """Entries of a listing one by one: folders walked, problems noted."""
    append = found.append
    known_get = known.get if known is not None else None
    named = known.named if known is not None else frozenset()
    same = 0
    for entry in entries:
        name = entry.name
        if name[0] == ".":
            continue
        seed_name = _is_seed_name(name)
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            if seed_name:
                problems.append(Problem(entry.path, DIRECTORY_REASON, ignored=True))
            if known is not None:
                known.same += same
                same = 0
            _walk(entry.path, found, problems, seen, signatures, breathe, known)
        elif seed_name:
            if is_file:
                path = entry.path
                if signatures is not None:
                    try:
                        st = entry.stat()
                    except FileNotFoundError:
                        append((path, False))  # gone already: it will be a problem when read
                        continue
                    except OSError as error:
                        # Listed but not to be looked at (a folder without search
                        # permission): a problem now, the same with or without the cache.
                        problems.append(Problem(path, cannot_read(error)))
                        continue
                    sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                    if known_get is not None:
                        old = known_get(path)
                        if old == sig and path not in named:
                            sig = old  # the known tuple: nothing new is kept for it
                            same += 1
                    signatures[path] = sig
                append((path, False))
            elif entry.is_symlink() and not os.path.exists(entry.path):
                problems.append(Problem(entry.path, _dead_link_reason(entry.path)))
            else:
                problems.append(Problem(entry.path, NOT_A_FILE_REASON))
    if known is not None:
        known.same += same


def _dead_link_reason(path: str) -> str:
    """Why a symbolic link leads to no file: it points nowhere, round in a loop,
    or somewhere the user may not look."""
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop"
        if error.errno not in (errno.ENOENT, errno.ENOTDIR):
            return cannot_read(error)
    return "broken symbolic link"


def cannot_read(error: OSError) -> str:
    """Why a file could not be read, the same whether the walk or the read met it."""
    return f"cannot read the file ({error.strerror or error})"


# ---------------------------------------------------------------- the diff


@dataclass(slots=True)
class FolderChanges:
    """What a rescan found: files to (re)read, and files that are gone."""

    to_read: list[tuple[str, bool]] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.to_read or self.removed)


def diff(
    old: Mapping[str, Signature],
    files: list[tuple[str, bool]],
    new: dict[str, Signature],
    old_named: frozenset[str] = frozenset(),
) -> FolderChanges:
    """Compare two snapshots; ``files`` gives the named flag of each current file.

    A file is read again when it is new, when its signature changed, or when
    it was named by the user in one snapshot and found in a folder in the
    other (that decides whether a file without front matter is a problem).
    """
    changes = FolderChanges()
    for entry in files:
        path, named = entry
        sig = new.get(path)
        if sig is None:
            continue  # gone between the scan and the stat
        before = old.get(path)
        if before is None:
            changes.to_read.append(entry)
            changes.added += 1
        elif before != sig or named != (path in old_named):
            changes.to_read.append(entry)
            changes.changed += 1
    changes.removed = [path for path in old if path not in new]
    return changes
