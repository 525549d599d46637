"""The running reader and its folders: a change is picked up when the kernel tells
of it, and one periodic check is pending however many checks ran meanwhile."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.timer import Timer

from reader import folder_events
from reader.app import NewsReaderApp
from reader.tui import loading
from reader.tui.messages import IngestReport

from .conftest import article_fields, wait_loaded, wait_workers, write_seed

NEVER = 3600.0  # seconds: no periodic check runs during a test


@pytest.fixture
def checks_never_come_by_themselves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "WATCH_INTERVAL", NEVER)
    monkeypatch.setattr(loading, "WATCHED_INTERVAL", NEVER)
    monkeypatch.setattr(folder_events, "QUIET", 0.05)


@pytest.mark.skipif(folder_events._libc() is None, reason="inotify is Linux's")
async def test_a_new_file_comes_in_without_r_when_the_kernel_tells(
    app_factory, tmp_path: Path, checks_never_come_by_themselves, notices: list[str]
) -> None:
    folder = tmp_path / "live"
    folder.mkdir()
    write_seed(folder, "a.txt", **article_fields(1))
    app = app_factory(folder, watch=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await wait_workers(app)  # the watch is begun in a worker
        write_seed(folder, "b.txt", **article_fields(2, title="Written by another program"))
        for _ in range(200):  # ~10 s at most; no timing is asserted
            await asyncio.sleep(0.05)
            if any(a.title == "Written by another program" for a in app.store):
                break
        await pilot.pause()
        assert {a.title for a in app.article_list.articles} == {
            "Article number 1",
            "Written by another program",
        }
        assert "1 new article." in notices


async def test_no_folder_events_leave_the_periodic_check(
    app_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(folder_events, "watch", lambda paths, changed: None)
    folder = tmp_path / "live"
    folder.mkdir()
    write_seed(folder, "a.txt", **article_fields(1))
    delays = _recorded_check_timers(monkeypatch)
    app = app_factory(folder, watch=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("r")
        await wait_workers(app)
        await pilot.pause()
    assert [delay for delay, _ in delays] == [loading.WATCH_INTERVAL] * 2


async def test_one_periodic_check_is_pending_however_many_checks_ran(
    app_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checks_never_come_by_themselves
) -> None:
    folder = tmp_path / "live"
    folder.mkdir()
    write_seed(folder, "a.txt", **article_fields(1))
    made = _recorded_check_timers(monkeypatch)
    app = app_factory(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        for _ in range(4):  # each r is a check, and each check schedules the next one
            await pilot.press("r")
            await wait_workers(app)
            await pilot.pause()
        assert len(made) == 5
        pending = [timer for _, timer in made if not getattr(timer, "stopped_here", False)]
        assert len(pending) == 1  # not five chains of checks, each every few seconds


def _recorded_check_timers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, Timer]]:
    """Every timer of a periodic check the app sets, with its delay; the ones stopped
    since are flagged ``stopped_here``."""
    made: list[tuple[float, Timer]] = []
    set_timer, stop = NewsReaderApp.set_timer, Timer.stop

    def recording(self, delay, callback=None, *, name=None, **kwargs):
        timer = set_timer(self, delay, callback, name=name, **kwargs)
        if name == "check":
            made.append((delay, timer))
        return timer

    def stopping(self) -> None:
        self.stopped_here = True
        stop(self)

    monkeypatch.setattr(NewsReaderApp, "set_timer", recording)
    monkeypatch.setattr(Timer, "stop", stopping)
    return made


async def test_a_check_that_ends_while_the_app_shuts_down_is_dropped(
    app_factory, tmp_path: Path
) -> None:
    """Quitting while a check runs: its report comes to a screen that is gone (it
    raised NoMatches, a traceback after the reader's screen was restored)."""
    folder = tmp_path / "live"
    folder.mkdir()
    write_seed(folder, "a.txt", **article_fields(1))
    app = app_factory(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
    write_seed(folder, "b.txt", **article_fields(2))
    changes = app.ingest.check()
    assert changes.result is not None  # one new article, for a screen to show
    app.library_loading.report(IngestReport(changes))


async def test_a_library_copied_just_before_the_first_start_is_whole_at_the_next(
    app_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notices: list[str]
) -> None:
    """The first start's save left the just-copied files out (modified within RACY_NS),
    so the next one showed an empty list, then "5 new articles." (with a folder named
    like an article beside them, the index held that alone)."""
    from reader import cache as index_cache

    monkeypatch.setattr(index_cache, "RACY_NS", 5 * 10**9)  # a window no busy machine misses
    folder = tmp_path / "copied"
    folder.mkdir()
    for n in range(5):
        write_seed(folder, f"{n}.txt", **article_fields(n))
    (folder / "archive.md").mkdir()
    app = app_factory(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        cache = app.ingest.cache
        assert cache.racy_until > 0  # the save left them out
        for _ in range(400):  # ~20 s at most; no timing is asserted
            await asyncio.sleep(0.05)
            if not cache.racy_until:
                break
        await wait_workers(app)
    notices.clear()
    app = app_factory(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await wait_workers(app)
        await pilot.pause()
        assert len(app.article_list.articles) == 5
    assert not [notice for notice in notices if "new article" in notice]


async def test_a_report_while_the_screen_is_taken_down_is_dropped(app_factory, tmp_path: Path):
    """At shutdown the widgets go one by one: the top line gone, the list still there."""
    from reader.widgets.status_bar import StatusBar

    folder = tmp_path / "live"
    folder.mkdir()
    write_seed(folder, "a.txt", **article_fields(1))
    app = app_factory(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        write_seed(folder, "b.txt", **article_fields(2))
        changes = app.ingest.check()
        assert changes.result is not None
        await app.query_one(StatusBar).remove()
        app.library_loading.report(IngestReport(changes))  # raised NoMatches
