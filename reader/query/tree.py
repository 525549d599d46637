"""The syntax tree of a query: its nodes, ``Query`` and the ``MatchContext`` they test against."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import compress, filterfalse, repeat
from operator import contains, eq, gt, le, not_, or_
from typing import Literal

from reader.model import Article
from reader.query.records import (
    _ARTICLE,
    _NAME,
    _PROVIDER,
    _QUALITY_COL,
    _TEXT,
    _TIME,
    _TOPICS,
    _TYPE,
    _Columns,
    _Record,
    _record,
    _timestamp,
)
from reader.text import fold


def _never(_article_id: str) -> bool:
    return False


def _no_tags(_article_id: str) -> frozenset[str]:
    return frozenset()


def _no_texts(_value: str) -> frozenset[str]:
    return frozenset()


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class MatchContext:
    """What a query needs besides the article: marks, tags, the time, the fetched full texts.

    ``full_text(value)`` gives the ids of the articles whose full text contains
    the folded ``value`` (reader.fulltext.TextStore.matching); none by default.
    It may answer None for a word not looked up yet (the search bar looks the
    texts up in a worker): then only what is certain shows (see ``certain_part``),
    for which ``stored_texts`` holds the ids of the articles that have a text.
    """

    is_read: Callable[[str], bool] = _never
    is_starred: Callable[[str], bool] = _never
    now: datetime = field(default_factory=_utc_now)
    tags_of: Callable[[str], frozenset[str]] = _no_tags
    full_text: Callable[[str], frozenset[str] | None] = _no_texts
    texts_generation: int = 0  # changes when full texts arrive: remembered results expire
    stored_texts: Collection[str] = frozenset()

    def now_timestamp(self) -> float:
        return _timestamp(self.now)


# ------------------------------------------------------------------ the syntax tree
# Each node can test one record and select rows from columns. Candidates are
# ascending row numbers (a range for all rows), so every result keeps input order.
# Leaves also give a mask (one bool per candidate), so "-leaf" costs one pass.


@dataclass(frozen=True, slots=True)
class MatchAll:
    """The empty query."""

    context_free = True

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        return True

    def select(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Sequence[int]:
        return cand


class _Leaf:
    __slots__ = ()

    @property
    def context_free(self) -> bool:
        """True when the answer needs no clock or read state (so it can be cached)."""
        return True

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        raise NotImplementedError

    def select(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Sequence[int]:
        return list(compress(cand, self.mask(cols, cand, ctx)))


# How a word reaches the full texts: "ask" looks them up (ctx.full_text). While a
# lookup is pending, certain_part() makes it "none" where the word is wanted (no text
# counts as holding it) and "stored" where it is excluded (every stored text may hold
# it): what shows first is then part of the answer, and the list only grows.
Texts = Literal["ask", "none", "stored"]
_TEXTS_RANK = {"none": 0, "ask": 1, "stored": 2}  # each matches a superset of the one before


def _text_ids(value: str, texts: Texts, ctx: MatchContext) -> Collection[str]:
    """The ids whose full text counts as holding ``value``."""
    if texts == "none":
        return frozenset()
    if texts == "stored":
        return ctx.stored_texts
    return ctx.full_text(value) or frozenset()


@dataclass(frozen=True, slots=True)
class Text(_Leaf):
    """A word or phrase, folded; ``raw`` is what the user typed (for highlighting)."""

    value: str
    raw: str = field(default="", compare=False)
    quoted: bool = field(default=False, compare=False)
    pos: int = field(default=0, compare=False)
    texts: Texts = "ask"

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        if self.value in record[_TEXT] or self.value in record[_NAME]:
            return True
        return record[_ARTICLE].id in _text_ids(self.value, self.texts, ctx)

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        value = self.value
        found: Iterable[bool] = map(contains, cols.values(_TEXT, cand), repeat(value))
        # The title and excerpt, or the provider's name: a few hundred names, most
        # often none of them holding the word.
        names = frozenset(name for name in cols.distinct(_NAME) if value in name)
        if names:
            found = map(or_, found, map(names.__contains__, cols.values(_NAME, cand)))
        ids = _text_ids(value, self.texts, ctx)
        if not ids:
            return found  # no full text has it: today's one pass
        return map(or_, found, map(ids.__contains__, cols.values("id", cand)))


@dataclass(frozen=True, slots=True)
class FullText(_Leaf):
    """text:WORD or text:"a phrase": in the fetched full text alone."""

    value: str
    raw: str = field(default="", compare=False)
    pos: int = field(default=0, compare=False)
    texts: Texts = "ask"

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        return record[_ARTICLE].id in _text_ids(self.value, self.texts, ctx)

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        ids = _text_ids(self.value, self.texts, ctx)
        return map(ids.__contains__, cols.values("id", cand))


@dataclass(frozen=True, slots=True)
class Title(_Leaf):
    """title:TEXT, a folded word or phrase in the title alone."""

    value: str

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        return self.value in record[_TEXT].partition("\n")[0]

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        value = self.value
        return (value in text.partition("\n")[0] for text in cols.values(_TEXT, cand))


@dataclass(frozen=True, slots=True)
class Topic(_Leaf):
    """topic:NAME, an exact (folded) topic name."""

    name: str

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        return self.name in record[_TOPICS]

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        return map(contains, cols.values(_TOPICS, cand), repeat(self.name))


@dataclass(frozen=True, slots=True)
class Provider(_Leaf):
    """provider:TEXT, a substring of the provider's folded name or domain."""

    value: str

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        return self.value in record[_PROVIDER]

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        return map(contains, cols.values(_PROVIDER, cand), repeat(self.value))


