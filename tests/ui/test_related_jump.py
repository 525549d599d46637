"""Enter on a related story that is in the library shows it in the list and the detail,
whatever the topic, search, hide-read or stories view in force."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from reader.scope import ALL, Story, Topic
from reader.widgets.article_list import ArticleList
from reader.widgets.detail_pane import DetailPane

from .conftest import article_fields, wait_loaded, write_seed


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "rel"
    folder.mkdir()
    related = [{"title": "Child in library", "webUrl": "https://example.com/2"}]
    parent = article_fields(9, title="Parent meta story", topics=["Alpha"], related=related)
    write_seed(folder, "a.txt", **parent)
    # Two days before its parent: a link joins one story only within a week.
    child = article_fields(2, title="Child in library", topics=["Beta"])
    child["publishedDateTime"] = parent["publishedDateTime"] - timedelta(days=2)
    write_seed(folder, "b.txt", **child)
    write_seed(folder, "c.txt", **article_fields(5, title="Other meta story", topics=["Alpha"]))
    return folder


async def jump_to_child(app, pilot) -> None:
    articles = app.query_one(ArticleList)
    assert articles.article.title == "Parent meta story"
    await pilot.press("enter")  # open: focus in the related list
    assert app.focused is app.query_one(DetailPane)
    await pilot.press("enter")  # the related story, in the library under Beta


def assert_child_shown(app) -> None:
    articles = app.query_one(ArticleList)
    assert articles.article is not None and articles.article.title == "Child in library"
    assert app.detail.article is articles.article, "the detail shows what the list highlights"
    assert app.focused is articles


async def test_from_a_topic_with_a_kept_search(app_factory, folder: Path, notices):
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        app.scope = Topic("Alpha")
        await pilot.pause()
        await pilot.press("slash", *"meta", "enter")
        assert app.view.query_text == "meta"
        await jump_to_child(app, pilot)
        assert_child_shown(app)
        assert app.scope == ALL and app.view.query_text == ""
        assert any("search" in notice for notice in notices), "it says why the search went"


async def test_from_all_with_a_kept_search(app_factory, folder: Path):
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("slash", *"meta", "enter")
        await jump_to_child(app, pilot)
        assert_child_shown(app)
        assert app.view.query_text == ""


async def test_a_search_that_matches_it_stays(app_factory, folder: Path):
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("slash", *"story", "enter")  # "Child in library" does not match
        app.scope = Topic("Alpha")
        await pilot.pause()
        await pilot.press("slash", "ctrl+u", *"i", "enter")  # every title has an i
        await jump_to_child(app, pilot)
        assert_child_shown(app)
        assert app.view.query_text == "i"


async def test_a_read_story_under_hide_read(app_factory, folder: Path):
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        child = next(a for a in app.store.ordered("date") if a.title == "Child in library")
        app.state.mark_read([child.id])
        await pilot.press("h")
        assert child not in app.query_one(ArticleList).articles
        await jump_to_child(app, pilot)
        assert_child_shown(app)


async def test_in_the_stories_view_it_opens_the_story_that_holds_it(app_factory, folder: Path):
    """The parent links the child: one story, one row. Its other article is found in
    the story, opened as Enter on the row would."""
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("c")
        assert app.stories_mode
        articles = app.query_one(ArticleList)
        titles = [a.title for a in articles.articles]
        assert "Child in library" not in titles and "Parent meta story" in titles
        articles.select_id(next(a.id for a in articles.articles if a.title.startswith("Parent")))
        await pilot.press("tab")  # into the detail: its first entry, "Also covered by"
        assert app.focused is app.query_one(DetailPane)
        await pilot.press("enter")
        assert_child_shown(app)
        assert isinstance(app.scope, Story)
