"""Pilot tests of stories: Also covered by, the c view, opening a story."""

from __future__ import annotations

from textual.widgets import Static

from reader.widgets.article_list import ArticleList
from reader.widgets.detail_pane import RelatedList

from .conftest import prompt_text, wait_loaded

GRIO = "Amazon stops police use of facial recognition technology"
GULF = "Amazon stops police using its face-recognition technology"


def related_prompts(app) -> list[str]:
    related = app.query_one(RelatedList)
    return [prompt_text(related.get_option_at_index(i).prompt) for i in range(related.option_count)]


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
        assert app.story_badge(articles.article) == "+1"
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
        assert app.focused is app.query_one(RelatedList)
        await pilot.press("enter")
        assert articles.article.title == GULF


async def test_mark_story_read_option(app_factory):
    app = app_factory(mark_story_read=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("enter")
        assert all(app.is_read(a.id) for a in app.store)
