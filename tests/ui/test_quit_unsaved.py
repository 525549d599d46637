"""Quitting while read marks cannot be saved says how many were lost."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from reader import paths

from .conftest import SEEDS, wait_workers

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from small_disk import fill, mount_tmpfs, unmount  # noqa: E402


async def test_quitting_on_a_full_disk_counts_the_unsaved_marks(app_factory, tmp_path, monkeypatch):
    disk = mount_tmpfs(tmp_path / "disk", "1m")
    try:
        monkeypatch.setenv("XDG_DATA_HOME", str(disk))
        app = app_factory(SEEDS)
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_workers(app)
            await pilot.pause()
            await pilot.press("m")  # the state file is made while there is room
            fill(disk)
            await pilot.press(*["j", "m"] * 4)
            await pilot.pause()
            unsaved = app.state.unsaved  # a first one may fit in the journal's slack
            assert unsaved >= 1
        # Quitting also remembers the view, which cannot be saved either.
        warning = app.quit_warning or ""
        lost = re.fullmatch(
            r"([\d,]+) read marks? and ([\d,]+) settings? could not be saved to (.+): "
            r"the disk is full\.",
            warning,
        )
        assert lost is not None, warning
        assert int(lost[1].replace(",", "")) + int(lost[2]) >= unsaved
        assert lost[3] == str(paths.state_db_path())
    finally:
        unmount(disk)


async def test_quitting_with_everything_saved_says_nothing(app_factory):
    app = app_factory(SEEDS)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_workers(app)
        await pilot.press("m")
    assert app.quit_warning is None
