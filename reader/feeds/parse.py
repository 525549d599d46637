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
import contextlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from reader.feeds.bounds import Absurd, ParseLimits, XmlCheck, check_xml, repair

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)
_JSON_FEED_VERSION = "https://jsonfeed.org/version/1"
MAX_ITEMS = 1_000


class NotAFeed(Exception):
    """The document is not a feed we can read; the message says what it is.

    ``detail`` is the parser's own words, for ``--verbose``.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.detail = detail


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
    # Items left out, each named with why (a JSON Feed item with a field of the wrong type).
    problems: tuple[str, ...] = ()


def parse_feed(
    body: bytes, base_url: str = "", content_type: str = "", limits: ParseLimits | None = None
) -> ParsedFeed:
    """Parse a fetched document; NotAFeed says why it is not one.

    A document is first checked (``bounds``); one that passes, and is small,
    is parsed here; any other is parsed in a worker process within
    ``limits.seconds`` and ``limits.memory`` (``sandbox``).
    """
    limits = limits or ParseLimits()
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"{", b"["):
        if len(body) <= limits.in_process_bytes:
            return parse_json_feed(body)
        return _in_worker({"kind": "json"}, body, limits)
    # Searched anywhere, not just before the root element: a comment inside
    # the DOCTYPE can hide where it ends. Without a DOCTYPE nothing can be
    # declared, so an article quoting "<!ENTITY" in CDATA is still read.
    if _ENTITY_DECLARATION.search(body) and _DOCTYPE.search(body):
        raise NotAFeed(
            "refused: the document declares XML entities (feeds never need them; "
            "they are used for entity bombs and to read local files)"
        )
    request, data, check = _prepare_xml(body, base_url, content_type, limits)
    if not check.well_formed:
        if _HTML_START.match(body[:4096]):
            raise NotAFeed(_HTML_PAGE)
        if b"<" not in data:
            raise NotAFeed(_NO_FEED)
        if len(data) > limits.max_loose_bytes:
            raise NotAFeed(
                f"not a feed it can read: the document is broken XML (at line {check.line}, "
                f"column {check.column}), and too large to be read leniently",
                detail=f"XML error: {check.error}",
            )
        request["loose"] = True
    if request["loose"] or len(data) > limits.in_process_bytes:
        feed = _in_worker(request, data, limits)
    else:
        feed = _read_xml(request, data)
    if not feed.kind and not feed.items:
        if _HTML_START.match(body[:4096]):
            raise NotAFeed(_HTML_PAGE)
        where = f" (the XML breaks at line {check.line}, column {check.column})"
        raise NotAFeed(
            _NO_FEED + ("" if check.well_formed else where),
            detail=f"XML error: {check.error}" if check.error else "",
        )
    return feed


_HTML_PAGE = "not a feed: the address gives an HTML page (look for its feed link)"
_NO_FEED = "not a feed: no RSS, Atom or JSON Feed found"


def _in_worker(request: dict[str, Any], data: bytes, limits: ParseLimits) -> ParsedFeed:
    from reader.feeds import sandbox

    request = {**request, "seconds": limits.seconds}
    try:
        answer = sandbox.pool().run(request, data, seconds=limits.seconds, memory=limits.memory)
    except sandbox.WorkerFailed as error:
        raise NotAFeed(f"could not be read: it {error}, and was stopped") from None
    if answer.get("memory"):
        megabytes = limits.memory // (1024 * 1024)
        raise NotAFeed(f"could not be read: it needs more than {megabytes:,} MB of memory")
    if "refused" in answer:
        raise NotAFeed(str(answer["refused"]), detail=str(answer.get("detail") or ""))
    if "error" in answer:
        raise NotAFeed("could not be read: the parser failed", detail=str(answer["error"]))
    return _feed_from_json(answer["feed"])


def answer_request(request: dict[str, Any], data: bytes) -> dict[str, Any]:
    """What the worker process answers to one request (see ``sandbox``)."""
    try:
        json_feed = request.get("kind") == "json"
        feed = parse_json_feed(data) if json_feed else _read_xml(request, data)
    except NotAFeed as refused:
        return {"refused": str(refused), "detail": refused.detail}
    except MemoryError:
        raise
    except Exception as error:  # RecursionError and the like, on a document built to hurt
        return {"error": f"{type(error).__name__}: {str(error)[:200]}"}
    return {"feed": _feed_to_json(feed)}


def _feed_to_json(feed: ParsedFeed) -> dict[str, Any]:
    return {
        "title": feed.title,
        "link": feed.link,
        "kind": feed.kind,
        "problems": list(feed.problems),
        "items": [
            {
                "title": item.title,
                "link": item.link,
                "guid": item.guid,
                "summary": item.summary,
                "published": item.published.isoformat() if item.published else None,
                "author": item.author,
                "categories": list(item.categories),
                "images": list(item.images),
            }
            for item in feed.items
        ],
    }


def _feed_from_json(data: dict[str, Any]) -> ParsedFeed:
    items = [
        FeedItem(
            title=item["title"],
            link=item["link"],
            guid=item["guid"],
            summary=item["summary"],
            published=datetime.fromisoformat(item["published"]) if item["published"] else None,
            author=item["author"],
            categories=tuple(item["categories"]),
            images=tuple(item["images"]),
        )
        for item in data["items"]
    ]
    return ParsedFeed(
        title=data["title"],
        link=data["link"],
        kind=data["kind"],
        items=items,
        problems=tuple(data["problems"]),
    )


# ------------------------------------------------------------------ RSS, Atom


def _prepare_xml(
    body: bytes, base_url: str, content_type: str, limits: ParseLimits
) -> tuple[dict[str, Any], bytes, XmlCheck]:
    """The document as the strict parser reads it (UTF-8, DOCTYPE replaced), checked."""
    from feedparser.encodings import convert_to_utf8
    from feedparser.sanitizer import replace_doctype
    from feedparser.urls import make_safe_absolute_uri

    headers = {"content-location": base_url} if base_url.startswith(("http:", "https:")) else {}
    if content_type:
        headers["content-type"] = content_type
    result: dict[str, Any] = {"bozo": False}
    try:
        data = convert_to_utf8(headers, body, result)
    except (ValueError, LookupError, TypeError) as error:  # feedparser sniffs odd bytes
        raise NotAFeed(
            "not a feed it can read: its character encoding is broken", detail=str(error)
        ) from None
    version, data, entities = replace_doctype(data)
    request: dict[str, Any] = {
        "kind": "xml",
        "base": make_safe_absolute_uri(base_url) if base_url else "",
        "version": version or "",
        "entities": entities,
        "loose": not result.get("encoding"),  # no encoding found: the strict parser cannot
    }
    try:
        check = check_xml(data, limits)
        if not check.well_formed:
            repaired = repair(data)
            if repaired != data:
                data = repaired  # the lenient parser, too, reads the mended document
                again = check_xml(data, limits)
                if again.well_formed:
                    check = again
    except Absurd as absurd:
        raise NotAFeed(f"refused: {absurd} (no feed needs that)") from None
    return request, data, check


def _read_xml(request: dict[str, Any], data: bytes) -> ParsedFeed:
    """feedparser's strict parser (or, asked for, its lenient one) on prepared ``data``."""
    strict, loose = _parser_classes()
    base, version = request.get("base") or "", request.get("version") or ""
    if request.get("loose"):
        handler = loose(base, None, "utf-8", request.get("entities") or {})
        handler.feed(data.decode("utf-8", "replace"))
    else:
        import xml.sax

        handler = strict(base, None, "utf-8")
        reader = xml.sax.make_parser()
        reader.setFeature(xml.sax.handler.feature_namespaces, 1)
        with contextlib.suppress(xml.sax.SAXNotSupportedException):
            reader.setFeature(xml.sax.handler.feature_external_ges, 0)
        reader.setContentHandler(handler)
        reader.setErrorHandler(handler)
        source = xml.sax.xmlreader.InputSource()
        source.setByteStream(io.BytesIO(data))
        try:
            reader.parse(source)
        except Exception as error:  # the pre-check found it well-formed: an odd namespace
            raise NotAFeed(
                "not a feed it can read: the XML uses an undeclared namespace prefix",
                detail=f"XML error: {error}",
            ) from None
    items = [_feedparser_item(entry) for entry in handler.entries[:MAX_ITEMS]]
    info = handler.feeddata
    return ParsedFeed(
        title=_str(info.get("title")),
        link=_str(info.get("link")),
        kind=version or handler.version or "",
        items=items,
    )


