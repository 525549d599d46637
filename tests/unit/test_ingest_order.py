"""The date order the index cache stores: a warm start takes it instead of sorting,
and it must be exactly the order the store would sort the articles in."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

import reader.cache as cache_module
from reader.cache import IndexCache
from reader.ingest import Ingest, Loaded
from reader.model import Article, LoadResult
from reader.query.hide import HideRules
from reader.store import SORTS, Store, date_key

OLD = 1_600_000_000 * 10**9  # an mtime well outside the racy window
ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "corpus"


def _seed(title: str, date: str | None, provider: str = "Example", topic: str = "AI") -> str:
    dated = f"publishedDateTime: {date}\n" if date is not None else ""
    slug = title.lower().replace(" ", "-")
    return (
        f'---\ntitle: "{title}"\nwebUrl: "https://example.com/{slug}"\n{dated}'
        f"provider:\n  name: {provider}\n  domain: example.com\ntopics:\n  - {topic}\n---\n"
    )


def _library(root: Path, generated: int = 200) -> Path:
    """A generated corpus, and beside it what sorts in every way there is: equal
    dates (the id decides), no date (last), fractions of a second, other zones."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    generate(root, generated, seed=5)
    tricky = {
        "t1.txt": _seed("Tie B", "2021-03-11T18:10:00Z"),
        "t2.txt": _seed("Tie A", "2021-03-11T18:10:00Z"),
        "t3.txt": _seed("Tie in Paris", "2021-03-11T19:10:00+01:00"),
        "t4.txt": _seed("Undated one", None, topic="Other"),
        "t5.txt": _seed("Undated two", None),
        "t6.txt": _seed("A fraction", "2021-03-11T18:10:00.25Z"),
        "t7.txt": _seed("Long ago", "1901-01-01T00:00:00Z", provider="Spam Daily"),
    }
    for name, text in tricky.items():
        (root / name).write_text(text, encoding="utf-8")
    _age(root)
    return root


def _age(root: Path) -> None:
    for n, path in enumerate(sorted(root.rglob("*.txt"))):
        os.utime(path, ns=(OLD + n * 10**9, OLD + n * 10**9))


def _warm(root: Path, cache: IndexCache, **options: object) -> LoadResult:
    session = Ingest([root], cache=cache, workers=1, **options)  # type: ignore[arg-type]
    (event,) = list(session.load())
    assert isinstance(event, Loaded) and event.from_cache
    return event.result


def _assert_sorted_order(result: LoadResult) -> None:
    """``by_date`` is the result's very articles, as the store sorts them."""
    assert result.by_date is not None
    expected = sorted(result.articles, key=date_key)
    assert len(result.by_date) == len(expected)
    assert all(a is b for a, b in zip(result.by_date, expected, strict=True))


def _assert_same_views(result: LoadResult) -> None:
    """A store taking the order answers every view as one that sorts."""
    taken, sorting = Store(result.articles, result.by_date), Store(result.articles)
    topics = [None, *(topic for topic, _ in sorting.topics())]
    for sort in SORTS:
        for topic in topics:
            assert taken.view(topic, sort) == sorting.view(topic, sort)


@pytest.mark.parametrize("source", ["generated", "shared corpus"])
def test_a_warm_start_takes_the_stored_order_which_is_the_sorted_one(
    tmp_path: Path, source: str
) -> None:
    if source == "shared corpus":
        if not SHARED.is_dir():
            pytest.skip("../shared/corpus is not beside the repo")
        root = SHARED
    else:
        root = _library(tmp_path / "seeds")
    cache = IndexCache([root], cache_dir=tmp_path / "cache")
    cold = Ingest([root], cache=cache, workers=1).load_all()
    _assert_sorted_order(cold)  # sorted once, for the cache and the store
    warm = _warm(root, cache)
    assert warm.articles == cold.articles
    if warm.duplicates:  # the shared corpus may hold two files of one article
        assert warm.by_date is None
    else:
        _assert_sorted_order(warm)
    _assert_same_views(warm)


def test_the_order_is_sorted_when_saved_and_read(tmp_path: Path) -> None:
    root = _library(tmp_path / "seeds", generated=40)
    cache = IndexCache([root], cache_dir=tmp_path / "cache")
    Ingest([root], cache=cache, workers=1).load_all()
    index = cache.load_index()
    assert index is not None and index.by_date is not None
    articles = [o for o in index.outcomes if isinstance(o, Article)]
    assert index.by_date == sorted(articles, key=date_key)
    assert {id(a) for a in index.by_date} == {id(a) for a in articles}
    # Undated last, equal dates by id, other zones where their instant falls.
    undated = [a for a in index.by_date if a.published is None]
    assert {a.title for a in undated} == {"Undated one", "Undated two"}
    assert index.by_date[-2:] == undated and undated == sorted(undated, key=lambda a: a.id)
    ties = [a for a in index.by_date if a.title.startswith("Tie")]
    assert len(ties) == 3 and [a.id for a in ties] == sorted(a.id for a in ties)
    assert index.by_date.index(ties[0]) + 2 == index.by_date.index(ties[2])  # side by side


