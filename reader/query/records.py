"""What a query tests: the folded form of an article, one record each, and columns of them."""

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


def _record(
    article: Article,
    fold_repeated: Callable[[str], str] = fold,
    shared: dict | None = None,
) -> _Record:
    """``shared`` keeps one object for values that repeat across articles (topic
    sets, provider lines, qualities): at 100,000 articles some 30 MB less."""
    provider = fold_repeated(article.provider)
    quality = article.quality
    topics = frozenset(fold_repeated(topic) for topic in article.topics)
    where = f"{provider}\n{fold_repeated(article.domain)}"
    number = float(quality) if isinstance(quality, int) and not isinstance(quality, bool) else _NAN
    if shared is not None:
        topics = shared.setdefault(topics, topics)
        where = shared.setdefault(where, where)
        number = shared.setdefault(("q", number), number) if number == number else _NAN
    return (
        article,
        # Every article read from a file has it; one made without (a test's) has no excerpt.
        article.search_text or search_text(article.title, ""),
        topics,
        where,
        fold_repeated(article.type),
        number,
        _timestamp(article.published),
        provider,
    )


class _Columns:
    """One column per record field, aligned with the articles being filtered."""

    def __init__(self, records: list[_Record]) -> None:
        self.records = records
        self._columns: dict[int | str, list] = {}
        self._distinct: dict[int, frozenset] = {}
        # An int key is a record column; the one str key, "id", is read off the article.
        self._row_of: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.records)

    def get(self, key: int | str) -> list:
        column = self._columns.get(key)
        if column is None:
            if key == "id":
                column = [record[_ARTICLE].id for record in self.records]
            else:
                assert isinstance(key, int)
                column = [record[key] for record in self.records]
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
