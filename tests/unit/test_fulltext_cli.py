"""`newsreader fulltext`, `newsreader show` and `list --query text:` against a local server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pages
import pytest
from feed_server import FeedServer

from reader.cli import main
from reader.fulltext import TextStore, articles_db_path


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with pages.page_server() as running:
        yield running


def seed(folder: Path, name: str, title: str, url: str, day: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(
        f'---\ntitle: "{title}"\nexcerpt: "Short summary of {name}."\n'
        f"publishedDateTime: 2024-05-{day:02d}T10:00:00Z\nwebUrl: {url}\n"
        f"provider:\n  name: Example {name}\n  domain: example.org\n---\n",
        encoding="utf-8",
    )


@pytest.fixture
def library(tmp_path: Path, server: FeedServer) -> Path:
    folder = tmp_path / "news"
    seed(folder, "news", "Harbour bridge reopens", server.url("/news"), 3)
    seed(folder, "blog", "Why I switched", server.url("/blog"), 2)
    seed(folder, "paper", "The council report", server.url("/paper"), 1)
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_fulltext_keeps_texts_names_each_failure_and_exits_1(capsys, library: Path) -> None:
    code, out, err = run(capsys, "fulltext", library)
    assert code == 1 and out == ""
    assert (
        err == "newsreader: “The council report”: the link is a PDF document "
        "(application/pdf), not a web page\n"
    )
    assert len(TextStore(articles_db_path()).ids()) == 2
    # A second run fetches only what is still missing.
    code, _, err = run(capsys, "fulltext", library, "--query", "bridge OR switched")
    assert code == 0 and "already has its full text" in err


def test_fulltext_takes_a_query_and_a_limit(capsys, library: Path, server: FeedServer) -> None:
    code, _, _ = run(capsys, "fulltext", library, "--query=-council", "--limit", "1")
    assert code == 0
    assert server.paths() == ["/news"]  # newest first, one


def test_show_prints_the_full_text_with_its_links(
    capsys, library: Path, server: FeedServer
) -> None:
    code, out, _ = run(capsys, "show", server.url("/news"), library, "--fetch")
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == [
        "Harbour bridge reopens",
        "Example news · 2024-05-03 10:00 UTC",
        server.url("/news"),
    ]
    assert "first buses crossing at dawn" in out and "Cookie policy" not in out
    assert "[2] https://example.org/budget" in lines


def test_show_json_has_the_text_or_null_and_the_error(
    capsys, library: Path, server: FeedServer
) -> None:
    code, out, _ = run(capsys, "show", server.url("/blog"), library, "--json")
    record = json.loads(out)
    assert code == 0 and record["text"] is None and record["text_error"] is None
    assert record["excerpt"] == "Short summary of blog."
    code, out, _ = run(capsys, "show", server.url("/blog"), library, "--json", "--fetch")
    record = json.loads(out)
    assert code == 0 and "every plugin" in record["text"]
    assert record["links"] == [
        {"number": 1, "url": "https://blog.example/notes", "label": "my notes"}
    ]
    code, out, _ = run(capsys, "show", server.url("/paper"), library, "--json", "--fetch")
    record = json.loads(out)
    assert code == 1 and record["text"] is None and "PDF document" in record["text_error"]
    assert set(record) >= {"id", "title", "url", "excerpt", "text", "text_error", "links"}


def test_show_names_an_unknown_article(capsys, library: Path) -> None:
    code, _, err = run(capsys, "show", "https://nowhere.example/x", library)
    assert (
        code == 2 and err == "newsreader: no article has the id or link https://nowhere.example/x\n"
    )


def test_list_query_searches_the_stored_full_texts(
    capsys, library: Path, server: FeedServer
) -> None:
    run(capsys, "fulltext", library)
    _, out, _ = run(capsys, "list", library, "--query", 'text:"replaced every cable"')
    assert [line.endswith("Harbour bridge reopens") for line in out.splitlines()] == [True]
    _, out, _ = run(capsys, "list", library, "--query", "plugin")  # a free word: the text too
    assert out.splitlines()[0].endswith("Why I switched")


def test_state_articles_path_names_the_database(capsys) -> None:
    code, out, _ = run(capsys, "state", "articles-path")
    assert code == 0 and out == f"{articles_db_path()}\n"
    assert out.strip().endswith("articles.sqlite3") and not articles_db_path().exists()
