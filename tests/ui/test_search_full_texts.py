"""Pilot tests of / with full texts stored: what the titles and excerpts match shows at
once, what only a full text holds joins the list when the worker has looked it up."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.fulltext import Block, Document, TextStore
from reader.tui.controller import in_thread
from reader.tui.search import SearchActions
from reader.widgets.article_list import ArticleList

from .conftest import article_fields, wait_loaded, wait_workers, write_seed

TITLES = ["Bridge opens at dawn", "Council votes", "Harbour news", "Market day"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    news = tmp_path / "news"
    news.mkdir()
    for n, title in enumerate(TITLES):
        # Newest first: Bridge (day 20), Council, Harbour, Market (day 17).
        fields = article_fields(n, title=title, excerpt=f"Short note {n}.")
        fields["publishedDateTime"] = fields["publishedDateTime"].replace(day=20 - n)
        write_seed(news, f"{n}.txt", **fields)
    return news


class Held:
    """One held look-up: answered once ``release`` is set; ``done`` once its worker ended."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.done = threading.Event()

    async def finished(self) -> None:
        """Until its worker has posted its answer (or given it up), and that was handled."""
        assert await asyncio.to_thread(self.done.wait, 10)


class HeldLookUps:
    """TextStore.look_up (the worker's step) for a held word looks it up at once and
    answers only when let go; the next look-up of that word is not held."""

    def __init__(self) -> None:
        self.held: dict[str, Held] = {}
        self.asked: list[tuple[str, ...]] = []
        self._running = threading.local()  # the holds of the worker in this thread

    def hold(self, value: str) -> Held:
        held = self.held[value] = Held()
        return held

    def look_up(self, look_up):
        def held_look_up(store: TextStore, values, cancelled=lambda: False):
            values = tuple(values)
            self.asked.append(values)
            holds = [self.held.pop(value) for value in values if value in self.held]
            self._running.holds = holds
            found = look_up(store, values, cancelled)
            for held in holds:
                held.release.wait(10)
            return found

        return held_look_up

    def worker(self, find_in_texts):
        def traced(search, query, values):
            self._running.holds = []
            try:
                find_in_texts(search, query, values)
            finally:
                for held in self._running.holds:
                    held.done.set()

        return in_thread(group="text-search", exclusive=True)(traced)


@pytest.fixture
def look_ups(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldLookUps]:
    held = HeldLookUps()
    monkeypatch.setattr(TextStore, "look_up", held.look_up(TextStore.look_up))
    worker = held.worker(SearchActions.find_in_texts.__wrapped__)  # type: ignore[attr-defined]
    monkeypatch.setattr(SearchActions, "find_in_texts", worker)
    yield held
    for one in held.held.values():
        one.release.set()


def store_text(app, title: str, text: str) -> None:
    article = next(a for a in app.store if a.title == title)
    app.texts.put_document(
        article.id, article.url, article.url, Document((Block("paragraph", text),), ())
    )


def titles(app) -> list[str]:
    return [a.title for a in app.query_one(ArticleList).articles]


async def type_query(pilot, text: str) -> None:
    await pilot.press(*[("space" if c == " " else c) for c in text])
    await pilot.pause(0.3)  # past the search bar's debounce


async def test_full_text_matches_join_after_the_worker_and_the_cursor_stays(
    app_factory, folder, look_ups
):
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        store_text(app, "Council votes", "The new bridge was the first item on the agenda.")
        store_text(app, "Market day", "Stalls by the old bridge, and a band.")
        store_text(app, "Harbour news", "Nothing about crossings here.")
        held = look_ups.hold("bridge")
        await pilot.press("slash")
        await type_query(pilot, "bridge")
        # At once: the title's match; the full texts are still being looked up.
        assert titles(app) == ["Bridge opens at dawn"]
        assert app.query_one(ArticleList).article.title == "Bridge opens at dawn"
        held.release.set()
        await wait_workers(app)
        await pilot.pause()
        assert titles(app) == ["Bridge opens at dawn", "Council votes", "Market day"]
        assert look_ups.asked == [("bridge",)]
        # Looked up once: the same word again asks nothing.
        app.apply_query("bridge")
        assert titles(app) == ["Bridge opens at dawn", "Council votes", "Market day"]
        await wait_workers(app)
        assert look_ups.asked == [("bridge",)]


async def test_the_cursor_stays_on_its_article_as_full_text_matches_join(
    app_factory, folder, look_ups
):
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        store_text(app, "Council votes", "The new bridge was the first item on the agenda.")
        await pilot.press("G")
        assert app.query_one(ArticleList).article.title == "Market day"
        held = look_ups.hold("agenda")
        app.apply_query("agenda OR market")
        assert titles(app) == ["Market day"]
        assert app.query_one(ArticleList).article.title == "Market day"
        held.release.set()
        await wait_workers(app)
        await pilot.pause()
        assert titles(app) == ["Council votes", "Market day"]  # one row above the cursor
        assert app.query_one(ArticleList).article.title == "Market day"
        assert "Market day" in app.detail.body.plain


async def test_a_late_answer_never_overwrites_a_later_keystroke(app_factory, folder, look_ups):
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        store_text(app, "Council votes", "The new bridge was the first item on the agenda.")
        held = look_ups.hold("bridge")
        app.apply_query("bridge")
        await pilot.pause()
        store_text(app, "Market day", "Stalls by the harbour, and a band.")  # fetched meanwhile
        app.apply_query("harbour")
        await wait_workers(app)
        await pilot.pause()
        later = ["Harbour news", "Market day"]
        assert titles(app) == later
        held.release.set()  # the first keystroke's answer comes last
        await held.finished()
        await pilot.pause()
        await pilot.pause()
        assert titles(app) == later and app.view.query_text == "harbour"
        assert look_ups.asked == [("bridge",), ("harbour",)]


async def test_a_text_query_waits_for_its_full_texts(app_factory, folder, look_ups):
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        store_text(app, "Council votes", "The new bridge was the first item on the agenda.")
        app.apply_query("text:bridge")
        assert titles(app) == ["Council votes"]  # no empty list first
        assert look_ups.asked == []


async def test_a_text_fetched_during_a_search_joins_its_results(app_factory, folder, look_ups):
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        store_text(app, "Council votes", "The new bridge was the first item on the agenda.")
        app.apply_query("bridge")
        await wait_workers(app)
        await pilot.pause()
        assert titles(app) == ["Bridge opens at dawn", "Council votes"]
        from reader.tui.messages import FullTextFetched

        store_text(app, "Harbour news", "A bridge for the harbour.")
        harbour = next(a for a in app.store if a.title == "Harbour news")
        app.post_message(FullTextFetched(harbour, None))
        await pilot.pause()
        await wait_workers(app)
        await pilot.pause()
        assert titles(app) == ["Bridge opens at dawn", "Council votes", "Harbour news"]
