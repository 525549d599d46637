"""``newsreader import newsboat``: a newsboat user's feeds, searches and read state.

Reads newsboat's ``urls`` file (one feed a line: the URL, then tags; a
``"~Title"`` tag names the feed; ``"query:Name:expr"`` lines are query feeds;
``exec:`` and ``filter:`` lines run programs) and its ``cache.db`` (SQLite,
tables ``rss_feed`` and ``rss_item``). Every URL is subscribed, every cached
item becomes a fetched article in its feed's folder, written the way a fetch
writes it (``reader.feeds.articles``: same identity, same file), and its read
and flag state become our read and starred marks. Nothing is overwritten: an
article already in the library keeps its file, a mark already set stays, so a
second run changes nothing. Textual-free; the CLI prints the report.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from reader import paths
from reader.feeds.articles import ArticleRecord, item_to_record
from reader.feeds.feed_folder import article_filename, article_files, render
from reader.feeds.parse import FeedItem, ParsedFeed
from reader.feeds.subscriptions import (
    Feed,
    FeedListError,
    StorageError,
    check_location,
    load_feeds,
    save_changes,
    storage_error,
)
from reader.files import write_atomically
from reader.formatting import iso_utc
from reader.migrate.newsboat_query import FilterSyntaxError, translate
from reader.seedfile import build_article_only
from reader.state import UserState
from reader.text import MAX_NAME_CHARS, clean_line


class NewsboatImportError(Exception):
    """The newsboat files cannot be read; the message says which and why."""


def default_places(home: Path | None = None) -> tuple[Path, Path]:
    """Where newsboat keeps ``urls`` and ``cache.db``: ``~/.newsboat`` if it exists, else XDG."""
    home = Path.home() if home is None else home
    dotdir = home / ".newsboat"
    if dotdir.is_dir():
        return dotdir / "urls", dotdir / "cache.db"
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return config / "newsboat" / "urls", data / "newsboat" / "cache.db"


# ------------------------------------------------------------------ the urls file


@dataclass(frozen=True, slots=True)
class UrlLine:
    """One meaningful line of a urls file."""

    number: int
    url: str
    tags: tuple[str, ...] = ()
    title: str = ""


def split_line(line: str) -> list[str]:
    """newsboat's tokens: words split on blanks, "quoted" ones with \\ escapes, # comments."""
    tokens: list[str] = []
    pos = 0
    while pos < len(line):
        char = line[pos]
        if char.isspace():
            pos += 1
        elif char == "#":
            break
        elif char == '"':
            pos += 1
            token: list[str] = []
            while pos < len(line) and line[pos] != '"':
                if line[pos] == "\\" and pos + 1 < len(line):
                    pos += 1
                    token.append({"n": "\n", "t": "\t"}.get(line[pos], line[pos]))
                else:
                    token.append(line[pos])
                pos += 1
            pos += 1
            tokens.append("".join(token))
        else:
            end = pos
            while end < len(line) and not line[end].isspace():
                end += 1
            tokens.append(line[pos:end])
            pos = end
    return tokens


def read_urls(text: str) -> list[UrlLine]:
    """The feed lines of a urls file, comments and blank lines left out."""
    lines: list[UrlLine] = []
    for number, raw in enumerate(text.splitlines(), 1):
        tokens = split_line(raw)
        if not tokens:
            continue
        url, *rest = tokens
        title = ""
        tags: list[str] = []
        for tag in rest:
            if tag.startswith("~"):
                title = clean_line(tag[1:], MAX_NAME_CHARS)
            elif tag.startswith("!"):
                continue  # newsboat's "hide this feed from the list"; ours has no such thing
            else:
                name = clean_line(tag, MAX_NAME_CHARS)
                if name and name not in tags:
                    tags.append(name)
        lines.append(UrlLine(number, url, tuple(tags), title))
    return lines


# ------------------------------------------------------------------ the report


@dataclass(slots=True)
class ImportReport:
    """What the import did (or, with ``dry_run``, would do), to print line by line."""

    dry_run: bool = False
    feeds_added: list[Feed] = field(default_factory=list)
    feeds_known: int = 0
    searches_added: list[tuple[str, str]] = field(default_factory=list)
    searches_known: int = 0
    skipped: list[str] = field(default_factory=list)  # a line each: what and why
    notes: list[str] = field(default_factory=list)  # searches translated only in part
    articles_new: int = 0
    articles_known: int = 0
    marked_read: int = 0
    starred: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.feeds_added
            or self.searches_added
            or self.articles_new
            or self.marked_read
            or self.starred
        )

    def lines(self) -> list[str]:
        """The report for people: one line per change kind, then what was left out."""
        would = "would be " if self.dry_run else ""
        out = [f"feed {feed.url} {would}subscribed" for feed in self.feeds_added]
        out += [
            f'saved search "{name}" {would}added: {query}' for name, query in self.searches_added
        ]
        out += self.notes
        out += [f"skipped {line}" for line in self.skipped]
        out.append(
            f"{_count(len(self.feeds_added), 'feed')} {would}subscribed "
            f"({self.feeds_known:,} already), "
            f"{_count(len(self.searches_added), 'saved search', 'saved searches')} {would}added, "
            f"{_count(self.articles_new, 'article')} {would}added "
            f"({self.articles_known:,} already in the library), "
            f"{self.marked_read:,} {would}marked read, {self.starred:,} {would}starred"
        )
        return out


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


