"""A cold load's reports to the screen: progress at a bounded rate, nothing lost,
and a top line that does not recount the list when only the progress moved."""

from __future__ import annotations

import gc
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import reader.app
from reader import gc_pause
from reader.cache import IndexCache
from reader.ingest import Loaded, Progress
from reader.model import Article, LoadResult
from reader.tui.loading import PROGRESS_EVERY, coalesced
from reader.widgets.status_bar import StatusBar

from .conftest import wait_loaded, wait_workers


def _article(n: int) -> Article:
    return Article(id=f"https://example.com/{n}", title=f"Article {n}", path=f"/seeds/{n}.txt")


def test_progress_is_coalesced_and_no_article_is_lost() -> None:
    a, b, c, d = (_article(n) for n in range(4))
    loaded = Loaded(LoadResult(), from_cache=False, seconds=1.0)
    events = [
        Progress(0, 2_000),
        Progress(500, 2_000, (a,)),
        Progress(1_000, 2_000, (b,)),
        Progress(1_500, 2_000, (c,)),
        Progress(2_000, 2_000, (d,)),
        loaded,
    ]
    step = PROGRESS_EVERY * 0.4
    times = iter([0.0, step, 2.6 * step, 3.0 * step, 6.0 * step])
    out = list(coalesced(events, clock=lambda: next(times)))
    # The first progress at once; one left out within PROGRESS_EVERY of the last
    # shown comes with the next; Loaded at once, whatever was pending.
    assert out == [
        Progress(0, 2_000),
        Progress(1_000, 2_000, (a, b)),
        Progress(2_000, 2_000, (c, d)),
        loaded,
    ]


def test_progress_left_out_before_loaded_is_not_needed() -> None:
    a = _article(1)
    loaded = Loaded(LoadResult([a]), from_cache=False, seconds=1.0)
    times = iter([0.0, 0.0])
    out = list(coalesced([Progress(0, 1), Progress(1, 1, (a,)), loaded], clock=lambda: next(times)))
    assert out == [Progress(0, 1), loaded]  # the Loaded result holds every article


def _status(app) -> str:
    return str(app.query_one(StatusBar).render())


async def test_progress_only_keeps_the_counts_until_the_list_changes(
    app_factory, many_dir: Path
) -> None:
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        reading, shown = app.reading, app.article_list.articles
        assert "60 articles, 60 unread" in _status(app)
        # A mark the top line has not counted yet: only a full update counts it.
        app.library.state.read_ids.add(shown[0].id)
        reading.update_status(progress_only=True)
        assert "60 articles, 60 unread" in _status(app)
        reading.update_status()
        assert "60 articles, 59 unread" in _status(app)
        # A new list is counted even when only the progress moved.
        app.library.state.read_ids.add(shown[1].id)
        app.article_list.set_articles(list(shown))
        reading.update_status(progress_only=True)
        assert "60 articles, 58 unread" in _status(app)


async def test_a_cached_index_is_read_and_sorted_without_a_collection(
    app_factory, many_dir: Path, monkeypatch
) -> None:
    # Each collection in that time would scan every object the read made (~0.1 s at
    # 100,000 articles); the block ends with them frozen, and collection on again.
    monkeypatch.setattr(reader.app, "QUICK_START_BYTES", 0)  # read in the worker
    for file in many_dir.iterdir():  # not written just now: the index cache holds them
        os.utime(file, (time.time() - 3600,) * 2)
    await _run_to_the_end(app_factory(many_dir))  # the index cache is written
    reading = threading.Event()
    collections: list[str] = []
    read_rows: list[int] = []
    load_index, settle = IndexCache.load_index, gc_pause.settle

    def read(self: IndexCache):
        reading.set()
        index = load_index(self)
        read_rows.append(len(index.paths) if index is not None else 0)
        return index

    def settled() -> None:
        settle()
        reading.clear()

    def collected(phase: str, info: dict) -> None:
        if phase == "start" and reading.is_set():
            collections.append(threading.current_thread().name)

    monkeypatch.setattr(IndexCache, "load_index", read)
    monkeypatch.setattr(gc_pause, "settle", settled)
    gc.callbacks.append(collected)
    try:
        app = app_factory(many_dir)
        await _run_to_the_end(app)
    finally:
        gc.callbacks.remove(collected)
    assert read_rows == [60]  # the library came from the index, in the worker
    assert collections == []
    assert gc.isenabled()


async def _run_to_the_end(app) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await wait_workers(app)
        assert app.article_list.articles


async def test_a_cold_load_keeps_a_cursor_on_the_first_row_there_and_a_moved_one_on_its_article(
    app_factory, tmp_path: Path
) -> None:
    # Files are read in folder order, not by date: newer articles keep coming in above.
    empty = tmp_path / "empty"
    empty.mkdir()
    app = app_factory(empty)
    dated = [
        Article(
            id=f"https://example.com/{day}",
            title=f"Day {day}",
            path=f"/seeds/{day}.txt",
            published=datetime(2024, 1, day, tzinfo=UTC),
        )
        for day in range(1, 6)
    ]
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        loading, listed = app.library_loading, app.article_list

        def batch(done: int, *articles: Article) -> None:
            loading.loading, loading.last_refresh, loading._refresh_cost = True, 0.0, 0.0
            loading._progress(Progress(done, 5, articles))

        batch(1, dated[0])
        batch(2, dated[1])
        assert [a.title for a in listed.articles] == ["Day 2", "Day 1"]
        assert listed.cursor == 0 and listed.article.title == "Day 2"  # the newest so far
        await pilot.press("j")
        assert listed.article.title == "Day 1"
        batch(3, dated[3], dated[2])
        assert listed.article.title == "Day 1"  # the user's article, moved down
        await pilot.press("g")  # back to the top
        assert listed.article.title == "Day 4"
        batch(4, dated[4])
        assert listed.cursor == 0 and listed.article.title == "Day 5"
