"""The library as the commands see it: the same ingest, store, marks and ``Library`` as the reader.

A command that prints or picks articles asks ``Library.articles`` with a
``ViewSpec``, exactly as the reader's list does, so a filter cannot mean one
thing on screen and another on the command line. The read state is opened
read-only, and only when the answer depends on it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reader import paths
from reader.cache import CachedColumns, IndexCache
from reader.errors import UsageError
from reader.ingest import Ingest
from reader.model import LoadResult

if TYPE_CHECKING:
    from reader.fulltext import TextStore
    from reader.library import Library
    from reader.query import Query
    from reader.query.hide import HideRules
    from reader.state import UserState


def seed_paths(given: Sequence[str]) -> list[Path]:
    """The paths named on the command line, or the default seed folders.

    Each named path is checked to exist (a usage error naming it as typed), then
    made the one name of its file or folder (``paths.named_path``): the reader
    and every command take their paths from here.
    """
    if not given:
        return paths.default_seed_paths()
    require_existing([Path(p) for p in given])
    return [paths.named_path(p) for p in given]


def require_existing(seed_paths: Sequence[Path]) -> None:
    for path in seed_paths:
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"no such file or folder: {path}")


def load(given: Sequence[str], *, use_cache: bool = True, hide: bool = False) -> LoadResult:
    """The library at ``given`` through the one ingest path, the index cache included.

    ``hide`` leaves out what the config's hide rules match, as the reader does.
    """
    return ingest(given, use_cache=use_cache, hide=hide).load_all()


def load_unless_cached(
    session: Ingest,
    names: Collection[str],
    *,
    meanwhile: Callable[[CachedColumns], object] | None = None,
) -> LoadResult | CachedColumns:
    """``session.load_all()``, or the index cache's columns (``names`` decoded) when it
    holds the library as it is and its articles are the whole answer
    (``Ingest.load_unless_cached``)."""
    return session.load_unless_cached(names, meanwhile)


def ingest(
    given: Sequence[str], *, use_cache: bool = True, hide: bool = False, keep_excerpts: bool = False
) -> Ingest:
    """The session that loads the library at ``given`` (``load``'s), not yet loaded.

    ``keep_excerpts``: for a command that prints the articles' excerpts
    (``Ingest.excerpts``)."""
    chosen = seed_paths(given)
    require_existing(chosen)
    optional = [] if given else paths.default_optional_paths()
    cache = IndexCache([*chosen, *optional]) if use_cache else None
    rules = _hide_rules() if hide else None
    return Ingest(chosen, cache=cache, optional=optional, hide=rules, keep_excerpts=keep_excerpts)


def _hide_rules() -> HideRules | None:
    from reader.config import load_config

    config, _ = load_config()
    if not config.hide:
        return None
    from reader.query.hide import HideRules

    return HideRules.parse(config.hide)


def read_state() -> UserState:
    """The marks, read without writing, moving or creating anything."""
    from reader.state import UserState

    state = UserState(readonly=True)
    state.close()
    if state.warning:
        sys.stderr.write(f"newsreader: {state.warning}\n")
    return state


def parse_query(text: str | None) -> Query | None:
    """``--query``'s text as the search bar parses it; a mistake is a usage error."""
    if text is None:
        return None
    from reader.query import QueryError, parse

    try:
        return parse(text)
    except QueryError as error:
        raise UsageError(f"invalid query: {error.message}") from None


def open_library(
    result: LoadResult,
    *,
    marks: bool,
    texts: TextStore | None = None,
    stories: bool = False,
) -> Library:
    """The reader's ``Library`` over a loaded collection.

    ``marks``: read the read state (else the marks are taken as none: for a
    view whose answer does not depend on them). ``texts``: the fetched full
    texts that words also match. ``stories``: group the stories first, from
    the loaded articles as the reader groups them.
    """
    from reader.library import Library
    from reader.store import Store

    state = read_state() if marks else _no_marks()
    library = Library(Store(result.articles, result.by_date), state, lambda: datetime.now(UTC))
    library.texts = texts
    if stories:
        from reader.stories import group_stories

        library.stories = group_stories(result.articles)
    return library


def _no_marks() -> UserState:
    from reader.state import UserState

    # No marks, for an answer that never asks them: read-only on a path that
    # cannot exist (under a file), it opens, reads and creates nothing.
    return UserState(Path(os.devnull, "no-marks.sqlite3"), readonly=True)
