"""The index cache's columns: Articles as one list per field and back (dates as
numbers, repeated values stored once), and problems put back at their places
among the articles; the articles' date order as rows. No Textual here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any, TypeVar

from reader.model import Article, Problem

T = TypeVar("T")
Outcome = Article | Problem
_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
# Values that repeat across articles are stored once and loaded as one object.
_SHARED_FIELDS = frozenset({"id", "url", "provider", "domain", "type"})
_SHARED_TUPLES = frozenset({"topics"})


def _article_factory() -> Callable[..., Article]:
    """A constructor of Article taking every field positionally, as fast as can be.

    A frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__`` (1.9 µs an article); the slot descriptors set them
    directly (0.8 µs), which is 110 ms off a warm start of 100,000 articles.
    Falls back to the class itself when it is not a plain slotted dataclass.
    """
    slots = getattr(Article, "__slots__", ())
    if (
        tuple(slots) != _ARTICLE_FIELDS
        or hasattr(Article, "__post_init__")
        or not all(f.init for f in dataclasses.fields(Article))
    ):
        return Article
    names = ", ".join(_ARTICLE_FIELDS)
    body = "".join(f"    _set[{i}](obj, {name})\n" for i, name in enumerate(_ARTICLE_FIELDS))
    source = f"def build({names}):\n    obj = _new(_cls)\n{body}    return obj\n"
    namespace: dict[str, Any] = {
        "_new": object.__new__,
        "_cls": Article,
        "_set": tuple(getattr(Article, name).__set__ for name in _ARTICLE_FIELDS),
    }
    exec(source, namespace)  # noqa: S102 - generated from the dataclass's own field names
    return namespace["build"]


_build_article = _article_factory()


# ------------------------------------------------------------------ dates


def _encode_date(value: datetime | None) -> int | tuple[int, ...] | None:
    """Whole seconds since the epoch when that is exact and portable, else the fields."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    if value.microsecond == 0 and 1970 <= value.year < 9999:
        return int(value.timestamp())
    return (
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


def _decode_dates(stamps: list[Any]) -> list[datetime | None]:
    fromtimestamp = datetime.fromtimestamp
    return [
        fromtimestamp(stamp, UTC)
        if stamp.__class__ is int
        else (None if stamp is None else datetime(*stamp).replace(tzinfo=UTC))
        for stamp in stamps
    ]


def _shared_numbers(
    sizes: list[Any], mtimes: list[Any], ctimes: list[Any]
) -> tuple[list[Any], list[Any]]:
    """The sizes with each repeated one a single object, and the ctimes with each one
    equal to its file's mtime that very object (marshal loads every number anew):
    the signatures of 100,000 files written once hold ~6 MB less."""
    memo: dict[Any, Any] = {}
    share = memo.setdefault
    sizes = [share(size, size) for size in sizes]
    if len(mtimes) == len(ctimes):
        ctimes = [mtime if mtime == ctime else ctime for mtime, ctime in zip(mtimes, ctimes)]  # noqa: B905
    return sizes, ctimes


def _article_columns(articles: list[Article]) -> dict[str, list[Any]]:
    """One list per Article field, dates as numbers, repeated values shared."""
    memo: dict[Any, Any] = {}
    share = memo.setdefault
    columns: dict[str, list[Any]] = {}
    for name in sorted(_ARTICLE_FIELDS, key=lambda name: name != "id"):
        column = list(map(attrgetter(name), articles))
        if name == "published":
            column = [_encode_date(value) for value in column]
        elif name in _SHARED_FIELDS:
            column = [share(value, value) for value in column]
        elif name in _SHARED_TUPLES:
            column = [
                share(items, tuple([share(item, item) for item in items])) if items else ()
                for items in column
            ]
        columns[name] = column
    return columns


def _articles_from_columns(columns: dict[str, list[Any]]) -> list[Article]:
    if "published" in columns:
        columns["published"] = _decode_dates(columns["published"])
    ordered = [columns[name] for name in _ARTICLE_FIELDS]
    if len({len(column) for column in ordered}) > 1:
        raise ValueError("cache columns differ in length")
    return list(map(_build_article, *ordered))


def _date_rows(articles: list[Article], by_date: Sequence[Article] | None) -> list[int]:
    """Each article's row in ``articles``, in ``date_key`` order: taken from ``by_date``
    (the same objects so ordered) when it holds every one of them (left out of it, the
    articles not saved: their order is the others'), else sorted here."""
    if by_date is not None:
        row_of = {id(article): row for row, article in enumerate(articles)}
        rows = [row for row in map(row_of.get, map(id, by_date)) if row is not None]
        if len(rows) == len(articles) == len(row_of) and len(set(rows)) == len(rows):
            return rows
    from reader.store import date_key  # not at import: see ingest.Ingest._in_order

    keys = list(map(date_key, articles))
    return sorted(range(len(articles)), key=keys.__getitem__)


def _is_order(rows: Any, count: int) -> bool:
    """Whether a stored order is one of ``count`` articles: each row once (~6 ms at 100,000)."""
    return (
        isinstance(rows, list)
        and len(rows) == count
        and (not rows or (min(rows) >= 0 and max(rows) < count))
        and len(set(rows)) == count
    )


def _in_date_order(articles: list[Article], rows: list[int]) -> list[Article]:
    """The articles in their stored order (``_is_order``: checked when read)."""
    return list(map(articles.__getitem__, rows))


def _merge(articles: list[Article], problem_rows: list[tuple[Any, ...]]) -> list[Outcome]:
    """Put problems back at their places among the articles."""
    return _interleave(articles, problem_rows, lambda problem: problem)


def _merged_paths(paths: list[str], problem_rows: list[tuple[Any, ...]]) -> list[str]:
    """The problems' paths put back at their places among the articles', as ``_merge`` does."""
    return _interleave(paths, problem_rows, attrgetter("path"))


def _interleave(
    items: Sequence[T], problem_rows: list[tuple[Any, ...]], make: Callable[[Problem], T]
) -> list[T]:
    """``items`` with what ``make`` gives of each stored problem at its stored index."""
    merged: list[T] = []
    taken = 0
    for index, *values in problem_rows:
        take = index - len(merged)
        if take < 0:
            raise ValueError("cache problems out of order")
        merged += items[taken : taken + take]
        taken += take
        merged.append(make(Problem(*values)))
    merged += items[taken:]
    return merged
