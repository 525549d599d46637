"""The process pool that parses seed files for a load: one process per core, in chunks.

Workers are spawned (never forked: the caller may be a threaded TUI), started
early when a large folder is about to be walked (``start_pool``), and send each
article back as a plain tuple of its fields (and, when asked, the chunk's raw
excerpts beside them, for the index cache). No Textual here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import fields
from functools import partial
from operator import attrgetter
from typing import Any

from reader.model import Article, Problem


def _load_chunk_excerpts(
    chunk: list[tuple[str, bool]],
) -> tuple[list[Article | Problem], list[str]]:
    """A chunk's outcomes, and the raw excerpt of each ("" for a problem)."""
    from reader.seedfile import load_seed_excerpt  # YAML with it: only when a file is read

    outcomes: list[Article | Problem] = []
    excerpts: list[str] = []
    for path, explicit in chunk:
        outcome = load_seed_excerpt(path, explicit=explicit)
        if isinstance(outcome, Problem):
            outcomes.append(outcome)
            excerpts.append("")
        else:
            outcomes.append(outcome[0])
            excerpts.append(outcome[1])
    return outcomes, excerpts


_ARTICLE_FIELDS = tuple(field.name for field in fields(Article))


def _load_chunk_rows(
    chunk: list[tuple[str, bool]], with_excerpts: bool = False
) -> tuple[list[tuple[Any, ...] | Problem], list[str] | None]:
    """A chunk as a pool worker sends it back: each article as a plain tuple of its
    fields (and the excerpts, when asked). Pickling a frozen slotted dataclass calls
    its __reduce__ and rebuilds it field by field: the parent's share of a chunk (the
    part that competes with the screen) is about half as long for tuples, even with
    Article(*row)."""
    getters = [attrgetter(name) for name in _ARTICLE_FIELDS]
    outcomes, excerpts = _load_chunk_excerpts(chunk)
    rows = [
        tuple(get(outcome) for get in getters) if isinstance(outcome, Article) else outcome
        for outcome in outcomes
    ]
    return rows, excerpts if with_excerpts else None


def _from_rows(rows: list[tuple[Any, ...] | Problem]) -> list[Article | Problem]:
    return [Article(*row) if isinstance(row, tuple) else row for row in rows]


POOL_FROM = 2_000  # files from which a load is parsed in a process pool


def iter_load(
    files: list[tuple[str, bool]],
    *,
    workers: int | None = None,
    chunk_size: int = 500,
    pool: Any = None,
    excerpts: dict[str, str] | None = None,
) -> Iterator[list[Article | Problem]]:
    """Load files in chunks, in order, with one process per core for large sets.

    ``pool`` is one ``start_pool`` started while the files were being found: it
    is used for a large set, shut down otherwise (and always at the end).
    ``excerpts`` is given the raw excerpt of each file read, by path."""
    if workers is None:
        workers = os.cpu_count() or 1
    chunks = [files[i : i + chunk_size] for i in range(0, len(files), chunk_size)]
    if pool is not None and (workers <= 1 or len(files) < POOL_FROM):
        pool.shutdown(wait=False, cancel_futures=True)
        pool = None
    elif pool is None and workers > 1 and len(files) >= POOL_FROM:
        pool = start_pool(workers)
    if pool is None:  # a small set, or no processes to be had: one core is slower, never wrong
        for chunk in chunks:
            outcomes, texts = _load_chunk_excerpts(chunk)
            if excerpts is not None:
                excerpts.update(zip(map(_PATH, outcomes), texts, strict=True))
            yield outcomes
        return
    with pool:
        work = partial(_load_chunk_rows, with_excerpts=excerpts is not None)
        for rows, texts in pool.map(work, chunks):
            outcomes = _from_rows(rows)
            if excerpts is not None and texts is not None:
                excerpts.update(zip(map(_PATH, outcomes), texts, strict=True))
            yield outcomes


_PATH = attrgetter("path")


def start_pool(workers: int | None = None) -> Any:
    """A pool of ``workers`` processes (one per core), each importing the parser
    from now on; None where no processes can be had."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if workers is None:
        workers = os.cpu_count() or 1
    try:
        _start_resource_tracker()
        # spawn, not fork: the caller may be a threaded TUI.
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        # A process starts for each task submitted while none is idle: one each.
        for _ in range(workers):
            pool.submit(_ready)
    except (OSError, ValueError, RuntimeError):
        return None
    return pool


def _ready() -> None:
    """In a new pool process: import what parsing needs before the first chunk comes."""
    import reader.seedfile  # noqa: F401 - imported for the first chunk
    from reader.frontmatter import _fast_parser

    _fast_parser()


def likely_large(paths: Iterable[str], at_least: int = POOL_FROM) -> bool:
    """Whether the seed paths hold at least ``at_least`` entries at their top level
    (a millisecond: a folder is read only that far). A library in many small
    folders is not seen as large: its pool starts once the walk has found it."""
    count = 0
    for path in paths:
        try:
            with os.scandir(path) as entries:
                for _ in entries:
                    count += 1
                    if count >= at_least:
                        return True
        except OSError:  # a file, or nothing there: the walk says what
            count += 1
        if count >= at_least:
            return True
    return False


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real stderr.

    The tracker is started on first use and handed ``sys.stderr``'s file
    descriptor; inside a Textual app ``sys.stderr`` is a capture object whose
    descriptor is not valid, and the pool then fails with "bad value(s) in
    fds_to_keep". Starting it here, with the process's own stderr, avoids that.
    """
    from multiprocessing import resource_tracker

    captured = sys.stderr
    try:
        if sys.__stderr__ is not None:
            sys.stderr = sys.__stderr__
        resource_tracker.ensure_running()
    finally:
        sys.stderr = captured
