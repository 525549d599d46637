"""Fetched texts in SQLite: the articles database beside the state (WAL), keyed by article id.

A row holds the final URL, the fetch time, a status (ok, empty: fetched but no
text found, failed), the text (as the Document's JSON and as plain text for
search) and the error in the user's words. Safe to use from several threads:
each call takes the lock and a short transaction.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from reader import paths
from reader.record import Record
from reader.text import fold

if TYPE_CHECKING:
    from reader.fulltext.document import Document

Status = Literal["ok", "empty", "failed"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS texts (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    final_url TEXT,
    fetched_at REAL NOT NULL,
    status TEXT NOT NULL,
    document TEXT,
    plain TEXT,
    error TEXT
);
-- Search over the full texts, folded as the query language folds (reader.text.fold):
-- whole words (unicode61, diacritics removed) and substrings of 3+ characters (trigram,
-- which also finds words in CJK text that has no spaces).
CREATE VIRTUAL TABLE IF NOT EXISTS texts_words USING fts5(
    id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS texts_trigram USING fts5(
    id UNINDEXED, body, tokenize = 'trigram'
);
"""
_KEEP_MATCHES = 256
_KEEP_SUBSTRINGS = 8


def articles_db_path() -> Path:
    """The SQLite database of fetched full texts (beside the state database)."""
    return paths.data_dir() / "articles.sqlite3"


class StoredText(Record):
    """One row of the database (a frozen value: ``reader.record``)."""

    __slots__ = ("id", "url", "final_url", "fetched_at", "status", "document", "plain", "error")
    id: str
    url: str
    final_url: str | None
    fetched_at: float
    status: Status
    document: Document | None
    plain: str | None
    error: str | None

    def __init__(
        self,
        id: str,  # noqa: A002 - the column's name
        url: str,
        final_url: str | None,
        fetched_at: float,
        status: Status,
        document: Document | None,
        plain: str | None,
        error: str | None,
    ) -> None:
        put = object.__setattr__
        put(self, "id", id)
        put(self, "url", url)
        put(self, "final_url", final_url)
        put(self, "fetched_at", fetched_at)
        put(self, "status", status)
        put(self, "document", document)
        put(self, "plain", plain)
        put(self, "error", error)


