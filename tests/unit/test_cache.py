"""The index cache: round trips, corruption, where it lives, and cached == uncached loads."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

import reader.cache as cache_module
from reader import loader
from reader.cache import (
    IndexCache,
    entries_for,
    load_collection_cached,
    needs_saving,
    result_from_cache,
    reuse,
    validate,
)
from reader.loader import load_collection, scan_paths
from reader.model import Article, LoadResult, Problem
from reader.watch import snapshot

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
        "excerpt": "An excerpt\n\nin two paragraphs.",
        "related_ids": ("https://example.com/1", "https://other.org/x"),
    }
    values.update(changes)
    return Article(**values)  # type: ignore[arg-type]


def _entries() -> dict[str, cache_module.CacheEntry]:
    outcomes: list[Article | Problem] = [
        _article(1),
        Problem("/news/002.txt", "front matter is not valid YAML: oops", 3),
        _article(3, published=None, quality=None, topics=(), related_ids=(), url=""),
        _article(4, published=datetime(2021, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)),
        # Dates a float timestamp cannot carry exactly.
        _article(5, published=datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        _article(6, published=datetime(1, 1, 1, tzinfo=UTC), heat=7),
        Problem("/news/007.txt", "no front matter", None, ignored=True),
    ]
    return {
        outcome.path: ((100 + index, OLD + index), outcome, index == 1)
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


def test_round_trip_of_many_articles_without_problems(cache: IndexCache) -> None:
    entries = {f"/news/{n:03d}.txt": ((n, OLD + n), _article(n), False) for n in range(300)}
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
    monkeypatch.setattr(loader, "MAX_RELATED", loader.MAX_RELATED + 1)
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
    assert cache.save({bad.path: ((1, OLD), bad, False)}) is False
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
    entries[fresh.path] = ((1, time.time_ns()), fresh, False)
    assert cache.save(entries)
    loaded = cache.load()
    assert loaded is not None
    assert fresh.path not in loaded
    assert len(loaded) == len(entries) - 1


# ------------------------------------------------------------------ validation


def test_validate_keeps_unchanged_and_reads_new_and_changed() -> None:
    entries = _entries()
    paths = list(entries)
    files = [(path, entries[path][2]) for path in paths]
    signatures = {path: entries[path][0] for path in paths}
    signatures[paths[0]] = (1, 2)  # changed
    files.append(("/news/new.txt", False))  # added
    signatures["/news/new.txt"] = (3, 4)
    del files[3]  # deleted
    kept, to_read = validate(entries, files, signatures)
    assert to_read == [(paths[0], False), ("/news/new.txt", False)]
    assert kept == [entries[path][1] for path in paths[1:] if path != paths[3]]


def test_a_file_found_differently_is_read_again_when_it_is_a_problem() -> None:
    problem = Problem("/news/readme.md", "no front matter", ignored=True)
    article = _article(1)
    cached = {problem.path: ((1, OLD), problem, False), article.path: ((2, OLD), article, False)}
    files = [(problem.path, True), (article.path, True)]  # now named on the command line
    signatures = {problem.path: (1, OLD), article.path: (2, OLD)}
    assert reuse(cached, files, signatures) == [None, article]


def test_a_file_gone_before_its_stat_is_read_and_not_cached() -> None:
    article = _article(1)
    cached = {article.path: ((2, OLD), article, False)}
    assert reuse(cached, [(article.path, False)], {}) == [None]
    assert entries_for([(article.path, False)], {}, [article]) == {}


# ------------------------------------------------------------------ cached loads


SEED = """---
title: "{title}"
webUrl: "https://example.com/{slug}"
publishedDateTime: {date}
quality: {quality}
provider:
  name: Example
  domain: example.com
topics:
  - AI
related:
  - title: "Other"
    webUrl: "https://example.com/b"
