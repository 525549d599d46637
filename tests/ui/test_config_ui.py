"""Pilot tests of settings from config.toml: keymap, defaults, theme, notes."""

from __future__ import annotations

from pathlib import Path

from reader.config import parse_config
from reader.screens.help import HelpScreen

from .conftest import SEEDS, wait_loaded


def config(text: str):
    parsed, problems = parse_config(text, Path("config.toml"))
    assert problems == []
    return parsed


async def test_keymap_moves_sort_to_capital_o(app_factory, many_dir: Path):
    app = app_factory(many_dir, config=config('[keymap]\n"app.sort" = "O"\n'))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("s")
        assert app.sort == "date", "the old key no longer sorts"
        await pilot.press("O")
        assert app.sort == "quality"
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        sort_row = next(row for row in app.screen.rows if row.description == "Sort")
        assert sort_row.keys == "O"


async def test_config_defaults_apply(app_factory, many_dir: Path):
    text = 'sort = "quality"\nhide_read = true\ntheme = "gruvbox"\ndwell_seconds = 0\n'
    app = app_factory(many_dir, config=config(text))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        assert app.sort == "quality"
        assert app.hide_read
        assert app.theme == "gruvbox"
        assert app.dwell.seconds == 0


async def test_config_notes_are_shown(app_factory, many_dir: Path, notices):
    app = app_factory(many_dir, notes=["config.toml:3: sort must be date or quality"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        assert any("sort must be" in m for m in notices)


async def test_the_keymap_problems_of_config_check_are_the_notes_at_start(
    monkeypatch, tmp_path: Path, notices
):
    """The TUI shows exactly what 'newsreader config check' prints: one check, two callers."""
    from reader import cli
    from reader.app import NewsReaderApp

    config_file = tmp_path / "config" / "newsreader" / "config.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text('[keymap]\n"app.nosuch" = "z"\n"app.quit" = "j"\n"app.help" = "F1"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    shown: list[str] = []
    monkeypatch.setattr(NewsReaderApp, "run", lambda self: shown.extend(self.notes))
    monkeypatch.setattr(cli.tui, "_require_terminal", lambda: None)  # pytest's streams are no tty
    assert cli.main([str(SEEDS)]) == 0
    checked = _config_check(cli, config_file)[:-1]  # the last line counts them
    assert shown == checked and len(shown) == 3
    assert '"app.nosuch" is not a binding id' in shown[0]
    assert 'did you mean "f1"?' in shown[1]
    assert '"j" for "app.quit" is also bound to' in shown[2] and "list.down" in shown[2]


def _config_check(cli, path: Path) -> list[str]:
    import io
    import sys

    out = io.StringIO()
    stdout, sys.stdout = sys.stdout, out
    try:
        cli.main(["config", "check", str(path)])
    finally:
        sys.stdout = stdout
    return out.getvalue().splitlines()


async def test_a_keymap_with_a_bad_key_keeps_the_default(app_factory, many_dir: Path):
    parsed, problems = parse_config('[keymap]\n"app.help" = "ctrl+shift+alt+zz"\n', Path("c"))
    assert len(problems) == 1
    app = app_factory(many_dir, config=parsed)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)


async def test_many_config_problems_make_one_notice_pointing_at_config_check(
    app_factory, many_dir: Path, notices
):
    problems = [f"config.toml:{n}: problem number {n}" for n in range(1, 12)]
    app = app_factory(many_dir, notes=problems)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        settings = [m for m in notices if "config" in m]
        assert len(settings) == 1, settings
        assert "11 problems" in settings[0] and "problem number 1" in settings[0]
        assert "newsreader config check" in settings[0]
        assert len(notices) == 1  # no other notice either
