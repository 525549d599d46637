"""``newsreader list``: the reader's list, printed: one line per article (or story), or JSON Lines.

The filters are the query language's: ``--topic NAME`` is ``topic:"NAME"``,
``--unread`` is ``is:unread``, ``--starred`` is ``is:starred``, all of them
and ``--query`` together; ``--sort`` and ``--stories`` are the reader's. The
list comes from ``Library.articles``, as on screen.
"""

from __future__ import annotations

import argparse
import heapq
import json
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import compress
from typing import TYPE_CHECKING, TextIO

from reader.cache import ARTICLE_FIELDS, CachedColumns
from reader.cli.arguments import Subparsers, add_any_value, add_no_cache, add_paths, positive_int
from reader.cli.loading import ingest, load_unless_cached, open_library, parse_query, read_state
from reader.errors import UsageError
from reader.formatting import fit, iso_utc, plural
from reader.model import Article, LoadResult
from reader.store import SORTS, Sort, date_key, quality_key

if TYPE_CHECKING:
    from reader.library import Library, ViewSpec
    from reader.query import Query
    from reader.state import UserState
    from reader.stories import Story

NAME = "list"
SORT_KEYS = {"date": date_key, "quality": quality_key}  # the store's orders
# What a line shows and what orders the lines: the cache's other columns stay undecoded.
LINE_FIELDS = ("id", "published", "quality", "provider", "title")
_NO_DATE = float("inf")  # date_key's for an undated article: last


def add_parser(subparsers: Subparsers) -> None:
    listing = subparsers.add_parser(
        NAME,
        help="print articles",
        description="Print articles, newest first unless --sort says otherwise.",
    )
    add_paths(listing)
    listing.add_argument(
        "--topic", help="only articles of this topic (its whole name, in any case)"
    )
    add_any_value(
        listing,
        "--query",
        help="only articles matching a search, like 'facial -police topic:AI' "
        "(the next argument, even when it starts with a dash: --query -police)",
    )
    listing.add_argument("--sort", choices=SORTS, default="date", help="order (default: date)")
    listing.add_argument("--limit", type=positive_int, help="print at most N articles")
    listing.add_argument("--json", action="store_true", help="print JSON Lines, one object each")
    listing.add_argument("--unread", action="store_true", help="only articles not marked read")
    listing.add_argument("--starred", action="store_true", help="only starred articles")
    listing.add_argument(
        "--no-hide",
        action="store_true",
        help="also list the articles that the config's hide rules leave out",
    )
    listing.add_argument(
        "--stories",
        action="store_true",
        help="group the articles into stories (one event, several providers): one line each",
    )
    add_no_cache(listing)


def list_query(args: argparse.Namespace) -> Query | None:
    """The one query that ``--topic``, ``--unread``, ``--starred`` and ``--query`` make together.

    None when none is given. Its text typed in the reader's search bar
    (``topic:"AI" is:unread (facial)``) shows the same articles.
    """
    if args.query is None and args.topic is None and not args.unread and not args.starred:
        return None  # and the query language is not even imported
    from reader.query import Query
    from reader.query.tree import And, Is, Node, Topic
    from reader.text import fold

    given = parse_query(args.query)
    terms: list[tuple[str, Node]] = []
    if args.topic is not None:
        # A node, not parsed text, so a topic name may hold any character (a '"' too).
        terms.append((f'topic:"{args.topic}"', Topic(fold(args.topic.strip()))))
    if args.unread:
        terms.append(("is:unread", Is("unread")))
    if args.starred:
        terms.append(("is:starred", Is("starred")))
    if not terms:
        return given
    if given is not None:
        terms.append((f"({given.text})", given.root))
    text = " ".join(text for text, _ in terms)
    nodes = tuple(node for _, node in terms)
    return Query(text, nodes[0] if len(nodes) == 1 else And(nodes))


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    query = list_query(args)
    with_excerpts = args.json and not args.stories
    session = ingest(
        args.paths, use_cache=not args.no_cache, hide=not args.no_hide, keep_excerpts=with_excerpts
    )
    if query is None and not args.stories and not args.no_cache:
        # Every article in order: the index cache's columns answer when it holds the library.
        names = (*ARTICLE_FIELDS, "excerpt") if args.json else LINE_FIELDS
        rows: list[list[int]] = []  # sorted while the folder is walked

        def sort(columns: CachedColumns) -> None:
            rows.append(column_rows(columns, args.sort, args.limit))

        loaded = load_unless_cached(session, names, meanwhile=sort)
        if isinstance(loaded, CachedColumns):
            if not rows:
                sort(loaded)
            print_columns(loaded, rows[0], args.json, out)
            _report(sum(1 for problem in loaded.problems() if not problem.ignored), 0)
            return 0
        result = loaded
    else:
        result = session.load_all()
    if args.topic is not None:
        require_topic(args.topic, result)
    from reader.library import ViewSpec

    needs_marks = args.json or (query is not None and query.needs_marks)
    texts = None
    if args.query is not None:  # words match the fetched full texts too
        from reader.fulltext import TextStore

        texts = TextStore()
    library = open_library(result, marks=needs_marks, texts=texts, stories=args.stories)
    spec = ViewSpec(sort=args.sort, stories=args.stories, search=query)
    shown = listed(library, spec, args.limit)
    if not shown and query is not None and args.limit != 0:
        # Nothing on stdout keeps pipes clean; say why on stderr, exit 0 (and
        # --limit 0, which asked for nothing, is no reason to say anything).
        sys.stderr.write(f"newsreader: no article matches (of {len(library.store):,})\n")
    # As the files held them when read (the cache's or this load's), not read again.
    excerpts = iter(session.excerpts(shown) if with_excerpts else ())
    for article in shown:
        if args.stories:
            story = library.story_of(article)
            line = (
                json.dumps(story_json(story), ensure_ascii=False)
                if args.json
                else story_line(story)
            )
        elif args.json:
            record = article_record(article, library.state, next(excerpts))
            line = json.dumps(record, ensure_ascii=False)
        else:
            line = article_line(article)
        out.write(line + "\n")
    _report(len(result.problems), len(result.hidden))
    return 0


