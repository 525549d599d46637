"""The query language: parse once, evaluate fast.

One language for the search bar, saved searches and ``newsreader list --query``.

Grammar, loosest binding first::

    query   := or_expr?                    empty query: matches everything
    or_expr := and_expr ("OR" and_expr)*   OR is upper-case only; "or" is a word
    and_expr:= unary+                      terms side by side are all required
    unary   := "-" unary | atom            -x excludes x
    atom    := "(" or_expr ")" | term
    term    := word | "quoted phrase" | field:value | field:"quoted value"

So ``a b OR c`` means ``(a AND b) OR c``. Words and phrases are matched as
substrings of the article's title, excerpt and provider name, ignoring case
and accents (``cafe`` finds "Café", ``strasse`` finds "Straße"; typographic
quotes and dashes count as their ASCII forms, so ``don't`` finds "don’t"). Fields:

Words and phrases also match the fetched full text of an article (see
``MatchContext.full_text``), and ``text:word`` or ``text:"a phrase"`` match
the full text alone.

- ``topic:ai``, ``topic:"AWS AI"``: an exact topic name, ignoring case and
  accents (``topic:ai`` does not match "AWS AI");
- ``provider:gulf``: a substring of the provider's name or domain;
- ``type:video``: the article type;
- ``is:unread``, ``is:read``, ``is:starred``, ``is:unstarred``;
- ``quality:>50``, ``>=50``, ``<10``, ``<=10``, ``44``, ``40..60`` (inclusive),
  ``40..``, ``..60``; articles without a quality never match;
- ``after:2020-06-01`` (from the start of that day, UTC, inclusive),
  ``before:2021-01-01`` (up to that day's start, exclusive), full ISO datetimes,
  and spans back from now: ``after:12h``, ``after:7d``, ``after:2w``,
  ``before:1m`` (30 days), ``before:1y`` (365 days); articles without a date
  never match.

The package, by step: ``parser`` turns text into a ``tree`` of nodes (a
``Query``); ``records`` is the folded form of an article that nodes test;
``index`` runs a query over many articles fast; ``highlight`` finds the
matched words in a text. Callers need only the names imported here.
"""

from reader.query.highlight import highlight_spans
from reader.query.index import SearchIndex
from reader.query.parser import QueryError, parse
from reader.query.tree import MatchContext, Query

__all__ = ["MatchContext", "Query", "QueryError", "SearchIndex", "highlight_spans", "parse"]
