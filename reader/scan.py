"""The seed folders: the walk that finds article files, their signatures, and the diff of two walks.

The walk stats each file as it finds it, so a signature (size, mtime, ctime)
comes with every path; no file is parsed to find out what changed, and only
new and changed files are read again. No Textual here.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

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
    threads run; the reader's background check also waits there while keys
    are being pressed.
    """
    found: list[tuple[str, bool]] = []
    problems: list[Problem] = []
    given = [os.fspath(p) for p in paths]
    for name in given:
        if os.path.isdir(name):
            _walk(name, found, problems, set(), signatures, breathe)
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
                    signatures[name] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                found.append((name, True))
        else:
            raise MissingPath(name)
    if len(given) == 1:
        return found, problems  # one path cannot name a file twice
    # A file named twice (``seeds seeds/a.txt``) is read once, not reported as
    # a duplicate of itself.
    unique: dict[str, tuple[str, bool]] = {}
    for entry in found:
        unique.setdefault(os.path.normcase(os.path.abspath(entry[0])), entry)
    if signatures is not None and len(unique) != len(found):
        kept = {entry[0] for entry in unique.values()}
        for path in [p for p in signatures if p not in kept]:
            del signatures[path]
    return list(unique.values()), problems


def _walk(
    folder: str,
    found: list[tuple[str, bool]],
    problems: list[Problem],
    seen: set[str],
    signatures: dict[str, tuple[int, int, int]] | None,
    breathe: Callable[[], None],
) -> None:
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_entry_name)
    except OSError as error:
        problems.append(Problem(folder, f"cannot list the folder ({error.strerror or error})"))
        return
    append = found.append
    for number, entry in enumerate(entries):
        if not number % BREATHE_EVERY:
            breathe()
        name = entry.name
        if name[0] == ".":
            continue
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            if _is_seed_name(name):
                problems.append(Problem(entry.path, DIRECTORY_REASON, ignored=True))
            _walk(entry.path, found, problems, seen, signatures, breathe)
        elif _is_seed_name(name):
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
                    signatures[path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                append((path, False))
            elif entry.is_symlink() and not os.path.exists(entry.path):
                problems.append(Problem(entry.path, _dead_link_reason(entry.path)))
            else:
                problems.append(Problem(entry.path, NOT_A_FILE_REASON))


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


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


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
    old: dict[str, Signature],
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