def require_topic(name: str, result: LoadResult) -> None:
    """A usage error unless some article (a hidden one too) has the topic ``name``
    (in any case), naming the topics it may have meant: an unknown topic is a
    mistake to say, not an empty list."""
    from difflib import get_close_matches

    from reader.text import fold

    names = {topic for article in (*result.articles, *result.hidden) for topic in article.topics}
    by_key: dict[str, str] = {}
    for topic in sorted(names):  # each distinct name folded once
        by_key.setdefault(fold(topic), topic)
    wanted = fold(name.strip())
    if wanted in by_key:
        return
    close = get_close_matches(wanted, list(by_key), n=3, cutoff=0.6)
    if close:
        hint = f" (did you mean {_quoted(by_key[key] for key in close)}?)"
    elif 0 < len(by_key) <= 8:
        hint = f" (the topics: {_quoted(sorted(by_key.values(), key=fold))})"
    else:
        hint = ""
    raise UsageError(f"no topic is named {json.dumps(name, ensure_ascii=False)}{hint}")


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(json.dumps(name, ensure_ascii=False) for name in names)


def _report(problems: int, hidden: int) -> None:
    if problems:
        sys.stderr.write(
            f"newsreader: {plural(problems, 'file')} skipped; run 'newsreader check' to see why\n"
        )
    if hidden:
        sys.stderr.write(
            f"newsreader: {hidden:,} hidden by filters ('list --no-hide' shows them)\n"
        )


def print_columns(columns: CachedColumns, rows: list[int], as_json: bool, out: TextIO) -> None:
    """These rows of the cache's columns (``column_rows``: as ``listed`` orders and
    cuts the store's articles), building only them."""
    if as_json:
        state = read_state()
        stored = columns.excerpts
        texts = stored.texts(rows) if stored is not None else [None] * len(rows)
        for article, text in zip(columns.articles(rows), texts, strict=True):
            record = article_record(article, state, text)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    fields = columns.fields
    quality, provider, title = fields["quality"], fields["provider"], fields["title"]
    for row, published in zip(rows, columns.dates(rows), strict=True):
        out.write(line_of(published, quality[row], provider[row], title[row]) + "\n")


