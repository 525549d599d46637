"""One article's picture: fetched, refused when hostile, decoded small, cached on disk.

A picture comes from the network, so it is treated as hostile until decoded:

- only ``image/*`` answers of at most 10 MB are read (``reader.http`` stops a
  larger body, or a gzip bomb, while it streams);
- the header is read first and a picture of more than ``MAX_PIXELS`` is refused
  before any pixel is decoded (a PNG that claims 16,000x16,000 unpacks to 1 GB);
  Pillow's own ``DecompressionBombError`` and warning are refusals too;
- only PNG, JPEG, GIF, WebP and BMP are opened (no PostScript, no plug-ins);
- JPEGs are decoded straight at a reduced scale (``draft``) and every picture is
  shrunk to at most ``KEEP_SIDE`` pixels a side, so a picture held in memory is
  at most ~2 MB;
- every failure is a :class:`PictureRefused` with a few plain words.

What is kept on disk is the shrunk picture (a JPEG of ~50-150 KB), under
``$XDG_CACHE_HOME/newsreader/pictures``, at most ``CACHE_BYTES`` in all: the
least recently shown go first. Reading from it decodes and checks the file again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import struct
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader import paths
from reader.files import write_atomically

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

MAX_BYTES = 10 * 1024 * 1024  # what is read of one answer
MAX_PIXELS = 40_000_000  # e.g. 8,000 x 5,000; news pictures are far smaller
KEEP_SIDE = 800  # pixels a side of what is kept (a pane is rarely wider than 100 cells)
CACHE_BYTES = 64 * 1024 * 1024
FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")


class PictureRefused(Exception):
    """Why a picture is not shown, in a few plain words (``too large``)."""

    def __init__(self, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        # The host could not be reached at all (offline, most likely), not this picture.
        self.unreachable = unreachable

    @property
    def line(self) -> str:
        """The one quiet line the pane shows."""
        return f"picture not shown: {self.reason}"


@dataclass(frozen=True, slots=True)
class Picture:
    """A decoded picture, RGB, at most KEEP_SIDE a side."""

    url: str
    image: PILImage
    from_cache: bool = False


def decode_picture(data: bytes) -> PILImage:
    """Check and decode ``data``; a small RGB picture or PictureRefused."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise PictureRefused("too large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Any = Image.open(io.BytesIO(data), formats=FORMATS)  # the header only
            width, height = image.size
            if width <= 0 or height <= 0:
                raise PictureRefused("damaged")
            if width * height > MAX_PIXELS:
                raise PictureRefused("too large")
            if image.format == "JPEG":
                image.draft("RGB", (KEEP_SIDE, KEEP_SIDE))  # decoded at 1/2, 1/4 or 1/8
            image.thumbnail((KEEP_SIDE, KEEP_SIDE))  # decodes, then shrinks
            return image.convert("RGB")
    except PictureRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError):
        raise PictureRefused("too large") from None
    except UnidentifiedImageError:
        raise PictureRefused("not a picture") from None
    except (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError, TypeError):
        raise PictureRefused("damaged") from None


def encode_picture(image: PILImage) -> bytes:
    """The picture as it is kept on disk."""
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


class PictureCache:
    """Shrunk pictures on disk by URL, at most ``max_bytes`` in all, least recently
    used out first. Safe to share between threads; never raises on a disk error."""

    def __init__(self, folder: Path | None = None, max_bytes: int = CACHE_BYTES) -> None:
        self.folder = folder if folder is not None else paths.cache_dir() / "pictures"
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def path(self, url: str) -> Path:
        return self.folder / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".jpg")

    def get(self, url: str) -> bytes | None:
        path = self.path(url)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to go
        return data

    def put(self, url: str, data: bytes) -> None:
        path = self.path(url)
        with self._lock:
            try:
                # Not durable: a picture torn by a crash is fetched again.
                write_atomically(path, data, durable=False)
            except OSError:
                return
            self._prune()

    def forget(self, url: str) -> None:
        with contextlib.suppress(OSError):
            self.path(url).unlink()

    def total(self) -> int:
        return sum(size for _mtime, size, _path in self._entries())

    def _entries(self) -> list[tuple[float, int, Path]]:
        entries = []
        try:
            found = list(os.scandir(self.folder))
        except OSError:
            return []
        for entry in found:
            if entry.name.endswith(".jpg"):
                with contextlib.suppress(OSError):
                    stat = entry.stat()
                    entries.append((stat.st_mtime, stat.st_size, Path(entry.path)))
        return entries

    def _prune(self) -> None:
        entries = sorted(self._entries())  # oldest first
        total = sum(size for _mtime, size, _path in entries)
        for _mtime, size, path in entries:
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size


Fetch = Callable[[str], bytes]


def fetch_bytes(url: str) -> bytes:
    """The body of an ``image/*`` answer at ``url``, through reader.http."""
    from reader import http

    try:
        response = http.get(
            url, accept="image/*", max_bytes=MAX_BYTES, deadline=20.0, allowed_types=("image/",)
        )
    except http.FetchError as error:
        # The size cap and the type check, in the pane's few words.
        if error.kind == "too_large":
            raise PictureRefused("too large (over 10 MB)") from None
        if error.kind == "type":
            raise PictureRefused(f"not a picture ({error.value[:60] or 'no type given'})") from None
        unreachable = error.kind in _UNREACHABLE
        raise PictureRefused(_plain(str(error)), unreachable=unreachable) from None
    return response.body


# The failures that say the network is not there (for the pane: no box to wait in).
_UNREACHABLE = frozenset({"dns", "connect", "connect_timeout", "proxy", "proxy_connect"})


def _plain(sentence: str) -> str:
    sentence = sentence.strip().rstrip(".")
    return sentence[:1].lower() + sentence[1:] if sentence else "could not be fetched"


def load_picture(url: str, cache: PictureCache, fetch: Fetch = fetch_bytes) -> Picture:
    """The picture at ``url``: from the disk cache when it is there (so offline too),
    else fetched, checked, shrunk and kept. Raises PictureRefused."""
    from reader.text import is_web_url

    data = cache.get(url)
    if data is not None:
        try:
            return Picture(url, decode_picture(data), from_cache=True)
        except PictureRefused:
            cache.forget(url)  # a damaged cache file: fetch it again
    if not is_web_url(url):
        raise PictureRefused("not a web address")
    image = decode_picture(fetch(url))
    cache.put(url, encode_picture(image))
    return Picture(url, image)
