"""Feed documents to items: RSS and Atom through feedparser, JSON Feed by hand.

Every format ends as the same :class:`ParsedFeed` of :class:`FeedItem`, with
text still as the feed wrote it (HTML allowed): ``articles`` cleans it.

Safety: feedparser is only ever handed the bytes, wrapped in a file object
(given a string or bytes, feedparser would treat a URL as something to fetch
and a path as a file to open). A document declaring XML entities is refused
before parsing: feeds have no use for them, and they are how "billion laughs"
bombs and external-entity reads of local files are built. feedparser itself
strips the DOCTYPE and tells expat not to load external entities; tests prove
both.
"""

from __future__ import annotations

import calendar
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)
_JSON_FEED_VERSION = "https://jsonfeed.org/version/1"
MAX_ITEMS = 1_000


class NotAFeed(Exception):
    """The document is not a feed we can read; the message says what it is."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, format-independent, text not yet cleaned."""

    title: str = ""
    link: str = ""
    guid: str = ""
    summary: str = ""
    published: datetime | None = None
    author: str = ""
    categories: tuple[str, ...] = ()
    images: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its title and site link, and its items in document order."""

    title: str = ""
    link: str = ""
    kind: str = ""
    items: list[FeedItem] = field(default_factory=list)


def parse_feed(body: bytes, base_url: str = "", content_type: str = "") -> ParsedFeed:
    """Parse a fetched document; NotAFeed says why it is not one."""
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"{", b"["):
        return parse_json_feed(body)
    # Searched anywhere, not just before the root element: a comment inside
    # the DOCTYPE can hide where it ends. Without a DOCTYPE nothing can be
    # declared, so an article quoting "<!ENTITY" in CDATA is still read.
    if _ENTITY_DECLARATION.search(body) and _DOCTYPE.search(body):
        raise NotAFeed(
            "refused: the document declares XML entities (feeds never need them; "
            "they are used for entity bombs and to read local files)"
        )
    return _parse_xml(body, base_url, content_type)


# ------------------------------------------------------------------ RSS, Atom


def _parse_xml(body: bytes, base_url: str, content_type: str) -> ParsedFeed:
    import feedparser  # imported on first use: the TUI starts without it

    headers = {"content-location": base_url} if base_url.startswith(("http:", "https:")) else {}
    if content_type:
        headers["content-type"] = content_type
    try:
        result = feedparser.parse(io.BytesIO(body), response_headers=headers)
    except Exception as error:  # feedparser's loose parser on truly odd input
        raise NotAFeed(f"parse error: {type(error).__name__}: {error}") from None
    version = result.get("version") or ""
    entries = result.get("entries") or []
    if not version and not entries:
        if _HTML_START.match(body[:4096]):
            raise NotAFeed("not a feed: the address gives an HTML page (look for its feed link)")
        problem = result.get("bozo_exception")
        detail = f" ({str(problem)[:120]})" if problem else ""
        raise NotAFeed(f"not a feed: no RSS, Atom or JSON Feed found{detail}")
    info = result.get("feed") or {}
    items = [_feedparser_item(entry) for entry in entries[:MAX_ITEMS]]
    return ParsedFeed(
        title=_str(info.get("title")),
        link=_str(info.get("link")),
        kind=version,
        items=items,
    )


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _struct_time(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _feedparser_item(entry: Any) -> FeedItem:
    summary = _str(entry.get("summary"))
    for content in entry.get("content") or []:
        value = _str(content.get("value")) if isinstance(content, dict) else ""
        if len(value) > len(summary):
            summary = value
    categories = tuple(
        term
        for tag in entry.get("tags") or []
        if isinstance(tag, dict) and (term := _str(tag.get("term")) or _str(tag.get("label")))
    )
    images: list[str] = []
    for enclosure in entry.get("enclosures") or []:
        if isinstance(enclosure, dict) and _str(enclosure.get("type")).startswith("image/"):
            images.append(_str(enclosure.get("href")))
    for key in ("media_content", "media_thumbnail"):
        for media in entry.get(key) or []:
            if isinstance(media, dict) and (
                key == "media_thumbnail" or _str(media.get("medium")) == "image"
            ):
                images.append(_str(media.get("url")))
    image = entry.get("image")
    if isinstance(image, dict):
        images.append(_str(image.get("href")))
    link = _str(entry.get("link"))
    guid = _str(entry.get("id"))
    return FeedItem(
        title=_str(entry.get("title")),
        link=link,
        guid=guid,
        summary=summary,
        published=_struct_time(entry.get("published_parsed"))
        or _struct_time(entry.get("updated_parsed")),
        author=_str(entry.get("author")),
        categories=categories,
        images=tuple(url for url in images if url),
    )


# ------------------------------------------------------------------ JSON Feed


def parse_json_feed(body: bytes) -> ParsedFeed:
    """JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), with the stdlib json."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise NotAFeed(f"not a feed: invalid JSON ({error})") from None
    if not isinstance(data, dict):
        raise NotAFeed("not a feed: JSON, but not a JSON Feed object")
    version = data.get("version")
    if not isinstance(version, str) or not version.startswith(_JSON_FEED_VERSION):
        raise NotAFeed("not a feed: JSON without a JSON Feed version")
    items = data.get("items")
    if not isinstance(items, list):
        raise NotAFeed("not a feed: a JSON Feed without a list of items")
    return ParsedFeed(
        title=_str(data.get("title")),
        link=_str(data.get("home_page_url")),
        kind="json" + version.rsplit("/", 1)[-1].replace(".", ""),
        items=[_json_item(item) for item in items[:MAX_ITEMS] if isinstance(item, dict)],
    )


def _json_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _json_authors(item: dict[str, Any]) -> str:
    authors = item.get("authors")  # 1.1
    if not isinstance(authors, list):
        authors = [item.get("author")]  # 1.0
    names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
    return ", ".join(name for name in names if name)


def _json_item(item: dict[str, Any]) -> FeedItem:
    guid = item.get("id")
    text = _str(item.get("content_html")) or _str(item.get("content_text"))
    summary = _str(item.get("summary"))
    tags = item.get("tags")
    images = [_str(item.get("image")), _str(item.get("banner_image"))]
    for attachment in item.get("attachments") or []:
        if isinstance(attachment, dict) and _str(attachment.get("mime_type")).startswith("image/"):
            images.append(_str(attachment.get("url")))
    return FeedItem(
        title=_str(item.get("title")),
        link=_str(item.get("url")) or _str(item.get("external_url")),
        guid=str(guid) if isinstance(guid, str | int) and not isinstance(guid, bool) else "",
        summary=summary if len(summary) >= len(text) else text,
        published=_json_date(item.get("date_published")) or _json_date(item.get("date_modified")),
        author=_json_authors(item),
        categories=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
        images=tuple(url for url in images if url),
    )
