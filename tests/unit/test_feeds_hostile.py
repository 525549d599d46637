"""Hostile and odd feed documents, served from 127.0.0.1: each fails alone, named, or is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from feed_samples import RSS_20, item, rss
from feed_server import FeedServer

from reader.cli import main
from reader.feeds import sandbox
from reader.feeds.bounds import ParseLimits
from reader.feeds.feed_folder import article_files
from reader.feeds.parse import NotAFeed, parse_feed
from reader.feeds.refresh import fetch_all
from reader.feeds.subscriptions import Feed
from reader.ingest import Ingest
from reader.model import Article
from reader.seedfile import load_detail


def fetch_beside_a_good_feed(server: FeedServer, tmp_path: Path, hostile: bytes, **headers):
    """Fetch the hostile document and a good feed together; the hostile one's result."""
    server.serve("/hostile", hostile, headers=headers or None)
    server.serve("/good", RSS_20)
    bad, good = fetch_all(
        [Feed(url=server.url("/hostile")), Feed(url=server.url("/good"))], feeds_dir=tmp_path
    )
    assert good.status == "fetched" and good.new == 2  # the good feed is never held back
    return bad


def loaded(tmp_path: Path) -> list[Article]:
    result = Ingest([tmp_path], workers=1).load_all()
    assert result.problems == []  # whatever fetch wrote, the loader reads
    return sorted(result.articles, key=lambda a: a.title)


def wrapped(element: str) -> bytes:
    return rss(item("Hostile", "https://feed.example/1") + element)


# ------------------------------------------------------------- shapes that make feedparser slow

MANY_ATTRIBUTES = wrapped("<x " + " ".join(f'a{n}="v"' for n in range(16_000)) + "/>")
DEEP = wrapped("<a>" * 5_000 + "</a>" * 5_000)
NAMESPACES = rss(
    item("x", "https://feed.example/1", text="".join(f"<p{n}:x>1</p{n}:x>" for n in range(500)))
).replace(
    b'<rss version="2.0">',
    b'<rss version="2.0"'
    + b"".join(b' xmlns:p%d="https://ns%d.example/"' % (n, n) for n in range(500))
    + b">",
)
CATEGORIES = wrapped("".join(f"<category>c{n}</category>" for n in range(5_000)))
KEYWORDS = wrapped(
    '<media:keywords xmlns:media="http://search.yahoo.com/mrss/">'
    + ",".join(f"k{n}" for n in range(5_000))
    + "</media:keywords>"
)
UNCLOSED = wrapped("<a>" * 250_000)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (MANY_ATTRIBUTES, "more than 100 attributes"),
        (DEEP, "nested more than 100 deep"),
        (NAMESPACES, "more than 64 XML namespaces"),
        (CATEGORIES, "more than 500 categories"),
        (KEYWORDS, "more than 500 categories"),
        (UNCLOSED, "nested more than 100 deep"),  # the lenient parser's 80x never starts
    ],
    ids=["attributes", "depth", "namespaces", "categories", "keywords", "unclosed"],
)
def test_a_document_shaped_to_be_slow_is_refused_alone(
    server: FeedServer, tmp_path: Path, body: bytes, reason: str
) -> None:
    bad = fetch_beside_a_good_feed(server, tmp_path, body)
    assert bad.status == "failed"
    assert reason in bad.error and "no feed needs that" in bad.error


def test_past_the_pre_check_a_slow_parse_is_stopped_at_its_deadline() -> None:
    # The pre-check told to allow it: the worker process is the last line.
    limits = ParseLimits(max_attributes=100_000, seconds=0.5, in_process_bytes=0)
    with pytest.raises(NotAFeed, match=r"took more than 0\.5 s to read, and was stopped"):
        parse_feed(MANY_ATTRIBUTES, limits=limits)


def test_the_lenient_parser_is_stopped_at_its_memory_limit() -> None:
    # Broken at once (an unquoted attribute), so expat sees nothing after it; then
    # a million unclosed tags, which the lenient parser keeps some 80 bytes each of.
    body = b"<rss version='2.0'><channel a=b><title>x</title>" + b"<a>" * 1_000_000
    limits = ParseLimits(max_loose_bytes=8 * 1024 * 1024, memory=48 * 1024 * 1024)
    with pytest.raises(NotAFeed, match="could not be read: it needs more than 48 MB of memory"):
        parse_feed(body, limits=limits)


def test_a_large_broken_document_is_refused_without_the_lenient_parser() -> None:
    body = rss("".join(item(f"Item {n}", f"https://feed.example/{n}") for n in range(30_000)))
    body = body.replace(b"<channel>", b"<channel a=b>")
    assert len(body) > ParseLimits().max_loose_bytes
    with pytest.raises(NotAFeed, match=r"broken XML \(at line 2, column 31\)") as refused:
        parse_feed(body)
    assert "too large to be read leniently" in str(refused.value)
    assert "not well-formed (invalid token)" in refused.value.detail


def test_a_small_broken_document_is_still_read_leniently_in_a_worker() -> None:
    body = RSS_20.replace(b"<channel>", b"<channel a=b>")
    feed = parse_feed(body, "https://twenty.example/feed.xml")
    assert [i.title for i in feed.items] == ["First post", "Second post"]


def test_a_large_sane_feed_is_parsed_in_a_reused_worker() -> None:
    body = rss("".join(item(f"Item {n}", f"https://feed.example/{n}") for n in range(6_000)))
    assert len(body) > ParseLimits().in_process_bytes
    first = parse_feed(body)
    started = sandbox.pool().started
    second = parse_feed(body)
    assert len(first.items) == len(second.items) == 1_000  # MAX_ITEMS
    assert second.items[0].title == "Item 0" and second.items[0].link == "https://feed.example/0"
    assert sandbox.pool().started == started  # the second parse started no process


