"""The list of subscribed feeds: ``feeds.json`` in the data folder.

Each feed is a :class:`Feed` record: where it is, what to call it, its topic,
and what the last fetch learned (validators for conditional requests, the
error, a time the server asked us to wait until). The file is rewritten
atomically (a temporary file, then ``os.replace``), so a crash leaves either
the old list or the new one. Every read-modify-write of it (add, remove,
import, a fetch storing a feed) holds one inter-process lock, ``flock`` on
``feeds.json.lock`` beside it, so two commands at once never lose a change.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from reader import paths
from reader.files import remove_stale_temporaries, write_atomically
from reader.formatting import iso_utc
from reader.text import MAX_NAME_CHARS, clean_line, normalize_url, strip_controls

FILE_VERSION = 1


class FeedListError(Exception):
    """The feed list or a feed location cannot be used; the message says why."""


class FeedListDamaged(FeedListError):
    """The feed list exists but cannot be read as one; ``path`` is the file."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class StorageError(FeedListError):
    """Something could not be written (a read-only folder, a full disk): one line for the user."""


def storage_error(error: OSError, path: Path) -> StorageError:
    """The user's sentence for a failed write of ``path``, naming the folder it is in."""
    folder = _data_folder_of(path)
    code = error.errno
    if code == errno.EROFS or code in (errno.EACCES, errno.EPERM):
        return StorageError(f"cannot save feeds: {folder} is read-only")
    if code in (errno.ENOSPC, errno.EDQUOT):
        return StorageError(f"cannot save: no space left on {folder}")
    return StorageError(f"cannot save feeds to {folder}: {error.strerror or error}")


def _data_folder_of(path: Path) -> Path:
    data = paths.data_dir()
    try:
        path.relative_to(data)
    except ValueError:
        return path.parent
    return data


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
    # The feed's web site, from its <link> (or an OPML htmlUrl).
    site: str = ""
    # Names, sizes and mtimes of the articles written: a 304 is trusted only while they hold.
    stored: str = ""

    @property
    def topics(self) -> tuple[str, ...]:
        """Every topic the feed gives its articles: ``topic``, then ``tags``."""
        return tuple(name for name in (self.topic, *self.tags) if name)

    @classmethod
    def filed_under(cls, url: str, title: str, names: Sequence[str]) -> Feed:
        """A new subscription whose topics are ``names``: the first its topic, the rest tags."""
        topic, *tags = names or ("",)
        return cls(url=url, title=title, topic=topic, tags=tuple(tags))

    @property
    def folder(self) -> str:
        """The feed's folder name under ``feeds_dir()``: stable for its URL."""
        return folder_name(self.url)

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
        if not data["url"].strip():
            return None  # named by read_feed_list, never fetched

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
            site=text("site"),
            stored=text("stored"),
        )


def _iso(value: datetime | None) -> str | None:
    return iso_utc(value) if value else None


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
        if not scheme and _LOOKS_LIKE_HOST.match(text):
            return check_location(f"https://{text}")  # example.com/feed.xml
        raise FeedListError(f"no such file: {text} (give an http or https URL or a feed file)")
    return str(path.resolve())


# A host with a dot and a known-looking top-level part, then an optional path: not a file name.
_LOOKS_LIKE_HOST = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:/\S*)?$", re.IGNORECASE)


# ------------------------------------------------------------------ the file


def lock_path(path: Path) -> Path:
    """The lock file beside the feed list."""
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def locked(path: Path | None = None) -> Iterator[Path]:
    """Hold the feed list's inter-process lock (also between threads of one process).

    ``flock`` locks belong to an open file, so each holder opens its own; the
    lock goes with the process, so a killed command never leaves it held.
    Yields the feed list's path. StorageError when the folder cannot be written.
    """
    path = paths.feeds_list_path() if path is None else path
    lock = lock_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise storage_error(error, lock) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        os.close(fd)  # closing releases the lock


def load_feeds(path: Path | None = None) -> list[Feed]:
    """The subscribed feeds, in the order they were added; none if no file."""
    return read_feed_list(path)[0]


