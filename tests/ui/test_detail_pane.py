"""Pilot tests of the detail pane: drawn line by line, no layout per article, the related cursor."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.screen import Screen

from reader.seedfile import load_detail
from reader.widgets.article_list import ArticleList
from reader.widgets.detail_pane import DetailPage, DetailPane

from .conftest import article_fields, wait_loaded, wait_workers, write_seed


async def test_j_in_the_list_lays_nothing_out(app_factory, many_dir: Path, monkeypatch):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        app.reading.detail_debounce = 0  # every press shows its article at once
        articles = app.query_one(ArticleList)
        layouts: list[bool] = []
        refresh_layout = Screen._refresh_layout

        def counting(screen: Screen, *args, **kwargs) -> None:
            layouts.append(True)
            refresh_layout(screen, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", counting)
        for n in range(1, 11):
            await pilot.press("j")
            await pilot.pause()
            assert app.detail.article is articles.articles[n]  # each one was shown
        assert app.detail.body.plain.startswith(articles.articles[10].title)
        assert layouts == []
        await pilot.resize_terminal(100, 40)  # the counter does see a layout
        await pilot.pause()
        assert layouts


def _related_folder(tmp_path: Path, stories: int, excerpt: str = "Short.") -> Path:
    folder = tmp_path / "rel"
    folder.mkdir()
    related = [
        {"title": f"Story {n}", "webUrl": f"https://else.org/{n}", "provider": {"name": "Else"}}
        for n in range(stories)
    ]
    write_seed(folder, "a.txt", **article_fields(1, excerpt=excerpt, related=related))
    return folder


async def test_related_cursor_keys_and_enter(app_factory, tmp_path: Path):
    app = app_factory(_related_folder(tmp_path, 30))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("enter")  # open: focus moves into the detail, on the first story
        detail = app.query_one(DetailPane)
        assert app.focused is detail
        assert detail.cursor == 0
        await pilot.press("j", "j")
        assert detail.cursor == 2
        await pilot.press("k")
        assert detail.cursor == 1
        await pilot.press("G")  # the last story, scrolled into view
        assert detail.cursor == 29
        assert detail.scroll_line > 0
        lines = detail.text_lines()[detail.scroll_line : detail.scroll_line + detail.size.height]
        assert any(line.startswith("  Story 29") for line in lines)
        await pilot.press("pageup")
        assert detail.cursor < 29
        assert detail.highlighted_related is detail.related_entries[detail.cursor]
        await pilot.press("home")
        assert (detail.cursor, detail.scroll_line) == (0, 0)
        await pilot.press("pagedown")
        assert detail.cursor > 0
        await pilot.press("g", "j", "enter")  # Story 1 is not in the library: its own page
        assert app.detail.related_shown is not None
        assert app.detail.related_shown.title == "Story 1"
        assert "https://else.org/1" in app.detail.body.plain


async def test_j_reads_a_long_text_down_to_the_related_stories(app_factory, tmp_path: Path):
    long = " ".join(f"Sentence {n} of a long excerpt." for n in range(200))
    app = app_factory(_related_folder(tmp_path, 2, excerpt=long))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("enter")
        detail = app.query_one(DetailPane)
        assert detail.cursor == 0 and detail.scroll_line == 0  # the story is below the text
        await pilot.press("j")
        assert (detail.cursor, detail.scroll_line) == (0, 1)  # j scrolls on towards it
        await pilot.press("k")
        assert detail.scroll_line == 0
        await pilot.press("G")
        assert detail.cursor == 1
        await pilot.press("k")  # both stories on screen: the cursor moves, the text stays
        top = detail.scroll_line
        assert detail.cursor == 0 and top > 0
        await pilot.press("k")  # above the first story: the text scrolls back up
        assert detail.cursor == 0 and detail.scroll_line == top - 1


async def test_click_opens_a_related_story_and_the_wheel_scrolls(app_factory, tmp_path: Path):
    app = app_factory(_related_folder(tmp_path, 30))
    # 200 columns: the detail beside the list, tall enough for the story to click.
    async with app.run_test(size=(200, 36)) as pilot:
        await wait_loaded(app, pilot)
        detail = app.query_one(DetailPane)
        for wheel, expected in ((events.MouseScrollDown, 3), (events.MouseScrollUp, 0)):
            detail.post_message(wheel(detail, 4, 4, 0, 0, 0, False, False, False))
            await pilot.pause()
            assert detail.scroll_line == expected
        row = next(n for n, line in enumerate(detail.text_lines()) if line == "  Story 3")
        await pilot.click(DetailPane, offset=(4, row))
        assert app.detail.related_shown is not None
        assert app.detail.related_shown.title == "Story 3"


async def _read_ahead(app, pilot):
    """Once loaded and the read-ahead has run: the article after the cursor and its
    page laid out ahead, with the key it was made for."""
    await wait_loaded(app, pilot)
    for _ in range(3):
        await pilot.pause()
        await wait_workers(app)
    await pilot.pause()
    articles = app.query_one(ArticleList)
    following = articles.articles[articles.cursor + 1]
    ahead = app.pages.built(following)
    assert ahead is not None  # read, wrapped and rendered before the key
    return following, ahead


def _fresh_lines(app, article) -> list[str]:
    """The pane's lines for ``article`` built on the spot, as without a read-ahead."""
    pane = app.query_one(DetailPane)
    detail = load_detail(article)
    related, also = app.library.coverage(article, detail.related)
    page = DetailPage.of_article(
        article, detail, related=related, also_covered=also, tz=pane.tz, now=pane.now(),
        highlighter=pane.highlighter,
    )  # fmt: skip
    return [line.text.plain for line in page.lines(*pane.size)]


