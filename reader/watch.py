"""Noticing what changed in the seed folders: a cheap stat of every file, diffed.

No file is parsed to find out what changed; only new and changed files are
read again. No Textual here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

Signature = tuple[int, int]  # (size, mtime in ns)


def signature(path: str) -> Signature | None:
    """What identifies a version of a file, or None when it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def snapshot(files: Iterable[tuple[str, bool]]) -> dict[str, Signature]:
    """The signature of every file that still exists."""
    result: dict[str, Signature] = {}
    for path, _explicit in files:
        sig = signature(path)
        if sig is not None:
            result[path] = sig
    return result


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
