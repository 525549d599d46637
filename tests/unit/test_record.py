"""reader.record's classes behave as the frozen slotted dataclasses they replace.

Each one is compared with that dataclass, made here from the same fields: the
constructor's parameters, repr, equality and hashing between every pair of
samples, refused assignment and deletion, ``match``, pickling and copying.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from dataclasses import FrozenInstanceError, field, make_dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from rich.text import Text

from reader.fulltext.storage import StoredText
from reader.ingest import Changes, Loaded, Progress
from reader.library import FeedRow, RelatedEntry, SidebarEntry
from reader.model import Article, ArticleDetail, Duplicate, Image, LoadResult, Related
from reader.record import Record
from reader.scope import All, Feed, SavedSearch, Starred, Story, Tag, Topic
from reader.state.database import Batch
from reader.state.user import Change
from reader.status import StatusLine
from reader.widgets.detail_pane import _Line

FACTORY = object()  # a field whose default is a new empty dict (default_factory=dict)
WHEN = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)
RELATED = Related("r1", "A related story", "https://e.com/r1", published=WHEN, quality=40)
ARTICLE = Article("a1", "An article", "/seeds/a1.txt")


def _reference(cls: type[Record], defaults: dict[str, Any], uncompared: set[str]) -> Any:
    """The frozen slotted dataclass of ``cls``'s fields, as it was declared."""
    specs: list[Any] = []
    for name in cls._fields:
        if name in defaults:
            default = defaults[name]
            made = field(default_factory=dict) if default is FACTORY else field(default=default)
            if name in uncompared:
                made = field(default=default, compare=False)
            specs.append((name, Any, made))
        else:
            specs.append((name, Any))
    reference = make_dataclass(cls.__name__, specs, frozen=True, slots=True)
    reference.__qualname__ = cls.__qualname__
    return reference


def _same(record: object, dataclass: object) -> None:
    assert repr(record) == repr(dataclass)
    assert record.__match_args__ == dataclass.__match_args__  # type: ignore[attr-defined]
    values = [getattr(record, name) for name in record.__match_args__]  # type: ignore[attr-defined]
    assert values == [getattr(dataclass, name) for name in dataclass.__match_args__]  # type: ignore[attr-defined]
    for name in record.__match_args__:  # type: ignore[attr-defined]
        for frozen in (record, dataclass):
            with pytest.raises(FrozenInstanceError):
                setattr(frozen, name, 1)
            with pytest.raises(FrozenInstanceError):
                delattr(frozen, name)
    # Any other name is refused too (the slotted dataclass's __setattr__ raises TypeError
    # there, from its zero-argument super() in the class that slots=True replaced).
    for frozen in (record, dataclass):
        with pytest.raises((AttributeError, TypeError)):
            frozen.nosuch = 1
    assert pickle.loads(pickle.dumps(record)) == record
    assert copy.copy(record) == record and copy.deepcopy(record) == record


def _hash(value: object) -> int | type[TypeError]:
    try:
        return hash(value)
    except TypeError:
        return TypeError


