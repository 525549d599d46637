"""Read and starred marks, saved searches and small settings, kept in SQLite.

Marks are keyed by article id (the normalised link), never by file path, and
marks of articles that are not loaded now are kept. Every change is committed
inside the call that makes it (WAL, ``synchronous=NORMAL``: about a
millisecond), so a mark survives the process being killed right after. Each
instance writes only the rows it changes, as upserts, so two instances on one
database keep each other's marks; ``refresh()`` picks up the other's writes.

Nothing here raises for a damaged, read-only or locked database: the marks stay
in memory, unsaved changes are retried on the next write or refresh, and
``warning`` holds one sentence for the user. The database and its directory
are created on the first write; opening and reading create nothing.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from reader import paths

SCHEMA_VERSION = 1
UNDO_LEVELS = 100
# Waiting this long for another writer is "retry briefly"; once a write has
# failed, retries wait much less so a busy database cannot freeze the UI.
BUSY_TIMEOUT_MS = 2000
RETRY_BUSY_TIMEOUT_MS = 50

Kind = Literal["read", "starred"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
    id TEXT PRIMARY KEY,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    read_at REAL,
    starred_at REAL,
    updated_at REAL
);
CREATE TABLE IF NOT EXISTS saved_searches (
    name TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    created_at REAL
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# One upsert per kind: a mark touches only its own columns, so another
# instance's star on the same article survives this instance's read mark.
_UPSERT = {
    "read": "INSERT INTO marks (id, read, read_at, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(id) DO UPDATE SET read = excluded.read, read_at = excluded.read_at, "
    "updated_at = excluded.updated_at",
    "starred": "INSERT INTO marks (id, starred, starred_at, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(id) DO UPDATE SET starred = excluded.starred, "
    "starred_at = excluded.starred_at, updated_at = excluded.updated_at",
}

_CORRUPT = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


@dataclass(frozen=True, slots=True)
class Change:
    """One mark or bulk mark: what changed, from what, and how to say it.

    ``ids`` holds only the articles whose value actually changed; ``old_times``
    their previous ``read_at``/``starred_at`` so that undo restores them exactly.
    """

    kind: Kind
    value: bool
    ids: tuple[str, ...]
    old_times: Mapping[str, float | None] = field(default_factory=dict)
    label: str = ""

    def __bool__(self) -> bool:
        return bool(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def old_values(self) -> dict[str, bool]:
        """The value each changed article had before."""
        return dict.fromkeys(self.ids, not self.value)


def describe(kind: Kind, value: bool, count: int) -> str:
    """The default label of a change: "mark 120 articles read", "unstar 1 article"."""
    articles = f"{count:,} article{'' if count == 1 else 's'}"
    if kind == "read":
        return f"mark {articles} {'read' if value else 'unread'}"
    return f"{'star' if value else 'unstar'} {articles}"


class ReadState:
    """Read/starred marks, saved searches and settings of one user.

    ``read_ids`` and ``starred_ids`` mirror the database in memory; change them
    only through the methods, which write to SQLite before returning.
    ``readonly=True`` (for one-shot commands) never writes, never moves a file
    and never creates one.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        clock: Callable[[], float] = time.time,
        readonly: bool = False,
    ) -> None:
        self.path = Path(path) if path is not None else paths.state_db_path()
        self.readonly = readonly
        self.warning: str | None = None
        self.read_ids: set[str] = set()
        self.starred_ids: set[str] = set()
        self._clock = clock
        self._times: dict[Kind, dict[str, float | None]] = {"read": {}, "starred": {}}
        self._searches: dict[str, tuple[str, float | None]] = {}
        self._settings: dict[str, str] = {}
        # What memory holds that the database does not yet: retried on every write.
        self._dirty: dict[Kind, set[str]] = {"read": set(), "starred": set()}
        self._dirty_searches: set[str] = set()
        self._dirty_settings: set[str] = set()
        self._undo: deque[Change] = deque(maxlen=UNDO_LEVELS)
        self._conn: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._write_failed = False
        self._lock = threading.RLock()
        if self.path.exists():
            self._open(create=False)

    # ------------------------------------------------------------ reading

    def is_read(self, article_id: str) -> bool:
        """True when the article is marked read."""
        return article_id in self.read_ids

    def is_starred(self, article_id: str) -> bool:
        """True when the article is starred."""
        return article_id in self.starred_ids

    def saved_searches(self) -> dict[str, str]:
        """Saved searches, name -> query, oldest first."""
        ordered = sorted(self._searches.items(), key=lambda item: (item[1][1] or 0, item[0]))
        return {name: query for name, (query, _) in ordered}

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A remembered value, or ``default`` when there is none (or it is unreadable)."""
        text = self._settings.get(key)
        if text is None:
            return default
        try:
            return json.loads(text)
        except ValueError:
            return default

    @property
    def unsaved(self) -> int:
        """How many changes are held in memory only, waiting to be written."""
        return (
            len(self._dirty["read"] | self._dirty["starred"])
            + len(self._dirty_searches)
            + len(self._dirty_settings)
        )

    def take_warning(self) -> str | None:
        """Return the pending warning and clear it, so that it is shown once."""
        warning, self.warning = self.warning, None
        return warning

    # ------------------------------------------------------------ marking

    def mark_read(self, ids: Iterable[str], read: bool = True, *, label: str = "") -> Change:
        """Mark articles read (or unread) in one transaction; return the change.

        Articles already in that state are left alone; an empty change is not
        kept for undo.
        """
        return self._set("read", ids, read, label)

    def set_starred(self, ids: Iterable[str], starred: bool = True, *, label: str = "") -> Change:
        """Star (or unstar) articles in one transaction; return the change."""
        return self._set("starred", ids, starred, label)

    def undo(self) -> Change | None:
        """Revert the last non-empty change, write that, and return what was undone."""
        with self._lock:
            if not self._undo:
                return None
            change = self._undo.pop()
            target = self._ids(change.kind)
            times = self._times[change.kind]
            for article_id in change.ids:
                if change.value:
                    target.discard(article_id)
                else:
                    target.add(article_id)
                times[article_id] = change.old_times.get(article_id)
            self._dirty[change.kind].update(change.ids)
            self._write()
            return change

    @property
    def can_undo(self) -> bool:
        """True when there is a change to undo."""
        return bool(self._undo)

    def _set(self, kind: Kind, ids: Iterable[str], value: bool, label: str) -> Change:
        self._check_writable()
        with self._lock:
            target = self._ids(kind)
            times = self._times[kind]
            now = self._clock()
            changed: list[str] = []
            old_times: dict[str, float | None] = {}
            for article_id in dict.fromkeys(ids):
                if (article_id in target) == value:
                    continue
                changed.append(article_id)
                old_times[article_id] = times.get(article_id)
                if value:
                    target.add(article_id)
                else:
                    target.discard(article_id)
                times[article_id] = now if value else None
            change = Change(
                kind, value, tuple(changed), old_times, label or describe(kind, value, len(changed))
            )
            if changed:
                self._undo.append(change)
                self._dirty[kind].update(changed)
                self._write()
            return change

    def _ids(self, kind: Kind) -> set[str]:
        return self.read_ids if kind == "read" else self.starred_ids

    # ------------------------------------------------------------ searches and settings

    def save_search(self, name: str, query: str) -> None:
        """Save (or replace) a named search."""
        self._check_writable()
        with self._lock:
            created = self._searches.get(name, ("", self._clock()))[1]
            self._searches[name] = (query, created)
            self._dirty_searches.add(name)
            self._write()

    def delete_search(self, name: str) -> None:
        """Forget a saved search; no error if there is none of that name."""
        self._check_writable()
        with self._lock:
            if self._searches.pop(name, None) is not None:
                self._dirty_searches.add(name)
                self._write()

    def set_setting(self, key: str, value: Any) -> None:
        """Remember a small JSON-serialisable value under ``key``."""
        self._check_writable()
        text = json.dumps(value, ensure_ascii=False)
        with self._lock:
            if self._settings.get(key) == text:
                return
            self._settings[key] = text
            self._dirty_settings.add(key)
            self._write()

    # ------------------------------------------------------------ export and import

    def export(self) -> list[dict[str, Any]]:
        """Every read or starred article: id, read, starred, read_at, starred_at.

        Times are ISO 8601 in UTC (``2026-05-09T07:35:25Z``) or None.
        """
        with self._lock:
            return [
                {
                    "id": article_id,
                    "read": article_id in self.read_ids,
                    "starred": article_id in self.starred_ids,
                    "read_at": _iso(self._times["read"].get(article_id))
                    if article_id in self.read_ids
                    else None,
                    "starred_at": _iso(self._times["starred"].get(article_id))
                    if article_id in self.starred_ids
                    else None,
                }
                for article_id in sorted(self.read_ids | self.starred_ids)
            ]

    def import_marks(
        self, records: Iterable[Mapping[str, Any]], *, allow_unread: bool = False
    ) -> int:
        """Merge exported records in one transaction; return how many articles changed.

        A record marks an article read or starred; it turns a read article
        unread (or unstars one) only with ``allow_unread=True``. Raises
        ValueError, naming the record, when one is malformed; then nothing is
        merged. An import is not undoable.
        """
        self._check_writable()
        parsed = [_parse_record(number, record) for number, record in enumerate(records, 1)]
        with self._lock:
            changed: set[str] = set()
            for article_id, values in parsed:
                for kind, (value, when) in values.items():
                    target = self._ids(kind)
                    if (article_id in target) == value or (not value and not allow_unread):
                        continue
                    if value:
                        target.add(article_id)
                    else:
                        target.discard(article_id)
                    self._times[kind][article_id] = (when or self._clock()) if value else None
                    self._dirty[kind].add(article_id)
                    changed.add(article_id)
            if changed:
                self._write()
            return len(changed)

    # ------------------------------------------------------------ other instances

    def refresh(self) -> bool:
        """Retry unsaved changes and re-read the database if another process changed it.

        Cheap enough to call every second or two (one ``PRAGMA data_version``).
        Returns True when the marks, searches or settings in memory changed.
        """
        with self._lock:
            if not self.readonly:
                self._write()
            if self._conn is None:
                if not self.path.exists():
                    return False
                before = self._snapshot()
                self._open(create=False)
                return self._snapshot() != before
            try:
                version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                return False
            if version == self._data_version:
                return False
            before = self._snapshot()
            self._load(self._conn)
            return self._snapshot() != before

    def flush(self) -> bool:
        """Write anything still held in memory; True when nothing is left unsaved."""
        with self._lock:
            if not self.readonly:
                self._write()
            return self.unsaved == 0

    def close(self) -> None:
        """Write anything unsaved (one last, patient try) and close the database.

        Marks that still cannot be written are named in ``warning``.
        """
        with self._lock:
            if not self.readonly and self.unsaved:
                if self._conn is not None:
                    self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                if not self._write():
                    self.warning = (
                        f"{self.unsaved:,} read mark(s) could not be saved to {self.path}."
                    )
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> ReadState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ the database

    def _check_writable(self) -> None:
        if self.readonly:
            raise RuntimeError("this ReadState was opened read-only")

    def _snapshot(self) -> tuple[object, ...]:
        return (
            set(self.read_ids),
            set(self.starred_ids),
            dict(self._searches),
            dict(self._settings),
        )

    def _open(self, *, create: bool) -> bool:
        """Connect, prepare the schema and load; False when there is no usable database."""
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                self._unwritable(error.strerror or str(error))
                return False
        # mode=rw never creates the file: a plain read leaves the disk as it was.
        uri = f"file:{quote(str(self.path))}?mode={'rwc' if create else 'rw'}"
        try:
            conn = sqlite3.connect(
                uri, uri=True, isolation_level=None, check_same_thread=False, timeout=0
            )
        except sqlite3.Error as error:
            if create:
                self._unwritable(str(error))
            return False
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._prepare(conn)
        except sqlite3.Error as error:
            conn.close()
            if error.sqlite_errorcode & 0xFF in _CORRUPT:
                return self._damaged(create=create)
            if error.sqlite_errorcode & 0xFF in _BUSY:
                self._busy()
                return False
            # Typically a read-only folder where SQLite cannot create its -shm file.
            if not create and not self._load_immutable() and self.readonly:
                self.warning = f"Cannot read the read-state file {self.path} ({error})."
            if not self.readonly:
                self._unwritable(str(error))
            return False
        self._conn = conn
        return True

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """WAL mode, schema and first read, retried while another instance holds a lock.

        Switching to WAL (and creating the schema) when two instances open a new
        database at the same moment can fail with "locked" at once, without
        SQLite's busy handler: retry for up to BUSY_TIMEOUT_MS.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                conn.execute("PRAGMA user_version").fetchone()
                if not self.readonly:
                    conn.execute("PRAGMA journal_mode = WAL").fetchone()
                    conn.execute("PRAGMA synchronous = NORMAL")
                    self._migrate(conn)
                self._load(conn)
                return
            except sqlite3.Error as error:
                if error.sqlite_errorcode & 0xFF not in _BUSY or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _load_immutable(self) -> bool:
        """Read a database this process cannot lock: marks show, nothing is written."""
        uri = f"file:{quote(str(self.path))}?mode=ro&immutable=1"
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            try:
                self._load(conn)
            finally:
                conn.close()
        except sqlite3.Error:
            return False
        return True

    def _migrate(self, conn: sqlite3.Connection) -> None:
        if conn.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        # Idempotent, so two instances creating the database at once both succeed.
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _load(self, conn: sqlite3.Connection) -> None:
        """Replace the mirror with the database, keeping changes not yet written."""
        read: set[str] = set()
        starred: set[str] = set()
        times: dict[Kind, dict[str, float | None]] = {"read": {}, "starred": {}}
        searches: dict[str, tuple[str, float | None]] = {}
        settings: dict[str, str] = {}
        conn.execute("BEGIN")  # one snapshot of all three tables
        try:
            self._data_version = conn.execute("PRAGMA data_version").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            if "marks" in tables:
                rows = conn.execute(
                    "SELECT id, read, starred, read_at, starred_at FROM marks "
                    "WHERE read != 0 OR starred != 0"
                )
                for article_id, is_read, is_starred, read_at, starred_at in rows:
                    if is_read:
                        read.add(article_id)
                        times["read"][article_id] = read_at
                    if is_starred:
                        starred.add(article_id)
                        times["starred"][article_id] = starred_at
            if "saved_searches" in tables:
                for name, query, created in conn.execute("SELECT * FROM saved_searches"):
                    searches[name] = (query, created)
            if "settings" in tables:
                settings = dict(conn.execute("SELECT key, value FROM settings"))
        finally:
            conn.execute("COMMIT")
        for kind, target in (("read", read), ("starred", starred)):
            mine = self._ids(kind)
            for article_id in self._dirty[kind]:
                if article_id in mine:
                    target.add(article_id)
                else:
                    target.discard(article_id)
                times[kind][article_id] = self._times[kind].get(article_id)
        for name in self._dirty_searches:
            _carry(searches, self._searches, name)
        for key in self._dirty_settings:
            _carry(settings, self._settings, key)
        self.read_ids.clear()
        self.read_ids.update(read)
        self.starred_ids.clear()
        self.starred_ids.update(starred)
        self._times = times
        self._searches = searches
        self._settings = settings

    def _write(self) -> bool:
        """Write every unsaved change in one transaction; False if it stays in memory."""
        if self.unsaved == 0:
            return True
        if self._conn is None and not self._open(create=True):
            return False
        conn = self._conn
        assert conn is not None
        now = self._clock()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for kind in ("read", "starred"):
                    mine, times = self._ids(kind), self._times[kind]
                    conn.executemany(
                        _UPSERT[kind],
                        (
                            (article_id, int(article_id in mine), times.get(article_id), now)
                            for article_id in self._dirty[kind]
                        ),
                    )
                for name in self._dirty_searches:
                    if name in self._searches:
                        query, created = self._searches[name]
                        conn.execute(
                            "INSERT OR REPLACE INTO saved_searches VALUES (?, ?, ?)",
                            (name, query, created),
                        )
                    else:
                        conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,))
                conn.executemany(
                    "INSERT OR REPLACE INTO settings VALUES (?, ?)",
                    ((key, self._settings[key]) for key in self._dirty_settings),
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            code = error.sqlite_errorcode & 0xFF
            if code in _BUSY:
                self._busy()
            elif code in _CORRUPT:
                conn.close()
                self._conn = None
                if self._damaged(create=True):
                    return self._write()
            else:
                self._unwritable(str(error))
            return False
        for dirty in (*self._dirty.values(), self._dirty_searches, self._dirty_settings):
            dirty.clear()
        if self._write_failed:
            self._write_failed = False
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.warning = f"Read marks are being saved again to {self.path}."
        return True

    # ------------------------------------------------------------ faults

    def _damaged(self, *, create: bool) -> bool:
        """Move a damaged database aside and (when writing) start a fresh one."""
        if self.readonly:
            self.warning = (
                f"The read-state file {self.path} is damaged; start newsreader to set it aside."
            )
            return False
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self._clock()))
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for n in range(1, 100):
            if not aside.exists():
                break
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        try:
            self.path.rename(aside)
        except OSError as error:
            self._unwritable(f"it is damaged and could not be moved aside: {error.strerror}")
            return False
        # A leftover WAL of the old file must not be replayed into the new one.
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{self.path}{suffix}").rename(f"{aside}{suffix}")
        # Marks this session already holds are written into the fresh file.
        self._dirty["read"].update(self.read_ids)
        self._dirty["starred"].update(self.starred_ids)
        self._dirty_searches.update(self._searches)
        self._dirty_settings.update(self._settings)
        lost = "" if self.unsaved else " Earlier read marks are not restored."
        self.warning = (
            f"The read-state file was damaged; it was moved to {aside} and a fresh one "
            f"started.{lost}"
        )
        return self._open(create=True) if create else False

    def _busy(self) -> None:
        if self._conn is not None:
            self._conn.execute(f"PRAGMA busy_timeout = {RETRY_BUSY_TIMEOUT_MS}")
        if not self._write_failed:
            self._write_failed = True
            self.warning = (
                f"The read-state database {self.path} is locked by another program; "
                "marks are kept in memory and will be saved when it is free."
            )

    def _unwritable(self, reason: str) -> None:
        if not self._write_failed:
            self._write_failed = True
            self.warning = (
                f"Read marks will not be saved: cannot write {self.path} ({reason}). "
                "They are kept until you quit."
            )


def _carry(target: dict[str, Any], source: dict[str, Any], key: str) -> None:
    if key in source:
        target[key] = source[key]
    else:
        target.pop(key, None)


def _iso(when: float | None) -> str | None:
    if when is None:
        return None
    return datetime.fromtimestamp(when, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_time(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    return None


def _parse_record(number: int, record: Any) -> tuple[str, dict[Kind, tuple[bool, float | None]]]:
    if not isinstance(record, Mapping):
        raise ValueError(f"record {number} is not an object with an 'id'")
    article_id = record.get("id")
    if not isinstance(article_id, str) or not article_id:
        raise ValueError(f"record {number}: 'id' must be a non-empty string")
    values: dict[Kind, tuple[bool, float | None]] = {}
    for kind, at in (("read", "read_at"), ("starred", "starred_at")):
        value = record.get(kind)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise ValueError(f"record {number} ({article_id}): '{kind}' must be true or false")
        values[kind] = (value, _parse_time(record.get(at)))
    return article_id, values
