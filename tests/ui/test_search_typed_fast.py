"""A search typed in one burst, as a terminal delivers "/Gulf" pasted or typed fast."""

from __future__ import annotations

from pathlib import Path

from reader.widgets.article_list import ArticleList

from .conftest import type_fast, wait_loaded


async def test_slash_then_a_query_typed_fast_goes_into_the_bar(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        first = articles.article
        await type_fast(pilot, "slash", "G", "u", "f", "1", "enter")
        assert app.view.query_text == "Guf1"
        assert not app.state.is_starred(first.id), "f went into the query, not to the list"


async def test_a_slash_in_the_bar_is_a_character(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await type_fast(pilot, "slash", "a", "slash", "b", "enter")
        assert app.view.query_text == "a/b"


async def test_slash_on_a_screen_over_the_list_opens_no_search(app_factory, many_dir: Path):
    from reader.screens.help import HelpScreen

    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await type_fast(pilot, "question_mark", "slash")
        assert isinstance(app.screen, HelpScreen)
        assert not app.query_one("#search").has_class("-open")
