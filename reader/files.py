"""The one atomic write: a file is replaced whole; a reader sees the old one or the new, never half.

The new content goes to a temporary file beside the target (``.<name>.<random>.tmp``,
in the same folder so that the rename never crosses a file system), then
``os.replace`` puts it in place. ``remove_stale_temporaries`` deletes what a
killed writer left.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

STALE_SECONDS = 60


def write_atomically(path: Path, data: bytes | Iterable[bytes], *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` (bytes or chunks), creating its folder if needed.

    ``durable`` syncs the data to the disk before the rename, so that it also
    survives a power cut; a cache that checks itself when read can skip that.
    Raises OSError, leaving no temporary file behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes | bytearray | memoryview):
                handle.write(data)
            else:
                handle.writelines(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def remove_stale_temporaries(folder: Path, prefix: str = ".") -> int:
    """Delete temporary files a killed writer left (older than a minute); return how many."""
    removed = 0
    limit = time.time() - STALE_SECONDS
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < limit:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed
