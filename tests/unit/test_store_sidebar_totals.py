"""The sidebar's totals of a store made in a worker (``Library.warm_totals``): the
sidebar a library shows with them is the one it counts itself, and they are
taken only by the store they were made for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.library import Library
from reader.model import Article
from reader.state import UserState
from reader.store import Store

NOW = datetime(2020, 6, 10, tzinfo=UTC)


def _article(ident: str, day: int, *topics: str) -> Article:
    published = datetime(2020, 6, day, tzinfo=UTC)
    return Article(
        id=ident, title=ident, path=f"/s/{ident}.txt", published=published, topics=topics
    )


ARTICLES = [
    _article("a", 1, "AI"),
    _article("b", 3, "AI", "Cloud"),
    _article("c", 2, "Cloud", "ai"),
    _article("d", 4),
]
MORE = [*ARTICLES, _article("e", 5, "Space", "AI")]


@pytest.fixture
def state(tmp_path: Path) -> Iterator[UserState]:
    state = UserState(tmp_path / "state.db")
    state.mark_read(["b", "gone"])
    state.set_starred(["c"])
    yield state
    state.close()


def _shown(library: Library) -> list[tuple[str, int, int]]:
    return [(e.label, e.unread, e.total) for e in library.sidebar(by_story=False)]


def _counted(articles: list[Article], state: UserState) -> list[tuple[str, int, int]]:
    return _shown(Library(Store(articles), state, lambda: NOW))


def test_the_totals_made_ahead_give_the_sidebar_counted_on_the_spot(state: UserState) -> None:
    library = Library(Store(), state, lambda: NOW)
    store = Store(MORE)
    library.warm_totals(store)
    library.set_store(store)
    assert _shown(library) == _counted(MORE, state)
    assert library._warm_totals is None  # taken
    state.mark_read(["e"])  # the marks are counted when shown, the totals kept
    assert _shown(library) == _counted(MORE, state)


def test_totals_made_for_another_store_are_not_taken(state: UserState) -> None:
    library = Library(Store(ARTICLES), state, lambda: NOW)
    library.warm_totals(Store(MORE))  # a store that never comes
    library.set_store(Store(ARTICLES))
    assert library._warm_totals is None  # let go
    assert _shown(library) == _counted(ARTICLES, state)
    newer = Store(MORE)
    library.warm_totals(Store(MORE))  # made for an equal store, not this one
    library.store = newer
    library.store_changed()
    assert _shown(library) == _counted(MORE, state)
