"""Pilot: T tags the article (completing from tags in use); tags show in the sidebar and in tag:."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from reader.scope import Tag
from reader.screens.tag import TagScreen

from .conftest import wait_loaded


async def test_t_adds_and_removes_a_tag_with_completion(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_loaded(app, pilot)
        first = app.article_list.article
        await pilot.press("T")
        assert isinstance(app.screen, TagScreen)
        await pilot.press(*"read later", "enter")
        await pilot.pause()
        assert app.state.tags_of(first.id) == {"read later"}
        labels = [e.label for e in app.library.sidebar(False)]
        assert "#read later" in labels
        assert "Tags: #read later\n" in app.detail.body.plain  # on the article itself

        await pilot.press("j")
        second = app.article_list.article
        await pilot.press("T", "r")
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert field._suggestion == "read later"  # completion from the tags in use
        await pilot.press("right", "enter")
        await pilot.pause()
        assert app.state.tagged("read later") == {first.id, second.id}

        app.scope = Tag("read later")
        await pilot.pause()
        assert {a.id for a in app.article_list.articles} == {first.id, second.id}
        await pilot.press("slash", *'tag:"read later"', "enter")
        await pilot.pause()
        assert len(app.article_list.articles) == 2

        await pilot.press("escape")  # the search goes; the tag's view stays
        await pilot.pause()
        app.article_list.focus()
        await pilot.pause()
        target = app.article_list.article
        await pilot.press("T", *"READ LATER", "enter")  # the same tag, in any case: off
        await pilot.pause()
        assert target.id not in app.state.tagged("read later")
        await pilot.press("escape")


async def test_a_tag_set_by_another_copy_shows_on_the_article_once_it_is_read(
    app_factory, many_dir: Path
):
    app = app_factory(many_dir)
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_loaded(app, pilot)
        first = app.article_list.article
        assert "Tags:" not in app.detail.body.plain
        app.state.set_tag([first.id], "later", True)  # as a poll of the database brings it
        app.reading.show_article(first)
        await pilot.pause()
        assert "Tags: #later\n" in app.detail.body.plain


async def test_u_undoes_a_tag_before_the_star_that_came_first(app_factory, many_dir: Path, notices):
    app = app_factory(many_dir)
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_loaded(app, pilot)
        first = app.article_list.article
        await pilot.press("f", "T", *"later", "enter")
        await pilot.pause()
        assert app.state.tags_of(first.id) == {"later"}
        app.scope = Tag("later")
        await pilot.pause()
        app.article_list.focus()
        await pilot.press("u")
        await pilot.pause()
        assert app.state.tags_of(first.id) == set() and app.state.is_starred(first.id)
        assert notices[-1] == "Undid: tag 1 article “later”"
        assert "#later" not in [e.label for e in app.library.sidebar(False)]
        assert app.scope != Tag("later"), "the view of a tag no article has any more is left"
        await pilot.press("u")
        await pilot.pause()
        assert not app.state.is_starred(first.id)
