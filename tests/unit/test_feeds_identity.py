"""Which feed items are which articles, and what their links are, through fetch and load."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_server import FeedServer

from reader.feeds.refresh import fetch_feed
from reader.feeds.subscriptions import Feed
from reader.ingest import Ingest
from reader.model import Article


@pytest.fixture
def server() -> Iterator[FeedServer]:
    running = FeedServer().start()
    yield running
    running.stop()


def fetched(server: FeedServer, tmp_path: Path, body: bytes) -> tuple[int, list[Article]]:
    server.serve("/feed", body)
    result = fetch_feed(Feed(url=server.url("/feed")), feeds_dir=tmp_path)
    assert result.status == "fetched", result.error
    loaded = Ingest([tmp_path], workers=1).load_all()
    assert loaded.problems == [] and loaded.duplicates == []
    return result.new, sorted(loaded.articles, key=lambda a: a.title)


def rss_items(*items: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
        "<channel><title>T</title><link>https://feed.example/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def test_a_guid_is_a_link_only_when_it_is_an_absolute_web_url_not_marked_otherwise(
    server: FeedServer, tmp_path: Path
) -> None:
    body = rss_items(
        "<item><title>Nasty</title><guid>nasty-1</guid></item>",
        "<item><title>Relative</title><guid isPermaLink='true'>/posts/2</guid></item>",
        "<item><title>Not a permalink</title>"
        "<guid isPermaLink='false'>https://feed.example/p/3</guid></item>",
        "<item><title>Permalink</title><guid>https://feed.example/p/4</guid></item>",
        "<item><title>Linked</title><link>https://feed.example/p/5</link><guid>x-5</guid></item>",
    )
    new, articles = fetched(server, tmp_path, body)
    assert new == 5
    assert {a.title: a.url for a in articles} == {
        "Linked": "https://feed.example/p/5",
        "Nasty": "",
        "Not a permalink": "",
        "Permalink": "https://feed.example/p/4",
        "Relative": "",
    }


def test_entries_with_distinct_ids_sharing_a_link_are_distinct_articles(
    server: FeedServer, tmp_path: Path
) -> None:
    entries = "".join(
        f"<entry><title>Entry {n}</title><id>urn:entry:{n}</id>"
        '<link href="https://atom.example/shared"/><updated>2024-01-0{n}T00:00:00Z</updated></entry>'
        for n in (1, 2, 3)
    )
    body = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        f"<id>urn:feed</id>{entries}</feed>"
    ).encode()
    new, articles = fetched(server, tmp_path, body)
    assert new == 3
    assert [a.title for a in articles] == ["Entry 1", "Entry 2", "Entry 3"]
    assert {a.url for a in articles} == {"https://atom.example/shared"}
    assert len({a.id for a in articles}) == 3
    again, _ = fetched(server, tmp_path, body)
    assert again == 0  # the same three files on the next fetch


def test_an_entry_alone_on_its_link_keeps_the_link_as_its_identity(
    server: FeedServer, tmp_path: Path
) -> None:
    body = rss_items(
        "<item><title>One</title><link>https://feed.example/1</link><guid>g1</guid></item>",
        "<item><title>Two</title><link>https://feed.example/2</link><guid>g2</guid></item>",
    )
    _, articles = fetched(server, tmp_path, body)
    assert [a.id for a in articles] == ["https://feed.example/1", "https://feed.example/2"]


def test_an_item_with_a_media_title_and_no_title_is_titled_by_it(
    server: FeedServer, tmp_path: Path
) -> None:
    body = rss_items(
        "<item><link>https://feed.example/v/1</link>"
        "<media:content url='https://feed.example/v.mp4'><media:title>A video</media:title>"
        "</media:content></item>",
        "<item><link>https://feed.example/v/2</link>"
        "<media:group><media:title>In a group</media:title></media:group></item>",
    )
    _, articles = fetched(server, tmp_path, body)
    assert [a.title for a in articles] == ["A video", "In a group"]