def test_a_hide_rule_keeps_the_order_of_what_it_leaves(tmp_path: Path) -> None:
    root = _library(tmp_path / "seeds", generated=60)
    cache = IndexCache([root], cache_dir=tmp_path / "cache")
    rules = HideRules.parse(['provider:"Spam Daily"', "title:tie"])
    cold = Ingest([root], cache=cache, workers=1, hide=rules).load_all()
    assert cold.hidden
    warm = _warm(root, cache, hide=rules)
    assert len(warm.hidden) == len(cold.hidden)
    _assert_sorted_order(warm)
    _assert_same_views(warm)


def test_two_files_of_one_article_leave_the_sorting_to_the_store(tmp_path: Path) -> None:
    root = _library(tmp_path / "seeds", generated=30)
    # The same link again, a day later: one article of two files, kept with both topics.
    (root / "again.txt").write_text(_seed("Tie A", "2021-03-12T18:10:00Z", topic="Other"))
    _age(root)
    cache = IndexCache([root], cache_dir=tmp_path / "cache")
    Ingest([root], cache=cache, workers=1).load_all()
    warm = _warm(root, cache)
    assert warm.duplicates and warm.by_date is None
    _assert_same_views(warm)


def test_a_change_is_sorted_in_and_the_next_start_takes_its_order(tmp_path: Path) -> None:
    root = _library(tmp_path / "seeds", generated=50)
    cache = IndexCache([root], cache_dir=tmp_path / "cache")
    Ingest([root], cache=cache, workers=1).load_all()
    session = Ingest([root], cache=cache, workers=1)
    list(session.load())
    (root / "t1.txt").write_text(_seed("Tie B", "2030-01-01T00:00:00Z"))  # newest now
    (root / "t8.txt").write_text(_seed("Newcomer", "2019-05-05T05:05:05Z"))
    os.remove(root / "t6.txt")
    _age(root)
    changes = session.check()
    assert changes.result is not None
    _assert_sorted_order(changes.result)
    assert changes.result.by_date[0].title == "Tie B"
    warm = _warm(root, cache)
    assert warm.articles == changes.result.articles
    _assert_sorted_order(warm)
    _assert_same_views(warm)


def test_a_file_changed_just_now_is_not_cached_and_the_rest_keep_their_order(
    tmp_path: Path,
) -> None:
    root = _library(tmp_path / "seeds", generated=40)
    now = time.time_ns()
    os.utime(root / "t2.txt", ns=(now, now))  # racily clean: not trusted from the cache
    cache = IndexCache([root], cache_dir=tmp_path / "cache")
    cold = Ingest([root], cache=cache, workers=1).load_all()
    index = cache.load_index()
    assert index is not None and str(root / "t2.txt") not in index.paths
    assert index.by_date == sorted(
        (o for o in index.outcomes if isinstance(o, Article)), key=date_key
    )
    session = Ingest([root], cache=cache, workers=1)
    (event,) = list(session.load())
    assert isinstance(event, Loaded)
    _assert_sorted_order(event.result)
    changes = session.check()  # the file not cached is read again
    assert changes.result is not None and changes.result.articles == cold.articles
    _assert_sorted_order(changes.result)


def test_a_store_ignores_an_order_that_does_not_hold_its_articles(tmp_path: Path) -> None:
    root = _library(tmp_path / "seeds", generated=20)
    result = Ingest([root], workers=1).load_all()
    ordered = sorted(result.articles, key=date_key)
    assert Store(result.articles, ordered[:-1]).ordered("date") == ordered
    assert Store(result.articles, ordered).ordered("date") == ordered


def test_a_stored_order_that_is_not_a_permutation_is_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _library(tmp_path / "seeds", generated=20)
    cache = IndexCache([root], cache_dir=tmp_path / "cache")
    real = cache_module._date_rows

    def twice(articles: list[Article], by_date: object) -> list[int]:
        rows = real(articles, None)  # type: ignore[arg-type]
        return [rows[0], *rows[:-1]]  # one row twice, another never

    monkeypatch.setattr(cache_module, "_date_rows", twice)
    Ingest([root], cache=cache, workers=1).load_all()
    assert cache.is_current()
    assert cache.load_index() is None
    assert cache.load_columns(("title",)) is None
    monkeypatch.setattr(cache_module, "_date_rows", real)
    assert not cache_module._is_order([0, 0], 2)
    assert not cache_module._is_order([0, 2], 2)
    assert not cache_module._is_order([-1, 0], 2)
    assert not cache_module._is_order([0], 2)
    assert cache_module._is_order([1, 0], 2) and cache_module._is_order([], 0)


def test_the_module_that_orders_is_in_the_cache_fingerprint() -> None:
    # Another date_key would make the stored orders wrong: its source is digested.
    module = date_key.__module__.removeprefix("reader.")
    assert module in cache_module._ORDER_MODULES