@dataclass(frozen=True, slots=True)
class Type(_Leaf):
    """type:NAME, the article type (folded)."""

    name: str

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        return record[_TYPE] == self.name

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        return map(eq, cols.values(_TYPE, cand), repeat(self.name))


@dataclass(frozen=True, slots=True)
class Quality(_Leaf):
    """quality in [low, high], both inclusive; a missing quality (NaN) never matches."""

    low: float
    high: float

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        return self.low <= record[_QUALITY_COL] <= self.high

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        low, high = self.low, self.high
        return [low <= quality <= high for quality in cols.values(_QUALITY_COL, cand)]


@dataclass(frozen=True, slots=True)
class Date(_Leaf):
    """after:/before: a fixed instant (``at``) or a span back from now (``span`` seconds)."""

    after: bool
    at: float | None = None
    span: float | None = None

    @property
    def context_free(self) -> bool:
        return self.span is None

    def cutoff(self, ctx: MatchContext) -> float:
        return self.at if self.at is not None else ctx.now_timestamp() - (self.span or 0)

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        when = record[_TIME]
        cutoff = self.cutoff(ctx)
        return cutoff <= when if self.after else when < cutoff

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        # after: cutoff <= t ; before: cutoff > t. NaN (no date) fails both.
        compare = le if self.after else gt
        return map(compare, repeat(self.cutoff(ctx)), cols.values(_TIME, cand))


@dataclass(frozen=True, slots=True)
class Is(_Leaf):
    """is:read, is:unread, is:starred, is:unstarred."""

    state: str

    context_free = False

    def _check(self, ctx: MatchContext) -> Callable[[str], bool]:
        return ctx.is_read if self.state in ("read", "unread") else ctx.is_starred

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        marked = bool(self._check(ctx)(record[_ARTICLE].id))
        return marked if self.state in ("read", "starred") else not marked

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        marks = map(self._check(ctx), cols.values("id", cand))
        return map(not_, marks) if self.state in ("unread", "unstarred") else marks


@dataclass(frozen=True, slots=True)
class Tag(_Leaf):
    """tag:NAME, a user tag of the article (kept with the marks), folded."""

    name: str

    context_free = False

    def _has(self, ctx: MatchContext, article_id: str) -> bool:
        return any(fold(tag) == self.name for tag in ctx.tags_of(article_id))

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        return self._has(ctx, record[_ARTICLE].id)

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        return (self._has(ctx, article_id) for article_id in cols.values("id", cand))


