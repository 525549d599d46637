"""Ingest: the one way from paths to a loaded collection, for the TUI and the CLI alike.

An ``Ingest`` session owns the whole way: it scans the paths, starts from the
index cache when it holds the files as they are, parses new and changed files
(in a process pool when there are many), streams what it loaded, and later
rescans and diffs for the folder watch. It keeps the skipped files with their
reasons, the counts and the progress, and yields plain values (``Progress``,
``Loaded``, ``Changes``); it knows nothing of widgets. No Textual here.

Every result, cold, warm or after a rescan, is made by one function,
``reader.collect.collect``, from the files in scan order, so problems, counts
and duplicate resolution cannot differ between them.

Threads: a session is driven from one worker at a time (a lock makes sure);
what it hands out (a ``LoadResult`` and its lists) is never changed
afterwards, so the event loop may keep and read it while the next check runs.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress

from reader import gc_pause
from reader.cache import (
    ARTICLE_FIELDS,
    SCAN_PROBLEM,
    CachedColumns,
    CachedIndex,
    CacheEntry,
    IndexCache,
)
from reader.cache_excerpts import excerpts_of
from reader.collect import Collector, Outcome, collect
from reader.formatting import plural
from reader.model import Article, LoadResult, Problem
from reader.parse_pool import (  # noqa: F401 - _ARTICLE_FIELDS, _from_rows: for benchmarks
    _ARTICLE_FIELDS,
    POOL_FROM,
    _from_rows,
    iter_load,
    likely_large,
    start_pool,
)
from reader.record import Record
from reader.scan import (
    FolderChanges,
    MissingPath,
    Signature,
    Walk,
    WalkBeside,
    diff,
    folder_as_known,
    let_go,
    rescan,
    scan_paths,
)
from reader.scan_apart import WalkApart
from reader.signatures import SignatureColumns

FileList = list[tuple[str, bool]]  # (path, named by the user) in scan order
BATCH = 500  # files per streamed batch
# Files from which a check walks the folders in a process apart (scan.WalkApart):
# below it the walk in-process is quicker than starting an interpreter (~30 ms).
APART_FROM = POOL_FROM


class Progress(Record):
    """Files parsed so far, and the articles that are new (or replaced one) since the last.

    Like ``Loaded`` and ``Changes``, a frozen value: ``reader.record``."""

    __slots__ = ("done", "total", "articles")
    done: int
    total: int
    articles: tuple[Article, ...]

    def __init__(self, done: int, total: int, articles: tuple[Article, ...] = ()) -> None:
        object.__setattr__(self, "done", done)
        object.__setattr__(self, "total", total)
        object.__setattr__(self, "articles", articles)


class Loaded(Record):
    """The collection is complete. From the cache it is not yet checked against
    the folders, unless ``checked`` (a small library, by ``quick_load``)."""

    __slots__ = ("result", "from_cache", "seconds", "checked")
    result: LoadResult
    from_cache: bool
    seconds: float
    checked: bool

    def __init__(
        self, result: LoadResult, from_cache: bool, seconds: float, checked: bool = False
    ) -> None:
        object.__setattr__(self, "result", result)
        object.__setattr__(self, "from_cache", from_cache)
        object.__setattr__(self, "seconds", seconds)
        object.__setattr__(self, "checked", checked)


class Changes(Record):
    """What a check of the folders found; ``result`` is the whole new collection.

    ``result`` is None when nothing changed.
    """

    __slots__ = ("result", "added", "changed", "removed", "moved", "seconds")
    result: LoadResult | None
    added: int
    changed: int
    removed: int
    moved: int
    seconds: float

    def __init__(
        self,
        result: LoadResult | None,
        added: int = 0,
        changed: int = 0,
        removed: int = 0,
        moved: int = 0,
        seconds: float = 0.0,
    ) -> None:
        put = object.__setattr__
        put(self, "result", result)
        put(self, "added", added)
        put(self, "changed", changed)
        put(self, "removed", removed)
        put(self, "moved", moved)
        put(self, "seconds", seconds)

    def __bool__(self) -> bool:
        return self.result is not None

    def summary(self) -> str:
        """One sentence for the user: "2 new articles, 1 file moved." ("" when none)."""
        parts = []
        if self.added:
            parts.append(plural(self.added, "new article"))
        if self.changed:
            parts.append(f"{plural(self.changed, 'file')} changed")
        if self.moved:
            parts.append(f"{plural(self.moved, 'file')} renamed or moved")
        if self.removed:
            parts.append(f"{plural(self.removed, 'file')} removed")
        return (", ".join(parts) + ".").capitalize() if parts else ""


# ------------------------------------------------------------------ a session


@dataclass(slots=True)
class _Known:
    """What the session knows of the folders after a load or a check."""

    # From the index cache: its columns (a dict by path is made only if looked up).
    signatures: Mapping[str, Signature] = field(default_factory=dict)
    named: frozenset[str] = frozenset()  # files the user named (not found in a folder)
    scan_problems: tuple[Problem, ...] = ()
    losers: dict[str, Article] = field(default_factory=dict)  # both files of duplicates, as read


class Ingest:
    """One library being loaded and watched: paths in, ``LoadResult`` values out.

    ``cache`` is the index cache to start from and keep up to date (None: read
    every file, write nothing); ``workers`` the processes that parse (None: one
    per core); ``optional`` folders are read when they exist and silently left
    out when they do not (the feeds folder, made by the first fetch).
    ``hide`` says which articles to leave out (the config's hide rules): they
    go to the result's ``hidden``, out of every view; ``keep_excerpts``: for ``excerpts``.
    ``watch``: whether the reader may ask the kernel for the folders' changes
    (``reader.folder_events``) and check on them, rather than only every few seconds.
    """

    def __init__(
        self,
        seed_paths: Sequence[str | os.PathLike[str]],
        *,
        cache: IndexCache | None = None,
        workers: int | None = None,
        optional: Sequence[str | os.PathLike[str]] = (),
        hide: Callable[[Article], bool] | None = None,
        keep_excerpts: bool = False,
        walk_ahead: WalkApart | None = None,
        watch: bool = False,
    ) -> None:
        self.hide = hide
        self.watch = watch
        self.keep_excerpts = keep_excerpts
        self._excerpts: dict[str, str] = {}  # the raw ones of the files read, by path
        self.seed_paths = [os.fspath(p) for p in seed_paths]
        self.optional = [os.fspath(p) for p in optional]
        self.cache = cache
        self.workers = workers
        self.result = LoadResult()
        self._known = _Known()
        self._lock = threading.Lock()
        # The walk started beside the cache's read, for the first check to take:
        # still under way, or (done, not as known) what it found.
        self._apart: WalkApart | None = None
        self._walked: Walk | None = None
        self._ahead = walk_ahead  # that walk, begun before this (``walk_ahead``)

    # -- loading --------------------------------------------------------------

    def load(
        self, cancelled: Callable[[], bool] = lambda: False, *, beside: bool = True
    ) -> Iterator[Progress | Loaded]:
        """Load the library, streaming: ``Progress`` values, then one ``Loaded``.

        With a cache, ``Loaded(from_cache=True)`` comes at once, before any
        file is parsed; call ``check`` next to bring it up to date. Without
        one, every file is parsed. Raises nothing for a missing path: it is a
        problem of the result.

        A large library (``beside``) is walked in a process apart while the
        cache is read: when that walk is over by then and found the files as the
        cache holds them, ``Loaded`` is ``checked``; otherwise the next ``check``
        takes the walk rather than walking again.
        """
        with self._lock:
            started = time.perf_counter()
            apart = self._walk_apart_beside() if beside else None
            index = self.cache.load_index() if self.cache is not None else None
            if index is not None and index.paths:
                with gc_pause.bulk():  # its signature tuples: 100,000 new containers
                    self._adopt(*_from_index(index, self.hide))
                checked = False
                if apart is not None and apart.finished():
                    seen = self._compare_apart(apart)
                    checked = seen is True
                    self._walked = seen if isinstance(seen, Walk) else None
                else:
                    self._apart = apart  # for the first check
                yield Loaded(self.result, True, time.perf_counter() - started, checked=checked)
                return
            if apart is not None:
                apart.cancel()
            # The pool's processes start (~0.2 s each) while the folders are walked.
            workers = self.workers if self.workers is not None else (os.cpu_count() or 1)
            pool = start_pool(workers) if workers > 1 and likely_large(self._roots()) else None
            try:
                # Signatures before parsing: a file changed meanwhile is read again later.
                files, scan_problems, signatures, _ = self._scan()
                collector = Collector(scan_problems, self.hide)
                outcomes: list[Outcome] = []
                yield Progress(0, len(files))
                excerpts = self._excerpts_wanted()
                for chunk in iter_load(
                    files, workers=workers, chunk_size=BATCH, pool=pool, excerpts=excerpts
                ):
                    if cancelled():
                        return
                    fresh = tuple(
                        a for outcome in chunk if (a := collector.add(outcome)) is not None
                    )
                    outcomes += chunk
                    yield Progress(len(outcomes), len(files), fresh)
            finally:
                if pool is not None:  # done already, or a load stopped: nothing more to parse
                    pool.shutdown(wait=False, cancel_futures=True)
            known = _Known(signatures, _named(files), tuple(scan_problems))
            self._adopt(known, self._in_order(collector.result), outcomes)
            yield Loaded(self.result, False, time.perf_counter() - started)
            self._save(files, outcomes)

    def quick_load(self, max_bytes: int) -> Loaded | None:
        """A small cached library at once, for the first paint: None unless the
        cache file is at most ``max_bytes``.

        The files are also scanned (a stat each): when nothing changed the
        result is ``checked`` and up to date; otherwise it is the cached index,
        to be brought up to date by ``check`` in the background (nothing is
        parsed here, so this never takes long).
        """
        size = self.cache.size() if self.cache is not None else None
        if self.cache is None or size is None or size > max_bytes:
            return None
        with self._lock:
            started = time.perf_counter()
            index = self.cache.load_index()
            if index is None or not index.paths:
                return None
            with gc_pause.bulk():
                self._adopt(*_from_index(index, self.hide))
            checked = self._changes_found(*self._scan(against_known=True)) is None
            return Loaded(self.result, True, time.perf_counter() - started, checked=checked)

    def load_all(self) -> LoadResult:
        """Load and bring up to date in one go (the CLI): the cache for what it holds
        unchanged, the parser for the rest; the cache is saved only when something changed."""
        loaded = self._load_all(ARTICLE_FIELDS, columns=False)
        assert isinstance(loaded, LoadResult)
        return loaded

    def load_unless_cached(
        self,
        names: Collection[str],
        meanwhile: Callable[[CachedColumns], object] | None = None,
    ) -> LoadResult | CachedColumns:
        """``load_all``, except when the index cache holds every file as it is (a
        check would find nothing changed) and its articles are the result's as
        they stand (no hide rule, no two files of one article): then the cache's
        columns, with the Article fields ``names`` (and ids) decoded and no
        Article built, for a caller that needs a few articles of 100,000
        (``list --limit 5``). ``meanwhile`` is called with the columns that may
        be the answer while the folders are still being walked (to sort them):
        they are the answer only if they are returned."""
        return self._load_all({*names, "id"}, columns=True, meanwhile=meanwhile)

    def _load_all(
        self,
        names: Collection[str],
        *,
        columns: bool,
        meanwhile: Callable[[CachedColumns], object] | None = None,
    ) -> LoadResult | CachedColumns:
        """The cache's columns are compared with a walk of the folders in one pass
        (lists of paths, sizes, mtimes, ctimes, named flags and scan problems),
        not file by file; a check of what changed reuses that walk."""
        if self.cache is None:
            return self._load_and_check()
        walking = WalkBeside(self._roots())  # its stat calls, beside the cache's read
        cached = self.cache.load_columns(names)
        if cached is None or not cached.paths:
            walking.cancel()
            return self._load_and_check()
        ids = cached.fields["id"]
        answer = columns and self.hide is None and len(set(ids)) == len(ids)
        if answer and meanwhile is not None:
            meanwhile(cached)
        try:
            found: Walk | None = walking.result()
        except MissingPath:
            found = None
        everything = set(cached.fields) >= set(ARTICLE_FIELDS)
        if found is not None and cached.holds(found):
            if answer:
                return cached
            if everything:
                with self._lock, gc_pause.bulk():
                    self._adopt(*_from_index(cached.index(), self.hide))
                return self.result
        return self._load_and_check(cached.index() if everything else None, found)

    def _load_and_check(
        self, index: CachedIndex | None = None, found: Walk | None = None
    ) -> LoadResult:
        """``load`` (from ``index`` when given), then a check (of the walk ``found``
        when given: the folders are not walked twice)."""
        if index is not None and index.paths:
            with self._lock, gc_pause.bulk():
                self._adopt(*_from_index(index, self.hide))
            loaded = Loaded(self.result, True, 0.0)
        else:
            loaded = self._load_events()  # from the cache again, or every file
        if loaded.from_cache:
            # The cached library is all new objects (a million at 100,000 files):
            # the collections the check sets off would scan them again and again
            # for nothing (~0.1 s). Out of the scans meanwhile, then in the oldest
            # generation, which is scanned only once it has grown by a quarter.
            with gc_pause.out_of_scans():
                return self.check(walked=found).result or loaded.result
        return loaded.result

    def _load_events(self) -> Loaded:
        loaded = None
        for event in self.load(beside=False):  # the command line walks beside itself
            if isinstance(event, Loaded):
                loaded = event
        assert loaded is not None
        return loaded

    def _roots(self) -> list[str]:
        """The paths a walk starts from: the seed paths, and the optional ones there are."""
        return [*self.seed_paths, *(path for path in self.optional if os.path.isdir(path))]

    # -- checking -------------------------------------------------------------

    def check(
        self, breathe: Callable[[], None] | None = None, *, walked: Walk | None = None
    ) -> Changes:
        """Stat every file, read only new and changed ones, and say what changed.

        Cheap when nothing changed: a scan and a stat of every file, no parse,
        no save. Otherwise the whole result is collected again in scan order,
        exactly as a fresh load would make it, and the cache is saved.
        ``breathe`` is called every few folder entries of the walk (the reader
        waits there while the user is pressing keys). A library of APART_FROM
        files or more is walked in a process apart (``scan.WalkApart``; the one
        started beside the cache's read, for the first check) and compared in
        bulk; in-process as before when there is no such walk to be had.
        """
        with self._lock:
            started = time.perf_counter()
            known = self._known
            if walked is None:
                apart, self._apart = self._apart, None
                walked, self._walked = self._walked, None
                # The first check of a warm start takes the walk begun beside the
                # cache's read, at once; a later one steps aside for keys throughout.
                light = apart is not None or breathe is None
                if walked is None and apart is None and len(known.signatures) >= APART_FROM:
                    if breathe is not None:
                        breathe()  # not while keys are pressed: the walk would take a core
                    apart = WalkApart(self._roots())
                    apart.wait(breathe)  # and stopped while they are
                if apart is not None:
                    seen = self._compare_apart(apart, None if light else breathe)
                    if seen is True:
                        return Changes(None, seconds=time.perf_counter() - started)
                    walked = seen if isinstance(seen, Walk) else None
            if walked is None and self._as_known(breathe):
                return Changes(None, seconds=time.perf_counter() - started)
            if walked is not None and walked.stated:  # the folders as a walk just found them
                files, scan_problems, signatures, same = _scanned(walked)
            else:
                files, scan_problems, signatures, same = self._scan(breathe, against_known=True)
            found = self._changes_found(files, scan_problems, signatures, same)
            if found is None:
                if breathe is not None:  # the reader: keys go on while this is freed
                    let_go(files, signatures, breathe)
                return Changes(None, seconds=time.perf_counter() - started)
            named = _named(files)
            stale, removed = found.to_read, found.removed
            outcomes_by_path = self._outcomes()
            # Never expected, but a file known without an outcome is read rather than lost.
            stale += [e for e in files if e[0] not in outcomes_by_path and e not in stale]
            wanted = self._excerpts_wanted()
            for chunk in iter_load(stale, workers=self.workers, chunk_size=BATCH, excerpts=wanted):
                for outcome in chunk:
                    outcomes_by_path[outcome.path] = outcome
            files = [entry for entry in files if entry[0] in signatures]
            outcomes = [outcomes_by_path[path] for path, _named in files]
            collector = Collector(scan_problems, self.hide)
            for outcome in outcomes:
                collector.add(outcome)
            result = self._in_order(collector.result)
            # A new file holding an article that a removed file held was moved.
            gone = [outcomes_by_path.get(path) for path in removed]
            gone_ids = {o.id for o in gone if type(o) is Article}
            fresh = {path for path, _ in stale if path not in known.signatures}
            moved = sum(
                1
                for path in fresh
                if (o := outcomes_by_path.get(path)) is not None
                and type(o) is Article
                and o.id in gone_ids
            )
            new_articles = sum(
                1 for path in fresh if outcomes_by_path.get(path).__class__ is Article
            )
            self._adopt(_Known(signatures, named, tuple(scan_problems)), result, outcomes)
            self._save(files, outcomes, signatures)
            return Changes(
                result,
                added=new_articles - moved,
                changed=found.changed,
                removed=len(removed) - moved,
                moved=moved,
                seconds=time.perf_counter() - started,
            )

    # -- inside ---------------------------------------------------------------

    def _walk_apart_beside(self) -> WalkApart | None:
        """The walk for the first check, started before a large cache is read (or
        the one ``walk_ahead`` began, when it walks these very folders)."""
        ahead, self._ahead = self._ahead, None
        roots = self._roots()
        if ahead is not None:
            if ahead.given == roots and self.cache is not None:
                return ahead
            ahead.cancel()  # other folders (a test's), or no cache to check
        return _walk_beside(self.cache, roots)

    def _compare_apart(
        self, apart: WalkApart, breathe: Callable[[], None] | None = None
    ) -> bool | Walk | None:
        """The walk apart against what the session knows (``WalkApart.compare``:
        waits for it): True when every file is as known, else the walk, or None."""
        known = self._known
        extra = () if breathe is None else (breathe,)
        return apart.compare(known.signatures, known.named, known.scan_problems, *extra)

    def _as_known(self, breathe: Callable[[], None] | None) -> bool:
        """Whether one folder of article files alone is as the session knows it,
        told in bulk (``scan.folder_as_known``): no entry, tuple or diff per file."""
        known, roots = self._known, self._roots()
        if len(roots) != 1 or known.named or known.scan_problems or not known.signatures:
            return False
        return folder_as_known(roots[0], known.signatures, *(() if breathe is None else (breathe,)))

    def _scan(
        self, breathe: Callable[[], None] | None = None, *, against_known: bool = False
    ) -> tuple[FileList, list[Problem], dict[str, Signature], bool]:
        """Every file in scan order, the problems met, each file's signature, and
        (``against_known``) whether every file is as the session knows it."""
        signatures: dict[str, Signature] = {}
        extra = () if breathe is None else (breathe,)
        same = False
        try:
            paths = self._roots()
            if against_known:
                known = self._known
                files, problems, same = rescan(
                    paths, known.signatures, known.named, signatures, *extra
                )
            else:
                files, problems = scan_paths(paths, signatures, *extra)
        except MissingPath as missing:
            return [], [Problem(str(missing), "no such file or folder")], {}, False
        return files, problems, signatures, same

    def _changes_found(
        self,
        files: FileList,
        scan_problems: list[Problem],
        signatures: dict[str, Signature],
        same: bool = False,
    ) -> FolderChanges | None:
        """What a scan found against what is known; None when nothing changed.

        ``same`` (the walk compared every file as it went, and all were as known)
        skips the diff. When nothing changed the known signatures are kept: the
        scan's equal ones, with their new path strings, are dropped at once.
        """
        known = self._known
        if same and tuple(scan_problems) == known.scan_problems:
            return None
        found = diff(known.signatures, files, signatures, known.named)
        if found.to_read or found.removed or tuple(scan_problems) != known.scan_problems:
            return found
        return None

    def _adopt(self, known: _Known, result: LoadResult, outcomes: Iterable[Outcome]) -> None:
        """Keep a new result, and the duplicates that lost (to be able to rebuild it)."""
        # The files of every duplicate as they were read: the kept article of
        # a duplicate also holds the other's topics, which a rebuild must not
        # take for its own (the other file may be gone by then).
        merged = {d.path for d in result.duplicates} | {d.kept_path for d in result.duplicates}
        known.losers = (
            {o.path: o for o in outcomes if o.path in merged and type(o) is Article}
            if merged
            else {}
        )
        self._known = known
        self.result = result

    def _outcomes(self) -> dict[str, Outcome]:
        """Every file's outcome, by path, as the current result holds it."""
        result = self.result
        outcomes: dict[str, Outcome] = {a.path: a for a in result.articles}
        outcomes.update((a.path, a) for a in result.hidden)
        outcomes.update(self._known.losers)
        for problem in (*result.problems, *result.ignored):
            outcomes.setdefault(problem.path, problem)
        return outcomes

    def _save(
        self,
        files: FileList,
        outcomes: Sequence[Outcome],
        signatures: Mapping[str, Signature] | None = None,
    ) -> None:
        if self.cache is None:
            return
        signatures = self._known.signatures if signatures is None else signatures
        entries: dict[str, CacheEntry] = {
            p.path: ((SCAN_PROBLEM, 0, 0), p, True) for p in self._known.scan_problems
        }
        for (path, named), outcome in zip(files, outcomes, strict=True):
            sig = signatures.get(path)
            if sig is not None:  # gone before it was stat'ed: not cached
                entries[path] = (sig, outcome, named)
        # The excerpts of the others are carried over from the old file.
        self.cache.save(entries, self._excerpts, self.result.by_date)
        self._excerpts = self._excerpts if self.keep_excerpts else {}

    def _in_order(self, result: LoadResult) -> LoadResult:
        """A result about to be saved, with its date order (``by_date``): sorted once
        here, for the cache to store and the store to take (not sorted again)."""
        if self.cache is not None and result.by_date is None:
            # Imported here: a warm start imports this module before it begins its
            # walk apart, and the store's imports would only put the walk off.
            from reader.store import date_key

            result.by_date = sorted(result.articles, key=date_key)
        return result

    def save_when_settled(self, stop: Callable[[], bool] = lambda: False) -> None:
        """After a save that left files out as just modified (the cache's RACY_NS):
        wait until they can be kept, then save again, so that the next start has
        them (rather than finding them "new" in its first check). At most ~2 s."""
        cache = self.cache
        while cache is not None and (wait := cache.racy_until - time.time_ns()) > 0:
            if stop():
                return
            time.sleep(min(wait / 1e9, 0.25))
        if cache is None or not cache.racy_until:
            return
        with self._lock:
            if not cache.racy_until or cache.racy_until > time.time_ns():
                return  # saved meanwhile (a check), or a file modified again since
            outcomes = self._outcomes()
            named = self._known.named
            files = [(path, path in named) for path in self._known.signatures if path in outcomes]
            self._save(files, [outcomes[path] for path, _named in files])

    def _excerpts_wanted(self) -> dict[str, str] | None:
        """Where the files about to be read leave their raw excerpts (None: nowhere)."""
        if self.keep_excerpts:
            return self._excerpts
        self._excerpts = {}  # not what an unfinished load left
        return self._excerpts if self.cache is not None else None

    def excerpts(self, articles: Sequence[Article]) -> list[str]:
        """The raw excerpts of these articles of the result (``cache_excerpts.excerpts_of``)."""
        stored = self.cache.read_excerpts if self.cache is not None else None
        return excerpts_of(articles, self._excerpts, self._known.signatures, stored)


def _scanned(found: Walk) -> tuple[FileList, list[Problem], dict[str, Signature], bool]:
    """A walk as ``Ingest._scan`` gives it (every file stat'ed), for the diff."""
    rows = zip(found.sizes, found.mtimes, found.ctimes, strict=True)
    signatures = dict(zip(found.paths, rows, strict=True))
    return list(zip(found.paths, found.named, strict=True)), found.problems, signatures, False


def _named(files: FileList) -> frozenset[str]:
    return frozenset(path for path, named in files if named)


def walk_ahead(
    seed_paths: Sequence[str | os.PathLike[str]], optional: Sequence[str | os.PathLike[str]] = ()
) -> WalkApart | None:
    """The first check's walk of a large cached library, begun now, for an
    ``Ingest`` of these paths (``walk_ahead=``) to take: the reader starts it
    before its own imports and first frame, so that the walk (~0.6 s of ``stat``
    at 100,000 files, on the other core) is over by the time the cache is read.
    None for a small library, or one without a cache (a cold load walks itself)."""
    seeds, others = [os.fspath(p) for p in seed_paths], [os.fspath(p) for p in optional]
    roots = [*seeds, *(path for path in others if os.path.isdir(path))]
    return _walk_beside(IndexCache([*seeds, *others]), roots)


def _walk_beside(cache: IndexCache | None, roots: list[str]) -> WalkApart | None:
    if cache is None or cache.size() is None:
        return None  # a cold load: the pool's load walks
    return WalkApart(roots) if likely_large(roots, APART_FROM) else None


def _from_index(
    index: CachedIndex, hide: Callable[[Article], bool] | None = None
) -> tuple[_Known, LoadResult, list[Outcome]]:
    """What a cache holds, as a session's knowledge and result (no file touched).

    Built from the cache's columns in C where it can be: at 100,000 files a loop
    over entries was ~0.45 s of a warm start."""
    paths, sizes, outcomes, named = index.paths, index.sizes, index.outcomes, index.named
    scan_problems: list[Problem] = []
    if SCAN_PROBLEM in sizes:  # problems met while scanning (a broken link): no file
        files = [size != SCAN_PROBLEM for size in sizes]
        for outcome in compress(outcomes, [not file for file in files]):
            assert isinstance(outcome, Problem)  # a scan problem is cached as its Problem
            scan_problems.append(outcome)
        paths, outcomes = list(compress(paths, files)), list(compress(outcomes, files))
        named = list(compress(named, files))
        sizes = list(compress(sizes, files))
        mtimes, ctimes = list(compress(index.mtimes, files)), list(compress(index.ctimes, files))
    else:
        mtimes, ctimes = index.mtimes, index.ctimes
    signatures = SignatureColumns(paths, sizes, mtimes, ctimes)  # paths checked distinct
    named_paths = frozenset(compress(paths, named))
    known = _Known(signatures, named_paths, tuple(scan_problems))
    result = collect(scan_problems, outcomes, hide)
    result.by_date = _by_date(result, index.by_date)
    return known, result, outcomes


def _by_date(result: LoadResult, stored: list[Article] | None) -> list[Article] | None:
    """The result's articles in date order, from the cache's order of every article it
    holds (``stored``) when the result's are those same objects, or some of them (a hide
    rule's left out); None when they are not (two files of one article: one kept, with
    the other's topics, is a new object), and the store sorts them."""
    if stored is None or result.duplicates:
        return None
    articles = result.articles
    if len(articles) == len(stored):
        return stored  # without duplicates, every article collected is one of the cache's
    kept = set(map(id, articles))
    ordered = [article for article in stored if id(article) in kept]
    return ordered if len(ordered) == len(articles) else None