# ------------------------------------------------------------------ the import


@dataclass(frozen=True, slots=True)
class CachedItem:
    """One row of newsboat's ``rss_item``."""

    feed_url: str
    title: str
    link: str
    guid: str
    author: str
    published: datetime | None
    content: str
    unread: bool
    flags: str


def read_cache(path: Path) -> tuple[dict[str, tuple[str, str]], list[CachedItem]]:
    """Feed (title, site link) by feed URL and the items (deleted ones left out) of a cache.db.

    Opened read-only and immutable: newsboat may be running, and we never write its file.
    """
    if not path.is_file():
        raise NewsboatImportError(f"no newsboat cache at {path} (give its place with --cache)")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise NewsboatImportError(f"cannot open the newsboat cache {path}: {error}") from None
    try:
        with contextlib.closing(conn):
            sites = conn.execute("SELECT rssurl, title, url FROM rss_feed").fetchall()
            rows = conn.execute(
                "SELECT feedurl, title, url, guid, author, pubDate, content, unread, flags "
                "FROM rss_item WHERE deleted = 0 ORDER BY id"
            ).fetchall()
    except sqlite3.Error as error:
        raise NewsboatImportError(
            f"{path} is not a newsboat cache (tables rss_feed and rss_item): {error}"
        ) from None
    items = [
        CachedItem(
            feed_url=str(feed_url or ""),
            title=str(title or ""),
            link=str(link or ""),
            guid=str(guid or ""),
            author=str(author or ""),
            published=datetime.fromtimestamp(date, UTC) if isinstance(date, int) and date else None,
            content=str(content or ""),
            unread=bool(unread),
            flags=str(flags or ""),
        )
        for feed_url, title, link, guid, author, date, content, unread, flags in rows
    ]
    return {str(u): (str(t or ""), str(site or "")) for u, t, site in sites}, items


def _record(item: CachedItem, feed: Feed, site: tuple[str, str]) -> ArticleRecord | None:
    entry = FeedItem(
        title=item.title,
        link=item.link,
        guid=item.guid,
        summary=item.content,
        published=item.published,
        author=item.author,
    )
    # The feed's own title and link, as a fetch of it would name the provider.
    parsed = ParsedFeed(title=site[0] or feed.title, link=site[1], items=[entry])
    return item_to_record(
        entry, parsed, feed_url=feed.url, base_url=feed.url, topic=feed.topic, tags=feed.tags
    )


def _feeds_from_urls(
    lines: list[UrlLine], feeds: list[Feed], report: ImportReport
) -> tuple[list[Feed], list[tuple[str, str]]]:
    """The subscriptions after the import, and the query lines (name, expression)."""
    by_url = {feed.url: feed for feed in feeds}
    result = list(feeds)
    queries: list[tuple[str, str]] = []
    for line in lines:
        where = f"line {line.number}"
        if line.url.startswith("query:"):
            name, _, expression = line.url[len("query:") :].partition(":")
            queries.append((clean_line(name, MAX_NAME_CHARS), expression))
            continue
        if line.url.startswith("exec:"):
            report.skipped.append(
                f"{where} ({line.url}): an exec: feed runs a program to make the feed; "
                "newsreader fetches only http(s) URLs and feed files"
            )
            continue
        if line.url.startswith("filter:"):
            report.skipped.append(
                f"{where} ({line.url}): a filter: feed pipes the download through a "
                "program; newsreader does not run programs on feeds"
            )
            continue
        try:
            url = check_location(line.url)
        except FeedListError as error:
            report.skipped.append(f"{where} ({line.url}): {error}")
            continue
        if url in by_url:
            report.feeds_known += 1
            continue
        feed = Feed.filed_under(url, line.title, line.tags)
        by_url[url] = feed
        result.append(feed)
        report.feeds_added.append(feed)
    return result, queries


def _searches(
    queries: list[tuple[str, str]], state: UserState | None, report: ImportReport
) -> None:
    from reader.query import QueryError, parse

    existing = state.saved_searches() if state is not None else {}
    for name, expression in queries:
        if not name:
            report.skipped.append(f"query feed without a name: {expression}")
            continue
        try:
            translation = translate(expression)
        except FilterSyntaxError as error:
            report.skipped.append(f'query "{name}": {error}')
            continue
        for part in translation.untranslated:
            report.notes.append(
                f'query "{name}": left out {part} (newsreader\'s search has no equivalent)'
            )
        if not translation.query:
            report.skipped.append(f'query "{name}": nothing in it could be translated')
            continue
        try:
            parse(translation.query)
        except QueryError as error:  # a bug of the translation: say so, go on
            report.skipped.append(f'query "{name}": {translation.query} ({error.message})')
            continue
        if existing.get(name) == translation.query:
            report.searches_known += 1
            continue
        if name in existing:
            report.skipped.append(
                f'query "{name}": a saved search of that name exists with another query'
            )
            continue
        report.searches_added.append((name, translation.query))


