"""The load pool: started while a large library is walked, used only for a large set,
and always shut down; what it loads is what one process loads."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from reader import ingest
from reader.ingest import POOL_FROM, Ingest, iter_load

SEED = '---\ntitle: "Article {n}"\nwebUrl: "https://example.com/{n}"\n---\n'


class FakePool:
    """A process pool's face, in this process: map, shutdown, a context manager."""

    def __init__(self) -> None:
        self.mapped = 0
        self.shutdowns: list[tuple[bool, bool]] = []

    def map(self, work: Callable[[Any], Any], chunks: Iterable[Any]) -> Iterable[Any]:
        for chunk in chunks:
            self.mapped += 1
            yield work(chunk)

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        self.shutdowns.append((wait, cancel_futures))

    def __enter__(self) -> FakePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def _folder(root: Path, count: int) -> Path:
    root.mkdir()
    for n in range(count):
        (root / f"{n:05}.txt").write_text(SEED.format(n=n), encoding="utf-8")
    return root


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[FakePool]:
    started: list[FakePool] = []

    def start(workers: int | None = None) -> FakePool:
        started.append(FakePool())
        return started[-1]

    monkeypatch.setattr(ingest, "start_pool", start)
    return started


def test_a_pool_given_for_a_small_set_is_shut_down_and_not_used(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "few", 3)
    files = [(str(path), False) for path in sorted(folder.iterdir())]
    pool = FakePool()
    chunks = list(iter_load(files, workers=2, chunk_size=2, pool=pool))
    assert pool.mapped == 0 and pool.shutdowns == [(False, True)]
    assert chunks == list(iter_load(files, workers=1, chunk_size=2))
    assert [a.title for chunk in chunks for a in chunk] == ["Article 0", "Article 1", "Article 2"]


def test_a_large_folder_starts_its_pool_before_the_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pools: list[FakePool]
) -> None:
    folder = _folder(tmp_path / "many", POOL_FROM)
    walked_after_start: list[bool] = []
    scan = Ingest._scan

    def watched(self: Ingest, *args: Any, **kwargs: Any) -> Any:
        walked_after_start.append(bool(pools))
        return scan(self, *args, **kwargs)

    monkeypatch.setattr(Ingest, "_scan", watched)
    result = Ingest([folder], workers=2).load_all()
    assert walked_after_start == [True]
    assert len(pools) == 1 and pools[0].mapped == POOL_FROM // ingest.BATCH
    assert pools[0].shutdowns[-1] == (False, True)  # and shut down once done
    serial = Ingest([folder], workers=1).load_all()
    assert result.articles == serial.articles and len(result.articles) == POOL_FROM


def test_a_small_folder_starts_no_pool(tmp_path: Path, pools: list[FakePool]) -> None:
    folder = _folder(tmp_path / "few", 5)
    assert len(Ingest([folder], workers=2).load_all().articles) == 5
    assert pools == []


def test_a_stopped_load_shuts_its_pool_down(tmp_path: Path, pools: list[FakePool]) -> None:
    folder = _folder(tmp_path / "many", POOL_FROM)
    events = Ingest([folder], workers=2).load()
    next(events)  # the first progress: walked, nothing parsed yet
    events.close()
    assert pools[0].mapped == 0 and (False, True) in pools[0].shutdowns


def test_likely_large_counts_the_top_level_only_that_far(tmp_path: Path) -> None:
    many = _folder(tmp_path / "many", POOL_FROM)
    few = _folder(tmp_path / "few", POOL_FROM - 2)
    assert ingest.likely_large([str(many)])
    assert not ingest.likely_large([str(few)])
    assert ingest.likely_large([str(few), str(few / "00000.txt"), str(tmp_path / "gone")])
    assert not ingest.likely_large([str(tmp_path / "gone")])


def test_a_real_pool_starts_its_processes_at_once() -> None:
    pool = ingest.start_pool(2)
    if pool is None:
        pytest.skip("no processes to be had here")
    try:
        assert len(pool._processes) == 2  # both spawned before any chunk is sent
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
