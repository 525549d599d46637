"""The one collector: outcomes, in scan order, into a ``LoadResult``.

Every result, cold, warm or after a rescan, is made here (``collect``), so that
problems, counts, hidden articles and the resolution of duplicate ids cannot
differ between them. A file's article that another file has too: the later
date wins, then the first path, and the one kept carries the other's topics.
No Textual here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from operator import attrgetter

from reader.model import Article, Duplicate, LoadResult, Problem

Outcome = Article | Problem


def _newer(candidate: Article, current: Article) -> bool:
    """Which of two files of one article wins: the later date, then the first path."""
    a = candidate.published.timestamp() if candidate.published else float("-inf")
    b = current.published.timestamp() if current.published else float("-inf")
    if a != b:
        return a > b
    return candidate.path < current.path


class Collector:
    """Gathers outcomes, in scan order, into a LoadResult, resolving duplicate ids.

    ``add`` returns the article when it is new or replaced an earlier one, so
    that a streaming load can show it at once.
    """

    def __init__(
        self, scan_problems: Iterable[Problem] = (), hide: Callable[[Article], bool] | None = None
    ) -> None:
        self.result = LoadResult()
        self._hide = hide
        self._by_id: dict[str, int] = {}
        # Problems met while scanning (a broken link) are not files read.
        for problem in scan_problems:
            (self.result.ignored if problem.ignored else self.result.problems).append(problem)

    def add(self, outcome: Outcome) -> Article | None:
        result = self.result
        result.files_read += 1
        if type(outcome) is not Article:  # type(), not isinstance: the checker narrows on it too
            assert isinstance(outcome, Problem)
            (result.ignored if outcome.ignored else result.problems).append(outcome)
            return None
        if self._hide is not None and self._hide(outcome):
            result.hidden.append(outcome)
            return None
        index = self._by_id.get(outcome.id)
        if index is None:
            self._by_id[outcome.id] = len(result.articles)
            result.articles.append(outcome)
            return outcome
        current = result.articles[index]
        if _newer(outcome, current):
            merged = _with_topics_of(outcome, current)
            result.articles[index] = merged
            result.duplicates.append(Duplicate(current.path, outcome.path, current.id))
            return merged
        result.duplicates.append(Duplicate(outcome.path, current.path, current.id))
        merged = _with_topics_of(current, outcome)
        if merged is current:
            return None
        result.articles[index] = merged
        return merged


def _with_topics_of(kept: Article, other: Article) -> Article:
    """The article kept of two files with one id, with the other's topics too.

    Two feeds (or files) that carry one article each file it under their
    topics; the merged article is under all of them, the kept one's first.
    """
    seen = {topic.casefold() for topic in kept.topics}
    extra: list[str] = []
    for topic in other.topics:
        if topic.casefold() not in seen:
            seen.add(topic.casefold())
            extra.append(topic)
    return replace(kept, topics=(*kept.topics, *extra)) if extra else kept


def collect(
    scan_problems: Iterable[Problem],
    outcomes: Iterable[Outcome],
    hide: Callable[[Article], bool] | None = None,
) -> LoadResult:
    """The result of a load: scan problems first, then every file's outcome in scan order."""
    collector = Collector(scan_problems, hide)
    if hide is None and isinstance(outcomes, list) and _distinct_articles(outcomes):
        # What adding them one by one makes of articles alone, each id once
        # (a warm start: ~0.1 s at 100,000), in C loops.
        collector.result.articles = outcomes.copy()
        collector.result.files_read = len(outcomes)
        return collector.result
    add = collector.add
    for outcome in outcomes:
        add(outcome)
    return collector.result


def _distinct_articles(outcomes: list[Outcome]) -> bool:
    """Whether every outcome is an article, and no two have one id."""
    if not set(map(type, outcomes)) <= {Article}:
        return False
    ids = set(map(_ID, outcomes))
    return len(ids) == len(outcomes)


_ID = attrgetter("id")
