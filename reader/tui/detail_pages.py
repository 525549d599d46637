"""The detail pages: each article's page, built on a key press or ahead of the keys.

A page (``DetailPage``) is the article's text with its related stories resolved
in the library, wrapped once per size. The pages of the articles next to the
cursor are read and laid out ahead in workers, so a j paints lines made
already. Each page is kept with the ``PageKey`` it was built for and served
only while the key still holds; ``invalidate()`` drops every page at once.

The workers get immutable snapshots (``read_details`` takes frozen articles,
``build_pages`` takes ``PageJob`` values whose related stories were resolved
on the event loop): never the app, the library or the live store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from textual.worker import NoActiveWorker, get_current_worker

from reader.article_cache import ArticleCache
from reader.model import Article, ArticleDetail
from reader.widgets.detail_pane import DetailPage
from reader.widgets.detail_text import UNREAD, FullTextView

if TYPE_CHECKING:
    from reader.library import Library, RelatedEntry

Highlighter = Callable[[str], list[tuple[int, int]]]
AHEAD = (1, 2, 3, -1)  # which rows around the cursor are laid out ahead


class PageKey(NamedTuple):
    """Everything a page shows besides its article and the article's file (an
    edited file is a new Article, so a page never outlives its file).

    Not in it: the size (a page wraps itself once per size, ``DetailPage.lines``),
    the picture (its own widget, beside the page), read and starred marks (a page
    does not show them).
    """

    version: int  # bumped by invalidate(): stories regrouped, links indexed
    library: int  # the library's generation: what related stories resolve to
    terms: tuple[str, ...]  # the search's highlighted words
    full: tuple[int, bool] | None  # the excerpt (None), or the full texts' generation
    # and whether this article's text is being fetched
    minute: int  # an article's age is said in minutes
    tags: tuple[str, ...]  # the article's tags (set here or by another copy)


class PageJob(NamedTuple):
    """One page to build in a worker: plain values only."""

    article: Article
    detail: ArticleDetail
    related: tuple[RelatedEntry, ...]
    also_covered: tuple[Article, ...]
    full: FullTextView | None
    key: PageKey
    now: datetime
    tz: tzinfo | None
    highlighter: Highlighter | None  # a pure function of the search's words
    size: tuple[int, int]  # the pane's (width, height): laid out at it


class BuiltPage(NamedTuple):
    """A page built ahead, and the key it was built for."""

    article: Article
    key: PageKey
    page: DetailPage


def load_detail(article: Article) -> ArticleDetail:
    """The article's details, read from its file (the loader and YAML load on first use)."""
    from reader.seedfile import load_detail

    return load_detail(article)


def _worker_cancelled() -> bool:
    """In a worker: whether it was cancelled (a newer read-ahead replaced it)."""
    try:
        return get_current_worker().is_cancelled
    except NoActiveWorker:
        return False


def read_details(
    articles: Sequence[Article], cancelled: Callable[[], bool] = _worker_cancelled
) -> list[tuple[Article, ArticleDetail]]:
    """In a worker: each article's details, read from its file."""
    details = []
    for article in articles:
        if cancelled():
            break
        details.append((article, load_detail(article)))
    return details


def build_page(job: PageJob) -> DetailPage:
    """One page from a job: on the event loop, or in a worker."""
    return DetailPage.of_article(
        job.article,
        job.detail,
        related=job.related,
        also_covered=job.also_covered,
        tz=job.tz,
        now=job.now,
        highlighter=job.highlighter,
        full=job.full,
        tags=job.key.tags,
    )


def build_pages(
    jobs: Sequence[PageJob], cancelled: Callable[[], bool] = _worker_cancelled
) -> list[BuiltPage]:
    """In a worker: the pages, each laid out at its pane's size."""
    built = []
    for job in jobs:
        if cancelled():
            break
        page = build_page(job)
        page.lines(*job.size)
        built.append(BuiltPage(job.article, job.key, page))
    return built


class ReadAhead(NamedTuple):
    """What to do for the rows around the cursor: read these files, build these pages."""

    read: tuple[Article, ...] = ()
    build: tuple[PageJob, ...] = ()


