"""The walk over the seed folders: what it finds, skips and names, in which order."""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from reader import scan, scan_apart
from reader.ingest import Ingest
from reader.scan import MissingPath, scan_paths

GRIO = "000_310119c898b6a1e9.txt"


def test_directory_named_like_a_seed_and_dangling_symlink_are_skipped(tmp_path, write_seed):
    write_seed("title: good\n", "good.txt")
    (tmp_path / "folder.txt").mkdir()
    write_seed("title: inside\n", "folder.txt/inner.txt")
    os.symlink(tmp_path / "nowhere.txt", tmp_path / "dangling.txt")
    result = Ingest([tmp_path], workers=1).load_all()
    assert sorted(a.title for a in result.articles) == ["good", "inside"]
    reasons = {Path(p.path).name: p.reason for p in result.problems + result.ignored}
    assert "directory" in reasons["folder.txt"]
    assert "symbolic link" in reasons["dangling.txt"]
    assert result.files_read == 2


def test_dangling_symlink_named_explicitly(tmp_path):
    link = tmp_path / "dangling.txt"
    os.symlink(tmp_path / "nowhere.txt", link)
    result = Ingest([link], workers=1).load_all()
    assert ["symbolic link" in p.reason for p in result.problems] == [True]


def test_a_symlink_loop_between_two_files_is_named_a_loop(tmp_path, write_seed):
    write_seed("title: good\n", "good.txt")
    os.symlink(tmp_path / "b.txt", tmp_path / "a.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "b.txt")
    found = Ingest([tmp_path], workers=1).load_all()
    named = Ingest([tmp_path / "a.txt"], workers=1).load_all()
    assert [a.title for a in found.articles] == ["good"]
    for result, names in ((found, ["a.txt", "b.txt"]), (named, ["a.txt"])):
        reasons = {Path(p.path).name: p.reason for p in result.problems}
        assert reasons == dict.fromkeys(names, "symbolic link loop")


def test_hidden_entries_are_skipped_and_subfolders_scanned(tmp_path, write_seed):
    write_seed("title: top\n", "top.txt")
    write_seed("title: nested\n", "2020/06/nested.txt")
    write_seed("title: hidden file\n", ".hidden.txt")
    write_seed("title: in hidden dir\n", ".git/x.txt")
    write_seed("title: swap\n", ".top.txt.swp")
    write_seed("title: upper\n", "UPPER.TXT")
    write_seed("title: markdown\n", "notes/page.md")
    write_seed("title: wrong suffix\n", "image.png")
    write_seed("title: no suffix\n", "LICENSE")
    result = Ingest([tmp_path], workers=1).load_all()
    assert sorted(a.title for a in result.articles) == [
        "markdown",
        "nested",
        "top",
        "upper",
    ]
    assert result.problems == [] and result.ignored == []


def test_scan_order_is_stable_and_named_files_are_explicit(tmp_path, write_seed):
    for name in ("b.txt", "a.txt", "c/d.md"):
        write_seed("title: x\n", name)
    files, problems = scan_paths([tmp_path / "b.txt", tmp_path, tmp_path / "a.txt"])
    assert [(Path(p).relative_to(tmp_path).as_posix(), e) for p, e in files] == [
        ("b.txt", True),
        ("a.txt", False),
        ("c/d.md", False),
    ]
    assert problems == []


def test_a_file_named_twice_is_read_once(seeds_dir):
    result = Ingest([seeds_dir, seeds_dir / GRIO, str(seeds_dir / GRIO)], workers=1).load_all()
    assert (len(result.articles), result.duplicates, result.files_read) == (2, [], 2)


def test_symlink_loop_is_walked_once(tmp_path, write_seed):
    write_seed("title: x\n", "sub/a.txt")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    files, _ = scan_paths([tmp_path])
    assert [Path(p).name for p, _ in files] == ["a.txt"]


def test_missing_path_raises_missing_path(tmp_path):
    with pytest.raises(MissingPath):
        scan_paths([tmp_path / "nope"])


def test_a_missing_path_is_a_named_problem_of_the_load(tmp_path):
    result = Ingest([tmp_path / "nope"], workers=1).load_all()
    assert [(p.path, p.reason) for p in result.problems] == [
        (str(tmp_path / "nope"), "no such file or folder")
    ]


def test_scan_paths_breathes_every_few_entries(tmp_path: Path) -> None:
    for n in range(scan.BREATHE_EVERY * 2 + 1):
        (tmp_path / f"{n:04}.txt").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    calls: list[int] = []
    files, _ = scan_paths([tmp_path], breathe=lambda: calls.append(1))
    assert len(files) == scan.BREATHE_EVERY * 2 + 1
    assert len(calls) == 4  # before the listing, then entries 0, BREATHE_EVERY, 2 * BREATHE_EVERY


def test_a_large_folder_is_sorted_in_steps_with_a_breath_between(tmp_path, monkeypatch):
    # One sort of 100,000 names holds the GIL for 100-270 ms: a key pressed then stalls.
    monkeypatch.setattr(scan, "SORT_STEP", 16)
    names = [f"{n:03}.txt" for n in range(100)]
    for name in reversed(names):
        (tmp_path / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "z.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    calls: list[int] = []
    files, _ = scan_paths([tmp_path], breathe=lambda: calls.append(1))
    expected = [str(tmp_path / name) for name in names] + [str(tmp_path / "sub" / "z.md")]
    assert [path for path, _ in files] == expected  # the same order as one sort
    # before each listing (2), after each of the 7 sorted steps, every 128 entries (1 + 1)
    assert len(calls) == 2 + 7 + 2
    signatures: dict = {}
    assert scan_paths([tmp_path], signatures)[0] == files  # the command line: one sort


def test_the_default_breath_yields_only_when_another_thread_runs(tmp_path, monkeypatch):
    for n in range(scan.BREATHE_EVERY + 1):
        (tmp_path / f"{n:04}.txt").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    sleeps: list[float] = []
    monkeypatch.setattr(scan.time, "sleep", sleeps.append)
    scan_paths([tmp_path])
    assert sleeps == []  # the command line: nobody to let in
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        scan_paths([tmp_path])
    finally:
        stop.set()
        other.join()
    assert sleeps == [0, 0, 0]  # before the listing, at entries 0 and BREATHE_EVERY


def _library(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.txt", "b.md", "sub/c.txt"):
        (folder / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    return folder


def _walk_of(paths: list[Path]) -> tuple[dict, frozenset[str]]:
    signatures: dict = {}
    files, _ = scan_paths(paths, signatures)
    return signatures, frozenset(path for path, named in files if named)


def test_rescan_of_an_unchanged_library_is_the_same_and_keeps_the_known_signatures(tmp_path):
    folder = _library(tmp_path)
    named_file = tmp_path / "named.txt"
    named_file.write_text("---\ntitle: n\n---\n", encoding="utf-8")
    known, named = _walk_of([folder, named_file])
    signatures: dict = {}
    files, problems, same = scan.rescan([folder, named_file], known, named, signatures)
    assert same and problems == []
    assert files == scan_paths([folder, named_file])[0]
    assert signatures == known
    assert all(signatures[path] is known[path] for path in known)  # nothing new kept


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda folder: (folder / "a.txt").write_text("changed"), id="changed"),
        pytest.param(lambda folder: (folder / "sub" / "new.txt").write_text("x"), id="added"),
        pytest.param(lambda folder: (folder / "b.md").unlink(), id="removed"),
        pytest.param(lambda folder: os.utime(folder / "a.txt", ns=(1, 1)), id="touched"),
    ],
)
def test_rescan_after_any_change_is_not_the_same(tmp_path, change):
    folder = _library(tmp_path)
    known, named = _walk_of([folder])
    change(folder)
    signatures: dict = {}
    files, _, same = scan.rescan([folder], known, named, signatures)
    assert not same
    assert files == scan_paths([folder])[0]


def test_rescan_of_a_file_named_now_but_found_before_is_not_the_same(tmp_path):
    folder = _library(tmp_path)
    known, named = _walk_of([folder])
    assert named == frozenset()
    now_named = folder / "a.txt"
    _, _, same = scan.rescan([now_named, folder], known, named, {})
    assert not same
    known, named = _walk_of([now_named])
    _, _, same = scan.rescan([folder], known, named, {})  # named before, found now
    assert not same


def _odd_folder(tmp_path: Path) -> Path:
    """Article files among everything else a folder may hold."""
    folder = tmp_path / "seeds"
    (folder / "sub").mkdir(parents=True)
    (folder / "archive.md").mkdir()
    for name in ("a.txt", "b.md", "C.TXT", "d.Md", ".hidden.txt", "README", "notes.rst"):
        (folder / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    for n in range(scan.BREATHE_EVERY + 3):  # more than one piece of a listing
        (folder / "sub" / f"{n:04}.txt").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (folder / "sub" / ".DS_Store").write_text("x", encoding="utf-8")
    os.symlink(folder / "nowhere.txt", folder / "dangling.txt")
    os.symlink(folder / "a.txt", folder / "link.txt")
    return folder


@pytest.mark.parametrize("breathing", [False, True], ids=["command line", "reader"])
def test_a_folder_taken_in_bulk_is_walked_as_entry_by_entry(tmp_path, monkeypatch, breathing):
    # The bulk path is a shortcut: every walk and rescan gives what the walk
    # entry by entry gives, over folders of every kind of entry.
    folder = _odd_folder(tmp_path)
    named_file = tmp_path / "named.txt"
    named_file.write_text("---\ntitle: n\n---\n", encoding="utf-8")
    paths = [folder, named_file, folder / "sub" / "0001.txt"]
    extra = (lambda: None,) if breathing else ()

    def walks() -> list:
        signatures: dict = {}
        files, problems = scan_paths(paths, signatures, *extra)
        known = dict(signatures)
        known[str(folder / "sub" / "0002.txt")] = (0, 0, 0)  # one changed since
        rescanned: dict = {}
        again = scan.rescan(paths, known, frozenset({str(named_file)}), rescanned, *extra)
        same: dict = {}
        unchanged = scan.rescan(paths[:2], signatures, frozenset({str(named_file)}), same, *extra)
        return [files, problems, signatures, again, rescanned, unchanged, same]

    bulk = walks()
    monkeypatch.setattr(scan, "_take_plain_files", lambda *_: False)
    assert bulk == walks()
    assert bulk[5][2] is True and bulk[3][2] is False


def _as_columns(paths: list) -> scan.Walk:
    """What ``walk`` must give: ``scan_paths``'s files and signatures, as columns."""
    signatures: dict = {}
    files, problems = scan_paths(paths, signatures)
    sigs = [signatures.get(path, (0, 0, 0)) for path, _ in files]
    return scan.Walk(
        [path for path, _ in files],
        [named for _, named in files],
        [sig[0] for sig in sigs],
        [sig[1] for sig in sigs],
        [sig[2] for sig in sigs],
        problems,
        all(path in signatures for path, _ in files),
    )


def _plain(tmp_path: Path) -> Path:
    folder = tmp_path / "plain"
    folder.mkdir(exist_ok=True)
    for name in ("b.md", "a.txt", "c.txt", ".hidden.txt", ".DS_Store"):
        (folder / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda tmp: [_plain(tmp)], id="plain folder"),
        pytest.param(lambda tmp: [str(_plain(tmp)) + os.sep], id="plain folder/"),
        pytest.param(lambda tmp: [_plain(tmp), _plain(tmp) / "a.txt"], id="and a file in it"),
        pytest.param(lambda tmp: [_odd_folder(tmp)], id="odd folder"),
        pytest.param(lambda tmp: [_plain(tmp) / "a.txt"], id="one file"),
        pytest.param(lambda tmp: [_library(tmp)], id="subfolder"),
    ],
)
def test_a_walk_as_columns_is_scan_paths_with_signatures(tmp_path, make):
    paths = make(tmp_path)
    assert scan.walk(paths) == _as_columns(paths)


