"""Fetch feeds into the library: what ``newsreader fetch`` and the TUI call.

``fetch_all`` takes feed records and returns one :class:`FeedResult` each,
with the updated record; ``refresh`` does the same for every subscribed feed
and saves what the fetch learned. Several feeds are fetched at once (a small
thread pool: the work is waiting on the network), each within its own limits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from reader import paths
from reader.feeds.articles import html_to_text, records_for
from reader.feeds.fetch import FetchError, Limits, fetch
from reader.feeds.parse import NotAFeed, parse_feed
from reader.feeds.store import MAX_ARTICLES_PER_FEED, write_articles
from reader.feeds.subscriptions import Feed, load_feeds, merge_results
from reader.text import MAX_NAME_CHARS, clean_line

MAX_WORKERS = 4

Status = Literal["fetched", "unchanged", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What fetching one feed did: ``feed`` is its record, updated."""

    feed: Feed
    status: Status
    new: int = 0
    updated: int = 0
    error: str = ""
    detail: str = ""  # the parser's or the TLS library's own words, for --verbose
    skipped: tuple[str, ...] = ()  # items of the feed left out, each with why

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def name(self) -> str:
        return self.feed.title or self.feed.url

    def describe(self) -> str:
        """One line for people: the feed and what happened."""
        if self.status == "failed":
            return f"{self.feed.url}: failed: {self.error}"
        if self.status == "skipped":
            return f"{self.feed.url}: skipped: {self.error}"
        if self.status == "unchanged":
            return f"{self.name}: not modified since the last fetch"
        new = f"{self.new or 'no'} new article{'' if self.new == 1 else 's'}"
        updated = f", {self.updated} updated" if self.updated else ""
        return f"{self.name}: {new}{updated}{_skipped(self.skipped)}"


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
) -> FeedResult:
    """Fetch one feed and write its articles; never raises for a feed's fault."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    folder = (paths.feeds_dir() if feeds_dir is None else feeds_dir) / feed.folder
    if feed.not_before is not None and feed.not_before > now:
        when = feed.not_before.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return FeedResult(feed, "skipped", error=f"the server asked us to wait until {when}")
    # Without its folder (deleted by hand), a "not modified" would leave the
    # feed empty until it changes: ask for the whole feed instead.
    has_folder = folder.is_dir()
    try:
        fetched = fetch(
            feed.url,
            etag=feed.etag if has_folder else "",
            last_modified=feed.last_modified if has_folder else "",
            limits=limits,
            now=now,
        )
        if fetched.body is None:
            done = replace(feed, last_fetched=now, last_error="", not_before=None)
            return FeedResult(done, "unchanged")
        parsed = parse_feed(fetched.body, fetched.url, fetched.content_type)
        records = records_for(
            parsed, feed_url=feed.url, base_url=fetched.url, topic=feed.topic, tags=feed.tags
        )
        stats = write_articles(folder, records, max_articles=max_articles, now=now)
    except (FetchError, NotAFeed) as error:
        reason = str(error)
        retry = error.retry_after if isinstance(error, FetchError) else None
        failed = replace(feed, last_fetched=now, last_error=reason, not_before=retry)
        return FeedResult(failed, "failed", error=reason, detail=error.detail)
    except OSError as error:
        reason = f"cannot write its articles to {folder}: {error.strerror or error}"
        return FeedResult(replace(feed, last_error=reason), "failed", error=reason)
    except Exception as error:  # a bug of ours must not stop the other feeds
        reason = f"unexpected error: {type(error).__name__}: {error}"
        return FeedResult(replace(feed, last_error=reason), "failed", error=reason)
    title = feed.title or clean_line(html_to_text(parsed.title), MAX_NAME_CHARS)
    done = replace(
        feed,
        title=title,
        last_fetched=now,
        last_error="",
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        not_before=None,
        articles=stats.total,
    )
    return FeedResult(
        done, "fetched", new=stats.new, updated=stats.updated, skipped=parsed.problems
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
) -> list[FeedResult]:
    """Fetch ``feeds``, at most ``workers`` at once; results in the order of ``feeds``.

    ``progress(done, total, result)`` is called in the calling thread as each
    feed finishes. Textual-free: the TUI calls this from a thread worker.
    """
    results: dict[int, FeedResult] = {}
    if not feeds:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(feeds)))) as pool:
        futures = {
            pool.submit(
                fetch_feed,
                feed,
                feeds_dir=feeds_dir,
                limits=limits,
                now=now,
                max_articles=max_articles,
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
    results = fetch_all(feeds, progress=progress, **options)
    if results:
        merge_results([result.feed for result in results], feeds_list)
    return results
