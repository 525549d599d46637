"""OPML in and out: the subscription lists other feed readers import and export.

Import takes every outline with an ``xmlUrl``, at any depth. An outline is
named by its ``text`` (what OPML shows; ``title`` only when there is none):
the nearest enclosing outline's name becomes the feed's topic, and each name
of its ``category`` attribute (comma-separated, as newsboat exports tags)
one more topic (export writes a feed's tags there too). An OPML file is as
untrusted as a feed: one with a DOCTYPE or entity declarations is refused
before expat sees it. Export writes OPML 2.0 with topics as folders, which
imports back to the same feeds and topics.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from reader.feeds.subscriptions import Feed, FeedListError, check_location
from reader.seedfile import MAX_TOPICS
from reader.text import MAX_NAME_CHARS, clean_line

MAX_OPML_BYTES = 5 * 1024 * 1024
_DECLARATIONS = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class OpmlError(Exception):
    """The file is not OPML we can read; the message says why."""


@dataclass(frozen=True, slots=True)
class Outline:
    """One feed outline: its location, its name, the folder it was filed under and its tags."""

    url: str
    title: str = ""
    topic: str = ""
    tags: tuple[str, ...] = ()  # from its ``category`` attribute


@dataclass(slots=True)
class OpmlImport:
    """The feeds an OPML file adds, and what was left out."""

    added: list[Feed] = field(default_factory=list)
    duplicates: int = 0
    invalid: list[str] = field(default_factory=list)


def read_outlines(data: bytes) -> list[Outline]:
    """Every feed outline of an OPML document, in document order."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"the file is larger than {MAX_OPML_BYTES // 1_048_576} MB")
    if _DECLARATIONS.search(data):
        raise OpmlError("refused: the file has a DOCTYPE or entity declarations (OPML needs none)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise OpmlError(f"not valid XML: {error}") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"not OPML: the document is <{root.tag[:40]}>, not <opml>")
    body = next((child for child in root if child.tag.lower() == "body"), None)
    if body is None:
        raise OpmlError("not OPML: there is no <body>")
    outlines: list[Outline] = []

    def walk(element: ET.Element, topic: str) -> None:
        for child in element:
            if child.tag != "outline":
                continue
            name = clean_line(child.get("text") or child.get("title") or "", MAX_NAME_CHARS)
            url = (child.get("xmlUrl") or child.get("xmlurl") or "").strip()
            if url:
                tags = _categories(child.get("category") or "")
                outlines.append(Outline(url=url, title=name, topic=topic, tags=tags))
            walk(child, name or topic)

    walk(body, "")
    return outlines


def _categories(text: str) -> tuple[str, ...]:
    """The names of a ``category`` attribute: ``"tag one,tag/three"``.

    OPML writes a hierarchy as ``/a/b``; newsboat writes its tags as they are,
    slashes included, so a name keeps its inner slashes and loses the outer ones.
    """
    names: list[str] = []
    seen: set[str] = set()
    for part in text.split(","):
        name = clean_line(part.strip().strip("/"), MAX_NAME_CHARS)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
        if len(names) >= MAX_TOPICS:
            break
    return tuple(names)


def import_outlines(outlines: Iterable[Outline], existing: Iterable[Feed]) -> OpmlImport:
    """The new feeds among ``outlines``; duplicates (also of ``existing``) counted."""
    result = OpmlImport()
    known = {feed.url for feed in existing}
    for outline in outlines:
        try:
            url = check_location(outline.url)
        except FeedListError as error:
            result.invalid.append(f"{outline.url[:200]}: {error}")
            continue
        if url in known:
            result.duplicates += 1
            continue
        known.add(url)
        # The folder is the feed's topic; without one, its first tag is.
        names = [outline.topic] if outline.topic else []
        folded = {outline.topic.casefold()}
        names += [tag for tag in outline.tags if tag.casefold() not in folded]
        result.added.append(Feed.filed_under(url, outline.title, names))
    return result


def export_opml(feeds: Iterable[Feed], now: datetime | None = None) -> str:
    """OPML 2.0 text for ``feeds``: feeds with a topic nested under an outline of it."""
    now = now or datetime.now(UTC)
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "newsreader subscriptions"
    ET.SubElement(head, "dateCreated").text = format_datetime(now.astimezone(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        parent = body
        if feed.topic:
            folder = folders.get(feed.topic)
            if folder is None:
                folder = folders[feed.topic] = ET.SubElement(
                    body, "outline", text=feed.topic, title=feed.topic
                )
            parent = folder
        title = feed.title or feed.url
        outline = ET.SubElement(
            parent, "outline", type="rss", text=title, title=title, xmlUrl=feed.url
        )
        if feed.site:
            outline.set("htmlUrl", feed.site)
        # Commas separate the names; a tag cannot carry one through.
        categories = [tag.replace(",", " ") for tag in feed.tags if tag]
        if categories:
            outline.set("category", ",".join(categories))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