def column_rows(columns: CachedColumns, sort: Sort, limit: int | None) -> list[int]:
    """The articles (their rows in the columns) in ``sort`` order, the first ``limit``:
    the store's keys (``date_key``, ``quality_key``) made from the stored columns."""
    stamps, ids = columns.fields["published"], columns.fields["id"]
    if limit == 0:
        return []
    if sort == "date" and limit is not None and limit < len(stamps) and _whole_seconds(stamps):
        # The first few by date are among those at least as new as the limit-th
        # newest date: only those are keyed and sorted (ties on it included).
        cutoff = heapq.nlargest(limit, stamps)[-1]
        rows = list(compress(range(len(stamps)), map(cutoff.__le__, stamps)))
        newest = {row: (-float(stamps[row]), ids[row]) for row in rows}
        return sorted(rows, key=newest.__getitem__)[:limit]
    # -published.timestamp(): a whole second stored as an int is that float exactly.
    seconds = [
        -float(stamp) if stamp.__class__ is int else _seconds(columns, row)
        for row, stamp in enumerate(stamps)
    ]
    keys: list[tuple[object, ...]]
    if sort == "quality":
        keys = [
            (q is None, -(q or 0), ts, ident)
            for q, ts, ident in zip(columns.fields["quality"], seconds, ids, strict=True)
        ]
    else:
        keys = list(zip(seconds, ids, strict=True))
    if limit is None:
        return sorted(range(len(keys)), key=keys.__getitem__)
    return heapq.nsmallest(limit, range(len(keys)), key=keys.__getitem__)


def _whole_seconds(stamps: list[object]) -> bool:
    """Whether every article has a date stored as whole seconds (none undated)."""
    return set(map(type, stamps)) == {int}


def _seconds(columns: CachedColumns, row: int) -> float:
    """``date_key``'s first part for an article whose date is not a whole second (or none)."""
    (published,) = columns.dates([row])
    return _NO_DATE if published is None else -published.timestamp()


def listed(library: Library, spec: ViewSpec, limit: int | None) -> list[Article]:
    """The first ``limit`` articles (all for None) of ``library.articles(spec)``.

    With nothing to filter, the first few are picked out of the store without
    sorting all of them: ``nsmallest`` gives what the sorted list starts with
    (~0.1 s less at 100,000 articles).
    """
    from reader.library import ALL

    plain = spec.search is None and not spec.stories and not spec.hide_read
    if limit is not None and plain and spec.scope == ALL:
        return heapq.nsmallest(limit, library.store, key=SORT_KEYS[spec.sort])
    return library.articles(spec)[:limit]


def article_json(article: Article, excerpt: str | None = None) -> dict[str, object]:
    """The JSON form of an article, as ``list --json`` prints it, with its raw
    ``excerpt`` (None: read from its file, as the detail pane does)."""
    if excerpt is None:
        from reader.seedfile import load_detail  # YAML: not imported by the reader's start

        excerpt = load_detail(article).excerpt
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "provider": article.provider,
        "domain": article.domain,
        "published": iso_utc(article.published) if article.published else None,
        "quality": article.quality,
        "heat": article.heat,
        "topics": list(article.topics),
        "type": article.type,
        "excerpt": excerpt,
        "related": article.related_count,
        "path": article.path,
    }


def article_record(
    article: Article, state: UserState, excerpt: str | None = None
) -> dict[str, object]:
    """``article_json`` with the article's marks, as ``list --json`` prints it."""
    record = article_json(article, excerpt)
    record["read"] = state.is_read(article.id)
    record["starred"] = state.is_starred(article.id)
    record["tags"] = sorted(state.tags_of(article.id))
    return record


def article_line(article: Article) -> str:
    """One readable line: date (in UTC, and saying so), quality, provider, title."""
    return line_of(article.published, article.quality, article.provider, article.title)


def line_of(published: datetime | None, quality: int | None, provider: str, title: str) -> str:
    """``article_line`` of an article's parts."""
    if published:
        when = published.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    else:
        when = "      (no date)     "
    shown = f"q{quality:<3}" if quality is not None else "q-  "
    # Cut and padded in terminal cells (as Textual measures them): a wide
    # provider name such as "한겨레" or an emoji sequence keeps titles aligned.
    return f"{when}  {shown}  {fit(provider or '-', 20)}  {title}"


def story_json(story: Story) -> dict[str, object]:
    """The JSON form of a story, as ``list --stories --json`` prints it."""
    lead = story.lead
    return {
        "id": story.id,
        "title": lead.title,
        "sources": list(story.sources),
        "size": story.size,
        "articles": [a.id for a in story.articles],
        "published": iso_utc(lead.published) if lead.published else None,
    }


def story_line(story: Story) -> str:
    """The lead article's line, and how many more articles (and other providers) the story has.

    ``+1 source`` when each other article is another provider's, ``+1 article``
    when they share the lead's, ``+2 articles, 1 other source`` in between.
    """
    more = story.size - 1
    if not more:
        return article_line(story.lead)
    others = len([p for p in story.sources if p != story.lead.provider])
    if others == more:
        return f"{article_line(story.lead)}  +{plural(others, 'source')}"
    counted = f"+{plural(more, 'article')}"
    if others:
        counted += f", {plural(others, 'other source')}"
    return f"{article_line(story.lead)}  {counted}"
