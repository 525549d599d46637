"""The library: what the screen shows, computed without Textual.

The app owns the view settings (scope, sort, hide-read, stories, search) and
passes them down as a ``ViewSpec``; ``Library`` turns them into the list, the
sidebar entries and their counts, a scope's label, and an article's related
stories and other coverage, from the store, the read state and the stories.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from reader.model import Article, Related
from reader.record import Record
from reader.scope import ALL, STARRED, All, Feed, SavedSearch, Scope, Starred, Tag, Topic
from reader.scope import Story as StoryScope
from reader.state import UserState
from reader.store import Sort, Store, date_key, quality_key
from reader.stories import Stories, Story

if TYPE_CHECKING:
    from reader.fulltext import TextStore
    from reader.query import Query, SearchIndex

# reader.query is imported where a search runs: the first screen needs none.

_Held = TypeVar("_Held")


def _story_in(stories: Stories | None, article: Article) -> Story:
    """The article's story in ``stories``; alone in one when they predate the article."""
    found = stories.get(article.id) if stories is not None else None
    return found if found is not None else Story([article])


class _Derived(Generic[_Held]):
    """What was made from one store generation and one grouping of stories, kept for them."""

    __slots__ = ("generation", "stories", "held")

    def __init__(self, generation: int, stories: Stories | None, held: _Held) -> None:
        self.generation = generation
        self.stories = stories
        self.held = held

    def of(self, generation: int, stories: Stories | None) -> bool:
        """Whether it was made from that generation and those stories."""
        return self.generation == generation and self.stories is stories


class SidebarEntry(Record):
    """One row of the sidebar: the scope it selects, its label and counts.

    Like ``FeedRow`` and ``RelatedEntry``, a frozen value: ``reader.record``."""

    __slots__ = ("scope", "label", "unread", "total")
    scope: Scope
    label: str
    unread: int
    total: int

    def __init__(self, scope: Scope, label: str, unread: int, total: int) -> None:
        object.__setattr__(self, "scope", scope)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "unread", unread)
        object.__setattr__(self, "total", total)


class Preview(Protocol):
    """What the library shows of a front page (reader.front_page) until it is read."""

    @property
    def view(self) -> tuple[str, str, bool]: ...  # the scope's key, the sort, hide-read

    @property
    def entries(self) -> list[SidebarEntry]: ...


class FeedRow(Record):
    """A subscribed feed as the sidebar shows it: its URL, name, folder and last error."""

    __slots__ = ("url", "name", "folder", "error")
    url: str
    name: str
    folder: str  # the folder its articles are fetched into
    error: str

    def __init__(self, url: str, name: str, folder: str, error: str = "") -> None:
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "folder", folder)
        object.__setattr__(self, "error", error)


class RelatedEntry(Record):
    """A row of the related list: a story, and the library article it is, if any."""

    __slots__ = ("related", "article")
    related: Related
    article: Article | None

    def __init__(self, related: Related, article: Article | None) -> None:
        object.__setattr__(self, "related", related)
        object.__setattr__(self, "article", article)


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """Everything that decides which articles the list shows, and how."""

    scope: Scope = ALL
    sort: Sort = "date"
    hide_read: bool = False
    stories: bool = False
    search: Query | None = None
    keep_id: str | None = None  # a read article that stays in view under hide-read
    # The search's words looked up in the full texts so far (folded word -> ids); a word
    # not in it is still being looked up, and only what is certain shows. None: ask now.
    text_matches: Mapping[str, frozenset[str]] | None = None

    @property
    def story_rows(self) -> bool:
        """One row per story (the stories view, outside one opened story)."""
        return self.stories and not isinstance(self.scope, StoryScope)


