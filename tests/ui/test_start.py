"""The first paint and the background: a small cached library is on the very first
screen, and the folder check steps aside while keys are being pressed."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from reader.tui.loading import KEYS_QUIET, QuietKeys
from reader.widgets.article_list import ArticleList
from reader.widgets.status_bar import StatusBar

from .conftest import article_fields, wait_loaded, write_seed


def _status(app) -> str:
    return str(app.query_one(StatusBar).render())


OLD = 1_600_000_000 * 10**9  # mtimes outside the cache's racy window (files cached)


def _age(folder: Path) -> None:
    for path in folder.iterdir():
        os.utime(path, ns=(OLD, OLD))


async def _warm_cache(app_factory, folder: Path) -> None:
    _age(folder)
    app = app_factory(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)


async def test_a_small_cached_library_is_in_the_first_paint(app_factory, many_dir: Path):
    await _warm_cache(app_factory, many_dir)
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)):
        # No pause: what on_mount left is what the first frame paints.
        assert not app.library_loading.loading and not app.library_loading.checking
        assert len(app.query_one(ArticleList).articles) == 60
        assert "loading" not in _status(app) and "checking" not in _status(app)
        assert app.detail.article is not None


async def test_a_changed_small_library_is_shown_then_checked(app_factory, many_dir: Path):
    await _warm_cache(app_factory, many_dir)
    new = write_seed(many_dir, "new.txt", **article_fields(99, title="Arrived while closed"))
    os.utime(new, ns=(OLD, OLD))
    app = app_factory(many_dir)
    # The check waits until the first screen is looked at: a check of 61 files in
    # a thread could otherwise be over before the test reads the first screen.
    looked = threading.Event()
    check = app.ingest.check
    app.ingest.check = lambda *args: looked.wait(10) and check(*args)
    async with app.run_test(size=(120, 30)) as pilot:
        assert (
            not app.library_loading.loading and app.library_loading.checking
        )  # the cached index, checked next
        assert len(app.query_one(ArticleList).articles) == 60
        looked.set()
        await wait_loaded(app, pilot)
        assert not app.library_loading.checking
        titles = {a.title for a in app.query_one(ArticleList).articles}
        assert "Arrived while closed" in titles and len(titles) == 61


async def test_keys_hold_the_background_check(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        keys = app.library_loading.keys
        before = keys.last_key
        await pilot.press("j")
        assert keys.last_key > before  # every key is noted, on the clock the walk reads

        now = [keys.last_key]  # the walk's clock, stepped by its own sleeps
        slept: list[float] = []

        def sleep(seconds: float) -> None:
            slept.append(seconds)
            now[0] += seconds

        keys.clock, keys.sleep = (lambda: now[0]), sleep
        keys.wait()  # what the check's walk calls every few files, right after a key
        assert len(slept) > 1  # it stepped aside
        assert now[0] - keys.last_key >= KEYS_QUIET  # until the keys had rested
        slept.clear()
        keys.wait()  # the keys have rested: the walk goes on at once
        assert slept == [0]


def test_quiet_keys_stop_waiting_when_the_app_stops() -> None:
    running = [True]
    now = [100.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds
        running[0] = False  # the app closed during the wait

    keys = QuietKeys(lambda: running[0], clock=lambda: now[0], sleep=sleep)
    keys.pressed()
    keys.wait()
    assert now[0] - keys.last_key < KEYS_QUIET  # it did not wait the keys out
