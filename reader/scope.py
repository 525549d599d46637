"""What the list is showing: a sidebar entry or an opened story, as a small value.

A scope is one of ``All()``, ``Starred()``, ``Topic(name)``, ``SavedSearch(name)``
or ``Story(article_id)`` (a ``Feed(url)`` can join them later). The library
answers what a scope shows (``reader.library``); nothing parses strings. Each
scope has a ``key``, the string the state file keeps (``"topic:AI"``), and
``scope_from_key`` reads those back, so views saved by older versions still load.
No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class All:
    """Every article."""

    @property
    def key(self) -> str:
        return "all"


@dataclass(frozen=True, slots=True)
class Starred:
    """The starred articles."""

    @property
    def key(self) -> str:
        return "starred"


@dataclass(frozen=True, slots=True)
class Topic:
    """The articles of one topic."""

    name: str

    @property
    def key(self) -> str:
        return f"topic:{self.name}"


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """The articles a saved search matches."""

    name: str

    @property
    def key(self) -> str:
        return f"search:{self.name}"


@dataclass(frozen=True, slots=True)
class Story:
    """One story opened from the stories view: its lead and the other coverage."""

    article_id: str

    @property
    def key(self) -> str:
        return f"story:{self.article_id}"


Scope = All | Starred | Topic | SavedSearch | Story

ALL = All()
STARRED = Starred()


def scope_from_key(key: object) -> Scope | None:
    """The scope a saved ``key`` names (``"topic:AI"`` -> ``Topic("AI")``), or None."""
    if not isinstance(key, str):
        return None
    if key == "all":
        return ALL
    if key == "starred":
        return STARRED
    kind, sep, rest = key.partition(":")
    if not sep:
        return None
    make = {"topic": Topic, "search": SavedSearch, "story": Story}.get(kind)
    return make(rest) if make is not None else None


def is_remembered(scope: Scope) -> bool:
    """Whether the view is saved with this scope: an opened story is not (it is a detour)."""
    return not isinstance(scope, Story)


def is_deletable(scope: Scope | None) -> bool:
    """Whether the sidebar's delete key removes this entry: only saved searches."""
    return isinstance(scope, SavedSearch)