@pytest.mark.parametrize(
    "odd",
    [
        pytest.param(lambda folder: (folder / "README").write_text("x"), id="another file"),
        pytest.param(lambda folder: (folder / "D.TXT").write_text("x"), id="odd case"),
        pytest.param(lambda folder: (folder / "sub.md").mkdir(), id="folder named .md"),
        pytest.param(lambda folder: os.symlink(folder / "no", folder / "x.txt"), id="dead link"),
        pytest.param(lambda folder: os.mkfifo(folder / "pipe.txt"), id="pipe"),
        pytest.param(lambda folder: os.symlink(folder / "a.txt", folder / "l.md"), id="link"),
    ],
)
def test_a_folder_not_taken_in_bulk_is_walked_as_scan_paths_walks_it(tmp_path, odd):
    folder = _plain(tmp_path)
    odd(folder)
    assert scan.walk([folder]) == _as_columns([folder])


def test_the_bulk_walk_of_a_plain_folder_is_the_one_taken(tmp_path, monkeypatch):
    # Proves the test above compares the bulk walk, not the fallback with itself.
    folder = _plain(tmp_path)
    monkeypatch.setattr(scan, "scan_paths", None)
    assert scan.walk([folder]).paths == [str(folder / n) for n in ("a.txt", "b.md", "c.txt")]


