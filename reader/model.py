"""The data newsreader works with: plain, frozen, slotted values.

``Article``, ``Problem`` and ``LoadResult`` are dataclasses (the index cache reads
their fields); the others are records (``reader.record``: the same behaviour,
without the code a dataclass generates when this module is imported at start).

``Article`` is the hot record the list, sorting, counts and search need; it is
what the store keeps for every article. ``ArticleDetail`` holds the heavy parts
(excerpt, related stories, images, body) and is loaded on demand for one article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reader.record import Record


class Image(Record):
    __slots__ = ("url", "width", "height", "title")
    url: str
    width: int | None
    height: int | None
    title: str

    def __init__(
        self, url: str, width: int | None = None, height: int | None = None, title: str = ""
    ) -> None:
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "width", width)
        object.__setattr__(self, "height", height)
        object.__setattr__(self, "title", title)


class Related(Record):
    """A related story as the parent file describes it."""

    __slots__ = (
        "id", "title", "url", "excerpt", "provider", "domain", "published", "quality", "type",
    )  # fmt: skip
    id: str
    title: str
    url: str
    excerpt: str
    provider: str
    domain: str
    published: datetime | None
    quality: int | None
    type: str

    def __init__(
        self,
        id: str,  # noqa: A002 - the seed format's name
        title: str,
        url: str = "",
        excerpt: str = "",
        provider: str = "",
        domain: str = "",
        published: datetime | None = None,
        quality: int | None = None,
        type: str = "article",  # noqa: A002 - the seed format's name
    ) -> None:
        put = object.__setattr__
        put(self, "id", id)
        put(self, "title", title)
        put(self, "url", url)
        put(self, "excerpt", excerpt)
        put(self, "provider", provider)
        put(self, "domain", domain)
        put(self, "published", published)
        put(self, "quality", quality)
        put(self, "type", type)


@dataclass(frozen=True, slots=True)
class Article:
    """One article: the fields every view needs, nothing heavier."""

    id: str
    title: str
    path: str
    url: str = ""
    provider: str = ""
    domain: str = ""
    published: datetime | None = None
    quality: int | None = None
    heat: int | None = None
    topics: tuple[str, ...] = ()
    type: str = "article"
    # What search needs of the title and the excerpt (text.search_text): both folded,
    # a line each. The excerpt itself is read with the detail, from the file: one
    # copy of every excerpt in memory (the folded one) instead of two.
    search_text: str = ""
    # What grouping stories needs of the related stories, packed (text.related_keys):
    # the related stories themselves are read with the detail.
    related_keys: bytes = b""

    @property
    def related_count(self) -> int:
        return len(self.related_keys) // 16


class ArticleDetail(Record):
    """The heavy parts of one article, read from its file when it is shown."""

    __slots__ = ("related", "images", "original_url", "body", "excerpt")
    related: tuple[Related, ...]
    images: tuple[Image, ...]
    original_url: str
    body: str
    excerpt: str

    def __init__(
        self,
        related: tuple[Related, ...] = (),
        images: tuple[Image, ...] = (),
        original_url: str = "",
        body: str = "",
        excerpt: str = "",
    ) -> None:
        object.__setattr__(self, "related", related)
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "original_url", original_url)
        object.__setattr__(self, "body", body)
        object.__setattr__(self, "excerpt", excerpt)


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that could not be read as an article, and why."""

    path: str
    reason: str
    line: int | None = None
    # True for files that are plainly not articles (a README in the folder):
    # reported on request, not counted as problems.
    ignored: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


class Duplicate(Record):
    """A file whose article id was already taken by another file."""

    __slots__ = ("path", "kept_path", "id")
    path: str
    kept_path: str
    id: str

    def __init__(self, path: str, kept_path: str, id: str) -> None:  # noqa: A002
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "kept_path", kept_path)
        object.__setattr__(self, "id", id)

    def __str__(self) -> str:
        return f"{self.path}: same article as {self.kept_path} (kept that one)"


@dataclass(slots=True)
class LoadResult:
    """Everything a load of one or more paths produced."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored: list[Problem] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    files_read: int = 0
    # Articles that a hide rule of the config left out of ``articles``.
    hidden: list[Article] = field(default_factory=list)
    # ``articles`` in the store's date order (``store.date_key``), when the loader
    # has it (the index cache stores it): a store made of them takes it instead of
    # sorting. Not part of what a result is (two equal results may differ in it).
    by_date: list[Article] | None = field(default=None, compare=False, repr=False)
