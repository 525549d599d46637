"""The front page: a large library's start shows the last run's screen, then the library."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

import reader.app
from reader import front_page
from reader.cache import IndexCache
from reader.widgets.status_bar import StatusBar

from .conftest import article_fields, wait_loaded, wait_workers, write_seed


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader.app, "QUICK_START_BYTES", 0)  # as for a large library


def slow_index(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """From now on the index cache is read only once the returned event is set."""
    gate = threading.Event()
    load_index = IndexCache.load_index

    def waiting(self: IndexCache):
        gate.wait(20)
        return load_index(self)

    monkeypatch.setattr(IndexCache, "load_index", waiting)
    return gate


OLD = 1_600_000_000 * 10**9  # an mtime well outside the index cache's racy window


def status(app) -> str:
    return str(app.query_one(StatusBar).render())


async def first_run(app_factory, folder: Path, presses: int = 3) -> tuple[str, list, str]:
    """Run once to the end, the cursor moved; what its screen ended on.

    The files are aged first: the index cache leaves out a file modified within
    2 s of its save (RACY_NS), and a run quicker than that saved an empty index,
    so that the next start loaded every file instead (one start in ten)."""
    for path in folder.iterdir():
        os.utime(path, ns=(OLD, OLD))
    app = app_factory(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await wait_workers(app)
        await pilot.pause()
        assert not app.library_loading.checking
        for _ in range(presses):
            await pilot.press("j")
        await pilot.pause()
        shown = (app.article_list.article.id, list(app.sidebar.entries), status(app))
    return shown


async def test_a_large_library_starts_on_the_last_runs_screen(
    app_factory, many_dir: Path, large, monkeypatch
):
    article_id, entries, line = await first_run(app_factory, many_dir)
    assert "60 articles" in line
    gate = slow_index(monkeypatch)
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        # The index is not read yet: the front page is what the first frame shows.
        assert app.library.preview is not None
        assert app.article_list.article.id == article_id
        assert list(app.sidebar.entries) == entries
        assert "60 articles, 60 unread" in status(app)
        assert "checking" in status(app)
        await pilot.press("j")
        await pilot.pause()
        moved = app.article_list.article.id
        assert moved != article_id
        row = app.article_list.cursor - round(app.article_list.scroll_y)
        gate.set()
        await wait_loaded(app, pilot)
        # The library swapped in under the same cursor, on the same row of the screen.
        assert app.library.preview is None
        assert len(app.article_list.articles) == 60
        assert app.article_list.article.id == moved
        assert app.article_list.cursor - round(app.article_list.scroll_y) == row
        assert "60 articles, 60 unread" in status(app)


async def test_a_front_page_is_not_shown_once_a_mark_changed_elsewhere(
    app_factory, many_dir: Path, large, monkeypatch
):
    article_id, _entries, _line = await first_run(app_factory, many_dir)
    from reader.state import UserState

    with UserState() as other:  # another copy marks one read meanwhile
        other.mark_read([article_id])
    gate = slow_index(monkeypatch)
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.library.preview is None
        assert "Loading" in app.article_list.empty_text or not app.article_list.articles
        gate.set()
        await wait_loaded(app, pilot)
        assert "60 articles, 59 unread" in status(app)


async def test_another_view_waits_for_the_library(
    app_factory, many_dir: Path, large, monkeypatch, notices
):
    """Only the page's own view has rows: another scope, and mark-all-read, wait."""
    await first_run(app_factory, many_dir)
    gate = slow_index(monkeypatch)
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.library.preview is not None
        await pilot.press("A")
        await pilot.pause()
        assert any("Still reading the library" in n for n in notices)
        assert not app.state.read_ids
        from reader.scope import Topic

        app.scope = Topic("Even")
        await pilot.pause()
        assert app.article_list.articles == []  # not the part of Even the page holds
        gate.set()
        await wait_loaded(app, pilot)
        assert len(app.article_list.articles) == 30


async def test_a_small_library_writes_no_front_page(app_factory, many_dir: Path):
    await first_run(app_factory, many_dir)
    index = IndexCache([many_dir])
    assert index.path.exists()
    assert not front_page.path_for(index).exists()


def record_frames(app) -> list[list[str]]:
    """Every full frame ``app`` draws from now on, as its lines of text."""
    from textual._compositor import LayoutUpdate

    frames: list[list[str]] = []
    display = app._display

    def recording(screen, renderable) -> None:
        if isinstance(renderable, LayoutUpdate):
            frames.append(["".join(strip.text for strip in row) for row in renderable.strips])
        display(screen, renderable)

    app._display = recording
    return frames


def screen_lines(app) -> list[str]:
    """What the screen shows now, as its lines of text."""
    update = app.screen._compositor.render_update(full=True)
    return ["".join(strip.text for strip in row) for row in update.strips]


@pytest.mark.parametrize("size", [(120, 30), (80, 24)])
async def test_the_front_pages_frame_has_the_settled_screens_sidebar(
    app_factory, tmp_path: Path, large, monkeypatch, size
):
    """Its entries are cut to the width the sidebar has once laid out, in the first
    frame too: not 2 columns narrower (nor wrapped, at 80) until the sidebar's resize;
    and the top line is fitted to its width in that frame too."""
    folder = tmp_path / "topics"
    folder.mkdir()
    for n in range(90):  # more entries than rows, names longer than the sidebar
        fields = article_fields(n, topics=[f"Autonomous Vehicles {n % 30}"])
        os.utime(write_seed(folder, f"{n:03}.txt", **fields), ns=(OLD, OLD))  # see first_run
    app = app_factory(folder)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(app, pilot)
        await wait_workers(app)
        await pilot.pause()
    gate = slow_index(monkeypatch)
    app = app_factory(folder)
    frames = record_frames(app)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.library.preview is not None
        top_line = screen_lines(app)[0]  # the front page's, once the bar has its width
        gate.set()
        await wait_loaded(app, pilot)
        await pilot.pause()
        assert app.library.preview is None
        # The entries' column, left of the scrollbar (Textual adds its thumb a frame later).
        width = app.sidebar.scrollable_content_region.width
        rows = range(1, 1 + app.sidebar.outer_size.height)
        settled = screen_lines(app)
    first = frames[0]
    assert any("Autonomous Vehicl" in line for line in first)  # the front page, first frame
    assert "checking" in top_line
    assert first[0] == top_line  # the top line too: not cut to no width, then fitted
    assert [first[y][:width] for y in rows] == [settled[y][:width] for y in rows]
