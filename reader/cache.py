"""The index cache: what every seed file parsed to, so an unchanged folder starts without YAML.

One cache file per set of seed paths, in the user cache dir (``XDG_CACHE_HOME``
moves it). Each entry is keyed by the file's path and checked against its size,
mtime and ctime, so only new and changed files are parsed again (a file whose
permissions changed too: it may no longer open); deleted files drop
out. A missing, corrupt or out-of-date cache reads as no cache at all and is
rewritten by the next save, without a word to the user.

The file is a small header and marshal chunks of primitives (one list per
Article field), rebuilt into objects on load: several times faster than
unpickling the objects themselves; then the articles' date order (a row
number each), so that a warm start need not sort them. After them come the
articles' raw excerpts (an Article keeps its excerpt only folded for search):
read only by a command
that prints them, for the rows it prints (``StoredExcerpts``), never by the
reader's load, and carried over from the file being replaced by each save.
No Textual here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib.util
import itertools
import marshal
import math
import mmap
import os
import re
import struct
import sys
import time
import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from itertools import compress
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO, cast

from reader import __version__, gc_pause, paths, scan
from reader import cache_excerpts as excerpt_column
from reader.cache_columns import (
    _ARTICLE_FIELDS,
    _article_columns,
    _articles_from_columns,
    _build_article,  # noqa: F401 - the fast Article constructor, for tests
    _date_rows,
    _decode_dates,
    _in_date_order,
    _is_order,
    _merge,
    _merged_paths,
    _shared_numbers,
)
from reader.cache_excerpts import CRC, EXCERPT_BLOCK, StoredExcerpts, identity
from reader.files import write_atomically
from reader.hashes import sha1
from reader.model import Article, Problem
from reader.scan import Signature

FORMAT_VERSION = 5
MAGIC = b"NRINDEX\n"
_HEADER_SIZE = struct.Struct("<I")
# A file changed again within the file system's mtime step (up to 2 s on some) after it was
# read keeps its signature: such "racily clean" entries are not cached (until a later save).
RACY_NS = 2_000_000_000
# The size stored for a problem met while scanning (a broken link): no file to stat.
SCAN_PROBLEM = -1

Outcome = Article | Problem
# (size, mtime and ctime of the file when it was read, what it parsed to, whether the
# user named the file itself: that decides if a file without front matter is a
# problem or quietly ignored)
CacheEntry = tuple[Signature, Outcome, bool]

ARTICLE_FIELDS = _ARTICLE_FIELDS  # every field: what ``load_columns`` decodes to build Articles
_PROBLEM_FIELDS = tuple(f.name for f in dataclasses.fields(Problem))


def _field_groups() -> tuple[tuple[str, ...], ...]:
    """Article fields by chunk of the file: ids and links share strings (a link is
    most often its article's id), so they go together; every other field alone."""
    linked = tuple(name for name in ("id", "url") if name in _ARTICLE_FIELDS)
    return (linked, *((name,) for name in _ARTICLE_FIELDS if name not in linked))


_FIELD_GROUPS = _field_groups()
_COLUMNS = 5  # sizes, mtimes, ctimes, named flags, problems: the chunks before the fields
_AFTER = 1  # the date order: the chunk after the fields
_MAX_HEADER_BYTES = 1 << 20


# The modules whose code the cached outcomes come from, and those of them whose
# MAX_ limits bound what a file may hold (each set as a number or a product).
_LOADER_MODULES = ("seedfile", "frontmatter", "coerce", "scan", "text", "model")
# And the module whose ``date_key`` made the stored date order.
_ORDER_MODULES = ("store",)
_LIMITED_MODULES = ("seedfile", "frontmatter", "text")
_LIMIT = re.compile(rb"^(MAX_\w+) = ([^#\n]*?)\s*(?:#.*)?$", re.MULTILINE)


def _limit_value(module: Any, name: str, written: str) -> int | str:
    """A limit as its source writes it, or as its module holds it once imported and
    changed since (a test's): the same in a process that never imports the module."""
    try:
        default = math.prod(int(factor) for factor in written.split("*"))
    except ValueError:
        return written  # not a plain number: its text (a change to it is in the digest)
    return getattr(module, name, default) if module is not None else default


# Once per process, at import: it must describe the code this process runs.
@functools.cache
def _fingerprint() -> tuple[Any, ...]:
    """What the cached outcomes depend on besides the files: a change rebuilds the cache.

    Read from the loader's source files, not its modules: a start from the cache
    imports no YAML parser.
    """
    digest = sha1()
    limits = []
    # The parsing code itself, so that an edited loader (a checkout, an
    # editable install) never serves what the old one made.
    for name in (*_LOADER_MODULES, *_ORDER_MODULES):
        spec = importlib.util.find_spec(f"reader.{name}")
        try:
            with open(spec.origin if spec is not None and spec.origin else "", "rb") as handle:
                source = handle.read()
        except OSError:
            source = b"?"
        digest.update(source)
        if name in _LIMITED_MODULES:
            module = sys.modules.get(f"reader.{name}")
            for found in _LIMIT.finditer(source):
                limit, written = found.group(1).decode(), found.group(2).decode()
                limits.append((name, limit, _limit_value(module, limit, written)))
    return (
        FORMAT_VERSION,
        __version__,
        tuple(limits),
        _ARTICLE_FIELDS,
        _PROBLEM_FIELDS,
        digest.hexdigest(),
    )


_fingerprint()


# ------------------------------------------------------------------ the file


class IndexCache:
    """The cached index of one set of seed paths.

    Nothing is created until the first save; ``load`` never writes.
    """

    def __init__(self, seed_paths: Sequence[str | os.PathLike[str]], cache_dir: Path | None = None):
        self.seeds = tuple(sorted(os.path.abspath(os.fspath(p)) for p in seed_paths))
        key = "\0".join(self.seeds).encode("utf-8", "surrogateescape")
        name = f"index-{sha1(key).hexdigest()[:20]}.bin"
        self.path = (cache_dir if cache_dir is not None else paths.cache_dir()) / name
        self.racy_until = 0  # time_ns when what the last save left out as racy can be kept

    def load(self) -> dict[str, CacheEntry] | None:
        """Every cached entry by path, in the order saved; None when there is no usable cache.

        A missing, unreadable, truncated, corrupt or out-of-date file is no
        cache: this never raises.
        """
        index = self.load_index()
        if index is None:
            return None
        signatures = zip(index.sizes, index.mtimes, index.ctimes)  # noqa: B905 - checked lengths
        values = zip(signatures, index.outcomes, index.named)  # noqa: B905
        return dict(zip(index.paths, values))  # noqa: B905

    def load_index(self) -> CachedIndex | None:
        """What ``load`` gives, as columns in the order saved (no entry tuples are
        made: a warm start of 100,000 files takes them as they are)."""
        # Hundreds of thousands of new objects would set off many collections
        # that find nothing to free.
        with gc_pause.bulk():
            try:
                with open(self.path, "rb") as handle:
                    return self._read(handle)
            except Exception:  # missing, or corrupt in a way no check foresaw: no cache
                return None

    def load_columns(self, names: Collection[str]) -> CachedColumns | None:
        """The cache's columns as stored, with only the Article fields ``names``
        decoded (no Article built): a listing of a few rows out of 100,000 needs
        little else. None when there is no usable cache, as for ``load``."""
        with gc_pause.bulk():
            try:
                with open(self.path, "rb") as handle:
                    return self._read_columns(handle, names)
            except Exception:  # missing, or corrupt in a way no check foresaw: no cache
                return None

    def size(self) -> int | None:
        """The cache file's size in bytes; None when there is none."""
        try:
            return os.stat(self.path).st_size
        except OSError:
            return None

    def is_current(self) -> bool:
        """Whether the cache file was written by this code for these seed paths.

        Reads the header alone: the entries may still turn out corrupt.
        """
        try:
            with open(self.path, "rb") as handle:
                return self._read_header(handle) is not None
        except Exception:
            return False

    def save(
        self,
        entries: Mapping[str, CacheEntry],
        excerpts: Mapping[str, str] | None = None,
        by_date: Sequence[Article] | None = None,
    ) -> bool:
        """Replace the cache with ``entries`` atomically; False (never an error) when it fails.

        ``excerpts`` are the raw excerpts of articles just read, by path; every
        other article's is carried over from the cache file being replaced when
        it holds that file with the same signature (else it is stored as not
        held, and read from the file by whoever asks for it). ``by_date``: the
        entries' articles in ``date_key`` order when the caller has them so
        (``LoadResult.by_date``); else they are sorted here for the file.
        """
        try:
            old: BinaryIO | None = open(self.path, "rb")  # noqa: SIM115 - closed below
        except OSError:
            old = None
        try:
            try:
                chunks = self._encode(entries, excerpts or {}, old, by_date)
            except (ValueError, TypeError, OverflowError):
                return False  # a value marshal cannot store: no cache rather than a crash
            try:
                # Not durable: a cache torn by a crash fails its checksum and is rebuilt.
                write_atomically(self.path, chunks, durable=False)
            except (OSError, ValueError):
                return False
            return True
        finally:
            if old is not None:
                old.close()

    def read_excerpts(self, signatures: Mapping[str, Signature]) -> dict[str, str]:
        """The raw excerpts the cache holds of these files, by path, each only when
        the cache holds the file with that very signature (as it was read)."""
        columns = self.load_columns(("excerpt",))
        if columns is None or columns.excerpts is None:
            return {}
        stored = _stored_signatures(columns)
        rows: list[int] = []
        paths: list[str] = []
        for path, signature in signatures.items():
            found = stored.get(path)
            if found is not None and found[1] == tuple(signature):
                rows.append(found[0])
                paths.append(path)
        texts = columns.excerpts.texts(rows)
        return {path: text for path, text in zip(paths, texts, strict=True) if text is not None}

    def remove(self) -> None:
        """Forget the cache (a missing file is fine)."""
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    # -- the format -----------------------------------------------------------
    # MAGIC, the header's size, the header (marshal), then marshal chunks: file
    # sizes, mtimes, ctimes, named-or-found flags, problems, then the Article fields in
    # the groups of _FIELD_GROUPS, then the date order (each article's row, newest
    # first: ``date_key``'s order). Chunks are read and decoded one at a time, so
    # the raw bytes of only one are in memory at once; values shared within a
    # chunk (marshal references) load as one object. Then the excerpts: their
    # lengths (marshal, one an article), their UTF-8 bytes, the CRCs of their blocks.

    def _encode(
        self,
        entries: Mapping[str, CacheEntry],
        fresh: Mapping[str, str],
        old: BinaryIO | None,
        by_date: Sequence[Article] | None = None,
    ) -> Iterable[bytes]:
        now = time.time_ns()
        articles: list[Article] = []
        signatures: list[Signature] = []
        problems: list[tuple[Any, ...]] = []
        sizes: list[int] = []
        mtimes: list[int] = []
        ctimes: list[int] = []
        named: list[bool] = []
        self.racy_until = 0
        for path, (sig, outcome, explicit) in entries.items():
            size, mtime, ctime = sig
            if abs(now - mtime) < RACY_NS or outcome.path != path:
                self.racy_until = max(self.racy_until, outcome.path == path and mtime + RACY_NS)
                continue
            if isinstance(outcome, Article):
                articles.append(outcome)
                signatures.append((int(size), int(mtime), int(ctime)))
            else:
                values = tuple(getattr(outcome, name) for name in _PROBLEM_FIELDS)
                problems.append((len(sizes), *values))
            sizes.append(int(size))
            mtimes.append(int(mtime))
            ctimes.append(int(ctime))
            named.append(bool(explicit))
        # The excerpts first: what is carried over from the old file is found with
        # its paths, which are let go before the other columns are made.
        lengths, pieces = excerpt_column.plan(
            articles, signatures, fresh, lambda: _old_excerpts(self, old) if old else None
        )
        del signatures
        rows = _date_rows(articles, by_date)
        columns = _article_columns(articles)
        groups = [[columns[name] for name in group] for group in _FIELD_GROUPS]
        chunks = [
            marshal.dumps(part, marshal.version)
            for part in (sizes, mtimes, ctimes, named, problems)
        ]
        chunks += [marshal.dumps(group, marshal.version) for group in groups]
        chunks.append(marshal.dumps(rows, marshal.version))
        checksum = 0
        for chunk in chunks:
            checksum = zlib.crc32(chunk, checksum)
        length_chunk = marshal.dumps(lengths, marshal.version)
        blob_size = sum(length for length in lengths if length > 0)
        excerpt_head = (len(length_chunk), zlib.crc32(length_chunk), blob_size)
        header = marshal.dumps(
            (
                _fingerprint(),
                self.seeds,
                len(sizes),
                [len(c) for c in chunks],
                checksum,
                excerpt_head,
            ),
            marshal.version,
        )
        head = [MAGIC, _HEADER_SIZE.pack(len(header)), header, *chunks, length_chunk]
        return itertools.chain(head, excerpt_column.excerpt_bytes(pieces, old, blob_size))

    def _read_header(self, handle: BinaryIO) -> _Header | None:
        """Where each part of the file is, when the header fits this code and seeds."""
        prefix = handle.read(len(MAGIC) + _HEADER_SIZE.size)
        if len(prefix) != len(MAGIC) + _HEADER_SIZE.size or not prefix.startswith(MAGIC):
            return None
        (header_size,) = _HEADER_SIZE.unpack_from(prefix, len(MAGIC))
        if header_size > _MAX_HEADER_BYTES:
            return None
        fingerprint, seeds, count, chunk_sizes, checksum, excerpts = marshal.loads(
            handle.read(header_size)
        )
        if fingerprint != _fingerprint() or seeds != self.seeds:
            return None
        if len(chunk_sizes) != _COLUMNS + len(_FIELD_GROUPS) + _AFTER:
            return None
        length_size, length_crc, blob_size = excerpts
        lengths_at = len(prefix) + header_size + sum(chunk_sizes)
        blob_at = lengths_at + length_size
        blocks = -(-blob_size // EXCERPT_BLOCK)
        end = blob_at + blob_size + CRC.size * blocks
        return _Header(count, chunk_sizes, checksum, length_size, length_crc, blob_at, end)

    def _read(self, handle: BinaryIO) -> CachedIndex | None:
        header = self._read_header(handle)
        if header is None:
            return None
        count, checksum = header.count, header.checksum
        decoded = _decoded_chunks(handle, header.chunk_sizes, [True] * len(header.chunk_sizes))
        if decoded is None:
            return None  # truncated
        parts, crc = decoded
        # The excerpts are not read: the file's size says they are all there.
        if crc != checksum or os.fstat(handle.fileno()).st_size != header.end:
            return None
        sizes, mtimes, ctimes, named, problem_rows, *groups, date_rows = parts
        del parts
        sizes, ctimes = _shared_numbers(sizes, mtimes, ctimes)
        columns: dict[str, list[Any]] = {}
        for names, values in zip(_FIELD_GROUPS, groups, strict=True):
            columns.update(zip(names, values, strict=True))
        del groups
        articles = _articles_from_columns(columns)
        del columns
        # A list of articles alone is a list of outcomes that holds no problem.
        outcomes = _merge(articles, problem_rows) if problem_rows else cast(list[Outcome], articles)
        if not (len(sizes) == len(mtimes) == len(ctimes) == len(named) == len(outcomes) == count):
            return None
        paths = list(map(attrgetter("path"), outcomes))
        if len(set(paths)) != len(paths):
            return None  # one path twice: never written so
        if not _is_order(date_rows, len(articles)):
            return None
        by_date = _in_date_order(articles, date_rows)
        return CachedIndex(paths, sizes, mtimes, ctimes, named, outcomes, by_date)

    def _read_columns(self, handle: BinaryIO, names: Collection[str]) -> CachedColumns | None:
        """``_read``'s checks, decoding only the chunks that hold ``names`` (and paths)."""
        header = self._read_header(handle)
        if header is None:
            return None
        count, chunk_sizes, checksum = header.count, header.chunk_sizes, header.checksum
        wanted = {*names, "path"}
        decode = [True] * _COLUMNS + [not wanted.isdisjoint(group) for group in _FIELD_GROUPS]
        decode += [True] * _AFTER
        decoded = _decoded_chunks(handle, chunk_sizes, decode)
        if decoded is None:
            return None  # truncated
        parts, crc = decoded
        stat = os.fstat(handle.fileno())
        if crc != checksum or stat.st_size != header.end:
            return None
        sizes, mtimes, ctimes, named, problem_rows, *groups, date_rows = parts
        fields: dict[str, list[Any]] = {}
        for group, values in zip(_FIELD_GROUPS, groups, strict=True):
            if values is not None:
                fields.update(zip(group, values, strict=True))
        articles = count - len(problem_rows)
        if any(len(column) != articles for column in fields.values()):
            return None
        if not _is_order(date_rows, articles):
            return None
        if not (len(sizes) == len(mtimes) == len(ctimes) == len(named) == count):
            return None
        paths = fields["path"]
        if problem_rows:
            paths = _merged_paths(paths, problem_rows)
        if len(set(paths)) != len(paths):
            return None  # one path twice: never written so
        excerpts = None
        if "excerpt" in names:
            length_chunk = handle.read(header.length_size)
            if (
                len(length_chunk) != header.length_size
                or zlib.crc32(length_chunk) != header.length_crc
            ):
                return None
            lengths = marshal.loads(length_chunk)
            if len(lengths) != articles:
                return None
            excerpts = StoredExcerpts(
                Path(self.path), identity(stat), lengths, header.blob_at, header.end
            )
        return CachedColumns(
            paths, sizes, mtimes, ctimes, named, problem_rows, fields, date_rows, excerpts
        )


def _decoded_chunks(
    handle: BinaryIO, sizes: Sequence[int], decode: Sequence[bool]
) -> tuple[list[Any], int] | None:
    """The chunks from where ``handle`` is, decoded where ``decode`` says (else None),
    and their CRC; the handle is left after them. None when the file is shorter.

    Each chunk is decoded from a map of the file, one at a time: marshal reads
    the page cache itself, where a ``read`` would copy ~70 MB at 100,000 articles
    into fresh memory (~15,000 page faults, ~50 ms). The cache is only ever
    replaced by a rename, never truncated, so the mapped file stays whole.
    """
    at = handle.tell()
    end = at + sum(sizes)
    fileno = handle.fileno()
    if os.fstat(fileno).st_size < end:
        return None
    parts: list[Any] = []
    crc = 0
    grain = mmap.ALLOCATIONGRANULARITY
    for size, needed in zip(sizes, decode, strict=True):
        if size:
            start = at - at % grain  # a map begins at a multiple of the granularity
            with (
                mmap.mmap(
                    fileno, at + size - start, offset=start, access=mmap.ACCESS_READ
                ) as mapped,
                memoryview(mapped) as view,
                view[at - start :] as chunk,
            ):
                crc = zlib.crc32(chunk, crc)
                parts.append(marshal.loads(chunk) if needed else None)
        else:
            parts.append(marshal.loads(b"") if needed else None)
        at += size
    handle.seek(end)
    return parts, crc


@dataclasses.dataclass(frozen=True, slots=True)
class _Header:
    """What a cache file's header says: its entries, its chunks' sizes and checksum,
    where its excerpts are (their lengths' chunk right after the chunks) and its end."""

    count: int
    chunk_sizes: list[int]
    checksum: int
    length_size: int
    length_crc: int
    blob_at: int
    end: int


def _stored_signatures(columns: CachedColumns) -> dict[str, tuple[int, tuple[int, int, int]]]:
    """Each article's row among the articles and its file's signature, by path."""
    problems = {row for row, *_ in columns.problem_rows}
    files = range(len(columns.sizes))
    rows = [row for row in files if row not in problems] if problems else files
    sizes, mtimes, ctimes = columns.sizes, columns.mtimes, columns.ctimes
    return {
        path: (article, (sizes[row], mtimes[row], ctimes[row]))
        for article, (path, row) in enumerate(zip(columns.fields["path"], rows, strict=True))
    }


def _old_excerpts(
    cache: IndexCache, old: BinaryIO
) -> dict[str, tuple[tuple[int, int, int], int, int]] | None:
    """What the file being replaced holds of excerpts, by path: (signature, where
    its bytes start in that file, how many); None when it holds none this code can
    use, or any of its blocks is damaged (its bytes are copied, never decoded)."""
    try:
        old.seek(0)
        columns = cache._read_columns(old, ("excerpt",))
        if columns is None or columns.excerpts is None:
            return None
        stored = columns.excerpts
        if not stored.intact(old):
            return None
        starts, lengths, at = stored.spans(), stored.lengths, stored.blob_at
        return {
            path: (signature, at + starts[row], lengths[row])
            for path, (row, signature) in _stored_signatures(columns).items()
            if lengths[row] >= 0
        }
    except Exception:  # a damaged old file: nothing carried over
        return None


@dataclasses.dataclass(frozen=True, slots=True)
class CachedColumns:
    """A cache as stored: each file's path and signature in the order saved, the
    problems (``(row, *Problem fields)``), and the Article fields asked for, one
    value an article (articles in the order saved, problems left out), dates as
    stored (``dates`` decodes them)."""

    paths: list[str]
    sizes: list[int]
    mtimes: list[int]
    ctimes: list[int]
    named: list[bool]
    problem_rows: list[tuple[Any, ...]]
    fields: dict[str, list[Any]]
    # The articles' rows in ``date_key`` order, newest first.
    date_rows: list[int]
    # The raw excerpts, when "excerpt" was asked for: read from the file by ``texts``.
    excerpts: StoredExcerpts | None = None

    def problems(self) -> list[Problem]:
        return [Problem(*values) for _, *values in self.problem_rows]

    def dates(self, rows: Sequence[int]) -> list[datetime | None]:
        """The published dates of these articles, as the loaded Articles have them."""
        stamps = self.fields["published"]
        return _decode_dates([stamps[row] for row in rows])

    def articles(self, rows: Sequence[int] | None = None) -> list[Article]:
        """These articles (all for None), built as ``load`` builds them (every field
        must be decoded)."""
        fields = self.fields
        columns = {
            name: list(fields[name]) if rows is None else [fields[name][row] for row in rows]
            for name in _ARTICLE_FIELDS
        }
        return _articles_from_columns(columns)

    def holds(self, found: scan.Walk) -> bool:
        """Whether the cache holds every file a walk found, as it found it, in its
        order, and the walk's problems: what a check that finds nothing changed
        means, compared as whole columns (C loops) rather than file by file."""
        if not found.stated:
            return False
        sizes = self.sizes
        if SCAN_PROBLEM in sizes:
            files = [size != SCAN_PROBLEM for size in sizes]
            by_row = {row: Problem(*values) for row, *values in self.problem_rows}
            problems = [by_row.get(row) for row, file in enumerate(files) if not file]
            return found.problems == problems and (
                found.paths == list(compress(self.paths, files))
                and found.sizes == list(compress(sizes, files))
                and found.mtimes == list(compress(self.mtimes, files))
                and found.ctimes == list(compress(self.ctimes, files))
                and found.named == list(compress(self.named, files))
            )
        return (
            not found.problems
            and found.paths == self.paths
            and found.sizes == sizes
            and found.mtimes == self.mtimes
            and found.ctimes == self.ctimes
            and found.named == self.named
        )

    def index(self) -> CachedIndex:
        """What ``load_index`` gives (every field must be decoded)."""
        articles = self.articles()
        rows = self.problem_rows
        outcomes = _merge(articles, rows) if rows else cast(list[Outcome], articles)
        by_date = _in_date_order(articles, self.date_rows)
        return CachedIndex(
            self.paths, self.sizes, self.mtimes, self.ctimes, self.named, outcomes, by_date
        )


@dataclasses.dataclass(frozen=True, slots=True)
class CachedIndex:
    """A loaded cache as aligned columns, one row a file in the order saved.

    ``paths[i]`` is ``outcomes[i].path``; a size of SCAN_PROBLEM marks a problem
    met while scanning (no file to stat). ``by_date``: the outcomes' articles (the
    same objects) in ``date_key`` order, as stored.
    """

    paths: list[str]
    sizes: list[int]
    mtimes: list[int]
    ctimes: list[int]
    named: list[bool]
    outcomes: list[Outcome]
    by_date: list[Article] | None = None
