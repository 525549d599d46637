"""UserState: marks in SQLite that survive kills, other instances and damaged files."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import reader.state.database as state_database
from reader import cli, paths
from reader.state import UserState

WORKER = Path(__file__).with_name("state_worker.py")
T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "newsreader" / "state.sqlite3"


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def rows(db: Path) -> dict[str, tuple[int, int]]:
    """The marks table as another program sees it."""
    with sqlite3.connect(db) as conn:
        return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, read, starred FROM marks")}


# ------------------------------------------------------------------ marking


def test_marks_survive_reopen(db: Path) -> None:
    state = UserState(db)
    state.mark_read(["a", "b", "c"])
    state.mark_read(["b"], False)
    state.set_starred(["c", "not-loaded-now"])
    state.close()

    again = UserState(db)
    assert again.read_ids == {"a", "c"}
    assert again.starred_ids == {"c", "not-loaded-now"}
    assert again.is_read("a") and not again.is_read("b")
    assert again.is_starred("c") and not again.is_starred("a")
    assert again.warning is None


def test_marking_what_is_already_marked_is_an_empty_change(db: Path) -> None:
    state = UserState(db)
    first = state.mark_read(["a", "a", "b"])
    assert first.ids == ("a", "b")
    assert first.label == "mark 2 articles read"
    again = state.mark_read(["a", "b"])
    assert not again and again.ids == ()
    assert state.undo() is first  # the empty change was not kept for undo
    assert state.undo() is None


def test_undo_of_a_bulk_mark_restores_exactly_the_previous_state(db: Path) -> None:
    clock = Clock()
    state = UserState(db, clock=clock)
    state.mark_read(["already"])
    clock.now = T0 + 60
    bulk = state.mark_read(["already", "new1", "new2"], label="mark all in AI read")
    assert bulk.ids == ("new1", "new2")
    assert bulk.old_times == {"new1": None, "new2": None}  # both were unread before
    assert state.read_ids == {"already", "new1", "new2"}

    undone = state.undo()
    assert undone is bulk and undone.label == "mark all in AI read"
    assert state.read_ids == {"already"}
    assert state.export()[0]["read_at"] == "2023-11-14T22:13:20Z"  # its own time, kept
    state.close()
    assert UserState(db).read_ids == {"already"}  # the undo was written too
    assert rows(db)["new1"] == (0, 0)


def test_undo_of_unmark_and_unstar(db: Path) -> None:
    clock = Clock()
    state = UserState(db, clock=clock)
    state.mark_read(["a"])
    state.set_starred(["a"])
    clock.now = T0 + 3600
    state.mark_read(["a"], False)
    state.set_starred(["a"], False)
    assert state.undo().label == "unstar 1 article"
    assert state.undo().label == "mark 1 article unread"
    assert state.is_read("a") and state.is_starred("a")
    state.close()
    assert rows(db)["a"] == (1, 1)
    restored = UserState(db).export()[0]
    assert restored["read_at"] == restored["starred_at"] == "2023-11-14T22:13:20Z"


def test_at_least_fifty_levels_of_undo(db: Path) -> None:
    state = UserState(db)
    for n in range(60):
        state.mark_read([f"a{n}"])
    for _ in range(60):
        assert state.undo() is not None
    assert state.read_ids == set()
    assert state.undo() is None


# ------------------------------------------------------------------ durability and sharing


def test_a_mark_survives_sigkill_right_after(db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(WORKER), "kill", str(db), "https://example.com/killed"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout.strip() == "marked", proc.stderr
    assert proc.returncode == -signal.SIGKILL
    assert UserState(db).is_read("https://example.com/killed")


def test_two_processes_marking_at_once_keep_all_marks(tmp_path: Path, db: Path) -> None:
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), "many", str(db), prefix, "200", str(go)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("left-", "right-")
    ]
    time.sleep(0.3)  # both open the (not yet existing) database first
    go.touch()
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    marks = UserState(db).read_ids
    assert len(marks) == 400
    assert {f"left-{n}" for n in range(200)} | {f"right-{n}" for n in range(200)} == marks


def test_each_instance_writes_only_what_it_changed(db: Path) -> None:
    first = UserState(db)
    first.mark_read(["seed"])
    second = UserState(db)
    first.mark_read(["x"])
    second.set_starred(["x"])  # second never saw x read: must not write read=0
    second.mark_read(["y"])
    first.close()
    second.close()
    again = UserState(db)
    assert again.read_ids == {"seed", "x", "y"}
    assert again.starred_ids == {"x"}


def test_refresh_picks_up_another_instances_writes(db: Path) -> None:
    early = UserState(db)  # opened before the database exists
    writer = UserState(db)
    writer.mark_read(["a"])
    late = UserState(db)
    assert early.refresh() is True and early.is_read("a")
    writer.set_starred(["b"])
    writer.mark_read(["a"], False)
    assert late.refresh() is True
    assert late.starred_ids == {"b"} and not late.is_read("a")
    assert late.refresh() is False  # nothing new
    late.set_starred(["c"])
    assert late.refresh() is False  # its own writes are not news
    assert writer.refresh() is True and writer.is_starred("c")


# ------------------------------------------------------------------ creating nothing


def test_opening_and_reading_create_nothing(tmp_path: Path, db: Path) -> None:
    state = UserState(db)
    assert not state.is_read("a") and not state.is_starred("a")
    assert state.export() == [] and state.saved_searches() == {}
    assert state.get_setting("theme", "dark") == "dark"
    assert state.mark_read(["a"], False).ids == ()  # already unread: nothing to write
    assert state.refresh() is False and state.unsaved == 0 and state.undo() is None
    state.close()
    assert files_under(tmp_path) == []
    state = UserState(db)
    state.mark_read(["a"])
    assert db.exists()


def test_readonly_reading_leaves_no_files_behind(db: Path) -> None:
    with UserState(db) as writer:
        writer.mark_read(["a"])
    before = files_under(db.parent)
    reader_ = UserState(db, readonly=True)
    reader_.close()
    assert reader_.is_read("a")
    assert files_under(db.parent) == before == ["state.sqlite3"]
    with pytest.raises(RuntimeError):
        reader_.mark_read(["b"])


# ------------------------------------------------------------------ faults


def test_a_garbage_state_file_is_moved_aside(db: Path) -> None:
    garbage = b"this is not an SQLite database\n" * 100
    db.parent.mkdir(parents=True)
    db.write_bytes(garbage)
    state = UserState(db)
    aside = list(db.parent.glob("state.sqlite3.corrupt-*"))
    assert len(aside) == 1
    assert re.fullmatch(r"state\.sqlite3\.corrupt-\d{8}-\d{6}", aside[0].name)
    assert aside[0].read_bytes() == garbage
    assert state.warning and str(aside[0]) in state.warning
    state.mark_read(["a"])
    state.close()
    fresh = UserState(db)
    assert fresh.is_read("a") and fresh.warning is None


def test_a_damaged_database_is_moved_aside(db: Path) -> None:
    with UserState(db) as writer:
        writer.mark_read([f"https://example.com/{n:05}" * 3 for n in range(3000)])
    raw = bytearray(db.read_bytes())
    assert len(raw) > 20_000
    raw[4096:] = b"\xa5" * (len(raw) - 4096)  # keep the header, wreck every other page
    db.write_bytes(bytes(raw))
    state = UserState(db)
    assert state.warning and ".corrupt-" in state.warning
    assert state.read_ids == set()
    assert len(list(db.parent.glob("state.sqlite3.corrupt-*"))) == 1
    state.mark_read(["a"])
    assert rows(db) == {"a": (1, 0)}


def test_readonly_open_of_a_damaged_file_moves_nothing(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"garbage" * 100)
    state = UserState(db, readonly=True)
    assert state.warning and "damaged" in state.warning
    assert files_under(db.parent) == ["state.sqlite3"]


def test_an_unwritable_data_dir_keeps_marks_in_memory(tmp_path: Path) -> None:
    # A file where the data directory should be: mkdir fails even for root.
    (tmp_path / "data").write_text("not a directory")
    where = tmp_path / "data" / "newsreader" / "state.sqlite3"
    state = UserState(where)
    change = state.mark_read(["a", "b"])
    assert change.ids == ("a", "b")
    assert state.is_read("a") and state.unsaved == 2
    assert state.warning and "will not be saved" in state.warning and str(where) in state.warning
    state.set_starred(["a"])
    state.save_search("ai", "topic:AI")
    assert state.undo() is not None and not state.is_starred("a")
    assert state.refresh() is False
    state.close()  # no exception either
    assert state.read_ids == {"a", "b"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod 0o500")
def test_a_read_only_data_dir_keeps_marks_in_memory(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o500)
    try:
        state = UserState(data / "state.sqlite3")
        state.mark_read(["a"])
        assert state.is_read("a")
        assert state.warning and "will not be saved" in state.warning
    finally:
        data.chmod(0o700)


def test_a_locked_database_keeps_the_mark_and_writes_it_later(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_database, "BUSY_TIMEOUT_MS", 200)
    state = UserState(db)
    state.mark_read(["before"])
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    change = state.mark_read(["during"])
    assert change.ids == ("during",) and state.is_read("during")
    assert state.unsaved == 1
    assert state.warning and "locked" in state.warning
    state.set_starred(["during"])  # still locked: queued as well
    blocker.execute("ROLLBACK")
    assert rows(db) == {"before": (1, 0)}

    state.refresh()  # the lock is gone: the queue is written
    assert state.unsaved == 0
    assert rows(db) == {"before": (1, 0), "during": (1, 1)}
    blocker.close()


def test_a_write_waits_for_a_lock_before_giving_up(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A wait far longer than the test: giving up at once leaves the writer finished
    # (and the mark unsaved) while the lock is still held.
    monkeypatch.setattr(state_database, "BUSY_TIMEOUT_MS", 600_000)
    state = UserState(db)
    state.mark_read(["before"])
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    asked = threading.Event()
    changes = []

    def write() -> None:
        asked.set()
        changes.append(state.mark_read(["waited"]))

    writer = threading.Thread(target=write)
    writer.start()
    asked.wait()
    writer.join(timeout=1)
    assert writer.is_alive()  # still waiting for the lock, not given up
    blocker.execute("ROLLBACK")
    writer.join()
    blocker.close()
    assert changes[0].ids == ("waited",)
    assert state.unsaved == 0 and state.warning is None  # written once the lock was free
    assert rows(db) == {"before": (1, 0), "waited": (1, 0)}


def test_a_lock_released_on_the_next_write_writes_both(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_database, "BUSY_TIMEOUT_MS", 100)
    state = UserState(db)
    state.mark_read(["before"])
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    state.mark_read(["queued"])
    blocker.execute("COMMIT")
    blocker.close()
    state.take_warning()
    state.mark_read(["next"])
    assert rows(db) == {"before": (1, 0), "queued": (1, 0), "next": (1, 0)}
    assert state.warning and "saved again" in state.warning


def test_a_briefly_held_lock_is_waited_for(db: Path) -> None:
    state = UserState(db)
    state.mark_read(["before"])
    blocker = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN EXCLUSIVE")
    threading.Timer(0.3, lambda: blocker.execute("COMMIT")).start()
    state.mark_read(["after"])
    assert state.warning is None and state.unsaved == 0
    assert rows(db)["after"] == (1, 0)
    blocker.close()


# ------------------------------------------------------------------ searches, settings, import


def test_saved_searches_and_settings_round_trip(db: Path) -> None:
    clock = Clock()
    state = UserState(db, clock=clock)
    state.save_search("ai", "topic:AI")
    clock.now += 1
    state.save_search("cheap", "quality:>50")
    state.save_search("ai", "topic:AI unread")  # replaced, keeps its place
    state.save_search("gone", "x")
    state.delete_search("gone")
    state.delete_search("never-was")
    state.set_setting("sort", "quality")
    state.set_setting("widths", {"sidebar": 30, "list": [1, 2]})
    state.close()

    again = UserState(db)
    assert again.saved_searches() == {"ai": "topic:AI unread", "cheap": "quality:>50"}
    assert list(again.saved_searches()) == ["ai", "cheap"]
    assert again.get_setting("sort") == "quality"
    assert again.get_setting("widths") == {"sidebar": 30, "list": [1, 2]}
    assert again.get_setting("missing", 7) == 7


def test_export_import_round_trip(tmp_path: Path) -> None:
    source = UserState(tmp_path / "a.sqlite3", clock=Clock())
    source.mark_read(["r", "both"])
    source.set_starred(["s", "both"])
    exported = source.export()
    assert exported == [
        {
            "id": "both",
            "read": True,
            "starred": True,
            "read_at": "2023-11-14T22:13:20Z",
            "starred_at": "2023-11-14T22:13:20Z",
        },
        {"id": "r", "read": True, "starred": False, "read_at": "2023-11-14T22:13:20Z",
         "starred_at": None},
        {"id": "s", "read": False, "starred": True, "read_at": None,
         "starred_at": "2023-11-14T22:13:20Z"},
    ]  # fmt: skip
    target = UserState(tmp_path / "b.sqlite3", clock=Clock(T0 + 999))
    assert target.import_marks(json.loads(json.dumps(exported))) == 3
    assert target.export() == exported  # the original times, not the import time
    assert target.import_marks(exported) == 0
    target.close()
    assert UserState(tmp_path / "b.sqlite3").export() == exported


def test_import_never_unreads_unless_allowed(db: Path) -> None:
    state = UserState(db)
    state.mark_read(["read"])
    state.set_starred(["starred"])
    unread = [
        {"id": "read", "read": False, "starred": False},
        {"id": "starred", "read": False, "starred": False},
        {"id": "new", "read": True},
    ]
    assert state.import_marks(unread) == 1
    assert state.read_ids == {"read", "new"} and state.starred_ids == {"starred"}
    assert state.import_marks(unread, allow_unread=True) == 2
    assert state.read_ids == {"new"} and state.starred_ids == set()
    state.close()
    assert UserState(db).read_ids == {"new"}


def test_a_malformed_import_merges_nothing(db: Path) -> None:
    state = UserState(db)
    with pytest.raises(ValueError, match="record 2"):
        state.import_marks([{"id": "ok", "read": True}, {"id": "", "read": True}])
    with pytest.raises(ValueError, match="true or false"):
        state.import_marks([{"id": "x", "read": "yes"}])
    assert state.read_ids == set() and not db.exists()


# ------------------------------------------------------------------ the command line


ARTICLE = """---
title: "{title}"
webUrl: "https://example.com/{slug}"
publishedDateTime: 2024-01-0{day}T10:00:00Z
---
"""


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    home.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for day, slug in enumerate(("one", "two", "three"), 1):
        text = ARTICLE.format(title=slug.title(), slug=slug, day=day)
        (folder / f"{slug}.md").write_text(text)
    return folder


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def listed(seeds: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> list[dict]:
    code, out, _ = run(["list", "--json", *flags, str(seeds)], capsys)
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def test_read_only_commands_create_nothing(
    xdg: Path, seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["state", "path"], capsys)
    assert code == 0
    assert out.strip() == str(xdg / "newsreader" / "state.sqlite3")
    for argv in (
        ["list", str(seeds)],
        ["list", "--json", str(seeds)],
        ["list", "--unread", "--starred", str(seeds)],
        ["check", str(seeds)],
        ["state", "export"],
    ):
        assert run(argv, capsys)[0] == 0
    assert files_under(xdg) == []


def test_list_filters_and_reports_marks(
    xdg: Path, seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    everything = listed(seeds, capsys)
    assert [(a["read"], a["starred"]) for a in everything] == [(False, False)] * 3
    three, two, one = (a["id"] for a in everything)  # newest first
    with UserState(paths.state_db_path()) as state:
        state.mark_read([one, two])
        state.set_starred([two, "https://example.com/not-loaded"])
    before = files_under(xdg)

    assert [a["id"] for a in listed(seeds, capsys, "--unread")] == [three]
    assert [a["id"] for a in listed(seeds, capsys, "--starred")] == [two]
    assert listed(seeds, capsys, "--unread", "--starred") == []
    marks = {a["id"]: (a["read"], a["starred"]) for a in listed(seeds, capsys)}
    assert marks == {one: (True, False), two: (True, True), three: (False, False)}
    code, out, _ = run(["list", "--unread", str(seeds)], capsys)
    assert code == 0 and len(out.splitlines()) == 1 and "Three" in out
    assert files_under(xdg) == before  # no -wal or -shm left behind


def test_state_export_and_import(
    tmp_path: Path, xdg: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with UserState(paths.state_db_path()) as state:
        state.mark_read(["a", "b"])
        state.set_starred(["b"])
    code, out, _ = run(["state", "export"], capsys)
    assert code == 0
    exported = json.loads(out)
    assert [(m["id"], m["read"], m["starred"]) for m in exported["marks"]] == [
        ("a", True, False),
        ("b", True, True),
    ]
    dump = tmp_path / "marks.json"
    assert run(["state", "export", str(dump)], capsys)[0] == 0
    assert json.loads(dump.read_text()) == exported

    other = tmp_path / "other-xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(other))
    with UserState(paths.state_db_path()) as state:
        state.mark_read(["c"])
    code, out, _ = run(["state", "import", str(dump)], capsys)
    assert code == 0 and "2 articles updated" in out
    assert UserState(paths.state_db_path()).read_ids == {"a", "b", "c"}

    dump.write_text(json.dumps([{"id": "a", "read": False, "starred": False}]))
    run(["state", "import", str(dump)], capsys)
    assert UserState(paths.state_db_path()).is_read("a")
    code, out, _ = run(["state", "import", "--allow-unread", str(dump)], capsys)
    assert code == 0 and "1 article updated" in out
    assert not UserState(paths.state_db_path()).is_read("a")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not a file 'state export' wrote: it is not JSON (from line 1, column 2)"),
        ("", "is not a file 'state export' wrote: it is empty"),
        (b"\xff\xfe", "it is not text in UTF-8"),
        ('{"marks": 3}', "no list of marks"),
        ('[{"id": 1}]', "id"),
    ],
)
def test_state_import_refuses_bad_files(
    tmp_path: Path,
    xdg: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | bytes,
    message: str,
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, _, err = run(["state", "import", str(bad)], capsys)
    assert code == 2 and message in err and "Traceback" not in err
    code, _, err = run(["state", "import", str(tmp_path / "missing.json")], capsys)
    assert code == 2 and "cannot read" in err
    assert files_under(xdg) == []
