"""Pilot tests of links, clipboard, folder watch, remembered view and themes."""

from __future__ import annotations

import os
from pathlib import Path

from reader.scope import ALL, Topic
from reader.widgets.article_list import ArticleList

from .conftest import article_fields, wait_loaded, wait_workers, write_seed


async def test_open_link_opens_http_and_marks_read(app_factory, many_dir: Path, browser):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        article = app.query_one(ArticleList).article
        await pilot.press("o")
        assert browser.opened == [article.url]
        assert app.is_read(article.id)


async def test_open_link_without_a_browser_says_how_to_set_one(
    app_factory, many_dir: Path, browser, notices
):
    browser.available = False
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        article = app.query_one(ArticleList).article
        await pilot.press("o")
        assert not any(n.startswith("Open") for n in notices)
        assert "No browser could be started" in notices[-1]
        assert "$BROWSER" in notices[-1]
        assert not app.is_read(article.id)  # nothing was read


async def test_open_link_refuses_other_schemes(app_factory, tmp_path: Path, browser):
    folder = tmp_path / "js"
    folder.mkdir()
    write_seed(folder, "a.txt", **article_fields(1, webUrl="javascript:alert(1)"))
    write_seed(folder, "b.txt", **article_fields(2, webUrl="file:///etc/passwd"))
    app = app_factory(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("o", "j", "o")
        assert browser.opened == []
        assert not any(app.is_read(a.id) for a in app.store)


async def test_copy_link(app_factory, many_dir: Path, notices):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        article = app.query_one(ArticleList).article
        await pilot.press("y")
        assert app.clipboard == article.url
        assert "Copied" not in notices[-1]  # OSC 52 has no answer: say what was sent
        assert notices[-1].startswith("Sent the link to the terminal's clipboard (OSC 52)")


async def test_copy_link_shortens_a_long_link_at_a_slash(app_factory, tmp_path: Path, notices):
    folder = tmp_path / "long"
    folder.mkdir()
    url = "https://example.com/" + "/".join(f"section-{n}" for n in range(12)) + "/the-story"
    write_seed(folder, "a.txt", **article_fields(1, webUrl=url))
    app = app_factory(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("y")
        assert app.clipboard == url
        assert "https://example.com/…/" in notices[-1]
        shown = next(line for line in notices[-1].splitlines() if line.startswith("https://"))
        assert shown.endswith("/the-story")
        assert all(part in url.split("/") for part in shown.split("/") if part != "…")


async def test_rescan_picks_up_new_changed_and_deleted_files(app_factory, tmp_path: Path):
    folder = tmp_path / "live"
    folder.mkdir()
    write_seed(folder, "a.txt", **article_fields(1))
    gone = write_seed(folder, "b.txt", **article_fields(2))
    app = app_factory(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        assert len(app.store) == 2
        write_seed(folder, "c.txt", **article_fields(3, title="Brand new"))
        gone.unlink()
        await pilot.press("r")
        await wait_workers(app)
        await pilot.pause()
        titles = {a.title for a in app.store}
        assert titles == {"Article number 1", "Brand new"}
        assert {e.label: e.total for e in app.sidebar.entries}["All"] == 2
        assert any(a.title == "Brand new" for a in app.query_one(ArticleList).articles)
        (folder / "bad.txt").write_text("---\ntitle: [x\n---\n")
        await pilot.press("r")
        await wait_workers(app)
        await pilot.pause()
        assert [p.path for p in app.library_loading.result.problems] == [str(folder / "bad.txt")]


async def test_view_is_remembered(app_factory, many_dir: Path, tmp_path: Path):
    db = tmp_path / "view.sqlite3"
    app = app_factory(many_dir, state_path=db)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        app.scope = Topic("Odd")
        await pilot.pause()
        await pilot.press("s", "j")
        chosen = app.query_one(ArticleList).article
        await pilot.press("h")
        app.theme = "nord"
        await pilot.pause()
    again = app_factory(many_dir, state_path=db)
    async with again.run_test(size=(120, 30)) as pilot:
        await wait_loaded(again, pilot)
        assert again.scope == Topic("Odd")
        assert again.sort == "quality"
        assert again.hide_read
        assert again.query_one(ArticleList).article == chosen
        assert again.theme == "nord"


async def test_another_library_opens_on_its_own_view(app_factory, many_dir: Path, tmp_path: Path):
    """The view left in one library (a topic, a sort) does not open another one, empty;
    the theme is the user's, in every library."""
    db = tmp_path / "view.sqlite3"
    other = tmp_path / "other"
    other.mkdir()
    write_seed(other, "a.txt", **article_fields(1, topics=["Elsewhere"]))
    app = app_factory(many_dir, state_path=db)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        app.scope = Topic("Odd")
        await pilot.press("s")
        app.theme = "nord"
        await pilot.pause()
    elsewhere = app_factory(other, state_path=db)
    async with elsewhere.run_test(size=(120, 30)) as pilot:
        await wait_loaded(elsewhere, pilot)
        assert elsewhere.scope == ALL
        assert elsewhere.sort == "date"  # the default, not the other library's
        assert len(elsewhere.query_one(ArticleList).articles) == 1
        assert elsewhere.theme == "nord"
    again = app_factory(many_dir, state_path=db)
    async with again.run_test(size=(120, 30)) as pilot:
        await wait_loaded(again, pilot)
        assert (again.scope, again.sort) == (Topic("Odd"), "quality")


async def test_new_file_in_stories_view_before_regrouping(app_factory, tmp_path: Path):
    from reader.stories import group_stories

    folder = tmp_path / "storylive"
    folder.mkdir()
    write_seed(folder, "a.txt", **article_fields(1))
    changes_seen: list[int] = []
    held: list = []  # while it holds the stories grouped before, regrouping is held back

    def grouping(articles):
        if held:
            changes_seen.append(len(articles))
            return held[0]  # the stories of before: none knows the new article
        return group_stories(articles)

    app = app_factory(folder, group=grouping)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("c")
        assert app.stories_mode
        write_seed(folder, "b.txt", **article_fields(2, title="Arrived later"))
        # Hold regrouping back: the view must cope with an article no story knows yet.
        held.append(app.stories)
        await pilot.press("r")
        await wait_workers(app)
        await pilot.pause()
        assert changes_seen == [2]
        assert sum(len(story.articles) for story in app.stories) == 1  # not the new one
        titles = {a.title for a in app.query_one(ArticleList).articles}
        assert titles == {"Article number 1", "Arrived later"}
        await pilot.press("j", "enter")
        held.clear()
        await pilot.press("r", "c")
        await wait_workers(app)


async def test_slash_focuses_the_bar_at_once(app_factory, many_dir: Path):
    from reader.widgets.search_bar import SearchBar

    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        app.action_search()
        # No await: a key typed right after / must already go to the input.
        assert app.focused is app.query_one(SearchBar).input


async def test_second_start_uses_the_cache_then_checks_the_folder(app_factory, tmp_path: Path):
    folder = tmp_path / "cached"
    folder.mkdir()
    for n in range(5):
        path = write_seed(folder, f"{n}.txt", **article_fields(n))
        # Files written within the last 2 s are not cached (mtime granularity).
        os.utime(path, (1_700_000_000, 1_700_000_000))
    first = app_factory(folder)
    async with first.run_test(size=(120, 30)) as pilot:
        await wait_loaded(first, pilot)
        expected = sorted(first.store, key=lambda a: a.id)
    assert first.ingest.cache is not None and first.ingest.cache.path.exists()

    write_seed(folder, "new.txt", **article_fields(9, title="Added while closed"))
    (folder / "0.txt").unlink()
    second = app_factory(folder)
    loaded_from_cache = []
    original = second.ingest.cache.load_index

    def spy():
        index = original()
        loaded_from_cache.append(index is not None and len(index.paths) == 5)
        return index

    second.ingest.cache.load_index = spy
    async with second.run_test(size=(120, 30)) as pilot:
        await wait_loaded(second, pilot)
        await wait_workers(second)
        await pilot.pause()
        assert loaded_from_cache == [True]
        titles = {a.title for a in second.store}
        assert "Added while closed" in titles
        assert "Article number 0" not in titles
        assert not second.library_loading.checking
    unchanged = [a for a in expected if a.title != "Article number 0"]
    third = app_factory(folder, use_cache=False)
    async with third.run_test(size=(120, 30)) as pilot:
        await wait_loaded(third, pilot)
        uncached = sorted(third.store, key=lambda a: a.id)
    assert [a for a in uncached if a.title != "Added while closed"] == unchanged


async def test_process_pool_loads_inside_the_app(app_factory, tmp_path: Path):
    """2,000 files or more load with one process per core; inside Textual the pool
    once failed to start ("bad value(s) in fds_to_keep") and nothing loaded."""
    folder = tmp_path / "big"
    folder.mkdir()
    for n in range(2_000):
        write_seed(folder, f"{n:05}.txt", **article_fields(n, webUrl=f"https://example.com/{n}"))
    app = app_factory(folder, load_workers=2, use_cache=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        assert len(app.store) == 2_000
        assert app.library_loading.result.problems == []


def _status(app) -> str:
    from reader.widgets.status_bar import StatusBar

    return str(app.query_one(StatusBar).render())


async def test_skipped_files_show_the_same_cold_warm_and_after_a_rescan(
    app_factory, tmp_path: Path
):
    """A broken link and a bad YAML file: "2 files skipped" whichever way the app starts."""
    folder = tmp_path / "skips"
    folder.mkdir()
    for n in range(3):
        path = write_seed(folder, f"{n}.txt", **article_fields(n))
        os.utime(path, (1_700_000_000, 1_700_000_000))
    bad = folder / "bad.txt"
    bad.write_text("---\ntitle: [x\n---\n")
    os.utime(bad, (1_700_000_000, 1_700_000_000))
    os.symlink(folder / "nowhere.txt", folder / "broken.txt")
    cold = app_factory(folder)
    async with cold.run_test(size=(140, 30)) as pilot:
        await wait_loaded(cold, pilot)
        assert "2 files skipped" in _status(cold)
    warm = app_factory(folder)
    async with warm.run_test(size=(140, 30)) as pilot:
        await wait_loaded(warm, pilot)
        await wait_workers(warm)
        await pilot.pause()
        assert warm.ingest.cache is not None and warm.ingest.cache.load() is not None
        assert "2 files skipped" in _status(warm)
        write_seed(folder, "new.txt", **article_fields(7, title="Arrived"))
        await pilot.press("r")
        await wait_workers(warm)
        await pilot.pause()
        assert any(a.title == "Arrived" for a in warm.store)
        assert "2 files skipped" in _status(warm)


async def test_notices_never_read_seed_text_as_markup(app_factory, many_dir: Path, monkeypatch):
    """A link like https://e.com/[bold]x[/] is shown as it is in the "copied" notice."""
    from textual.app import App

    seen: list[tuple[str, bool]] = []
    real = App.notify

    def recording(self, message, *args, markup=True, **kwargs):
        seen.append((message, markup))
        return real(self, message, *args, markup=markup, **kwargs)

    monkeypatch.setattr(App, "notify", recording)
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        app.notify("https://e.com/[bold]x[/]")
        await pilot.pause()
    assert ("https://e.com/[bold]x[/]", False) in seen
    assert all(markup is False for _message, markup in seen)


async def test_a_link_in_a_notice_is_on_its_own_line_and_fits_it(
    app_factory, tmp_path: Path, notices, browser
):
    """A notice wraps between its phrases, never inside the link: the link has a line of
    its own, shortened to the notice's width (60 cells at most, half the screen)."""
    folder = tmp_path / "long"
    folder.mkdir()
    url = "https://www.wsj.com/articles/google-parts-with-engineer-who-claimed-its-ai-system-is-sentient-11658538296"
    write_seed(folder, "a.txt", **article_fields(1, webUrl=url))
    for width, room in ((80, 36), (120, 56), (200, 56)):
        app = app_factory(folder)
        async with app.run_test(size=(width, 30)) as pilot:
            await wait_loaded(app, pilot)
            for key in ("o", "y"):
                await pilot.press(key)
                lines = notices[-1].splitlines()
                link = [line for line in lines if "https://" in line]
                assert len(link) == 1 and link[0].startswith("https://www.wsj.co"), lines
                assert len(link[0]) <= room, (width, link[0])
                assert link[0].endswith("11658538296"), link[0]


async def test_an_empty_library_says_what_was_read(app_factory, tmp_path: Path):
    """An empty folder said only "No articles here."; now where it looked and, when
    files were there but none could be read, where to see why."""
    empty = tmp_path / "empty"
    empty.mkdir()
    app = app_factory(empty)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        listed = app.query_one(ArticleList)
        assert listed.empty_text == f"No article files (.txt or .md with front matter) in {empty}."
        (empty / "bad.txt").write_text("---\ntitle: [x\n---\n")
        await pilot.press("r")
        await wait_workers(app)
        await pilot.pause()
        assert listed.empty_text == "No articles: 1 file could not be read (press ! to see why)."
        write_seed(empty, "a.txt", **article_fields(1))
        await pilot.press("r")
        await wait_workers(app)
        await pilot.pause()
        assert listed.empty_text == "No articles here."  # for a view that shows none
