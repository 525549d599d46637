"""Read marks on a full or a read-only disk: the command line and the reader say why, once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from small_disk import fill, mount_tmpfs, remount_read_only, unmount

from reader import paths
from reader.cli import main
from reader.state import UserState


@pytest.fixture
def disk(tmp_path: Path, monkeypatch) -> Iterator[Path]:
    mount = mount_tmpfs(tmp_path / "disk", "1m")
    monkeypatch.setenv("XDG_DATA_HOME", str(mount))
    try:
        yield mount
    finally:
        unmount(mount)


def marks_file(tmp_path: Path, count: int, name: str = "marks.json") -> Path:
    marks = [{"id": f"https://x.example/{name}/{n}", "read": True} for n in range(count)]
    path = tmp_path / name
    path.write_text(json.dumps({"format": "newsreader-state", "version": 1, "marks": marks}))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_on_a_full_disk_says_why(capsys, disk: Path, tmp_path: Path) -> None:
    assert run(capsys, "state", "import", marks_file(tmp_path, 3, "first.json"))[0] == 0
    fill(disk)
    code, out, err = run(capsys, "state", "import", marks_file(tmp_path, 30_000))
    assert code == 1 and out == ""
    assert err == (
        f"newsreader: 30,000 read marks could not be saved to {paths.state_db_path()}: "
        "the disk is full.\n"
    )


def test_import_on_a_read_only_state_uses_no_reader_wording(
    capsys, disk: Path, tmp_path: Path
) -> None:
    assert run(capsys, "state", "import", marks_file(tmp_path, 3, "first.json"))[0] == 0
    remount_read_only(disk)
    for count, expected_code in ((5, 1), (0, 0)):
        code, _, err = run(capsys, "state", "import", marks_file(tmp_path, count))
        assert code == expected_code
        assert "until you quit" not in err
        assert f"{paths.data_dir()} is read-only" in err and err.count("\n") == 1


def test_closing_on_a_full_disk_names_every_kind_of_change_lost(disk: Path) -> None:
    state = UserState()
    state.mark_read(["https://a.example/"])
    fill(disk)
    state.mark_read(["https://b.example/1", "https://b.example/2"])
    state.set_starred(["https://b.example/1"])
    state.close()
    assert state.warning == (
        f"2 read marks and 1 star could not be saved to {paths.state_db_path()}: the disk is full."
    )


def test_closing_on_a_full_disk_says_how_many_marks_were_lost(disk: Path) -> None:
    state = UserState()
    state.mark_read(["https://a.example/"])
    fill(disk)
    state.mark_read([f"https://b.example/{n}" for n in range(20_000)])
    state.close()
    assert state.unsaved == 20_000
    assert state.warning == (
        f"20,000 read marks could not be saved to {paths.state_db_path()}: the disk is full."
    )