---
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Good, bad, ignored and duplicate files, all with old mtimes."""
    root = tmp_path / "seeds"
    root.mkdir()
    files = {
        "a.txt": SEED.format(title="A", slug="a", date="2020-06-11T16:14:00Z", quality=1),
        "b.txt": SEED.format(title="B", slug="b", date="2020-06-12T16:14:00Z", quality=2),
        # c is a re-crawl of a: the same link, a day later (it wins).
        "c.txt": SEED.format(title="A again", slug="a", date="2020-06-12T16:14:00Z", quality=3),
        "d.md": SEED.format(title="D", slug="d", date="2020-06-13T16:14:00.5Z", quality=4),
        "bad.txt": "---\ntitle: [unclosed\n---\n",
        "notitle.txt": "---\nexcerpt: no title here\n---\n",
        "README.md": "# Not an article\n",
        "sub/e.txt": SEED.format(title="E", slug="e", date="2020-06-14T16:14:00Z", quality=5),
        # an exact duplicate of b in a later folder (loses: same date, later path)
        "sub/f.txt": SEED.format(title="B", slug="b", date="2020-06-12T16:14:00Z", quality=2),
    }
    for index, (name, content) in enumerate(sorted(files.items())):
        _write(root / name, content, OLD + index * 10**9)
    return root


def _write(path: Path, content: str, mtime_ns: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


def _same(a: LoadResult, b: LoadResult) -> None:
    assert a.articles == b.articles
    assert [x.path for x in a.articles] == [x.path for x in b.articles]
    assert a.problems == b.problems
    assert a.ignored == b.ignored
    assert a.duplicates == b.duplicates
    assert a.files_read == b.files_read


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the files parsed, in order (serial loads only)."""
    seen: list[str] = []
    real = loader.load_seed_file

    def counting(path: str, *, explicit: bool = True) -> Article | Problem:
        seen.append(os.path.basename(path))
        return real(path, explicit=explicit)

    monkeypatch.setattr(loader, "load_seed_file", counting)
    return seen


def test_the_fixture_has_every_kind_of_file(folder: Path) -> None:
    result = load_collection([folder], workers=1)
    assert len(result.articles) == 4
    assert len(result.problems) == 2
    assert len(result.ignored) == 1
    assert len(result.duplicates) == 2


def test_a_cached_load_equals_an_uncached_load(folder: Path, tmp_path: Path) -> None:
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    first, signatures = load_collection_cached([folder], cache, workers=1)
    assert signatures == snapshot(scan_paths([folder])[0])
    assert cache.path.is_file()
    second, _ = load_collection_cached([folder], cache, workers=1)
    uncached = load_collection([folder], workers=1)
    _same(first, uncached)
    _same(second, uncached)
    entries = cache.load()
    assert entries is not None
    _same(result_from_cache(entries), load_collection([folder], workers=1))


def test_a_warm_load_parses_nothing(folder: Path, tmp_path: Path, parsed: list[str]) -> None:
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    load_collection_cached([folder], cache, workers=1)
    assert len(parsed) == 9
    parsed.clear()
    saved = cache.path.stat().st_mtime_ns
    load_collection_cached([folder], cache, workers=1)
    assert parsed == []
    assert cache.path.stat().st_mtime_ns == saved  # nothing changed: not rewritten


def test_a_changed_file_alone_is_read_again(
    folder: Path, tmp_path: Path, parsed: list[str]
) -> None:
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    load_collection_cached([folder], cache, workers=1)
    parsed.clear()
    new = SEED.format(title="B edited", slug="b", date="2020-06-20T16:14:00Z", quality=9)
    _write(folder / "b.txt", new, OLD + 99 * 10**9)
    result, _ = load_collection_cached([folder], cache, workers=1)
    assert parsed == ["b.txt"]
    assert "B edited" in [a.title for a in result.articles]
    _same(result, load_collection([folder], workers=1))
    parsed.clear()
    load_collection_cached([folder], cache, workers=1)
    assert parsed == []


def test_same_size_same_content_new_mtime_is_read_again(
    folder: Path, tmp_path: Path, parsed: list[str]
) -> None:
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    load_collection_cached([folder], cache, workers=1)
    parsed.clear()
    os.utime(folder / "d.md", ns=(OLD + 77 * 10**9, OLD + 77 * 10**9))
    load_collection_cached([folder], cache, workers=1)
    assert parsed == ["d.md"]


