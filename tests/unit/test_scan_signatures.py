"""Signatures kept as columns (``reader.signatures``): the mapping a dict would be,
without the dict until a path is looked up."""

from __future__ import annotations

import array
import os
from pathlib import Path

import pytest

from reader import ingest, scan_apart
from reader.cache import IndexCache
from reader.ingest import Ingest, Loaded
from reader.signatures import SignatureColumns

OLD = 1_600_000_000 * 10**9  # an mtime well outside the racy window
PATHS = ["/s/a.txt", "/s/b.txt", "/s/c.md"]
SIZES, MTIMES, CTIMES = [10, 20, 10], [OLD, OLD + 1, OLD + 2], [OLD, OLD + 5, OLD + 2]


def _columns() -> SignatureColumns:
    return SignatureColumns(list(PATHS), list(SIZES), list(MTIMES), list(CTIMES))


def test_the_columns_are_the_mapping_a_dict_of_them_is() -> None:
    as_dict = dict(zip(PATHS, zip(SIZES, MTIMES, CTIMES, strict=True), strict=True))
    columns = _columns()
    assert list(columns) == PATHS and len(columns) == 3
    assert list(columns.values()) == list(as_dict.values())
    assert columns._by_path is None  # iterating needs no dict
    assert columns == as_dict and dict(columns) == as_dict
    assert list(columns.items()) == list(as_dict.items())
    assert columns["/s/b.txt"] == (20, OLD + 1, OLD + 5)
    assert columns.get("/s/gone.txt") is None and "/s/gone.txt" not in columns
    assert "/s/c.md" in columns
    with pytest.raises(KeyError):
        columns["/s/gone.txt"]
    with pytest.raises(ValueError):
        SignatureColumns(["/s/a.txt"], [], [], [])


def test_row_bytes_are_the_walks_int64_rows() -> None:
    columns = _columns()
    rows = array.array("q", [n for row in zip(SIZES, MTIMES, CTIMES, strict=True) for n in row])
    assert columns.row_bytes(0, 3) == rows.tobytes()
    assert columns.row_bytes(1, 100) == rows[3:].tobytes()
    assert columns.row_bytes(3, 7) == b""
    with pytest.raises(OverflowError):
        SignatureColumns(["/s/a.txt"], [1 << 63], [0], [0]).row_bytes(0, 1)


def _library(root: Path, count: int) -> Path:
    root.mkdir()
    for n in range(count):
        path = root / f"{n:04d}.txt"
        path.write_text(f'---\ntitle: "T{n}"\nwebUrl: "https://example.com/{n}"\n---\n')
        os.utime(path, ns=(OLD + n, OLD + n))
    return root


def test_a_warm_start_that_finds_nothing_changed_makes_no_dict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "APART_FROM", 5)  # walked apart, as a large library is
    monkeypatch.setattr(scan_apart.scan, "SORT_STEP", 4)  # compared in several pieces
    root = _library(tmp_path / "seeds", 11)
    cache = IndexCache([root], cache_dir=tmp_path / "cache")
    Ingest([root], cache=cache, workers=1).load_all()
    session = Ingest([root], cache=cache, workers=1)
    (event,) = list(session.load(beside=False))
    assert isinstance(event, Loaded) and event.from_cache
    known = session._known.signatures
    assert isinstance(known, SignatureColumns)
    assert not session.check()  # walked apart, compared as columns: nothing changed
    assert not session.check()  # and again
    assert known._by_path is None
    os.utime(root / "0007.txt", ns=(OLD + 99, OLD + 99))  # a change is still found
    changes = session.check()
    assert changes.changed == 1 and changes.result is not None


def test_a_walk_apart_that_differs_in_one_signature_is_not_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_apart.scan, "SORT_STEP", 4)
    root = _library(tmp_path / "seeds", 9)
    apart = scan_apart.WalkApart([root])
    found = apart.compare({}, frozenset(), ())  # the walk itself, for its columns
    assert not isinstance(found, bool) and found is not None
    same = SignatureColumns(found.paths, found.sizes, found.mtimes, found.ctimes)
    for changed in range(len(found.paths)):
        mtimes = list(found.mtimes)
        mtimes[changed] += 1
        other = SignatureColumns(found.paths, found.sizes, mtimes, found.ctimes)
        again = scan_apart.WalkApart([root])
        assert again.compare(other, frozenset(), ()) is not True, changed
    assert scan_apart.WalkApart([root]).compare(same, frozenset(), ()) is True
