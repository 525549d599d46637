"""A folder named on the command line is one folder however it is named: relative,
absolute, ``.``, through a symbolic link. The index cache, the walk and the stored
file paths agree, so the second read comes from the cache and nothing is "moved"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader import seedfile
from reader.cache import IndexCache
from reader.cli import main
from reader.cli.loading import seed_paths
from reader.ingest import Ingest
from reader.model import Article, Problem

OLD = 1_600_000_000 * 10**9  # an mtime well outside the cache's racy window


def _library(root: Path, count: int = 5) -> Path:
    root.mkdir(parents=True)
    for n in range(count):
        path = root / f"{n:02}.txt"
        path.write_text(
            f"---\ntitle: Article {n}\nwebUrl: https://example.com/{n}\n"
            f"publishedDateTime: 2020-06-{n + 1:02}T00:00:00Z\n---\n",
            encoding="utf-8",
        )
        os.utime(path, ns=(OLD, OLD))
    return root


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed, as the ingest reads them (serially: a small library)."""
    seen: list[str] = []
    real = seedfile.load_seed_excerpt

    def counting(path: str, *, explicit: bool = True) -> tuple[Article, str] | Problem:
        seen.append(path)
        return real(path, explicit=explicit)

    monkeypatch.setattr(seedfile, "load_seed_excerpt", counting)
    return seen


def test_seed_paths_are_absolute_and_normalised(tmp_path, monkeypatch):
    library = _library(tmp_path / "news")
    (tmp_path / "x").mkdir()
    monkeypatch.chdir(tmp_path)
    named = [["news"], ["./news/"], [str(library)], [f"{tmp_path}/x/../news"]]
    assert {tuple(seed_paths(given)) for given in named} == {(library,)}
    monkeypatch.chdir(library)
    assert seed_paths(["."]) == [library]


def test_a_folder_through_a_symbolic_link_is_the_folder_itself(tmp_path, monkeypatch):
    library = _library(tmp_path / "real" / "news")
    (tmp_path / "link").symlink_to(library, target_is_directory=True)
    monkeypatch.chdir(tmp_path / "link")  # the process's cwd is the real folder
    assert seed_paths(["."]) == seed_paths([str(tmp_path / "link")]) == [library]


def test_a_named_file_keeps_its_own_name_and_a_dead_link_stays_one(tmp_path, monkeypatch):
    library = _library(tmp_path / "news")
    (tmp_path / "alias.txt").symlink_to(library / "00.txt")
    (tmp_path / "dead.txt").symlink_to(tmp_path / "gone.txt")
    monkeypatch.chdir(tmp_path)
    assert seed_paths(["alias.txt", "dead.txt"]) == [tmp_path / "alias.txt", tmp_path / "dead.txt"]


def test_a_missing_path_is_named_as_typed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["list", "typo"]) == 2
    assert "no such file or folder: typo" in capsys.readouterr().err


@pytest.mark.parametrize("second", ["absolute", "dot"])
def test_list_reads_a_folder_named_another_way_from_the_cache(
    tmp_path, monkeypatch, capsys, parsed, second
):
    library = _library(tmp_path / "news")
    monkeypatch.chdir(tmp_path)
    assert main(["list", "news"]) == 0
    first = capsys.readouterr().out
    assert len(parsed) == 5
    parsed.clear()
    if second == "dot":
        monkeypatch.chdir(library)
        argv = ["list", "."]
    else:
        argv = ["list", str(library)]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert parsed == []  # from the cache, not one file parsed again
    assert (out, err) == (first, "")
    # The filtered list (every article built, then checked) agrees, parsing nothing.
    assert main([*argv, "--query", "article"]) == 0
    assert parsed == []


def test_json_paths_are_absolute_whichever_way_the_folder_is_named(tmp_path, monkeypatch, capsys):
    library = _library(tmp_path / "news", count=1)
    monkeypatch.chdir(tmp_path)
    main(["list", "--json", "news"])
    assert '"path": "' + str(library / "00.txt") + '"' in capsys.readouterr().out


def test_a_check_after_the_other_name_finds_nothing_moved(tmp_path, monkeypatch, parsed):
    """What the reader runs: a warm load of the cache another name wrote, then a check."""
    library = _library(tmp_path / "news")
    monkeypatch.chdir(tmp_path)
    assert main(["list", "news"]) == 0
    parsed.clear()
    monkeypatch.chdir(library)
    chosen = seed_paths(["."])
    session = Ingest(chosen, cache=IndexCache(chosen), workers=1)
    (loaded,) = [event for event in session.load(beside=False)]
    assert loaded.from_cache and len(loaded.result.articles) == 5
    changes = session.check()
    assert not changes and changes.moved == 0
    assert parsed == []
