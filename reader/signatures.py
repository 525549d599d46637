"""Files' signatures kept as the columns they were read in, a mapping by path only
once something looks a path up. No Textual here.

A warm start knows 100,000 files' signatures from the index cache as columns
(paths, sizes, mtimes, ctimes, in scan order). When the first check finds every
file as they say, nothing ever looks one path up: the dict of 100,000 tuples
(~40 ms to make, ~11 MB) is made only for a check that found a change.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, ValuesView

from reader.scan import Signature


class SignatureColumns(Mapping[str, Signature]):
    """``dict(zip(paths, zip(sizes, mtimes, ctimes)))`` for paths that are each once
    in ``paths``, made on the first lookup; iterating it, its values and its length
    need no dict. The columns are never changed (nor must the caller change them)."""

    __slots__ = ("_by_path", "ctimes", "mtimes", "paths", "sizes")

    def __init__(
        self, paths: list[str], sizes: list[int], mtimes: list[int], ctimes: list[int]
    ) -> None:
        if not len(paths) == len(sizes) == len(mtimes) == len(ctimes):
            raise ValueError("signature columns differ in length")
        self.paths, self.sizes, self.mtimes, self.ctimes = paths, sizes, mtimes, ctimes
        self._by_path: dict[str, Signature] | None = None

    def _dict(self) -> dict[str, Signature]:
        by_path = self._by_path
        if by_path is None:
            rows = zip(self.sizes, self.mtimes, self.ctimes, strict=True)
            by_path = self._by_path = dict(zip(self.paths, rows, strict=True))
        return by_path

    def __getitem__(self, path: str) -> Signature:
        return self._dict()[path]

    def get(self, path: str, default: Signature | None = None) -> Signature | None:  # type: ignore[override]
        # Mapping.get goes through a KeyError for every miss.
        return self._dict().get(path, default)

    def __contains__(self, path: object) -> bool:
        return path in self._dict()

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def values(self) -> ValuesView[Signature]:
        return _Rows(self)

    def row_bytes(self, start: int, end: int) -> bytes:
        """Rows ``start`` to ``end`` as int64s, size, mtime and ctime a file (what
        ``scan_apart``'s child sends): made in C loops, no tuple per file.
        Raises OverflowError for a number an int64 does not hold."""
        sizes = array("q", self.sizes[start:end])
        rows = array("q", bytes(8 * 3 * len(sizes)))
        rows[0::3] = sizes
        rows[1::3] = array("q", self.mtimes[start:end])
        rows[2::3] = array("q", self.ctimes[start:end])
        return rows.tobytes()


class _Rows(ValuesView[Signature]):
    """The signatures in order, without the dict."""

    _mapping: SignatureColumns

    def __iter__(self) -> Iterator[Signature]:
        columns = self._mapping
        return zip(columns.sizes, columns.mtimes, columns.ctimes, strict=True)
