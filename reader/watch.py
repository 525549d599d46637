"""Noticing what changed in the seed folders: two sets of file signatures, diffed.

The signatures come from the scan (loader.scan_paths stats each file as it
finds it). No file is parsed to find out what changed; only new and changed files are
read again. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# (size, mtime, ctime in ns). The ctime moves with every change of the file's
# metadata too: a chmod or chown that makes it unreadable is read again, and
# found to be a problem, rather than served from the cache as an article.
Signature = tuple[int, int, int]


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