_CLASSES: tuple[Any, Any] | None = None


def _parser_classes() -> tuple[Any, Any]:
    """feedparser's two parsers, with a guid kept as written and its isPermaLink recorded."""
    global _CLASSES
    if _CLASSES is not None:
        return _CLASSES
    import feedparser  # imported on first use: the TUI starts without it
    from feedparser.api import LooseFeedParser, StrictFeedParser

    class GuidKept:
        # An RSS guid is not resolved against the feed's address: "nasty-1" is
        # an identifier, not the link http://host/nasty-1.
        can_be_relative_uri = StrictFeedParser.can_be_relative_uri - {"id"}

        def _start_guid(self, attrs_d: dict[str, str]) -> None:
            super()._start_guid(attrs_d)  # type: ignore[misc]
            permalink = attrs_d.get("ispermalink", "true").strip().lower() != "false"
            self._get_context()["guid_permalink"] = permalink  # type: ignore[attr-defined]

    def settings(cls: Any) -> Any:
        namespace = {
            "resolve_relative_uris": feedparser.RESOLVE_RELATIVE_URIS,
            "sanitize_html": feedparser.SANITIZE_HTML,
        }
        return type(cls.__name__, (GuidKept, cls), namespace)

    _CLASSES = (settings(StrictFeedParser), settings(LooseFeedParser))
    return _CLASSES


