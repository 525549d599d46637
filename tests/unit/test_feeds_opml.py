"""OPML import and export, the subscription list, and hostile OPML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.feeds.opml import OpmlError, export_opml, import_outlines, read_outlines
from reader.feeds.subscriptions import (
    Feed,
    FeedListError,
    add_feed,
    check_location,
    folder_name,
    load_feeds,
    remove_feed,
    save_feeds,
)

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
<head><title>My feeds</title></head>
<body>
  <outline text="Loose" type="rss" xmlUrl="https://loose.example/feed"/>
  <outline text="Tech" title="Tech">
    <outline text="A" type="rss" xmlUrl="https://a.example/rss" htmlUrl="https://a.example/"/>
    <outline text="Deeper">
      <outline text="B" type="rss" xmlUrl="https://B.example/atom#frag"/>
    </outline>
    <outline text="A again" type="rss" xmlUrl="https://a.example/rss"/>
  </outline>
  <outline text="Bad" xmlUrl="ftp://c.example/feed"/>
  <outline text="No url at all"/>
</body>
</opml>
"""


def test_every_xml_url_at_any_depth_with_its_folder_as_topic() -> None:
    outlines = read_outlines(OPML)
    assert [(o.url, o.title, o.topic) for o in outlines] == [
        ("https://loose.example/feed", "Loose", ""),
        ("https://a.example/rss", "A", "Tech"),
        ("https://B.example/atom#frag", "B", "Deeper"),
        ("https://a.example/rss", "A again", "Tech"),
        ("ftp://c.example/feed", "Bad", ""),
    ]


def test_import_skips_and_counts_duplicates_and_bad_urls() -> None:
    existing = [Feed(url="https://loose.example/feed")]
    result = import_outlines(read_outlines(OPML), existing)
    assert [f.url for f in result.added] == ["https://a.example/rss", "https://b.example/atom"]
    assert result.duplicates == 2
    assert len(result.invalid) == 1 and "ftp:" in result.invalid[0]


def test_export_imports_back_to_the_same_feeds_and_topics() -> None:
    feeds = [
        Feed(url="https://a.example/rss", title="A & B <c>", topic="Tech"),
        Feed(url="https://b.example/atom", title="", topic="Tech"),
        Feed(url="https://c.example/feed", title="C", topic=""),
        Feed(url="https://d.example/feed", title="D", topic="News"),
    ]
    text = export_opml(feeds)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    back = import_outlines(read_outlines(text.encode()), []).added
    assert [(f.url, f.topic) for f in back] == [(f.url, f.topic) for f in feeds]
    assert {f.url: f.title for f in back}["https://a.example/rss"] == "A & B <c>"


def test_export_keeps_each_feeds_tags_as_its_categories() -> None:
    feeds = [
        Feed(url="https://a.example/rss", title="A", topic="Tech", tags=("tag one", "tag/three")),
        Feed(url="https://b.example/rss", title="B", topic="", tags=()),
    ]
    text = export_opml(feeds)
    assert 'category="tag one,tag/three"' in text
    back = import_outlines(read_outlines(text.encode()), []).added
    assert [f.topics for f in back] == [("Tech", "tag one", "tag/three"), ()]


NEWSBOAT_STYLE = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>newsboat - Exported Feeds</title></head><body>
<outline text="Blogs" title="should be ignored">
  <outline type="rss" xmlUrl="https://a.example/rss" text="A's blog" title="not this"
           category="tag one,tag_two,tag/three"/>
</outline>
<outline type="rss" xmlUrl="https://b.example/rss" title="Only a title"
         category=" news , News,,/World/ ,Blogs"/>
