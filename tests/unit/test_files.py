"""The one atomic write (reader/files.py) and the clean-up of what a killed writer left."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import files

READER = Path(files.__file__).parent


def test_a_write_creates_the_folder_and_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "new" / "feeds.json"
    files.write_atomically(path, b"first")
    assert path.read_bytes() == b"first"
    files.write_atomically(path, [b"sec", b"ond"])  # chunks, as the index cache writes them
    assert path.read_bytes() == b"second"
    assert sorted(p.name for p in path.parent.iterdir()) == ["feeds.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "index.bin"
    path.write_bytes(b"old")

    def chunks() -> Iterator[bytes]:
        yield b"half"
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        files.write_atomically(path, chunks())
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["index.bin"]


def test_only_a_durable_write_syncs_to_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    files.write_atomically(tmp_path / "feeds.json", b"x")
    assert len(synced) == 1
    files.write_atomically(tmp_path / "cache.bin", b"x", durable=False)
    assert len(synced) == 1


def test_stale_temporaries_go_and_fresh_ones_stay(tmp_path: Path) -> None:
    old = tmp_path / ".feeds.json.abc.tmp"
    fresh = tmp_path / ".feeds.json.def.tmp"
    other = tmp_path / "notes.tmp"
    for path in (old, fresh, other):
        path.write_bytes(b"")
    past = time.time() - files.STALE_SECONDS - 5
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    assert files.remove_stale_temporaries(tmp_path, ".feeds.json.") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".feeds.json.def.tmp", "notes.tmp"]
    assert files.remove_stale_temporaries(tmp_path / "missing") == 0


def test_nothing_else_in_reader_writes_a_file_by_renaming_a_temporary() -> None:
    # One implementation: a second one drifts (one synced, one did not clean up).
    for source in sorted(READER.rglob("*.py")):
        if source.name == "files.py" and source.parent == READER:
            continue
        text = source.read_text(encoding="utf-8")
        for sign in ("os.replace(", "mkstemp(", "NamedTemporaryFile(", "os.fsync("):
            assert sign not in text, f"{source.relative_to(READER)} uses {sign}"
