"""The dwell tracker on its own: a fake clock, reading switched on and off by hand."""

from __future__ import annotations

from reader.tui.dwell import DwellTracker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def tracker(seconds: float = 2.0) -> tuple[DwellTracker, Clock, list[bool]]:
    clock = Clock()
    reading = [True]
    return DwellTracker(seconds, clock, lambda: reading[0]), clock, reading


def test_an_article_the_user_moved_to_is_due_after_the_dwell_once() -> None:
    dwell, clock, _ = tracker()
    dwell.moved("a", by_user=True)
    clock.now = 1.9
    assert dwell.due() is None
    clock.now = 2.0
    assert dwell.due() == "a"
    clock.now = 10.0
    assert dwell.due() is None  # marked once


def test_a_move_nobody_made_starts_nothing_and_ends_another_count() -> None:
    dwell, clock, _ = tracker()
    dwell.moved("a", by_user=False)
    clock.now = 5.0
    assert dwell.due() is None
    dwell.moved("b", by_user=True)
    dwell.moved("b", by_user=False)  # the same article kept: the count goes on
    clock.now = 7.0
    assert dwell.article_id == "b"
    dwell.moved("c", by_user=False)
    assert dwell.article_id is None
    dwell.moved("d", by_user=True)
    dwell.moved(None, by_user=False)
    clock.now = 20.0
    assert dwell.due() is None


def test_time_away_from_the_article_does_not_count() -> None:
    dwell, clock, reading = tracker()
    dwell.start("a")
    clock.now = 1.0
    reading[0] = False
    dwell.check_reading()
    assert dwell.paused
    clock.now = 50.0
    assert dwell.due() is None
    reading[0] = True
    dwell.check_reading()
    assert not dwell.paused
    clock.now = 50.9
    assert dwell.due() is None  # 1.9 s read in all
    clock.now = 51.0
    assert dwell.due() == "a"


def test_stop_and_zero_seconds_mark_nothing() -> None:
    dwell, clock, _ = tracker()
    dwell.start("a")
    dwell.stop()
    clock.now = 9.0
    assert dwell.due() is None
    off, clock, _ = tracker(0)
    off.start("a")
    clock.now = 9.0
    assert off.due() is None
