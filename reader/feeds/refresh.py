"""Fetch feeds into the library: what ``newsreader fetch`` and the TUI call.

``fetch_all`` takes feed records and returns one :class:`FeedResult` each,
with the updated record; ``refresh`` does the same for every subscribed feed
and saves what the fetch learned. Several feeds are fetched at once (a small
thread pool: the work is waiting on the network), each within its own limits.
A subscribed feed's articles are written under the feed list's lock, and only
while it is still subscribed, so a ``feed remove`` meanwhile takes every file.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from reader import paths
from reader.feeds.articles import ArticleRecord, html_to_text, records_for, web_link
from reader.feeds.feed_folder import (
    MAX_ARTICLES_PER_FEED,
    WriteStats,
    folder_signature,
    stored_intact,
    write_articles,
)
from reader.feeds.fetch import Fetched, FetchError, Limits, fetch
from reader.feeds.parse import NotAFeed, ParsedFeed, parse_feed
from reader.feeds.subscriptions import (
    Feed,
    FeedListError,
    StorageError,
    delete_folder,
    load_feeds,
    locked,
    merge_results,
    merge_under_lock,
    storage_error,
)
from reader.files import remove_stale_temporaries
from reader.formatting import plural
from reader.text import MAX_NAME_CHARS, clean_line

MAX_WORKERS = 4
# An OPML subscription list rather than a feed: the <opml> root near the start.
_OPML = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<opml[\s>]", re.S)

Status = Literal["fetched", "unchanged", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What fetching one feed did: ``feed`` is its record, updated."""

    feed: Feed
    status: Status
    new: int = 0
    updated: int = 0
    error: str = ""
    detail: str = ""  # what expat or OpenSSL said, for --verbose
    skipped: tuple[str, ...] = ()  # items of the feed left out, each with why
    # What could not be saved (a read-only folder, a full disk): one sentence, said once.
    unsaved: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def name(self) -> str:
        return self.feed.title or self.feed.url

    def describe(self, name: str = "") -> str:
        """One line for people: the feed (``name``, else its title or URL) and what happened."""
        if self.status == "failed":
            return f"{name or self.name}: failed: {self.error}"
        if self.status == "skipped":
            return f"{name or self.name}: skipped: {self.error}"
        name = name or self.name
        if self.status == "unchanged":
            return f"{name}: not modified since the last fetch"
        new = f"{self.new or 'no'} new article{'' if self.new == 1 else 's'}"
        updated = f", {self.updated} updated" if self.updated else ""
        return f"{name}: {new}{updated}{_skipped(self.skipped)}"


def names(results: Sequence[FeedResult]) -> list[str]:
    """What to call each result's feed: its title, with its URL when two share that title."""
    titles = [result.feed.title for result in results]
    return [
        f"{title} ({result.feed.url})" if title and titles.count(title) > 1 else ""
        for title, result in zip(titles, results, strict=True)
    ]


def _skipped(problems: tuple[str, ...]) -> str:
    if not problems:
        return ""
    items = sum(problem.startswith("item ") for problem in problems)
    first = problems[0].replace(" skipped: ", ": ", 1)
    more = f"; {len(problems) - 1} more" if len(problems) > 1 else ""
    return f", {items} item{'' if items == 1 else 's'} skipped ({first}{more})"


ProgressCallback = Callable[[int, int, FeedResult], None]


