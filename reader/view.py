"""What the screen shows, computed without Textual: the list, the sidebar, the counts.

The app owns the view settings (topic, sort, hide-read, stories, search) and
passes them down as a ``ViewSpec``; ``Library`` turns them into articles and
counts from the store, the read state and the stories.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from reader.model import Article
from reader.query import MatchContext, Query, QueryError, SearchIndex, parse
from reader.state import ReadState
from reader.store import Sort, Store, date_key, quality_key
from reader.stories import Stories, Story

ALL = "all"
STARRED = "starred"


def topic_key(topic: str) -> str:
    return f"topic:{topic}"


def search_key(name: str) -> str:
    return f"search:{name}"


def story_key(article_id: str) -> str:
    return f"story:{article_id}"


@dataclass(frozen=True, slots=True)
class SidebarEntry:
    """One row of the sidebar. ``key`` is what the view filters by."""

    key: str
    label: str
    unread: int
    total: int


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """Everything that decides which articles the list shows, and how."""

    topic: str = ALL
    sort: Sort = "date"
    hide_read: bool = False
    stories: bool = False
    search: Query | None = None
    keep_id: str | None = None  # a read article that stays in view under hide-read

    @property
    def story_rows(self) -> bool:
        """One row per story (the stories view, outside one opened story)."""
        return self.stories and not self.topic.startswith("story:")


class Library:
    """The store, the marks and the stories, seen as the screen needs them."""

    def __init__(self, store: Store, state: ReadState, now: Callable[[], datetime]) -> None:
        self.store = store
        self.state = state
        self.now = now
        self.stories: Stories | None = None
        self._index: SearchIndex | None = None
        self._saved: dict[str, list[Article]] = {}
        self.generation = 0  # bumped whenever the articles change
        self._keys: dict[str, tuple[str, ...]] | None = None
        self._keys_generation = -1
        self._totals: Counter[str] | None = None
        self._totals_generation = -1

    # -- changes ------------------------------------------------------------

    def set_store(self, store: Store) -> None:
        self.store = store
        self.store_changed()

    def store_changed(self) -> None:
        """Forget what was derived from the articles (search texts, saved-search results)."""
        self._index = None
        self._saved.clear()
        self.generation += 1

    def adopt_search_index(self, index: SearchIndex, generation: int) -> None:
        """Use an index warmed in a worker, unless the articles changed meanwhile."""
        if generation == self.generation and self._index is None:
            self._index = index

    def marks_changed(self) -> None:
        """Forget saved-search results that depend on read/starred marks (is: terms)."""
        for name, text in self.state.saved_searches().items():
            try:
                needs_marks = parse(text).needs_marks
            except QueryError:
                needs_marks = False
            if needs_marks:
                self._saved.pop(name, None)

    def forget_saved_search(self, name: str) -> None:
        self._saved.pop(name, None)

    # -- stories ------------------------------------------------------------

    def story_of(self, article: Article) -> Story:
        """The article's story; alone in one when the stories predate the article.

        Stories are regrouped in a worker after the folder changes, so for a
        moment a new article may not be in any story yet.
        """
        if self.stories is not None:
            try:
                return self.stories.story_of(article.id)
            except KeyError:
                pass
        return Story([article])

    def also_covered(self, article: Article) -> tuple[Article, ...]:
        """The other articles of its story, newest first, that are still in the store."""
        story = self.story_of(article)
        others = [a for a in story.articles if a.id != article.id and a.id in self.store]
        return tuple(sorted(others, key=date_key))

    # -- search -------------------------------------------------------------

    def filter(self, articles: list[Article], query: Query) -> list[Article]:
        if self._index is None:
            self._index = SearchIndex(self.store)
        context = MatchContext(
            is_read=self.state.is_read, is_starred=self.state.is_starred, now=self.now()
        )
        return self._index.filter(articles, query, context)

    def saved_search_articles(self, name: str) -> list[Article]:
        """Every article a saved search matches, newest first (cached until the store changes)."""
        matches = self._saved.get(name)
        if matches is None:
            try:
                query = parse(self.state.saved_searches().get(name, ""))
            except QueryError:
                matches = []
            else:
                matches = self.filter(self.store.ordered("date"), query)
            self._saved[name] = matches
        return matches

    # -- the list -----------------------------------------------------------

    def articles(self, spec: ViewSpec) -> list[Article]:
        """The list for ``spec``: entry, search, hide-read, then one row per story."""
        store, topic = self.store, spec.topic
        if topic.startswith("topic:"):
            articles = store.view(topic.removeprefix("topic:"), spec.sort)
        elif topic == STARRED:
            articles = [a for a in store.ordered(spec.sort) if self.state.is_starred(a.id)]
        elif topic.startswith("search:"):
            members = {a.id for a in self.saved_search_articles(topic.removeprefix("search:"))}
            articles = [a for a in store.ordered(spec.sort) if a.id in members]
        elif topic.startswith("story:") and (lead := store.get(topic.removeprefix("story:"))):
            articles = [lead, *self.also_covered(lead)]
            articles.sort(key=date_key)
        else:
            articles = store.view(None, spec.sort)
        if spec.search is not None:
            articles = self.filter(articles, spec.search)
        if spec.hide_read:
            keep, is_read = spec.keep_id, self.state.is_read
            articles = [a for a in articles if a.id == keep or not is_read(a.id)]
        if spec.story_rows and self.stories is not None:
            articles = self._story_leads(articles, spec.sort)
        return articles

    def _story_leads(self, articles: list[Article], sort: Sort) -> list[Article]:
        """One row per story with an article in ``articles``: its lead, in sort order."""
        assert self.stories is not None
        leads: dict[str, Article] = {}
        for article in articles:
            lead = self.story_of(article).lead
            if lead.id not in self.store:  # stories older than a deletion
                lead = article
            leads.setdefault(lead.id, lead)
        return sorted(leads.values(), key=date_key if sort == "date" else quality_key)

    def story_badge(self, article: Article, spec: ViewSpec) -> str:
        """``+2`` before a story's lead in the stories view: how many more sources."""
        if not spec.story_rows or self.stories is None or article.id not in self.store:
            return ""
        size = self.story_of(article).size
        return f"+{size - 1}" if size > 1 else ""

    # -- counts -------------------------------------------------------------

    def counts(self, articles: Iterable[Article], by_story: bool) -> tuple[int, int]:
        """(unread, total): of articles, or of stories (unread when any article is)."""
        is_read = self.state.is_read
        if by_story and self.stories is not None:
            stories = {story.id: story for story in map(self.story_of, articles)}
            unread = sum(
                1 for story in stories.values() if any(not is_read(a.id) for a in story.articles)
            )
            return unread, len(stories)
        unread = total = 0
        for article in articles:
            total += 1
            if not is_read(article.id):
                unread += 1
        return unread, total

    def sidebar(self, by_story: bool) -> list[SidebarEntry]:
        """All, Starred, saved searches, then topics busiest first.

        One pass over the store counts every topic (a filter per topic was
        O(topics x articles): a second per refresh at 100,000 articles).
        """
        if by_story and self.stories is not None:
            counts = self._story_counts()
        else:
            counts = self._article_counts()
        entries = [
            SidebarEntry(ALL, "All", *counts[ALL]),
            SidebarEntry(STARRED, "Starred", *counts[STARRED]),
        ]
        for name in self.state.saved_searches():
            matches = self.saved_search_articles(name)
            entries.append(
                SidebarEntry(search_key(name), f"⌕ {name}", *self.counts(matches, by_story))
            )
        for topic, _total in self.store.topics():
            entries.append(SidebarEntry(topic_key(topic), topic, *counts[topic_key(topic)]))
        return entries

    def _article_keys(self) -> dict[str, tuple[str, ...]]:
        """The sidebar keys (All and topics) of every article, once per store change."""
        if self._keys is None or self._keys_generation != self.generation:
            self._keys = {a.id: (ALL, *map(topic_key, a.topics)) for a in self.store}
            self._keys_generation = self.generation
        return self._keys

    def _article_counts(self) -> dict[str, tuple[int, int]]:
        # Totals change only with the store; unread = total - read, so a count
        # costs a pass over the read marks, not over every article.
        keys = self._article_keys()
        if self._totals is None or self._totals_generation != self.generation:
            self._totals = Counter(key for article_keys in keys.values() for key in article_keys)
            self._totals_generation = self.generation
        totals = Counter(self._totals)
        read = Counter(key for i in self.state.read_ids if i in keys for key in keys[i])
        unread = totals - read
        starred = [i for i in self.state.starred_ids if i in keys]
        totals[STARRED] = len(starred)
        unread[STARRED] = sum(1 for i in starred if i not in self.state.read_ids)
        return _pairs(totals, unread)

    def _story_counts(self) -> dict[str, tuple[int, int]]:
        read, starred = self.state.read_ids, self.state.starred_ids
        members: dict[str, set[str]] = defaultdict(set)
        unread_story: dict[str, bool] = {}
        for article in self.store:
            story = self.story_of(article)
            if story.id not in unread_story:
                unread_story[story.id] = any(a.id not in read for a in story.articles)
            members[ALL].add(story.id)
            if article.id in starred:
                members[STARRED].add(story.id)
            for topic in article.topics:
                members[topic_key(topic)].add(story.id)
        totals = Counter({key: len(ids) for key, ids in members.items()})
        unread = Counter({key: sum(unread_story[i] for i in ids) for key, ids in members.items()})
        return _pairs(totals, unread)

    def label(self, topic: str) -> str:
        """How the header names a sidebar entry or an opened story."""
        if topic == ALL:
            return "All"
        if topic == STARRED:
            return "Starred"
        if topic.startswith("search:"):
            return "⌕ " + topic.removeprefix("search:")
        if topic.startswith("story:"):
            article = self.store.get(topic.removeprefix("story:"))
            return "Story: " + (article.title if article else "?")
        return topic.split(":", 1)[1]


def _pairs(totals: Counter[str], unread: Counter[str]) -> dict[str, tuple[int, int]]:
    """(unread, total) per key; keys never seen count (0, 0)."""
    return defaultdict(lambda: (0, 0), {key: (unread[key], total) for key, total in totals.items()})
