"""``newsreader import newsboat``: bring newsboat's feeds, searches, articles and marks over."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.cli.arguments import Subparsers

NAME = "import"


def add_parser(subparsers: Subparsers) -> None:
    imported = subparsers.add_parser(
        NAME,
        help="bring feeds, searches and read state over from another reader",
        description="Bring a library over from another reader.",
    )
    sources = imported.add_subparsers(dest="import_source", required=True)
    newsboat = sources.add_parser(
        "newsboat",
        help="subscribe to newsboat's feeds; import its cached articles and read state",
        description="Subscribe to every feed of newsboat's urls file (tags become topics, "
        '"~Title" the feed\'s title, query feeds saved searches) and add every article of '
        "its cache.db with its read and flagged state. Running it again changes nothing.",
    )
    newsboat.add_argument(
        "--urls",
        metavar="PATH",
        help="newsboat's urls file (default: ~/.newsboat/urls or ~/.config/newsboat/urls)",
    )
    newsboat.add_argument(
        "--cache",
        metavar="PATH",
        help="newsboat's cache.db (default: ~/.newsboat/cache.db or "
        "~/.local/share/newsboat/cache.db)",
    )
    newsboat.add_argument(
        "--dry-run", action="store_true", help="print what would be done and change nothing"
    )


def run(args: argparse.Namespace) -> int:
    from reader.errors import UsageError
    from reader.feeds.subscriptions import StorageError
    from reader.migrate.newsboat import NewsboatImportError, default_places, import_newsboat
    from reader.state import UserState

    urls, found_cache = default_places()
    cache: Path | None = found_cache
    urls = Path(args.urls).expanduser() if args.urls else urls
    if not urls.is_file():
        raise UsageError(f"no newsboat urls file at {urls} (give its place with --urls)")
    if args.cache:
        cache = Path(args.cache).expanduser()
        if not cache.is_file():
            raise UsageError(f"no newsboat cache at {cache}")
    elif not found_cache.is_file():
        sys.stderr.write(
            f"newsreader: no newsboat cache at {found_cache}: importing the feeds only\n"
        )
        cache = None
    state = UserState(readonly=args.dry_run)
    try:
        report = import_newsboat(urls, cache, dry_run=args.dry_run, state=state)
    except NewsboatImportError as error:
        raise UsageError(str(error)) from None
    except StorageError as error:  # a full or read-only disk: one line, exit 1
        sys.stderr.write(f"newsreader: {error}\n")
        return 1
    finally:
        state.close()
    for line in report.lines():
        sys.stdout.write(line + "\n")
    if state.warning:
        sys.stderr.write(f"newsreader: {state.warning}\n")
    if not args.dry_run and report.changed:
        sys.stdout.write("'newsreader fetch' brings every feed up to date\n")
    return 1 if state.unsaved else 0