CASES: list[tuple[type[Record], dict[str, Any], set[str], list[tuple[tuple, dict]]]] = [
    (All, {}, set(), [((), {})]),
    (Starred, {}, set(), [((), {})]),
    (Topic, {}, set(), [(("AI",), {}), (("AI",), {}), (("Tech",), {})]),
    (SavedSearch, {}, set(), [(("AI",), {}), (("mine",), {})]),
    (Tag, {}, set(), [(("AI",), {}), ((), {"name": "AI"})]),
    (Feed, {}, set(), [(("https://example.com/feed",), {}), (("https://x.org/",), {})]),
    (Story, {}, set(), [(("a1",), {}), (("a2",), {})]),
    (
        StatusLine,
        {
            "by_story": False,
            "hide_read": False,
            "query": "",
            "checking": False,
            "grouping": False,
            "fetching": None,
            "loading": None,
            "skipped": 0,
            "hidden": 0,
            "feeds_failed": 0,
        },  # fmt: skip
        set(),
        [
            (("All", "date", 2, 2), {}),
            ((), {"label": "All", "sort": "date", "unread": 2, "total": 2}),
            (("AI", "quality", 0, 9), {"loading": (3, 9), "checking": True, "query": "x y"}),
            (("AI", "quality", 0, 9, True, True, "q", False, True, (1, 2), None, 3, 4, 5), {}),
        ],
    ),
    (
        _Line,
        {"entry": None, "segments": ()},
        {"segments"},
        [
            ((Text("a b"), "body"), {}),
            ((Text("a b"), "body", None, ("drawn",)), {}),
            ((Text("a b"), "related", 2), {}),
        ],
    ),
    (
        StoredText,
        {},
        set(),
        [
            (("a1", "https://e.com/1", None, 1.5, "ok", None, "text", None), {}),
            (("a1", "https://e.com/1", "https://e.com/2", 1.5, "failed", None, None, "gone"), {}),
        ],
    ),
    (
        Change,
        {"old_times": FACTORY, "label": "", "tag": ""},
        set(),
        [
            (("read", True, ("a", "b")), {}),
            (("read", True, ("a", "b"), {"a": 1.0}, "mark 2 articles read"), {}),
            (("starred", False, ()), {"label": "unstar"}),
            (("tag", True, ("a",)), {"label": "tag 1 article “x”", "tag": "x"}),
        ],
    ),
    (
        Batch,
        {"tags": FACTORY},
        set(),
        [
            (({"read": [("a", True, 1.0)]}, {}, {}), {}),
            (({"read": []}, {"s": ("q", None)}, {"theme": '"x"'}, {("a", "t"): True}), {}),
        ],
    ),
    (
        Image,
        {"width": None, "height": None, "title": ""},
        set(),
        [(("https://e.com/a.png",), {}), (("https://e.com/a.png", 640, 480, "A"), {})],
    ),
    (
        Related,
        {
            "url": "",
            "excerpt": "",
            "provider": "",
            "domain": "",
            "published": None,
            "quality": None,
            "type": "article",
        },  # fmt: skip
        set(),
        [
            (("r1", "A related story"), {}),
            (("r1", "A related story", "https://e.com/r1"), {"published": WHEN, "quality": 40}),
            (("r2", "Other", "u", "x", "p", "d", WHEN, 1, "video"), {}),
        ],
    ),
    (
        ArticleDetail,
        {"related": (), "images": (), "original_url": "", "body": "", "excerpt": ""},
        set(),
        [((), {}), (((RELATED,), (Image("https://e.com/a.png"),), "u", "body", "x"), {})],
    ),
    (Duplicate, {}, set(), [(("/a.txt", "/b.txt", "a1"), {}), (("/b.txt", "/a.txt", "a1"), {})]),
    (
        Progress,
        {"articles": ()},
        set(),
        [((0, 2_000), {}), ((500, 2_000, (ARTICLE,)), {}), ((500, 2_000), {"articles": ()})],
    ),
    (
        Loaded,
        {"checked": False},
        set(),
        [((LoadResult(), True, 0.5), {}), ((LoadResult([ARTICLE]), False, 2.0, True), {})],
    ),
    (
        Changes,
        {"added": 0, "changed": 0, "removed": 0, "moved": 0, "seconds": 0.0},
        set(),
        [((None,), {"seconds": 0.2}), ((LoadResult([ARTICLE]), 1, 2, 3, 4, 0.5), {})],
    ),
    (SidebarEntry, {}, set(), [((Topic("AI"), "AI", 1, 3), {}), ((All(), "All", 1, 3), {})]),
    (
        FeedRow,
        {"error": ""},
        set(),
        [(("https://e.com/feed", "E", "/feeds/e"), {}), (("u", "n", "f", "timed out"), {})],
    ),
    (RelatedEntry, {}, set(), [((RELATED, None), {}), ((RELATED, ARTICLE), {})]),
]


@pytest.mark.parametrize(
    ("cls", "defaults", "uncompared", "samples"), CASES, ids=[case[0].__name__ for case in CASES]
)
def test_a_record_is_its_frozen_dataclass(cls, defaults, uncompared, samples) -> None:
    reference = _reference(cls, defaults, uncompared)
    ours = inspect.signature(cls).parameters
    theirs = inspect.signature(reference).parameters
    assert list(ours) == list(theirs)
    for name, parameter in ours.items():
        expected = theirs[name].default
        if expected is dataclasses._HAS_DEFAULT_FACTORY:  # type: ignore[attr-defined]
            assert parameter.default is None  # and a new empty dict, as the factory's
        else:
            assert parameter.default == expected
    made = [(cls(*args, **kwargs), reference(*args, **kwargs)) for args, kwargs in samples]
    for record, dataclass in made:
        _same(record, dataclass)
    for record, dataclass in made:
        for other, other_dataclass in made:
            assert (record == other) == (dataclass == other_dataclass)
            assert (record != other) == (dataclass != other_dataclass)
        assert _hash(record) == _hash(dataclass)
        assert record != dataclass and record != object()


def test_a_records_default_dict_is_its_own() -> None:
    first, second = Change("read", True, ("a",)), Change("read", True, ("b",))
    assert first.old_times == {} and first.old_times is not second.old_times


def test_match_takes_a_record_apart() -> None:
    match Topic("AI"):
        case Topic(name):
            assert name == "AI"
    assert Topic("AI").key == "topic:AI" and All().key == "all"