def test_a_walk_as_columns_raises_for_a_missing_path(tmp_path):
    with pytest.raises(MissingPath):
        scan.walk([tmp_path / "nowhere"])


def test_an_empty_folder_is_walked_as_columns_and_beside(tmp_path):
    # It raised once (a listing in steps of zero names), and `list` of an empty folder with it.
    empty = tmp_path / "empty"
    empty.mkdir()
    assert scan.walk([empty]) == scan.Walk([], [], [], [], [], [])
    assert scan.WalkBeside([empty]).result() == scan.Walk([], [], [], [], [], [])
    assert scan.folder_as_known(str(empty), {}) is True


def test_a_file_gone_before_its_stat_makes_a_walk_not_stated(tmp_path, monkeypatch):
    folder = _library(tmp_path)
    real = scan.scan_paths

    def vanishing(paths, signatures):
        files, problems = real(paths, signatures)
        del signatures[str(folder / "a.txt")]  # listed, then gone before its stat
        return files, problems

    monkeypatch.setattr(scan, "scan_paths", vanishing)
    found = scan.walk([folder])
    assert not found.stated and str(folder / "a.txt") in found.paths


@pytest.mark.parametrize("make", [_plain, _odd_folder, _library], ids=["plain", "odd", "sub"])
def test_a_walk_beside_gives_what_the_walk_gives(tmp_path, make):
    folder = make(tmp_path)
    beside = scan.WalkBeside([folder])
    assert beside.result() == scan.walk([folder])


