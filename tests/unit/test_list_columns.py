"""A warm ``list`` answers from the index cache's columns exactly as from the loaded articles.

The columns path builds only the printed rows; every flag it answers, and
every library state it meets (unchanged, a file changed, added or removed,
problems, duplicates, hide rules), must print what the object path prints.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.cache import CachedColumns, IndexCache
from reader.cli import list_, main
from reader.cli import loading as cli_loading
from reader.ingest import Ingest
from reader.model import LoadResult
from reader.state import UserState

OLD = 1_600_000_000 * 10**9  # outside the racy window: the cache keeps these files

SEED = """---
title: "{title}"
webUrl: "https://example.com/{slug}"
{date}{quality}provider:
  name: "{provider}"
  domain: example.com
topics: [AI, Space]
excerpt: "About {title}."
---
"""


def _write(path: Path, title: str, *, date: str | None, quality: int | None, n: int) -> None:
    text = SEED.format(
        title=title,
        slug=title.lower().replace(" ", "-"),
        date=f"publishedDateTime: {date}\n" if date else "",
        quality=f"quality: {quality}\n" if quality is not None else "",
        provider=f"Provider {n % 3}",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(OLD + n * 10**9, OLD + n * 10**9))


ROWS = [
    ("Whole second", "2024-03-10T08:00:00Z", 40),
    ("Same second as the first", "2024-03-10T08:00:00Z", 40),  # the id breaks the tie
    ("Half a second later", "2024-03-10T08:00:00.5Z", 70),  # stored as fields, not seconds
    ("Half a second before", "2024-03-10T07:59:59.5Z", 70),
    ("Before the epoch", "1960-01-02T03:04:05Z", 55),
    ("In an offset", "2024-03-09T23:30:00+05:30", 90),
    ("Undated", None, 90),
    ("Unrated", "2024-03-11T00:00:00Z", None),
    ("Undated and unrated", None, None),
    ("Far ahead", "9999-12-31T23:59:59Z", 10),
]


def _library(folder: Path, *, extra: bool = False) -> Path:
    for n, (title, date, quality) in enumerate(ROWS):
        _write(folder / f"{n:02d}.txt", title, date=date, quality=quality, n=n)
    if extra:  # the walk entry by entry, problems of every kind
        _write(
            folder / "sub" / "deep.md",
            "In a subfolder",
            date="2024-01-01T00:00:00Z",
            quality=1,
            n=20,
        )
        (folder / "bad.txt").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
        (folder / "README.md").write_text("# Not an article\n", encoding="utf-8")
        for name in ("bad.txt", "README.md"):
            os.utime(folder / name, ns=(OLD, OLD))
        os.symlink(folder / "nowhere.txt", folder / "dangling.txt")
    return folder


@pytest.fixture(params=[False, True], ids=["plain folder", "odd folder"])
def library(request, tmp_path: Path) -> Path:
    folder = _library(tmp_path / "seeds", extra=request.param)
    assert main(["list", str(folder)]) == 0  # the index cache, written
    return folder


FLAGS = [
    [],
    ["--limit", "3"],
    ["--limit", "1"],
    ["--sort", "quality"],
    ["--sort", "quality", "--limit", "4"],
    ["--json"],
    ["--json", "--limit", "2"],
    ["--json", "--sort", "quality"],
    ["--no-hide", "--limit", "5"],
]


def _list(capsys, *argv: str) -> tuple[str, str]:
    capsys.readouterr()
    assert main(["list", *argv]) == 0
    return capsys.readouterr()


@pytest.fixture
def columns_used(monkeypatch) -> list[CachedColumns]:
    """Every time the columns path printed."""
    used: list[CachedColumns] = []
    real = list_.print_columns

    def spy(columns, *args):
        used.append(columns)
        return real(columns, *args)

    monkeypatch.setattr(list_, "print_columns", spy)
    return used


def _objects_only(monkeypatch) -> None:
    """The object path alone: the cache loaded into Articles, as before the columns."""

    def load_all(session, names, *, meanwhile=None):
        return session.load_all()

    monkeypatch.setattr(list_, "load_unless_cached", load_all)


@pytest.mark.parametrize("flags", FLAGS, ids=" ".join)
def test_a_warm_list_from_the_columns_prints_what_the_articles_print(
    capsys, monkeypatch, library, columns_used, flags
):
    with UserState() as state:  # marks, for --json
        state.mark_read([a.id for a in cli_loading.load([str(library)]).articles][::2])
    columns = _list(capsys, *flags, str(library))
    assert len(columns_used) == 1
    _objects_only(monkeypatch)
    assert _list(capsys, *flags, str(library)) == columns
    assert len(columns_used) == 1  # the object path printed the second
    assert columns == _list(capsys, "--no-cache", *flags, str(library))


def _break(path: Path) -> None:
    path.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    os.utime(path, ns=(OLD, OLD))


CHANGES = {
    "changed": lambda f: _write(
        f / "00.txt", "Changed title", date="2030-01-01T00:00:00Z", quality=3, n=40
    ),
    "added": lambda f: _write(
        f / "zz.txt", "A new one", date="2030-01-02T00:00:00Z", quality=2, n=41
    ),
    "removed": lambda f: (f / "01.txt").unlink(),
    "touched": lambda f: os.utime(f / "02.txt", ns=(OLD + 99 * 10**9, OLD + 99 * 10**9)),
    "renamed": lambda f: (f / "03.txt").rename(f / "03-moved.txt"),
    "became a problem": lambda f: _break(f / "04.txt"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
@pytest.mark.parametrize("flags", [["--limit", "3"], ["--json"]], ids=" ".join)
def test_every_warm_list_finds_a_change_and_the_next_one_answers_from_the_columns(
    capsys, library, columns_used, change, flags
):
    change(library)
    seen = _list(capsys, *flags, str(library))
    assert seen == _list(capsys, "--no-cache", *flags, str(library))
    assert not columns_used  # the change was read, not served from the cache
    again = _list(capsys, *flags, str(library))
    assert again == seen
    assert len(columns_used) == 1  # the cache holds the change now


def test_the_columns_path_stays_out_of_what_it_cannot_answer(capsys, library, columns_used):
    for flags in (
        ["--unread"],
        ["--starred"],
        ["--topic", "AI"],
        ["--query", "second"],
        ["--stories"],
    ):
        seen = _list(capsys, *flags, str(library))
        assert seen == _list(capsys, "--no-cache", *flags, str(library))
    assert not columns_used


def test_hide_rules_are_answered_by_the_articles(capsys, library, columns_used, tmp_path):
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('hide = ["title:undated"]\n', encoding="utf-8")
    seen = _list(capsys, str(library))
    assert "Undated" not in seen.out and "hidden by filters" in seen.err
    assert seen == _list(capsys, "--no-cache", str(library))
    assert not columns_used
    assert "Undated" in _list(capsys, "--no-hide", str(library)).out
    assert len(columns_used) == 1


def test_two_files_of_one_article_are_answered_by_the_articles(capsys, library, columns_used):
    text = (library / "05.txt").read_text(encoding="utf-8").replace("Undated", "Undated again")
    (library / "05-copy.txt").write_text(text, encoding="utf-8")
    os.utime(library / "05-copy.txt", ns=(OLD, OLD))
    _list(capsys, str(library))  # the cache, with both files
    seen = _list(capsys, str(library))
    assert seen == _list(capsys, "--no-cache", str(library))
    assert not columns_used


def test_columns_come_only_from_a_cache_that_holds_the_folder_as_it_is(tmp_path):
    folder = _library(tmp_path / "seeds")
    cache = IndexCache([folder], tmp_path / "cache")

    def session() -> Ingest:
        return Ingest([folder], cache=cache, workers=1)

    first = session().load_unless_cached(["title"])
    assert isinstance(first, LoadResult)  # no cache yet: every file read, the cache saved
    warm = session().load_unless_cached(["title"])
    assert isinstance(warm, CachedColumns)
    assert "excerpt" not in warm.fields  # only what was asked (and ids, paths) is decoded
    assert sorted(warm.fields["title"]) == sorted(a.title for a in first.articles)
    (folder / "07.txt").unlink()
    changed = session().load_unless_cached(["title"])
    assert isinstance(changed, LoadResult) and len(changed.articles) == len(first.articles) - 1
    assert session().load_all() == Ingest([folder], workers=1).load_all()


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 6])
def test_the_first_few_of_whole_second_dates_and_ties_are_the_articles_first_few(
    capsys, monkeypatch, tmp_path, columns_used, limit
):
    # Every date a whole second (the shortcut that keys only the newest few), with
    # ties on the cut-off date that the ids must order.
    folder = tmp_path / "seeds"
    dates = ["2024-03-10T08:00:00Z"] * 3 + ["2024-03-11T08:00:00Z", "2023-01-01T00:00:00Z"] * 2
    for n, date in enumerate(dates):
        _write(folder / f"{n:02d}.txt", f"Article {n}", date=date, quality=n, n=n)
    _list(capsys, str(folder))  # the cache
    columns = _list(capsys, "--limit", str(limit), str(folder))
    assert len(columns_used) == 1
    _objects_only(monkeypatch)
    assert _list(capsys, "--limit", str(limit), str(folder)) == columns
