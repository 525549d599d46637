"""The index cache's raw excerpts: one column, kept apart from the others.

An Article keeps its excerpt only folded for search; the raw one is what
``list --json`` and ``show`` print. The cache file stores after its other chunks
the excerpts' lengths (a marshal chunk, one an article, NO_EXCERPT for one it
does not hold), their UTF-8 bytes one after the other, and a CRC of every
EXCERPT_BLOCK bytes of those, so that a command reads and checks only the
blocks of the rows it prints (``StoredExcerpts``), a save copies the old file's
bytes of unchanged files without decoding them, and the reader never reads
them at all. No Textual here.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import os
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO

from reader.model import Article
from reader.scan import Signature

EXCERPT_BLOCK = 1 << 16
NO_EXCERPT = -1  # the length stored for an excerpt the cache does not hold
CRC = struct.Struct("<I")
_COPY_BYTES = 1 << 20  # at most this much of the old file in memory while it is copied


def plan(
    articles: list[Article],
    signatures: list[Signature],
    fresh: Mapping[str, str],
    carried: Callable[[], Mapping[str, tuple[Signature, int, int]] | None],
) -> tuple[list[int], list[str | tuple[int, int]]]:
    """Each article's excerpt length (NO_EXCERPT: not held), and what makes
    the excerpts' bytes in order: a fresh excerpt, or a span of the old file
    (``carried``: its excerpts by path, asked for only when some article has
    no fresh one; the same files with the same signatures; neighbours in one
    span)."""
    unread = any(article.path not in fresh for article in articles)
    old = carried() if unread else None
    lengths: list[int] = []
    pieces: list[str | tuple[int, int]] = []
    for article, signature in zip(articles, signatures, strict=True):
        text = fresh.get(article.path)
        if text is not None:
            size = len(text) if text.isascii() else len(encoded(text))
            lengths.append(size)
            if size:
                pieces.append(text)
            continue
        found = old.get(article.path) if old is not None else None
        if found is None or found[0] != signature:
            lengths.append(NO_EXCERPT)
            continue
        start, size = found[1], found[2]
        lengths.append(size)
        if not size:
            continue
        last = pieces[-1] if pieces else None
        if isinstance(last, tuple) and last[1] == start:  # right after the last span
            pieces[-1] = (last[0], start + size)
        else:
            pieces.append((start, start + size))
    return lengths, pieces


def identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What tells one cache file from the one that replaced it."""
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


