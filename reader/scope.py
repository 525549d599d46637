"""What the list is showing: a sidebar entry or an opened story, as a small value.

A scope is one of ``All()``, ``Starred()``, ``Topic(name)``, ``SavedSearch(name)``,
``Tag(name)`` or ``Story(article_id)`` or ``Feed(url)``. The library
answers what a scope shows (``reader.library``); nothing parses strings. Each
scope has a ``key``, the string the state file keeps (``"topic:AI"``), and
``scope_from_key`` reads those back, so views saved by older versions still load.
No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class _Keyed:
    """A scope's ``key``: its kind, then ``:`` and its one field when it has one."""

    __slots__ = ()
    kind: ClassVar[str]
    __match_args__: ClassVar[tuple[str, ...]]

    @property
    def key(self) -> str:
        if not self.__match_args__:
            return self.kind
        return f"{self.kind}:{getattr(self, self.__match_args__[0])}"


@dataclass(frozen=True, slots=True)
class All(_Keyed):
    """Every article."""

    kind = "all"


@dataclass(frozen=True, slots=True)
class Starred(_Keyed):
    """The starred articles."""

    kind = "starred"


@dataclass(frozen=True, slots=True)
class Topic(_Keyed):
    """The articles of one topic."""

    kind = "topic"
    name: str


@dataclass(frozen=True, slots=True)
class SavedSearch(_Keyed):
    """The articles a saved search matches."""

    kind = "search"
    name: str


@dataclass(frozen=True, slots=True)
class Tag(_Keyed):
    """The articles carrying one user tag (``T`` puts tags on articles)."""

    kind = "tag"
    name: str


@dataclass(frozen=True, slots=True)
class Feed(_Keyed):
    """The fetched articles of one subscribed feed, by its URL."""

    kind = "feed"
    url: str


@dataclass(frozen=True, slots=True)
class Story(_Keyed):
    """One story opened from the stories view: its lead and the other coverage."""

    kind = "story"
    article_id: str


Scope = All | Starred | Topic | SavedSearch | Tag | Feed | Story

ALL = All()
STARRED = Starred()
_WITH_FIELD = {cls.kind: cls for cls in (Topic, SavedSearch, Tag, Feed, Story)}


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
    make = _WITH_FIELD.get(kind)
    return make(rest) if make is not None else None


def is_remembered(scope: Scope) -> bool:
    """Whether the view is saved with this scope: an opened story is not (it is a detour)."""
    return not isinstance(scope, Story)


def is_deletable(scope: Scope | None) -> bool:
    """Whether the sidebar's delete key removes this entry: saved searches, and feeds
    (unsubscribed after a confirmation)."""
    return isinstance(scope, SavedSearch | Feed)