async def test_j_shows_the_page_the_read_ahead_laid_out(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        following, ahead = await _read_ahead(app, pilot)
        await pilot.press("j")
        pane = app.query_one(DetailPane)
        assert pane.article is following and pane.page is ahead
        assert pane.text_lines() == _fresh_lines(app, following)


async def test_a_search_is_never_shown_with_pages_laid_out_before_it(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        _following, before = await _read_ahead(app, pilot)
        assert app.apply_query("article")  # every title has the word: the list stays
        await pilot.press("j")
        pane = app.query_one(DetailPane)
        assert pane.page is not before
        assert any(span.style == "bold reverse" for span in pane.body.spans)  # highlighted
        assert pane.text_lines() == _fresh_lines(app, pane.article)


async def test_meta_lines_wrap_between_items_never_inside_one(app_factory, tmp_path: Path):
    folder = tmp_path / "meta"
    folder.mkdir()
    related = [
        {"title": "A story", "webUrl": "https://else.org/1", "quality": 59,
         "provider": {"name": "Business Insider India"}, "publishedDateTime": "2022-07-23"}
    ]  # fmt: skip
    fields = article_fields(1, heat=44, quality=59, related=related)
    fields["provider"] = {"name": "Wall Street Journal", "domain": "wsj.com"}
    write_seed(folder, "a.txt", **fields)
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        article = app.query_one(ArticleList).article
        detail = load_detail(article)
        related_entries, also = app.library.coverage(article, detail.related)
        page = DetailPage.of_article(
            article, detail, related=related_entries, also_covered=also, tz=app.tz,
            now=app.now(),
        )  # fmt: skip
        plain = app.detail.body.plain
        items = ["Wall Street Journal", "wsj.com", "quality 59", "heat 44"]
        items += [line.split(" · ")[1] for line in plain.splitlines() if "ago" in line]
        items += ["Business Insider India", "2022-07-23", "q59", "in library"][:3]
        for width in range(14, 60):
            lines = [line.text.plain.strip() for line in page.lines(width, 200)]
            for line in lines:
                assert not line.startswith("·") and not line.endswith("·"), (width, line)
            for item in items:
                if len(item) <= width - 4:
                    assert any(item in line for line in lines), (width, item, lines)