def test_a_walk_beside_runs_in_a_child_for_one_plain_folder(tmp_path, monkeypatch):
    folder = _plain(tmp_path)
    beside = scan.WalkBeside([folder])
    assert beside._child is not None  # forked
    monkeypatch.setattr(scan, "walk", None)  # the parent does not walk again
    assert beside.result().paths == [str(folder / n) for n in ("a.txt", "b.md", "c.txt")]


def test_a_walk_beside_walks_here_when_another_thread_runs(tmp_path):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        beside = scan.WalkBeside([_plain(tmp_path)])
    finally:
        stop.set()
        other.join()
    assert beside._child is None
    assert beside.result() == scan.walk([tmp_path / "plain"])


def test_a_failed_child_is_walked_again_here(tmp_path, monkeypatch):
    folder = _plain(tmp_path)

    def broken(_fd, _names):
        raise OSError("the child fails")

    monkeypatch.setattr(scan, "_file_stats", broken)  # in the child alone: undone below
    beside = scan.WalkBeside([folder])
    assert beside._child is not None
    monkeypatch.undo()
    assert beside.result() == scan.walk([folder])


def test_a_walk_beside_raises_for_a_missing_path_and_a_cancelled_one_is_reaped(tmp_path):
    with pytest.raises(MissingPath):
        scan.WalkBeside([tmp_path / "nowhere"]).result()
    beside = scan.WalkBeside([_plain(tmp_path)])
    pid = beside._child[0]
    beside.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # reaped already


def test_a_walk_beside_shares_the_stat_calls_with_its_child(tmp_path, monkeypatch):
    folder = _plain(tmp_path)
    for n in range(20):
        (folder / f"{n:02}.txt").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    beside = scan.WalkBeside([folder])
    share = beside._child[2]
    assert 0 < share < 23
    stated: list[list[str]] = []
    real = scan._file_stats
    monkeypatch.setattr(
        scan, "_file_stats", lambda fd, names: stated.append(names) or real(fd, names)
    )
    assert beside.result() == scan.walk([folder])
    assert stated[0] == sorted(os.listdir(folder))[2:][share:]  # here: the rest (hidden aside)


# ------------------------------------------------- a walk in a process apart


def _known_of(found: scan.Walk) -> tuple[dict, frozenset[str], tuple]:
    """What a session knows after the walk ``found``."""
    rows = zip(found.sizes, found.mtimes, found.ctimes, strict=True)
    named = frozenset(path for path, flag in zip(found.paths, found.named, strict=True) if flag)
    return dict(zip(found.paths, rows, strict=True)), named, tuple(found.problems)


