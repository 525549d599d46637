"""Running a query over many articles fast: SearchIndex and what it remembers."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from itertools import filterfalse

from reader.model import Article
from reader.query.records import _NAME, _PROVIDER, _TOPICS, _TYPE, _Columns, _Folds
from reader.query.tree import (
    _TEXTS_RANK,
    And,
    MatchAll,
    MatchContext,
    Node,
    Not,
    Query,
    Text,
    asking,
    certain_part,
)


def _narrowing(new: Node, old: Node) -> Node | None:
    """What is left to check of ``new`` among the matches of ``old``.

    None unless every article that matches ``new`` also matches ``old`` (a
    cheap, safe test over the top-level AND terms); then ``new`` without the
    terms that ``old`` already guarantees.
    """
    new_parts = new.children if isinstance(new, And) else (new,)
    old_parts = old.children if isinstance(old, And) else (old,)
    if not all(any(_part_implies(n, o) for n in new_parts) for o in old_parts):
        return None
    rest = [n for n in new_parts if not any(_part_implies(o, n) for o in old_parts)]
    if not rest:
        return MatchAll()
    return rest[0] if len(rest) == 1 else And(tuple(rest))


def _part_implies(new: Node, old: Node) -> bool:
    if isinstance(old, MatchAll) or new == old:
        return True
    if isinstance(new, Text) and isinstance(old, Text):
        # containing "faci" implies containing "fac" (in no more of the full texts)
        return old.value in new.value and _TEXTS_RANK[new.texts] <= _TEXTS_RANK[old.texts]
    if isinstance(new, Not) and isinstance(old, Not):
        new_child, old_child = new.child, old.child
        if isinstance(new_child, Text) and isinstance(old_child, Text):
            # lacking "pol" implies lacking "police"
            return new_child.value in old_child.value and (
                _TEXTS_RANK[old_child.texts] <= _TEXTS_RANK[new_child.texts]
            )
    return False


class SearchIndex:
    """A fast ``filter`` over many articles, and what it remembers.

    The columns a query tests are made from the articles being filtered when a
    query first asks for them (their folded texts are the articles' own; the
    values that repeat, such as providers and topic sets, are folded once and
    shared), and kept while the same list is filtered. Results of recent queries
    over the same articles are kept, so a query that narrows a previous one
    (typing "fac" then "faci") only scans the previous matches. Not thread-safe:
    use it from one thread at a time.
    """

    _KEEP_RESULTS = 16

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self._pending = list(articles)
        self._folds = _Folds()
        self._source: list[Article] | None = None
        self._columns = _Columns([], self._folds)
        self._results: OrderedDict[Node, Sequence[int]] = OrderedDict()
        self._texts_generation = 0

    def warm(self) -> None:
        """Fold now (say, in a worker thread) what the articles given to the
        constructor repeat: their providers, domains, topics and types."""
        columns = _Columns(self._pending, self._folds)
        for key in (_TOPICS, _PROVIDER, _TYPE, _NAME):
            columns.get(key)
        self._pending = []

    def _use(self, articles: list[Article]) -> None:
        # Comparing lists checks identity first, so an unchanged list costs a pointer scan.
        if self._source is not None and articles == self._source:
            return
        self._source = list(articles)
        self._columns = _Columns(self._source, self._folds)
        self._results.clear()

    def filter(self, articles: Sequence[Article], query: Query, ctx: MatchContext) -> list[Article]:
        """The articles that match, in input order; same answer as Query.matches."""
        if query.is_empty:
            return list(articles)
        articles = articles if isinstance(articles, list) else list(articles)
        self._use(articles)
        if ctx.texts_generation != self._texts_generation:
            self._texts_generation = ctx.texts_generation
            self._results.clear()  # a full text arrived: a word may match more now
        root = certain_part(query.root, ctx)  # words whose texts are still being looked up
        rows = self._results.get(root) if root.context_free else None
        if rows is not None:
            self._results.move_to_end(root)
            return list(map(articles.__getitem__, rows))
        rows = self._texts_added(root, ctx)
        if rows is None:
            start: Sequence[int] = range(len(articles))
            rest = root
            for old_root, old_rows in self._results.items():
                if len(old_rows) < len(start):
                    narrowed = _narrowing(root, old_root)
                    if narrowed is not None:
                        start, rest = old_rows, narrowed
            rows = rest.select(self._columns, start, ctx)
        if root.context_free:
            self._results[root] = rows
            if len(self._results) > self._KEEP_RESULTS:
                self._results.popitem(last=False)
        return list(map(articles.__getitem__, rows))

    def _texts_added(self, root: Node, ctx: MatchContext) -> Sequence[int] | None:
        """The rows of ``root`` from a remembered query that differs only in how its words
        reach the full texts (the search bar's first step, before the texts were looked
        up): only the articles with a stored text can answer differently, so only they
        are tested again. None when no such query is remembered."""
        stored = ctx.stored_texts
        if not stored or not root.context_free:
            return None
        shape = asking(root)
        old = next(
            (rows for old, rows in self._results.items() if asking(old) == shape and old != root),
            None,
        )
        if old is None:
            return None
        with_text = self._columns.rows_of(stored)
        rows = list(filterfalse(set(with_text).__contains__, old))
        rows.extend(root.select(self._columns, with_text, ctx))
        rows.sort()  # two ascending runs
        return rows
