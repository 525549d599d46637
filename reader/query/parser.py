"""Parsing: query text to tokens to a syntax tree, or a QueryError that says what to fix.

The grammar is in the package docstring (``reader.query``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

from reader.query.records import _timestamp
from reader.query.tree import (
    Date,
    FullText,
    Is,
    MatchAll,
    Node,
    Not,
    Provider,
    Quality,
    Query,
    Tag,
    Text,
    Title,
    Topic,
    Type,
    _all_of,
    _any_of,
)
from reader.text import fold

FIELDS = ("topic", "provider", "title", "text", "tag", "type", "is", "quality", "after", "before")
READ_STATES = ("read", "unread", "starred", "unstarred")

_FIELD_NEEDS = {
    "topic": 'topic needs a topic name, like topic:ai or topic:"AWS AI"',
    "provider": "provider needs part of a name or domain, like provider:gulf",
    "tag": "tag needs a tag name, like tag:later (T puts tags on articles)",
    "title": 'title needs a word or a phrase, like title:sponsored or title:"press release"',
    "text": 'text needs a word or a phrase, like text:bridge or text:"city council"',
    "type": "type needs an article type, like type:video or type:article",
    "is": "is: takes read, unread, starred or unstarred, like is:unread",
    "quality": "quality needs a number or a range, like quality:>50 or quality:40..60",
    "after": "after needs a date or a time span, like after:2020-06-01 or after:7d",
    "before": "before needs a date or a time span, like before:2021-01-01 or before:1m",
}
_UNKNOWN_FIELD = (
    'unknown field "{name}:" (try topic:, provider:, type:, is:, quality:, after:, before:,'
    " title:, text:, tag:;"
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
MAX_DEPTH = 32  # brackets in brackets: the deepest tree then runs in a few hundred frames
_TOO_DEEP = f'brackets nested too deep (at most {MAX_DEPTH}): this "(" is one too many'

_SPAN_UNITS = {"h": 3_600, "d": 86_400, "w": 7 * 86_400, "m": 30 * 86_400, "y": 365 * 86_400}
_SPAN = re.compile(r"(\d+)([hdwmy])", re.IGNORECASE)
_QUALITY = re.compile(r"(>=|<=|>|<|=)?(\d+)|(\d*)\.\.(\d*)")
_INF = math.inf


class QueryError(ValueError):
    """A query that cannot be parsed: a one-line message and where it went wrong."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


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
        return Text(fold(value), value.strip(), token.quoted, token.pos)
    if key == "topic":
        return Topic(fold(value))
    if key == "provider":
        return Provider(fold(value))
    if key == "title":
        return Title(fold(value))
    if key == "tag":
        return Tag(fold(value))
    if key == "text":
        return FullText(fold(value), value.strip(), token.pos)
    if key == "type":
        return Type(fold(value))
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
        self.depth = 0  # the brackets open around the token at self.i

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
        # A run of "-" is counted, not recursed into: "----ai" is ai, "---ai" is -ai.
        negated = False
        token = self.tokens[self.i]
        self.i += 1
        while token.kind == "-":
            following = self.peek()
            if following is None or following.kind in (")", "OR"):
                raise QueryError(_LONE_MINUS, token.pos)
            negated = not negated
            token = following
            self.i += 1
        node = self.parse_group(token) if token.kind == "(" else _leaf(token)
        if not negated:
            return node
        return node.child if isinstance(node, Not) else Not(node)

    def parse_group(self, token: _Token) -> Node:
        following = self.peek()
        if following is None:
            raise QueryError(_UNCLOSED_PAREN, token.pos)
        if following.kind == ")":
            raise QueryError(_EMPTY_PARENS, token.pos)
        if self.depth >= MAX_DEPTH:
            raise QueryError(_TOO_DEEP, token.pos)
        self.depth += 1
        inner = self.parse_or()
        self.depth -= 1
        if self.peek() is None:
            raise QueryError(_UNCLOSED_PAREN, token.pos)
        self.i += 1  # the ")"
        return inner


def parse(text: str) -> Query:
    """Parse a query; raise QueryError with a one-line explanation if it is invalid."""
    return Query(text, _Parser(text).parse())
