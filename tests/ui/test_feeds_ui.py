"""R in the TUI: feeds fetched in the background come in through the one ingest path."""

from __future__ import annotations

import sys
from pathlib import Path

from reader import paths
from reader.feeds.subscriptions import add_feed
from reader.screens.problems import ProblemsScreen

from .conftest import SEEDS, wait_workers

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))  # the feed test server
from feed_samples import RSS_20  # noqa: E402
from feed_server import FeedServer  # noqa: E402
from small_disk import mount_tmpfs, remount_read_only, unmount  # noqa: E402


async def _settle(app, pilot) -> None:
    for _ in range(3):
        await wait_workers(app)
        await pilot.pause()


async def test_fetch_brings_new_articles_in_and_names_failures(app_factory):
    server = FeedServer().start()
    try:
        server.serve("/good.xml", RSS_20)
        add_feed(server.url("/good.xml"), topic="Fetched")
        add_feed(server.url("/missing.xml"))  # a 404
        app = app_factory(SEEDS, optional_paths=paths.default_optional_paths())
        async with app.run_test(size=(140, 30)) as pilot:
            await _settle(app, pilot)
            before = len(app.store)
            await pilot.press("R")
            await _settle(app, pilot)
            assert app.feeds.fetching is None
            titles = {a.title for a in app.store}
            assert {"First post", "Second post"} <= titles
            assert len(app.store) == before + 2
            assert any(e.label == "Fetched" for e in app.sidebar.entries)
            assert len(app.feeds.feed_failures) == 1 and "404" in app.feeds.feed_failures[0]
            await pilot.press("exclamation_mark")
            await pilot.pause()
            assert isinstance(app.screen, ProblemsScreen)
            await pilot.press("escape")
            # Fetching again duplicates nothing.
            await pilot.press("R")
            await _settle(app, pilot)
            assert len(app.store) == before + 2
    finally:
        server.stop()


async def test_fetch_outside_the_default_library_says_where_feeds_go(app_factory, many_dir):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(app, pilot)
        await pilot.press("R")
        await pilot.pause()
        assert app.feeds.fetching is None
        assert not app.workers or all(w.group != "fetch" for w in app.workers)


def _status(app) -> str:
    from reader.widgets.status_bar import StatusBar

    return str(app.query_one(StatusBar).render())


async def test_failed_feeds_are_counted_truly_and_stay_on_the_top_line(app_factory, notices):
    server = FeedServer().start()
    try:
        server.serve("/good.xml", RSS_20)
        add_feed(server.url("/good.xml"))
        add_feed(server.url("/missing.xml"))
        app = app_factory(SEEDS, optional_paths=paths.default_optional_paths())
        async with app.run_test(size=(160, 30)) as pilot:
            await _settle(app, pilot)
            await pilot.press("R")
            await _settle(app, pilot)
            assert "Fetched 1 of 2 feeds: 2 new articles. 1 failed: press ! to see." in notices
            app.clear_notifications()
            await pilot.pause()
            assert "1 feed failed, press ! to see" in _status(app)
            await pilot.press("exclamation_mark")
            await pilot.pause()
            assert isinstance(app.screen, ProblemsScreen)
            from reader.screens.problems import problems_text

            screen = app.screen
            text = problems_text(
                screen.problems, screen.ignored, screen.duplicates, screen.feed_failures
            )
            assert text.plain.startswith("1 feed failed  (Esc closes)")
            assert "0 files skipped" not in text.plain
    finally:
        server.stop()


async def test_r_in_a_read_only_data_folder_is_one_sentence(
    app_factory, notices, tmp_path, monkeypatch
):
    disk = mount_tmpfs(tmp_path / "disk", "1m")
    server = FeedServer().start()
    try:
        monkeypatch.setenv("XDG_DATA_HOME", str(disk))
        server.serve("/good.xml", RSS_20)
        add_feed(server.url("/good.xml"))
        remount_read_only(disk)
        app = app_factory(SEEDS, optional_paths=paths.default_optional_paths())
        async with app.run_test(size=(160, 30)) as pilot:
            await _settle(app, pilot)
            await pilot.press("R")
            await _settle(app, pilot)
        feed_notices = [n for n in notices if "feed" in n.lower()]
        assert feed_notices == [
            f"Fetched 0 of 1 feed: 0 new articles. "
            f"Cannot save feeds: {paths.data_dir()} is read-only."
        ]
        assert not any("Errno" in n for n in notices)
    finally:
        server.stop()
        unmount(disk)


async def test_the_problems_screen_lists_failures_of_a_fetch_from_the_command_line(
    app_factory,
):
    """`newsreader fetch` (offline) marked three rows ! in the sidebar, but ! said
    "0 files skipped": its failures were known only from a fetch in this session."""
    from reader.feeds.refresh import refresh

    server = FeedServer().start()
    try:
        server.serve("/good.xml", RSS_20)
        add_feed(server.url("/good.xml"))
        refresh()  # the good feed gets its title ("Example feed" ...)
        add_feed(server.url("/missing.xml"))  # a 404, never fetched: no title
        refresh()  # as `newsreader fetch` does, before the reader starts
        app = app_factory(SEEDS, optional_paths=paths.default_optional_paths())
        async with app.run_test(size=(160, 30)) as pilot:
            await _settle(app, pilot)
            assert "1 feed failed, press ! to see" in _status(app)
            await pilot.press("exclamation_mark")
            await pilot.pause()
            assert isinstance(app.screen, ProblemsScreen)
            assert app.screen.feed_failures == [
                f"{server.url('/missing.xml')}: failed: HTTP 404 Not Found"
            ]
    finally:
        server.stop()
