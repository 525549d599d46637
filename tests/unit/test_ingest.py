"""The one ingest path: cold, warm and rescanned loads agree; only what changed is read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader import ingest, scan, scan_apart, seedfile
from reader.cache import IndexCache
from reader.collect import Collector, collect
from reader.ingest import Changes, Ingest, Loaded, Progress
from reader.model import Article, LoadResult, Problem
from reader.scan import diff

OLD = 1_600_000_000 * 10**9  # an mtime well outside the racy window

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


def _write(path: Path, content: str, mtime_ns: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Good, bad, ignored and duplicate files and a broken link, all with old mtimes."""
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
    os.symlink(root / "gone.txt", root / "link.txt")
    return root


def _same(a: LoadResult, b: LoadResult) -> None:
    assert a.articles == b.articles
    assert [x.path for x in a.articles] == [x.path for x in b.articles]
    assert a.problems == b.problems
    assert a.ignored == b.ignored
    assert a.duplicates == b.duplicates
    assert a.files_read == b.files_read


def cold(*paths: Path) -> LoadResult:
    return Ingest(list(paths), workers=1).load_all()


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files parsed, in order (serial loads only)."""
    seen: list[str] = []
    real = seedfile.load_seed_excerpt

    def counting(path: str, *, explicit: bool = True) -> tuple[Article, str] | Problem:
        seen.append(os.path.basename(path))
        return real(path, explicit=explicit)

    monkeypatch.setattr(seedfile, "load_seed_excerpt", counting)  # what ingest reads files with
    return seen


@pytest.fixture
def cache(tmp_path: Path, folder: Path) -> IndexCache:
    return IndexCache([folder], cache_dir=tmp_path / "cache")


def _warm(folder: Path, cache: IndexCache) -> tuple[Ingest, Loaded]:
    session = Ingest([folder], cache=cache, workers=1)
    events = list(session.load())
    assert len(events) == 1 and isinstance(events[0], Loaded) and events[0].from_cache
    return session, events[0]


# ------------------------------------------------------------------ loads


def test_the_fixture_has_every_kind_of_file(folder: Path) -> None:
    result = cold(folder)
    assert len(result.articles) == 4
    assert [Path(p.path).name for p in result.problems] == ["link.txt", "bad.txt", "notitle.txt"]
    assert [p.reason for p in result.problems][0] == "broken symbolic link"
    assert len(result.ignored) == 1
    assert len(result.duplicates) == 2
    assert result.files_read == 9  # the broken link is not a file read


def test_a_cold_load_streams_progress_then_the_result(folder: Path, tmp_path: Path) -> None:
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    events = list(Ingest([folder], cache=cache, workers=1).load())
    progress = [e for e in events if isinstance(e, Progress)]
    assert progress[0] == Progress(0, 9)
    assert (progress[-1].done, progress[-1].total) == (9, 9)
    streamed = [a for e in progress for a in e.articles]
    assert {a.title for a in streamed} >= {"A", "A again", "B", "D", "E"}
    (loaded,) = [e for e in events if isinstance(e, Loaded)]
    assert not loaded.from_cache
    _same(loaded.result, cold(folder))
    assert cache.path.is_file()  # saved after the result was handed over


def test_cold_warm_and_checked_loads_are_the_same(folder: Path, cache: IndexCache) -> None:
    expected = cold(folder)
    first = Ingest([folder], cache=cache, workers=1).load_all()
    _same(first, expected)
    session, loaded = _warm(folder, cache)
    _same(loaded.result, expected)  # shown at once, before any file is looked at
    changes = session.check()
    assert not changes and changes.result is None
    _same(session.result, expected)


def test_skipped_files_count_the_same_cold_warm_and_after_a_rescan(tmp_path: Path) -> None:
    """A broken link and a bad YAML file: 2 files skipped, whichever way the library loads."""
    root = tmp_path / "two"
    _write(root / "good.txt", SEED.format(title="G", slug="g", date="2020-01-01", quality=1), OLD)
    _write(root / "bad.txt", "---\ntitle: [x\n---\n", OLD)
    os.symlink(root / "nowhere.txt", root / "broken.txt")
    cache = IndexCache([root], cache_dir=tmp_path / "cache")
    cold_session = Ingest([root], cache=cache, workers=1)
    *_, loaded = cold_session.load()
    assert len(loaded.result.problems) == 2
    warm_session, warm = _warm(root, cache)
    assert len(warm.result.problems) == 2
    _write(root / "new.txt", SEED.format(title="N", slug="n", date="2020-01-02", quality=1), OLD)
    changes = warm_session.check()
    assert changes.result is not None and len(changes.result.problems) == 2
    assert [Path(p.path).name for p in changes.result.problems] == ["broken.txt", "bad.txt"]


def test_a_warm_load_parses_nothing_and_saves_nothing(
    folder: Path, cache: IndexCache, parsed: list[str]
) -> None:
    Ingest([folder], cache=cache, workers=1).load_all()
    assert len(parsed) == 9
    parsed.clear()
    saved = cache.path.stat().st_mtime_ns
    Ingest([folder], cache=cache, workers=1).load_all()
    assert parsed == []
    assert cache.path.stat().st_mtime_ns == saved  # nothing changed: not rewritten


def test_a_warm_load_all_leaves_the_collector_as_it_found_it(
    folder: Path, cache: IndexCache
) -> None:
    # The check runs with the cached library out of the collector's scans:
    # afterwards nothing stays frozen (its garbage would never be freed).
    import gc

    cold_result = Ingest([folder], cache=cache, workers=1).load_all()
    frozen = gc.get_freeze_count()
    warm_result = Ingest([folder], cache=cache, workers=1).load_all()
    assert gc.get_freeze_count() == frozen
    assert gc.isenabled()
    _same(warm_result, cold_result)


def test_a_changed_file_alone_is_read_and_keeps_its_place(
    folder: Path, cache: IndexCache, parsed: list[str]
) -> None:
    Ingest([folder], cache=cache, workers=1).load_all()
    session, _ = _warm(folder, cache)
    parsed.clear()
    new = SEED.format(title="B edited", slug="b", date="2020-06-20T16:14:00Z", quality=9)
    _write(folder / "b.txt", new, OLD + 99 * 10**9)
    changes = session.check()
    assert parsed == ["b.txt"]
    assert (changes.added, changes.changed, changes.removed) == (0, 1, 0)
    assert changes.result is not None
    # Not put at the end: the same order, problems and duplicates as a fresh load.
    _same(changes.result, cold(folder))
    parsed.clear()
    assert not session.check()
    assert Ingest([folder], cache=cache, workers=1).load_all() is not None
    assert parsed == []


def test_same_size_same_content_new_mtime_is_read_again(
    folder: Path, cache: IndexCache, parsed: list[str]
) -> None:
    Ingest([folder], cache=cache, workers=1).load_all()
    parsed.clear()
    os.utime(folder / "d.md", ns=(OLD + 77 * 10**9, OLD + 77 * 10**9))
    Ingest([folder], cache=cache, workers=1).load_all()
    assert parsed == ["d.md"]


def test_an_added_file_alone_is_read_and_wins_its_duplicate(
    folder: Path, cache: IndexCache, parsed: list[str]
) -> None:
    Ingest([folder], cache=cache, workers=1).load_all()
    session, _ = _warm(folder, cache)
    parsed.clear()
    # A newer copy of e: the duplicate now resolves the other way.
    new = SEED.format(title="E newer", slug="e", date="2021-01-01T00:00:00Z", quality=1)
    _write(folder / "aa.txt", new, OLD + 50 * 10**9)
    changes = session.check()
    assert parsed == ["aa.txt"]
    assert changes.result is not None
    assert "E newer" in [a.title for a in changes.result.articles]
    _same(changes.result, cold(folder))


def test_a_deleted_winner_brings_its_duplicate_back_without_reading(
    folder: Path, cache: IndexCache, parsed: list[str]
) -> None:
    Ingest([folder], cache=cache, workers=1).load_all()
    session, _ = _warm(folder, cache)
    parsed.clear()
    (folder / "c.txt").unlink()  # the winner of a duplicate: a comes back
    (folder / "bad.txt").unlink()
    changes = session.check()
    assert parsed == []
    assert changes.removed == 2
    assert changes.result is not None and "A" in [a.title for a in changes.result.articles]
    _same(changes.result, cold(folder))
    entries = cache.load()
    assert entries is not None and str(folder / "c.txt") not in entries


@pytest.fixture(params=["in-process", "apart"])
def walks(request, monkeypatch) -> list[list[str]]:
    """Every check walks in-process, or (from its first file) in a process apart;
    the paths of each walk apart made."""
    made: list[list[str]] = []
    if request.param == "apart":
        monkeypatch.setattr(ingest, "APART_FROM", 0)

        class Counted(scan_apart.WalkApart):
            def __init__(self, paths):
                super().__init__(paths)
                made.append(self.given)

        monkeypatch.setattr(ingest, "WalkApart", Counted)
    return made


def test_a_live_session_follows_many_changes_like_a_fresh_load(folder: Path, walks) -> None:
    session = Ingest([folder], workers=1)
    session.load_all()
    _write(folder / "zz.txt", SEED.format(title="Z", slug="z", date="2020-01-01", quality=0), OLD)
    (folder / "sub" / "f.txt").unlink()
    fixed = SEED.format(title="Fixed", slug="x", date="2020-01-02", quality=1)
    _write(folder / "bad.txt", fixed, OLD)
    session.check()
    _same(session.result, cold(folder))
    (folder / "a.txt").rename(folder / "sub" / "a-moved.txt")
    changes = session.check()
    assert (changes.added, changes.moved, changes.removed) == (0, 1, 0)
    assert changes.summary() == "1 file renamed or moved."
    _same(session.result, cold(folder))
    assert not session.check()
    assert len(walks) in (0, 3)  # each check walked apart, or none did


def test_a_corrupt_cache_loads_like_no_cache(
    folder: Path, cache: IndexCache, parsed: list[str]
) -> None:
    Ingest([folder], cache=cache, workers=1).load_all()
    cache.path.write_bytes(b"\x00" * 64)
    parsed.clear()
    result = Ingest([folder], cache=cache, workers=1).load_all()
    assert len(parsed) == 9
    _same(result, cold(folder))
    assert cache.load() is not None  # rebuilt


def test_no_cache_reads_everything_and_writes_nothing(folder: Path, tmp_path: Path) -> None:
    result = Ingest([folder], cache=None, workers=1).load_all()
    _same(result, cold(folder))
    assert not (tmp_path / "cache").exists()


def test_a_named_file_and_its_folder_keep_their_roles(folder: Path, tmp_path: Path) -> None:
    readme = folder / "README.md"
    both = IndexCache([readme, folder], cache_dir=tmp_path / "cache")
    Ingest([folder, readme], cache=both, workers=1).load_all()
    # The same seeds in another order share the cache; the readme is now named
    # first, so it is a problem rather than ignored.
    result = Ingest([readme, folder], cache=both, workers=1).load_all()
    _same(result, cold(readme, folder))
    assert [p.path for p in result.problems if p.path == str(readme)] == [str(readme)]


def test_a_missing_path_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    result = cold(tmp_path / "nope")
    assert [p.reason for p in result.problems] == ["no such file or folder"]


def test_results_handed_out_are_never_changed(folder: Path) -> None:
    """The event loop keeps a result while the next check runs in a worker."""
    session = Ingest([folder], workers=1)
    first = session.load_all()
    articles, problems = list(first.articles), list(first.problems)
    _write(folder / "zz.txt", SEED.format(title="Z", slug="z", date="2020-01-01", quality=0), OLD)
    (folder / "bad.txt").unlink()
    assert session.check()
    assert first.articles == articles and first.problems == problems


def test_changes_summary_words() -> None:
    assert Changes(None).summary() == ""
    assert Changes(LoadResult(), added=1).summary() == "1 new article."
    assert (
        Changes(LoadResult(), added=2, changed=1, removed=3).summary()
        == "2 new articles, 1 file changed, 3 files removed."
    )


# ------------------------------------------------------------------ the folder diff


def test_diff_finds_new_changed_and_removed_files() -> None:
    old = {"/a": (1, 1), "/b": (2, 2), "/c": (3, 3)}
    files = [("/a", False), ("/b", False), ("/d", False)]
    new = {"/a": (1, 1), "/b": (2, 5), "/d": (4, 4)}
    found = diff(old, files, new)
    assert found.to_read == [("/b", False), ("/d", False)]
    assert (found.added, found.changed, found.removed) == (1, 1, ["/c"])


def test_diff_rereads_a_file_named_now_but_found_before() -> None:
    old = {"/readme.md": (1, 1)}
    found = diff(old, [("/readme.md", True)], {"/readme.md": (1, 1)}, frozenset())
    assert found.to_read == [("/readme.md", True)] and found.changed == 1
    same = diff(old, [("/readme.md", True)], {"/readme.md": (1, 1)}, frozenset({"/readme.md"}))
    assert not same


def test_diff_skips_a_file_gone_between_scan_and_stat() -> None:
    found = diff({}, [("/gone", False)], {})
    assert not found and found.added == 0


# ------------------------------------------------------------------ a quick start


def test_quick_load_needs_a_small_cache(folder: Path, cache: IndexCache) -> None:
    assert Ingest([folder], cache=None, workers=1).quick_load(10**9) is None
    assert Ingest([folder], cache=cache, workers=1).quick_load(10**9) is None  # none saved yet
    Ingest([folder], cache=cache, workers=1).load_all()
    size = cache.size()
    assert size is not None and size > 0
    assert Ingest([folder], cache=cache, workers=1).quick_load(size - 1) is None
    assert Ingest([folder], cache=cache, workers=1).quick_load(size) is not None


def test_quick_load_of_an_unchanged_library_is_checked_and_parses_nothing(
    folder: Path, cache: IndexCache, parsed: list[str]
) -> None:
    expected = Ingest([folder], cache=cache, workers=1).load_all()
    parsed.clear()
    session = Ingest([folder], cache=cache, workers=1)
    loaded = session.quick_load(10**9)
    assert loaded is not None and loaded.from_cache and loaded.checked
    assert parsed == []
    _same(loaded.result, expected)
    assert not session.check()  # the quick load's scan is the session's knowledge


def test_quick_load_of_a_changed_library_shows_the_cache_and_leaves_reading_to_check(
    folder: Path, cache: IndexCache, parsed: list[str]
) -> None:
    Ingest([folder], cache=cache, workers=1).load_all()
    new = SEED.format(title="B edited", slug="b", date="2020-06-20T16:14:00Z", quality=9)
    _write(folder / "b.txt", new, OLD + 99 * 10**9)
    parsed.clear()
    session = Ingest([folder], cache=cache, workers=1)
    loaded = session.quick_load(10**9)
    assert loaded is not None and loaded.from_cache and not loaded.checked
    assert parsed == []  # nothing read before the first paint
    assert "B edited" not in {a.title for a in loaded.result.articles}
    changes = session.check()
    assert changes.changed == 1 and parsed == ["b.txt"]
    _same(changes.result, cold(folder))


def test_a_check_breathes_during_its_walk(tmp_path: Path) -> None:
    root = tmp_path / "many"
    for n in range(scan.BREATHE_EVERY * 3):
        _write(root / f"{n:04}.txt", SEED.format(title=f"T{n}", slug=n, date="2020-01-01",
                                                 quality=1), OLD)  # fmt: skip
    session = Ingest([root], workers=1)
    session.load_all()
    calls: list[int] = []
    assert not session.check(lambda: calls.append(1))
    assert len(calls) >= 3


def _collected(result: LoadResult) -> tuple:
    return (
        result.articles,
        result.problems,
        result.ignored,
        result.duplicates,
        result.files_read,
        result.hidden,
    )


def test_collect_of_distinct_articles_is_what_adding_them_one_by_one_makes(tmp_path: Path):
    # A list of articles, each id once, is taken whole; anything else one by one.
    one = Article(id="a", title="A", path=str(tmp_path / "a.txt"))
    two = Article(id="b", title="B", path=str(tmp_path / "b.txt"))
    again = Article(id="a", title="A again", path=str(tmp_path / "c.txt"))
    problem = Problem(str(tmp_path / "d.txt"), "no front matter")
    scanned = [Problem(str(tmp_path / "e.txt"), "broken symbolic link")]
    for outcomes in ([one, two], [one, two, again], [one, problem, two], []):
        collector = Collector(scanned)
        for outcome in outcomes:
            collector.add(outcome)
        taken = collect(scanned, outcomes)
        assert _collected(taken) == _collected(collector.result)
        assert taken.articles is not outcomes  # the result never shares the caller's list


def _plain_library(tmp_path: Path) -> Path:
    root = tmp_path / "plain"
    for n in range(2 * scan.BREATHE_EVERY + 5):  # three steps of the bulk check
        _write(root / f"{n:04}.txt", SEED.format(title=f"T{n}", slug=n, date="2020-01-01",
                                                 quality=1), OLD + n)  # fmt: skip
    return root


def test_an_unchanged_plain_folder_is_checked_in_bulk(tmp_path, monkeypatch):
    root = _plain_library(tmp_path)
    session = Ingest([root], workers=1)
    session.load_all()
    monkeypatch.setattr(ingest, "rescan", None)  # the walk entry by entry is not taken
    calls: list[int] = []
    assert not session.check(lambda: calls.append(1))
    assert len(calls) >= 3  # it breathes as the walk does
    (root / ".hidden.txt").write_text("not an article", encoding="utf-8")
    assert not session.check()  # a hidden file is no change


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda r: _write(r / "0003.txt", "---\ntitle: New\n---\n", OLD), id="changed"),
        pytest.param(lambda r: _write(r / "0009x.txt", "---\ntitle: X\n---\n", OLD), id="added"),
        pytest.param(lambda r: (r / "0004.txt").unlink(), id="removed"),
        pytest.param(lambda r: os.utime(r / "0005.txt", ns=(OLD, OLD + 7)), id="touched"),
        pytest.param(lambda r: (r / "0006.txt").rename(r / "0006b.txt"), id="renamed"),
        pytest.param(lambda r: _write(r / "sub" / "s.txt", "---\ntitle: S\n---\n", OLD), id="sub"),
        pytest.param(lambda r: (r / "0007.txt").chmod(0o644), id="chmod"),
    ],
)
def test_a_plain_folder_checked_in_bulk_finds_every_change(tmp_path, change, walks):
    root = _plain_library(tmp_path)
    session = Ingest([root], workers=1)
    session.load_all()
    change(root)
    changes = session.check(lambda: None)
    assert changes
    assert _collected(changes.result) == _collected(Ingest([root], workers=1).load_all())
    assert not session.check(lambda: None)


def test_an_unchanged_library_walked_apart_is_neither_walked_here_nor_diffed(tmp_path, monkeypatch):
    if not scan_apart._APART:
        pytest.skip("no walk apart here")
    root = _plain_library(tmp_path)
    session = Ingest([root], workers=1)
    session.load_all()
    made = _apart_ahead(monkeypatch)
    for name in ("rescan", "scan_paths", "folder_as_known", "diff"):
        monkeypatch.setattr(ingest, name, None)
    assert not session.check(lambda: None)
    assert [apart.given for apart in made] == [[str(root)]]


def _apart_ahead(monkeypatch) -> list[scan_apart.WalkApart]:
    """Walks apart that are over before anything else goes on (made: the list)."""
    made: list[scan_apart.WalkApart] = []

    class Ahead(scan_apart.WalkApart):
        def __init__(self, paths):
            super().__init__(paths)
            self._done.wait()
            made.append(self)

    monkeypatch.setattr(ingest, "APART_FROM", 0)
    monkeypatch.setattr(ingest, "WalkApart", Ahead)
    return made


def test_a_warm_load_walked_apart_beside_the_cache_is_checked_already(
    tmp_path, monkeypatch, parsed
):
    root = _plain_library(tmp_path)
    cache = IndexCache([root], cache_dir=tmp_path / "cache")
    Ingest([root], cache=cache, workers=1).load_all()
    made = _apart_ahead(monkeypatch)
    parsed.clear()
    session, loaded = _warm(root, cache)
    assert loaded.checked and len(made) == 1 and parsed == []
    _same(loaded.result, cold(root))
    assert not session.check()
    assert len(made) == 2  # a check later walks again


@pytest.mark.parametrize("over", [True, False], ids=["walk over first", "cache read first"])
def test_a_warm_load_walked_apart_leaves_a_change_to_the_first_check(
    tmp_path, monkeypatch, parsed, over
):
    root = _plain_library(tmp_path)
    cache = IndexCache([root], cache_dir=tmp_path / "cache")
    Ingest([root], cache=cache, workers=1).load_all()
    _write(root / "0003.txt", SEED.format(title="New", slug=3, date="2020-01-01", quality=1), OLD)
    (root / "0004.txt").unlink()
    made = _apart_ahead(monkeypatch)
    if not over:
        monkeypatch.setattr(scan_apart.WalkApart, "finished", lambda self: False)
    parsed.clear()
    session, loaded = _warm(root, cache)
    assert not loaded.checked and len(made) == 1 and parsed == []
    monkeypatch.setattr(ingest, "rescan", None)  # the walk made beside the cache is the one
    monkeypatch.setattr(ingest, "folder_as_known", None)
    breaths: list[int] = []
    changes = session.check(lambda: breaths.append(1))
    assert (changes.changed, changes.removed) == (1, 1) and parsed == ["0003.txt"]
    assert len(made) == 1
    assert breaths == []  # the first check steps aside for no key: its walk is apart already
    _same(changes.result, cold(root))


def test_a_walk_ahead_is_the_one_the_warm_load_takes(tmp_path, monkeypatch, parsed):
    # The reader begins the first check's walk before its own imports (walk_ahead).
    root, feeds = _plain_library(tmp_path), tmp_path / "no feeds yet"
    cache = IndexCache([root, feeds])  # as the reader makes it: in the default cache folder
    Ingest([root], cache=cache, optional=[feeds], workers=1).load_all()
    made = _apart_ahead(monkeypatch)
    ahead = ingest.walk_ahead([root], [feeds])
    assert made == [ahead]
    parsed.clear()
    session = Ingest([root], cache=cache, optional=[feeds], workers=1, walk_ahead=ahead)
    (loaded,) = session.load()
    assert isinstance(loaded, Loaded) and loaded.checked and parsed == []
    assert made == [ahead]  # no second walk
    _same(loaded.result, cold(root))


def test_a_walk_ahead_of_other_folders_is_stopped_and_not_taken(tmp_path, monkeypatch):
    root, other = _plain_library(tmp_path), tmp_path / "other"
    other.mkdir()
    for paths in ([root], [other], [root, other]):
        Ingest(paths, cache=IndexCache(paths), workers=1).load_all()
    made = _apart_ahead(monkeypatch)
    cancelled: list[scan_apart.WalkApart] = []
    cancel = scan_apart.WalkApart.cancel
    monkeypatch.setattr(
        scan_apart.WalkApart, "cancel", lambda self: cancelled.append(self) or cancel(self)
    )
    ahead = ingest.walk_ahead([root, other])
    assert ahead is not None
    for session in (
        Ingest([root], cache=IndexCache([root]), workers=1, walk_ahead=ahead),
        Ingest([root, other], workers=1, walk_ahead=ahead),  # no cache: nothing to check
    ):
        list(session.load())
        assert cancelled == [ahead]
        cancelled.clear()
    assert ahead not in made[1:]


def test_no_walk_ahead_for_a_cold_or_small_library(tmp_path, monkeypatch, folder):
    made: list[object] = []
    monkeypatch.setattr(ingest, "WalkApart", lambda paths: made.append(paths))
    assert ingest.walk_ahead([folder]) is None  # no cache yet: the cold load walks itself
    Ingest([folder], cache=IndexCache([folder]), workers=1).load_all()
    assert ingest.walk_ahead([folder]) is None  # a few files: walked in-process at once
    monkeypatch.setattr(ingest, "APART_FROM", 0)
    assert ingest.walk_ahead([folder]) is None and made == [[os.fspath(folder)]]


def test_a_small_or_cold_library_is_not_walked_apart(tmp_path, monkeypatch, folder, cache):
    made: list[object] = []
    monkeypatch.setattr(ingest, "WalkApart", lambda paths: made.append(paths))
    Ingest([folder], cache=cache, workers=1).load_all()  # cold, then the command line's
    session, _ = _warm(folder, cache)
    assert not session.check()
    assert made == []


def test_without_a_walk_apart_the_check_walks_here(tmp_path, monkeypatch):
    root = _plain_library(tmp_path)
    cache = IndexCache([root], cache_dir=tmp_path / "cache")
    Ingest([root], cache=cache, workers=1).load_all()
    monkeypatch.setattr(ingest, "APART_FROM", 0)
    monkeypatch.setattr(scan_apart, "_APART", False)  # no such process to be had
    session, loaded = _warm(root, cache)
    assert not loaded.checked
    assert not session.check()
    (root / "0004.txt").unlink()
    assert session.check().removed == 1


def test_a_later_check_waits_for_its_breath_before_it_walks_apart(tmp_path, monkeypatch):
    # The reader's breath waits while keys are pressed: a walk apart then takes no core.
    root = _plain_library(tmp_path)
    session = Ingest([root], workers=1)
    session.load_all()
    made = _apart_ahead(monkeypatch)
    seen: list[str] = []
    real = ingest.WalkApart
    monkeypatch.setattr(ingest, "WalkApart", lambda paths: seen.append("walk") or real(paths))
    assert not session.check(lambda: seen.append("breath"))
    assert seen[:2] == ["breath", "walk"] and len(made) == 1
    assert seen.count("breath") >= 3  # and its comparison steps aside too


def test_files_left_out_as_just_modified_are_saved_once_they_can_be(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[str]
) -> None:
    """A library copied a moment before the reader's first start: its save leaves the
    files out (modified within RACY_NS), so the next start read them again and its
    first check called them new. Saved again once they can be kept, they are not."""
    import time
    import types

    from reader import cache as index_cache

    # The clock of the cache and of the session: 1 s after the files' mtime, moved on
    # only by the session's sleeps.
    clock = [OLD + 10**9]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += int(seconds * 1e9)

    fake = types.SimpleNamespace(**{**vars(time), "time_ns": lambda: clock[0], "sleep": sleep})
    monkeypatch.setattr(index_cache, "time", fake)
    monkeypatch.setattr(ingest, "time", fake)
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, ns=(OLD, OLD))  # "just now" by that clock, as after a copy
    cache = IndexCache([folder], cache_dir=tmp_path / "cache")
    session = Ingest([folder], cache=cache, workers=1)
    first = session.load_all()
    assert cache.racy_until == OLD + index_cache.RACY_NS  # left out until then
    held = cache.load() or {}
    assert not any(p.endswith(".txt") and "link" not in p for p in held)  # left out for now
    session.save_when_settled()
    assert sum(slept) == pytest.approx(1.0)  # until the window passed (1 s on), then saved
    assert cache.racy_until == 0
    parsed.clear()
    again = Ingest([folder], cache=cache, workers=1)
    _same(again.load_all(), first)
    assert parsed == []  # nothing read again
    assert not again.check()  # and nothing is new to the next start's check
