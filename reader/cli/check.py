"""``newsreader check``: name every file that is not a readable article, and why; exit 1 if any."""

from __future__ import annotations

import argparse
import sys

from reader.cli.arguments import Subparsers, add_no_cache, add_paths
from reader.cli.loading import load
from reader.formatting import plural
from reader.scan import DIRECTORY_REASON

NAME = "check"


def add_parser(subparsers: Subparsers) -> None:
    check = subparsers.add_parser(
        NAME,
        help="report unreadable files",
        description="Name every file that is not a readable article, with the reason. "
        "Exit 0 when there are none, 1 when there are.",
    )
    add_paths(check)
    check.add_argument(
        "--verbose", "-v", action="store_true", help="also list ignored files and duplicates"
    )
    add_no_cache(check)


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    # The config's hide rules apply, as in the reader and `list`: what they leave out is counted.
    result = load(args.paths, use_cache=not args.no_cache, hide=True)
    # A folder named like an article (archive.md/) is walked like any folder:
    # named apart from the files that were left out.
    folders = [p for p in result.ignored if p.reason == DIRECTORY_REASON]
    ignored = [p for p in result.ignored if p.reason != DIRECTORY_REASON]
    for problem in result.problems:
        out.write(f"{problem}\n")
    if args.verbose:
        for folder in folders:
            out.write(f"{folder} (read as a folder)\n")
        for problem in ignored:
            out.write(f"{problem} (ignored)\n")
        for duplicate in result.duplicates:
            out.write(f"{duplicate}\n")
        for article in result.hidden:
            out.write(f"{article.path} (hidden by filters)\n")
    # Every file found is counted once, as what it turned out to be: the numbers add up
    # (a broken link or a pipe is a problem, though it was never read).
    found = len(result.articles) + len(result.duplicates) + len(result.hidden)
    found += len(result.problems) + len(ignored)
    summary = (
        f"{plural(found, 'file')}: "
        f"{plural(len(result.articles), 'article')}, {plural(len(result.problems), 'problem')}"
    )
    extras = []
    if result.duplicates:
        extras.append(f"{plural(len(result.duplicates), 'duplicate')} merged")
    if ignored:
        extras.append(f"{plural(len(ignored), 'file')} without front matter ignored")
    if result.hidden:
        extras.append(f"{plural(len(result.hidden), 'article')} hidden by filters")
    if folders:
        extras.append(f"{plural(len(folders), 'folder')} named like an article file")
    if extras:
        summary += f" ({', '.join(extras)}{'' if args.verbose else '; --verbose lists them'})"
    out.write(summary + "\n")
    return 1 if result.problems else 0
