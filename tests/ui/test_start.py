"""The first paint and the background: a small cached library is on the very first
screen, and the folder check steps aside while keys are being pressed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from reader.tui.loading import KEYS_QUIET, QuietKeys
from reader.widgets.article_list import ArticleList
from reader.widgets.status_bar import StatusBar

from .conftest import article_fields, wait_loaded, write_seed


def _status(app) -> str:
    return str(app.query_one(StatusBar).render())


OLD = 1_600_000_000 * 10**9  # mtimes outside the cache's racy window (files cached)


def _age(folder: Path) -> None:
    for path in folder.iterdir():
        os.utime(path, ns=(OLD, OLD))


async def _warm_cache(app_factory, folder: Path) -> None:
    _age(folder)
    app = app_factory(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)


async def test_a_small_cached_library_is_in_the_first_paint(app_factory, many_dir: Path):
    await _warm_cache(app_factory, many_dir)
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)):
        # No pause: what on_mount left is what the first frame paints.
        assert not app.library_loading.loading and not app.library_loading.checking
        assert len(app.query_one(ArticleList).articles) == 60
        assert "loading" not in _status(app) and "checking" not in _status(app)
        assert app.detail.article is not None


async def test_a_changed_small_library_is_shown_then_checked(app_factory, many_dir: Path):
    await _warm_cache(app_factory, many_dir)
    new = write_seed(many_dir, "new.txt", **article_fields(99, title="Arrived while closed"))
    os.utime(new, ns=(OLD, OLD))
    app = app_factory(many_dir)
    # The check waits until the first screen is looked at: a check of 61 files in
    # a thread could otherwise be over before the test reads the first screen.
    looked = threading.Event()
    check = app.ingest.check
    app.ingest.check = lambda *args: looked.wait(10) and check(*args)
    async with app.run_test(size=(120, 30)) as pilot:
        assert (
            not app.library_loading.loading and app.library_loading.checking
        )  # the cached index, checked next
        assert len(app.query_one(ArticleList).articles) == 60
        looked.set()
        await wait_loaded(app, pilot)
        assert not app.library_loading.checking
        titles = {a.title for a in app.query_one(ArticleList).articles}
        assert "Arrived while closed" in titles and len(titles) == 61


async def test_keys_hold_the_background_check(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        keys = app.library_loading.keys
        before = keys.last_key
        await pilot.press("j")
        assert keys.last_key > before  # every key is noted, on the clock the walk reads

        now = [keys.last_key]  # the walk's clock, stepped by its own sleeps
        slept: list[float] = []

        def sleep(seconds: float) -> None:
            slept.append(seconds)
            now[0] += seconds

        keys.clock, keys.sleep = (lambda: now[0]), sleep
        keys.wait()  # what the check's walk calls every few files, right after a key
        assert len(slept) > 1  # it stepped aside
        assert now[0] - keys.last_key >= KEYS_QUIET  # until the keys had rested
        slept.clear()
        keys.wait()  # the keys have rested: the walk goes on at once
        assert slept == [0]


def test_quiet_keys_stop_waiting_when_the_app_stops() -> None:
    running = [True]
    now = [100.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds
        running[0] = False  # the app closed during the wait

    keys = QuietKeys(lambda: running[0], clock=lambda: now[0], sleep=sleep)
    keys.pressed()
    keys.wait()
    assert now[0] - keys.last_key < KEYS_QUIET  # it did not wait the keys out


async def test_the_first_frame_shows_the_index_and_the_file_follows(app_factory, many_dir: Path):
    """The first frame draws the first article from the index (its file unread); its
    excerpt, body and related stories are read right after that frame, as a j would."""
    first = many_dir / "00_first.txt"
    first.write_text(
        "---\n" + "".join(f"{k}: {v!r}\n" for k, v in {
            "title": "Read from the file after the frame",
            "excerpt": "An excerpt, read with the file.",
            "publishedDateTime": "2026-02-01T10:00:00Z",
            "webUrl": "https://example.com/first",
        }.items()) + "---\nThe body, only in the file.\n",
        encoding="utf-8",
    )  # fmt: skip
    await _warm_cache(app_factory, many_dir)
    app = app_factory(many_dir)
    at_first_frame: list[str] = []
    painted = app.first_paint.painted

    def first_frame() -> None:
        at_first_frame.append(app.detail.body.plain)
        painted()

    app.first_paint.painted = first_frame  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.detail.article is not None
        assert app.detail.article.title == "Read from the file after the frame"
        [shown] = at_first_frame
        assert (
            "Read from the file after the frame" in shown and "https://example.com/first" in shown
        )
        assert "An excerpt" not in shown and "only in the file" not in shown
        assert "(no excerpt)" not in shown  # not known to be missing: not read yet
        await pilot.pause()
        assert "An excerpt, read with the file." in app.detail.body.plain
        assert "The body, only in the file." in app.detail.body.plain


# What the first frame of a start from the index cache does without: the article
# files' parser, YAML, and the search language (the search index is built after it).
NOT_BEFORE_THE_FIRST_FRAME = ("yaml", "reader.seedfile", "reader.frontmatter", "reader.query")

FIRST_FRAME = textwrap.dedent(
    """
    import asyncio, sys
    from reader import paths
    from reader.cli import tui  # the command line's own imports, as `newsreader` has them
    from reader.app import make_app

    modules = []

    async def first_screen(app):
        painted = app.first_paint.painted

        def first_frame():
            modules.append(set(sys.modules))
            assert not app.library_loading.loading, "the first frame was not from the index"
            painted()

        app.first_paint.painted = first_frame
        async with app.run_test() as pilot:
            await pilot.pause()

    async def cold_start(app):
        async with app.run_test() as pilot:
            await pilot.pause()

    if sys.argv[1] == "cold":
        asyncio.run(cold_start(make_app(paths.default_seed_paths())))
        sys.exit()
    asyncio.run(first_screen(make_app(paths.default_seed_paths())))
    print(" ".join(sorted(m for m in sys.argv[2:] if m in modules[0])))
    """
)


def test_the_first_frame_of_a_cached_start_reads_no_article_file() -> None:
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none"}

    def start(how: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-c", FIRST_FRAME, how, *NOT_BEFORE_THE_FIRST_FRAME]
        return subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)

    cold = start("cold")  # writes the index cache, in this test's own XDG folders
    assert cold.returncode == 0, cold.stderr
    warm = start("warm")
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout.split() == []


async def test_a_loaded_library_is_adopted_without_reading_a_file(
    app_factory, many_dir: Path, monkeypatch
):
    """A library too large to be in the first frame comes from the load's worker: the
    frame that shows it draws its first article from the index; the file follows."""
    import reader.app
    import reader.seedfile
    from reader.tui.loading import LibraryLoading

    monkeypatch.setattr(reader.app, "QUICK_START_BYTES", 0)  # as for a large library
    adopting = [False]
    read_while_adopting: list[str] = []
    load_detail, adopt = reader.seedfile.load_detail, LibraryLoading._loaded

    def reading(article):
        if adopting[0]:
            read_while_adopting.append(article.path)
        return load_detail(article)

    def adopted(self, event, store):
        adopting[0] = True
        try:
            adopt(self, event, store)
        finally:
            adopting[0] = False

    monkeypatch.setattr(reader.seedfile, "load_detail", reading)
    monkeypatch.setattr(LibraryLoading, "_loaded", adopted)
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.pause()
        assert app.detail.article is not None
        assert read_while_adopting == []
        assert app.detail.article.title in app.detail.body.plain
        assert f"Excerpt of article {app.detail.article.quality}." in app.detail.body.plain
