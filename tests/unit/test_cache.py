"""The index cache file: round trips, corruption, where it lives (loads: test_ingest.py)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

import reader.cache as cache_module
from reader import seedfile
from reader.cache import IndexCache
from reader.model import Article, Problem
from reader.text import related_keys, search_text

OLD = 1_600_000_000 * 10**9  # an mtime well outside the racy window


def _article(n: int, **changes: object) -> Article:
    values: dict[str, object] = {
        "id": f"https://example.com/{n}",
        "title": f"Title {n} [WIP] é 한겨레",
        "path": f"/news/{n:03d}.txt",
        "url": f"https://example.com/{n}",
        "provider": "Gulf News",
        "domain": "gulfnews.com",
        "published": datetime(2020, 6, 11, 16, n % 60, tzinfo=UTC),
        "quality": n,
        "heat": None,
        "topics": ("AI", "AWS AI"),
        "type": "article",
        "search_text": search_text(f"Title {n} [WIP] é 한겨레", "An excerpt\n\nin two paragraphs."),
        "related_keys": related_keys(("https://example.com/1", "https://other.org/x")),
    }
    values.update(changes)
    return Article(**values)  # type: ignore[arg-type]


def _entries() -> dict[str, cache_module.CacheEntry]:
    outcomes: list[Article | Problem] = [
        _article(1),
        Problem("/news/002.txt", "front matter is not valid YAML: oops", 3),
        _article(3, published=None, quality=None, topics=(), related_keys=b"", url=""),
        _article(4, published=datetime(2021, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)),
        # Dates a float timestamp cannot carry exactly.
        _article(5, published=datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        _article(6, published=datetime(1, 1, 1, tzinfo=UTC), heat=7),
        Problem("/news/007.txt", "no front matter", None, ignored=True),
    ]
    return {
        outcome.path: ((100 + index, OLD + index, OLD + 2 * index), outcome, index == 1)
        for index, outcome in enumerate(outcomes)
    }


@pytest.fixture
def cache(tmp_path: Path) -> IndexCache:
    return IndexCache([tmp_path / "seeds"], cache_dir=tmp_path / "cache")


# ------------------------------------------------------------------ the file


def test_round_trip_keeps_every_entry_in_order(cache: IndexCache) -> None:
    entries = _entries()
    assert cache.save(entries)
    loaded = cache.load()
    assert loaded == entries
    assert list(loaded) == list(entries)
    for path, (_sig, outcome, _named) in loaded.items():
        assert type(outcome) is type(entries[path][1])


def test_the_index_holds_the_entries_as_aligned_columns(cache: IndexCache) -> None:
    entries = _entries()
    assert cache.save(entries)
    index = cache.load_index()
    assert index is not None
    assert index.paths == list(entries)
    rows = zip(index.sizes, index.mtimes, index.ctimes, index.outcomes, index.named, strict=True)
    assert [((s, m, c), o, n) for s, m, c, o, n in rows] == list(entries.values())
    assert [outcome.path for outcome in index.outcomes] == index.paths


def test_round_trip_of_many_articles_without_problems(cache: IndexCache) -> None:
    entries = {
        f"/news/{n:03d}.txt": ((n, OLD + n, OLD + 2 * n), _article(n), False) for n in range(300)
    }
    assert cache.save(entries)
    assert cache.load() == entries


def test_fast_article_builder_matches_the_dataclass() -> None:
    article = _article(2)
    values = [getattr(article, name) for name in cache_module._ARTICLE_FIELDS]
    built = cache_module._build_article(*values)
    assert type(built) is Article
    assert built == article
    assert cache_module._build_article is not Article  # the fast path is in use


def test_load_of_a_missing_cache_is_none_and_creates_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "not-yet"
    cache = IndexCache([tmp_path], cache_dir=folder)
    assert cache.load() is None
    assert not cache.is_current()
    assert not folder.exists()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"garbage" * 100, id="garbage"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[: len(data) // 2], id="truncated-half"),
        pytest.param(lambda data: data[:-1], id="truncated-last-byte"),
        pytest.param(lambda data: data[:20], id="truncated-header"),
        pytest.param(lambda data: data + b"x", id="trailing-bytes"),
        pytest.param(lambda data: data[:-40] + bytes([data[-40] ^ 1]) + data[-39:], id="bit-flip"),
        pytest.param(lambda data: b"X" + data[1:], id="bad-magic"),
    ],
)
def test_a_damaged_cache_is_none_then_rebuilt(
    cache: IndexCache, damage: Callable[[bytes], bytes]
) -> None:
    entries = _entries()
    assert cache.save(entries)
    cache.path.write_bytes(damage(cache.path.read_bytes()))
    assert cache.load() is None
    assert gc.isenabled()
    assert cache.save(entries)
    assert cache.load() == entries


def test_another_format_version_is_none(cache: IndexCache, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache.save(_entries())
    assert cache.is_current()
    monkeypatch.setattr(cache_module, "FORMAT_VERSION", cache_module.FORMAT_VERSION + 1)
    cache_module._fingerprint.cache_clear()
    try:
        assert cache.load() is None
        assert not cache.is_current()
    finally:
        cache_module._fingerprint.cache_clear()


def test_another_app_version_is_none(cache: IndexCache, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache.save(_entries())
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    cache_module._fingerprint.cache_clear()
    try:
        assert cache.load() is None
    finally:
        cache_module._fingerprint.cache_clear()


def test_changed_loader_limits_are_none(cache: IndexCache, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache.save(_entries())
    monkeypatch.setattr(seedfile, "MAX_RELATED", seedfile.MAX_RELATED + 1)
    cache_module._fingerprint.cache_clear()
    try:
        assert cache.load() is None
    finally:
        cache_module._fingerprint.cache_clear()


def test_a_cache_of_other_seed_paths_is_none(tmp_path: Path) -> None:
    mine = IndexCache([tmp_path / "a"], cache_dir=tmp_path / "cache")
    other = IndexCache([tmp_path / "b"], cache_dir=tmp_path / "cache")
    assert other.path != mine.path
    assert other.save(_entries())
    mine.path.write_bytes(other.path.read_bytes())  # as if two names hashed alike
    assert mine.load() is None


def test_one_cache_per_set_of_seed_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    assert IndexCache([a, b]).path == IndexCache([b, a]).path
    assert IndexCache(["a", "b"]).path == IndexCache([a, b]).path  # absolute paths count
    assert IndexCache([a]).path != IndexCache([a, b]).path


def test_xdg_cache_home_moves_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache = IndexCache([tmp_path / "seeds"])
    assert cache.path.is_relative_to(tmp_path / "xdg" / "newsreader")
    assert cache.load() is None
    assert not (tmp_path / "xdg").exists()
    assert cache.save(_entries())
    assert cache.path.is_file()
    assert cache.load() == _entries()


def test_save_fails_quietly_when_the_cache_dir_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    cache = IndexCache([tmp_path], cache_dir=blocker)
    assert cache.save(_entries()) is False
    assert cache.load() is None


def test_save_fails_quietly_on_a_value_marshal_cannot_store(cache: IndexCache) -> None:
    bad = _article(1, topics=(object(),))
    assert cache.save({bad.path: ((1, OLD, OLD), bad, False)}) is False
    assert not cache.path.exists()


def test_save_replaces_atomically_and_leaves_no_temp_files(cache: IndexCache) -> None:
    assert cache.save(_entries())
    assert cache.save({})
    assert cache.load() == {}
    assert [p.name for p in cache.path.parent.iterdir()] == [cache.path.name]


def test_entries_of_just_changed_files_are_not_cached(cache: IndexCache) -> None:
    import time

    entries = _entries()
    fresh = _article(99, path="/news/099.txt")
    entries[fresh.path] = ((1, time.time_ns(), time.time_ns()), fresh, False)
    assert cache.save(entries)
    loaded = cache.load()
    assert loaded is not None
    assert fresh.path not in loaded
    assert len(loaded) == len(entries) - 1


def test_repeated_signature_numbers_load_as_one_object(cache: IndexCache) -> None:
    # A file written once has its ctime equal to its mtime; many files share a size:
    # at 100,000 files one int object each instead of three is ~6 MB.
    entries = {
        f"/news/{n:03d}.txt": (
            (4_000 + n % 3, OLD + n, OLD + n if n % 2 else OLD + 7 * n),
            _article(n),
            False,
        )
        for n in range(1, 40)
    }
    assert cache.save(entries)
    index = cache.load_index()
    assert index is not None
    assert [(s, m, c) for s, m, c in zip(index.sizes, index.mtimes, index.ctimes, strict=True)] == [
        sig for sig, _outcome, _named in entries.values()
    ]
    for mtime, ctime in zip(index.mtimes, index.ctimes, strict=True):
        assert (mtime is ctime) == (mtime == ctime)
    assert len({id(size) for size in index.sizes}) == 3


def test_a_warm_library_keeps_excerpts_only_folded_and_finds_their_words(tmp_path: Path) -> None:
    from reader.ingest import Ingest
    from reader.query import MatchContext, SearchIndex, parse

    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "---\ntitle: Storm over the Gulf\nexcerpt: 'Winds of Café strength.\\nSecond line.'\n---\n"
    )
    (folder / "b.txt").write_text("---\ntitle: Calm day\nexcerpt: Nothing at all.\n---\n")
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    cold = Ingest([folder], cache=cache, workers=1).load_all()
    warm = Ingest([folder], cache=IndexCache([folder], cache_dir=tmp_path / "cache")).load_all()
    assert warm.articles == cold.articles and warm.articles[0] is not cold.articles[0]
    storm = next(a for a in warm.articles if a.title.startswith("Storm"))
    assert not hasattr(storm, "excerpt")  # the raw excerpt is the file's, read with the detail
    assert storm.search_text == "storm over the gulf\nwinds of cafe strength. second line."
    assert seedfile.load_detail(storm).excerpt == "Winds of Café strength.\nSecond line."
    index = SearchIndex(warm.articles)
    context = MatchContext()
    assert index.filter(warm.articles, parse("cafe strength"), context) == [storm]
