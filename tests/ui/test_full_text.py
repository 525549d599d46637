"""Pilot tests of the full text: t fetches it from a local server, t again shows the excerpt."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.fulltext import TextStore, articles_db_path
from reader.widgets.article_list import ArticleList
from reader.widgets.detail_text import FETCHING

from .conftest import article_fields, wait_loaded, wait_workers, write_seed

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
import pages  # noqa: E402
from feed_server import FeedServer  # noqa: E402


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with pages.page_server() as running:
        yield running


@pytest.fixture
def folder(tmp_path: Path, server: FeedServer) -> Path:
    news = tmp_path / "news"
    news.mkdir()
    for n, path in enumerate(["/news", "/blog", "/hostile", "/paper"]):
        fields = article_fields(n, title=f"Story {path[1:]}", webUrl=server.url(path))
        fields["publishedDateTime"] = fields["publishedDateTime"].replace(day=20 - n)
        write_seed(news, f"{n}.txt", **fields)
    return news


async def fetched(app, pilot) -> None:
    await wait_workers(app)
    await pilot.pause()
    await pilot.pause()


async def test_t_fetches_shows_and_t_again_returns_to_the_excerpt(app_factory, folder, server):
    gate = threading.Event()  # the page is answered only once the pane was checked

    def held(handler) -> None:
        gate.wait(10)
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(pages.NEWS)))
        handler.end_headers()
        handler.wfile.write(pages.NEWS)

    server.routes["/news"] = held
    app = app_factory(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        assert app.query_one(ArticleList).article.title == "Story news"
        assert "Excerpt of article 0." in app.detail.body.plain
        await pilot.press("t")
        await pilot.press("j", "k")  # keys keep answering while it fetches
        assert app.query_one(ArticleList).article.title == "Story news"
        assert FETCHING in app.detail.body.plain  # shown at once, the fetch in a worker
        gate.set()
        await fetched(app, pilot)
        text = app.detail.body.plain
        assert "first buses crossing at dawn" in text and "Cookie policy" not in text
        assert "Story news" in text and "Provider 0" in text  # title and provider stay
        assert "[2] https://example.org/budget" in text  # links listed under the text
        await pilot.press("t")
        assert "first buses" not in app.detail.body.plain
        assert "Excerpt of article 0." in app.detail.body.plain
        article_id = app.query_one(ArticleList).article.id
    stored = TextStore(articles_db_path()).get(article_id)
    assert stored is not None and stored.status == "ok"


async def test_a_stored_text_opens_without_the_network(app_factory, folder, server):
    app = app_factory(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("t")
        await fetched(app, pilot)
    server.stop()  # offline now
    again = app_factory(folder)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_loaded(again, pilot)
        await pilot.press("t")
        assert FETCHING not in again.detail.body.plain
        assert "first buses crossing at dawn" in again.detail.body.plain


async def test_a_failure_is_said_in_the_pane_and_the_excerpt_stays(app_factory, folder):
    app = app_factory(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("G")
        await pilot.press("t")
        await fetched(app, pilot)
        text = app.detail.body.plain
        assert "No full text: the link is a PDF document (application/pdf)" in text
        assert "Excerpt of article 3." in text


async def test_t_on_a_failure_tries_again_and_the_excerpt_stays(app_factory, folder, server):
    """The first t after a failure only hid its note; a second t tried again."""
    app = app_factory(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("G", "t")
        await fetched(app, pilot)
        assert "t tries again" in app.detail.body.plain
        asked = server.paths().count("/paper")
        await pilot.press("t")
        await fetched(app, pilot)
        assert server.paths().count("/paper") == asked + 1
        text = app.detail.body.plain
        assert "No full text: the link is a PDF document (application/pdf)" in text
        assert "Excerpt of article 3." in text


async def test_hostile_text_shows_literally(app_factory, folder):
    app = app_factory(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("j", "j", "t")
        await fetched(app, pilot)
        text = app.detail.body.plain
        assert "[bold]markup[/bold]" in text and "[WIP] [$5]" in text
        assert "\x1b" not in text and "javascript:" not in text


async def test_the_search_highlights_the_full_text(app_factory, folder):
    app = app_factory(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("t")
        await fetched(app, pilot)
        app.apply_query("text:commuters")
        await fetched(app, pilot)
        assert [a.title for a in app.query_one(ArticleList).articles] == ["Story news"]
        body = app.detail.body
        start = body.plain.index("commuters")
        styles = [str(span.style) for span in body.spans if span.start <= start < span.end]
        assert any("reverse" in style for style in styles)


async def test_on_open_fetches_when_an_article_is_opened(app_factory, folder, server):
    app = app_factory(folder, full_text="on-open")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await fetched(app, pilot)
        assert server.paths() == []  # the cursor was put there, no one rested on it
        await pilot.press("enter")
        await fetched(app, pilot)
        assert "first buses crossing at dawn" in app.detail.body.plain
        assert server.paths() == ["/news"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_on_open_fetches_the_article_the_cursor_rests_on(app_factory, folder, server):
    clock = FakeClock()
    app = app_factory(folder, full_text="on-open", clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("j", "j", "j", "k")  # past blog, hostile and paper; back on hostile
        app.full_texts.check_rest()
        await fetched(app, pilot)
        assert server.paths() == []  # no article was rested on: nothing passed over is fetched
        clock.now += 1
        app.full_texts.check_rest()
        await fetched(app, pilot)
        assert server.paths() == ["/hostile"]  # the one it rests on
        assert app.query_one(ArticleList).article.title == "Story hostile"
        assert "[bold]markup[/bold]" in app.detail.body.plain  # its full text, in the pane
        clock.now += 1
        app.full_texts.check_rest()
        await fetched(app, pilot)
        assert server.paths() == ["/hostile"]  # once
    again = app_factory(folder, full_text="on-open", clock=clock)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_loaded(again, pilot)
        await pilot.press("g", "j", "j")
        assert again.query_one(ArticleList).article.title == "Story hostile"
        # A text fetched before shows at once: there is nothing to wait for.
        assert "[bold]markup[/bold]" in again.detail.body.plain
        assert server.paths() == ["/hostile"]


async def test_read_ahead_fetches_the_next_few_too(app_factory, folder, server):
    app = app_factory(folder, full_text="read-ahead")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("enter")
        await fetched(app, pilot)
        # The opened one and the next ones, at most three fetching at once.
        assert sorted(server.paths()) == ["/blog", "/hostile", "/news"]


async def test_o_then_a_number_opens_a_link_of_the_full_text(app_factory, folder, browser):
    app = app_factory(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("t")
        await fetched(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert browser.opened == ["https://example.org/budget"]


async def test_y_copies_a_chosen_link_and_0_is_the_article_itself(app_factory, folder, server):
    app = app_factory(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("t")
        await fetched(app, pilot)
        await pilot.press("y", "1")
        await pilot.pause()
        assert app.clipboard == server.url("/report.pdf")
        await pilot.press("y", "0")
        await pilot.pause()
        assert app.clipboard == server.url("/news")


async def test_o_without_a_full_text_opens_the_article_at_once(
    app_factory, folder, browser, server
):
    app = app_factory(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        assert browser.opened == [server.url("/news")]
