"""The view state: what the list shows and how the user got there.

No Textual here. The four values the screen reacts to (scope, sort, hide-read,
stories mode) stay declared as reactives on the App, because Textual calls
their ``watch_`` methods there; everything else about the view lives here:
the search, the read article kept in view until left (the sticky id), the
article under the cursor, the history for the back key, and the view saved
between runs (``restore`` / ``saved``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from reader.library import ViewSpec
from reader.scope import ALL, Scope, Story, is_remembered, scope_from_key
from reader.store import Sort

if TYPE_CHECKING:
    from reader.library import Library
    from reader.model import Article
    from reader.query import Query
    from reader.state import UserState

VIEW_SETTING = "view"


def _setting_for(library: Sequence[str]) -> str:
    """The state's setting that holds the saved view of the library read from these
    paths (however they were named: relative, absolute, in any order)."""
    if not library:
        return VIEW_SETTING
    from reader.hashes import sha1  # not hashlib: OpenSSL is not needed for a first frame

    key = "\0".join(sorted(os.path.abspath(path) for path in library))
    digest = sha1(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{VIEW_SETTING} {digest}"


class Place(NamedTuple):
    """Where the user was: for the back key."""

    scope: Scope
    article_id: str | None


class View(NamedTuple):
    """The values the App holds as reactives, as one value."""

    scope: Scope = ALL
    sort: Sort = "date"
    hide_read: bool = False
    stories: bool = False


class Restored(NamedTuple):
    """The view saved by the last run: each value None when it was not saved (or is unusable)."""

    scope: Scope | None = None
    sort: Sort | None = None
    hide_read: bool | None = None
    stories: bool | None = None
    article_id: str | None = None


class ViewState:
    """The search, the sticky and current article ids, the history, the saved view."""

    def __init__(self, state: UserState, library: Sequence[str] = ()) -> None:
        """``library``: the paths the library is read from; each library has its
        own saved view (the default one's, a folder's, a file's), so that a
        topic or a sort left in one does not open another (none: one for all)."""
        self.state = state
        self._setting = _setting_for(library)
        self.query_text = ""
        self.search: Query | None = None
        # The search's words looked up in the full texts so far (SearchActions.search_texts).
        self.text_matches: Mapping[str, frozenset[str]] | None = None
        self.sticky_id: str | None = None  # a read article kept in view until left
        self.current_id: str | None = None  # the article under the list's cursor
        self.history: list[Place] = []
        self._reselect: str | None = None  # the saved article, until the library is loaded

    def spec(self, view: View) -> ViewSpec:
        """What the library is asked for: the view, the search and the sticky article."""
        return ViewSpec(
            scope=view.scope,
            sort=view.sort,
            hide_read=view.hide_read,
            stories=view.stories,
            search=self.search,
            keep_id=self.sticky_id,
            text_matches=self.text_matches,
        )

    def searched(self, text: str, query: Query) -> None:
        """A search typed (``text``, parsed as ``query``); an empty one is no search."""
        self.query_text = text.strip()
        self.search = query if self.query_text else None

    def remember(self, scope: Scope, article_id: str | None) -> None:
        """Where the user is, before going somewhere the back key returns from."""
        self.history.append(Place(scope, article_id))

    def go_back(self) -> Place | None:
        return self.history.pop() if self.history else None

    def showing(self, library: Library, view: View, article: Article) -> tuple[Scope, Query | None]:
        """The first of All, then its story (stories view), with the search and then
        without, whose list holds ``article``."""
        spec = self.spec(view)
        scopes: list[Scope] = [ALL]
        if view.stories:
            scopes.append(Story(library.story_of(article).lead.id))
        searches = [self.search, None] if self.search is not None else [None]
        for search in searches:
            for scope in scopes:
                shown = replace(spec, scope=scope, search=search, keep_id=article.id)
                if any(a.id == article.id for a in library.articles(shown)):
                    return scope, search
        return ALL, None

    # -- between runs -------------------------------------------------------

    def restore(self) -> Restored:
        """The view saved by the last run (the article is kept for ``take_reselect``)."""
        saved = self.state.get_setting(self._setting, {})
        if not isinstance(saved, dict):
            return Restored()
        sort = saved.get("sort")
        hide_read = saved.get("hide_read")
        stories = saved.get("stories")
        # "topic" holds the scope's key: the name and format of older versions.
        scope = scope_from_key(saved.get("topic"))
        article_id = saved.get("article")
        self._reselect = article_id if isinstance(article_id, str) else None
        return Restored(
            scope=scope if scope is not None and is_remembered(scope) else None,
            sort=sort if sort in ("date", "quality") else None,
            hide_read=hide_read if isinstance(hide_read, bool) else None,
            stories=stories if isinstance(stories, bool) else None,
            article_id=self._reselect,
        )

    def take_reselect(self) -> str | None:
        """Once loaded: the saved article to select, once."""
        article_id, self._reselect = self._reselect, None
        return article_id

    def save(self, view: View, theme: str) -> None:
        """Remember the view (and the theme) for the next run."""
        saved = {
            "topic": (view.scope if is_remembered(view.scope) else ALL).key,
            "sort": view.sort,
            "hide_read": view.hide_read,
            "stories": view.stories,
            "article": self.current_id,
        }
        with contextlib.suppress(RuntimeError):  # a read-only state remembers nothing
            self.state.set_setting(self._setting, saved)
            self.state.set_setting("theme", theme)
