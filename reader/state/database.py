"""The SQLite file behind UserState: connection, schema migration, damaged files and locks.

``StateDatabase`` never raises for a damaged, read-only or locked file: it
says what happened in ``warning`` (one sentence for the user) and in its
return values, and UserState keeps the marks in memory. Opening and reading
create nothing; a file is created only by ``open(create=True)``, which
UserState calls on its first write. A damaged file is moved aside (with its
``-wal`` and ``-shm``) and a fresh one started. Not thread-safe on its own:
UserState calls it under its lock.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from reader.record import Record

SCHEMA_VERSION = 2  # 2: user tags
# Waiting this long for another writer is "retry briefly"; once a write has
# failed, retries wait much less so a busy database cannot freeze the UI.
BUSY_TIMEOUT_MS = 2000
RETRY_BUSY_TIMEOUT_MS = 50

Kind = Literal["read", "starred"]
#: What ``write`` did: all written; kept in memory (see ``warning``); or the
#: file was damaged, moved aside and a fresh one started, so write everything again.
WriteResult = Literal["written", "failed", "restarted"]

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
CREATE TABLE IF NOT EXISTS tags (
    id TEXT NOT NULL,
    tag TEXT NOT NULL,
    created_at REAL,
    PRIMARY KEY (id, tag)
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


@dataclass(slots=True)
class Contents:
    """Everything the database holds, read in one snapshot."""

    read: set[str]
    starred: set[str]
    times: dict[Kind, dict[str, float | None]]  # read_at / starred_at of the marked ids
    searches: dict[str, tuple[str, float | None]]  # name -> (query, created_at)
    settings: dict[str, str]  # key -> JSON text
    tags: dict[str, set[str]] = field(default_factory=dict)  # article id -> its tags


class Batch(Record):
    """Unsaved changes, written in one transaction (a frozen value: ``reader.record``)."""

    __slots__ = ("marks", "searches", "settings", "tags")
    marks: dict[Kind, list[tuple[str, bool, float | None]]]  # (id, value, its time)
    searches: dict[str, tuple[str, float | None] | None]  # None deletes the search
    settings: dict[str, str]
    tags: dict[tuple[str, str], bool]  # (id, tag) -> present; a new empty dict when not given

    def __init__(
        self,
        marks: dict[Kind, list[tuple[str, bool, float | None]]],
        searches: dict[str, tuple[str, float | None] | None],
        settings: dict[str, str],
        tags: dict[tuple[str, str], bool] | None = None,
    ) -> None:
        object.__setattr__(self, "marks", marks)
        object.__setattr__(self, "searches", searches)
        object.__setattr__(self, "settings", settings)
        object.__setattr__(self, "tags", {} if tags is None else tags)


class StateDatabase:
    """One SQLite file of marks, searches and settings, and what to do when it misbehaves.

    ``loaded`` is called with the contents whenever the file is read (on
    opening, and by ``read``). ``restarted`` is called after a damaged file
    was moved aside, before the fresh one is opened; it returns True when
    the caller holds anything to write into the fresh file.
    """

    def __init__(
        self,
        path: Path,
        *,
        readonly: bool,
        clock: Callable[[], float],
        loaded: Callable[[Contents], None],
        restarted: Callable[[], bool],
    ) -> None:
        self.path = path
        self.readonly = readonly
        self.warning: str | None = None
        # Why the last write failed, in the user's words ("the disk is full"); "" once one works.
        self.failure = ""
        self._clock = clock
        self._loaded = loaded
        self._restarted = restarted
        self._conn: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._write_failed = False

    @property
    def is_open(self) -> bool:
        """True while connected to the file."""
        return self._conn is not None

    def open(self, *, create: bool) -> bool:
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

    def changed(self) -> bool:
        """True when another connection has written since the last read (one cheap PRAGMA)."""
        if self._conn is None:
            return False
        try:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return False
        return version != self._data_version

    def read(self) -> None:
        """Read the whole database again and hand it to ``loaded``."""
        assert self._conn is not None
        self._load(self._conn)

    def write(self, batch: Batch) -> WriteResult:
        """Write a batch in one transaction (the file must be open)."""
        conn = self._conn
        assert conn is not None
        now = self._clock()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for kind, rows in batch.marks.items():
                    conn.executemany(
                        _UPSERT[kind],
                        ((article_id, int(value), when, now) for article_id, value, when in rows),
                    )
                for name, search in batch.searches.items():
                    if search is not None:
                        query, created = search
                        conn.execute(
                            "INSERT OR REPLACE INTO saved_searches VALUES (?, ?, ?)",
                            (name, query, created),
                        )
                    else:
                        conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,))
                conn.executemany(
                    "INSERT OR REPLACE INTO settings VALUES (?, ?)", batch.settings.items()
                )
                for (article_id, tag), present in batch.tags.items():
                    if present:
                        conn.execute(
                            "INSERT OR IGNORE INTO tags VALUES (?, ?, ?)", (article_id, tag, now)
                        )
                    else:
                        conn.execute("DELETE FROM tags WHERE id = ? AND tag = ?", (article_id, tag))
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
                    return "restarted"
            else:
                self._unwritable(str(error))
            return "failed"
        self.failure = ""
        if self._write_failed:
            self._write_failed = False
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.warning = f"Read marks are being saved again to {self.path}."
        return "written"

    def be_patient(self) -> None:
        """Wait the full BUSY_TIMEOUT_MS for a lock again (for a last write before closing)."""
        if self._conn is not None:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def close(self) -> None:
        """Close the connection, if there is one."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # ------------------------------------------------------------ opening and reading

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
        """Read all three tables in one snapshot and hand them to ``loaded``."""
        contents = Contents(set(), set(), {"read": {}, "starred": {}}, {}, {})
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
                        contents.read.add(article_id)
                        contents.times["read"][article_id] = read_at
                    if is_starred:
                        contents.starred.add(article_id)
                        contents.times["starred"][article_id] = starred_at
            if "saved_searches" in tables:
                for name, query, created in conn.execute("SELECT * FROM saved_searches"):
                    contents.searches[name] = (query, created)
            if "settings" in tables:
                contents.settings = dict(conn.execute("SELECT key, value FROM settings"))
            if "tags" in tables:
                for article_id, tag in conn.execute("SELECT id, tag FROM tags ORDER BY rowid"):
                    contents.tags.setdefault(article_id, set()).add(tag)
        finally:
            conn.execute("COMMIT")
        self._loaded(contents)

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
        lost = "" if self._restarted() else " Earlier read marks are not restored."
        self.warning = (
            f"The read-state file was damaged; it was moved to {aside} and a fresh one "
            f"started.{lost}"
        )
        return self.open(create=True) if create else False

    def _busy(self) -> None:
        self.failure = "it is locked by another program"
        if self._conn is not None:
            self._conn.execute(f"PRAGMA busy_timeout = {RETRY_BUSY_TIMEOUT_MS}")
        if not self._write_failed:
            self._write_failed = True
            self.warning = (
                f"The read-state database {self.path} is locked by another program; "
                "marks are kept in memory and will be saved when it is free."
            )

    def _unwritable(self, reason: str) -> None:
        self.failure = self._in_words(reason)
        if not self._write_failed:
            self._write_failed = True
            self.warning = (
                f"Read marks will not be saved: cannot write {self.path} ({self.failure}). "
                "They are kept until you quit."
            )

    def _in_words(self, reason: str) -> str:
        """SQLite's or the OS's reason as the user would say it."""
        lowered = reason.lower()
        folder = self.path.parent
        # SQLite says "disk I/O error" for a WAL it cannot grow: ask the disk.
        if "full" in lowered or "no space" in lowered or _full(folder):
            return "the disk is full"
        if "readonly" in lowered or "read-only" in lowered or not _writable(folder):
            return f"{folder} is read-only"
        return reason


def _full(folder: Path) -> bool:
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def _writable(folder: Path) -> bool:
    """False for a folder on a read-only file system (or one we may not write), even as root."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)
