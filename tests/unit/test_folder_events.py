"""The kernel's folder events: one call per burst of changes that can change the
library, none for what the seed walk never reads, and a watch that gives up
(so that the reader walks every few seconds, as before) rather than half-watch."""

from __future__ import annotations

import errno
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import folder_events

pytestmark = pytest.mark.skipif(
    folder_events._libc() is None, reason="inotify is Linux's (elsewhere the reader walks)"
)

LONG = 10.0  # seconds a test waits for an event at most (never a timing it asserts)


class Calls:
    def __init__(self) -> None:
        self.count = 0
        self._event = threading.Event()

    def __call__(self) -> None:
        self.count += 1
        self._event.set()

    def wait(self, timeout: float = LONG) -> bool:
        happened = self._event.wait(timeout)
        self._event.clear()
        return happened


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(folder_events, "QUIET", 0.05)


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def watching(tmp_path: Path, calls: Calls) -> Iterator[folder_events.FolderEvents]:
    events = folder_events.watch([str(tmp_path)], calls)
    assert events is not None
    yield events
    events.close()


def settle(calls: Calls) -> None:
    """Wait until a marker file's event is reported: every earlier event was read by then."""
    assert calls.wait()


def test_a_new_changed_renamed_and_deleted_file_are_each_reported(
    tmp_path: Path, calls: Calls, watching
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("---\ntitle: A\n---\n")
    assert calls.wait()
    article.write_text("---\ntitle: B\n---\n")
    assert calls.wait()
    article.rename(tmp_path / "b.txt")
    assert calls.wait()
    (tmp_path / "b.txt").unlink()
    assert calls.wait()


def test_hidden_files_are_not_reported(tmp_path: Path, calls: Calls, watching) -> None:
    (tmp_path / ".a.txt.swp").write_text("an editor's swap file")
    (tmp_path / "marker.txt").write_text("x")
    settle(calls)
    assert calls.count == 1  # the marker's, not the hidden file's as well


def test_a_burst_of_writes_is_one_call_or_a_few(tmp_path: Path, calls: Calls, watching) -> None:
    for n in range(200):
        (tmp_path / f"{n:03}.txt").write_text("---\ntitle: x\n---\n")
    settle(calls)
    assert calls.count < 20  # not one per file (or per write)


def test_a_new_folder_is_watched_too(tmp_path: Path, calls: Calls, watching) -> None:
    sub = tmp_path / "new"
    sub.mkdir()
    settle(calls)
    (sub / "a.txt").write_text("---\ntitle: A\n---\n")
    assert calls.wait()
    (sub / "deeper").mkdir()
    settle(calls)
    (sub / "deeper" / "b.txt").write_text("---\ntitle: B\n---\n")
    assert calls.wait()


def test_folders_inside_and_linked_are_watched_hidden_ones_not(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    (tmp_path / "link").symlink_to(elsewhere)
    (tmp_path / "loop").symlink_to(tmp_path)
    found = folder_events.folders_under(str(tmp_path))
    assert sorted(os.path.relpath(f, tmp_path) for f in found) == [".", "a", "a/b", "link"]


def test_a_file_given_by_name_reports_that_file_only(tmp_path: Path, calls: Calls) -> None:
    article = tmp_path / "one.txt"
    article.write_text("---\ntitle: A\n---\n")
    events = folder_events.watch([str(article)], calls)
    assert events is not None
    try:
        (tmp_path / "other.txt").write_text("not given")
        article.write_text("---\ntitle: B\n---\n")
        settle(calls)
        assert calls.count == 1
    finally:
        events.close()


def open_descriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_close_ends_the_thread_and_lets_go_of_the_descriptors(tmp_path: Path) -> None:
    before_all = open_descriptors()
    events = folder_events.watch([str(tmp_path)], lambda: None)
    assert events is not None
    held = open_descriptors() - before_all
    assert held  # the inotify descriptor and the wake-up pipe
    events.close()
    events._thread.join(LONG)
    assert not events._thread.is_alive()
    assert not held & open_descriptors()


def test_no_watch_when_a_folder_cannot_be_watched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = open_descriptors()

    def out_of_watches(self, folder: str, names=None) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", folder)

    monkeypatch.setattr(folder_events.FolderEvents, "add", out_of_watches)
    assert folder_events.watch([str(tmp_path)], lambda: None) is None
    assert open_descriptors() <= before  # nothing left open


def test_no_watch_off_linux(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert folder_events.watch([str(tmp_path)], lambda: None) is None


def test_a_path_that_does_not_exist_yet_is_left_to_the_walk(tmp_path: Path, calls: Calls) -> None:
    events = folder_events.watch([str(tmp_path / "feeds"), str(tmp_path / "seeds")], calls)
    assert events is not None  # the feeds folder is made by the first fetch
    events.close()