_SURROGATES = re.compile("[\ud800-\udfff]")


def _str(value: Any) -> str:
    """Text as given, else empty; a lone surrogate (which no file can hold) becomes U+FFFD."""
    if not isinstance(value, str):
        return ""
    return value if value.isascii() else _SURROGATES.sub("\ufffd", value)


def _web_url(value: str) -> bool:
    return value.startswith(("http://", "https://")) and len(value) > len("https://")


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
    raw_guid = _str(entry.get("id"))
    guid = raw_guid.strip()
    # feedparser copies a guid to the link when the item has none (yet); it is
    # a link only when it is an absolute http(s) URL not marked isPermaLink="false".
    link = _str(entry.get("link"))
    if entry.get("guidislink") and link == raw_guid:
        link = ""
    if not link and entry.get("guid_permalink", True) and _web_url(guid):
        link = guid
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

# Every field of JSON Feed 1.1 that is read, and what it must be. A field of
# another type makes its item skipped, and named (its siblings are kept); at
# the top level, the field is ignored.
_TEXT = (str,)
_ITEM_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str, int),
    "url": _TEXT,
    "external_url": _TEXT,
    "title": _TEXT,
    "content_html": _TEXT,
    "content_text": _TEXT,
    "summary": _TEXT,
    "image": _TEXT,
    "banner_image": _TEXT,
    "date_published": _TEXT,
    "date_modified": _TEXT,
    "language": _TEXT,
    "author": (dict,),
    "authors": (list,),
    "tags": (list,),
    "attachments": (list,),
}
_FEED_FIELDS: dict[str, tuple[type, ...]] = {
    "title": _TEXT,
    "home_page_url": _TEXT,
    "feed_url": _TEXT,
    "description": _TEXT,
    "icon": _TEXT,
    "favicon": _TEXT,
    "language": _TEXT,
    "author": (dict,),
    "authors": (list,),
}
_AUTHOR_FIELDS: dict[str, tuple[type, ...]] = {"name": _TEXT, "url": _TEXT, "avatar": _TEXT}
_ATTACHMENT_FIELDS: dict[str, tuple[type, ...]] = {
    "url": _TEXT,
    "mime_type": _TEXT,
    "title": _TEXT,
    "size_in_bytes": (int, float),
    "duration_in_seconds": (int, float),
}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"


_NAMES = {str: "text", int: "a number", float: "a number", dict: "an object", list: "a list"}


