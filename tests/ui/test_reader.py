"""Pilot tests of the reader: keys, panes, related stories, safety, sizes."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Static

from reader.scope import All, Topic
from reader.screens.help import HelpScreen
from reader.screens.problems import ProblemsScreen
from reader.widgets.article_list import ArticleList
from reader.widgets.detail_pane import DetailPane
from reader.widgets.topic_sidebar import TopicSidebar

from .conftest import article_fields, related_prompts, wait_loaded, wait_workers, write_seed

GRIO = "Amazon stops police use of facial recognition technology"
GULF = "Amazon stops police using its face-recognition technology"


def body_plain(app) -> str:
    return app.detail.body.plain


async def test_seeds_main_view(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        sidebar = app.query_one(TopicSidebar)
        assert [(e.label, e.unread, e.total) for e in sidebar.entries] == [
            ("All", 2, 2),
            ("Starred", 0, 0),
            ("AI", 2, 2),
            ("AWS AI", 2, 2),
        ]
        articles = app.query_one(ArticleList)
        assert [a.title for a in articles.articles] == [GRIO, GULF]
        assert articles.article.title == GRIO
        assert app.focused is articles
        assert "Amid nationwide protests" in body_plain(app)
        assert any("Biden campaign calls on Facebook" in p for p in related_prompts(app))

        await pilot.press("j")
        assert articles.article.title == GULF
        assert "Washington County" in body_plain(app)
        assert any(
            "Amazon bans police use of its face recognition tech for 1 year" in p
            for p in related_prompts(app)
        )

        await pilot.press("s")
        assert app.sort == "quality"
        # Both have quality 44: newest first stays, and the cursor stays on Gulf News.
        assert [a.title for a in articles.articles] == [GRIO, GULF]
        assert articles.article.title == GULF


async def test_cursor_keys(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        assert len(articles.articles) == 60
        await pilot.press("j", "j", "down")
        assert articles.cursor == 3
        await pilot.press("k", "up")
        assert articles.cursor == 1
        await pilot.press("G")
        assert articles.cursor == 59
        await pilot.press("g")
        assert articles.cursor == 0
        await pilot.press("end")
        assert articles.cursor == 59
        await pilot.press("home")
        assert articles.cursor == 0
        await pilot.press("pagedown")
        page = articles.cursor
        assert page > 5
        assert articles.scroll_y == 0 or articles.cursor >= articles.scroll_y
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown")
        assert articles.cursor == 59
        assert articles.scroll_y > 0, "the list scrolls to keep the cursor visible"
        top = round(articles.scroll_y)
        assert top <= articles.cursor < top + articles.scrollable_content_region.height
        await pilot.press("pageup")
        assert articles.cursor == 59 - page
        # the detail follows the cursor
        assert articles.article.title in body_plain(app)


async def test_sort_keeps_selection_and_is_visible(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("j", "j", "j")
        chosen = articles.article
        await pilot.press("s")
        assert app.sort == "quality"
        assert [a.quality for a in articles.articles] == sorted(range(60), reverse=True)
        assert articles.article == chosen
        assert "by quality" in str(app.query_one("#status", Static).content)
        await pilot.press("s")
        assert app.sort == "date"
        assert articles.article == chosen


async def test_topic_switch_and_tab_between_panes(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        sidebar = app.query_one(TopicSidebar)
        assert [e.label for e in sidebar.entries] == ["All", "Starred", "Even", "Odd"]
        await pilot.press("shift+tab")
        assert app.focused is sidebar
        await pilot.press("j", "j")
        assert app.scope == Topic("Even")
        assert len(articles.articles) == 30
        assert all("Even" in a.topics for a in articles.articles)
        await pilot.press("enter")
        assert app.focused is articles
        await pilot.press("tab")
        assert app.focused is not articles and app.focused is not sidebar
        await pilot.press("shift+tab")
        assert app.focused is articles


async def test_topic_switch_keeps_article_when_in_view(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        even = next(
            a for a in articles.articles if "Even" in a.topics and a is not articles.article
        )
        articles.select_id(even.id)
        app.scope = Topic("Even")
        await pilot.pause()
        assert articles.article == even


async def test_related_in_library_opens_it_and_back_returns(app_factory, tmp_path: Path):
    folder = tmp_path / "rel"
    folder.mkdir()
    write_seed(
        folder,
        "a.txt",
        **article_fields(
            1,
            title="Parent story",
            topics=["Alpha"],
            related=[
                {"title": "Child in library", "webUrl": "https://example.com/2"},
                {
                    "title": "Outside story",
                    "webUrl": "https://elsewhere.org/x",
                    "excerpt": "Only known from the related entry.",
                    "provider": {"name": "Elsewhere", "domain": "elsewhere.org"},
                },
            ],
        ),
    )
    write_seed(folder, "b.txt", **article_fields(2, title="Child in library", topics=["Beta"]))
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("shift+tab", "j", "j")  # topic Alpha (first by name among equals)
        assert app.scope == Topic("Alpha")
        await pilot.press("enter")  # back to the list
        await pilot.press("enter")  # open: focus moves into the related list
        related = app.query_one(DetailPane)
        assert app.focused is related
        await pilot.press("enter")  # the related story is in the library, topic Beta
        assert app.scope == All()
        assert articles.article.title == "Child in library"
        assert app.focused is articles
        await pilot.press("escape")
        assert app.scope == Topic("Alpha")
        assert articles.article.title == "Parent story"
        # An outside story shows its own excerpt and link; backspace goes back.
        await pilot.press("enter")
        assert app.focused is related
        await pilot.press("j", "enter")
        assert "Only known from the related entry." in body_plain(app)
        assert "https://elsewhere.org/x" in body_plain(app)
        await pilot.press("backspace")
        assert "Parent story" in body_plain(app)


async def test_help_quit_palette_and_problems(app_factory, tmp_path: Path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    write_seed(folder, "good.txt", **article_fields(1))
    (folder / "bad.txt").write_text("---\ntitle: [unclosed\n---\n")
    (folder / "empty.txt").write_text("")
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        status = str(app.query_one("#status", Static).content)
        assert "2 files skipped, press ! to see" in status
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, ProblemsScreen)
        shown = str(app.screen.query_one(Static).content)
        assert "bad.txt" in shown and "empty.txt" in shown and "empty file" in shown
        await pilot.press("escape")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        descriptions = {row.description for row in app.screen.rows}
        assert {"Sort", "Quit", "Open", "Back", "Next pane"} <= descriptions
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"
        await pilot.press("escape")
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_mouse_click_selects(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.click(ArticleList, offset=(10, 4))
        assert articles.cursor == 4
        assert articles.article.title in body_plain(app)
        before = articles.scroll_y
        for _ in range(3):
            articles.post_message(
                events.MouseScrollDown(articles, 10, 4, 0, 1, 0, False, False, False)
            )
        await pilot.pause()
        assert articles.scroll_y > before, "the wheel scrolls the list"


async def test_markup_and_controls_shown_literally(app_factory, tmp_path: Path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    title = "[bold red]Breaking[/] [/] [WIP] [link=x]y[/link] \\[x] [$5]"
    write_seed(
        folder,
        "evil.txt",
        title=title + "\x1b]0;pwned\x07\x1b[31m",
        excerpt="Text with [b]markup[/b] and \x1b[2J escape \x9b31m codes.",
        webUrl="javascript:alert(1)",
        provider={"name": "[i]Prov[/i]"},
        topics=["[red]T[/red]"],
    )
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        assert articles.article.title == title + "]0;pwned[31m"
        plain = body_plain(app)
        assert title in plain
        assert "[b]markup[/b]" in plain
        assert "\x1b" not in plain and "\x9b" not in plain and "\x07" not in plain
        assert "javascript:alert(1)" in plain
        body = app.detail.body
        assert all(
            span.style is None
            or "link" not in str(span.style)
            or "javascript" not in str(span.style)
            for span in body.spans
        )
        sidebar = app.query_one(TopicSidebar)
        assert sidebar.entries[2].label == "[red]T[/red]"
        screen = app.export_screenshot()
        assert "[bold red]Breaking[/] [/] [WIP]" in screen.replace("&#160;", " ")
        assert "\x1b" not in screen and "\x07" not in screen


async def test_small_sizes_and_resize_keep_selection(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("j", "j", "j", "j", "j")
        chosen = articles.article
        for size in [(80, 24), (40, 12), (200, 60), (120, 36)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert articles.article == chosen
            assert articles.region.height >= 1
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert app.screen.has_class("-tiny")
        assert (
            not app.query_one(TopicSidebar).display or app.query_one(TopicSidebar).region.width == 0
        )
        await pilot.press("j")
        assert articles.article != chosen, "the list is still usable at 40x12"


async def test_holding_j_defers_the_detail_until_the_cursor_rests(app_factory, many_dir: Path):
    app = app_factory(many_dir, detail_debounce=0.08)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        for _ in range(5):
            articles.action_cursor_down()  # as fast as a held key: no pause between
        await pilot.pause()
        assert articles.cursor == 5
        # The detail catches up once the cursor rests (bounded wait: a busy
        # machine may run the 0.08 s timer late, never not at all).
        for _ in range(60):
            await pilot.pause(0.05)
            if articles.article.title in body_plain(app):
                break
        assert articles.article.title in body_plain(app)


async def test_resort_from_the_bottom_shows_the_top(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        # Third oldest is article 56 (quality 56): fourth best by quality.
        await pilot.press("G", "k", "k")
        assert articles.article.quality == 56
        assert articles.scroll_y > 0
        await pilot.press("s")
        assert articles.article.quality == 56 and articles.cursor == 3
        assert articles.scroll_y == 0, "the three better articles above it stay visible"


async def test_a_hidden_sidebar_is_never_driven_blind(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        sidebar = app.query_one(TopicSidebar)
        await pilot.press("shift+tab")
        assert app.focused is sidebar
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        assert app.focused is not sidebar  # the sidebar went away: focus left it
        scope = app.scope
        for _ in range(6):
            await pilot.press("tab")
            assert app.focused is not sidebar
        await pilot.press("escape", "j", "j", "G")
        await app.run_action("focus_topics")
        await pilot.press("j", "j")
        assert app.focused is not sidebar and app.scope == scope


@pytest.mark.parametrize("width", [40, 50, 80, 120])
async def test_the_top_line_keeps_the_view_and_unread_count(app_factory, many_dir: Path, width):
    app = app_factory(many_dir)
    async with app.run_test(size=(width, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("h")  # "read hidden" makes the line longer
        app.scope = Topic("Even")
        await pilot.pause()
        line = app.query_one("#status", Static).render_line(0).text
        assert "Even" in line and "30 unread" in line, line


async def test_layout_at_120_by_40(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        sidebar = app.query_one(TopicSidebar)
        assert sidebar.outer_size.width == 16  # "All 60/60", "Starred 0/0": short names
        articles = app.query_one(ArticleList)
        assert "Provider" in articles.render_line(0).text  # the list has room for it


async def test_the_related_list_follows_the_text(app_factory):
    app = app_factory()  # the seeds: an article with "Also covered by" and related stories
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        detail = app.detail
        lines = detail.text_lines()[: detail.size.height]  # what shows without scrolling
        link = next(n for n, line in enumerate(lines) if line.strip().startswith("https://"))
        heading = lines.index("Also covered by")
        assert lines[heading - 1].startswith("─")  # the rule, then the coverage: no gap
        assert all(line.strip() for line in lines[link : heading - 1])  # nor above the rule
        assert lines[heading + 1].startswith("◆ ")  # the first related story is on screen


async def test_the_next_articles_details_are_read_ahead(app_factory, many_dir: Path, monkeypatch):
    """j shows the next article without reading its file on the event loop."""
    import reader.seedfile

    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await wait_workers(app)  # the prefetch that followed the first article
        await pilot.pause()

        def no_reading(article):
            raise AssertionError(f"read {article.path} on the event loop")

        monkeypatch.setattr(reader.seedfile, "load_detail", no_reading)
        await pilot.press("j")
        articles = app.query_one(ArticleList)
        assert articles.article.title in body_plain(app)


async def test_ctrl_c_says_which_key_quits_without_markup(app_factory, many_dir: Path, notices):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("ctrl+c")
        assert notices[-1] == "Press q or Ctrl+Q to quit."
        assert app.is_running


@pytest.mark.parametrize("size", [(120, 30), (120, 36)])
async def test_the_focus_on_a_sidebar_hidden_by_a_resize_moves_to_the_list(
    app_factory, many_dir: Path, size: tuple[int, int]
):
    app = app_factory(many_dir)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("shift+tab")
        assert app.focused is app.query_one(TopicSidebar)
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        articles = app.article_list
        assert app.focused is articles
        await pilot.press("j", "j", "j")
        assert articles.cursor == 3
        await pilot.press("enter")
        assert app.focused is not articles  # Enter opened the article: the focus went on
