"""The list of subscribed feeds: ``feeds.json`` in the data folder.

Each feed is a :class:`Feed` record: where it is, what to call it, its topic,
and what the last fetch learned (validators for conditional requests, the
error, a time the server asked us to wait until). The file is rewritten
atomically (a temporary file, then ``os.replace``), so a crash leaves either
the old list or the new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from reader import paths
from reader.text import MAX_NAME_CHARS, clean_line, normalize_url, strip_controls

FILE_VERSION = 1


class FeedListError(Exception):
    """The feed list or a feed location cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Feed:
    """One subscription and what its last fetch learned."""

    url: str
    title: str = ""
    topic: str = ""
    last_fetched: datetime | None = None
    last_error: str = ""
    etag: str = ""
    last_modified: str = ""
    # The server asked us (429/503 Retry-After) not to come back before this.
    not_before: datetime | None = None
    articles: int = 0
    # More topics after ``topic`` (a newsboat feed has any number of tags).
    tags: tuple[str, ...] = ()

    @property
    def topics(self) -> tuple[str, ...]:
        """Every topic the feed gives its articles: ``topic``, then ``tags``."""
        return tuple(name for name in (self.topic, *self.tags) if name)

    @property
    def folder(self) -> str:
        """The feed's folder name under ``feeds_dir()``: stable for its URL."""
        return folder_name(self.url)

    @property
    def is_local(self) -> bool:
        return not self.url.startswith(("http://", "https://"))

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        for key in ("last_fetched", "not_before"):
            data[key] = _iso(data[key])
        data["tags"] = list(self.tags)
        if not self.tags:
            del data["tags"]
        return data

    @classmethod
    def from_json(cls, data: object) -> Feed | None:
        if not isinstance(data, dict) or not isinstance(data.get("url"), str):
            return None

        def text(key: str) -> str:
            value = data.get(key)
            return value if isinstance(value, str) else ""

        articles = data.get("articles")
        tags = data.get("tags")
        tags = tuple(t for t in tags if isinstance(t, str) and t) if isinstance(tags, list) else ()
        return cls(
            url=data["url"],
            title=text("title"),
            topic=text("topic"),
            last_fetched=_parse_iso(data.get("last_fetched")),
            last_error=text("last_error"),
            etag=text("etag"),
            last_modified=text("last_modified"),
            not_before=_parse_iso(data.get("not_before")),
            articles=articles if isinstance(articles, int) and articles >= 0 else 0,
            tags=tags,
        )


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def _parse_iso(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def folder_name(url: str) -> str:
    """``host-hash``: readable, and unique to the URL (titles change, URLs don't)."""
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]
    try:
        label = urlsplit(url).hostname or ""
    except ValueError:
        label = ""
    if not label:
        label = Path(url).stem
    label = re.sub(r"[^a-z0-9.]+", "-", label.lower()).strip("-.")[:40] or "feed"
    return f"{label}-{digest}"


def check_location(text: str) -> str:
    """The canonical form of a feed location the user gave, or FeedListError.

    http and https URLs are normalised (lower-case host, no fragment); a local
    file path becomes absolute. Every other scheme is refused.
    """
    text = strip_controls(text).strip()
    if not text:
        raise FeedListError("the feed location is empty")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError as error:
        raise FeedListError(f"not a usable URL: {text} ({error})") from None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not host:
            raise FeedListError(f"the URL has no host: {text}")
        return normalize_url(text)
    if scheme and len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        raise FeedListError(
            f"only http and https feeds (or a local file path) can be subscribed, not {scheme}:"
        )
    path = Path(text).expanduser()
    if not path.is_file():
        raise FeedListError(f"no such file: {text} (give an http or https URL or a feed file)")
    return str(path.resolve())


# ------------------------------------------------------------------ the file


def load_feeds(path: Path | None = None) -> list[Feed]:
    """The subscribed feeds, in the order they were added; none if no file."""
    path = paths.feeds_list_path() if path is None else path
    try:
        raw = path.read_text("utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise FeedListError(f"cannot read the feed list {path}: {error}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise FeedListError(
            f"the feed list {path} is not valid JSON (line {error.lineno}); "
            "fix it or move it aside to start a new one"
        ) from None
    entries = data.get("feeds") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise FeedListError(f"the feed list {path} has no list of feeds")
    feeds: list[Feed] = []
    seen: set[str] = set()
    for entry in entries:
        feed = Feed.from_json(entry)
        if feed is not None and feed.url not in seen:
            seen.add(feed.url)
            feeds.append(feed)
    return feeds


def save_feeds(feeds: Iterable[Feed], path: Path | None = None) -> None:
    """Write the feed list atomically (creating the data folder if needed)."""
    path = paths.feeds_list_path() if path is None else path
    data = {"version": FILE_VERSION, "feeds": [feed.to_json() for feed in feeds]}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_atomically(path, text.encode("utf-8"))


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# ------------------------------------------------------------------ changes


def add_feed(url: str, topic: str = "", title: str = "", path: Path | None = None) -> Feed:
    """Subscribe to ``url`` (see :func:`check_location`); FeedListError if already there."""
    location = check_location(url)
    feeds = load_feeds(path)
    if any(feed.url == location for feed in feeds):
        raise FeedListError(f"already subscribed: {location}")
    feed = Feed(
        url=location,
        topic=clean_line(topic, MAX_NAME_CHARS),
        title=clean_line(title, MAX_NAME_CHARS),
    )
    save_feeds([*feeds, feed], path)
    return feed


def find_feed(feeds: Iterable[Feed], url: str) -> Feed | None:
    """The feed subscribed under ``url`` as given or in its canonical form."""
    wanted = {url.strip()}
    with contextlib.suppress(FeedListError):
        wanted.add(check_location(url))
    return next((feed for feed in feeds if feed.url in wanted), None)


def remove_feed(url: str, path: Path | None = None, feeds_dir: Path | None = None) -> Feed:
    """Unsubscribe, and delete the feed's folder of fetched articles.

    Read and starred marks are kept: they live in the state database by
    article id, so subscribing again brings them back.
    """
    feeds = load_feeds(path)
    feed = find_feed(feeds, url)
    if feed is None:
        raise FeedListError(f"not subscribed: {url} ('newsreader feed list' shows the feeds)")
    save_feeds([f for f in feeds if f.url != feed.url], path)
    folder = (paths.feeds_dir() if feeds_dir is None else feeds_dir) / feed.folder
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder)
    return feed


def merge_results(updated: Iterable[Feed], path: Path | None = None) -> list[Feed]:
    """Store fetch results into the list as it is now on disk.

    The list is read again rather than overwritten, so a feed added or removed
    by another command while the fetch ran stays added or removed.
    """
    by_url = {feed.url: feed for feed in updated}
    current = load_feeds(path)
    merged = [
        replace(by_url[feed.url], topic=feed.topic, tags=feed.tags) if feed.url in by_url else feed
        for feed in current
    ]
    save_feeds(merged, path)
    return merged