def fetch_feed(
    feed: Feed,
    *,
    feeds_dir: Path | None = None,
    limits: Limits | None = None,
    now: datetime | None = None,
    max_articles: int = MAX_ARTICLES_PER_FEED,
    feeds_list: Path | None = None,
    subscribed: bool = False,
    stop: _Stop | None = None,
) -> FeedResult:
    """Fetch one feed and write its articles; never raises for a feed's fault.

    ``subscribed``: the feed is in ``feeds_list``; its articles are written
    under that list's lock and only while it is still there.
    """
    now = now or datetime.now(UTC).replace(microsecond=0)
    folder = (paths.feeds_dir() if feeds_dir is None else feeds_dir) / feed.folder
    if stop is not None and stop.reason:
        return FeedResult(feed, "failed", error=stop.reason, unsaved=stop.reason)
    if feed.not_before is not None and feed.not_before > now:
        when = feed.not_before.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return FeedResult(feed, "skipped", error=f"the server asked us to wait until {when}")
    try:
        download = download_feed(feed, folder=folder, limits=limits, now=now)
        if isinstance(download, Feed):
            return FeedResult(download, "unchanged")
        fetched, parsed, records = download

        def write() -> tuple[WriteStats, str]:
            stats = write_articles(folder, records, max_articles=max_articles, now=now)
            return stats, folder_signature(folder)

        if subscribed:
            with locked(feeds_list) as listing:
                if not any(f.url == feed.url for f in load_feeds(listing)):
                    return FeedResult(feed, "skipped", error="unsubscribed while it was fetched")
                stats, stored = _writing(write, folder)
                done = _done(feed, fetched, parsed, now, stats, stored)
                try:  # its record with its articles: a later full disk cannot part them
                    merge_under_lock([done], listing)
                except StorageError as error:
                    if stop is not None:
                        stop.reason = str(error)
                    return _fetched(done, stats, parsed, unsaved=str(error))
                return _fetched(done, stats, parsed)
        stats, stored = _writing(write, folder)
    except (FetchError, NotAFeed) as error:
        reason = str(error)
        retry = error.retry_after if isinstance(error, FetchError) else None
        failed = replace(feed, last_fetched=now, last_error=reason, not_before=retry)
        return FeedResult(failed, "failed", error=reason, detail=error.detail)
    except StorageError as error:
        if stop is not None:
            stop.reason = str(error)
        return FeedResult(feed, "failed", error=str(error), unsaved=str(error))
    except FeedListError as error:
        return FeedResult(feed, "failed", error=str(error))
    except OSError as error:  # not a write of ours (those are StorageError)
        reason = f"cannot write its articles to {folder}: {error.strerror or error}"
        return FeedResult(replace(feed, last_error=reason), "failed", error=reason)
    except Exception as error:  # a bug of ours must not stop the other feeds
        reason = f"unexpected error: {type(error).__name__}: {error}"
        return FeedResult(replace(feed, last_error=reason), "failed", error=reason)
    return _fetched(_done(feed, fetched, parsed, now, stats, stored), stats, parsed)


def _done(
    feed: Feed, fetched: Fetched, parsed: ParsedFeed, now: datetime, stats: WriteStats, stored: str
) -> Feed:
    return replace(updated_record(feed, fetched, parsed, now), articles=stats.total, stored=stored)


def _fetched(done: Feed, stats: WriteStats, parsed: ParsedFeed, unsaved: str = "") -> FeedResult:
    return FeedResult(
        done,
        "fetched",
        new=stats.new,
        updated=stats.updated,
        skipped=parsed.problems,
        unsaved=unsaved,
    )


class _Stop:
    """Shared by the feeds of one fetch: once nothing can be saved, the rest are not fetched."""

    def __init__(self) -> None:
        self.reason = ""


def _writing(write: Callable[[], tuple[WriteStats, str]], folder: Path) -> tuple[WriteStats, str]:
    try:
        return write()
    except OSError as error:
        raise storage_error(error, folder) from None


Download = Feed | tuple[Fetched, ParsedFeed, list[ArticleRecord]]


def download_feed(
    feed: Feed, *, folder: Path, limits: Limits | None = None, now: datetime
) -> Download:
    """Fetch and parse a feed, writing nothing: its records, or (not modified) its record.

    A "not modified" is believed only while the articles written last time
    are all there and readable (``Feed.stored``); otherwise, and without the
    folder at all, the whole feed is asked for again.
    Raises FetchError or NotAFeed.
    """
    has_folder = folder.is_dir()
    if has_folder:
        remove_stale_temporaries(folder)  # left by a fetch that was killed
    fetched = fetch(
        feed.url,
        etag=feed.etag if has_folder else "",
        last_modified=feed.last_modified if has_folder else "",
        limits=limits,
        now=now,
    )
    if fetched.body is None:
        signature = folder_signature(folder)
        if signature == feed.stored or stored_intact(folder, feed.articles):
            return replace(feed, last_fetched=now, last_error="", not_before=None, stored=signature)
        fetched = fetch(feed.url, limits=limits, now=now)  # a file was lost: everything again
        if fetched.body is None:
            raise FetchError("the server answered 'not modified' to a request for the whole feed")
    if _OPML.search(fetched.body[:4096]):
        raise NotAFeed("not a feed: it is an OPML list of feeds (use 'newsreader feed import')")
    parsed = parse_feed(fetched.body, fetched.url, fetched.content_type)
    records = records_for(
        parsed, feed_url=feed.url, base_url=fetched.url, topic=feed.topic, tags=feed.tags
    )
    return fetched, parsed, records


