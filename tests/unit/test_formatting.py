"""ISO 8601 in UTC with a Z: the one form every file, export and --json writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from reader.formatting import iso_utc

WITH_MICROSECONDS = datetime(2020, 6, 11, 16, 14, 5, 250_000, tzinfo=UTC)


def test_iso_utc_keeps_microseconds_unless_told_whole_seconds() -> None:
    assert iso_utc(WITH_MICROSECONDS) == "2020-06-11T16:14:05.250000Z"
    assert iso_utc(WITH_MICROSECONDS, whole_seconds=True) == "2020-06-11T16:14:05Z"


def test_iso_utc_without_microseconds_is_the_same_either_way() -> None:
    whole = WITH_MICROSECONDS.replace(microsecond=0)
    assert iso_utc(whole) == iso_utc(whole, whole_seconds=True) == "2020-06-11T16:14:05Z"


def test_iso_utc_turns_another_offset_into_utc() -> None:
    dubai = datetime(2020, 6, 11, 20, 14, tzinfo=timezone(timedelta(hours=4)))
    assert iso_utc(dubai) == "2020-06-11T16:14:00Z"


def test_iso_utc_cuts_microseconds_rather_than_rounding_them() -> None:
    late = datetime(2020, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
    assert iso_utc(late, whole_seconds=True) == "2020-12-31T23:59:59Z"
