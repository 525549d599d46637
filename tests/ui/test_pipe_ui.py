"""Pilot: | pipes the article to a command; a hostile title runs nothing; the command stays."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from reader.screens.pipe import PipeScreen

from .conftest import wait_loaded, wait_workers, write_seed


async def test_pipe_with_a_hostile_title_runs_nothing(app_factory, tmp_path: Path, notices):
    folder = tmp_path / "lib"
    folder.mkdir()
    title = f'$(touch {tmp_path}/pwned) "; touch {tmp_path}/pwned2 #'
    write_seed(folder, "a.txt", title=title, webUrl="https://e.example/1", excerpt="Text.")
    out = tmp_path / "out.txt"
    command = f'cat > {out}; printf %s "$NEWSREADER_TITLE" > {tmp_path}/t.txt; echo no >&2; exit 2'
    app = app_factory(folder, state_path=tmp_path / "state.sqlite3")
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("vertical_line")
        assert isinstance(app.screen, PipeScreen)
        app.screen.query_one(Input).value = command
        await pilot.press("enter")
        await wait_workers(app)
        await pilot.pause()
        assert out.read_text().splitlines()[:2] == [title, "https://e.example/1"]
        assert (tmp_path / "t.txt").read_text() == title
        assert not any(tmp_path.glob("pwned*"))
        assert any("exit 2" in n and "no" in n.splitlines()[-1] for n in notices), notices

        await pilot.press("vertical_line")  # the last command is offered again
        assert app.screen.query_one(Input).value == command
        await pilot.press("escape")
