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
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import compress, filterfalse, repeat
from operator import contains, eq, gt, le, not_

from reader.model import Article

FIELDS = ("topic", "provider", "type", "is", "quality", "after", "before")
READ_STATES = ("read", "unread", "starred", "unstarred")

_FIELD_NEEDS = {
    "topic": 'topic needs a topic name, like topic:ai or topic:"AWS AI"',
    "provider": "provider needs part of a name or domain, like provider:gulf",
    "type": "type needs an article type, like type:video or type:article",
    "is": "is: takes read, unread, starred or unstarred, like is:unread",
    "quality": "quality needs a number or a range, like quality:>50 or quality:40..60",
    "after": "after needs a date or a time span, like after:2020-06-01 or after:7d",
    "before": "before needs a date or a time span, like before:2021-01-01 or before:1m",
}
_UNKNOWN_FIELD = (
    'unknown field "{name}:" (try topic:, provider:, type:, is:, quality:, after:, before:;'
    " or put it in quotes to search for the text)"
)
_UNCLOSED_QUOTE = 'unclosed quote: add a closing " to end the phrase'
_EMPTY_QUOTES = 'empty quotes: put words between them, like "face recognition"'
_UNCLOSED_PAREN = 'unbalanced parenthesis: this "(" is never closed; add a ")"'
_STRAY_PAREN = 'unbalanced parenthesis: this ")" has no matching "("'
_EMPTY_PARENS = "empty parentheses: put terms inside, like (face OR facial)"
_OR_SIDES = "OR needs a term on both sides, like face OR facial"
_LONE_MINUS = '"-" needs something to exclude right after it, like -police'
_BACKWARDS = "quality range is backwards: put the smaller number first, like quality:40..60"

_SPAN_UNITS = {"h": 3_600, "d": 86_400, "w": 7 * 86_400, "m": 30 * 86_400, "y": 365 * 86_400}
_SPAN = re.compile(r"(\d+)([hdwmy])", re.IGNORECASE)
_QUALITY = re.compile(r"(>=|<=|>|<|=)?(\d+)|(\d*)\.\.(\d*)")
_NAN = math.nan
_INF = math.inf


class QueryError(ValueError):
    """A query that cannot be parsed: a one-line message and where it went wrong."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


# ------------------------------------------------------------------ text folding


def normalize(text: str) -> str:
    """Text as the search sees it: casefolded, accents stripped, spaces collapsed.

    Typographic quotes and dashes become their ASCII forms, so ``don't`` finds
    "don’t" (and most texts stay ASCII, which Python searches fastest).
    """
    if text.isascii():
        folded = text.lower()
    else:
        # NFKD splits "é" into "e" + a combining mark; casefold maps "ß" to "ss".
        folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
        if not folded.isascii():
            # Fast C passes for the usual cases (typographic punctuation, Latin
            # accents); whatever is left goes through the general rule.
            for char, plain in _PUNCTUATION.items():
                if char in folded:
                    folded = folded.replace(char, plain)
            folded = _LATIN_MARKS.sub("", folded)
            if not folded.isascii():
                folded = _NON_ASCII_RUN.sub(_fold_run, folded)
    return " ".join(folded.split())


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# Combining Diacritical Marks, except U+034F (a grapheme joiner, not a mark).
_LATIN_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]+")
_PUNCTUATION = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}


@lru_cache(maxsize=4096)
def _fold_marks(run: str) -> str:
    # Drop combining marks and make typographic punctuation ASCII.
    return "".join(_PUNCTUATION.get(c, c) for c in run if not unicodedata.combining(c))


def _fold_run(match: re.Match[str]) -> str:
    # Only the few non-ASCII runs are looked at; a character class of every
    # combining mark makes `re` about twenty times slower than this.
    return _fold_marks(match.group())


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    # The per-character form of normalize (without the space collapsing).
    if char < "\x80":
        return char.lower()
    return _fold_marks(
        unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    )


def highlight_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where any of ``terms`` occurs in ``text``, as sorted, merged (start, end) spans.

    Matching ignores case and accents like the search does; the spans index the
    original ``text`` and always cover whole characters, including the combining
    marks that follow them (a match inside "ß" covers the "ß").
    """
    needles = {n for n in (normalize(term) for term in terms) if n}
    if not needles or not text:
        return []
    folded: list[str] = []
    origin: list[int] = []  # origin[j]: index in text of the character folded[j] came from
    after_space = True
    for index, char in enumerate(text):
        for piece in " " if char.isspace() else _fold_char(char):
            if piece.isspace():
                if after_space:
                    continue
                piece = " "
                after_space = True
            else:
                after_space = False
            folded.append(piece)
            origin.append(index)
    haystack = "".join(folded)
    spans: list[tuple[int, int]] = []
    for needle in needles:
        found = haystack.find(needle)
        while found != -1:
            start = origin[found]
            end = origin[found + len(needle) - 1] + 1
            while end < len(text) and not text[end].isspace() and not _fold_char(text[end]):
                end += 1
            spans.append((start, end))
            found = haystack.find(needle, found + 1)
    if not spans:
        return []
    spans.sort()
    merged = [spans[0]]
    for start, end in spans[1:]:
        last_start, last_end = merged[-1]
        if start <= last_end:
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged


