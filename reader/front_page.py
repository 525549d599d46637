"""The front page: what a start shows before it has read its library.

A warm start of 100,000 articles reads its index cache (~0.45 s) and builds the
store (~0.1 s) before it can draw the list. The front page is the part of the
screen the last run ended on: the list's rows from the top of its screen down, the sidebar's
entries and the top line's counts, written beside the index cache when the
reader closes with its library settled. The next start draws it in its first
frame, reads the index in the background as it always did, and then swaps the
whole library in, keeping the cursor on its article.

A front page is used only when nothing it shows can have changed since it was
written: the same code and seed paths (the index cache's fingerprint), the same
index cache file (its size and mtime), the same view (scope, sort, hide-read),
the same settings that decide what is listed (the caller's ``context``: hide
rules, the feeds list), and as many read, starred and tagged articles. Else, or
for a file that cannot be read, the start goes as it did before, and says
nothing: it is a cache. No Textual here.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple, cast

from reader import cache
from reader.files import write_atomically
from reader.library import SidebarEntry
from reader.model import Article
from reader.scope import scope_from_key

# The index cache's own encoding of articles, and what its entries depend on: a front
# page is a few rows of the same index, so it is stale whenever the index would be.
_encode_articles = cache._article_columns
_fingerprint = cache._fingerprint

MAGIC = b"NRFRONT1"
# Rows kept from the top of the list's screen down: more than any terminal shows, so
# paging down a screen or two before the library is read still finds rows.
ROWS = 300
MAX_BYTES = 4 << 20  # a front page is a few hundred rows: anything bigger is not one


class Counts(NamedTuple):
    """What the top line counts, as it did when the front page was written."""

    unread: int
    total: int
    skipped: int  # files that could not be read
    hidden: int  # articles the hide rules left out


class FrontPage(NamedTuple):
    """The rows, the sidebar and the counts the last run's screen ended on."""

    view: tuple[str, str, bool]  # the scope's key, the sort, hide-read
    articles: list[Article]  # the list's rows from the top of its screen down, in order
    cursor_id: str | None  # the article under the cursor
    row_on_screen: int  # the cursor's row on screen (0: the top one), its index in articles
    entries: list[SidebarEntry]
    counts: Counts


def path_for(index: cache.IndexCache) -> Path:
    """Where the front page of ``index``'s seed paths lives: beside the index."""
    return index.path.with_suffix(".front")


def window(articles: Sequence[Article], top: int, rows: int = ROWS) -> list[Article]:
    """The rows of ``articles`` from ``top`` (the first one on screen) down."""
    return list(articles[max(0, top) : max(0, top) + rows])


def _index_signature(index: cache.IndexCache) -> tuple[int, int] | None:
    try:
        stat = os.stat(index.path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _key(index: cache.IndexCache, context: tuple[Any, ...]) -> tuple[Any, ...] | None:
    signature = _index_signature(index)
    if signature is None:
        return None
    return (_fingerprint(), index.seeds, signature, context)


def save(index: cache.IndexCache, page: FrontPage, context: tuple[Any, ...]) -> bool:
    """Write ``page`` for the index cache as it is now; False when it could not be.

    ``context`` holds whatever else decides what the page shows (marshal-able values)."""
    key = _key(index, context)
    if key is None:
        return False
    entries = [(e.scope.key, e.label, e.unread, e.total) for e in page.entries]
    body = (
        key,
        tuple(page.view),
        page.cursor_id,
        page.row_on_screen,
        entries,
        tuple(page.counts),
        _encode_articles(page.articles),
    )
    try:
        payload = marshal.dumps(cast(Any, body), marshal.version)
        data = MAGIC + zlib.crc32(payload).to_bytes(4, "little") + payload
        write_atomically(path_for(index), data, durable=False)
    except (OSError, ValueError):  # a full disk, or a value marshal refuses: no front page
        remove(index)
        return False
    return True


def load(
    index: cache.IndexCache, view: tuple[str, str, bool], context: tuple[Any, ...]
) -> FrontPage | None:
    """The front page for ``view``, when nothing it shows can have changed; else None.

    Never raises: a missing, corrupt or stale front page is no front page."""
    key = _key(index, context)
    if key is None:
        return None
    try:
        with open(path_for(index), "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        payload = data[len(MAGIC) + 4 :]
        checksum = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "little")
        if len(data) > MAX_BYTES or not data.startswith(MAGIC) or zlib.crc32(payload) != checksum:
            return None
        stored, stored_view, cursor_id, row, entries, counts, articles = marshal.loads(payload)
        if stored != key or tuple(stored_view) != tuple(view):
            return None
        return FrontPage(
            view=view,
            articles=_decode_articles(articles),
            cursor_id=cursor_id if isinstance(cursor_id, str) else None,
            row_on_screen=max(0, int(row)),
            entries=[_entry(*values) for values in entries],
            counts=Counts(*(int(n) for n in counts)),
        )
    except Exception:  # unreadable, or corrupt in a way no check foresaw: none
        return None


def _decode_articles(columns: object) -> list[Article]:
    if not isinstance(columns, dict) or set(columns) != set(cache.ARTICLE_FIELDS):
        raise ValueError("not article columns")
    return cache._articles_from_columns(dict(columns))


def _entry(key: str, label: str, unread: int, total: int) -> SidebarEntry:
    scope = scope_from_key(key)
    if scope is None or not isinstance(label, str):
        raise ValueError("not a sidebar entry")
    return SidebarEntry(scope, label, int(unread), int(total))


def remove(index: cache.IndexCache) -> None:
    """Forget the front page (the view it would show is not the one to come back to)."""
    with contextlib.suppress(OSError):
        os.unlink(path_for(index))
