"""The front page file: what it keeps, and every reason it is not used (the start: tests/ui)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

import reader.cache as cache_module
from reader import front_page
from reader.cache import IndexCache
from reader.front_page import Counts, FrontPage
from reader.library import SidebarEntry
from reader.model import Article
from reader.scope import ALL, STARRED, Feed, SavedSearch, Tag, Topic
from reader.text import related_keys, search_text

VIEW = ("all", "date", False)
CONTEXT = ((), None, 3, 1, (), ())


def _article(n: int) -> Article:
    return Article(
        id=f"https://example.com/{n}",
        title=f"Title {n} [bold]not markup[/] é 한겨레",
        path=f"/news/{n:03d}.txt",
        url=f"https://example.com/{n}",
        provider="Gulf News",
        domain="gulfnews.com",
        published=datetime(2020, 6, 11, 16, n % 60, 7, n, tzinfo=UTC),
        quality=n if n % 3 else None,
        heat=None,
        topics=("AI", "AWS AI") if n % 2 else (),
        search_text=search_text(f"Title {n}", "An excerpt"),
        related_keys=related_keys(("https://example.com/1",)),
    )


def _page(rows: int = 5) -> FrontPage:
    entries = [
        SidebarEntry(ALL, "All", 3, 5),
        SidebarEntry(STARRED, "Starred", 0, 1),
        SidebarEntry(SavedSearch("mine"), "mine", 1, 2),
        SidebarEntry(Tag("later"), "#later", 1, 1),
        SidebarEntry(Topic("AI"), "AI", 2, 3),
        SidebarEntry(Feed("https://example.org/feed.xml"), "Example feed", 0, 0),
    ]
    articles = [_article(n) for n in range(rows)]
    return FrontPage(VIEW, articles, articles[2].id, 2, entries, Counts(3, 5, 1, 4))


@pytest.fixture
def index(tmp_path: Path) -> IndexCache:
    cache = IndexCache([tmp_path / "seeds"], cache_dir=tmp_path / "cache")
    cache.path.parent.mkdir(parents=True)
    cache.path.write_bytes(b"an index cache")
    return cache


def test_round_trip_keeps_rows_sidebar_and_counts(index: IndexCache) -> None:
    page = _page()
    assert front_page.save(index, page, CONTEXT)
    loaded = front_page.load(index, VIEW, CONTEXT)
    assert loaded == page
    assert front_page.path_for(index).parent == index.path.parent


def test_no_index_cache_means_no_front_page(tmp_path: Path) -> None:
    index = IndexCache([tmp_path / "seeds"], cache_dir=tmp_path / "cache")
    assert not front_page.save(index, _page(), CONTEXT)
    assert front_page.load(index, VIEW, CONTEXT) is None
    assert not (tmp_path / "cache").exists()


def test_another_view_is_not_shown(index: IndexCache) -> None:
    assert front_page.save(index, _page(), CONTEXT)
    assert front_page.load(index, ("topic:AI", "date", False), CONTEXT) is None
    assert front_page.load(index, ("all", "quality", False), CONTEXT) is None
    assert front_page.load(index, ("all", "date", True), CONTEXT) is None
    assert front_page.load(index, VIEW, CONTEXT) is not None


def test_a_rewritten_index_cache_makes_it_stale(index: IndexCache) -> None:
    assert front_page.save(index, _page(), CONTEXT)
    index.path.write_bytes(b"an index cache, rewritten after a change")
    assert front_page.load(index, VIEW, CONTEXT) is None


def test_an_index_cache_touched_alone_makes_it_stale(index: IndexCache) -> None:
    assert front_page.save(index, _page(), CONTEXT)
    stat = os.stat(index.path)
    os.utime(index.path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert front_page.load(index, VIEW, CONTEXT) is None


@pytest.mark.parametrize(
    "context",
    [
        (("older:30d",), None, 3, 1, (), ()),  # a hide rule added
        ((), (10, 1), 3, 1, (), ()),  # a feeds list now
        ((), None, 4, 1, (), ()),  # another copy marked an article read
        ((), None, 3, 0, (), ()),  # ... or unstarred one
        ((), None, 3, 1, (("later", 1),), ()),  # ... or tagged one
        ((), None, 3, 1, (), (("mine", "ai"),)),  # ... or saved a search
    ],
)
def test_another_context_makes_it_stale(index: IndexCache, context: tuple) -> None:
    assert front_page.save(index, _page(), CONTEXT)
    assert front_page.load(index, VIEW, context) is None


def test_other_code_makes_it_stale(index: IndexCache, monkeypatch: pytest.MonkeyPatch) -> None:
    assert front_page.save(index, _page(), CONTEXT)
    monkeypatch.setattr(cache_module, "FORMAT_VERSION", cache_module.FORMAT_VERSION + 1)
    cache_module._fingerprint.cache_clear()
    try:
        assert front_page.load(index, VIEW, CONTEXT) is None
    finally:
        cache_module._fingerprint.cache_clear()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:20] + bytes([data[20] ^ 1]) + data[21:],  # one bit
        lambda data: b"NOTFRONT" + data[8:],
        lambda data: b"",
        lambda data: data + b"\0" * (front_page.MAX_BYTES + 1),  # too large to be one
    ],
)
def test_a_damaged_file_is_no_front_page(index: IndexCache, damage) -> None:
    assert front_page.save(index, _page(), CONTEXT)
    path = front_page.path_for(index)
    path.write_bytes(damage(path.read_bytes()))
    assert front_page.load(index, VIEW, CONTEXT) is None


def test_a_checksummed_file_of_wrong_shape_is_no_front_page(index: IndexCache) -> None:
    """A valid checksum over values that are not a front page (another version's)."""
    import marshal
    import zlib

    for body in ((1, 2, 3), ("key",) * 7, [], {"a": 1}):
        payload = marshal.dumps(body)
        data = front_page.MAGIC + zlib.crc32(payload).to_bytes(4, "little") + payload
        front_page.path_for(index).write_bytes(data)
        assert front_page.load(index, VIEW, CONTEXT) is None


def test_a_full_disk_leaves_no_front_page(index: IndexCache, monkeypatch) -> None:
    assert front_page.save(index, _page(), CONTEXT)

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(front_page, "write_atomically", full)
    assert not front_page.save(index, _page(), CONTEXT)
    assert not front_page.path_for(index).exists()  # not the older page, now wrong


def test_remove_forgets_it(index: IndexCache) -> None:
    assert front_page.save(index, _page(), CONTEXT)
    front_page.remove(index)
    assert front_page.load(index, VIEW, CONTEXT) is None
    front_page.remove(index)  # nothing to remove: no error


def test_window_is_the_rows_from_the_top_of_the_screen() -> None:
    rows = [_article(n) for n in range(1000)]
    assert front_page.window(rows, 0) == rows[: front_page.ROWS]
    assert front_page.window(rows, 900) == rows[900:]
    assert front_page.window(rows, 10, rows=3) == rows[10:13]
    assert front_page.window(rows, -5, rows=2) == rows[:2]