class DetailPages:
    """The details read and the pages built, by article, with the key each was built for."""

    def __init__(self, library: Library, *, now: Callable[[], datetime], tz: tzinfo | None) -> None:
        self.library = library
        self.now = now
        self.tz = tz
        self.details: ArticleCache[ArticleDetail] = ArticleCache()
        self._pages: ArticleCache[tuple[PageKey, DetailPage]] = ArticleCache(16)
        self._version = 0
        self.terms: tuple[str, ...] = ()
        self.highlighter: Highlighter | None = None

    def invalidate(self) -> None:
        """Every page built so far is stale (stories regrouped, links indexed ...)."""
        self._version += 1
        self._pages.clear()

    def highlight(self, terms: tuple[str, ...], highlighter: Highlighter | None) -> None:
        """The search's words, highlighted on every page from now on."""
        self.terms = terms
        self.highlighter = highlighter

    def key(self, article: Article, full: tuple[int, bool] | None) -> PageKey:
        minute = int(self.now().timestamp() // 60)
        tags = tuple(sorted(self.library.state.tags_of(article.id), key=str.casefold))
        return PageKey(self._version, self.library.generation, self.terms, full, minute, tags)

    def built(self, article: Article, full: tuple[int, bool] | None = None) -> DetailPage | None:
        """The page built for ``article`` that still holds, if any."""
        entry = self._pages.get(article)
        if entry is None or entry[0] != self.key(article, full):
            return None
        return entry[1]

    def detail(self, article: Article) -> ArticleDetail:
        """The article's details: read now (on the event loop) unless known."""
        detail = self.details.get(article)
        if detail is None:
            detail = load_detail(article)
            self.details.put(article, detail)
        return detail

    def page(
        self,
        article: Article,
        full: FullTextView | None = None,
        full_key: tuple[int, bool] | None = None,
    ) -> DetailPage:
        """The page to show for ``article`` now: the one built ahead, else built here."""
        page = self.built(article, full_key)
        if page is None:
            page = build_page(self.job(article, self.detail(article), full, full_key, (0, 0)))
        return page

    def index_page(self, article: Article, full: FullTextView | None = None) -> DetailPage:
        """A page of what the index knows of ``article``, its file not read (not kept)."""
        return build_page(self.job(article, UNREAD, full, None, (0, 0)))

    def job(
        self,
        article: Article,
        detail: ArticleDetail,
        full: FullTextView | None,
        full_key: tuple[int, bool] | None,
        size: tuple[int, int],
    ) -> PageJob:
        """A snapshot of what ``article``'s page shows, its related stories resolved now."""
        related, also = self.library.coverage(article, detail.related)
        return PageJob(
            article=article,
            detail=detail,
            related=tuple(related),
            also_covered=tuple(also),
            full=full,
            key=self.key(article, full_key),
            now=self.now(),
            tz=self.tz,
            highlighter=self.highlighter,
            size=size,
        )

    def plan(
        self,
        articles: Sequence[Article],
        cursor: int,
        size: tuple[int, int],
        full_of: Callable[[Article], tuple[FullTextView | None, tuple[int, bool] | None]],
    ) -> ReadAhead:
        """The files to read and the pages to build for the rows around the cursor."""
        read: list[Article] = []
        build: list[PageJob] = []
        for step in AHEAD:
            i = cursor + step
            if not 0 <= i < len(articles):
                continue
            article = articles[i]
            full, full_key = full_of(article)
            if self.built(article, full_key) is not None:
                continue
            detail = self.details.get(article)
            if detail is None:
                read.append(article)
            else:
                build.append(self.job(article, detail, full, full_key, size))
        return ReadAhead(tuple(read), tuple(build))

    def adopt_details(self, details: Sequence[tuple[Article, ArticleDetail]]) -> None:
        for article, detail in details:
            self.details.put(article, detail)

    def adopt_pages(self, pages: Sequence[BuiltPage]) -> None:
        """Keep the pages built ahead whose key still holds."""
        for built in pages:
            if built.key == self.key(built.article, built.key.full):
                self._pages.put(built.article, (built.key, built.page))
