"""``newsreader fetch``: fetch every subscribed feed; one line per feed; exit 1 if any failed.

Only argparse is imported at module level: the feed modules (and feedparser)
load when it runs, never for the reader.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from reader.cli.arguments import Subparsers
from reader.errors import UsageError
from reader.formatting import plural

if TYPE_CHECKING:
    from reader.feeds.refresh import FeedResult

NAME = "fetch"


def add_parser(subparsers: Subparsers) -> None:
    fetch = subparsers.add_parser(
        NAME,
        help="fetch every subscribed feed",
        description="Fetch every subscribed feed (four at a time). Prints what each "
        "brought; names every failure with its reason. Exit 0 when all succeeded, "
        "1 when any failed.",
    )
    fetch.add_argument(
        "--verbose", "-v", action="store_true", help="under each failure, the technical detail"
    )


def run(args: argparse.Namespace) -> int:
    from reader.feeds.refresh import refresh
    from reader.feeds.subscriptions import FeedListError, StorageError, read_feed_list

    try:
        feeds, problems = read_feed_list()
        for problem in problems:
            sys.stderr.write(f"newsreader: {problem}\n")
        if not feeds:
            sys.stderr.write("newsreader: no feeds yet; add one with 'newsreader feed add URL'\n")
            return 0
        progress = _terminal_progress if sys.stderr.isatty() else None
        results = refresh(progress=progress)
    except StorageError as error:
        return cannot_save(str(error))
    except FeedListError as error:
        raise UsageError(str(error)) from None
    finally:
        if sys.stderr.isatty():
            sys.stderr.write("\r\x1b[K")
    return report(results, sys.stdout, verbose=args.verbose)


def _terminal_progress(done: int, total: int, result: FeedResult) -> None:
    sys.stderr.write(f"\r\x1b[Kfetching feeds: {done}/{total}")
    sys.stderr.flush()


def report(results: list[FeedResult], out: TextIO, verbose: bool = False) -> int:
    """One line per feed: successes on stdout, failures on stderr; 1 if any failed.

    What could not be saved (a read-only folder, a full disk) is said once, last.
    """
    from reader.feeds.refresh import names

    unsaved = ""
    for result, name in zip(results, names(results), strict=True):
        unsaved = unsaved or result.unsaved
        if result.failed and result.unsaved:
            continue  # said once below
        if result.failed:
            sys.stderr.write(f"newsreader: {result.describe(name)}\n")
            if verbose and result.detail:
                sys.stderr.write(f"newsreader:   detail: {result.detail}\n")
        else:
            out.write(result.describe(name) + "\n")
    failed = sum(result.failed for result in results)
    new = sum(result.new for result in results)
    if len(results) > 1:
        failures = f", {failed} failed" if failed else ""
        out.write(f"{plural(len(results), 'feed')}: {plural(new, 'new article')}{failures}\n")
    if unsaved:
        sys.stderr.write(f"newsreader: {unsaved}\n")
    return 1 if failed or unsaved else 0


def cannot_save(message: str) -> int:
    warn(message)
    return 1


def warn(message: str) -> None:
    sys.stderr.write(f"newsreader: {message}\n")
