"""The article cache: bounded, most recent kept, never serving another version of a file."""

from __future__ import annotations

from dataclasses import replace

from reader.article_cache import ArticleCache
from reader.model import Article, ArticleDetail


def _article(n: int) -> Article:
    return Article(id=f"https://e.com/{n}", title=f"T{n}", path=f"/n/{n}.txt")


def test_keeps_the_most_recent_and_forgets_the_oldest():
    cache = ArticleCache(size=2)
    a, b, c = _article(1), _article(2), _article(3)
    for article in (a, b):
        cache.put(article, ArticleDetail(body=article.title))
    assert cache.get(a).body == "T1"  # a is now the most recent
    cache.put(c, ArticleDetail(body="T3"))
    assert cache.get(b) is None
    assert cache.get(a).body == "T1" and cache.get(c).body == "T3"


def test_a_changed_article_is_not_served_the_old_detail():
    cache = ArticleCache()
    old = _article(1)
    cache.put(old, ArticleDetail(body="old"))
    new = replace(old, title="edited")  # the same id, a new version of the file
    assert cache.get(new) is None
    assert cache.get(old).body == "old"