# ------------------------------------------------------------------ what is searched

# A record is the folded form of one article, in this order:
_ARTICLE, _TEXT, _TOPICS, _PROVIDER, _TYPE, _QUALITY_COL, _TIME = range(7)
_Record = tuple  # (Article, str, frozenset[str], str, str, float, float)


def _timestamp(when: datetime | None) -> float:
    if not isinstance(when, datetime):
        return _NAN
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def _record(article: Article, fold: Callable[[str], str] = normalize) -> _Record:
    provider = fold(article.provider)
    quality = article.quality
    return (
        article,
        # One normalize call for both (half the overhead); NUL survives it as a separator.
        normalize(f"{article.title}\0{article.excerpt}").replace("\0", "\n") + "\n" + provider,
        frozenset(fold(topic) for topic in article.topics),
        f"{provider}\n{fold(article.domain)}",
        fold(article.type),
        float(quality) if isinstance(quality, int) and not isinstance(quality, bool) else _NAN,
        _timestamp(article.published),
    )


def _never(_article_id: str) -> bool:
    return False


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class MatchContext:
    """What a query needs besides the article: read and starred marks, and the time."""

    is_read: Callable[[str], bool] = _never
    is_starred: Callable[[str], bool] = _never
    now: datetime = field(default_factory=_utc_now)

    def now_timestamp(self) -> float:
        return _timestamp(self.now)


