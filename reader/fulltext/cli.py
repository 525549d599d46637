"""``newsreader fulltext`` and ``newsreader show``: fetch full texts, print one article.

The library is loaded by the caller (reader.cli passes its loader in), so this
module and reader.cli never import each other.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from datetime import UTC
from typing import TextIO

from reader.errors import UsageError
from reader.formatting import plural
from reader.model import Article
from reader.text import strip_controls

COMMANDS = ("fulltext", "show")
Load = Callable[[Sequence[str]], list[Article]]


def add_parsers(commands: argparse._SubParsersAction) -> None:
    fulltext = commands.add_parser(
        "fulltext",
        help="fetch and keep the full text of articles that lack one; exit 1 if any failed",
        description="Fetch the pages of the matching articles that have no stored full text "
        "yet, extract their text and keep it in the articles database (see 'state "
        "articles-path'). Several pages are fetched at once.",
    )
    fulltext.add_argument("paths", nargs="*", metavar="PATH", help="seed files or folders")
    fulltext.add_argument("--query", metavar="Q", help="only articles this query matches")
    fulltext.add_argument("--limit", type=_count, metavar="N", help="fetch at most N")
    show = commands.add_parser(
        "show",
        help="print one article: title, provider, date, link, then its full text or excerpt",
        description="Print one article, found by its id or its link. The stored full text is "
        "printed when there is one, else the excerpt.",
    )
    show.add_argument("article", metavar="ID_OR_URL", help="the article's id or link")
    show.add_argument("paths", nargs="*", metavar="PATH", help="seed files or folders")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.add_argument("--fetch", action="store_true", help="fetch the full text first")


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    return int(text)


def _store():  # -> TextStore
    from reader.fulltext.storage import TextStore

    return TextStore()


def run_fulltext(args: argparse.Namespace, out: TextIO, *, load: Load, context) -> int:
    from reader.fulltext.batch import fetch_many
    from reader.query import QueryError, SearchIndex, parse

    try:
        query = parse(args.query) if args.query else None
    except QueryError as error:
        raise UsageError(f"invalid query: {error.message}") from None
    articles = load(args.paths)
    store = _store()
    if query is not None:
        articles = SearchIndex().filter(articles, query, context(store, query.needs_marks))
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


def find_article(articles: Sequence[Article], wanted: str) -> Article | None:
    """The article whose id or link is ``wanted`` (a link compared loosely)."""
    from reader.text import link_key

    wanted = wanted.strip()
    for article in articles:
        if wanted in (article.id, article.url):
            return article
    key = link_key(wanted)
    for article in articles:
        if link_key(article.id) == key or (article.url and link_key(article.url) == key):
            return article
    return None


def run_show(args: argparse.Namespace, out: TextIO, *, load: Load) -> int:
    articles = load(args.paths)
    article = find_article(articles, args.article)
    if article is None:
        raise UsageError(f"no article has the id or link {args.article[:200]}")
    store = _store()
    if args.fetch:
        from reader.fulltext.batch import fetch_and_store

        outcome = fetch_and_store(article, store)
        if not outcome.ok and not args.json:
            sys.stderr.write(f"newsreader: {outcome.error}\n")
    stored = store.get(article.id)
    document = stored.document if stored is not None else None
    error = stored.error if stored is not None else None
    if args.json:
        record = {
            "id": article.id,
            "title": article.title,
            "url": article.url,
            "provider": article.provider,
            "published": _when(article),
            "excerpt": article.excerpt,
            "text": document.plain_text() if document is not None else None,
            "text_error": error,
            "final_url": stored.final_url if stored is not None else None,
            "links": [
                {"number": link.number, "url": link.url, "label": link.label}
                for link in (document.links if document is not None else ())
            ],
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return 1 if args.fetch and document is None else 0
    width = 78
    out.write(strip_controls(article.title) + "\n")
    byline = " · ".join(part for part in (strip_controls(article.provider), _when(article)) if part)
    if byline:
        out.write(byline + "\n")
    if article.url:
        out.write(strip_controls(article.url) + "\n")
    out.write("\n")
    if document is None:
        if error:
            out.write(f"(no full text: {error})\n\n")
        out.write(textwrap.fill(strip_controls(article.excerpt), width) + "\n")
        return 1 if args.fetch else 0
    previous = ""
    for block in document.blocks:
        together = block.kind == previous and block.kind in ("item", "row")
        out.write(("" if together or not previous else "\n") + _block_text(block, width) + "\n")
        previous = block.kind
    out.write("\n")
    if document.links:
        out.write("Links\n")
        for link in document.links:
            out.write(f"[{link.number}] {link.url}\n")
    return 0


def _when(article: Article) -> str | None:
    if article.published is None:
        return None
    return article.published.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _block_text(block, width: int) -> str:  # block: reader.fulltext.Block
    if block.kind == "code":
        return textwrap.indent(block.text, "    ")
    if block.kind == "heading":
        return block.text.upper() if block.level <= 2 else block.text
    if block.kind == "quote":
        return textwrap.fill(block.text, width, initial_indent="> ", subsequent_indent="> ")
    if block.kind == "item":
        lead = "  " * block.level + f"{block.marker} "
        return textwrap.fill(
            block.text, width, initial_indent=lead, subsequent_indent=" " * len(lead)
        )
    return textwrap.fill(block.text, width)
