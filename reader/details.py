"""A small cache of article details, so the detail pane rarely reads a file on a key press.

No Textual here.
"""

from __future__ import annotations

from collections import OrderedDict

from reader.model import Article, ArticleDetail


class DetailCache:
    """The last few articles' details (related stories, images, body), by article.

    Keyed by the article object itself: a changed file is a new Article, so an
    entry can never describe another version of it.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[Article, ArticleDetail]] = OrderedDict()

    def get(self, article: Article) -> ArticleDetail | None:
        entry = self._entries.get(article.id)
        if entry is None or entry[0] is not article:
            return None
        self._entries.move_to_end(article.id)
        return entry[1]

    def put(self, article: Article, detail: ArticleDetail) -> None:
        self._entries[article.id] = (article, detail)
        self._entries.move_to_end(article.id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