class Library:
    """The store, the marks and the stories, seen as the screen needs them."""

    def __init__(self, store: Store, state: UserState, now: Callable[[], datetime]) -> None:
        self.store = store
        self.state = state
        self.now = now
        self.texts: TextStore | None = None  # fetched full texts: words match them too
        self.stories: Stories | None = None
        self._index: SearchIndex | None = None
        self._saved: dict[str, list[Article]] = {}
        self.generation = 0  # bumped whenever the articles change
        # Counts are kept by scope key (a str hashes faster than a dataclass).
        self._keys_by_topics: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._topic_keys: dict[str, str] = {}  # topic name -> its sidebar key
        self._totals: Counter[str] | None = None
        # Kept apart, so that counts made for the stories shown meanwhile never drop
        # the rows a worker made for newer ones: (sort, the list, its story leads) for
        # _story_leads, (the stories of each entry, every story by id) for _story_counts.
        self._leads: _Derived[tuple[Sort, list[Article], list[Article]]] | None = None
        self._story_members: _Derived[tuple[dict[str, set[str]], dict[str, Story]]] | None = None
        self._totals_generation = -1
        self._warm_totals: tuple[Store, Counter[str]] | None = None  # see warm_totals
        self.feeds: list[FeedRow] = []
        self._feed_members: dict[str, list[str]] | None = None  # folder -> article ids
        self._feed_generation = -1
        # The last run's front page, shown until the library is read (reader.front_page).
        self.preview: Preview | None = None

    # -- changes ------------------------------------------------------------

    def set_store(self, store: Store) -> None:
        if self._warm_totals is not None and self._warm_totals[0] is not store:
            self._warm_totals = None  # made for another store: let it go
        self.store = store
        self.preview = None
        self.store_changed()

    def show_preview(self, page: Preview, store: Store) -> None:
        """Show ``page`` (its rows in ``store``) until ``set_store`` brings the library:
        its view lists its rows, the sidebar and the counts are the page's, and any
        other view is empty rather than a wrong part of the library."""
        self.store = store
        self.store_changed()
        self.preview = page

    def previewing(self, spec: ViewSpec) -> bool:
        """Whether ``spec`` is the view the front page shown holds."""
        page = self.preview
        return (
            page is not None
            and spec.search is None
            and not spec.stories
            and (spec.scope.key, spec.sort, spec.hide_read) == page.view
        )

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
        from reader.query import QueryError, parse

        for name, text in self.state.saved_searches().items():
            try:
                needs_marks = parse(text).needs_marks
            except QueryError:
                needs_marks = False
            if needs_marks:
                self._saved.pop(name, None)

    def forget_saved_search(self, name: str) -> None:
        self._saved.pop(name, None)

    def set_feeds(self, feeds: Sequence[FeedRow]) -> None:
        """The subscribed feeds, in the order the sidebar lists them."""
        self.feeds = list(feeds)

    def feed_of(self, url: str) -> FeedRow | None:
        return next((feed for feed in self.feeds if feed.url == url), None)

    def feed_article_ids(self, url: str) -> list[str]:
        """The ids of the loaded articles fetched from the feed at ``url``."""
        feed = self.feed_of(url)
        if feed is None:
            return []
        if self._feed_members is None or self._feed_generation != self.generation:
            import os.path

            members: dict[str, list[str]] = defaultdict(list)
            dirname = os.path.dirname
            for article in self.store:
                members[dirname(article.path)].append(article.id)
            self._feed_members = members
            self._feed_generation = self.generation
        return self._feed_members.get(feed.folder, [])

    # -- stories ------------------------------------------------------------

    def story_of(self, article: Article) -> Story:
        """The article's story; alone in one when the stories predate the article.

        Stories are regrouped in a worker after the folder changes, so for a
        moment a new article may not be in any story yet.
        """
        return _story_in(self.stories, article)

    def also_covered(self, article: Article) -> tuple[Article, ...]:
        """The other articles of its story, newest first, that are still in the store."""
        story = self.story_of(article)
        others = [a for a in story.articles if a.id != article.id and a.id in self.store]
        return tuple(sorted(others, key=date_key))

    # -- search -------------------------------------------------------------

    def filter(
        self,
        articles: list[Article],
        query: Query,
        text_matches: Mapping[str, frozenset[str]] | None = None,
    ) -> list[Article]:
        """The articles that match ``query``, in order. The full texts are asked at once
        unless ``text_matches`` gives the words looked up so far: then a word not in it
        leaves the texts out, and the answer is the part that is certain (a subset)."""
        from reader.query import MatchContext, SearchIndex

        if self._index is None:
            self._index = SearchIndex(self.store)
        context = MatchContext(
            is_read=self.state.is_read,
            is_starred=self.state.is_starred,
            now=self.now(),
            tags_of=self.state.tags_of,
        )
        texts = self.texts
        if texts is not None and text_matches is None:
            context = replace(context, full_text=texts.matching, texts_generation=texts.generation)
        elif texts is not None and text_matches is not None:
            stored = texts.stored_ids()  # first: it notices texts another process stored
            context = replace(
                context,
                full_text=text_matches.get,
                texts_generation=texts.generation,
                stored_texts=stored,
            )
        return self._index.filter(articles, query, context)

    def saved_search_articles(self, name: str) -> list[Article]:
        """Every article a saved search matches, newest first (cached until the store changes)."""
        matches = self._saved.get(name)
        if matches is None:
            from reader.query import QueryError, parse

            try:
                query = parse(self.state.saved_searches().get(name, ""))
            except QueryError:
                matches = []
            else:
                matches = self.filter(self.store.ordered("date"), query)
            self._saved[name] = matches
        return matches

    def scoped_search(self, scope: Scope, query: str) -> tuple[str, str]:
        """What to save for ``query`` typed in ``scope``: the query, and what it covers.

        A saved search is listed beside the topics, so it must carry its scope
        in its own words: ``topic:"AI" (…)`` in a topic, ``is:starred (…)`` in
        Starred, ``tag:"later" (…)`` in a tag, both queries in a saved search. An
        opened story cannot be said in the query language, nor a name with a ``"``.
        """
        match scope:
            case Topic(name) if '"' not in name:
                return f'topic:"{name}" ({query})', f"the topic “{name}”"
            case Starred():
                return f"is:starred ({query})", "the starred articles"
            case Tag(name) if '"' not in name:
                return f'tag:"{name}" ({query})', f"the articles tagged “{name}”"
            case SavedSearch(name) if saved := self.state.saved_searches().get(name):
                return f"({saved}) ({query})", f"the saved search “{name}”"
        return query, "every article"

    # -- the list -----------------------------------------------------------

    def articles(self, spec: ViewSpec) -> list[Article]:
        """The list for ``spec``: entry, search, hide-read, then one row per story."""
        if self.preview is not None and not self.previewing(spec):
            return []  # a front page holds one view's rows: the rest comes with the library
        articles = self.scope_articles(spec.scope, spec.sort)
        if spec.search is not None:
            articles = self.filter(articles, spec.search, spec.text_matches)
        if spec.hide_read:
            keep, is_read = spec.keep_id, self.state.is_read
            articles = [a for a in articles if a.id == keep or not is_read(a.id)]
        if spec.story_rows and self.stories is not None:
            whole = spec.search is None and not spec.hide_read  # the scope's own list
            articles = self._story_leads(articles, spec.sort, keep=whole)
        return articles

    def scope_articles(self, scope: Scope, sort: Sort = "date") -> list[Article]:
        """Every article ``scope`` holds, in ``sort`` order (an opened story: by date)."""
        store = self.store
        match scope:
            case Topic(name):
                return store.view(name, sort)
            case Starred():
                return [a for a in store.ordered(sort) if self.state.is_starred(a.id)]
            case SavedSearch(name):
                members = {a.id for a in self.saved_search_articles(name)}
                return [a for a in store.ordered(sort) if a.id in members]
            case Tag(name):
                members = self.state.tagged(name)
                return [a for a in store.ordered(sort) if a.id in members]
            case Feed(url):
                ids = set(self.feed_article_ids(url))
                return [a for a in store.ordered(sort) if a.id in ids]
            case StoryScope(article_id) if (lead := store.get(article_id)) is not None:
                return sorted([lead, *self.also_covered(lead)], key=date_key)
        return store.view(None, sort)

    def contains(self, scope: Scope) -> bool:
        """Whether ``scope`` still names something: a topic, saved search or story may go."""
        match scope:
            case Topic(name):
                return bool(self.store.view(name))
            case SavedSearch(name):
                return name in self.state.saved_searches()
            case Tag(name):
                return name in self.state.tag_counts()
            case Feed(url):
                return self.feed_of(url) is not None
            case StoryScope(article_id):
                return article_id in self.store
        return True

    def _story_leads(
        self,
        articles: list[Article],
        sort: Sort,
        keep: bool = False,
        stories: Stories | None = None,
        generation: int | None = None,
    ) -> list[Article]:
        """One row per story with an article in ``articles``: its lead, in sort order.
        ``keep``: ``articles`` is a scope's whole list, kept as it is until the store
        changes: its rows are kept too, and given again for the same list. ``stories``
        and ``generation``: those to make them for (``warm_stories``), else the library's."""
        stories = stories if stories is not None else self.stories
        generation = generation if generation is not None else self.generation
        assert stories is not None
        kept = self._leads  # a scope's whole list (the store's own): the same leads again
        if kept is not None and kept.of(generation, stories):
            kept_sort, kept_list, kept_rows = kept.held
            if kept_list is articles and kept_sort == sort:
                return kept_rows
        leads: dict[str, Article] = {}
        story_of, store, first_of = stories.get, self.store, leads.setdefault
        for article in articles:  # ~100,000 at a time: one lookup each
            story = story_of(article.id)
            lead = story.articles[0] if story is not None else article
            if lead is not article and lead.id not in store:  # stories older than a deletion
                lead = article
            first_of(lead.id, lead)
        rows = sorted(leads.values(), key=date_key if sort == "date" else quality_key)
        if keep:
            self._leads = _Derived(generation, stories, (sort, articles, rows))
        return rows

    def warm_stories(self, stories: Stories, sort: Sort) -> None:
        """In the worker that grouped ``stories``: what the stories view asks first
        (All's rows, the sidebar's story sets), kept for them (~0.3 s at 100,000 that
        the first ``c`` would otherwise wait for). Kept by generation and stories, so
        what a newer store or newer stories make is never taken for them."""
        generation = self.generation  # before the store: a newer one is never kept as this
        self._story_members = _Derived(generation, stories, self._story_sets(stories))
        self._story_leads(self.store.view(None, sort), sort, True, stories, generation)

    def warm_totals(self, store: Store) -> None:
        """In the worker that made ``store``, before ``set_store``: the sidebar's totals
        of its articles, kept for it (~20-30 ms at 100,000 that the first sidebar
        would otherwise spend on the event loop). Taken only by that very store."""
        self._warm_totals = (store, self._totals_of(store))

    def row_ids(self, article: Article, spec: ViewSpec) -> list[str]:
        """The articles a list row stands for: its whole story in the stories view."""
        if spec.story_rows and self.stories is not None:
            return [a.id for a in self.story_of(article).articles]
        return [article.id]

    def row_is_read(self, article: Article, spec: ViewSpec) -> bool:
        """A row is read when every article it stands for is (as the counts say)."""
        return all(map(self.state.is_read, self.row_ids(article, spec)))

    def row_is_starred(self, article: Article, spec: ViewSpec) -> bool:
        """A row is starred when any article it stands for is."""
        return any(map(self.state.is_starred, self.row_ids(article, spec)))

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
        shown = articles if isinstance(articles, Sequence) else list(articles)
        read, store = self.state.read_ids, self.store
        if not read:  # a first load: nothing to count (~30 ms a refresh at 100,000)
            return len(shown), len(shown)
        if len(shown) == len(store) and len(read) < len(shown):
            # Every article (a view is a subset of the store, each article once):
            # count the read marks, not the articles (~60 ms at 100,000 each time).
            return len(shown) - sum(1 for i in read if i in store), len(shown)
        return sum(1 for article in shown if article.id not in read), len(shown)

    def sidebar(self, by_story: bool) -> list[SidebarEntry]:
        """All, Starred, saved searches, tags, topics busiest first, then the feeds.

        One pass over the store counts every topic (a filter per topic was
        O(topics x articles): a second per refresh at 100,000 articles).
        """
        if self.preview is not None:
            return list(self.preview.entries)
        if by_story and self.stories is not None:
            counts = self._story_counts()
        else:
            counts = self._article_counts()
        entries = [
            SidebarEntry(ALL, self.label(ALL), *counts[ALL.key]),
            SidebarEntry(STARRED, self.label(STARRED), *counts[STARRED.key]),
        ]
        for name in self.state.saved_searches():
            matches = self.saved_search_articles(name)
            search = SavedSearch(name)
            entries.append(
                SidebarEntry(search, self.label(search), *self.counts(matches, by_story))
            )
        for name in self.state.tag_counts():
            tag = Tag(name)
            tagged = self.scope_articles(tag)
            entries.append(SidebarEntry(tag, self.label(tag), *self.counts(tagged, by_story)))
        topics = [Topic(name) for name, _total in self.store.topics()]
        if by_story and self.stories is not None:  # busiest first by what is shown: stories
            topics.sort(key=lambda topic: -counts[topic.key][1])  # stable: names stay in order
        for topic in topics:
            entries.append(SidebarEntry(topic, topic.name, *counts[topic.key]))
        for feed in self.feeds:
            scope = Feed(feed.url)
            ids = self.feed_article_ids(feed.url)
            articles = [a for i in ids if (a := self.store.get(i)) is not None]
            entries.append(SidebarEntry(scope, self.label(scope), *self.counts(articles, by_story)))
        return entries

    def _sidebar_keys(self, topics: tuple[str, ...]) -> tuple[str, ...]:
        """The sidebar keys (All, then each topic's) of an article with ``topics``:
        one tuple per set of topics, made once (a Topic per article and topic
        took ~0.5 s at 100,000 articles)."""
        keys = self._keys_by_topics.get(topics)
        if keys is None:
            named = self._topic_keys
            for topic in topics:
                if topic not in named:
                    named[topic] = Topic(topic).key
            keys = self._keys_by_topics[topics] = (ALL.key, *(named[t] for t in topics))
        return keys

    def _article_counts(self) -> dict[str, tuple[int, int]]:
        # Totals change only with the store; unread = total - read, so a count
        # costs a pass over the read marks, not over every article.
        if self._totals is None or self._totals_generation != self.generation:
            warm = self._warm_totals
            if warm is not None and warm[0] is self.store:
                self._totals, self._warm_totals = warm[1], None
            else:
                self._totals = self._totals_of(self.store)
            self._totals_generation = self.generation
        totals = Counter(self._totals)
        read: Counter[str] = Counter()
        get = self.store.get
        for article_id in self.state.read_ids:
            article = get(article_id)
            if article is not None:
                read.update(self._sidebar_keys(article.topics))
        unread = totals - read
        starred = [i for i in self.state.starred_ids if i in self.store]
        totals[STARRED.key] = len(starred)
        unread[STARRED.key] = sum(1 for i in starred if i not in self.state.read_ids)
        return _pairs(totals, unread)

    def _totals_of(self, store: Store) -> Counter[str]:
        """How many articles of ``store`` each sidebar entry (All, each topic) holds."""
        totals: Counter[str] = Counter()
        for topics, count in store.topic_sets().items():
            for key in self._sidebar_keys(topics):
                totals[key] += count
        return totals

    def _story_counts(self) -> dict[str, tuple[int, int]]:
        # Which stories each entry holds changes only with the store and the stories:
        # kept, so that a refresh counts unread stories only (~0.2 s less at 100,000).
        kept = self._story_members
        if kept is None or not kept.of(self.generation, self.stories):
            kept = self._story_members = _Derived(self.generation, self.stories, self._story_sets())
        members, stories = dict(kept.held[0]), kept.held[1]
        read, starred = self.state.read_ids, self.state.starred_ids
        members[STARRED.key] = {
            self.story_of(article).lead.id
            for article_id in starred
            if (article := self.store.get(article_id)) is not None
        }
        if read:
            unread_story = {
                story_id: any(a.id not in read for a in story.articles)
                for story_id, story in stories.items()
            }
            unread = {key: sum(map(unread_story.__getitem__, ids)) for key, ids in members.items()}
        else:
            unread = {key: len(ids) for key, ids in members.items()}
        totals = Counter({key: len(ids) for key, ids in members.items()})
        return _pairs(totals, Counter(unread))

    def _story_sets(
        self, grouped: Stories | None = None
    ) -> tuple[dict[str, set[str]], dict[str, Story]]:
        """The stories of All and of each topic (by lead id), and every story by its id
        (of ``grouped``, else of the library's stories)."""
        members: dict[str, set[str]] = defaultdict(set)
        topic_keys: dict[str, str] = {}
        stories: dict[str, Story] = {}
        everything = members[ALL.key]
        source = grouped if grouped is not None else self.stories
        no_stories: dict[str, Story] = {}
        found_in = source.get if source is not None else no_stories.get
        for article in self.store:  # ~100,000: one lookup each, _story_in on a miss only
            story = found_in(article.id)
            if story is None:
                story = _story_in(source, article)
            story_id = story.id
            stories.setdefault(story_id, story)
            everything.add(story_id)
            for topic in article.topics:
                key = topic_keys.get(topic) or topic_keys.setdefault(topic, Topic(topic).key)
                members[key].add(story_id)
        return dict(members), stories

    def label(self, scope: Scope) -> str:
        """How the sidebar and the status line name a scope."""
        match scope:
            case All():
                return "All"
            case Starred():
                return "Starred"
            case SavedSearch(name):
                return "⌕ " + name
            case Tag(name):
                return "#" + name
            case Feed(url):
                feed = self.feed_of(url)
                if feed is None:
                    return "Feed: " + url
                return ("! " if feed.error else "» ") + feed.name
            case StoryScope(article_id):
                article = self.store.get(article_id)
                return "Story: " + (article.title if article else "?")
            case Topic(name):
                return name

    # -- the detail ---------------------------------------------------------

    def coverage(
        self, article: Article, related: Iterable[Related]
    ) -> tuple[list[RelatedEntry], tuple[Article, ...]]:
        """The detail's related stories and "Also covered by" for ``article``.

        A related story that is already listed under "Also covered by" (the
        other articles of its story) is not listed twice.
        """
        also = self.also_covered(article) if self.stories is not None else ()
        covered = {a.id for a in also}
        entries = [
            RelatedEntry(item, found)
            for item in related
            if (found := self.store.resolve(item, build_index=False)) is None
            or found.id not in covered
        ]
        return entries, also


def _pairs(totals: Counter[str], unread: Counter[str]) -> dict[str, tuple[int, int]]:
    """(unread, total) per key; keys never seen count (0, 0)."""
    return defaultdict(lambda: (0, 0), {key: (unread[key], total) for key, total in totals.items()})