def import_newsboat(
    urls: Path,
    cache: Path | None,
    *,
    dry_run: bool = False,
    state: UserState | None = None,
    feeds_list: Path | None = None,
    feeds_dir: Path | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Subscribe, save searches, write cached articles and set marks; return what changed.

    ``cache`` None (or a missing default file) imports the subscriptions
    alone. ``state`` is where marks and searches go (read-only is enough for
    ``dry_run``). Raises NewsboatImportError when a file cannot be read, and
    StorageError when an article cannot be written (a full or read-only disk):
    then nothing is subscribed or marked yet, and running the import again
    finishes it.
    """
    report = ImportReport(dry_run=dry_run)
    now = now or datetime.now(UTC).replace(microsecond=0)
    feeds_dir = paths.feeds_dir() if feeds_dir is None else feeds_dir
    try:
        text = urls.read_text("utf-8", errors="replace")
    except FileNotFoundError:
        raise NewsboatImportError(
            f"no newsboat urls file at {urls} (give its place with --urls)"
        ) from None
    except OSError as error:
        raise NewsboatImportError(f"cannot read {urls}: {error.strerror or error}") from None
    try:
        current = load_feeds(feeds_list)
    except FeedListError as error:
        raise NewsboatImportError(str(error)) from None
    feeds, queries = _feeds_from_urls(read_urls(text), current, report)
    _searches(queries, state, report)

    titles: dict[str, tuple[str, str]] = {}
    items: list[CachedItem] = []
    if cache is not None:
        titles, items = read_cache(cache)
    by_url = {feed.url: feed for feed in feeds}
    read_ids: list[str] = []
    starred_ids: list[str] = []
    written: set[str] = set()
    for item in items:
        feed = _feed_for(by_url, item.feed_url)
        if feed is None:
            continue  # a feed no longer in the urls file: newsboat keeps its items a while
        record = _record(item, feed, titles.get(item.feed_url, ("", "")))
        if record is None:
            continue
        data = dict(record.data)
        data.setdefault("publishedDateTime", iso_utc(now))
        path = feeds_dir / feed.folder / article_filename(record.key)
        if path.exists() or str(path) in written:
            report.articles_known += 1
        else:
            report.articles_new += 1
            written.add(str(path))
            if not dry_run:
                try:  # before anything is subscribed or marked: a rerun finds all in place
                    write_atomically(path, render(data).encode("utf-8"))
                except OSError as error:
                    raise storage_error(error, path) from None
        article_id = build_article_only(data, str(path)).id
        if not item.unread:
            read_ids.append(article_id)
        if item.flags.strip():
            starred_ids.append(article_id)

    if state is not None:
        report.marked_read = len([i for i in dict.fromkeys(read_ids) if not state.is_read(i)])
        report.starred = len([i for i in dict.fromkeys(starred_ids) if not state.is_starred(i)])
    if dry_run:
        return report
    feeds = [_with_title_and_count(feed, titles, feeds_dir) for feed in feeds]
    if feeds != current:
        try:  # under the feed list's lock, keeping what other commands did meanwhile
            save_changes(feeds, current, feeds_list)
        except StorageError:
            raise  # a full or read-only disk: the caller says so and exits 1
        except FeedListError as error:
            raise NewsboatImportError(str(error)) from None
    if state is not None:
        for name, query in report.searches_added:
            state.save_search(name, query)
        if read_ids:
            state.mark_read(read_ids, label="mark newsboat's read articles read")
        if starred_ids:
            state.set_starred(starred_ids, label="star newsboat's flagged articles")
    return report


def _feed_for(by_url: dict[str, Feed], url: str) -> Feed | None:
    feed = by_url.get(url)
    if feed is None:
        with contextlib.suppress(FeedListError):
            feed = by_url.get(check_location(url))
    return feed


def _with_title_and_count(feed: Feed, titles: dict[str, tuple[str, str]], feeds_dir: Path) -> Feed:
    title = feed.title
    if not title:
        cached = next((t for u, (t, _) in titles.items() if _same(u, feed.url)), "")
        title = clean_line(cached, MAX_NAME_CHARS)
    count = len(article_files(feeds_dir / feed.folder))
    if title == feed.title and (count == feed.articles or not count):
        return feed
    return replace(feed, title=title, articles=max(count, feed.articles))


def _same(url: str, canonical: str) -> bool:
    with contextlib.suppress(FeedListError):
        return check_location(url) == canonical
    return url == canonical
