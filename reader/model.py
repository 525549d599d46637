"""The data newsreader works with: plain, frozen, slotted dataclasses.

``Article`` is the hot record the list, sorting, counts and search need; it is
what the store keeps for every article. ``ArticleDetail`` holds the heavy parts
(excerpt, related stories, images, body) and is loaded on demand for one article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    width: int | None = None
    height: int | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class Related:
    """A related story as the parent file describes it."""

    id: str
    title: str
    url: str = ""
    excerpt: str = ""
    provider: str = ""
    domain: str = ""
    published: datetime | None = None
    quality: int | None = None
    type: str = "article"


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


@dataclass(frozen=True, slots=True)
class ArticleDetail:
    """The heavy parts of one article, read from its file when it is shown."""

    related: tuple[Related, ...] = ()
    images: tuple[Image, ...] = ()
    original_url: str = ""
    body: str = ""
    excerpt: str = ""


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


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A file whose article id was already taken by another file."""

    path: str
    kept_path: str
    id: str

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