class _Columns:
    """One column per record field, aligned with the articles being filtered."""

    def __init__(self, records: list[_Record]) -> None:
        self.records = records
        self._columns: dict[int | str, list] = {}

    def __len__(self) -> int:
        return len(self.records)

    def get(self, key: int | str) -> list:
        column = self._columns.get(key)
        if column is None:
            if key == "id":
                column = [record[_ARTICLE].id for record in self.records]
            else:
                column = [record[key] for record in self.records]
            self._columns[key] = column
        return column

    def values(self, key: int | str, candidates: Sequence[int]) -> Iterable:
        """The column's values at the candidate rows (a range means every row)."""
        column = self.get(key)
        return column if isinstance(candidates, range) else map(column.__getitem__, candidates)


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
    context_free = True

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        raise NotImplementedError

    def select(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Sequence[int]:
        return list(compress(cand, self.mask(cols, cand, ctx)))


@dataclass(frozen=True, slots=True)
class Text(_Leaf):
    """A word or phrase, folded; ``raw`` is what the user typed (for highlighting)."""

    value: str
    raw: str = field(default="", compare=False)
    quoted: bool = field(default=False, compare=False)
    pos: int = field(default=0, compare=False)

    def test(self, record: _Record, ctx: MatchContext) -> bool:
        return self.value in record[_TEXT]

    def mask(self, cols: _Columns, cand: Sequence[int], ctx: MatchContext) -> Iterable[bool]:
        return map(contains, cols.values(_TEXT, cand), repeat(self.value))


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


Node = MatchAll | Text | Topic | Provider | Type | Quality | Date | Is | Not | And | Or
_FIELD_LEAVES = (Topic, Provider, Type, Quality, Date)


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


def _positive_words(node: Node) -> Iterable[Text]:
    if isinstance(node, Text):
        yield node
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from _positive_words(child)


def _has_marks(node: Node) -> bool:
    if isinstance(node, Is):
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
        """True when the query has is: terms, so read/starred changes can change its result."""
        return _has_marks(self.root)

    @property
    def highlight_terms(self) -> tuple[str, ...]:
        """The words and phrases to highlight: positive ones only, no field values."""
        words = sorted(_positive_words(self.root), key=lambda word: word.pos)
        return tuple(dict.fromkeys(word.raw for word in words if word.raw))

    def matches(self, article: Article, ctx: MatchContext) -> bool:
        """True when the article satisfies the query (the slow path; see SearchIndex)."""
        return self.root.test(_record(article), ctx)

    def __str__(self) -> str:
        return self.text


# ------------------------------------------------------------------ parsing


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "-", "OR" or "term"
    pos: int
    field: str | None = None
    value: str = ""
    quoted: bool = False


def _quoted(text: str, start: int) -> tuple[str, int]:
    end = text.find('"', start + 1)
    if end == -1:
        raise QueryError(_UNCLOSED_QUOTE, start)
    value = text[start + 1 : end]
    if not value.strip():
        raise QueryError(_EMPTY_QUOTES, start)
    return value, end + 1


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, i))
            i += 1
        elif char == "-":
            if i + 1 >= n or text[i + 1].isspace() or text[i + 1] == ")":
                raise QueryError(_LONE_MINUS, i)
            tokens.append(_Token("-", i))
            i += 1
        elif char == '"':
            value, end = _quoted(text, i)
            tokens.append(_Token("term", i, None, value, True))
            i = end
        else:
            end = i
            while end < n and not text[end].isspace() and text[end] not in '()"':
                end += 1
            chunk = text[i:end]
            name, colon, value = chunk.partition(":")
            if chunk == "OR":
                tokens.append(_Token("OR", i))
            elif colon and name.isalpha():
                key = name.casefold()
                if key not in FIELDS:
                    raise QueryError(_UNKNOWN_FIELD.format(name=name), i)
                quoted = False
                if not value and end < n and text[end] == '"':
                    value, end = _quoted(text, end)
                    quoted = True
                if not value.strip():
                    raise QueryError(_FIELD_NEEDS[key], i)
                tokens.append(_Token("term", i, key, value.strip(), quoted))
            else:
                tokens.append(_Token("term", i, None, chunk))
            i = end
    return tokens


def _quality(value: str, pos: int) -> Quality:
    match = _QUALITY.fullmatch(value)
    if match is None:
        raise QueryError(_FIELD_NEEDS["quality"], pos)
    op, number, low, high = match.groups()
    if number is not None:
        n = int(number)
        bounds = {
            ">": (n + 1, _INF),
            ">=": (n, _INF),
            "<": (-_INF, n - 1),
            "<=": (-_INF, n),
        }.get(op or "=", (n, n))
        return Quality(float(bounds[0]), float(bounds[1]))
    if not low and not high:
        raise QueryError(_FIELD_NEEDS["quality"], pos)
    lo = float(low) if low else -_INF
    hi = float(high) if high else _INF
    if lo > hi:
        raise QueryError(_BACKWARDS, pos)
    return Quality(lo, hi)


def _date(key: str, value: str, pos: int) -> Date:
    after = key == "after"
    span = _SPAN.fullmatch(value)
    if span is not None:
        return Date(after, span=float(int(span[1]) * _SPAN_UNITS[span[2].lower()]))
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise QueryError(_FIELD_NEEDS[key], pos) from None
    return Date(after, at=_timestamp(when))


