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


async def test_the_first_frame_has_no_search_input(app_factory, many_dir: Path):
    from textual.widgets import Input

    app = app_factory(many_dir)
    inputs_at_first_frame: list[int] = []
    painted = app.first_paint.painted

    def first_frame() -> None:
        inputs_at_first_frame.append(len(app.query(Input)))
        painted()

    app.first_paint.painted = first_frame  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        assert inputs_at_first_frame == [0]
        assert len(app.query(Input)) == 1  # made once the first frame is on screen


async def test_a_query_typed_fast_lands_in_a_bar_not_made_yet(
    app_factory, many_dir: Path, monkeypatch
):
    """/ before the bar's input is made (it is made after the first frame): / makes it
    at once, and the keys typed right after go into it."""
    from textual.widgets import Input

    from reader.tui.first_paint import FirstPaint

    monkeypatch.setattr(FirstPaint, "later", lambda self, *args: None)  # nothing comes after
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        assert not app.query(Input)
        await type_fast(pilot, "slash", "G", "u", "f", "1", "enter")
        assert app.view.query_text == "Guf1"


async def test_keys_typed_fast_after_enter_act_on_the_list(app_factory, many_dir: Path):
    """/number 1 typed, then Enter and "m" in one burst: m marks the first match read,
    it does not replace the query."""
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("slash", *"number", "space", "1")  # the filter is not applied yet
        await type_fast(pilot, "enter", "m")
        assert app.view.query_text == "number 1"
        assert app.focused is articles and not app.query_one("#search").has_class("-open")
        matches = articles.articles
        assert 1 < len(matches) < 60 and all("1" in f"{a.title} {a.provider}" for a in matches)
        assert app.state.is_read(matches[0].id)
        await pilot.press("slash")
        await type_fast(pilot, "enter", "j", "j", "m")
        assert app.view.query_text == "number 1" and articles.articles == matches
        third = articles.articles[2]
        assert articles.article is third and app.state.is_read(third.id)
        assert not app.state.is_read(articles.articles[1].id)


async def test_a_search_typed_and_entered_in_one_burst_leaves_the_next_key_to_the_list(
    app_factory, many_dir: Path
):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await type_fast(pilot, "slash", *"number", "enter", "m")
        assert app.view.query_text == "number"
        assert app.focused is articles and app.state.is_read(articles.articles[0].id)