def _named_and_twice(tmp: Path) -> list:
    folder = _odd_folder(tmp)
    named = tmp / "named.txt"
    named.write_text("---\ntitle: n\n---\n", encoding="utf-8")
    return [folder, named, folder / "sub" / "0001.txt"]


def _odd_name(tmp: Path) -> list:
    folder = _plain(tmp)
    try:
        (folder / "caf\udce9.txt").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system takes no undecodable names")
    return [folder]


NOT_KNOWN = ({"/no/such/file.txt": (1, 2, 3)}, frozenset(), ())  # known of no walk here
WALKED = [
    pytest.param(lambda tmp: [_plain(tmp)], id="plain folder"),
    pytest.param(lambda tmp: [_odd_folder(tmp)], id="odd folder"),
    pytest.param(lambda tmp: [_library(tmp)], id="subfolder"),
    pytest.param(_named_and_twice, id="named files and a file twice"),
    pytest.param(lambda tmp: [_plain(tmp) / "a.txt"], id="one file"),
    pytest.param(
        lambda tmp: [tmp / "empty"] if (tmp / "empty").mkdir() is None else [], id="empty"
    ),
    pytest.param(_odd_name, id="undecodable name"),
]


@pytest.mark.parametrize("make", WALKED)
def test_a_walk_apart_gives_what_the_walk_gives(tmp_path, make):
    paths = make(tmp_path)
    apart = scan_apart.WalkApart(paths)
    assert apart._child is not None  # in a process of its own
    assert apart.compare(*NOT_KNOWN) == scan.walk(paths)


@pytest.mark.parametrize("make", WALKED)
def test_a_walk_apart_of_an_unchanged_library_is_the_same(tmp_path, make):
    paths = make(tmp_path)
    assert scan_apart.WalkApart(paths).compare(*_known_of(scan.walk(paths))) is True


PIECE = 16  # rows a piece of the comparison, in these tests


@pytest.fixture
def big_plain(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(scan, "SORT_STEP", PIECE)
    return _big_plain_dir(tmp_path)


def _big_plain_dir(tmp_path: Path) -> Path:
    folder = _plain(tmp_path)
    for n in (*range(2 * PIECE + 4), 5000, 8190):  # three pieces of the comparison
        (folder / f"{n:05}.txt").write_text("x", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda f: (f / "00003.txt").write_text("changed"), id="changed"),
        pytest.param(lambda f: (f / "09000.txt").write_text("x"), id="added"),
        pytest.param(lambda f: (f / "00004.txt").unlink(), id="removed"),
        pytest.param(lambda f: os.utime(f / "08190.txt", ns=(1, 1)), id="touched"),
        pytest.param(lambda f: (f / "00006.txt").chmod(0o600), id="chmod"),
        pytest.param(lambda f: (f / "05000.txt").rename(f / "05000b.txt"), id="renamed"),
        pytest.param(lambda f: os.symlink(f / "no", f / "x.txt"), id="broken link"),
        pytest.param(
            lambda f: (f / "sub").mkdir() or (f / "sub" / "s.md").write_text("x"), id="sub"
        ),
    ],
)
def test_a_walk_apart_after_any_change_gives_the_new_walk(big_plain, change):
    folder = big_plain
    known = _known_of(scan.walk([folder]))
    change(folder)
    found = scan_apart.WalkApart([folder]).compare(*known)
    assert found is not True and found == scan.walk([folder])


def test_a_walk_apart_breathes_between_pieces(big_plain):
    folder = big_plain
    calls: list[int] = []
    known = _known_of(scan.walk([folder]))
    assert scan_apart.WalkApart([folder]).compare(*known, lambda: calls.append(1)) is True
    assert len(calls) == 4  # before the walk is decoded, then before each piece


def test_a_walk_apart_tells_a_named_file_from_one_found_in_a_folder(tmp_path):
    folder = _library(tmp_path)
    known = _known_of(scan.walk([folder]))
    now_named = [folder / "a.txt", folder]
    assert scan_apart.WalkApart(now_named).compare(*known) == scan.walk(now_named)
    known = _known_of(scan.walk(now_named))
    assert scan_apart.WalkApart(now_named).compare(*known) is True
    assert scan_apart.WalkApart([folder]).compare(*known) == scan.walk([folder])


