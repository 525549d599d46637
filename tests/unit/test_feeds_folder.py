"""Feed items to article files, and back through the one loader."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feed_samples import ATOM_10, JSON_11, RSS_20, item, rss

from reader.feeds.articles import html_to_text, records_for
from reader.feeds.feed_folder import article_files, write_articles
from reader.feeds.parse import parse_feed
from reader.ingest import Ingest
from reader.model import Article
from reader.seedfile import load_detail, read_seed_file
from reader.text import normalize_url

FEED_URL = "https://feed.example/rss.xml"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def write(folder: Path, body: bytes, topic: str = "", now: datetime = NOW, **options):
    parsed = parse_feed(body, FEED_URL)
    records = records_for(parsed, feed_url=FEED_URL, base_url=FEED_URL, topic=topic)
    return write_articles(folder, records, now=now, **options)


def load(folder: Path) -> list[Article]:
    result = Ingest([folder], workers=1).load_all()
    assert result.problems == []
    return sorted(result.articles, key=lambda a: a.title)


def test_an_rss_item_becomes_a_seed_article(tmp_path: Path) -> None:
    stats = write(tmp_path, RSS_20, topic="Tech")
    assert (stats.new, stats.total) == (2, 2)
    first, second = load(tmp_path)
    assert first.title == "First post"
    assert first.url == "https://feed.example/posts/1"  # resolved against the feed URL
    assert first.id == normalize_url(first.url)
    assert first.published == datetime(2020, 6, 11, 16, 14, tzinfo=UTC)
    assert load_detail(first).excerpt == "Hello world & friends"  # tags and script dropped
    assert (first.provider, first.domain) == ("Twenty & Co", "twenty.example")
    assert first.topics == ("Tech", "AI", "Computer Vision")
    outcome = read_seed_file(first.path)
    assert not isinstance(outcome, Exception)
    assert [image.url for image in outcome[1].images] == ["https://twenty.example/thumb.png"]
    assert second.published == datetime(2020, 6, 12, 7, 0, tzinfo=UTC)


def test_the_file_is_our_front_matter_format(tmp_path: Path) -> None:
    write(tmp_path, RSS_20)
    text = sorted(p.read_text("utf-8") for p in article_files(tmp_path))[0]
    assert text.startswith("---\ntitle: First post\nexcerpt: ")
    assert "publishedDateTime: '2020-06-11T16:14:00Z'" in text
    assert text.endswith("\n---\n")


def test_json_feed_and_atom_articles(tmp_path: Path) -> None:
    write(tmp_path / "json", JSON_11)
    write(tmp_path / "atom", ATOM_10)
    json_first = load(tmp_path / "json")[0]
    assert load_detail(json_first).excerpt == "Plain text body"
    assert json_first.published == datetime(2020, 6, 11, 16, 14, tzinfo=UTC)
    atom_first = load(tmp_path / "atom")[0]
    assert atom_first.title == "First post"  # type="html" title: tags dropped
    assert atom_first.url == "https://atom.example/blog/posts/1"


def test_hostile_titles_are_stored_clean(tmp_path: Path) -> None:
    title = "[bold]x[/] [/] [WIP] \\[x] &#27;[31mred&#7; bell\u202eevil"
    write(tmp_path, rss(item(title, "https://feed.example/1")))
    text = article_files(tmp_path)[0].read_text("utf-8")
    for control in ("\x1b", "\x07", "\u202e"):
        assert control not in text
    (article,) = load(tmp_path)
    assert article.title == "[bold]x[/] [/] [WIP] \\[x] [31mred bellevil"


def test_a_javascript_link_is_never_stored(tmp_path: Path) -> None:
    items = item("Click", "javascript:alert(document.cookie)", guid="js-1") + item(
        "Data", "data:text/html,<script>x</script>"
    )
    write(tmp_path, rss(items))
    for path in article_files(tmp_path):
        text = path.read_text("utf-8")
        assert "javascript:" not in text and "data:text" not in text
    assert all(article.url == "" for article in load(tmp_path))


def test_a_feed_cannot_inject_fields(tmp_path: Path) -> None:
    evil = "Pwned\n---\nwebUrl: javascript:alert(1)\nquality: 999\n---\n"
    write(tmp_path, rss(item(evil.replace("\n", "&#10;"), "https://feed.example/1")))
    (article,) = load(tmp_path)
    assert article.quality is None and article.url == "https://feed.example/1"
    assert article.title.startswith("Pwned --- webUrl:")


def test_a_missing_title_comes_from_the_text_or_the_link(tmp_path: Path) -> None:
    items = item("", "https://feed.example/a", text="First line of it.&lt;br&gt;More") + item(
        "", "https://feed.example/b"
    )
    write(tmp_path, rss(items))
    titles = [a.title for a in load(tmp_path)]
    assert titles == ["First line of it.", "https://feed.example/b"]


def test_a_refetch_never_duplicates_and_leaves_unchanged_files_alone(tmp_path: Path) -> None:
    write(tmp_path, RSS_20)
    files = article_files(tmp_path)
    for path in files:
        os.utime(path, (1_000_000, 1_000_000))
    stats = write(tmp_path, RSS_20, now=datetime(2024, 6, 1, tzinfo=UTC))
    assert (stats.new, stats.updated, stats.unchanged) == (0, 0, 2)
    assert article_files(tmp_path) == files
    assert all(path.stat().st_mtime == 1_000_000 for path in files)

    changed = RSS_20.replace(b"Second post", b"Second post, corrected")
    stats = write(tmp_path, changed)
    assert (stats.new, stats.updated, stats.unchanged) == (0, 1, 1)
    assert article_files(tmp_path) == files


def test_guid_only_items_keep_their_file_and_id_across_refetches(tmp_path: Path) -> None:
    body = rss(item("No link here", guid="tag:feed.example,2024:1"))
    write(tmp_path, body, now=NOW)
    (first,) = load(tmp_path)
    assert first.url == "" and first.published == NOW  # first seen
    stats = write(tmp_path, body, now=datetime(2024, 7, 1, tzinfo=UTC))
    assert stats.unchanged == 1
    (again,) = load(tmp_path)
    assert (again.id, again.path, again.published) == (first.id, first.path, NOW)


def test_loaded_ids_are_the_links_of_the_items(tmp_path: Path) -> None:
    write(tmp_path, RSS_20)
    write(tmp_path, RSS_20)
    ids = {a.id for a in Ingest([tmp_path], workers=1).load_all().articles}
    assert ids == {"https://feed.example/posts/1", "https://twenty.example/posts/2"}


def test_the_oldest_articles_past_the_cap_are_trimmed(tmp_path: Path) -> None:
    items = "".join(
        item(f"Day {day}", f"https://feed.example/{day}", date=f"0{day} Jan 2024 00:00:00 GMT")
        for day in range(1, 6)
    )
    stats = write(tmp_path, rss(items), max_articles=3)
    assert (stats.new, stats.trimmed, stats.total) == (5, 2, 3)
    assert [a.title for a in load(tmp_path)] == ["Day 3", "Day 4", "Day 5"]


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("plain &amp; simple", "plain & simple"),
        ("<p>one</p><p>two</p>", "\none\n\ntwo\n"),
        ("a<br>b", "a\nb"),
        ("<style>p{}</style><script>x()</script>kept", "kept"),
        ("no markup at all", "no markup at all"),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text
