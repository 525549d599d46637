"""Pilot: the sidebar's feed rows: counts and failures, R for one feed, A with undo, x, and +."""

from __future__ import annotations

import sys
from pathlib import Path

from reader import paths
from reader.feeds.subscriptions import add_feed, load_feeds
from reader.scope import Feed
from reader.screens.feed_dialogs import AddFeedScreen, ConfirmScreen

from .conftest import SEEDS, wait_workers

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))  # the feed test server
from feed_samples import RSS_20, item, rss  # noqa: E402
from feed_server import FeedServer  # noqa: E402


async def _settle(app, pilot) -> None:
    for _ in range(4):
        await wait_workers(app)
        await pilot.pause()


def _row(app, scope):
    return next(e for e in app.sidebar.entries if e.scope == scope)


async def _highlight(app, pilot, scope) -> None:
    app.sidebar.focus()
    app.sidebar.highlighted = [e.scope for e in app.sidebar.entries].index(scope)
    await pilot.pause()
    await pilot.pause()
    assert app.scope == scope


async def test_feed_rows_reload_mark_read_unsubscribe_and_add(app_factory, notices):
    server = FeedServer().start()
    try:
        server.serve("/good.xml", RSS_20, headers={"Content-Type": "application/rss+xml"})
        page = b"<html><body>hi</body></html>"
        server.serve("/page.html", page, headers={"Content-Type": "text/html"})
        good, missing = server.url("/good.xml"), server.url("/missing.xml")
        add_feed(good)
        add_feed(missing)  # a 404
        app = app_factory(SEEDS, optional_paths=paths.default_optional_paths())
        async with app.run_test(size=(160, 36)) as pilot:
            await _settle(app, pilot)
            await pilot.press("R")  # every feed
            await _settle(app, pilot)
            row = _row(app, Feed(good))
            assert (row.label, row.unread, row.total) == ("» Twenty & Co", 2, 2)
            failed = _row(app, Feed(missing))
            assert failed.label == f"! {missing}" and failed.total == 0
            labels = [e.label for e in app.sidebar.entries]
            assert labels.index("» Twenty & Co") > labels.index("Starred")

            # A on the feed's row marks that feed read; u undoes it.
            await _highlight(app, pilot, Feed(good))
            assert {a.title for a in app.article_list.articles} == {"First post", "Second post"}
            await pilot.press("A")
            await pilot.pause()
            assert _row(app, Feed(good)).unread == 0
            await pilot.press("u")
            await pilot.pause()
            assert _row(app, Feed(good)).unread == 2

            # R on the row fetches that feed alone.
            third = item("Third post", link="https://twenty.example/posts/3")
            server.serve("/good.xml", rss(third, title="Twenty & Co"))
            asked = len(server.requests)
            await pilot.press("R")
            await _settle(app, pilot)
            assert [r.path for r in server.requests[asked:]] == ["/good.xml"]
            assert "Third post" in {a.title for a in app.store}

            # x asks first; n keeps it, y unsubscribes and keeps its articles.
            await _highlight(app, pilot, Feed(good))
            await pilot.press("x")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")
            await pilot.pause()
            assert good in [f.url for f in load_feeds()]
            await pilot.press("x")
            await pilot.pause()
            await pilot.press("y")
            await _settle(app, pilot)
            assert good not in [f.url for f in load_feeds()]
            assert all(e.scope != Feed(good) for e in app.sidebar.entries)
            assert "Third post" in {a.title for a in app.store}

            # + refuses what is not a feed, with the reason, and subscribes a feed.
            await pilot.press("plus")
            await pilot.pause()
            assert isinstance(app.screen, AddFeedScreen)
            await pilot.press(*server.url("/page.html"), "enter")
            await _settle(app, pilot)
            assert server.url("/page.html") not in [f.url for f in load_feeds()]
            assert any("Not subscribed" in n and "HTML" in n for n in notices), notices
            await pilot.press("plus")
            await pilot.pause()
            await pilot.press(*good, "enter")
            await _settle(app, pilot)
            assert good in [f.url for f in load_feeds()]
            assert any(e.scope == Feed(good) for e in app.sidebar.entries)
    finally:
        server.stop()


async def test_the_footer_says_what_delete_does_on_a_feed_row(app_factory):
    url = "https://feeds.example/never-fetched.xml"
    add_feed(url)
    app = app_factory(SEEDS, optional_paths=paths.default_optional_paths())
    async with app.run_test(size=(160, 36)) as pilot:
        await _settle(app, pilot)
        await _highlight(app, pilot, Feed(url))
        shown = {
            active.binding.description: active.binding.key
            for active in app.screen.active_bindings.values()
            if active.enabled and active.binding.show
        }
        assert "Delete saved search" not in shown  # it unsubscribes here
        assert shown.get("Unsubscribe") in ("delete", "x")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # asked first, as before
