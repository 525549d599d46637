"""What the list is showing: a sidebar entry or an opened story, as a small value.

A scope is one of ``All()``, ``Starred()``, ``Topic(name)``, ``SavedSearch(name)``,
``Tag(name)`` or ``Story(article_id)`` or ``Feed(url)``. The library
answers what a scope shows (``reader.library``); nothing parses strings. Each
scope has a ``key``, the string the state file keeps (``"topic:AI"``), and
``scope_from_key`` reads those back, so views saved by older versions still load.
No Textual here.
"""

from __future__ import annotations

from typing import ClassVar

from reader.record import Record


class _Keyed(Record):
    """A scope's ``key``: its kind, then ``:`` and its one field when it has one.

    Frozen values (``reader.record``: as frozen slotted dataclasses, without their
    generated code at import)."""

    __slots__ = ()
    kind: ClassVar[str]

    @property
    def key(self) -> str:
        if not self.__match_args__:
            return self.kind
        return f"{self.kind}:{getattr(self, self.__match_args__[0])}"


class All(_Keyed):
    """Every article."""

    __slots__ = __match_args__ = ()
    kind = "all"


class Starred(_Keyed):
    """The starred articles."""

    __slots__ = __match_args__ = ()
    kind = "starred"


class Topic(_Keyed):
    """The articles of one topic."""

    __slots__ = __match_args__ = ("name",)
    kind = "topic"
    name: str

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "name", name)


class SavedSearch(_Keyed):
    """The articles a saved search matches."""

    __slots__ = __match_args__ = ("name",)
    kind = "search"
    name: str

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "name", name)


class Tag(_Keyed):
    """The articles carrying one user tag (``T`` puts tags on articles)."""

    __slots__ = __match_args__ = ("name",)
    kind = "tag"
    name: str

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "name", name)


class Feed(_Keyed):
    """The fetched articles of one subscribed feed, by its URL."""

    __slots__ = __match_args__ = ("url",)
    kind = "feed"
    url: str

    def __init__(self, url: str) -> None:
        object.__setattr__(self, "url", url)


class Story(_Keyed):
    """One story opened from the stories view: its lead and the other coverage."""

    __slots__ = __match_args__ = ("article_id",)
    kind = "story"
    article_id: str

    def __init__(self, article_id: str) -> None:
        object.__setattr__(self, "article_id", article_id)


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