def test_an_added_file_alone_is_read(folder: Path, tmp_path: Path, parsed: list[str]) -> None:
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    load_collection_cached([folder], cache, workers=1)
    parsed.clear()
    # A newer copy of e: the duplicate now resolves the other way.
    new = SEED.format(title="E newer", slug="e", date="2021-01-01T00:00:00Z", quality=1)
    _write(folder / "aa.txt", new, OLD + 50 * 10**9)
    result, _ = load_collection_cached([folder], cache, workers=1)
    assert parsed == ["aa.txt"]
    assert "E newer" in [a.title for a in result.articles]
    _same(result, load_collection([folder], workers=1))


def test_a_deleted_file_drops_out_without_reading(
    folder: Path, tmp_path: Path, parsed: list[str]
) -> None:
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    load_collection_cached([folder], cache, workers=1)
    parsed.clear()
    (folder / "c.txt").unlink()  # the winner of a duplicate: a comes back
    (folder / "bad.txt").unlink()
    result, _ = load_collection_cached([folder], cache, workers=1)
    assert parsed == []
    assert "A" in [a.title for a in result.articles]
    _same(result, load_collection([folder], workers=1))
    entries = cache.load()
    assert entries is not None
    assert str(folder / "c.txt") not in entries


def test_a_corrupt_cache_loads_like_no_cache(
    folder: Path, tmp_path: Path, parsed: list[str]
) -> None:
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    load_collection_cached([folder], cache, workers=1)
    cache.path.write_bytes(b"\x00" * 64)
    parsed.clear()
    result, _ = load_collection_cached([folder], cache, workers=1)
    assert len(parsed) == 9
    _same(result, load_collection([folder], workers=1))
    assert cache.load() is not None  # rebuilt


def test_write_false_leaves_the_cache_alone(folder: Path, tmp_path: Path) -> None:
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    result, _ = load_collection_cached([folder], cache, workers=1, write=False)
    assert not (tmp_path / "cache").exists()
    _same(result, load_collection([folder], workers=1))


def test_no_cache_at_all_is_a_plain_load(folder: Path) -> None:
    result, _ = load_collection_cached([folder], None, workers=1)
    _same(result, load_collection([folder], workers=1))


def test_progress_counts_every_file(folder: Path, tmp_path: Path) -> None:
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    calls: list[tuple[int, int]] = []
    load_collection_cached([folder], cache, workers=1, progress=lambda *a: calls.append(a))
    assert calls[-1] == (9, 9)


def test_a_named_file_and_its_folder_keep_their_roles(folder: Path, tmp_path: Path) -> None:
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    readme = folder / "README.md"
    load_collection_cached([folder], cache, workers=1)
    # The same seeds in another order share the cache; the readme is now named
    # first, so it is a problem rather than ignored.
    both = IndexCache([readme, folder], cache_dir=tmp_path / "cache")
    assert both.path != cache.path
    load_collection_cached([folder, readme], both, workers=1)
    result, _ = load_collection_cached([readme, folder], both, workers=1)
    _same(result, load_collection([readme, folder], workers=1))
    assert [p.path for p in result.problems if p.path == str(readme)] == [str(readme)]


def test_the_cached_result_without_duplicates_equals_a_load(folder: Path, tmp_path: Path) -> None:
    (folder / "c.txt").unlink()
    (folder / "sub" / "f.txt").unlink()
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    load_collection_cached([folder], cache, workers=1)
    entries = cache.load()
    assert entries is not None
    result = result_from_cache(entries)
    assert result.duplicates == []
    _same(result, load_collection([folder], workers=1))


def test_needs_saving_only_when_something_changed() -> None:
    entries = _entries()
    files = [(path, entry[2]) for path, entry in entries.items()]
    signatures = {path: entry[0] for path, entry in entries.items()}
    assert not needs_saving(entries, reuse(entries, files, signatures))
    assert needs_saving(None, reuse({}, files, signatures))
    assert needs_saving(entries, reuse(entries, files[1:], signatures))  # one deleted
    changed = dict(signatures, **{files[0][0]: (0, 0)})
    assert needs_saving(entries, reuse(entries, files, changed))
