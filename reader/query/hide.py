"""Filters that hide noise: ``hide = [...]`` rules in the config, in the query language.

An article that matches any rule is left out of the library as it loads
(``reader.ingest``), so it is in no view, count, story, search or ``list``.
Rules test what an article says, never its marks: ``is:`` is refused, since
a rule that changed with every read mark would make articles come and go.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reader.model import Article
from reader.query.parser import QueryError, parse
from reader.query.tree import MatchContext, Query

_CONTEXT = MatchContext()


def rule_problem(text: str) -> str | None:
    """Why ``text`` cannot be a hide rule, in one sentence; None when it can."""
    if not text.strip():
        return "is empty: give a search, like title:sponsored"
    try:
        query = parse(text)
    except QueryError as error:
        return error.message
    if query.needs_marks:
        return "cannot use is: or tag: (a rule hides by what an article says, not by its marks)"
    return None


@dataclass(frozen=True, slots=True)
class HideRules:
    """Compiled hide rules; calling them with an article says whether it is hidden."""

    queries: tuple[Query, ...] = ()

    @classmethod
    def parse(cls, texts: Iterable[str]) -> HideRules:
        """The usable rules of ``texts`` (the others are left out: see ``rule_problem``)."""
        return cls(tuple(parse(text) for text in texts if rule_problem(text) is None))

    def __bool__(self) -> bool:
        return bool(self.queries)

    def __call__(self, article: Article) -> bool:
        return any(query.matches(article, _CONTEXT) for query in self.queries)
