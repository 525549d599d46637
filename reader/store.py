"""The in-memory store: articles by id, topics and providers, sorted views.

Views are derived from two global orders (by date, by quality) computed once
per change, so a topic switch or a re-sort is a filter, not a sort.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from operator import attrgetter
from typing import Literal

from reader.model import Article, Related
from reader.text import loose_url_key

Sort = Literal["date", "quality"]
SORTS: tuple[Sort, ...] = ("date", "quality")
_NO_DATE = float("inf")


def date_key(article: Article) -> tuple[float, str]:
    """Newest first, undated last; the id breaks ties so the order is stable."""
    if article.published is None:
        return (_NO_DATE, article.id)
    return (-article.published.timestamp(), article.id)


def quality_key(article: Article) -> tuple[bool, int, float, str]:
    """Highest quality first, ties newest first, missing quality last."""
    ts, ident = date_key(article)
    quality = article.quality
    return (quality is None, -(quality or 0), ts, ident)


_KEYS = {"date": date_key, "quality": quality_key}
_ID = attrgetter("id")
_TOPICS = attrgetter("topics")


class LinkIndex(Mapping[int, str]):
    """What ``dict(pairs)`` would be for (hash, id) pairs, a later pair winning, in
    a sorted array of the hashes and a list of the ids: ~1.6 MB at 100,000
    articles against ~8.4 MB for the dict and its hash objects."""

    __slots__ = ("_hashes", "_ids")

    def __init__(self, pairs: Iterable[tuple[int, str]] = ()) -> None:
        hashes = array("q")
        ids: list[str] = []
        for key, value in pairs:
            hashes.append(key)
            ids.append(value)
        # Stable: of equal hashes the later pair sorts last, and the last one is kept.
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        last = len(order) - 1
        keep = [n for at, n in enumerate(order) if at == last or hashes[order[at + 1]] != hashes[n]]
        self._hashes = array("q", [hashes[n] for n in keep])
        self._ids = [ids[n] for n in keep]

    def __getitem__(self, key: int) -> str:
        at = bisect_left(self._hashes, key)
        if at == len(self._hashes) or self._hashes[at] != key:
            raise KeyError(key)
        return self._ids[at]

    def get(self, key: int, default: str | None = None) -> str | None:  # type: ignore[override]
        # Mapping.get goes through a KeyError for every miss.
        at = bisect_left(self._hashes, key)
        if at == len(self._hashes) or self._hashes[at] != key:
            return default
        return self._ids[at]

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[int]:
        return iter(self._hashes)


class Store:
    """Every loaded article, with the indexes the views need."""

    def __init__(
        self, articles: Iterable[Article] = (), by_date: list[Article] | None = None
    ) -> None:
        """``by_date``: these very articles in ``date_key`` order, when the caller has
        them so (``LoadResult.by_date``): taken as the date order instead of sorting
        (~0.15 s at 100,000 articles). Ignored unless it holds as many articles."""
        self._articles: dict[str, Article] = {}
        # Hash of a loose link -> id, for resolving related stories; built on first
        # use (100,000 urlsplit calls cost ~2 s: not worth paying at start).
        self._by_link: Mapping[int, str] | None = None
        self._orders: dict[Sort, list[Article]] = {}
        self._views: dict[tuple[str | None, Sort], list[Article]] = {}
        self._topics: Counter[str] | None = None
        self._topic_sets: Counter[tuple[str, ...]] | None = None
        self.add_many(articles)
        if by_date is not None and len(by_date) == len(self._articles):
            self._orders["date"] = list(by_date)

    # -- changes ------------------------------------------------------------

    def add_many(self, articles: Iterable[Article]) -> None:
        """Add or replace articles (by id)."""
        if not isinstance(articles, list | tuple):
            articles = list(articles)
        self._articles.update(zip(map(_ID, articles), articles, strict=True))  # in C
        self._invalidate()

    def _invalidate(self) -> None:
        self._by_link = None
        self._orders.clear()
        self._views.clear()
        self._topics = None
        self._topic_sets = None

    # -- lookups ------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._articles)

    def __iter__(self) -> Iterator[Article]:
        return iter(self._articles.values())

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._articles

    def get(self, article_id: str) -> Article | None:
        return self._articles.get(article_id)

    def resolve(self, related: Related, *, build_index: bool = True) -> Article | None:
        """The article of the store that a related story points at, if any.

        With ``build_index=False`` a loose match (``www.``, ``/amp`` ...) is only
        tried once the link index exists: the UI does not build it on the event loop.
        """
        article = self._articles.get(related.id)
        if article is None and related.url and (build_index or self._by_link is not None):
            article_id = self.link_index().get(hash(loose_url_key(related.url)))
            article = self._articles.get(article_id) if article_id else None
            if article is not None and loose_url_key(article.url) != loose_url_key(related.url):
                article = None  # two links of one hash: never seen, but never a wrong article
        return article

    def link_index(self) -> Mapping[int, str]:
        """Hash of a loose link -> article id (built once per change of the store)."""
        index = self._by_link
        if index is None:
            index = self._by_link = self.build_link_index(self._articles.values())
        return index

    @staticmethod
    def build_link_index(articles: Iterable[Article]) -> LinkIndex:
        """Hash of a loose link -> article id, for articles the caller owns (a worker
        builds it). Hashes, not the links: the links would be 100,000 new strings
        (~9 MB); an article found through a hash is checked against the link."""
        return LinkIndex((hash(loose_url_key(a.url)), a.id) for a in articles if a.url)

    def adopt_link_index(self, index: Mapping[int, str]) -> None:
        """Use a link index built elsewhere from exactly this store's articles."""
        self._by_link = index

    # -- topics -------------------------------------------------------------

    def topic_sets(self) -> Counter[tuple[str, ...]]:
        """How many articles have each set of topics (as their ``topics`` hold it):
        one count per distinct tuple, made in C (~18,000 at 100,000 articles)."""
        if self._topic_sets is None:
            self._topic_sets = Counter(map(_TOPICS, self._articles.values()))
        return self._topic_sets

    def topic_totals(self) -> Counter[str]:
        if self._topics is None:
            totals: Counter[str] = Counter()
            for topics, count in self.topic_sets().items():
                for topic in topics:
                    totals[topic] += count
            self._topics = totals
        return self._topics

    def topics(self) -> list[tuple[str, int]]:
        """(topic, total) pairs, busiest first, then by name."""
        totals = self.topic_totals()
        return sorted(totals.items(), key=lambda item: (-item[1], item[0].casefold(), item[0]))

    # -- views --------------------------------------------------------------

    def ordered(self, sort: Sort = "date") -> list[Article]:
        """Every article in the given order (cached until the store changes)."""
        order = self._orders.get(sort)
        if order is None:
            order = sorted(self._articles.values(), key=_KEYS[sort])
            self._orders[sort] = order
        return order

    def warm(self, sort: Sort = "date") -> Store:
        """Work out now what a first screen asks for (the order, the topic totals):
        in a worker, before the store is handed to the event loop (~0.3 s at
        100,000 articles that keys would otherwise wait for)."""
        self.ordered(sort)
        self.topic_totals()
        return self

    def view(self, topic: str | None = None, sort: Sort = "date") -> list[Article]:
        """The articles of one topic (or all, for None) in the given order."""
        key = (topic, sort)
        view = self._views.get(key)
        if view is None:
            order = self.ordered(sort)
            view = order if topic is None else [a for a in order if topic in a.topics]
            self._views[key] = view
        return view
