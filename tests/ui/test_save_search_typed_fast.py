"""Ctrl+S, then a name typed in one burst: every character lands in the name."""

from __future__ import annotations

from pathlib import Path

from .conftest import type_fast, wait_loaded


async def test_a_name_typed_fast_after_ctrl_s_is_saved_whole(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await type_fast(pilot, "slash", "G", "u", "f", "1", "enter")
        assert app.view.query_text == "Guf1"
        await type_fast(pilot, "ctrl+s", "ctrl+u", "m", "i", "n", "e", "enter")
        await pilot.pause()
        assert list(app.state.saved_searches()) == ["mine"]