@dataclass(frozen=True, slots=True)
class Not:
    """-x: the articles x does not match."""

    child: Node

    @property
    def context_free(self) -> bool:
        return self.child.context_free

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        return not self.child.test(record, ctx)

    def select(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Sequence[int]:
        child = self.child
        if isinstance(child, _Leaf):
            return list(compress(cand, map(not_, child.mask(cols, cand, ctx))))
        excluded = set(child.select(cols, cand, ctx))
        return list(filterfalse(excluded.__contains__, cand)) if excluded else cand


@dataclass(frozen=True, slots=True)
class And:
    """Every child must match; children run cheapest and most selective first."""

    children: tuple[Node, ...]

    @property
    def context_free(self) -> bool:
        return all(child.context_free for child in self.children)

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        return all(child.test(record, ctx) for child in self.children)

    def select(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Sequence[int]:
        for child in self.children:
            if not cand:
                break
            cand = child.select(cols, cand, ctx)
        return cand


@dataclass(frozen=True, slots=True)
class Or:
    """At least one child must match."""

    children: tuple[Node, ...]

    @property
    def context_free(self) -> bool:
        return all(child.context_free for child in self.children)

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        return any(child.test(record, ctx) for child in self.children)

    def select(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Sequence[int]:
        hits: list[int] = []
        remaining = cand
        for child in self.children:
            if not remaining:
                break
            found = child.select(cols, remaining, ctx)
            if found:
                hits.extend(found)
                taken = set(found)
                remaining = list(filterfalse(taken.__contains__, remaining))
        return sorted(hits)  # disjoint row numbers: sorting restores input order


Node = (
    MatchAll
    | Text
    | FullText
    | Title
    | Topic
    | Provider
    | Type
    | Quality
    | Date
    | Is
    | Tag
    | Not
    | And
    | Or
)
_FIELD_LEAVES = (Title, Topic, Provider, Type, Quality, Date)


def _cost(node: Node) -> tuple[int, int]:
    # Long words first (they usually match least), then fields, groups, exclusions.
    if isinstance(node, Text):
        return (0, -len(node.value))
    if isinstance(node, _FIELD_LEAVES):
        return (1, 0)
    if isinstance(node, Or):
        return (2, 0)
    return (3, 0)


def _all_of(parts: list[Node]) -> Node:
    flat: list[Node] = []
    for part in parts:
        flat.extend(part.children if isinstance(part, And) else (part,))
    return flat[0] if len(flat) == 1 else And(tuple(sorted(flat, key=_cost)))


def _any_of(parts: list[Node]) -> Node:
    flat: list[Node] = []
    for part in parts:
        flat.extend(part.children if isinstance(part, Or) else (part,))
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def _positive_words(node: Node) -> Iterable[Text | FullText]:
    if isinstance(node, Text | FullText):
        yield node
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from _positive_words(child)


def _words(node: Node) -> Iterable[Text | FullText]:
    if isinstance(node, Text | FullText):
        yield node
    elif isinstance(node, Not):
        yield from _words(node.child)
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from _words(child)


def _rewrite(node: Node, word: Callable[[Text | FullText, bool], Node], excluded: bool) -> Node:
    """``node`` with each word replaced by ``word(it, excluded)``; unchanged parts kept."""
    if isinstance(node, Text | FullText):
        return word(node, excluded)
    if isinstance(node, Not):
        child = _rewrite(node.child, word, not excluded)
        return node if child is node.child else Not(child)
    if isinstance(node, And | Or):
        children = tuple(_rewrite(child, word, excluded) for child in node.children)
        if all(new is old for new, old in zip(children, node.children, strict=True)):
            return node
        return And(children) if isinstance(node, And) else Or(children)
    return node


def certain_part(node: Node, ctx: MatchContext) -> Node:
    """``node`` with each word whose full texts are not looked up yet (``ctx.full_text``
    answers None) left out of the texts, so that it matches part of what ``node``
    will match once they are: a wanted word matches the in-memory text alone, an
    excluded one also excludes every article with a stored text."""

    def leave_out(word: Text | FullText, excluded: bool) -> Node:
        if word.texts == "ask" and ctx.full_text(word.value) is None:
            return replace(word, texts="stored" if excluded else "none")
        return word

    return _rewrite(node, leave_out, False)


def asking(node: Node) -> Node:
    """``node`` with every word asking the full texts: what ``certain_part`` came from."""

    def ask(word: Text | FullText, _excluded: bool) -> Node:
        return word if word.texts == "ask" else replace(word, texts="ask")

    return _rewrite(node, ask, False)


def _has_marks(node: Node) -> bool:
    if isinstance(node, Is | Tag):
        return True
    if isinstance(node, Not):
        return _has_marks(node.child)
    return isinstance(node, And | Or) and any(_has_marks(child) for child in node.children)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: ``text`` as typed, ``root`` the syntax tree."""

    text: str
    root: Node

    @property
    def is_empty(self) -> bool:
        """True for the query that matches everything."""
        return isinstance(self.root, MatchAll)

    @property
    def needs_marks(self) -> bool:
        """True when the query has is: or tag: terms, so marks and tags can change its result."""
        return _has_marks(self.root)

    @property
    def text_values(self) -> tuple[str, ...]:
        """The folded words and phrases to look up in the full texts, each once."""
        return tuple(dict.fromkeys(word.value for word in _words(self.root)))

    @property
    def asks_text_field(self) -> bool:
        """True when the query has a text: term (it matches nothing until the texts answer)."""
        return any(isinstance(word, FullText) for word in _words(self.root))

    @property
    def highlight_terms(self) -> tuple[str, ...]:
        """The words and phrases to highlight: positive ones only, no field values."""
        words = sorted(_positive_words(self.root), key=lambda word: word.pos)
        return tuple(dict.fromkeys(word.raw for word in words if word.raw))

    def matches(self, article: Article, ctx: MatchContext) -> bool:
        """True when the article satisfies the query (the slow path; see SearchIndex)."""
        return certain_part(self.root, ctx).test(_record(article), ctx)

    def __str__(self) -> str:
        return self.text
