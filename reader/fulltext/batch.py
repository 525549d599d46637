"""Fetch and store the full text of articles: one at a time (the reader) or several at once.

The one way from an article to its stored text: ``fetch_and_store`` for one,
``fetch_many`` for a bounded pool (the ``fulltext`` command). Textual-free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from reader import http
from reader.fulltext.fetch import ExtractionEmpty, fetch_document
from reader.fulltext.storage import StoredText, TextStore
from reader.model import Article

CONCURRENCY = 4


@dataclass(frozen=True, slots=True)
class Outcome:
    """What fetching one article's text came to: its stored row, or the error in words."""

    article: Article
    stored: StoredText | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def fetch_and_store(article: Article, store: TextStore) -> Outcome:
    """Fetch ``article``'s page, extract it, store the text (or the failure) and say which."""
    url = article.url
    if not url:
        return Outcome(article, None, "the article has no link to fetch")
    try:
        fetched = fetch_document(url)
    except http.FetchError as error:
        store.put_failure(article.id, url, "failed", str(error))
        return Outcome(article, store.get(article.id), str(error))
    except ExtractionEmpty as error:
        store.put_failure(article.id, url, "empty", str(error))
        return Outcome(article, store.get(article.id), str(error))
    store.put_document(article.id, url, fetched.url, fetched.document)
    return Outcome(article, store.get(article.id), None)


def fetch_many(
    articles: Sequence[Article],
    store: TextStore,
    *,
    concurrency: int = CONCURRENCY,
    cancelled: Callable[[], bool] = lambda: False,
) -> Iterator[Outcome]:
    """Each article's outcome as it finishes, at most ``concurrency`` fetching at once."""
    pending = iter(articles)
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        running: set[Future[Outcome]] = set()
        for article in pending:
            running.add(pool.submit(fetch_and_store, article, store))
            if len(running) >= concurrency:
                break
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
                if not cancelled():
                    following = next(pending, None)
                    if following is not None:
                        running.add(pool.submit(fetch_and_store, following, store))
