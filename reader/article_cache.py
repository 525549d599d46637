"""A small cache of values by article (details read, detail pages built ahead),
so the detail pane rarely reads or wraps on a key press.

No Textual here.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

from reader.model import Article

V = TypeVar("V")


class ArticleCache(Generic[V]):
    """The last few articles' values (their details: related stories, images,
    body; or the detail pane's pages), by article.

    Keyed by the article object itself: a changed file is a new Article, so an
    entry can never describe another version of it.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[Article, V]] = OrderedDict()

    def get(self, article: Article) -> V | None:
        entry = self._entries.get(article.id)
        if entry is None or entry[0] is not article:
            return None
        self._entries.move_to_end(article.id)
        return entry[1]

    def clear(self) -> None:
        self._entries.clear()

    def put(self, article: Article, value: V) -> None:
        self._entries[article.id] = (article, value)
        self._entries.move_to_end(article.id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