# ------------------------------------------------------------- character references, surrogates


@pytest.mark.parametrize("reference", ["&#99999999999;", "&#xD800;", "&#x110000;", "&#xFFFE;"])
def test_an_out_of_range_character_reference_becomes_a_replacement_character(
    server: FeedServer, tmp_path: Path, reference: str
) -> None:
    body = rss(item(f"Odd {reference} title", "https://feed.example/1", text=f"a {reference} b"))
    bad = fetch_beside_a_good_feed(server, tmp_path, body)
    assert bad.status == "fetched" and bad.new == 1
    odd = [a for a in loaded(tmp_path) if a.title.startswith("Odd")]
    assert [a.title for a in odd] == ["Odd \ufffd title"]


def test_a_reference_inside_cdata_stays_literal() -> None:
    body = rss(item("<![CDATA[x &#99999999999; y]]> &#xD800;", "https://feed.example/1"))
    assert parse_feed(body).items[0].title == "x &#99999999999; y \ufffd"


def test_a_lone_surrogate_in_a_json_feed_is_written_as_something_that_loads(
    server: FeedServer, tmp_path: Path
) -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "S\\udfff", "items": ['
        b'{"id": "1", "url": "https://feed.example/1", "title": "Lone \\ud800 here",'
        b' "content_text": "x\\udc00y", "tags": ["t\\ud801"]}]}'
    )
    bad = fetch_beside_a_good_feed(server, tmp_path, body, **{"Content-Type": "application/json"})
    assert bad.status == "fetched" and bad.new == 1
    lone = [a for a in loaded(tmp_path) if a.title.startswith("Lone")]
    assert [(a.title, load_detail(a).excerpt, a.topics) for a in lone] == [
        ("Lone \ufffd here", "x\ufffdy", ("t\ufffd",))
    ]


# ------------------------------------------------------------- JSON Feed fields of the wrong type


def json_feed(*items: object, **fields: object) -> bytes:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "J", **fields, "items": items}
    ).encode()


GOOD = {"id": "g", "url": "https://feed.example/good", "title": "Good"}


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ({"attachments": 3}, "its attachments is a number, not a list"),
        ({"attachments": True}, "its attachments is true, not a list"),
        ({"attachments": [5]}, "an attachment is a number, not an object"),
        ({"attachments": [{"url": 1}]}, "an attachment: its url is a number, not text"),
        ({"tags": "news"}, "its tags is text, not a list"),
        ({"tags": [{}]}, "a tag is an object, not text"),
        ({"title": ["x"]}, "its title is a list, not text"),
        ({"url": {"a": 1}}, "its url is an object, not text"),
        ({"id": False}, "its id is false, not text or a number"),
        ({"authors": [7]}, "an author is a number, not an object"),
        ({"author": {"name": 5}}, "an author: its name is a number, not text"),
        ({"date_published": 20200611}, "its date_published is a number, not text"),
        ({"content_html": 1.5}, "its content_html is a number, not text"),
    ],
)
def test_a_json_feed_item_with_a_field_of_the_wrong_type_is_skipped_and_named(
    bad: dict[str, object], named: str
) -> None:
    feed = parse_feed(json_feed(GOOD, {"id": "b", "title": "Bad", **bad}, {**GOOD, "id": "g2"}))
    assert [i.guid for i in feed.items] == ["g", "g2"]
    assert feed.problems == (f"item 2 skipped: {named}",)


def test_a_json_feed_item_that_is_not_an_object_is_named() -> None:
    feed = parse_feed(json_feed("x", GOOD, None))
    assert [i.title for i in feed.items] == ["Good"]
    assert feed.problems == (
        "item 1 skipped: it is text, not an object",
        "item 3 skipped: it is null, not an object",
    )


def test_a_json_feed_field_of_the_wrong_type_at_the_top_is_ignored() -> None:
    feed = parse_feed(json_feed(GOOD, title=5, home_page_url="https://feed.example/"))
    assert (feed.title, feed.link, len(feed.items)) == ("", "", 1)
    assert feed.problems == ("the feed's field ignored: its title is a number, not text",)


def test_a_fetch_names_the_skipped_items(server: FeedServer, tmp_path: Path) -> None:
    body = json_feed(GOOD, {"id": "b", "title": "Bad", "attachments": 3})
    bad = fetch_beside_a_good_feed(server, tmp_path, body)
    assert bad.status == "fetched" and bad.new == 1
    assert "1 item skipped (item 2: its attachments is a number, not a list)" in bad.describe()
    assert len(article_files(tmp_path / Feed(url=server.url("/hostile")).folder)) == 1


# ------------------------------------------------------------- in the user's words


def test_a_broken_feed_is_said_in_plain_words_and_verbose_keeps_the_detail(
    server: FeedServer, capsys
) -> None:
    server.serve("/broken", b"<?xml version='1.0'?>\n<document a=b>")
    assert main(["feed", "add", server.url("/broken"), "--no-fetch"]) == 0
    assert main(["fetch"]) == 1
    err = capsys.readouterr().err
    assert "the XML breaks at line 2, column 13" in err
    assert "<unknown>" not in err and "not well-formed" not in err
    assert main(["fetch", "--verbose"]) == 1
    err = capsys.readouterr().err
    assert "newsreader:   detail: XML error: not well-formed (invalid token)" in err
