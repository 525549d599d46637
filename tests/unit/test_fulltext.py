"""Full text: fetched from a real server on 127.0.0.1, extracted, stored, hostile pages refused."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pages
import pytest
from feed_server import FeedServer

from reader import http
from reader.fulltext import Document, ExtractionEmpty, TextStore, fetch_document
from reader.fulltext.fetch import extract

HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    http.close()
    running = FeedServer().start()
    for path, body in {
        "/news": pages.NEWS,
        "/blog": pages.BLOG,
        "/table": pages.TABLE,
        "/de": pages.GERMAN,
        "/hostile": pages.HOSTILE,
        "/empty": pages.EMPTY,
    }.items():
        running.serve(path, body, headers=HTML)
    yield running
    running.stop()
    http.close()


def kinds(document: Document) -> list[str]:
    return [block.kind for block in document.blocks]


def test_a_news_article_loses_its_boilerplate_and_keeps_its_structure(server: FeedServer) -> None:
    fetched = fetch_document(server.url("/news"))
    text = fetched.document.plain_text()
    assert fetched.url == server.url("/news")
    assert "first buses crossing at dawn" in text
    assert "Cookie policy" not in text and "Unrelated story" not in text and "Sign in" not in text
    assert "heading" in kinds(fetched.document) and "quote" in kinds(fetched.document)
    links = {link.url: link.number for link in fetched.document.links}
    assert links[server.url("/report.pdf")] == 1
    assert links["https://example.org/budget"] == 2
    assert "council report [1]" in text and "final budget [2]" in text


def test_a_blog_post_keeps_its_code_block_and_drops_javascript_links(server: FeedServer) -> None:
    document = fetch_document(server.url("/blog")).document
    code = [block.text for block in document.blocks if block.kind == "code"]
    assert code == ["def hello():\n    print('hello, world')"]
    assert [link.url for link in document.links] == ["https://blog.example/notes"]
    assert "a trap" in document.plain_text() and "a trap [" not in document.plain_text()


def test_a_table_and_lists_become_rows_and_items(server: FeedServer) -> None:
    document = fetch_document(server.url("/table")).document
    items = [(b.marker, b.text) for b in document.blocks if b.kind == "item"]
    assert ("1.", "Off-peak tickets save a third") in items
    assert ("•", "Children under five travel free") in items
    rows = [b.text for b in document.blocks if b.kind == "row"]
    assert "North │ 4.20" in rows


def test_a_non_english_page_keeps_its_letters(server: FeedServer) -> None:
    text = fetch_document(server.url("/de")).document.plain_text()
    assert "Bürgerinnen und Bürger" in text and "Straßenbahnen" in text


def test_terminal_escapes_are_stripped_and_markup_stays_literal(server: FeedServer) -> None:
    document = fetch_document(server.url("/hostile")).document
    text = document.plain_text()
    assert "\x1b" not in text and "\x07" not in text
    assert "[bold]markup[/bold]" in text and "[WIP] [$5]" in text
    assert [link.url for link in document.links] == [server.url("/next")]


def test_a_page_without_an_article_says_so(server: FeedServer) -> None:
    with pytest.raises(ExtractionEmpty, match="no article text was found"):
        fetch_document(server.url("/empty"))


def test_a_pdf_is_named_by_its_type(server: FeedServer) -> None:
    server.serve("/paper", b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"})
    with pytest.raises(http.FetchError, match=r"is a PDF document \(application/pdf\)"):
        fetch_document(server.url("/paper"))


def test_an_html_bomb_is_refused_in_bounded_memory(server: FeedServer) -> None:
    server.serve("/bomb", pages.bomb(), headers=HTML)
    tracemalloc.start()
    try:
        with pytest.raises(ExtractionEmpty, match="more than 100,000 tags"):
            fetch_document(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1_048_576


def test_a_nested_bomb_under_the_tag_limit_is_parsed_without_failing() -> None:
    # 40,000 nested elements: lxml's depth limit stops the tree, trafilatura finds nothing.
    with pytest.raises(ExtractionEmpty):
        extract(pages.bomb(40_000).decode(), "http://127.0.0.1/bomb")


def test_texts_are_stored_by_id_and_survive_a_reopen(server: FeedServer, tmp_path: Path) -> None:
    path = tmp_path / "articles.sqlite3"
    fetched = fetch_document(server.url("/news"))
    store = TextStore(path)
    store.put_document("abc", server.url("/news"), fetched.url, fetched.document)
    store.put_failure("def", server.url("/paper"), "failed", "the link is a PDF document")
    store.close()
    again = TextStore(path)
    stored = again.get("abc")
    assert stored is not None and stored.status == "ok" and stored.document == fetched.document
    assert stored.final_url == fetched.url and stored.fetched_at > 0
    failed = again.get("def")
    assert failed is not None and failed.status == "failed" and failed.document is None
    assert failed.error == "the link is a PDF document"
    assert again.ids() == {"abc"}
    import sqlite3

    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_later_failure_keeps_the_stored_text(server: FeedServer, tmp_path: Path) -> None:
    store = TextStore(tmp_path / "a.sqlite3")
    fetched = fetch_document(server.url("/news"))
    store.put_document("abc", "u", fetched.url, fetched.document)
    store.put_failure("abc", "u", "failed", "could not connect to 127.0.0.1")
    stored = store.get("abc")
    assert stored is not None and stored.document == fetched.document


def test_reading_creates_no_database(tmp_path: Path) -> None:
    store = TextStore(tmp_path / "none.sqlite3")
    assert store.get("x") is None and store.ids() == set()
    assert not (tmp_path / "none.sqlite3").exists()


def test_the_core_imports_neither_trafilatura_nor_textual() -> None:
    code = (
        "import sys, reader.fulltext, reader.http; "
        "print(sorted(m for m in ('trafilatura', 'textual', 'httpx') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]"