def read_feed_list(path: Path | None = None) -> tuple[list[Feed], list[str]]:
    """The subscribed feeds, and a sentence for each entry that is not one (skipped)."""
    path = paths.feeds_list_path() if path is None else path
    try:
        raw = path.read_text("utf-8")
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise FeedListError(f"cannot read the feed list {path}: {reason or error}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise _damaged(path, f"it is not valid JSON (line {error.lineno})") from None
    except RecursionError:
        raise _damaged(path, "it is nested too deeply to be a feed list") from None
    entries = data.get("feeds") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise _damaged(path, "it has no list of feeds")
    feeds: list[Feed] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        feed = Feed.from_json(entry)
        if feed is None:
            url = entry.get("url") if isinstance(entry, dict) else None
            what = "has an empty URL" if isinstance(url, str) else "has no URL"
            problems.append(f"{path}: feed {number} {what}; it is skipped")
        elif feed.url not in seen:
            seen.add(feed.url)
            feeds.append(feed)
    return feeds, problems


def _damaged(path: Path, reason: str) -> FeedListDamaged:
    return FeedListDamaged(
        f"the feed list {path} is damaged: {reason}; fix it, or 'newsreader feed add' or "
        "'feed import' moves it aside and starts a new one",
        path,
    )


def set_aside(path: Path, now: float | None = None) -> Path:
    """Move a damaged feed list aside (``feeds.json.damaged-<time>``); return where it went."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    for n in range(1, 100):
        if not aside.exists():
            break
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        path.rename(aside)
    except OSError as error:
        raise storage_error(error, path) from None
    return aside


def save_feeds(feeds: Iterable[Feed], path: Path | None = None) -> None:
    """Write the feed list atomically (creating the data folder if needed).

    StorageError, with the user's sentence, when it cannot be written.
    """
    path = paths.feeds_list_path() if path is None else path
    data = {"version": FILE_VERSION, "feeds": [feed.to_json() for feed in feeds]}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    try:
        write_atomically(path, text.encode("utf-8"))
    except OSError as error:
        raise storage_error(error, path) from None
    remove_stale_temporaries(path.parent, f".{path.name}.")


# ------------------------------------------------------------------ changes


def _load_for_change(path: Path) -> tuple[list[Feed], Path | None]:
    """The list, under the lock, for a command that adds: a damaged one is moved aside."""
    try:
        return load_feeds(path), None
    except FeedListDamaged as damaged:
        return [], set_aside(damaged.path)


def add_feed(
    url: str,
    topic: str = "",
    title: str = "",
    path: Path | None = None,
    *,
    store: Callable[[Feed], Feed] | None = None,
    warn: Callable[[str], None] | None = None,
) -> Feed:
    """Subscribe to ``url`` (see :func:`check_location`); FeedListError if already there.

    ``store(feed)``, when given, runs under the lock before the list is saved
    (writing the feed's first articles) and returns the record to save.
    ``warn`` is told when a damaged list was moved aside for a new one.
    """
    location = check_location(url)
    with locked(path) as listing:
        feeds, aside = _load_for_change(listing)
        if any(feed.url == location for feed in feeds):
            raise FeedListError(f"already subscribed: {location}")
        feed = Feed(
            url=location,
            topic=clean_line(topic, MAX_NAME_CHARS),
            title=clean_line(title, MAX_NAME_CHARS),
        )
        if store is not None:
            feed = store(feed)
        save_feeds([*feeds, feed], listing)
    if aside is not None and warn is not None:
        warn(set_aside_message(aside))
    return feed


def set_aside_message(aside: Path) -> str:
    """What to tell the user after a damaged feed list was moved to ``aside``."""
    return f"the feed list was damaged; it was moved to {aside} and a new one started"


def add_feeds(new: Iterable[Feed], path: Path | None = None) -> tuple[list[Feed], Path | None]:
    """Subscribe to every feed of ``new`` not yet subscribed (an import), under the lock.

    Returns the feeds added and, when the old list was damaged, where it went.
    """
    with locked(path) as listing:
        feeds, aside = _load_for_change(listing)
        known = {feed.url for feed in feeds}
        added = [feed for feed in new if feed.url not in known]
        if added or aside is not None:
            save_feeds([*feeds, *added], listing)
    return added, aside


def save_changes(feeds: Sequence[Feed], read: Sequence[Feed], path: Path | None = None) -> None:
    """Save ``feeds``, made from the list as it was ``read``, under the lock.

    The list is read again first: a feed another command added meanwhile
    stays, after ``feeds``, and one it removed stays removed unless
    ``feeds`` brings it anew.
    """
    with locked(path) as listing:
        latest = load_feeds(listing)
        before = {feed.url for feed in read}
        now = {feed.url for feed in latest}
        kept = [f for f in feeds if f.url in now or f.url not in before]
        mine = {feed.url for feed in kept}
        save_feeds(
            [*kept, *(f for f in latest if f.url not in mine and f.url not in before)], listing
        )


def find_feed(feeds: Iterable[Feed], url: str) -> Feed | None:
    """The feed subscribed under ``url`` as given or in its canonical form."""
    wanted = {url.strip()}
    with contextlib.suppress(FeedListError):
        wanted.add(check_location(url))
    return next((feed for feed in feeds if feed.url in wanted), None)


def remove_feed(url: str, path: Path | None = None, feeds_dir: Path | None = None) -> Feed:
    """Unsubscribe, and delete the feed's folder of fetched articles.

    Both happen under the list's lock, which a fetch holds while it writes a
    feed's articles: no fetch can write into the folder as it goes. Read and
    starred marks are kept: they live in the state database by article id,
    so subscribing again brings them back.
    """
    missing = FeedListError(f"not subscribed: {url} ('newsreader feed list' shows the feeds)")
    listing = paths.feeds_list_path() if path is None else path
    if not listing.exists():
        raise missing  # and no folder made just to say so
    with locked(listing):
        feeds = load_feeds(listing)
        feed = find_feed(feeds, url)
        if feed is None:
            raise missing
        save_feeds([f for f in feeds if f.url != feed.url], listing)
        folder = (paths.feeds_dir() if feeds_dir is None else feeds_dir) / feed.folder
        delete_folder(folder)
    return feed


def delete_folder(folder: Path) -> None:
    """Delete a feed's folder and everything in it; files already gone are no error."""
    if folder.is_symlink() or not folder.is_dir():
        return

    def gone(function: object, name: str, info: tuple[type, BaseException, object]) -> None:
        if not isinstance(info[1], FileNotFoundError):
            raise info[1]

    try:
        shutil.rmtree(folder, onerror=gone)  # onexc only from Python 3.12
    except OSError as error:
        raise storage_error(error, folder) from None


def merge_results(updated: Iterable[Feed], path: Path | None = None) -> list[Feed]:
    """Store fetch results into the list as it is now on disk, under the lock.

    The list is read again rather than overwritten, so a feed added or removed
    by another command while the fetch ran stays added or removed.
    """
    with locked(path) as listing:
        return merge_under_lock(updated, listing)


def merge_under_lock(updated: Iterable[Feed], listing: Path) -> list[Feed]:
    """merge_results for a caller that holds the lock."""
    by_url = {feed.url: feed for feed in updated}
    current = load_feeds(listing)
    merged = [
        replace(by_url[feed.url], topic=feed.topic, tags=feed.tags) if feed.url in by_url else feed
        for feed in current
    ]
    save_feeds(merged, listing)
    return merged


# ------------------------------------------------------------------ names for people


def feed_names(path: Path | None = None) -> dict[str, str]:
    """Each subscribed feed's folder name -> what to call it (its title, else its URL)."""
    try:
        feeds = load_feeds(path)
    except FeedListError:
        return {}
    return {feed.folder: feed.title or feed.url for feed in feeds}


def source_of(file: str, names: dict[str, str], feeds_dir: Path | None = None) -> str:
    """Where an article file comes from, for people: "the feed X" when fetched, else its path."""
    feeds_dir = paths.feeds_dir() if feeds_dir is None else feeds_dir
    path = Path(file)
    if path.parent.parent == feeds_dir:
        name = names.get(path.parent.name)
        return f"the feed {name}" if name else "a feed no longer subscribed"
    return file


def describe_duplicate(
    title: str, file: str, kept: str, names: dict[str, str], feeds_dir: Path | None = None
) -> str:
    """One line for a merged duplicate that names feeds, never their hashed file names."""
    where, kept_where = source_of(file, names, feeds_dir), source_of(kept, names, feeds_dir)
    if where == file and kept_where == kept:
        return f"{file}: same article as {kept} (kept that one)"
    return f"{title}: in {where} and in {kept_where} (kept the one in {kept_where})"
