"""Dates, ages and counts as the screen shows them. No Textual here."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from rich.cells import cell_len, set_cell_size


def iso_utc(when: datetime, *, whole_seconds: bool = False) -> str:
    """``2020-06-11T16:14:05Z``: an aware datetime in UTC, ISO 8601 with a ``Z``.

    Microseconds are kept when there are any (``…05.250000Z``) unless
    ``whole_seconds``, which cuts them (never rounds up to the next second).
    """
    utc = when.astimezone(UTC)
    text = utc.isoformat(timespec="seconds") if whole_seconds else utc.isoformat()
    return text.replace("+00:00", "Z")


def short_date(published: datetime | None, tz: tzinfo | None = None) -> str:
    """The related list's date: ``2020-06-11`` in local time, or blank."""
    if published is None:
        return ""
    return published.astimezone(tz).strftime("%Y-%m-%d")


def compact_date(published: datetime | None, now: datetime, tz: tzinfo | None = None) -> str:
    """The article list's 7-cell date, as mail readers show it.

    ``16:14`` for today (the date in ``tz``, the zone the time is shown in),
    ``Jun 11`` within the year, ``2020-06`` before.
    """
    if published is None:
        return ""
    local = published.astimezone(tz)
    seconds = (now - published).total_seconds()
    if 0 <= seconds < 86400 and local.date() == now.astimezone(tz).date():
        return local.strftime("%H:%M")
    if 0 <= seconds < 330 * 86400:
        return local.strftime("%b %d")
    return local.strftime("%Y-%m")


def long_date(published: datetime | None, tz: tzinfo | None = None) -> str:
    """The detail's date: ``Thu 11 Jun 2020 16:14`` in local time."""
    if published is None:
        return "no date"
    local = published.astimezone(tz)
    zone = local.tzname() or ""
    return f"{local:%a %d %b %Y %H:%M} {zone}".rstrip()


def age(published: datetime | None, now: datetime) -> str:
    """How long ago, in the largest unit that fits: ``3 hours ago``, ``5 years ago``."""
    if published is None:
        return ""
    seconds = (now - published).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (
        ("year", 365 * 86400),
        ("month", 30 * 86400),
        ("week", 7 * 86400),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    ):
        if seconds >= size:
            count = int(seconds // size)
            text = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {text}" if future else f"{text} ago"
    return "just now"


def fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` terminal cells with an ellipsis, then pad it.

    Measured in cells, so CJK and emoji (two cells each) are cut correctly.
    """
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    # set_cell_size pads with a space where a wide character would be split.
    return set_cell_size(text, width - 1) + "…"


def plural(count: int, word: str) -> str:
    """``3 stories``, ``1 file``: the count, then the word (its last word made plural)."""
    if count == 1:
        return f"{count:,} {word}"
    if word.endswith("y") and word[-2:-1] not in ("", *"aeiou"):
        return f"{count:,} {word[:-1]}ies"  # story -> stories, not storys
    return f"{count:,} {word}s"


def short_url(url: str, limit: int = 72) -> str:
    """``url`` in at most ``limit`` characters, shortened in the middle at a ``/``.

    Keeps the scheme and host (where it goes) and the last path segments (what
    it is): ``https://example.com/…/the-article-title``; one long last segment
    keeps its end (``https://example.com/…article-title``). The host is never cut
    in its middle: too narrow for it, the URL keeps its start. A text that is
    not a URL is cut in the middle.
    """
    if len(url) <= limit:
        return url
    scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    head = scheme + sep + host
    if sep and slash and len(head) + 3 < limit:
        segments = path.split("/")
        tail = ""
        for segment in reversed(segments[1:]):
            candidate = segment + ("/" + tail if tail else "")
            if len(head) + 3 + len(candidate) > limit:
                break
            tail = candidate
        if tail:
            return f"{head}/…/{tail}"
        last = segments[-1] if segments[-1] else path
        room = limit - len(head) - 2  # the "/" and the "…"
        if last and room > 0:  # one long last segment: its end, after the whole host
            return f"{head}/…{last[-room:]}"
    if sep:  # too narrow for scheme and host beside anything: where it goes, cut at its end
        return url[: limit - 1] + "…"
    keep = limit - 1
    return url[: keep - keep // 2] + "…" + url[len(url) - keep // 2 :]