def _wrong_field(data: dict[str, Any], fields: dict[str, tuple[type, ...]]) -> str:
    """The first field of ``data`` of the wrong type, said in words; empty if none."""
    for name, types in fields.items():
        value = data.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, types):
            wanted = " or ".join(dict.fromkeys(_NAMES[t] for t in types))
            return f"its {name} is {_kind(value)}, not {wanted}"
    return ""


def _wrong_item(item: Any) -> str:
    if not isinstance(item, dict):
        return f"it is {_kind(item)}, not an object"
    problem = _wrong_field(item, _ITEM_FIELDS)
    if problem:
        return problem
    authors = item.get("authors") or []
    for author in [item.get("author"), *authors]:
        if author is None:
            continue
        if not isinstance(author, dict):
            return f"an author is {_kind(author)}, not an object"
        if problem := _wrong_field(author, _AUTHOR_FIELDS):
            return f"an author: {problem}"
    for tag in item.get("tags") or []:
        if not isinstance(tag, str):
            return f"a tag is {_kind(tag)}, not text"
    for attachment in item.get("attachments") or []:
        if not isinstance(attachment, dict):
            return f"an attachment is {_kind(attachment)}, not an object"
        if problem := _wrong_field(attachment, _ATTACHMENT_FIELDS):
            return f"an attachment: {problem}"
    return ""


def parse_json_feed(body: bytes) -> ParsedFeed:
    """JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), with the stdlib json."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise NotAFeed("not a feed: invalid JSON", detail=f"JSON error: {error}") from None
    if not isinstance(data, dict):
        raise NotAFeed("not a feed: JSON, but not a JSON Feed object")
    version = data.get("version")
    if not isinstance(version, str) or not version.startswith(_JSON_FEED_VERSION):
        raise NotAFeed("not a feed: JSON without a JSON Feed version")
    items = data.get("items")
    if not isinstance(items, list):
        raise NotAFeed("not a feed: a JSON Feed without a list of items")
    problems: list[str] = []
    if problem := _wrong_field(data, _FEED_FIELDS):
        problems.append(f"the feed's field ignored: {problem}")
        data = {key: value for key, value in data.items() if key not in _FEED_FIELDS}
    parsed: list[FeedItem] = []
    for index, item in enumerate(items[:MAX_ITEMS]):
        if problem := _wrong_item(item):
            problems.append(f"item {index + 1} skipped: {problem}")
            continue
        parsed.append(_json_item(item))
    return ParsedFeed(
        title=_str(data.get("title")),
        link=_str(data.get("home_page_url")),
        kind="json" + _str(version).rsplit("/", 1)[-1].replace(".", ""),
        items=parsed,
        problems=tuple(problems),
    )


def _json_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    try:
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):  # year 1 in a zone west of UTC
        return None


def _json_authors(item: dict[str, Any]) -> str:
    authors = item.get("authors")  # 1.1
    if not isinstance(authors, list):
        authors = [item.get("author")]  # 1.0
    names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
    return ", ".join(name for name in names if name)


def _json_item(item: dict[str, Any]) -> FeedItem:
    guid = item.get("id")
    guid = _str(guid) if isinstance(guid, str) else str(guid) if isinstance(guid, int) else ""
    text = _str(item.get("content_html")) or _str(item.get("content_text"))
    summary = _str(item.get("summary"))
    images = [_str(item.get("image")), _str(item.get("banner_image"))]
    for attachment in item.get("attachments") or []:
        if _str(attachment.get("mime_type")).startswith("image/"):
            images.append(_str(attachment.get("url")))
    link = _str(item.get("url")) or _str(item.get("external_url"))
    if not link and _web_url(guid.strip()):  # an id may be the item's permalink
        link = guid.strip()
    return FeedItem(
        title=_str(item.get("title")),
        link=link,
        guid=guid,
        summary=summary if len(summary) >= len(text) else text,
        published=_json_date(item.get("date_published")) or _json_date(item.get("date_modified")),
        author=_json_authors(item),
        categories=tuple(_str(tag) for tag in item.get("tags") or []),
        images=tuple(url for url in images if url),
    )


if __name__ == "__main__":  # the worker process reader.feeds.sandbox starts
    import sys

    from reader.feeds import sandbox

    sys.exit(sandbox.run_worker(sys.argv, answer_request))
