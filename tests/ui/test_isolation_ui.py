"""The reader, run as a user runs it, writes only under the test's temporary folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import paths

from .conftest import wait_loaded


def inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


async def test_the_reader_writes_nothing_outside_tmp(
    app_factory, many_dir: Path, tmp_path_factory: pytest.TempPathFactory, recorded_writes
):
    base = tmp_path_factory.getbasetemp().resolve()
    app = app_factory(many_dir, optional_paths=paths.default_optional_paths())
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("m")  # a read mark, saved in the state database
        await pilot.pause()
    assert any(inside(p, paths.cache_dir().resolve()) for p in recorded_writes)
    assert any(inside(p, paths.data_dir().resolve()) for p in recorded_writes)
    outside = sorted({p for p in recorded_writes if not inside(p.resolve(), base)})
    assert not outside, f"written outside {base}: {outside}"