@dataclasses.dataclass(frozen=True, slots=True)
class StoredExcerpts:
    """The raw excerpts of a cache file's articles (one length an article, in the
    order saved), read from that file only when asked for (``texts``)."""

    path: Path
    identity: tuple[int, int, int, int]  # of the file the lengths were read from
    lengths: list[int]
    blob_at: int
    end: int

    def texts(self, rows: Sequence[int]) -> list[str | None]:
        """The excerpts of these articles; None for one the cache does not hold or
        can no longer vouch for (a block damaged, the file replaced since)."""
        try:
            with open(self.path, "rb") as handle:
                if identity(os.fstat(handle.fileno())) != self.identity:
                    return [None] * len(rows)
                return self._read(handle, rows)
        except (OSError, ValueError):
            return [None] * len(rows)

    def intact(self, handle: BinaryIO) -> bool:
        """Whether every block of the excerpts in ``handle`` (their file) is as saved,
        read a block at a time."""
        blob_size = self.spans()[-1]
        handle.seek(self.blob_at + blob_size)
        crcs = handle.read(self.end - self.blob_at - blob_size)
        handle.seek(self.blob_at)
        for block in range(len(crcs) // CRC.size):
            data = handle.read(min(EXCERPT_BLOCK, blob_size - block * EXCERPT_BLOCK))
            if zlib.crc32(data) != CRC.unpack_from(crcs, CRC.size * block)[0]:
                return False
        return True

    def spans(self) -> list[int]:
        """Where each article's excerpt starts in the bytes of all of them (and one
        more: where they end)."""
        return list(accumulate((max(length, 0) for length in self.lengths), initial=0))

    def _read(self, handle: BinaryIO, rows: Sequence[int]) -> list[str | None]:
        starts, lengths = self.spans(), self.lengths
        blob_size = starts[-1]
        blocks = -(-blob_size // EXCERPT_BLOCK)
        handle.seek(self.blob_at + blob_size)
        crcs = handle.read(CRC.size * blocks)
        if len(crcs) != CRC.size * blocks:
            return [None] * len(rows)
        wanted: set[int] = set()
        if len(rows) >= blocks:
            wanted.update(range(blocks))
        else:
            for row in rows:
                if lengths[row] > 0:
                    start = starts[row]
                    wanted.update(
                        range(
                            start // EXCERPT_BLOCK, (start + lengths[row] - 1) // EXCERPT_BLOCK + 1
                        )
                    )
        # Runs of neighbouring blocks, each read at once and checked block by block.
        runs: list[tuple[int, bytes]] = []
        bad: set[int] = set()
        for first, last in _runs(sorted(wanted)):
            handle.seek(self.blob_at + first * EXCERPT_BLOCK)
            data = handle.read(min((last + 1) * EXCERPT_BLOCK, blob_size) - first * EXCERPT_BLOCK)
            view = memoryview(data)
            for block in range(first, last + 1):
                part = view[(block - first) * EXCERPT_BLOCK : (block - first + 1) * EXCERPT_BLOCK]
                if zlib.crc32(part) != CRC.unpack_from(crcs, CRC.size * block)[0]:
                    bad.add(block)
            runs.append((first * EXCERPT_BLOCK, data))
        run_starts = [start for start, _ in runs]
        texts: list[str | None] = []
        for row in rows:
            size = lengths[row]
            if size <= 0:
                texts.append("" if size == 0 else None)
                continue
            start = starts[row]
            first, last = start // EXCERPT_BLOCK, (start + size - 1) // EXCERPT_BLOCK
            if bad and not bad.isdisjoint(range(first, last + 1)):
                texts.append(None)
                continue
            base, data = runs[bisect.bisect_right(run_starts, start) - 1]
            try:
                texts.append(_decoded(data[start - base : start + size - base]))
            except UnicodeDecodeError:
                texts.append(None)
        return texts


def _runs(blocks: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted block numbers as (first, last) of each run of neighbours."""
    for _, group in itertools.groupby(enumerate(blocks), lambda pair: pair[1] - pair[0]):
        members = [block for _, block in group]
        yield members[0], members[-1]


def encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # what marshal keeps of any str


def _decoded(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


def excerpt_bytes(
    pieces: list[str | tuple[int, int]], old: BinaryIO | None, blob_size: int
) -> Iterator[bytes]:
    """The excerpts' bytes as ``plan`` laid them out (spans copied from
    the old file a megabyte at a time), then the CRC of each block of them."""
    crcs: list[int] = []
    crc = filled = written = 0
    for piece in pieces:
        if isinstance(piece, str):
            parts: Iterable[bytes] = (encoded(piece),)
        else:
            parts = _copied(old, *piece)
        for data in parts:
            written += len(data)
            view = memoryview(data)
            while view:
                take = view[: EXCERPT_BLOCK - filled]
                crc = zlib.crc32(take, crc)
                filled += len(take)
                view = view[len(take) :]
                if filled == EXCERPT_BLOCK:
                    crcs.append(crc)
                    crc = filled = 0
            yield data
    if old is not None:
        old.close()  # before the new file replaces it (Windows cannot replace an open file)
    if filled:
        crcs.append(crc)
    if written != blob_size:
        raise ValueError("the excerpts changed while they were written")
    yield b"".join(CRC.pack(value) for value in crcs)


def _copied(old: BinaryIO | None, start: int, stop: int) -> Iterator[bytes]:
    if old is None:
        raise ValueError("no old cache to copy from")
    old.seek(start)
    while start < stop:
        data = old.read(min(_COPY_BYTES, stop - start))
        if not data:
            raise ValueError("the old cache ended early")
        start += len(data)
        yield data


def excerpts_of(
    articles: Sequence[Article],
    kept: Mapping[str, str],
    signatures: Mapping[str, Signature],
    stored: Callable[[Mapping[str, Signature]], Mapping[str, str]] | None,
) -> list[str]:
    """The raw excerpts of these articles as their files held them when read (with
    ``signatures``): ``kept`` from that reading, else the cache's (``stored``:
    ``IndexCache.read_excerpts``, a row of the same path and signature), else read
    from the file again (the detail's)."""
    found: dict[str, str] = {}
    wanted: dict[str, Signature] = {}
    for article in articles:
        path = article.path
        if path in kept:
            found[path] = kept[path]
        elif (signature := signatures.get(path)) is not None:
            wanted[path] = signature
    if wanted and stored is not None:
        found.update(stored(wanted))
    if len(found) < len(articles):
        from reader.seedfile import load_detail  # YAML: only for what no cache holds

        for article in articles:
            if article.path not in found:
                found[article.path] = load_detail(article).excerpt
    return [found[article.path] for article in articles]
