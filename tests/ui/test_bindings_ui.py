"""The Textual-free binding table and settings check, held against Textual itself."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from textual._keyboard_protocol import FUNCTIONAL_KEYS
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.binding import Binding
from textual.keys import Keys, _character_to_key

from reader import bindings
from reader.app import NewsReaderApp
from reader.bindings import NAMED_KEYS, key_problem
from reader.config import THEMES
from reader.screens.help import HelpScreen
from reader.screens.problems import ProblemsScreen
from reader.screens.save_search import SaveSearchScreen
from reader.widgets.article_list import ArticleList
from reader.widgets.detail_pane import DetailPane
from reader.widgets.search_bar import SearchBar
from reader.widgets.topic_sidebar import TopicSidebar

from .conftest import wait_loaded


def test_the_theme_names_are_textuals() -> None:
    assert sorted(THEMES) == sorted(App().available_themes)


def test_every_key_textual_names_passes_the_key_grammar() -> None:
    for key in Keys:
        if key.value.startswith("<") or key.value in ("ctrl+@", "ctrl-at"):
            continue  # internal pseudo-keys; ctrl+@ and ctrl+space arrive as "ctrl+at"
        assert key_problem(key.value) is None, key.value
    for name in FUNCTIONAL_KEYS.values():
        assert name in NAMED_KEYS or len(name) == 1, name
    for character in string.printable.strip() + "é":
        assert key_problem(_character_to_key(character)) is None, character


@pytest.mark.parametrize(
    ("sequence", "key"),
    [
        ("\x1b[122;8u", "alt+ctrl+shift+z"),
        ("\x1b[97;6u", "ctrl+shift+a"),
        ("\x1b[1;6A", "ctrl+shift+up"),
    ],
)
def test_textual_sends_modifiers_in_the_order_the_grammar_asks(sequence: str, key: str) -> None:
    assert [event.key for event in XTermParser().feed(sequence)] == [key]
    assert key_problem(key) is None
    *modifiers, base = key.split("+")
    assert key_problem("+".join([*reversed(modifiers), base])) is not None


@pytest.mark.parametrize(
    ("cls", "pane"),
    [
        (NewsReaderApp, "app"),
        (ArticleList, "list"),
        (TopicSidebar, "sidebar"),
        (DetailPane, "related"),
        (SearchBar, "search"),
        (SaveSearchScreen, "save_search"),
        (ProblemsScreen, "problems"),
        (HelpScreen, "help"),
    ],
)
def test_each_panes_bindings_come_from_the_table(cls: type, pane: str) -> None:
    live = [(b.id, b.key, b.action, b.show) for b in cls.BINDINGS if isinstance(b, Binding)]
    table = [(b.id, b.keys, b.action, b.show) for b in bindings.pane_bindings(pane)]
    assert live == table


async def test_the_palette_and_help_come_from_the_table(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        titles = {command.title: command for command in app.get_system_commands(app.screen)}
        wanted = [b.palette for b in bindings.TABLE if b.palette]
        wanted += [c.title for c in bindings.PALETTE_ONLY]
        assert set(wanted) <= set(titles)
        await titles["Toggle sort"].callback()
        assert app.sort == "quality"
        await titles["Last article"].callback()
        assert app.article_list.cursor == len(app.article_list.articles) - 1
        await titles["Focus topics"].callback()
        await pilot.pause()
        assert app.focused is app.sidebar
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert [row.id for row in app.screen.rows] == [
            b.id for pane in bindings.PANES for b in bindings.pane_bindings(pane.name)
        ]


NAVIGATION = ("j", "k", "g", "G", "home", "end", "pageup", "pagedown")


@pytest.mark.parametrize("pane", ["list", "sidebar", "related", "help", "problems"])
def test_every_list_like_pane_answers_the_navigation_keys(pane: str) -> None:
    keys = {k for b in bindings.pane_bindings(pane) for k in b.keys.split(",")}
    assert set(NAVIGATION) <= keys


async def test_g_and_G_move_in_the_related_list(app_factory, tmp_path: Path):
    from .conftest import article_fields, write_seed

    folder = tmp_path / "rel"
    folder.mkdir()
    related = [{"title": f"Story {n}", "webUrl": f"https://else.org/{n}"} for n in range(5)]
    write_seed(folder, "a.txt", **article_fields(1, related=related))
    app = app_factory(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("enter")
        detail = app.query_one(DetailPane)
        assert app.focused is detail
        assert detail.cursor == 0
        await pilot.press("G")
        assert detail.cursor == len(detail.related_entries) - 1
        await pilot.press("g")
        assert detail.cursor == 0


async def test_help_and_skipped_files_scroll_with_j_k_g_G(app_factory, tmp_path: Path):
    folder = tmp_path / "bad"
    folder.mkdir()
    for n in range(80):
        (folder / f"bad{n}.txt").write_text("---\ntitle: [unclosed\n---\n")
    app = app_factory(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_loaded(app, pilot)
        for key in ("question_mark", "exclamation_mark"):
            await pilot.press(key)
            scroll = app.screen.query_one("VerticalScroll")
            assert scroll.max_scroll_y > 0
            await pilot.press("j", "j")
            await pilot.pause()
            assert scroll.scroll_y == 2
            await pilot.press("G")
            await pilot.pause()
            assert scroll.scroll_y == scroll.max_scroll_y
            await pilot.press("k")
            await pilot.pause()
            assert scroll.scroll_y == scroll.max_scroll_y - 1
            await pilot.press("g")
            await pilot.pause()
            assert scroll.scroll_y == 0
            await pilot.press("escape")


async def test_one_help_the_palette_has_no_second_key_list(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Show help" in titles
        assert "Keys" not in titles, "Textual's key panel is a second, different help"


async def test_help_at_40_columns_keeps_what_each_key_does(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(40, 12)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("question_mark")
        screen = app.screen
        from textual.geometry import Region
        from textual.widgets import Static

        static = screen.query(Static).last()
        text = "\n".join(
            "".join(segment.text for segment in strip)
            for strip in static.render_lines(Region(0, 0, *static.size))
        )
        for row in screen.rows:
            assert row.description.split()[0] in text, row
            assert row.id in text, row


async def test_the_footer_shows_whole_items_only(app_factory, many_dir: Path):
    from textual.widgets._footer import FooterKey

    for width in (40, 60, 80):
        app = app_factory(many_dir)
        async with app.run_test(size=(width, 12)) as pilot:
            await wait_loaded(app, pilot)
            await pilot.pause()
            footer = app.query_one("Footer")
            keys = list(footer.query(FooterKey))
            assert keys
            for key in keys:
                assert key.region.right <= footer.region.right, (width, key.description)
                others = [k for k in keys if k is not key]
                assert not any(key.region.overlaps(k.region) for k in others), key.description
