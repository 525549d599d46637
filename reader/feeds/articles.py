"""Feed items to article front matter, in the seed format (../shared/FORMAT.md).

Everything a feed says is untrusted: HTML becomes plain text, every text goes
through the same cleaning as seed text (``reader.text``), links are resolved
against the feed's address and kept only when they are http or https, and
the result is a plain dict that ``store`` writes with ``yaml.safe_dump``, so no
feed can add a field or break the front matter.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from reader.feeds.parse import FeedItem, ParsedFeed
from reader.formatting import iso_utc
from reader.text import (
    MAX_NAME_CHARS,
    MAX_TEXT_CHARS,
    clean_line,
    clean_paragraphs,
    clean_url,
    host_of,
    is_web_url,
    normalize_url,
)

MAX_TOPICS = 5
MAX_IMAGES = 5
_UNTITLED_CHARS = 100
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
    "h5 h6 header hr li main nav ol p pre section table td th tr ul".split()
)
_SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "iframe", "object"})


class _TextExtractor(HTMLParser):
    """HTML to text: tags dropped, entities decoded, blocks on their own lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment (or of plain text, unchanged but for entities)."""
    if "<" not in markup and "&" not in markup:
        return markup
    extractor = _TextExtractor()
    extractor.feed(markup[: MAX_TEXT_CHARS * 8])
    extractor.close()
    return "".join(extractor.parts)


def _text(markup: str) -> str:
    return clean_paragraphs(html_to_text(markup))


def web_link(value: str, base: str) -> str:
    """``value`` resolved against ``base``, if it is an http(s) link; else empty."""
    value = clean_url(value)
    if not value:
        return ""
    try:
        link = urljoin(base, value) if base else value
    except ValueError:
        return ""
    return link if is_web_url(link) else ""


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """A feed item ready to write: its identity and its front-matter fields."""

    key: str
    data: dict[str, Any]

    @property
    def published(self) -> str | None:
        return self.data.get("publishedDateTime")


def format_date(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as real seed files write it."""
    return iso_utc(value, whole_seconds=True)


def _title(item: FeedItem, excerpt: str, link: str) -> str:
    title = clean_line(html_to_text(item.title))
    if title:
        return title
    first = clean_line(excerpt.split("\n", 1)[0], _UNTITLED_CHARS) if excerpt else ""
    return first or link


def _topics(feed_topics: tuple[str, ...], categories: tuple[str, ...]) -> list[str]:
    topics: list[str] = []
    seen: set[str] = set()
    for name in (*feed_topics, *categories):
        topic = clean_line(html_to_text(name), MAX_NAME_CHARS)
        if topic and topic.casefold() not in seen:
            seen.add(topic.casefold())
            topics.append(topic)
        if len(topics) >= MAX_TOPICS:
            break
    return topics


def item_key(item: FeedItem, link: str) -> str:
    """What makes an item the same item on the next fetch.

    The normalised link (the loader's own id for it), else the feed's guid,
    else its title: a refetch then lands in the same file, never a new one.
    """
    if link:
        return normalize_url(link)
    guid = clean_line(item.guid, 2_000)
    if guid:
        return f"guid:{guid}"
    return f"title:{clean_line(item.title)}"


def item_to_record(
    item: FeedItem,
    feed: ParsedFeed,
    *,
    feed_url: str,
    base_url: str,
    topic: str = "",
    tags: tuple[str, ...] = (),
) -> ArticleRecord | None:
    """The article for one feed item, or None when it has nothing to show."""
    if not is_web_url(base_url):  # a local feed file: links are relative to its site
        base_url = web_link(feed.link, "")
    # A guid is already the link when it may be (parse: absolute http(s), isPermaLink not false).
    link = web_link(item.link, base_url)
    excerpt = _text(item.summary)
    title = _title(item, excerpt, link)
    if not title:
        return None
    site = web_link(feed.link, base_url) or (feed_url if is_web_url(feed_url) else "")
    name = clean_line(html_to_text(feed.title), MAX_NAME_CHARS) or host_of(site)
    data: dict[str, Any] = {"title": title}
    if excerpt:
        data["excerpt"] = excerpt
    if item.published is not None:
        data["publishedDateTime"] = format_date(item.published)
    if link:
        data["webUrl"] = link
    data["type"] = "article"
    data["provider"] = {"name": name, "domain": host_of(site) or host_of(link)}
    topics = _topics((topic, *tags), item.categories)
    if topics:
        data["topics"] = topics
    images = []
    for url in item.images:
        image = web_link(url, base_url)
        if image and image not in images:
            images.append(image)
    if images:
        data["images"] = [{"url": url} for url in images[:MAX_IMAGES]]
    author = clean_line(html_to_text(item.author), MAX_NAME_CHARS)
    if author:
        data["author"] = author
    guid = clean_line(item.guid, 2_000)
    if guid:
        data["guid"] = guid
    data["feedUrl"] = feed_url
    return ArticleRecord(key=item_key(item, link), data=data)


def records_for(
    feed: ParsedFeed,
    *,
    feed_url: str,
    base_url: str,
    topic: str = "",
    tags: tuple[str, ...] = (),
) -> list[ArticleRecord]:
    """Every usable item of a feed, once each (the first of two with one key wins).

    Items of the feed that share a link but have distinct guids are distinct
    articles: each is keyed, and given an ``id``, by its link and its guid.
    """
    built = []
    for item in feed.items:
        record = item_to_record(
            item, feed, feed_url=feed_url, base_url=base_url, topic=topic, tags=tags
        )
        if record is not None:
            built.append(record)
    sharing = Counter(record.key for record in built if "webUrl" in record.data)
    records: dict[str, ArticleRecord] = {}
    for record in built:
        guid = record.data.get("guid")
        if guid and sharing[record.key] > 1:
            key = f"{record.key}#{guid}"
            record = ArticleRecord(key=key, data={**record.data, "id": key})
        if record.key not in records:
            records[record.key] = record
    return list(records.values())
