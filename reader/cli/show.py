"""``newsreader show``: print one article (by id or link), with its full text if it was fetched."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Sequence
from datetime import UTC

from reader.cli.arguments import Subparsers
from reader.cli.loading import ingest
from reader.errors import UsageError
from reader.formatting import iso_utc
from reader.model import Article
from reader.store import Store
from reader.text import strip_controls

NAME = "show"


def add_parser(subparsers: Subparsers) -> None:
    show = subparsers.add_parser(
        NAME,
        help="print one article: title, provider, date, link, then its full text or excerpt",
        description="Print one article, found by its id or its link. The stored full text is "
        "printed when there is one, else the excerpt.",
    )
    show.add_argument("article", metavar="ID_OR_URL", help="the article's id or link")
    show.add_argument("paths", nargs="*", metavar="PATH", help="seed files or folders")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.add_argument("--fetch", action="store_true", help="fetch the full text first")


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


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    # Newest first, as the reader lists them (hide rules applied): the first match wins.
    session = ingest(args.paths, hide=True, keep_excerpts=True)
    result = session.load_all()
    articles = Store(result.articles, result.by_date).ordered("date")
    article = find_article(articles, args.article)
    if article is None:
        raise UsageError(f"no article has the id or link {args.article[:200]}")
    from reader.fulltext.storage import TextStore

    # As the file held it when read (the cache's or this load's), not read again.
    (excerpt,) = session.excerpts([article])
    store = TextStore()
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
            "published": iso_utc(article.published) if article.published else None,
            "excerpt": excerpt,
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
        out.write(textwrap.fill(strip_controls(excerpt), width) + "\n")
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
