"""A file the index cache holds but that can no longer be opened is a problem, not an article.

Root opens a mode-000 file anyway, so the commands run in a process without
root's file-permission capabilities (tests/unit/unprivileged.py); as any
other user they just run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main

HELPER = Path(__file__).with_name("unprivileged.py")
OLD = 1_600_000_000 * 10**9  # mtimes outside the cache's racy window: the files are cached


def _unprivileged(*argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TEXTUAL_ANIMATIONS="none")
    return subprocess.run(
        [sys.executable, str(HELPER), *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for n in (1, 2):
        path = folder / f"a{n}.txt"
        path.write_text(f"---\ntitle: Article {n}\nwebUrl: https://e.example/{n}\n---\n", "utf-8")
        os.utime(path, ns=(OLD, OLD))
    return folder


@pytest.fixture
def unreadable(library: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """a1.txt, cached as an article, then made unreadable (mode 000)."""
    assert main(["check", str(library)]) == 0  # both articles, now in the index cache
    capsys.readouterr()
    if not sys.platform.startswith("linux"):
        pytest.skip("needs Linux capabilities to read as a user who may not open the file")
    path = library / "a1.txt"
    path.chmod(0)
    probe = _unprivileged("probe", str(path))
    if probe.returncode != 0:
        pytest.skip(f"cannot run without the right to read a mode-000 file: {probe.stderr[-200:]}")
    return path


def test_check_counts_it_as_a_problem_as_no_cache_does(library: Path, unreadable: Path) -> None:
    cached = _unprivileged("cli", "check", str(library))
    fresh = _unprivileged("cli", "check", "--no-cache", str(library))
    assert f"{unreadable}: cannot read the file (Permission denied)" in cached.stdout
    assert "2 files: 1 article, 1 problem" in cached.stdout, cached.stdout
    assert cached.returncode == 1
    assert cached.stdout == fresh.stdout


def test_list_leaves_it_out_and_says_a_file_was_skipped(library: Path, unreadable: Path) -> None:
    listed = _unprivileged("cli", "list", str(library))
    assert "Article 2" in listed.stdout
    assert "Article 1" not in listed.stdout
    assert "1 file skipped" in listed.stderr


def test_the_reader_leaves_it_out_and_names_it(library: Path, unreadable: Path) -> None:
    run = _unprivileged("tui", str(library))
    assert run.returncode == 0, run.stderr[-2000:]
    shown = json.loads(run.stdout.strip().splitlines()[-1])
    assert shown["titles"] == ["Article 2"]
    assert shown["problems"] == [f"{unreadable}: cannot read the file (Permission denied)"]


def test_files_of_a_folder_that_can_be_listed_but_not_entered_are_problems(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Read permission without search permission: the names are listed, no file opens.
    assert main(["check", str(library)]) == 0
    capsys.readouterr()
    if not sys.platform.startswith("linux"):
        pytest.skip("needs Linux capabilities to read as a user who may not enter the folder")
    library.chmod(0o644)
    try:
        probe = _unprivileged("probe", str(library / "a1.txt"))
        if probe.returncode != 0:
            pytest.skip(f"cannot run without the right to enter a folder: {probe.stderr[-200:]}")
        cached = _unprivileged("cli", "check", str(library))
        fresh = _unprivileged("cli", "check", "--no-cache", str(library))
    finally:
        library.chmod(0o755)
    for name in ("a1.txt", "a2.txt"):
        assert f"{library / name}: cannot read the file (Permission denied)" in cached.stdout
    assert cached.stdout.splitlines()[-1].endswith(": 0 articles, 2 problems"), cached.stdout
    assert cached.returncode == 1
    assert cached.stdout == fresh.stdout


@pytest.mark.parametrize("replacement", ["dangling symlink", "folder"])
def test_a_cached_file_replaced_by_what_cannot_be_read_is_no_article(
    library: Path, capsys: pytest.CaptureFixture[str], replacement: str
) -> None:
    assert main(["check", str(library)]) == 0
    path = library / "a1.txt"
    path.unlink()
    if replacement == "folder":
        path.mkdir()
    else:
        path.symlink_to(library / "gone.txt")
    capsys.readouterr()
    code = main(["check", "--verbose", str(library)])
    out = capsys.readouterr().out
    assert ": 1 article," in out
    if replacement == "folder":
        assert f"{path}: is a directory, not a file (read as a folder)" in out
    else:
        assert f"{path}: broken symbolic link" in out and code == 1
