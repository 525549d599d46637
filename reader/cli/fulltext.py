"""``newsreader fulltext``: fetch and keep the full text of the matching articles that lack one.

The articles are the reader's list for ``--query`` (``Library.articles``), newest first.
"""

from __future__ import annotations

import argparse
import sys

from reader.cli.arguments import Subparsers, add_any_value
from reader.cli.loading import load, open_library, parse_query
from reader.formatting import plural

NAME = "fulltext"


def add_parser(subparsers: Subparsers) -> None:
    fulltext = subparsers.add_parser(
        NAME,
        help="fetch and keep the full text of articles that lack one; exit 1 if any failed",
        description="Fetch the pages of the matching articles that have no stored full text "
        "yet, extract their text and keep it in the articles database (see 'state "
        "articles-path'). Several pages are fetched at once.",
    )
    fulltext.add_argument("paths", nargs="*", metavar="PATH", help="seed files or folders")
    add_any_value(fulltext, "--query", metavar="Q", help="only articles this query matches")
    fulltext.add_argument("--limit", type=_count, metavar="N", help="fetch at most N")


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    return int(text)


def run(args: argparse.Namespace) -> int:
    from reader.fulltext.batch import fetch_many
    from reader.fulltext.storage import TextStore
    from reader.library import ViewSpec
    from reader.text import strip_controls

    # An empty --query is no query, as it has always been here.
    query = parse_query(args.query) if args.query else None
    store = TextStore()
    library = open_library(
        load(args.paths, hide=True),
        marks=query is not None and query.needs_marks,
        texts=store if query is not None else None,
    )
    articles = library.articles(ViewSpec(search=query))
    have = store.ids(status="ok")
    wanted = [a for a in articles if a.url and a.id not in have]
    if args.limit is not None:
        wanted = wanted[: args.limit]
    tty = sys.stderr.isatty()
    if not wanted:
        sys.stderr.write("newsreader: every matching article already has its full text\n")
        return 0
    failed = 0
    for done, outcome in enumerate(fetch_many(wanted, store), start=1):
        if not outcome.ok:
            failed += 1
            if tty:
                sys.stderr.write("\r\x1b[K")
            title = strip_controls(outcome.article.title)[:70]
            sys.stderr.write(f"newsreader: “{title}”: {outcome.error}\n")
        if tty:
            sys.stderr.write(f"\rfetching full texts: {done:,} of {len(wanted):,}")
            sys.stderr.flush()
    if tty:
        sys.stderr.write("\r\x1b[K")
        fetched = len(wanted) - failed
        sys.stderr.write(
            f"newsreader: kept {plural(fetched, 'full text')}"
            + (f", {failed:,} failed" if failed else "")
            + "\n"
        )
    return 1 if failed else 0
