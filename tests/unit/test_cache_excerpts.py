"""The raw excerpts in the index cache: what ``list --json`` and ``show`` print
without reading the files again, and what the reader never decodes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import reader.cache_excerpts as cache_module
from reader import seedfile
from reader.cache import IndexCache
from reader.cache_excerpts import EXCERPT_BLOCK, StoredExcerpts
from reader.cli import main
from reader.ingest import Ingest
from reader.model import Article, Problem

OLD = 1_600_000_000 * 10**9  # outside the racy window: the cache keeps these files

EXCERPTS = {
    "00.txt": "Plain words.",
    "01.txt": "Café, 한겨레 and 🎉 in two\nparagraphs.",
    "02.txt": "",  # none at all
    "03.txt": "🎉" * 16_000 + "é" * 3_000,  # 70,000 bytes: across blocks
    "04.txt": "Case Matters HERE",  # folded for search: only the cache keeps it as written
    "05.txt": "[WIP] \\[x] [bold]not markup[/]",
}
assert len(EXCERPTS["03.txt"].encode()) > EXCERPT_BLOCK


def _write(folder: Path, name: str, excerpt: str, n: int, *, title: str | None = None) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = json.dumps(excerpt, ensure_ascii=False)  # a JSON string is a YAML one
    path.write_text(
        f'---\ntitle: "{title or f"Article {n}"}"\nwebUrl: "https://example.com/{n}"\n'
        f"publishedDateTime: 2024-03-{10 + n:02d}T08:00:00Z\nexcerpt: {quoted}\n---\n",
        encoding="utf-8",
    )
    os.utime(path, ns=(OLD + n * 10**9, OLD + n * 10**9))
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    for n, (name, excerpt) in enumerate(EXCERPTS.items()):
        _write(folder, name, excerpt, n)
    (folder / "bad.txt").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    os.utime(folder / "bad.txt", ns=(OLD, OLD))
    return folder


@pytest.fixture
def file_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The article files read again for their detail (what the cache saves)."""
    reads: list[str] = []
    real = seedfile.read_seed_file

    def reading(path, *args, **kwargs):
        reads.append(os.path.basename(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(seedfile, "read_seed_file", reading)
    return reads


def _json(capsys, *argv: str) -> dict[str, str]:
    capsys.readouterr()
    assert main(["list", "--json", *argv]) == 0
    lines = capsys.readouterr().out.splitlines()
    return {Path(r["path"]).name: r["excerpt"] for r in map(json.loads, lines)}


def _details(folder: Path) -> dict[str, str]:
    """Each article's excerpt as the detail pane reads it from the file."""
    found = {}
    for path in sorted(folder.rglob("*.txt")):
        outcome = seedfile.read_seed_file(path)
        if not isinstance(outcome, Problem):
            found[path.name] = outcome[1].excerpt
    return found


# ------------------------------------------------------------------ list --json


def test_list_json_answers_the_files_excerpts_from_the_cache_without_reading_them(
    capsys, library, file_reads
):
    expected = _details(library)
    assert expected == {name: text for name, text in EXCERPTS.items()}
    file_reads.clear()
    assert _json(capsys, str(library)) == expected  # the cold load: kept from the parse
    assert _json(capsys, str(library)) == expected  # warm: the cache's columns
    assert _json(capsys, "--limit", "2", str(library)) == {
        name: expected[name] for name in ("05.txt", "04.txt")
    }
    assert _json(capsys, "--no-cache", str(library)) == expected
    assert file_reads == []  # no file was read a second time for its excerpt


def test_list_json_after_a_partial_change_reads_only_the_changed_file(
    capsys, library, file_reads, monkeypatch
):
    _json(capsys, str(library))  # the cache
    _write(library, "01.txt", "Rewritten excerpt.", 1)
    os.utime(library / "01.txt", ns=(OLD + 500 * 10**9, OLD + 500 * 10**9))
    _write(library, "new.txt", "A new file's excerpt.", 7)
    (library / "00.txt").unlink()
    parsed: list[str] = []
    real = seedfile.load_seed_excerpt

    def parsing(path, **kwargs):
        parsed.append(os.path.basename(path))
        return real(path, **kwargs)

    monkeypatch.setattr(seedfile, "load_seed_excerpt", parsing)
    file_reads.clear()
    seen = _json(capsys, str(library))  # the object path: the check finds the change
    assert sorted(parsed) == ["01.txt", "new.txt"]
    monkeypatch.setattr(seedfile, "load_seed_excerpt", real)
    expected = _details(library)
    file_reads.clear()
    assert seen == expected and seen["01.txt"] == "Rewritten excerpt."
    assert _json(capsys, str(library)) == expected  # the columns again, carried over
    assert _json(capsys, "--no-cache", str(library)) == expected
    assert file_reads == []


def test_list_json_with_a_filter_and_show_take_the_excerpt_from_the_cache(
    capsys, library, file_reads
):
    _json(capsys, str(library))
    file_reads.clear()
    assert _json(capsys, "--query", "article", str(library)) == _json(capsys, str(library))
    capsys.readouterr()
    assert main(["show", "--json", "https://example.com/4", str(library)]) == 0
    assert json.loads(capsys.readouterr().out)["excerpt"] == "Case Matters HERE"
    assert file_reads == []


def test_an_excerpt_the_cache_cannot_vouch_for_is_read_from_the_file(capsys, library, file_reads):
    _json(capsys, str(library))
    cache = IndexCache([library])
    columns = cache.load_columns(["excerpt"])
    assert columns is not None and columns.excerpts is not None
    data = bytearray(cache.path.read_bytes())
    data[columns.excerpts.blob_at] ^= 0xFF  # the first block of excerpts, damaged
    cache.path.write_bytes(bytes(data))
    assert cache.load_index() is not None  # the reader's load never looks at them
    file_reads.clear()
    assert _json(capsys, str(library)) == _details(library)
    assert file_reads  # the damaged block's excerpts, read from their files


# ------------------------------------------------------------------ the file


def _entries(folder: Path) -> tuple[dict, dict[str, str]]:
    """Cache entries and the excerpts read with them, as a load makes them."""
    entries, excerpts = {}, {}
    for path in sorted(folder.glob("*.txt")):
        outcome = seedfile.load_seed_excerpt(str(path))
        st = os.stat(path)
        signature = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        if isinstance(outcome, Problem):
            entries[str(path)] = (signature, outcome, False)
        else:
            entries[str(path)] = (signature, outcome[0], False)
            excerpts[str(path)] = outcome[1]
    return entries, excerpts


def _texts(cache: IndexCache, rows: list[int] | None = None) -> list[str | None]:
    columns = cache.load_columns(["excerpt"])
    assert columns is not None and columns.excerpts is not None
    if rows is None:
        rows = list(range(len(columns.fields["path"])))
    return columns.excerpts.texts(rows)


def test_excerpts_round_trip_whole_or_a_few_rows(tmp_path: Path, library: Path) -> None:
    cache = IndexCache([library], tmp_path / "cache")
    entries, excerpts = _entries(library)
    assert cache.save(entries, excerpts)
    assert _texts(cache) == list(EXCERPTS.values())
    assert _texts(cache, [3, 1]) == [EXCERPTS["03.txt"], EXCERPTS["01.txt"]]
    assert _texts(cache, []) == []
    # An excerpt no YAML file gives, but a str may hold: kept exactly.
    odd = {path: "\ud800 lone" for path in excerpts}
    assert cache.save(entries, odd)
    assert set(_texts(cache)) == {"\ud800 lone"}


def test_an_excerpt_not_given_or_carried_is_not_held(tmp_path: Path, library: Path) -> None:
    cache = IndexCache([library], tmp_path / "cache")
    entries, excerpts = _entries(library)
    assert cache.save(entries)  # nothing given, no old file to carry from
    assert _texts(cache) == [None] * len(EXCERPTS)
    assert cache.load() == entries  # the rest as ever


def test_a_save_carries_over_the_old_files_excerpts_of_unchanged_files(
    tmp_path: Path, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = IndexCache([library], tmp_path / "cache")
    entries, excerpts = _entries(library)
    assert cache.save(entries, excerpts)
    decoded: list[bytes] = []
    real = cache_module._decoded
    monkeypatch.setattr(cache_module, "_decoded", lambda data: decoded.append(data) or real(data))
    changed = str(library / "02.txt")
    sig, article, named = entries[changed]
    moved = dict(reversed(list(entries.items())))  # another order: spans copied apart
    moved[changed] = (sig, article, named)
    assert cache.save(moved, {changed: "Given anew."})
    assert decoded == []  # copied as bytes, never decoded
    by_path = dict(zip(moved, [e[1] for e in moved.values()], strict=True))
    articles = [path for path, outcome in by_path.items() if isinstance(outcome, Article)]
    texts = dict(zip(articles, _texts(cache), strict=True))
    assert texts == {path: excerpts[path] for path in articles} | {changed: "Given anew."}
    # A file whose signature is not the old file's: its excerpt is not carried.
    other = str(library / "00.txt")
    (size, mtime, ctime), article, named = moved[other]
    moved[other] = ((size, mtime + 1, ctime), article, named)
    assert cache.save(moved)
    texts = dict(zip(articles, _texts(cache), strict=True))
    assert texts[other] is None and texts[changed] == "Given anew."


def test_a_damaged_old_file_carries_nothing_over(tmp_path: Path, library: Path) -> None:
    cache = IndexCache([library], tmp_path / "cache")
    entries, excerpts = _entries(library)
    assert cache.save(entries, excerpts)
    data = bytearray(cache.path.read_bytes())
    data[-5] ^= 0xFF  # in a block's CRC
    cache.path.write_bytes(bytes(data))
    assert cache.load() == entries
    assert cache.save(entries)
    assert _texts(cache) == [None] * len(EXCERPTS)


def test_excerpts_from_a_replaced_file_are_not_vouched_for(tmp_path: Path, library: Path) -> None:
    cache = IndexCache([library], tmp_path / "cache")
    entries, excerpts = _entries(library)
    assert cache.save(entries, excerpts)
    columns = cache.load_columns(["excerpt"])
    assert columns is not None and isinstance(columns.excerpts, StoredExcerpts)
    assert cache.save(entries, {path: "Another text." for path in excerpts})
    assert columns.excerpts.texts([0, 1]) == [None, None]


TRICKY = [
    "'one\\r\\ntwo\\nthree'",  # escaped line breaks written out
    '"Q&amp;A: don&#8217;t&nbsp;panic"',
    '"line one\\e]0;pwned\\a\\nline\\ttwo\\x9b"',  # controls
    "|\n  a block\n\n  of two paragraphs",
    ">-\n  folded\n  yes",
    "yes",
    "0755",
    "2021-03-11T18:10:00Z",
    "[not, text]",
    "&a anchored\nsummary: *a",
    "!!str 12",
    '"   spaced   out   "',
]


def _sources(tmp_path: Path) -> dict[str, list[Path]]:
    import sys

    benchmarks = Path(__file__).resolve().parents[2] / "benchmarks"
    sys.path.insert(0, str(benchmarks))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(benchmarks))
    tricky = tmp_path / "tricky"
    tricky.mkdir()
    for n, value in enumerate(TRICKY):
        (tricky / f"{n:02d}.txt").write_text(f"---\ntitle: T{n}\nexcerpt: {value}\n---\n")
    corpus = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
    return {
        "seeds": sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt")),
        "generated": list(generate(tmp_path / "corpus", 300, seed=11)),
        "tricky": sorted(tricky.glob("*.txt")),
        "shared corpus": sorted(corpus.glob("*.txt")) if corpus.is_dir() else [],
    }


def test_the_loads_excerpt_is_the_details_excerpt(tmp_path: Path) -> None:
    # What the cache stores comes from the fast load path; the detail pane reads
    # the file with the exact one: they must agree, file by file.
    for name, paths in _sources(tmp_path).items():
        for path in paths:
            fast = seedfile.load_seed_excerpt(path)
            exact = seedfile.read_seed_file(path)
            if isinstance(fast, Problem):
                assert isinstance(exact, Problem), path
                continue
            assert not isinstance(exact, Problem), path
            assert (fast[0], fast[1]) == (exact[0], exact[1].excerpt), (name, path)
        assert paths or name == "shared corpus"


# ------------------------------------------------------------------ the reader


@pytest.mark.parametrize("quick", [True, False], ids=["quick start", "loaded in a worker"])
async def test_the_reader_never_decodes_the_excerpts(
    tmp_path: Path, library: Path, monkeypatch: pytest.MonkeyPatch, quick: bool
) -> None:
    import reader.app
    from reader.app import make_app

    if not quick:
        monkeypatch.setattr(reader.app, "QUICK_START_BYTES", 0)  # as for a large library
    assert Ingest([library], cache=IndexCache([library]), workers=1).load_all()  # the cache
    _write(library, "01.txt", "Changed while the reader was away.", 1)
    os.utime(library / "01.txt", ns=(OLD + 500 * 10**9, OLD + 500 * 10**9))
    decoded: list[object] = []
    real_texts, real_decoded = StoredExcerpts.texts, cache_module._decoded
    monkeypatch.setattr(StoredExcerpts, "texts", lambda self, rows: decoded.append(rows))
    monkeypatch.setattr(cache_module, "_decoded", lambda data: decoded.append(data))
    app = make_app([library], load_workers=1, state_path=tmp_path / "state.sqlite3")
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if not app.library_loading.loading and not app.library_loading.checking:
                break
        assert not app.library_loading.checking  # the check found the change, and saved
        for _ in range(len(EXCERPTS)):
            await pilot.press("j")
        await pilot.pause()
    assert decoded == []
    monkeypatch.setattr(StoredExcerpts, "texts", real_texts)
    monkeypatch.setattr(cache_module, "_decoded", real_decoded)
    # The reader's save carried the others over and kept the changed one.
    saved = IndexCache([library]).load()
    assert saved is not None
    assert saved[str(library / "01.txt")][0][1] == OLD + 500 * 10**9  # saved by the reader
    expected = _details(library)
    stored = Ingest([library], cache=IndexCache([library]), workers=1)
    result = stored.load_all()
    names = [Path(a.path).name for a in result.articles]
    assert dict(zip(names, stored.excerpts(result.articles), strict=True)) == expected
    assert _texts(IndexCache([library])).count(None) == 0