<outline type="rss" xmlUrl="https://c.example/rss" text="Plain"/>
</body></opml>
"""


def test_folders_are_named_by_text_and_categories_are_topics() -> None:
    outlines = read_outlines(NEWSBOAT_STYLE)
    assert [(o.url, o.title, o.topic, o.tags) for o in outlines] == [
        ("https://a.example/rss", "A's blog", "Blogs", ("tag one", "tag_two", "tag/three")),
        # Spaces, empty names and a second spelling dropped; "/World/" is one topic.
        ("https://b.example/rss", "Only a title", "", ("news", "World", "Blogs")),
        ("https://c.example/rss", "Plain", "", ()),
    ]
    feeds = import_outlines(outlines, []).added
    assert [f.topics for f in feeds] == [
        ("Blogs", "tag one", "tag_two", "tag/three"),
        ("news", "World", "Blogs"),
        (),
    ]
    assert feeds[1].topic == "news"  # the first category, when there is no folder


def test_imported_categories_are_topics_of_the_fetched_articles(tmp_path: Path, capsys) -> None:
    from feed_samples import RSS_20

    from reader.cli import main

    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS_20)
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        f'<opml version="1.0"><body><outline text="Blogs" title="should be ignored">'
        f'<outline type="rss" xmlUrl="{feed}" title="Local" category="tag one,tag/three"/>'
        "</outline></body></opml>",
        "utf-8",
    )
    assert main(["feed", "import", str(opml)]) == 0
    assert main(["fetch"]) == 0
    capsys.readouterr()
    for topic in ("Blogs", "tag one", "tag/three"):
        assert main(["list", "--json", "--topic", topic]) == 0
        records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert len(records) == 2, topic
        assert records[0]["topics"][:3] == ["Blogs", "tag one", "tag/three"]
    assert main(["list", "--topic", "should be ignored"]) == 2  # no article has it
    out, err = capsys.readouterr()
    assert out == "" and err.startswith('newsreader: no topic is named "should be ignored"')


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body/></opml>',
            "DOCTYPE or entity",
        ),
        (b'<!DOCTYPE opml SYSTEM "file:///etc/passwd"><opml><body/></opml>', "DOCTYPE"),
        (b"<opml><body>", "not valid XML"),
        (b"<rss><channel/></rss>", "not OPML"),
        (b"<opml><head/></opml>", "no <body>"),
    ],
)
def test_hostile_or_wrong_opml_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(OpmlError, match=reason):
        read_outlines(data)


# ------------------------------------------------------------------ the feed list


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://Example.COM:443/feed#x", "https://example.com/feed"),
        ("http://example.com", "http://example.com/"),
        ("  http://example.com/a\x1b  ", "http://example.com/a"),
    ],
)
def test_feed_urls_are_normalised(given: str, expected: str) -> None:
    assert check_location(given) == expected


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("ftp://example.com/feed", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("https:///nohost", "no host"),
        ("/no/such/feed.xml", "no such file"),
        ("", "empty"),
    ],
)
def test_unusable_locations_are_refused(given: str, reason: str) -> None:
    with pytest.raises(FeedListError, match=reason):
        check_location(given)


def test_a_local_file_is_subscribed_by_its_absolute_path(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "feed.xml").write_text("<rss/>")
    monkeypatch.chdir(tmp_path)
    assert check_location("feed.xml") == str(tmp_path / "feed.xml")


def test_add_save_load_remove(tmp_path: Path) -> None:
    listing = tmp_path / "feeds.json"
    feeds_dir = tmp_path / "feeds"
    feed = add_feed("https://a.example/rss", topic=" Tech\x07 ", path=listing)
    assert feed.topic == "Tech"
    with pytest.raises(FeedListError, match="already subscribed"):
        add_feed("https://A.example/rss", path=listing)
    assert load_feeds(listing) == [feed]
    folder = feeds_dir / feed.folder
    folder.mkdir(parents=True)
    (folder / "x.md").write_text("---\ntitle: x\n---\n")
    remove_feed("https://a.example/rss#anything", path=listing, feeds_dir=feeds_dir)
    assert load_feeds(listing) == [] and not folder.exists()
    with pytest.raises(FeedListError, match="not subscribed"):
        remove_feed("https://a.example/rss", path=listing, feeds_dir=feeds_dir)


def test_the_list_is_written_atomically_and_survives_junk(tmp_path: Path) -> None:
    listing = tmp_path / "feeds.json"
    save_feeds([Feed(url="https://a.example/rss", articles=3)], listing)
    assert [p.name for p in tmp_path.iterdir()] == ["feeds.json"]  # no temporary left
    data = json.loads(listing.read_text())
    data["feeds"] += [{"url": 5}, "junk", {"url": "https://b.example/", "articles": "many"}]
    listing.write_text(json.dumps(data))
    assert [(f.url, f.articles) for f in load_feeds(listing)] == [
        ("https://a.example/rss", 3),
        ("https://b.example/", 0),
    ]
    listing.write_text("{broken")
    with pytest.raises(FeedListError, match="not valid JSON"):
        load_feeds(listing)


def test_folder_names_are_readable_and_distinct() -> None:
    a = folder_name("https://www.example.com/feed")
    b = folder_name("https://www.example.com/other")
    assert a.startswith("www.example.com-") and a != b
    assert folder_name("/home/me/My Feed.xml").startswith("my-feed-")


@pytest.mark.parametrize(
    "names", [(), ("AI",), ("AI", "cloud"), ("Tech", "AI", "tag/with/slashes")]
)
def test_a_feed_filed_under_names_has_them_as_its_topics(names: tuple[str, ...]) -> None:
    # OPML and newsboat imports file a feed the same way: the first name is its topic.
    feed = Feed.filed_under("https://e.example/rss", "E", names)
    assert (feed.url, feed.title, feed.topics) == ("https://e.example/rss", "E", names)
    assert feed.topic == (names[0] if names else "") and feed.tags == names[1:]
