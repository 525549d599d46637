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
