"""What a query tests: the folded form of an article, and columns of it over many."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from reader.model import Article
from reader.text import fold, search_text

_NAN = math.nan

# A record is the folded form of one article, in this order: the article, its title
# and excerpt (Article.search_text itself: no copy), topics, "provider\ndomain",
# type, quality, time, and the provider's name (words match it too).
_ARTICLE, _TEXT, _TOPICS, _PROVIDER, _TYPE, _QUALITY_COL, _TIME, _NAME = range(8)
_Record = tuple  # (Article, str, frozenset[str], str, str, float, float, str)


def _timestamp(when: datetime | None) -> float:
    if not isinstance(when, datetime):
        return _NAN
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def _record(article: Article) -> _Record:
    """The folded form of one article (a query tested on it alone)."""
    folds = _Folds()
    return tuple(column([article], folds)[0] for column in _COLUMN_OF)


class _Folds:
    """Folded values that repeat across articles (providers, domains, topic sets,
    types, qualities), each folded once and kept as one object."""

    def __init__(self) -> None:
        self._folded: dict[str, str] = {}
        self._topics: dict[tuple[str, ...], frozenset[str]] = {}
        self._sets: dict[frozenset[str], frozenset[str]] = {}
        self._where: dict[tuple[str, str], str] = {}
        self._numbers: dict[tuple[type, object], float] = {}

    def fold(self, text: str) -> str:
        folded = self._folded.get(text)
        if folded is None:
            folded = self._folded[text] = fold(text)
        return folded

    def topics(self, topics: tuple[str, ...]) -> frozenset[str]:
        folded = self._topics.get(topics)
        if folded is None:
            folded = frozenset(self.fold(topic) for topic in topics)
            # Topic tuples that differ only in case or order fold to one set.
            folded = self._topics[topics] = self._sets.setdefault(folded, folded)
        return folded

    def where(self, provider: str, domain: str) -> str:
        key = (provider, domain)
        where = self._where.get(key)
        if where is None:
            where = self._where[key] = f"{self.fold(provider)}\n{self.fold(domain)}"
        return where

    def number(self, quality: object) -> float:
        key = (type(quality), quality)
        number = self._numbers.get(key)
        if number is None:
            number = (
                float(quality)
                if isinstance(quality, int) and not isinstance(quality, bool)
                else _NAN
            )
            self._numbers[key] = number
        return number


def _texts(articles: Sequence[Article], folds: _Folds) -> list:
    # Every article read from a file has one; one made without (a test's) has no excerpt.
    return [a.search_text or search_text(a.title, "") for a in articles]


_COLUMN_OF: tuple[Callable[[Sequence[Article], _Folds], list], ...] = (
    lambda articles, folds: list(articles),
    _texts,
    lambda articles, folds: [folds.topics(a.topics) for a in articles],
    lambda articles, folds: [folds.where(a.provider, a.domain) for a in articles],
    lambda articles, folds: [folds.fold(a.type) for a in articles],
    lambda articles, folds: [folds.number(a.quality) for a in articles],
    lambda articles, folds: [_timestamp(a.published) for a in articles],
    lambda articles, folds: [folds.fold(a.provider) for a in articles],
)


class _Columns:
    """One column per record field, aligned with the articles being filtered, each
    made when a query first asks for it (no record per article is kept: a column is a
    list of what the articles hold already, or of a few shared folded values)."""

    def __init__(self, articles: Sequence[Article], folds: _Folds | None = None) -> None:
        self.articles = articles
        self._folds = folds if folds is not None else _Folds()
        self._columns: dict[int | str, list] = {}
        self._distinct: dict[int, frozenset] = {}
        # An int key is a record column; the one str key, "id", is read off the article.
        self._row_of: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.articles)

    def get(self, key: int | str) -> list:
        column = self._columns.get(key)
        if column is None:
            if key == "id":
                column = [article.id for article in self.articles]
            else:
                assert isinstance(key, int)
                column = _COLUMN_OF[key](self.articles, self._folds)
            self._columns[key] = column
        return column

    def rows_of(self, ids: Iterable[str]) -> list[int]:
        """The rows of the articles with these ids that are here, ascending."""
        row_of = self._row_of
        if row_of is None:
            row_of = self._row_of = {article_id: n for n, article_id in enumerate(self.get("id"))}
        get = row_of.get
        return sorted(row for row in map(get, ids) if row is not None)

    def distinct(self, key: int) -> frozenset:
        """The column's distinct values (its values repeat: providers, types)."""
        values = self._distinct.get(key)
        if values is None:
            values = self._distinct[key] = frozenset(self.get(key))
        return values

    def values(self, key: int | str, candidates: Sequence[int]) -> Iterable:
        """The column's values at the candidate rows (a range means every row)."""
        column = self.get(key)
        return column if isinstance(candidates, range) else map(column.__getitem__, candidates)
