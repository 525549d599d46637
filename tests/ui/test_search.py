"""Pilot tests of the search bar: typing filters, Enter keeps, Esc clears, highlights, saving."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from reader.scope import ALL, SavedSearch
from reader.widgets.article_list import ArticleList
from reader.widgets.search_bar import SearchBar
from reader.widgets.topic_sidebar import TopicSidebar

from .conftest import wait_loaded

GULF = "Amazon stops police using its face-recognition technology"


async def type_query(pilot, text: str) -> None:
    await pilot.press(*[("space" if c == " " else c) for c in text])
    await pilot.pause(0.3)  # past the debounce


async def test_typing_filters_enter_keeps_esc_clears(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("slash")
        bar = app.query_one(SearchBar)
        assert bar.has_class("-open") and app.focused is bar.query_one(Input)
        await type_query(pilot, "rekognition")
        assert [a.title for a in articles.articles] == [GULF]
        await pilot.press("enter")
        assert not bar.has_class("-open")
        assert app.focused is articles
        assert "search: rekognition" in str(app.query_one("#status", Static).content)
        assert [a.title for a in articles.articles] == [GULF]
        # highlighted in the list row and in the detail
        spans = articles.highlighter("Rekognition here")
        assert spans == [(0, 11)]
        body = app.detail.body
        assert any("reverse" in str(span.style) for span in body.spans)
        await pilot.press("slash")
        assert bar.query_one(Input).value == "rekognition"
        await pilot.press("escape")
        assert len(articles.articles) == 2
        assert app.view.query_text == ""


async def test_invalid_query_keeps_last_results(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("slash")
        await type_query(pilot, "facial")
        assert len(articles.articles) == 1
        await type_query(pilot, ' "unclosed')
        bar = app.query_one(SearchBar)
        assert bar.has_class("-error")
        assert str(bar.query_one("#search-error", Static).content)
        assert len(articles.articles) == 1, "the last good results stay"


async def test_field_query_and_save_search(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("slash")
        await type_query(pilot, "quality:>49")
        await pilot.press("enter")
        assert sorted(a.quality for a in articles.articles) == list(range(50, 60))
        await pilot.press("ctrl+s")
        await pilot.press(*"top", "enter")
        await pilot.pause()
        assert app.state.saved_searches() == {"top": "quality:>49"}
        sidebar = app.query_one(TopicSidebar)
        entry = next(e for e in sidebar.entries if e.scope == SavedSearch("top"))
        assert (entry.unread, entry.total) == (10, 10)
        await pilot.press("escape")  # clear the search
        assert len(articles.articles) == 60
        app.scope = SavedSearch("top")
        await pilot.pause()
        assert len(articles.articles) == 10
        await pilot.press("m")
        entry = next(e for e in sidebar.entries if e.scope == SavedSearch("top"))
        assert entry.unread == 9


async def test_is_unread_search_follows_marks(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        app.state.save_search("unread", "is:unread")
        app.apply_query("is:unread")
        await pilot.pause()
        assert len(articles.articles) == 60
        await pilot.press("m")
        assert len(articles.articles) == 59
        entry = next(
            e for e in app.query_one(TopicSidebar).entries if e.scope == SavedSearch("unread")
        )
        assert (entry.unread, entry.total) == (59, 59)


def cursor_visible(articles: ArticleList) -> bool:
    top = round(articles.scroll_y)
    return top <= articles.cursor < top + articles.scrollable_content_region.height


async def test_the_selection_stays_visible_when_a_kept_search_is_cleared(app_factory, many_dir):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        for query, moves in (("topic:Odd", ("G", "k")), ("topic:Even", ("g", "j")), ("4", ("G",))):
            await pilot.press("slash")
            await type_query(pilot, query)
            await pilot.press("enter", *moves)
            chosen = articles.article
            assert cursor_visible(articles)
            await pilot.press("escape")  # clears the kept search
            await pilot.pause()
            assert app.view.query_text == "" and len(articles.articles) == 60
            assert articles.article is chosen
            assert cursor_visible(articles), (query, articles.cursor, articles.scroll_y)


async def test_a_search_saved_in_a_topic_keeps_the_topic(app_factory, many_dir):
    from reader.scope import Topic
    from reader.screens.save_search import SaveSearchScreen

    app = app_factory(many_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        app.scope = Topic("Odd")
        await pilot.pause()
        await pilot.press("slash")
        await type_query(pilot, "quality:>49")
        await pilot.press("enter")
        assert sorted(a.quality for a in articles.articles) == [51, 53, 55, 57, 59]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SaveSearchScreen)
        said = " ".join(str(s.content) for s in app.screen.query(Static))
        assert "topic “Odd”" in said
        await pilot.press(*"odd", "enter")
        await pilot.pause()
        sidebar = app.query_one(TopicSidebar)
        entry = next(e for e in sidebar.entries if e.scope == SavedSearch("odd"))
        assert (entry.unread, entry.total) == (5, 5)
        await pilot.press("escape")
        app.scope = SavedSearch("odd")
        await pilot.pause()
        assert sorted(a.quality for a in articles.articles) == [51, 53, 55, 57, 59]


async def test_the_footer_is_rebuilt_only_when_delete_comes_or_goes(
    app_factory, many_dir: Path, monkeypatch
):
    """Walking the sidebar refreshes the bindings (a footer rebuild and a layout of the
    screen) only where "Delete saved search" appears or disappears."""
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        app.state.save_search("unread", "is:unread")
        app.reading.update_sidebar()
        await pilot.pause()
        sidebar = app.query_one(TopicSidebar)
        refreshed: list[bool] = []
        refresh = TopicSidebar.refresh_bindings
        monkeypatch.setattr(
            TopicSidebar, "refresh_bindings", lambda self: refreshed.append(True) or refresh(self)
        )
        sidebar.focus()
        scopes = [e.scope for e in sidebar.entries]
        saved = scopes.index(SavedSearch("unread"))
        await pilot.press("g")  # All: nothing to delete, as before
        assert refreshed == []
        await pilot.press(*["j"] * saved)  # Starred, then the saved search
        await pilot.pause()
        assert len(refreshed) == 1
        await pilot.press("j", "j")  # two topics: delete goes away once
        await pilot.pause()
        assert len(refreshed) == 2


def footer_actions(app) -> set[str]:
    """The actions the footer lists (dimmed ones too)."""
    return {active.binding.action for active in app.screen.active_bindings.values()}


async def test_delete_saved_search_is_in_the_footer_only_on_a_saved_search(
    app_factory, many_dir: Path
):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        app.state.save_search("unread", "is:unread")
        app.reading.update_sidebar()
        await pilot.pause()
        sidebar = app.query_one(TopicSidebar)
        scopes = [e.scope for e in sidebar.entries]
        await pilot.press("shift+tab")
        assert app.focused is sidebar and sidebar.selected_scope == ALL
        assert "delete_entry" not in footer_actions(app), "not even dimmed on All"
        await pilot.press(*["j"] * scopes.index(SavedSearch("unread")))
        await pilot.pause()
        assert "delete_entry" in footer_actions(app)
        await pilot.press("j")
        await pilot.pause()
        assert "delete_entry" not in footer_actions(app)


async def test_a_query_nested_too_deep_is_an_error_under_the_bar(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("slash")
        await type_query(pilot, "facial")
        bar = app.query_one(SearchBar)
        bar.query_one(Input).insert_text_at_cursor(" " + "(" * 1000 + "ai" + ")" * 1000)
        await type_query(pilot, "")
        assert bar.has_class("-error")
        error = str(bar.query_one("#search-error", Static).content)
        assert "brackets nested too deep (at most 32)" in error
        assert len(articles.articles) == 1, "the last good results stay"
        await pilot.press("enter")
        assert app.is_running


async def test_saving_under_a_name_in_use_asks_before_replacing(
    app_factory, many_dir: Path, notices
):
    from reader.scope import Topic
    from reader.screens.save_search import SaveSearchScreen

    app = app_factory(many_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("slash")
        await type_query(pilot, "quality:>49")
        await pilot.press("enter", "ctrl+s", *"top", "enter")
        await pilot.pause()
        assert app.state.saved_searches() == {"top": "quality:>49"}
        app.scope = Topic("Odd")
        await pilot.pause()
        await pilot.press("ctrl+s", "ctrl+a", "ctrl+k", *"top", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveSearchScreen), "the dialog stays open"
        said = " ".join(str(s.content) for s in app.screen.query(Static) if s.display)
        assert "“top” is already a saved search (quality:>49)" in said
        assert "Enter again replaces it" in said
        assert app.state.saved_searches() == {"top": "quality:>49"}
        await pilot.press("2", "enter")  # another name: both are kept
        await pilot.pause()
        assert app.state.saved_searches() == {
            "top": "quality:>49",
            "top2": 'topic:"Odd" (quality:>49)',
        }
        await pilot.press("ctrl+s", "ctrl+a", "ctrl+k", *"top", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveSearchScreen)
        await pilot.press("enter")  # again: replaced, and it says so
        await pilot.pause()
        assert not isinstance(app.screen, SaveSearchScreen)
        assert app.state.saved_searches()["top"] == 'topic:"Odd" (quality:>49)'
        assert notices[-1] == "Replaced the saved search “top”."


async def _highlight(app, pilot, scope) -> None:
    app.sidebar.focus()
    app.sidebar.highlighted = [e.scope for e in app.sidebar.entries].index(scope)
    await pilot.pause()
    await pilot.pause()
    assert app.scope == scope


async def test_x_asks_before_deleting_a_saved_search_and_says_why_elsewhere(
    app_factory, many_dir: Path, notices
):
    from reader.scope import Tag, Topic
    from reader.screens.feed_dialogs import ConfirmScreen

    app = app_factory(many_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        app.state.save_search("top", "quality:>49")
        app.state.set_tag([app.article_list.article.id], "later")
        app.reading.update_sidebar()
        await pilot.pause()
        await _highlight(app, pilot, SavedSearch("top"))
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        said = " ".join(str(s.content) for s in app.screen.query(Static))
        assert "Delete the saved search “top”?" in said and "quality:>49" in said
        await pilot.press("n")
        await pilot.pause()
        assert app.state.saved_searches() == {"top": "quality:>49"}
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.state.saved_searches() == {} and app.scope == ALL
        assert notices[-1] == "Deleted saved search “top”."

        await _highlight(app, pilot, Topic("Odd"))
        await pilot.press("x")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "The topic “Odd” comes from its articles" in notices[-1]
        await _highlight(app, pilot, Tag("later"))
        await pilot.press("delete")
        await pilot.pause()
        assert "The tag “later” goes once no article has it" in notices[-1]
        await _highlight(app, pilot, ALL)
        await pilot.press("x")
        await pilot.pause()
        assert "Only saved searches and feeds" in notices[-1]
        assert app.scope == ALL and app.state.tagged("later")