def test_a_walk_apart_differs_with_its_problems(tmp_path):
    folder = _library(tmp_path)
    os.symlink(folder / "nowhere.txt", folder / "dangling.txt")
    signatures, named, _problems = _known_of(scan.walk([folder]))
    assert scan_apart.WalkApart([folder]).compare(signatures, named, ()) == scan.walk([folder])


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda m, tmp: m.setattr(scan_apart, "_APART", False), id="not POSIX"),
        pytest.param(
            lambda m, tmp: m.setattr(scan_apart.sys, "executable", "/bin/false"), id="failed"
        ),
        pytest.param(
            lambda m, tmp: m.setattr(scan_apart.sys, "executable", "/bin/echo"), id="garbage"
        ),
        pytest.param(
            lambda m, tmp: m.setattr(scan_apart.sys, "executable", str(tmp / "no")), id="none"
        ),
    ],
)
def test_no_walk_apart_to_be_had_is_none(tmp_path, monkeypatch, spoil):
    folder = _plain(tmp_path)
    spoil(monkeypatch, tmp_path)
    apart = scan_apart.WalkApart([folder])
    monkeypatch.undo()
    assert apart.compare({}, frozenset(), ()) is None


def test_a_walk_apart_of_a_missing_path_is_none_and_a_cancelled_one_is_reaped(tmp_path):
    assert scan_apart.WalkApart([tmp_path / "nowhere"]).compare({}, frozenset(), ()) is None
    apart = scan_apart.WalkApart([_plain(tmp_path)])
    apart.cancel()
    assert apart.compare({}, frozenset(), ()) is None or apart._ok  # killed, or done first
    assert apart._child is not None and apart._child.returncode is not None  # reaped


def test_a_walk_apart_not_stated_is_none(tmp_path, monkeypatch):
    folder = _library(tmp_path)
    apart = scan_apart.WalkApart([folder])
    apart._done.wait()
    real = apart._received

    def unstated():
        sent = real()
        assert sent is not None
        return (False, *sent[1:])

    monkeypatch.setattr(apart, "_received", unstated)
    assert apart.compare({}, frozenset(), ()) is None


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "Z"  # over and reaped already


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc")
def test_a_walk_apart_waited_for_with_a_breath_is_stopped_while_it_breathes(tmp_path, monkeypatch):
    apart = scan_apart.WalkApart([_big_plain_dir(tmp_path)])
    child = apart._child
    assert child is not None
    sent: list[int] = []
    real = child.send_signal
    monkeypatch.setattr(child, "send_signal", lambda sig: sent.append(sig) or real(sig))
    monkeypatch.setattr(scan_apart, "PAUSE_EVERY", 0.001)
    states: list[str] = []

    def breathe() -> None:  # keys pressed: the child stays stopped meanwhile
        deadline = time.monotonic() + 2
        while (state := _state(child.pid)) not in "TtZ" and time.monotonic() < deadline:
            time.sleep(0.001)
        states.append(state)

    apart.wait(breathe)
    assert apart.finished() and apart.compare(*NOT_KNOWN) == scan.walk([tmp_path / "plain"])
    assert states and set(states) <= set("TtZ")  # stopped (or gone) while it breathed
    assert sent == [signal.SIGSTOP, signal.SIGCONT] * len(states)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="no /proc to count open files")
def test_a_walk_apart_lets_its_file_go_compared_cancelled_or_dropped(tmp_path):
    folder = _plain(tmp_path)
    open_files = lambda: len(os.listdir("/proc/self/fd"))  # noqa: E731
    before = open_files()
    compared = scan_apart.WalkApart([folder])
    assert compared.compare(*_known_of(scan.walk([folder]))) is True
    cancelled = scan_apart.WalkApart([folder])
    cancelled.cancel()
    dropped = scan_apart.WalkApart([folder])
    dropped.wait()
    assert open_files() == before + 1  # the walk never compared holds its file
    del dropped
    gc.collect()
    assert open_files() == before
    assert compared.compare(*_known_of(scan.walk([folder]))) is None  # read once


def test_a_walk_apart_without_memfd_writes_into_a_temporary_file(tmp_path, monkeypatch):
    folder = _plain(tmp_path)
    monkeypatch.delattr(scan_apart.os, "memfd_create", raising=False)
    apart = scan_apart.WalkApart([folder])
    assert apart._child is not None
    assert apart.compare(*_known_of(scan.walk([folder]))) is True
