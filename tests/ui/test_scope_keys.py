"""Keys typed fast act on the view the user sees: a bulk key after sidebar moves
reads the scope the sidebar shows, not the one its queued moves have not reached yet."""

from __future__ import annotations

from pathlib import Path

from reader.scope import ALL, Topic
from reader.widgets.article_list import ArticleList
from reader.widgets.topic_sidebar import TopicSidebar

from .conftest import type_fast, wait_loaded


def counts(app) -> dict[str, tuple[int, int]]:
    return {e.label: (e.unread, e.total) for e in app.query_one(TopicSidebar).entries}


async def test_fast_moves_then_mark_all_marks_the_topic(app_factory, many_dir: Path, notices):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        sidebar = app.query_one(TopicSidebar)
        await type_fast(pilot, "shift+tab", "j", "j", "A")  # All -> Starred -> Even, as typed
        assert app.scope == Topic("Even")
        assert sidebar.selected_scope == Topic("Even"), "the highlight stays where it went"
        assert counts(app)["Even"] == (0, 30)
        assert counts(app)["All"] == (30, 60), "only the topic in view is marked"
        assert any("Marked 30 articles read" in m for m in notices)


async def test_fast_moves_then_tab_then_mark_all(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await type_fast(pilot, "shift+tab", "j", "j", "j", "tab", "A")
        assert app.scope == Topic("Odd")
        assert counts(app)["Odd"] == (0, 30)
        assert counts(app)["Even"] == (30, 30)


async def test_fast_moves_then_hide_read_stories_and_sort(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await type_fast(pilot, "shift+tab", "j", "j", "s")
        assert app.scope == Topic("Even") and app.sort == "quality"
        assert [a.quality for a in articles.articles][:2] == [58, 56]
        await type_fast(pilot, "k", "k", "h")
        assert app.scope == ALL and app.hide_read
        assert len(articles.articles) == 60
        await type_fast(pilot, "j", "j", "j", "c")
        assert app.scope == Topic("Odd") and app.stories_mode
        assert app.query_one(TopicSidebar).selected_scope == Topic("Odd")


async def test_fast_moves_then_mark_and_star(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await type_fast(pilot, "shift+tab", "j", "j", "j", "m", "f")
        assert app.scope == Topic("Odd")
        marked = articles.article
        assert "Odd" in marked.topics
        assert app.is_read(marked.id) and app.state.is_starred(marked.id)
        assert counts(app)["Odd"] == (29, 30)
        assert counts(app)["Even"] == (30, 30)


async def test_fast_moves_then_a_click_on_an_article_clicks_the_topic_moved_to(
    app_factory, many_dir: Path
):
    """j j j then a click on the second article: the click lands in the list the
    sidebar moved to (as a key would), not in the list its queued moves replace."""
    from textual import events

    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        region = articles.region
        x, y = region.x + 10, region.y + 1  # the second row
        await type_fast(pilot, "shift+tab", "j", "j", "j")  # All -> Starred -> Even -> Odd
        assert app.scope == Topic("Odd")  # type_fast paused: the moves arrived
        # k (back to Even) and the click in one burst: the click is queued before the
        # sidebar's news of the move.
        burst: list[events.Event] = [events.Key("k", "k")]
        for kind in (events.MouseDown, events.MouseUp):
            burst.append(kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y))
        for event in burst:
            event.set_sender(app)
            app.post_message(event)
        await pilot.pause()
        await pilot.pause()
        assert app.scope == Topic("Even")
        assert articles.cursor == 1
        assert "Even" in articles.article.topics
