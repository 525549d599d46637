"""The detail-page cache on its own: what its key names, invalidate(), and the
snapshots its workers get (no library, no app)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reader.model import Article, ArticleDetail
from reader.tui.detail_pages import DetailPages, PageJob, build_pages
from reader.widgets.detail_text import FullTextView

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class FakeLibrary:
    def __init__(self) -> None:
        self.generation = 0
        self.asked: list[str] = []
        self.tags: dict[str, frozenset[str]] = {}
        self.state = self  # the marks: tags_of

    def tags_of(self, article_id: str) -> frozenset[str]:
        return self.tags.get(article_id, frozenset())

    def coverage(self, article, related):
        self.asked.append(article.id)
        return [], ()


def _article(n: int) -> Article:
    return Article(id=f"https://e.com/{n}", title=f"T{n}", path=f"/n/{n}.txt")


def _pages() -> tuple[DetailPages, FakeLibrary, list[datetime]]:
    library = FakeLibrary()
    clock = [NOW]
    return DetailPages(library, now=lambda: clock[0], tz=UTC), library, clock


def _built_ahead(pages: DetailPages, articles: list[Article], full=None, full_key=None):
    for article in articles:
        pages.details.put(article, ArticleDetail(body=article.title))
    plan = pages.plan(articles, 0, (60, 20), lambda a: (full, full_key))
    assert not plan.read  # every detail known: only pages to build
    pages.adopt_pages(build_pages(plan.build))
    return plan


def test_a_page_built_ahead_is_served_until_something_it_shows_changes():
    pages, library, clock = _pages()
    articles = [_article(n) for n in range(3)]
    _built_ahead(pages, articles)
    following = articles[1]
    page = pages.built(following)
    assert page is not None and pages.page(following) is page
    library.generation += 1  # the library changed: related stories may resolve elsewhere
    assert pages.built(following) is None
    _built_ahead(pages, articles)
    assert pages.built(following) is not None
    pages.highlight(("word",), lambda text: [])
    assert pages.built(following) is None  # the search's words are highlighted now
    _built_ahead(pages, articles)
    assert pages.built(following, (7, False)) is None  # its full text is shown now
    assert pages.built(following) is not None
    clock[0] = NOW.replace(minute=1)  # "3 minutes ago" would be wrong
    assert pages.built(following) is None
    _built_ahead(pages, articles)
    library.tags[following.id] = frozenset({"later"})  # tagged, here or by another copy
    assert pages.built(following) is None
    assert pages.built(articles[2]) is not None  # the others' pages still hold
    assert "Tags: #later" in pages.page(following).body.plain
    _built_ahead(pages, articles)
    pages.invalidate()
    assert pages.built(following) is None


def test_a_page_built_for_an_old_key_is_not_kept():
    pages, library, _clock = _pages()
    articles = [_article(n) for n in range(3)]
    plan = pages.plan(articles, 0, (60, 20), lambda a: (None, None))
    assert [a.id for a in plan.read] == [articles[1].id, articles[2].id]
    pages.adopt_details([(a, ArticleDetail(body=a.title)) for a in plan.read])
    plan = pages.plan(articles, 0, (60, 20), lambda a: (None, None))
    built = build_pages(plan.build)
    library.generation += 1  # changed while the worker built them
    pages.adopt_pages(built)
    assert pages.built(articles[1]) is None


def test_the_workers_get_plain_values_resolved_beforehand():
    pages, library, _clock = _pages()
    articles = [_article(n) for n in range(3)]
    full = FullTextView(fetching=True)
    plan = _built_ahead(pages, articles, full, (3, True))
    assert library.asked == [articles[1].id, articles[2].id]  # on the event loop, in plan()
    for job in plan.build:
        assert isinstance(job, PageJob) and job.full is full
        for name in job._fields:
            assert not isinstance(getattr(job, name), (DetailPages, FakeLibrary))
        with pytest.raises(AttributeError):  # frozen: a worker cannot change it
            job.full = None  # type: ignore[misc]
    asked = len(library.asked)
    build_pages(plan.build)
    assert len(library.asked) == asked  # building asks the library nothing


def test_an_article_named_by_its_domain_says_the_domain_once():
    pages, _library, _clock = _pages()
    nameless = Article(id="n", title="No provider", path="/n.txt", provider="x.org", domain="x.org")
    named = Article(id="p", title="Provider", path="/p.txt", provider="X Times", domain="x.org")
    assert pages.page(nameless, None).body.plain.splitlines()[1] == "x.org"
    assert pages.page(named, None).body.plain.splitlines()[1] == "X Times · x.org"
