"""Feed documents to items: every format, and documents built to hurt."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import pytest
from feed_samples import ATOM_10, JSON_10, JSON_11, RSS_091, RSS_092, RSS_10, RSS_20
from feed_server import FeedServer

from reader.feeds import parse
from reader.feeds.parse import NotAFeed, parse_feed

DATE = datetime(2020, 6, 11, 16, 14, tzinfo=UTC)
SECRET = "s3cr3t-local-file-content"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "kind", "title", "link", "published"),
    [
        (RSS_092, "rss092", "Ninety Two", "https://ninety.example/posts/1", None),
        (RSS_10, "rss10", "Resource Described", "https://rdf.example/posts/1", DATE),
        (RSS_20, "rss20", "Twenty & Co", "https://twenty.example/posts/1", DATE),
        (ATOM_10, "atom10", "Atomic", "https://atom.example/blog/posts/1", DATE),
        (JSON_10, "json1", "Jason One", "https://json1.example/posts/1", DATE),
        (JSON_11, "json11", "Jason Eleven", "https://json11.example/posts/1", DATE),
    ],
    ids=["rss0.92", "rss1.0", "rss2.0", "atom1.0", "json1.0", "json1.1"],
)
def test_every_format_gives_the_same_items(body, kind, title, link, published) -> None:
    feed = parse_feed(body, "https://twenty.example/feed.xml")
    assert (feed.kind, feed.title) == (kind, title)
    assert len(feed.items) == 2
    first = feed.items[0]
    assert "First" in first.title and first.link == link
    assert first.published == published
    assert feed.items[1].title == "Second post"


def test_rss_091_with_its_doctype_never_fetches_the_dtd(server: FeedServer) -> None:
    server.serve("/rss-0.91.dtd", b'<!ENTITY leak "fetched">')
    body = RSS_091.replace(b"{dtd}", server.url("/rss-0.91.dtd").encode())
    feed = parse_feed(body, "https://old.example/rss")
    assert feed.kind == "rss091n" and feed.title == "Old School"
    assert feed.items[0].link == "https://old.example/posts/1"
    assert "Café" in feed.items[0].summary  # ISO-8859-1 decoded
    assert server.requests == []


def test_item_details_are_kept() -> None:
    rss = parse_feed(RSS_20, "https://twenty.example/feed.xml").items[0]
    assert rss.categories == ("AI", "Computer Vision")
    assert rss.guid == "twenty-1" and "Ada" in rss.author
    assert rss.images == ("https://twenty.example/thumb.png",)
    enclosure = parse_feed(RSS_092).items[0]
    assert enclosure.images == ("https://ninety.example/pic.jpg",)
    json11 = parse_feed(JSON_11).items[0]
    assert json11.author == "Margaret, Ken" and json11.categories == ("Space",)
    assert parse_feed(JSON_10).items[0].images == ("https://json1.example/img.png",)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://x.example/1</link></item></channel></rss>
"""


def test_an_entity_bomb_is_refused_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # At once: before any parser, in this process or a worker, reads a byte of it.
    def never(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("the bomb reached a parser")

    for step in ("_prepare_xml", "_read_xml", "_in_worker", "parse_json_feed"):
        monkeypatch.setattr(parse, step, never)
    with pytest.raises(NotAFeed, match="declares XML entities"):
        parse_feed(BILLION_LAUGHS)


def test_an_external_entity_never_reads_a_local_file(secret_file: Path) -> None:
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'
        "<rss version='2.0'><channel><title>t &xxe;</title>"
        "<item><title>&xxe;</title><link>https://x.example/1</link>"
        "<description>&xxe;</description></item></channel></rss>"
    ).encode()
    with pytest.raises(NotAFeed) as refused:
        parse_feed(body)
    assert SECRET not in str(refused.value)


def test_an_external_dtd_is_never_loaded(secret_file: Path, tmp_path: Path) -> None:
    # No entity declaration in the document itself: the DTD would declare it.
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY xxe SYSTEM "file://{secret_file}">', encoding="utf-8")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file://{dtd}">'
        "<rss version='2.0'><channel><title>Feed</title>"
        "<item><title>x &xxe; y</title><link>https://x.example/1</link>"
        "<description>&xxe;</description></item></channel></rss>"
    ).encode()
    feed = parse_feed(body)
    assert SECRET not in repr(feed)


def test_a_doctype_hiding_entities_behind_a_comment_is_still_refused() -> None:
    # feedparser's own DOCTYPE stripping stops at the first "<x"; our check does not.
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!-- <x --> <!ENTITY a "aaaaaaaa">]>'
        b"<rss version='2.0'><channel><title>&a;</title></channel></rss>"
    )
    with pytest.raises(NotAFeed, match="entities"):
        parse_feed(body)


def test_an_article_quoting_an_entity_declaration_is_still_read() -> None:
    quoted = b"<![CDATA[Write <!ENTITY x 'y'> in a DTD]]>"
    body = RSS_20.replace(b"<description>An RSS 2.0 feed</description>", b"")
    body = body.replace(
        b"<title>Second post</title>",
        b"<title>Second post</title><description>" + quoted + b"</description>",
    )
    feed = parse_feed(body)
    assert "ENTITY x 'y'" in feed.items[1].summary


def test_feedparser_never_opens_a_path_given_as_the_body(tmp_path: Path) -> None:
    local = tmp_path / "local.xml"
    local.write_bytes(RSS_20)
    with pytest.raises(NotAFeed):
        parse_feed(str(local).encode())


def test_feedparser_never_fetches_a_url_given_as_the_body(server: FeedServer) -> None:
    server.serve("/feed", RSS_20)
    with pytest.raises(NotAFeed):
        parse_feed(server.url("/feed").encode())
    assert server.requests == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<!DOCTYPE html><html><head><title>Blog</title></head><body>hi</body></html>", "HTML"),
        (b"<html><body><p>not a feed</p></body></html>", "HTML page"),
        (b"\x00\x01\x02 garbage \xff\xfe", "not a feed"),
        (b"", "not a feed"),
        (b"just some words", "not a feed"),
        (b'{"hello": "world"}', "JSON without a JSON Feed version"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "without a list of items"),
        (b"[1, 2, 3]", "not a JSON Feed object"),
        (b"{not json", "invalid JSON"),
    ],
)
def test_not_a_feed_is_named(body: bytes, reason: str) -> None:
    with pytest.raises(NotAFeed, match=reason):
        parse_feed(body)


def test_a_broken_but_readable_feed_is_still_read() -> None:
    body = RSS_20.replace(b"</channel>", b"<unclosed></channel>").replace(b"&amp; Co", b"& Co")
    feed = parse_feed(body)
    assert len(feed.items) == 2