def _leaf(token: _Token) -> Node:
    value = token.value
    key = token.field
    if key is None:
        return Text(normalize(value), value.strip(), token.quoted, token.pos)
    if key == "topic":
        return Topic(normalize(value))
    if key == "provider":
        return Provider(normalize(value))
    if key == "type":
        return Type(normalize(value))
    if key == "is":
        state = value.casefold()
        if state not in READ_STATES:
            raise QueryError(_FIELD_NEEDS["is"], token.pos)
        return Is(state)
    if key == "quality":
        return _quality(value, token.pos)
    return _date(key, value, token.pos)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def parse(self) -> Node:
        if not self.tokens:
            return MatchAll()
        root = self.parse_or()
        leftover = self.peek()
        if leftover is not None:  # parse_or stops only at the end or at a ")"
            raise QueryError(_STRAY_PAREN, leftover.pos)
        return root

    def parse_or(self) -> Node:
        parts = [self.parse_and()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.i += 1
            following = self.peek()
            if following is None or following.kind in (")", "OR"):
                raise QueryError(_OR_SIDES, token.pos)
            parts.append(self.parse_and())
        return _any_of(parts)

    def parse_and(self) -> Node:
        parts: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in (")", "OR"):
            parts.append(self.parse_unary())
        if not parts:
            token = self.peek()
            assert token is not None  # callers never reach here at the end
            raise QueryError(_OR_SIDES if token.kind == "OR" else _STRAY_PAREN, token.pos)
        return _all_of(parts)

    def parse_unary(self) -> Node:
        token = self.tokens[self.i]
        self.i += 1
        if token.kind == "-":
            following = self.peek()
            if following is None or following.kind in (")", "OR"):
                raise QueryError(_LONE_MINUS, token.pos)
            inner = self.parse_unary()
            return inner.child if isinstance(inner, Not) else Not(inner)
        if token.kind == "(":
            following = self.peek()
            if following is None:
                raise QueryError(_UNCLOSED_PAREN, token.pos)
            if following.kind == ")":
                raise QueryError(_EMPTY_PARENS, token.pos)
            inner = self.parse_or()
            if self.peek() is None:
                raise QueryError(_UNCLOSED_PAREN, token.pos)
            self.i += 1  # the ")"
            return inner
        return _leaf(token)


def parse(text: str) -> Query:
    """Parse a query; raise QueryError with a one-line explanation if it is invalid."""
    return Query(text, _Parser(text).parse())


# ------------------------------------------------------------------ many articles


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
        return old.value in new.value  # containing "faci" implies containing "fac"
    if isinstance(new, Not) and isinstance(old, Not):
        new_child, old_child = new.child, old.child
        if isinstance(new_child, Text) and isinstance(old_child, Text):
            return new_child.value in old_child.value  # lacking "pol" implies lacking "police"
    return False


class SearchIndex:
    """Folded search texts per article, computed once, and a fast ``filter``.

    Records are cached by article id (and recomputed if the article object for
    an id changes). Results of recent queries over the same articles are kept,
    so a query that narrows a previous one (typing "fac" then "faci") only
    scans the previous matches. Not thread-safe: use it from one thread at a time.
    """

    _KEEP_RESULTS = 16

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self._records: dict[str, _Record] = {}
        self._pending = list(articles)
        self._folded: dict[str, str] = {}
        self._source: list[Article] | None = None
        self._columns = _Columns([])
        self._results: OrderedDict[Node, Sequence[int]] = OrderedDict()

    def _fold(self, text: str) -> str:
        # Providers, domains, topics and types repeat: fold each distinct one once.
        folded = self._folded.get(text)
        if folded is None:
            folded = self._folded[text] = normalize(text)
        return folded

    def _record(self, article: Article) -> _Record:
        record = self._records.get(article.id)
        if record is None or record[_ARTICLE] is not article:
            record = self._records[article.id] = _record(article, self._fold)
        return record

    def warm(self) -> None:
        """Fold the articles given to the constructor now (say, in a worker thread)."""
        for article in self._pending:
            self._record(article)
        self._pending = []

    def _use(self, articles: list[Article]) -> None:
        # Comparing lists checks identity first, so an unchanged list costs a pointer scan.
        if self._source is not None and articles == self._source:
            return
        self._source = list(articles)
        self._columns = _Columns([self._record(article) for article in articles])
        self._results.clear()

    def filter(self, articles: Sequence[Article], query: Query, ctx: MatchContext) -> list[Article]:
        """The articles that match, in input order; same answer as Query.matches."""
        if query.is_empty:
            return list(articles)
        articles = articles if isinstance(articles, list) else list(articles)
        self._use(articles)
        root = query.root
        rows = self._results.get(root) if root.context_free else None
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
        else:
            self._results.move_to_end(root)
        return list(map(articles.__getitem__, rows))
