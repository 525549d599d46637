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


def test_the_list_date_shows_a_time_only_for_today_in_the_display_zone() -> None:
    from zoneinfo import ZoneInfo

    from reader.formatting import compact_date

    la, tokyo = ZoneInfo("America/Los_Angeles"), ZoneInfo("Asia/Tokyo")
    now = datetime(2026, 12, 2, 17, 42, tzinfo=UTC)  # Wed 09:42 in LA, Thu 02:42 in Tokyo
    yesterday_la = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # Tue 1 Dec 17:00 PST: 16 h ago
    assert compact_date(yesterday_la, now, la) == "Dec 01"
    assert compact_date(datetime(2026, 12, 2, 8, 0, tzinfo=UTC), now, la) == "00:00"
    assert compact_date(datetime(2026, 12, 2, 7, 59, tzinfo=UTC), now, la) == "Dec 01"
    yesterday_tokyo = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # Wed 2 Dec 10:00 JST
    assert compact_date(yesterday_tokyo, now, tokyo) == "Dec 02"
    assert compact_date(datetime(2026, 12, 2, 15, 0, tzinfo=UTC), now, tokyo) == "00:00"
    assert compact_date(datetime(2026, 12, 2, 14, 59, tzinfo=UTC), now, tokyo) == "Dec 02"
    assert compact_date(yesterday_la, now, UTC) == "01:00"  # the same day in UTC
