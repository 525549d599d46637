"""newsboat's filter language (``query:`` feeds, ``ignore-article``) to our query language.

newsboat's grammar: comparisons ``attribute op value`` joined by ``and``/``or``
(``and`` binding tighter) and grouped with parentheses; ops are ``=``, ``!=``,
``=~`` and ``!~`` (regex), ``#`` and ``!#`` (contains, for tags), ``<``, ``>``,
``<=``, ``>=`` and ``between``. What we can say the same way is translated;
every comparison we cannot is named, and dropped from the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<paren>[()])
      | (?P<op>=~|!~|!=|!\#|<=|>=|=|\#|<|>)
      | (?P<word>[^\s()"=!#<>]+)
    )""",
    re.VERBOSE,
)
_PLAIN_WORDS = re.compile(r"[\w' .-]+")


class FilterSyntaxError(ValueError):
    """A filter expression newsboat's own parser would refuse too."""


@dataclass(slots=True)
class Translation:
    """Our query for a newsboat expression, and each part left out (with why)."""

    query: str
    untranslated: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Compare:
    attribute: str
    op: str
    value: str
    text: str  # as written, to name it


@dataclass(frozen=True, slots=True)
class _Join:
    op: str  # "and" or "or"
    parts: tuple[object, ...]


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise FilterSyntaxError(f"cannot read the filter from {text[pos:].strip()!r}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        elif kind == "word" and value.lower() in ("and", "or", "between"):
            kind, value = value.lower(), value.lower()
        tokens.append((kind, value))
        pos = match.end()
    return tokens


_MAX_DEPTH = 32  # brackets in brackets, as our own queries allow (reader.query.parser)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.depth = 0  # the brackets open around the token at self.pos

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.pos += 1
        return token

    def parse(self) -> object:
        node = self.expression()
        if self.peek()[0] != "end":
            raise FilterSyntaxError(f"unexpected {self.peek()[1]!r} in the filter")
        return node

    def expression(self) -> object:
        parts = [self.conjunction()]
        while self.peek()[0] == "or":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else _Join("or", tuple(parts))

    def conjunction(self) -> object:
        parts = [self.atom()]
        while self.peek()[0] == "and":
            self.take()
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else _Join("and", tuple(parts))

    def atom(self) -> object:
        kind, value = self.take()
        if kind == "paren" and value == "(":
            if self.depth >= _MAX_DEPTH:
                raise FilterSyntaxError(f"brackets nested too deep (at most {_MAX_DEPTH})")
            self.depth += 1
            node = self.expression()
            self.depth -= 1
            if self.take() != ("paren", ")"):
                raise FilterSyntaxError("a '(' in the filter is never closed")
            return node
        if kind != "word":
            raise FilterSyntaxError(f"expected an attribute name, found {value or 'the end'!r}")
        attribute = value.lower()
        op_kind, op = self.take()
        if op_kind not in ("op", "between"):
            raise FilterSyntaxError(f"expected an operator after {attribute!r}")
        value_kind, operand = self.take()
        if value_kind not in ("string", "word"):
            raise FilterSyntaxError(f"expected a value after {attribute} {op}")
        shown = f'"{operand}"' if value_kind == "string" else operand
        return _Compare(attribute, op, operand, f"{attribute} {op} {shown}")


def _quoted(value: str) -> str:
    value = value.replace('"', "")
    return f'"{value}"' if re.search(r"[\s():]", value) or not value else value


def _compare(node: _Compare) -> str | None:
    """Our term for one comparison, or None when we have no way to say it."""
    attribute, op, value = node.attribute, node.op, node.value
    yes = value.lower() in ("yes", "true", "1")
    if attribute == "unread" and op in ("=", "!="):
        return "is:unread" if yes == (op == "=") else "is:read"
    if attribute == "flags" and op in ("#", "=~") and value:
        return "is:starred"  # every flag letter is a star here
    if attribute == "flags" and op in ("!#", "!~") and value:
        return "is:unstarred"
    if attribute == "tags" and op in ("#", "!#") and value:
        return ("-" if op == "!#" else "") + f"topic:{_quoted(value)}"
    if attribute in ("title", "content", "description") and op in ("=~", "!~", "#"):
        if not _PLAIN_WORDS.fullmatch(value) or not value.strip():
            return None  # a real regular expression: our search has no regex
        words = value.strip()
        term = f'"{words}"' if " " in words else words
        return ("-" if op == "!~" else "") + term
    if attribute in ("feedtitle", "feedurl") and op in ("=", "=~", "#") and value:
        if attribute == "feedtitle" and _PLAIN_WORDS.fullmatch(value):
            return f"provider:{_quoted(value)}"
        return None
    if attribute == "age" and op in ("<", "<=", ">", ">=") and value.isdigit():
        days = int(value) + (1 if op in ("<=", ">") else 0)
        return f"{'after' if op in ('<', '<=') else 'before'}:{days}d"
    return None


def _render(node: object, dropped: list[str]) -> str:
    if isinstance(node, _Compare):
        term = _compare(node)
        if term is None:
            dropped.append(node.text)
            return ""
        return term
    assert isinstance(node, _Join)
    parts = [_render(part, dropped) for part in node.parts]
    parts = [f"({p})" if " " in p and not p.startswith('"') else p for p in parts if p]
    return (" OR " if node.op == "or" else " ").join(parts)


def translate(expression: str) -> Translation:
    """Our query for newsboat's ``expression``; FilterSyntaxError if it cannot be read.

    A comparison with no equivalent (``author =~ "x"``, a regular expression)
    is left out and named in ``untranslated``; the query is then broader (in
    an ``and``) or narrower (in an ``or``) than newsboat's.
    """
    dropped: list[str] = []
    query = _render(_Parser(expression).parse(), dropped)
    if query.startswith("(") and query.endswith(")") and query.count("(") == 1:
        query = query[1:-1]
    return Translation(query, dropped)
