"""Pilot tests of settings from config.toml: keymap, defaults, theme, notes."""

from __future__ import annotations

from pathlib import Path

from reader.config import parse_config
from reader.screens.help import HelpScreen

from .conftest import wait_loaded


def config(text: str):
    parsed, problems = parse_config(text, Path("config.toml"))
    assert problems == []
    return parsed


async def test_keymap_moves_sort_to_capital_s(app_factory, many_dir: Path):
    app = app_factory(many_dir, config=config('[keymap]\n"app.sort" = "S"\n'))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("s")
        assert app.sort == "date", "the old key no longer sorts"
        await pilot.press("S")
        assert app.sort == "quality"
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        sort_row = next(row for row in app.screen.rows if row.description == "Sort")
        assert sort_row.keys == "S"


async def test_config_defaults_apply(app_factory, many_dir: Path):
    text = 'sort = "quality"\nhide_read = true\ntheme = "gruvbox"\ndwell_seconds = 0\n'
    app = app_factory(many_dir, config=config(text))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        assert app.sort == "quality"
        assert app.hide_read
        assert app.theme == "gruvbox"
        assert app.dwell == 0


async def test_config_notes_are_shown(app_factory, many_dir: Path):
    app = app_factory(many_dir, notes=["config.toml:3: sort must be date or quality"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("sort must be" in m for m in messages)


async def test_keymap_problems_are_named(app_factory, many_dir: Path):
    text = '[keymap]\n"app.nosuch" = "z"\n"app.quit" = "j"\n'
    app = app_factory(many_dir, config=config(text))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        messages = " ".join(n.message for n in app._notifications)
        assert '"app.nosuch" is not a binding id' in messages
        assert '"j" for "app.quit" is also bound to' in messages and "list.down" in messages


async def test_a_clean_keymap_has_no_problems(app_factory, many_dir: Path):
    app = app_factory(many_dir, config=config('[keymap]\n"app.sort" = "S"\n'))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        assert app.keymap_problems() == []
