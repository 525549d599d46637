"""Scopes: small values for what the list shows, and their saved keys."""

from __future__ import annotations

import pytest

from reader.scope import (
    ALL,
    STARRED,
    All,
    Feed,
    SavedSearch,
    Starred,
    Story,
    Tag,
    Topic,
    is_deletable,
    is_remembered,
    scope_from_key,
)


@pytest.mark.parametrize(
    ("scope", "key"),
    [
        (All(), "all"),
        (Starred(), "starred"),
        (Topic("AI"), "topic:AI"),
        (Topic("a:b"), "topic:a:b"),
        (SavedSearch("top news"), "search:top news"),
        (Story("abc123"), "story:abc123"),
        (Feed("https://e.example/feed.xml"), "feed:https://e.example/feed.xml"),
        (Tag("read later"), "tag:read later"),
    ],
)
def test_a_scope_and_its_saved_key_round_trip(scope, key) -> None:
    assert scope.key == key
    assert scope_from_key(key) == scope


@pytest.mark.parametrize("key", ["", "nonsense", "folder:x", None, 3, ["topic:AI"]])
def test_an_unknown_saved_key_is_no_scope(key) -> None:
    assert scope_from_key(key) is None


def test_scopes_are_values() -> None:
    assert Topic("AI") == Topic("AI") and hash(Topic("AI")) == hash(Topic("AI"))
    assert Topic("AI") != SavedSearch("AI")
    assert All() == ALL and Starred() == STARRED
    with pytest.raises(AttributeError):
        Topic("AI").name = "B"  # type: ignore[misc]


def test_an_opened_story_is_not_remembered_and_only_saved_searches_delete() -> None:
    assert not is_remembered(Story("x"))
    assert all(is_remembered(s) for s in (ALL, STARRED, Topic("t"), SavedSearch("s")))
    assert is_deletable(SavedSearch("s"))
    assert not any(is_deletable(s) for s in (ALL, STARRED, Topic("t"), Story("x"), None))
