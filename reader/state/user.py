"""One user's state: read and starred marks, tags, saved searches and small settings.

``UserState`` holds them, with undo, export and import.

Marks are keyed by article id (the normalised link), never by file path, and
marks of articles that are not loaded now are kept. Every change is committed
inside the call that makes it (WAL, ``synchronous=NORMAL``: about a
millisecond), so a mark survives the process being killed right after. Each
instance writes only the rows it changes, as upserts, so two instances on one
database keep each other's marks; ``refresh()`` picks up the other's writes.

Nothing here raises for a damaged, read-only or locked database: the marks stay
in memory, unsaved changes are retried on the next write or refresh, and
``warning`` holds one sentence for the user. The file itself (connection,
schema, damaged files, locks) is ``reader.state.database``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from reader import paths
from reader.formatting import iso_utc, plural
from reader.record import Record
from reader.state.database import Batch, Contents, Kind, StateDatabase

UNDO_LEVELS = 100


class Change(Record):
    """One mark or bulk mark: what changed, from what, and how to say it.

    ``ids`` holds only the articles whose value actually changed; ``old_times``
    their previous ``read_at``/``starred_at`` so that undo restores them exactly
    (a new empty dict when not given). A frozen value: ``reader.record``.
    """

    __slots__ = ("kind", "value", "ids", "old_times", "label", "tag")
    kind: Kind | Literal["tag"]
    value: bool
    ids: tuple[str, ...]
    old_times: Mapping[str, float | None]
    label: str
    tag: str  # the tag put on (value True) or taken off, for kind "tag"

    def __init__(
        self,
        kind: Kind | Literal["tag"],
        value: bool,
        ids: tuple[str, ...],
        old_times: Mapping[str, float | None] | None = None,
        label: str = "",
        tag: str = "",
    ) -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "ids", ids)
        object.__setattr__(self, "old_times", {} if old_times is None else old_times)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "tag", tag)

    def __bool__(self) -> bool:
        return bool(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def describe(kind: Kind, value: bool, count: int) -> str:
    """The default label of a change: "mark 120 articles read", "unstar 1 article"."""
    articles = f"{count:,} article{'' if count == 1 else 's'}"
    if kind == "read":
        return f"mark {articles} {'read' if value else 'unread'}"
    return f"{'star' if value else 'unstar'} {articles}"


class UserState:
    """Read/starred marks, tags, saved searches and settings of one user.

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
        self.read_ids: set[str] = set()
        self.starred_ids: set[str] = set()
        self._clock = clock
        self._times: dict[Kind, dict[str, float | None]] = {"read": {}, "starred": {}}
        self._searches: dict[str, tuple[str, float | None]] = {}
        self._settings: dict[str, str] = {}
        self._tags: dict[str, set[str]] = {}  # article id -> its user tags
        # What memory holds that the database does not yet: retried on every write.
        self._dirty: dict[Kind, set[str]] = {"read": set(), "starred": set()}
        self._dirty_searches: set[str] = set()
        self._dirty_settings: set[str] = set()
        self._dirty_tags: set[tuple[str, str]] = set()
        self._undo: deque[Change] = deque(maxlen=UNDO_LEVELS)
        self._db = StateDatabase(
            self.path,
            readonly=readonly,
            clock=clock,
            loaded=self._load,
            restarted=self._rewrite_all,
        )
        self._lock = threading.RLock()
        if self.path.exists():
            self._db.open(create=False)

    @property
    def warning(self) -> str | None:
        """One sentence for the user about the database, or None."""
        return self._db.warning

    @warning.setter
    def warning(self, text: str | None) -> None:
        self._db.warning = text

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

    def tags_of(self, article_id: str) -> frozenset[str]:
        """The user tags of an article (none for most)."""
        tags = self._tags.get(article_id)
        return frozenset(tags) if tags else frozenset()

    def tag_counts(self) -> dict[str, int]:
        """Every tag in use and how many articles carry it, by name."""
        counts: dict[str, int] = {}
        for tags in self._tags.values():
            for tag in tags:
                counts[tag] = counts.get(tag, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: item[0].casefold()))

    def tagged(self, tag: str) -> set[str]:
        """The ids of the articles carrying ``tag``."""
        return {article_id for article_id, tags in self._tags.items() if tag in tags}

    @property
    def unsaved(self) -> int:
        """How many changes are held in memory only, waiting to be written."""
        return (
            len(self._dirty["read"] | self._dirty["starred"])
            + len(self._dirty_searches)
            + len(self._dirty_settings)
            + len(self._dirty_tags)
        )

    def _unsaved_words(self) -> str:
        """What is unsaved, in words: ``3 read marks, 1 star and 1 setting``."""
        searches = len(self._dirty_searches)
        parts = [
            plural(len(self._dirty["read"]), "read mark"),
            plural(len(self._dirty["starred"]), "star"),
            plural(len(self._dirty_tags), "tag"),
            f"{searches:,} saved search{'es' if searches != 1 else ''}",
            plural(len(self._dirty_settings), "setting"),
        ]
        parts = [part for part in parts if not part.startswith("0 ")]
        return (
            " and ".join(parts) if len(parts) < 3 else ", ".join(parts[:-1]) + " and " + parts[-1]
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
            if change.kind == "tag":
                self._apply_tag(change.ids, change.tag, not change.value)
                self._write()
                return change
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

    def set_tag(self, ids: Iterable[str], tag: str, present: bool = True) -> int:
        """Put ``tag`` on articles (or take it off); return how many changed. Undoable
        (``undo``) like the marks."""
        self._check_writable()
        tag = tag.strip()
        if not tag:
            return 0
        with self._lock:
            changed = self._apply_tag(ids, tag, present)
            if changed:
                articles = plural(len(changed), "article")
                label = f"{'tag' if present else 'untag'} {articles} “{tag}”"
                self._undo.append(Change("tag", present, tuple(changed), label=label, tag=tag))
                self._write()
            return len(changed)

    def _apply_tag(self, ids: Iterable[str], tag: str, present: bool) -> list[str]:
        changed: list[str] = []
        for article_id in dict.fromkeys(ids):
            tags = self._tags.get(article_id, set())
            if (tag in tags) == present:
                continue
            if present:
                self._tags.setdefault(article_id, set()).add(tag)
            else:
                tags.discard(tag)
                if not tags:
                    self._tags.pop(article_id, None)
            self._dirty_tags.add((article_id, tag))
            changed.append(article_id)
        return changed

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
        """Every read, starred or tagged article: id, read, starred, read_at, starred_at
        and, when it has any, its ``tags``.

        Times are ISO 8601 in UTC (``2026-05-09T07:35:25Z``) or None.
        """
        with self._lock:
            records: list[dict[str, Any]] = [
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
                for article_id in sorted(self.read_ids | self.starred_ids | set(self._tags))
            ]
            for record in records:
                tags = self._tags.get(str(record["id"]))
                if tags:
                    record["tags"] = sorted(tags)
            return records

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
        records = list(records)
        parsed = [_parse_record(number, record) for number, record in enumerate(records, 1)]
        tag_lists = [_parse_tags(number, record) for number, record in enumerate(records, 1)]
        with self._lock:
            changed: set[str] = set()
            for (article_id, _), tags in zip(parsed, tag_lists, strict=True):
                for tag in tags:
                    if tag not in self._tags.get(article_id, set()):
                        self._tags.setdefault(article_id, set()).add(tag)
                        self._dirty_tags.add((article_id, tag))
                        changed.add(article_id)
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
            if not self._db.is_open:
                if not self.path.exists():
                    return False
                before = self._snapshot()
                self._db.open(create=False)
                return self._snapshot() != before
            if not self._db.changed():
                return False
            before = self._snapshot()
            self._db.read()
            return self._snapshot() != before

    def close(self) -> None:
        """Write anything unsaved (one last, patient try) and close the database.

        Marks that still cannot be written are named in ``warning``.
        """
        with self._lock:
            if not self.readonly and self.unsaved:
                self._db.be_patient()
                if not self._write():
                    reason = f": {self._db.failure}" if self._db.failure else ""
                    self.warning = (
                        f"{self._unsaved_words()} could not be saved to {self.path}{reason}."
                    )
            elif self._db.failure and self.warning is not None:
                # Nothing is lost now; "kept until you quit" no longer says anything.
                self.warning = f"Read marks cannot be saved to {self.path}: {self._db.failure}."
            self._db.close()

    def __enter__(self) -> UserState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ memory and the database

    def _check_writable(self) -> None:
        if self.readonly:
            raise RuntimeError("this UserState was opened read-only")

    def _snapshot(self) -> tuple[object, ...]:
        return (
            set(self.read_ids),
            set(self.starred_ids),
            dict(self._searches),
            dict(self._settings),
            {article_id: frozenset(tags) for article_id, tags in self._tags.items()},
        )

    def _load(self, contents: Contents) -> None:
        """Replace the mirror with the database, keeping changes not yet written."""
        read, starred, times = contents.read, contents.starred, contents.times
        searches, settings = contents.searches, contents.settings
        pairs: tuple[tuple[Kind, set[str]], ...] = (("read", read), ("starred", starred))
        for kind, target in pairs:
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
        tags = contents.tags
        for article_id, tag in self._dirty_tags:
            if tag in self._tags.get(article_id, set()):
                tags.setdefault(article_id, set()).add(tag)
            elif article_id in tags:
                tags[article_id].discard(tag)
                if not tags[article_id]:
                    del tags[article_id]
        self._tags = tags
        self.read_ids.clear()
        self.read_ids.update(read)
        self.starred_ids.clear()
        self.starred_ids.update(starred)
        self._times = times
        self._searches = searches
        self._settings = settings

    def _rewrite_all(self) -> bool:
        """The file was replaced by a fresh one: mark everything held as unsaved."""
        self._dirty["read"].update(self.read_ids)
        self._dirty["starred"].update(self.starred_ids)
        self._dirty_searches.update(self._searches)
        self._dirty_settings.update(self._settings)
        self._dirty_tags.update((i, tag) for i, tags in self._tags.items() for tag in tags)
        return self.unsaved > 0

    def _write(self) -> bool:
        """Write every unsaved change in one transaction; False if it stays in memory."""
        if self.unsaved == 0:
            return True
        if not self._db.is_open and not self._db.open(create=True):
            return False
        batch = Batch(
            {
                kind: [
                    (article_id, article_id in self._ids(kind), self._times[kind].get(article_id))
                    for article_id in self._dirty[kind]
                ]
                for kind in ("read", "starred")
            },
            {name: self._searches.get(name) for name in self._dirty_searches},
            {key: self._settings[key] for key in self._dirty_settings},
            {(i, tag): tag in self._tags.get(i, set()) for i, tag in self._dirty_tags},
        )
        result = self._db.write(batch)
        if result == "restarted":
            return self._write()
        if result == "failed":
            return False
        for dirty in (*self._dirty.values(), self._dirty_searches, self._dirty_settings):
            dirty.clear()
        self._dirty_tags.clear()
        return True


def _carry(target: dict[str, Any], source: dict[str, Any], key: str) -> None:
    if key in source:
        target[key] = source[key]
    else:
        target.pop(key, None)


def _iso(when: float | None) -> str | None:
    if when is None:
        return None
    return iso_utc(datetime.fromtimestamp(when, UTC), whole_seconds=True)


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


def _parse_tags(number: int, record: Any) -> list[str]:
    tags = record.get("tags") if isinstance(record, Mapping) else None
    if tags is None:
        return []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise ValueError(f"record {number}: 'tags' must be a list of names")
    return [t.strip() for t in tags]


def _parse_record(number: int, record: Any) -> tuple[str, dict[Kind, tuple[bool, float | None]]]:
    if not isinstance(record, Mapping):
        raise ValueError(f"record {number} is not an object with an 'id'")
    article_id = record.get("id")
    if not isinstance(article_id, str) or not article_id:
        raise ValueError(f"record {number}: 'id' must be a non-empty string")
    values: dict[Kind, tuple[bool, float | None]] = {}
    fields: tuple[tuple[Kind, str], ...] = (("read", "read_at"), ("starred", "starred_at"))
    for kind, at in fields:
        value = record.get(kind)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise ValueError(f"record {number} ({article_id}): '{kind}' must be true or false")
        values[kind] = (value, _parse_time(record.get(at)))
    return article_id, values