def first_fetch(
    feed: Feed,
    download: Download,
    *,
    folder: Path,
    now: datetime,
    max_articles: int = MAX_ARTICLES_PER_FEED,
) -> FeedResult:
    """Write what ``download_feed`` brought for a feed being subscribed (the caller holds the lock).

    StorageError when the articles cannot be written; none is left behind then.
    """
    if isinstance(download, Feed):  # "not modified" to a first request: nothing to write
        return FeedResult(replace(download, topic=feed.topic), "unchanged")
    fetched, parsed, records = download

    def write() -> tuple[WriteStats, str]:
        stats = write_articles(folder, records, max_articles=max_articles, now=now)
        return stats, folder_signature(folder)

    try:
        stats, stored = _writing(write, folder)
    except StorageError:
        with contextlib.suppress(StorageError):
            delete_folder(folder)  # no articles of a feed that is not subscribed
        raise
    done = replace(updated_record(feed, fetched, parsed, now), articles=stats.total, stored=stored)
    return FeedResult(
        done, "fetched", new=stats.new, updated=stats.updated, skipped=parsed.problems
    )


def updated_record(feed: Feed, fetched: Fetched, parsed: ParsedFeed, now: datetime) -> Feed:
    """The feed's record after a successful fetch of ``fetched``."""
    title = feed.title or clean_line(html_to_text(parsed.title), MAX_NAME_CHARS)
    return replace(
        feed,
        title=title,
        site=web_link(parsed.link, fetched.url) or feed.site,
        last_fetched=now,
        last_error="",
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        not_before=None,
    )


def fetch_all(
    feeds: Sequence[Feed],
    *,
    progress: ProgressCallback | None = None,
    feeds_dir: Path | None = None,
    limits: Limits | None = None,
    workers: int = MAX_WORKERS,
    now: datetime | None = None,
    max_articles: int = MAX_ARTICLES_PER_FEED,
    feeds_list: Path | None = None,
    subscribed: bool = False,
) -> list[FeedResult]:
    """Fetch ``feeds``, at most ``workers`` at once; results in the order of ``feeds``.

    ``progress(done, total, result)`` is called in the calling thread as each
    feed finishes. Textual-free: the TUI calls this from a thread worker.
    Once one feed's articles cannot be saved (a read-only folder, a full disk)
    the feeds not yet started are not fetched.
    """
    results: dict[int, FeedResult] = {}
    if not feeds:
        return []
    stop = _Stop()
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(feeds)))) as pool:
        futures = {
            pool.submit(
                fetch_feed,
                feed,
                feeds_dir=feeds_dir,
                limits=limits,
                now=now,
                max_articles=max_articles,
                feeds_list=feeds_list,
                subscribed=subscribed,
                stop=stop,
            ): index
            for index, feed in enumerate(feeds)
        }
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            if progress is not None:
                progress(len(results), len(feeds), result)
    return [results[index] for index in range(len(feeds))]


def refresh(
    *,
    feeds_list: Path | None = None,
    progress: ProgressCallback | None = None,
    **options: Any,  # fetch_all's keyword limits, passed through
) -> list[FeedResult]:
    """Fetch every subscribed feed and save what was learned in the feed list."""
    feeds = load_feeds(feeds_list)
    results = fetch_all(
        feeds,
        progress=progress,
        feeds_list=feeds_list,
        subscribed=True,
        **options,
    )
    # A fetched feed's record was saved with its articles; the others' are saved here.
    learned = [r.feed for r in results if not r.unsaved and r.status != "fetched"]
    if learned:
        try:
            merge_results(learned, feeds_list)
        except StorageError as error:
            results = [r if r.unsaved else replace(r, unsaved=str(error)) for r in results]
    return results


def summary(results: Sequence[FeedResult]) -> str:
    """One sentence on a whole fetch, with true counts: "Fetched 11 of 26 feeds: ...".

    What could not be saved (a read-only folder, a full disk) is said instead.
    """
    unsaved = next((r.unsaved for r in results if r.unsaved), "")
    failed = sum(r.failed for r in results)
    worked = len(results) - failed
    new = sum(r.new for r in results)
    total = len(results)
    counted = plural(total, "feed") if not failed else f"{worked:,} of {plural(total, 'feed')}"
    text = f"Fetched {counted}: {plural(new, 'new article')}."
    if unsaved:
        return f"{text} {unsaved[0].upper()}{unsaved[1:]}."
    if failed:
        text += f" {failed:,} failed: press ! to see."
    return text


def failure_lines(results: Sequence[FeedResult]) -> list[str]:
    """One line per failed feed, each feed named as people know it."""
    return [
        result.describe(name)
        for result, name in zip(results, names(results), strict=True)
        if result.failed
    ]
