"""User tags: kept by article id in the state database, searched as tag:, exported too."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from reader.cli import main
from reader.library import Library
from reader.query import MatchContext, parse
from reader.scope import Tag, scope_from_key
from reader.seedfile import load_seed_file
from reader.state import UserState
from reader.store import Store


def test_tags_are_kept_by_id_and_seen_by_another_instance(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    one = UserState(path)
    two = UserState(path)
    assert one.set_tag(["a", "b"], "later") == 2
    assert one.set_tag(["a"], "later") == 0
    one.set_tag(["a"], "AI policy")
    assert one.tags_of("a") == {"later", "AI policy"}
    assert one.tag_counts() == {"AI policy": 1, "later": 2}
    assert two.refresh() and two.tagged("later") == {"a", "b"}
    two.set_tag(["b"], "later", present=False)
    assert one.refresh() and one.tagged("later") == {"a"}
    one.close()
    two.close()
    again = UserState(path, readonly=True)
    assert again.tags_of("a") == {"later", "AI policy"} and again.tags_of("b") == frozenset()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2


def test_a_database_of_the_first_version_gains_tags(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE marks (id TEXT PRIMARY KEY, read INTEGER NOT NULL DEFAULT 0,"
            " starred INTEGER NOT NULL DEFAULT 0, read_at REAL, starred_at REAL, updated_at REAL);"
            "INSERT INTO marks (id, read) VALUES ('x', 1); PRAGMA user_version = 1;"
        )
    conn.close()
    state = UserState(path)
    assert state.is_read("x")
    state.set_tag(["x"], "keep")
    state.close()
    assert UserState(path, readonly=True).tags_of("x") == {"keep"}


def test_tags_are_exported_and_imported_with_the_marks(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    state = UserState()
    state.mark_read(["r"])
    state.set_tag(["r", "t"], "later")
    state.close()
    exported = tmp_path / "marks.json"
    assert main(["state", "export", str(exported)]) == 0
    records = {r["id"]: r for r in json.loads(exported.read_text())["marks"]}
    assert records["r"]["tags"] == ["later"] and records["r"]["read"] is True
    assert records["t"] == {
        "id": "t", "read": False, "starred": False, "read_at": None, "starred_at": None,
        "tags": ["later"],
    }  # fmt: skip

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "other"))
    assert main(["state", "import", str(exported)]) == 0
    assert "2 articles updated" in capsys.readouterr().out
    restored = UserState(readonly=True)
    assert restored.tagged("later") == {"r", "t"} and restored.is_read("r")
    assert main(["state", "import", str(exported)]) == 0
    assert "0 articles updated" in capsys.readouterr().out

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"marks": [{"id": "z", "tags": "later"}]}))
    assert main(["state", "import", str(bad)]) == 2
    assert "'tags' must be a list of names" in capsys.readouterr().err


def test_tag_searches_and_the_sidebar_lists_tags(tmp_path: Path, write_seed) -> None:
    one = load_seed_file(write_seed("title: One\nwebUrl: https://e.example/1\n", name="1.txt"))
    two = load_seed_file(write_seed("title: Two\nwebUrl: https://e.example/2\n", name="2.txt"))
    state = UserState(tmp_path / "state.sqlite3")
    state.set_tag([one.id], "Later")
    ctx = MatchContext(tags_of=state.tags_of)
    assert parse("tag:later").matches(one, ctx) and not parse("tag:later").matches(two, ctx)
    assert parse("-tag:later").matches(two, ctx)
    assert parse("tag:later").needs_marks

    library = Library(Store([one, two]), state, lambda: datetime(2026, 1, 1, tzinfo=UTC))
    entry = next(e for e in library.sidebar(False) if e.scope == Tag("Later"))
    assert (entry.label, entry.unread, entry.total) == ("#Later", 1, 1)
    assert library.scope_articles(Tag("Later")) == [one]
    assert scope_from_key(Tag("Later").key) == Tag("Later")
    assert library.contains(Tag("Later")) and not library.contains(Tag("gone"))


def test_tagging_is_undone_in_turn_with_the_marks(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    state = UserState(path)
    state.set_starred(["a"])
    assert state.set_tag(["a", "b"], "later") == 2
    assert state.set_tag(["b"], "later") == 0  # nothing changed: nothing to undo
    state.set_tag(["a"], "later", present=False)
    undone = state.undo()
    assert undone is not None and undone.label == "untag 1 article “later”"
    assert state.tagged("later") == {"a", "b"}
    undone = state.undo()
    assert undone is not None and undone.label == "tag 2 articles “later”"
    assert state.tagged("later") == set() and state.tag_counts() == {}
    assert UserState(path).tagged("later") == set()  # written, not only in memory
    undone = state.undo()
    assert undone is not None and undone.kind == "starred" and state.starred_ids == set()
    assert state.undo() is None