class TextStore:
    """The articles database. Nothing is created until the first ``put``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or articles_db_path()
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self.generation = 0  # bumped whenever a text is stored: search results change
        self._matches: dict[str, frozenset[str]] = {}
        # Substring searches (3+ characters) by word, oldest first: a longer word narrows them.
        self._substrings: dict[str, frozenset[str]] = {}
        self._bodies: dict[str, str] | None = None  # folded texts, read once a word narrows
        self._stored: frozenset[str] | None = None  # the ids with a text, read once
        self._version: int | None = None  # PRAGMA data_version: changes made by others

    def _connect(self, *, create: bool) -> sqlite3.Connection | None:
        if self._conn is not None:
            return self._conn
        if not create and not self.path.exists():
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=2.0, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
        self._conn = conn
        return conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def get(self, article_id: str) -> StoredText | None:
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                return None
            row = conn.execute(
                "SELECT id, url, final_url, fetched_at, status, document, plain, error "
                "FROM texts WHERE id = ?",
                (article_id,),
            ).fetchone()
        if row is None:
            return None
        # Imported when a text is read: the reader's first screen reads none.
        from reader.fulltext.document import Document

        document = Document.from_json(row[5]) if row[5] else None
        return StoredText(row[0], row[1], row[2], row[3], row[4], document, row[6], row[7])

    def ids(self, status: Status | None = "ok") -> set[str]:
        """The ids with a row (of ``status``, or any when None)."""
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                return set()
            if status is None:
                return {row[0] for row in conn.execute("SELECT id FROM texts")}
            query = "SELECT id FROM texts WHERE status = ?"
            return {row[0] for row in conn.execute(query, (status,))}

    def texts(self, ids: Iterable[str] | None = None) -> dict[str, str]:
        """Plain texts by id (all stored ones, or those of ``ids``)."""
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                return {}
            rows = conn.execute("SELECT id, plain FROM texts WHERE status = 'ok'").fetchall()
        wanted = set(ids) if ids is not None else None
        return {i: text for i, text in rows if text and (wanted is None or i in wanted)}

    def put_document(self, article_id: str, url: str, final_url: str, document: Document) -> None:
        plain = document.plain_text()
        self._put(article_id, url, final_url, "ok", document.to_json(), plain, None)
        body = fold(plain)
        with self._lock:
            conn = self._connect(create=True)
            assert conn is not None
            with conn:
                for table in ("texts_words", "texts_trigram"):
                    conn.execute(f"DELETE FROM {table} WHERE id = ?", (article_id,))
                    conn.execute(
                        f"INSERT INTO {table} (id, body) VALUES (?, ?)", (article_id, body)
                    )
            self.generation += 1
            self._matches.clear()
            self._substrings.clear()
            if self._bodies is not None:
                self._bodies[article_id] = body
            if self._stored is not None:
                self._stored = self._stored | {article_id}

    def stored_ids(self) -> frozenset[str]:
        """The ids of the articles with a text (read once, kept current as texts are
        stored). Texts another process stored (``newsreader fulltext``) are noticed
        here: then remembered search answers are dropped and ``generation`` moves."""
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                return frozenset()
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version:
                if self._version is not None:  # another connection committed
                    self.generation += 1
                    self._matches.clear()
                    self._substrings.clear()
                    self._bodies = None
                    self._stored = None
                self._version = version
            if self._stored is None:
                query = "SELECT id FROM texts WHERE status = 'ok'"
                self._stored = frozenset(row[0] for row in conn.execute(query))
            return self._stored

    def has_text(self, article_id: str) -> bool:
        return article_id in self.stored_ids()

    def known(self, values: Iterable[str]) -> dict[str, frozenset[str]]:
        """The answers of ``matching`` that are at hand, without asking the database."""
        matches = self._matches
        return {value: found for value in values if (found := matches.get(value)) is not None}

    def look_up(
        self, values: Iterable[str], cancelled: Callable[[], bool] = lambda: False
    ) -> dict[str, frozenset[str]]:
        """``matching`` for each value (in a worker: the search bar's second step);
        stops early when ``cancelled`` says so (a newer keystroke wants the worker)."""
        found: dict[str, frozenset[str]] = {}
        for value in values:
            if cancelled():
                break
            found[value] = self.matching(value)
        return found

    def forget(self, *, narrowing: bool = False) -> None:
        """Drop the remembered search matches (the benchmark measures each word anew).

        The last few substring searches stay, to narrow a longer word from, as
        while typing; ``narrowing=True`` drops them too.
        """
        with self._lock:
            self._matches.clear()
            if narrowing:
                self._substrings.clear()

    def matching(self, value: str) -> frozenset[str]:
        """The ids whose full text contains ``value`` (folded, as a query's words are).

        A word that extends one looked up before ("facia" after "faci") is
        answered from that one's ids, checking their folded texts in memory,
        instead of asking the trigram index again: typing stays fast.
        """
        found = self._matches.get(value)
        if found is not None:
            return found
        with self._lock:
            conn = self._connect(create=False)
            if conn is None or not value.strip():
                return frozenset()
            narrower = self._narrower(value)
            if narrower is not None:
                bodies = self._load_bodies(conn)
                if not narrower <= bodies.keys():  # stored by another process meanwhile
                    self._bodies = None
                    bodies = self._load_bodies(conn)
                found = frozenset(i for i in narrower if value in bodies.get(i, ""))
            else:
                found = self._ask(conn, value)
            if len(self._matches) >= _KEEP_MATCHES:
                self._matches.clear()
            self._matches[value] = found
            if len(value) >= 3:
                self._substrings[value] = found
                if len(self._substrings) > _KEEP_SUBSTRINGS:
                    del self._substrings[next(iter(self._substrings))]
        return found

    def _narrower(self, value: str) -> frozenset[str] | None:
        """The fewest ids of a remembered substring search whose word ``value`` contains."""
        best: frozenset[str] | None = None
        for word, ids in self._substrings.items():
            if word in value and (best is None or len(ids) < len(best)):
                best = ids
        return best

    def _load_bodies(self, conn: sqlite3.Connection) -> dict[str, str]:
        if self._bodies is None:
            self._bodies = dict(conn.execute("SELECT id, body FROM texts_trigram"))
        return self._bodies

    @staticmethod
    def _ask(conn: sqlite3.Connection, value: str) -> frozenset[str]:
        phrase = '"' + value.replace('"', '""') + '"'
        if len(value) >= 3:
            sql = "SELECT id FROM texts_trigram WHERE texts_trigram MATCH ?"
        else:  # trigram needs three characters: a short word matches as a prefix
            sql, phrase = "SELECT id FROM texts_words WHERE texts_words MATCH ?", phrase + "*"
        try:
            return frozenset(row[0] for row in conn.execute(sql, (phrase,)))
        except sqlite3.OperationalError:
            return frozenset()

    def put_failure(
        self, article_id: str, url: str, status: Status, error: str, final_url: str | None = None
    ) -> None:
        """Record a failure; a text fetched earlier is kept (the failure is only noted)."""
        with self._lock:
            conn = self._connect(create=True)
            assert conn is not None
            with conn:
                kept = conn.execute(
                    "SELECT 1 FROM texts WHERE id = ? AND status = 'ok'", (article_id,)
                ).fetchone()
                if kept:
                    conn.execute("UPDATE texts SET error = ? WHERE id = ?", (error, article_id))
                    return
        self._put(article_id, url, final_url, status, None, None, error)

    def _put(
        self,
        article_id: str,
        url: str,
        final_url: str | None,
        status: Status,
        document: str | None,
        plain: str | None,
        error: str | None,
    ) -> None:
        with self._lock:
            conn = self._connect(create=True)
            assert conn is not None
            with conn:
                conn.execute(
                    "INSERT OR REPLACE INTO texts "
                    "(id, url, final_url, fetched_at, status, document, plain, error) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (article_id, url, final_url, time.time(), status, document, plain, error),
                )
