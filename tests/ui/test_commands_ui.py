"""Pilot: S saves the article as Markdown; [commands] run on a key and from the palette."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from reader.config import Config, parse_config

from .conftest import wait_loaded, wait_workers, write_seed


def _library(tmp_path: Path, title: str) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir()
    write_seed(
        folder,
        "a.txt",
        title=title,
        webUrl="https://e.example/1",
        excerpt="The excerpt.",
        provider="Gulf News",
        publishedDateTime="2026-01-05T10:00:00Z",
    )
    return folder


def _config(tmp_path: Path, text: str):
    config, problems = parse_config(text, tmp_path / "config.toml")
    assert problems == []
    return config


async def test_s_saves_the_article_as_markdown_and_says_where(app_factory, tmp_path: Path, notices):
    folder = _library(tmp_path, "Storm over the Gulf")
    saved = tmp_path / "saved"
    config = _config(tmp_path, f"save_folder = {str(saved)!r}\n")
    app = app_factory(folder, state_path=tmp_path / "state.sqlite3", config=config)
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("S")
        await pilot.pause()
    [path] = saved.iterdir()
    assert path.name == "2026-01-05-Storm-over-the-Gulf.md"
    text = path.read_text()
    assert text.startswith(
        "# Storm over the Gulf\n\n<https://e.example/1>\n\nGulf News · 2026-01-05"
    )
    assert "The excerpt." in text
    assert any(n.startswith("Saved as Markdown:") and str(path) in n for n in notices), notices


async def test_s_without_a_configured_folder_saves_into_the_data_folder(
    app_factory, tmp_path: Path, notices
):
    from reader import paths

    folder = _library(tmp_path, "Default place")
    app = app_factory(folder, state_path=tmp_path / "state.sqlite3")
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("S")
        await pilot.pause()
    assert [p.name for p in paths.saved_dir().iterdir()] == ["2026-01-05-Default-place.md"]


async def test_a_save_that_cannot_be_written_is_one_sentence(app_factory, tmp_path: Path, notices):
    folder = _library(tmp_path, "Nowhere")
    (tmp_path / "afile").write_text("x")
    # A save folder that cannot be created: a file is in the way.
    config = Config(save_folder=tmp_path / "afile" / "sub")
    app = app_factory(folder, state_path=tmp_path / "state.sqlite3", config=config)
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("S")
        await pilot.pause()
    [said] = [n for n in notices if n.startswith("Not saved")]
    assert said.count(".") >= 1 and "\n" not in said and "Traceback" not in said
    assert str(tmp_path / "afile" / "sub") in said


async def test_a_named_command_on_its_key_and_in_the_palette_runs_nothing_of_the_title(
    app_factory, tmp_path: Path, notices
):
    title = f'$(touch {tmp_path}/pwned) "; touch {tmp_path}/pwned2 #'
    folder = _library(tmp_path, title)
    out = tmp_path / "out.txt"
    script = 'printf %s "$1" > "$2"; echo said >&2; exit 4'
    template = f"sh -c {shlex.quote(script)} _ {{title}} {out}"
    toml = f'[commands]\nkeep = {json.dumps(template)}\n[keymap]\n"command.keep" = "M"\n'
    config = _config(tmp_path, toml)
    app = app_factory(folder, state_path=tmp_path / "state.sqlite3", config=config)
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("M")
        await wait_workers(app)
        await pilot.pause()
        assert out.read_text() == title
        assert not any(tmp_path.glob("pwned*"))
        assert any(n.startswith("keep: exit 4") and n.endswith("said") for n in notices), notices

        out.unlink()
        [run] = [c for c in app.get_system_commands(app.screen) if c.title == "Run keep"]
        await run.callback()  # what the palette calls
        await pilot.pause()
        await wait_workers(app)
        await pilot.pause()
        assert out.read_text() == title
        assert not any(tmp_path.glob("pwned*"))


async def test_the_help_screen_lists_the_named_commands_with_their_keys(
    app_factory, tmp_path: Path
):
    import io

    from rich.console import Console

    from reader.bindings import COMMANDS_SECTION
    from reader.screens.help import HelpScreen

    folder = _library(tmp_path, "Helpful")
    toml = (
        '[commands]\nkeep = "true {url}"\nmail = "true {title}"\n[keymap]\n"command.keep" = "M"\n'
    )
    app = app_factory(folder, state_path=tmp_path / "state.sqlite3", config=_config(tmp_path, toml))
    async with app.run_test(size=(140, 60)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        named = [(r.keys, r.id) for r in screen.rows if r.section == COMMANDS_SECTION]
        assert named == [("M", "command.keep"), ("Ctrl+P", "command.mail")]
        # As wide as the help box's text (72 cells, less border, padding and scrollbar).
        console = Console(width=66, file=io.StringIO(), record=True)
        console.print(screen._table(140))
    lines = console.export_text().splitlines()
    keep = next(line for line in lines if "command.keep" in line)
    assert keep.split()[:3] == ["M", "Run", "keep"]
    assert any(line.strip() == COMMANDS_SECTION for line in lines)
    # The section's title sits in the key column: it must not squeeze what keys do.
    unread = next(line for line in lines if "app.prev_unread" in line)
    assert "Previous unread" in unread
