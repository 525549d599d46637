"""Nothing is marked read unless the user reads it: the dwell timer runs only after
the user moved to an article in the list (or opened it), with the list or the detail
focused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.widgets.article_list import ArticleList

from .conftest import article_fields, wait_loaded, wait_workers, write_seed


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _read_ids(app) -> set[str]:
    return {a.id for a in app.store if app.is_read(a.id)}


async def test_launching_and_waiting_marks_nothing(app_factory, many_dir: Path):
    clock = FakeClock()
    app = app_factory(many_dir, clock=clock, dwell=2.0)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        clock.now += 60
        app.marks.check_dwell()
        await pilot.pause()
        assert _read_ids(app) == set()


async def test_walking_the_sidebar_marks_nothing(app_factory, many_dir: Path):
    clock = FakeClock()
    app = app_factory(many_dir, clock=clock, dwell=2.0)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        app.sidebar.focus()
        for _ in range(4):
            await pilot.press("j")
            clock.now += 5
            app.marks.check_dwell()
            await pilot.pause()
        assert _read_ids(app) == set()


async def test_a_deleted_selected_file_marks_nothing(app_factory, tmp_path: Path):
    folder = tmp_path / "live"
    folder.mkdir()
    for n in range(4):
        write_seed(folder, f"{n}.txt", **article_fields(n))
    clock = FakeClock()
    app = app_factory(folder, clock=clock, dwell=2.0)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        selected = app.query_one(ArticleList).article
        os.unlink(selected.path)
        await pilot.press("r")
        await wait_workers(app)
        await pilot.pause()
        assert app.query_one(ArticleList).article is not None
        assert app.query_one(ArticleList).article.id != selected.id
        clock.now += 60
        app.marks.check_dwell()
        assert _read_ids(app) == set()


async def test_moving_in_the_list_then_resting_marks_the_article_that_rests(
    app_factory, many_dir: Path
):
    clock = FakeClock()
    app = app_factory(many_dir, clock=clock, dwell=2.0)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("j", "j")
        rested = app.query_one(ArticleList).article
        clock.now += 2.5
        app.marks.check_dwell()
        assert _read_ids(app) == {rested.id}


async def test_resting_with_focus_elsewhere_does_not_mark(app_factory, many_dir: Path):
    clock = FakeClock()
    app = app_factory(many_dir, clock=clock, dwell=2.0)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("j")
        app.sidebar.focus()
        await pilot.pause()
        clock.now += 10
        app.marks.check_dwell()
        assert _read_ids(app) == set()


async def test_next_unread_is_a_move_of_the_user(app_factory, many_dir: Path):
    clock = FakeClock()
    app = app_factory(many_dir, clock=clock, dwell=2.0)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("n")
        rested = app.query_one(ArticleList).article
        clock.now += 2.5
        app.marks.check_dwell()
        assert _read_ids(app) == {rested.id}


@pytest.mark.parametrize("cover", [("question_mark",), ("ctrl+p",)])
async def test_time_behind_a_screen_does_not_count(app_factory, many_dir: Path, cover):
    """Help or the palette over the article: reading time stops until it is seen again."""
    clock = FakeClock()
    app = app_factory(many_dir, clock=clock, dwell=2.0)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("j")  # chosen: reading starts
        chosen = articles.article
        clock.now += 1.0
        app.marks.check_dwell()
        await pilot.press(*cover)
        assert app.screen is not app.screen_stack[0]
        clock.now += 10.0  # a long look at the screen on top
        app.marks.check_dwell()
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]
        app.marks.check_dwell()
        assert not app.is_read(chosen.id), "1 s seen, 10 s covered: not read"
        clock.now += 1.5
        app.marks.check_dwell()
        assert app.is_read(chosen.id), "2.5 s seen: read"
