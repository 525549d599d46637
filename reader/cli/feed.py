"""``newsreader feed``: subscribe to feeds (``add``, ``remove``, ``list``, ``import``, ``export``).

Only argparse is imported at module level: the feed modules (and feedparser)
load when a feed command runs, never for the reader.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from reader.cli.arguments import Subparsers
from reader.cli.fetch import cannot_save, report, warn
from reader.errors import UsageError
from reader.formatting import plural

if TYPE_CHECKING:
    from reader.feeds.subscriptions import Feed

NAME = "feed"


def add_parser(subparsers: Subparsers) -> None:
    feed = subparsers.add_parser(
        NAME,
        help="subscribe to feeds: add, remove, list, import, export",
        description="Subscribe to RSS, Atom and JSON feeds. Fetched articles go to "
        "one folder per feed under the data folder, read like any seed folder.",
    )
    actions = feed.add_subparsers(dest="feed_command", required=True)
    add = actions.add_parser(
        "add",
        help="fetch a feed once and subscribe to it",
        description="Fetch an http or https feed URL (https when no scheme is given), or "
        "a local feed file, once, then subscribe to it. What is not a feed is refused "
        "(exit 2). Exit 1 if the fetch fails for now (the feed stays subscribed) or "
        "nothing can be saved.",
    )
    add.add_argument("url", metavar="URL", help="the feed's http(s) URL, or a file path")
    add.add_argument("--topic", default="", help="a topic for all its articles")
    add.add_argument("--no-fetch", action="store_true", help="subscribe without fetching")
    remove = actions.add_parser(
        "remove",
        help="unsubscribe and delete the feed's fetched articles (read marks stay)",
    )
    remove.add_argument("url", metavar="URL", help="the feed's URL as 'feed list' shows it")
    listing = actions.add_parser("list", help="print the subscribed feeds")
    listing.add_argument("--json", action="store_true", help="print JSON Lines, one object each")
    imported = actions.add_parser("import", help="subscribe to every feed of an OPML file")
    imported.add_argument("file", metavar="FILE", help="an OPML file (from another reader)")
    actions.add_parser("export", help="print the subscriptions as OPML 2.0")


def run(args: argparse.Namespace) -> int:
    from reader.feeds.subscriptions import FeedListError, StorageError

    runner = {
        "add": _add,
        "remove": _remove,
        "list": _list,
        "import": _import,
        "export": _export,
    }[args.feed_command]
    try:
        return runner(args, sys.stdout)
    except StorageError as error:
        return cannot_save(str(error))
    except FeedListError as error:
        raise UsageError(str(error)) from None


def _add(args: argparse.Namespace, out: TextIO) -> int:
    from dataclasses import replace
    from datetime import UTC, datetime

    from reader import paths
    from reader.feeds.fetch import FetchError
    from reader.feeds.parse import NotAFeed
    from reader.feeds.refresh import FeedResult, download_feed, first_fetch
    from reader.feeds.subscriptions import (
        Feed,
        FeedListDamaged,
        FeedListError,
        add_feed,
        check_location,
        find_feed,
        load_feeds,
    )
    from reader.text import MAX_NAME_CHARS, clean_line

    location = check_location(args.url)
    if args.no_fetch:
        feed = add_feed(location, topic=args.topic, warn=warn)
        out.write(f"subscribed to {feed.url}\n")
        return 0
    try:
        if find_feed(load_feeds(), location) is not None:  # say so before fetching
            raise FeedListError(f"already subscribed: {location}")
    except FeedListDamaged:
        pass  # add_feed sets it aside
    feed = Feed(url=location, topic=clean_line(args.topic, MAX_NAME_CHARS))
    now = datetime.now(UTC).replace(microsecond=0)
    folder = paths.feeds_dir() / feed.folder
    try:
        download = download_feed(feed, folder=folder, now=now)
    except NotAFeed as error:
        raise FeedListError(f"not subscribed: {location} is {error}") from None
    except FetchError as error:  # the server may be down for now: subscribed, and said
        failed = replace(
            feed, last_fetched=now, last_error=str(error), not_before=error.retry_after
        )
        feed = add_feed(location, topic=feed.topic, store=lambda _new: failed, warn=warn)
        out.write(f"subscribed to {feed.url}\n")
        return report([FeedResult(feed, "failed", error=str(error))], out)
    results: list[FeedResult] = []

    def store(new: Feed) -> Feed:  # under the list's lock: subscribed and written at once
        results.append(first_fetch(new, download, folder=folder, now=now))
        return results[0].feed

    add_feed(location, topic=feed.topic, store=store, warn=warn)
    out.write(f"subscribed to {location}\n")
    return report(results, out)


def _remove(args: argparse.Namespace, out: TextIO) -> int:
    from reader.feeds.subscriptions import remove_feed

    feed = remove_feed(args.url)
    out.write(f"unsubscribed from {feed.url}; its articles were removed (read marks are kept)\n")
    return 0


def feed_json(feed: Feed) -> dict[str, object]:
    """The JSON form of a feed, as ``feed list --json`` prints it."""
    data = feed.to_json()
    return {
        "url": data["url"],
        "title": data["title"],
        "topic": data["topic"],
        "tags": list(feed.tags),
        "last_fetched": data["last_fetched"],
        "last_error": data["last_error"] or None,
        "not_before": data["not_before"],
        "articles": data["articles"],
        "folder": feed.folder,
    }


def _list(args: argparse.Namespace, out: TextIO) -> int:
    from reader.feeds.subscriptions import read_feed_list

    feeds, problems = read_feed_list()
    for problem in problems:
        sys.stderr.write(f"newsreader: {problem}\n")
    if not feeds and not args.json:
        sys.stderr.write("newsreader: no feeds yet; add one with 'newsreader feed add URL'\n")
    for feed in feeds:
        if args.json:
            out.write(json.dumps(feed_json(feed), ensure_ascii=False) + "\n")
            continue
        if feed.last_fetched:
            when = f"last fetched {feed.last_fetched.strftime('%Y-%m-%d %H:%M')} UTC"
        else:
            when = "not fetched yet"
        topic = f"  [{', '.join(feed.topics)}]" if feed.topics else ""
        error = f"  (last fetch failed: {feed.last_error})" if feed.last_error else ""
        name = feed.title or "(no title yet)"
        count = plural(feed.articles, "article")
        out.write(f"{feed.url}\n  {name}{topic}  {count}, {when}{error}\n")
    return 0


def _import(args: argparse.Namespace, out: TextIO) -> int:
    from reader.feeds.opml import OpmlError, import_outlines, read_outlines
    from reader.feeds.subscriptions import (
        FeedListDamaged,
        add_feeds,
        load_feeds,
        set_aside_message,
    )

    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror or error}") from None
    try:
        outlines = read_outlines(data)
    except OpmlError as error:
        raise UsageError(f"{args.file}: {error}") from None
    try:
        feeds = load_feeds()
    except FeedListDamaged:
        feeds = []  # add_feeds sets it aside
    result = import_outlines(outlines, feeds)
    added, aside = add_feeds(result.added)
    if aside is not None:
        warn(set_aside_message(aside))
    duplicates = result.duplicates + len(result.added) - len(added)  # added meanwhile
    for problem in result.invalid:
        sys.stderr.write(f"newsreader: skipped {problem}\n")
    out.write(
        f"{plural(len(added), 'feed')} added, {duplicates:,} already subscribed, "
        f"{len(result.invalid)} skipped; 'newsreader fetch' fetches them\n"
    )
    return 0


def _export(args: argparse.Namespace, out: TextIO) -> int:
    from reader.feeds.opml import export_opml
    from reader.feeds.subscriptions import load_feeds

    out.write(export_opml(load_feeds()))
    return 0
