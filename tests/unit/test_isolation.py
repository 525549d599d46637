"""The suite never writes outside its temporary folders (tests/conftest.py isolates them)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import platformdirs
import pytest
from feed_samples import RSS_20

from reader import cli, paths
from reader.feeds import subscriptions


def inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def test_every_user_folder_is_a_temporary_one(tmp_path_factory: pytest.TempPathFactory) -> None:
    base = tmp_path_factory.getbasetemp().resolve()
    folders = {
        "data": paths.data_dir(),
        "cache": paths.cache_dir(),
        "config": paths.config_dir(),
        "state": platformdirs.user_state_path("newsreader", appauthor=False),
        "runtime": platformdirs.user_runtime_path("newsreader", appauthor=False),
        "home": Path.home(),
    }
    for name, folder in folders.items():
        assert inside(folder.resolve(), base), f"the {name} folder {folder} is not under {base}"
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        assert inside(Path(os.environ[var]).resolve(), base), var
    assert inside(Path(os.environ["XDG_RUNTIME_DIR"]).resolve(), base)


def test_the_recorder_sees_a_write(tmp_path: Path, recorded_writes: list[Path]) -> None:
    # The proof below is only as good as the recorder: it must see each kind of write.
    (tmp_path / "a.txt").write_text("x", "utf-8")
    (tmp_path / "d").mkdir()
    os.replace(tmp_path / "a.txt", tmp_path / "d" / "b.txt")
    sqlite3.connect(tmp_path / "s.sqlite3").close()
    assert {tmp_path / "a.txt", tmp_path / "d", tmp_path / "d" / "b.txt"} <= set(recorded_writes)
    assert tmp_path / "s.sqlite3" in recorded_writes
    recorded_writes.clear()
    shutil.rmtree(tmp_path / "d")  # removes by names relative to an open folder
    assert recorded_writes and set(recorded_writes) <= {tmp_path / "d", tmp_path / "d" / "b.txt"}


def test_commands_write_nothing_outside_tmp(
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
    recorded_writes: list[Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The commands that write (index cache, marks, subscriptions, fetched articles)
    write only under tmp."""
    base = tmp_path_factory.getbasetemp().resolve()
    marks = tmp_path / "marks.json"
    marks.write_text('{"marks": [{"id": "x", "read": true}]}', "utf-8")
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS_20)
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        f'<opml version="2.0"><body><outline text="A" xmlUrl="{feed}"/></body></opml>', "utf-8"
    )
    for argv in (
        ["list"],
        ["list", "--stories", "--json"],
        ["check"],
        ["state", "import", str(marks)],
        ["state", "export"],
        ["config", "check"],
        ["feed", "import", str(opml)],
        ["fetch"],
        ["list"],
        ["feed", "list"],
        ["feed", "remove", str(feed)],
    ):
        cli.main(argv)
    capsys.readouterr()
    assert recorded_writes, "the commands wrote nothing: the recorder is not listening"
    assert any(inside(p, paths.cache_dir().resolve()) for p in recorded_writes)
    assert any(inside(p, paths.feeds_dir().resolve()) for p in recorded_writes), "no fetch"
    assert not subscriptions.load_feeds(), "the feed was not removed"
    outside = sorted({p for p in recorded_writes if not inside(p.resolve(), base)})
    assert not outside, f"written outside {base}: {outside}"
