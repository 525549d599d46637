"""What the command line hands the reader: a folder named another way than last time
(relative, absolute, ``.``) opens from the index cache that name wrote, nothing parsed
again and no "renamed or moved"; a file's problem is one line on the ``!`` screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader import seedfile
from reader.cli import main
from reader.cli.loading import seed_paths
from reader.model import Article, Problem

from .conftest import article_fields, wait_loaded, write_seed

OLD = 1_600_000_000 * 10**9  # an mtime well outside the cache's racy window


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = seedfile.load_seed_excerpt

    def counting(path: str, *, explicit: bool = True) -> tuple[Article, str] | Problem:
        seen.append(path)
        return real(path, explicit=explicit)

    monkeypatch.setattr(seedfile, "load_seed_excerpt", counting)
    return seen


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(60):
        os.utime(write_seed(folder, f"{n:03}.txt", **article_fields(n)), ns=(OLD, OLD))
    return folder


async def _open(app_factory, given: list[str]) -> list[str]:
    """The reader on the paths as the command line gives them; the titles listed."""
    app = app_factory(*seed_paths(given))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        return [article.title for article in app.article_list.articles]


@pytest.mark.parametrize("first", ["relative", "list"])
async def test_the_reader_opens_a_folder_named_another_way_from_the_cache(
    app_factory, news, monkeypatch, parsed, notices, capsys, first
):
    monkeypatch.chdir(news.parent)
    if first == "list":
        assert main(["list", "news"]) == 0
        capsys.readouterr()
    else:
        await _open(app_factory, ["news"])
    assert len(parsed) == 60
    parsed.clear()
    notices.clear()
    shown = await _open(app_factory, [str(news)])
    monkeypatch.chdir(news)
    assert await _open(app_factory, ["."]) == shown
    assert len(shown) == 60
    assert parsed == []
    assert not [notice for notice in notices if "moved" in notice or "new article" in notice]


async def test_the_problems_screen_says_a_yaml_mistake_in_one_line(app_factory, news):
    from textual.widgets import Static

    from reader.screens.problems import ProblemsScreen

    (news / "esc.txt").write_text("---\ntitle: ok\nexcerpt: a\x1bb\n---\n", encoding="utf-8")
    app = app_factory(news)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        text = str(app.screen.query_one(Static).render())
        (line,) = [line for line in text.splitlines() if "esc.txt" in line]
        assert line == (
            f"{news / 'esc.txt'}:3: front matter is not valid YAML: "
            "it holds the control character U+001B (ESC) at column 11"
        )
        assert "<unicode string>" not in text and "position" not in text
