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
from reader.widgets.detail_pane import RelatedList
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
        (RelatedList, "related"),
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
