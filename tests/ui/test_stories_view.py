"""Pilot tests of stories: Also covered by, the c view, opening a story."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Static

import reader.app
from reader.stories import group_stories
from reader.widgets.article_list import ArticleList
from reader.widgets.detail_pane import DetailPane

from .conftest import related_prompts, wait_loaded

GRIO = "Amazon stops police use of facial recognition technology"
GULF = "Amazon stops police using its face-recognition technology"


async def test_also_covered_by_and_stories_view(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        assert articles.article.title == GRIO
        prompts = related_prompts(app)
        assert prompts[0] == "Also covered by"
        assert "Gulf News" in prompts[1] and GULF in prompts[1]
        await pilot.press("c")
        assert app.stories_mode
        assert len(articles.articles) == 1
        assert app.reading.story_badge(articles.article) == "+1"
        assert "1 story, 1 unread" in str(app.query_one("#status", Static).content)
        await pilot.press("enter")  # open the story: its articles
        assert {a.title for a in articles.articles} == {GRIO, GULF}
        await pilot.press("escape")
        assert len(articles.articles) == 1
        await pilot.press("c")
        assert len(articles.articles) == 2


async def test_also_covered_entry_opens_the_other_article(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("enter")  # focus moves to the related list, on Gulf News
        assert app.focused is app.query_one(DetailPane)
        await pilot.press("enter")
        assert articles.article.title == GULF


async def test_mark_story_read_option(app_factory):
    app = app_factory(mark_story_read=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("enter")
        assert all(app.is_read(a.id) for a in app.store)


def story_folder(tmp_path):
    """Two stories of two articles each, and one article alone."""
    from datetime import UTC, datetime

    from .conftest import article_fields, write_seed

    folder = tmp_path / "stories"
    folder.mkdir()
    titles = [
        "Amazon stops police use of facial recognition",
        "Amazon stops police using facial recognition",
        "Volcano erupts near remote island village",
        "Volcano erupts near remote island villages",
        "Markets close higher after quiet trading session",
    ]
    for n, title in enumerate(titles):
        day = datetime(2026, 1, 10 + n // 2, n, tzinfo=UTC)
        fields = article_fields(n, title=title, publishedDateTime=day, related=[])
        write_seed(folder, f"{n}.txt", **fields)
    return folder


def row_text(articles: ArticleList, row: int) -> str:
    """What the list shows on one row (the list is scrolled to its top)."""
    return articles.render_line(row).text


def status_text(app) -> str:
    return str(app.query_one("#status", Static).content)


@pytest.mark.parametrize("mark_story_read", [False, True])
async def test_marks_in_the_stories_view_act_on_whole_stories(
    app_factory, tmp_path, mark_story_read
):
    app = app_factory(story_folder(tmp_path), mark_story_read=mark_story_read)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("c")
        assert len(articles.articles) == 3
        assert "3 stories, 3 unread" in status_text(app)
        await pilot.press("j")  # newest first: the lone article, then two stories
        head = articles.article
        assert app.reading.story_badge(head) == "+1"
        story = [a.id for a in app.library.story_of(head).articles]
        await pilot.press("m")  # the whole story: row, counts and every article agree
        assert all(app.is_read(i) for i in story)
        assert "●" not in row_text(articles, 1)
        assert "3 stories, 2 unread" in status_text(app)
        await pilot.press("u")
        assert not any(app.is_read(i) for i in story)
        assert "3 stories, 3 unread" in status_text(app)
        await pilot.press("f")
        assert all(app.state.is_starred(i) for i in story)
        await pilot.press("f")
        assert not any(app.state.is_starred(i) for i in story)
        # Only the head read: the row stays unread, and n finds it.
        app.state.mark_read([head.id])
        app.marks.changed()
        assert "●" in row_text(articles, 1)
        await pilot.press("g", "n")
        assert articles.cursor == 1
        await pilot.press("g", "A")
        assert all(app.is_read(a.id) for a in app.store)
        assert "3 stories, 0 unread" in status_text(app)
        assert not any("●" in row_text(articles, row) for row in range(3))
        await pilot.press("u")
        assert "3 stories, 3 unread" in status_text(app)
        await pilot.press("g", "n")
        assert articles.cursor == 1


async def test_the_stories_view_says_it_lists_articles_until_its_stories_are_grouped(
    app_factory, monkeypatch
):
    monkeypatch.setattr(reader.app, "QUICK_START_BYTES", 0)  # as for a large library
    first = app_factory()
    async with first.run_test(size=(120, 36)) as pilot:
        await wait_loaded(first, pilot)
        await pilot.press("c")  # remembered: the next start opens on the stories view
        assert first.stories_mode
    gate = threading.Event()

    def slow_group(articles):
        gate.wait(20)
        return group_stories(articles)

    app = app_factory(group=slow_group)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.pause()
        status = str(app.query_one("#status", Static).content)
        assert app.stories_mode and app.library.stories is None
        assert "2 articles, 2 unread" in status and "grouping stories…" in status
        assert "stor" not in status.replace("grouping stories…", "")
        gate.set()
        for _ in range(100):
            await pilot.pause(0.02)
            if app.library.stories is not None:
                break
        await pilot.pause()
        status = str(app.query_one("#status", Static).content)
        assert "1 story, 1 unread" in status and "grouping" not in status
