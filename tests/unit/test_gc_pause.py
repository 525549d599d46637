"""No cyclic collection while any thread builds something large; then back on."""

from __future__ import annotations

import gc
import threading

import pytest

from reader import gc_pause


@pytest.fixture(autouse=True)
def _collection_on():
    enabled = gc.isenabled()
    gc.enable()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_bulk_work_in_two_threads_keeps_collection_off_until_the_last_ends() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with gc_pause.bulk():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with gc_pause.bulk():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.isenabled())  # the first ended: this one still runs

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [False]
    assert gc.isenabled()


def test_bulk_leaves_collection_off_when_it_was_off() -> None:
    gc.disable()
    with gc_pause.bulk():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_bulk_turns_collection_back_on_after_an_error() -> None:
    with pytest.raises(RuntimeError), gc_pause.bulk():
        raise RuntimeError("boom")
    assert gc.isenabled()


def _full_collections_while_growing() -> int:
    """How many full collections the collector starts while the heap grows by
    300,000 containers that stay alive (a cold load's articles, in miniature)."""
    full: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(1)

    gc.collect()
    gc.callbacks.append(seen)
    try:
        kept = [[n] for n in range(300_000)]
    finally:
        gc.callbacks.remove(seen)
    del kept
    return len(full)


def test_young_only_starts_no_full_collection_while_the_heap_grows() -> None:
    assert _full_collections_while_growing() > 0  # as it does outside the block
    before = gc.get_threshold()
    with gc_pause.young_only():
        assert _full_collections_while_growing() == 0
        assert gc.get_threshold()[:2] == before[:2]  # the young ones as they were
    assert gc.get_threshold() == before


def test_young_only_in_two_threads_lasts_until_the_last_ends_even_on_an_error() -> None:
    before = gc.get_threshold()
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with gc_pause.young_only():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(5)
    with pytest.raises(RuntimeError), gc_pause.young_only():
        raise RuntimeError("a load that failed")
    assert gc.get_threshold()[2] == gc_pause.NEVER  # the other block still runs
    leave.set()
    thread.join(5)
    assert gc.get_threshold() == before


def test_out_of_scans_freezes_what_is_alive_and_lets_it_back_after() -> None:
    gc.unfreeze()
    kept = [[n] for n in range(1_000)]
    with gc_pause.out_of_scans():
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_out_of_scans_leaves_an_earlier_freeze_as_it_was() -> None:
    gc.unfreeze()
    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        with pytest.raises(RuntimeError), gc_pause.out_of_scans():
            raise RuntimeError("a check that failed")
        assert gc.get_freeze_count() == frozen  # not unfrozen: that would let it go too
    finally:
        gc.unfreeze()


def test_the_collector_is_called_from_this_module_only() -> None:
    """Its policy is read in one place: no other module of reader/ calls it."""
    import re
    from pathlib import Path

    package = Path(gc_pause.__file__).parent
    call = re.compile(r"\bgc\.(collect|freeze|unfreeze|disable|enable|set_threshold)\(")
    elsewhere = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "gc_pause.py" and call.search(path.read_text(encoding="utf-8"))
    ]
    assert elsewhere == []
