"""Loading and watching the library: thin workers over the ingest session.

``LibraryLoading`` owns what the top line says about it (loading, checking, the
result's problems) and the refresh throttle while files stream in; its workers
call the ingest session, the story grouping and the search index, and post the
result (``IngestReport``, ``StoriesReady``, ``SearchReady``) for the app to
route back here. ``QuietKeys`` lets a background walk step aside while keys
are pressed.

A controller object rather than a mixin: its state is its own, and the app
reaches it through one attribute (``app.library_loading``) instead of sharing a
namespace of private names.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.worker import get_current_worker

from reader import cache as index_cache
from reader import front_page, gc_pause, memory, paths
from reader.formatting import plural
from reader.ingest import Changes, Loaded, Progress
from reader.model import Article, LoadResult
from reader.store import Sort, Store
from reader.stories import Stories
from reader.tui.controller import Host
from reader.tui.messages import IngestReport, SearchReady, StoriesReady
from reader.widgets.article_list import ArticleList
from reader.widgets.status_bar import StatusBar
from reader.widgets.topic_sidebar import TopicSidebar

if TYPE_CHECKING:
    from textual.timer import Timer

    from reader.folder_events import FolderEvents
    from reader.library import Library

REFRESH_DURING_LOAD = 0.4  # seconds between list refreshes while files stream in
REFRESH_SHARE = 0.05  # of the time a load may spend refreshing the list (at most)
PROGRESS_EVERY = 0.2  # seconds between progress reports of a load (at least)
WATCH_INTERVAL = 3.0  # seconds between checks of the seed folders (at least)
# With the kernel telling of changes (reader.folder_events), a check runs after each
# burst of them, and this often besides: what it cannot see (see that module).
WATCHED_INTERVAL = 300.0
KEYS_QUIET = 0.4  # seconds without a key before a background check walks on


class QuietKeys:
    """When the last key arrived, so a background walk can wait for the keys to rest."""

    def __init__(
        self,
        running: Callable[[], bool],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.running = running
        self.clock = clock  # both given by a test to step time without waiting for it
        self.sleep = sleep
        self.last_key = 0.0

    def pressed(self) -> None:
        self.last_key = self.clock()

    def wait(self) -> None:
        """In the background check's walk: step aside while keys are being pressed.

        A walk of 100,000 files is 1-2 s of Python in a thread; beside it every
        frame waits for the GIL (j took up to 80 ms instead of 40 during a check).
        """
        while self.clock() - self.last_key < KEYS_QUIET and self.running():
            self.sleep(KEYS_QUIET / 4)
        self.sleep(0)


class LibraryLoading:
    """The library's loading, its checks against the folders, and what is built from it."""

    def __init__(self, app: Host, group: Callable[[list[Article]], Stories]) -> None:
        self.app = app
        self.group = group  # how stories are grouped (in a worker)
        self.result = LoadResult()
        self.loading = True
        self.checking = False  # a cached index shown, not yet checked against the folders
        self.progress = (0, 0)
        self.last_refresh = 0.0  # when the list was last rebuilt (any reason)
        self._refresh_cost = 0.0
        self.keys = QuietKeys(lambda: app.is_running)
        self.quick_bytes = 0  # see start
        self._widgets: tuple[ArticleList, TopicSidebar] | None = None
        self._next_check: Timer | None = None  # the one periodic check to come
        self._resave: Timer | None = None  # a save of files left out as just modified
        self._events: FolderEvents | None = None  # the kernel's folder events, once watched
        self._watch_started = False
        self._watch_lock = threading.Lock()
        self._closed = False

    def _in_thread(self, work: Callable[[], None], group: str, *, exclusive: bool) -> None:
        # Every worker has a description: without one Textual repr()s the arguments,
        # 3.5 s for a list of 100,000 articles.
        self.app.run_worker(
            work, thread=True, exclusive=exclusive, exit_on_error=False, group=group,
            description=group,
        )  # fmt: skip

    # -- workers ------------------------------------------------------------

    def start(self, quick_bytes: int) -> None:
        """At mount: a small cached library at once (an index cache of at most
        ``quick_bytes``: it is in the first frame), else the load in a worker and,
        while it runs, the last run's front page when it still holds."""
        app = self.app
        self.quick_bytes = quick_bytes
        self._widgets = (app.article_list, app.sidebar)  # still there at exit, unmounted
        quick = app.ingest.quick_load(quick_bytes)
        if quick is not None:
            self.loaded(quick)
        else:
            self._show_front_page()
            self.load()

    def load(self) -> None:
        """Stream the library in (or show the cached index at once)."""
        ingest, post, sort = self.app.ingest, self.app.post_message, self.app.sort
        library = self.app.library

        def load() -> None:
            memory.return_large_blocks()  # before the library's first large temporaries
            worker = get_current_worker()
            events = coalesced(ingest.load(lambda: worker.is_cancelled))
            # A cached index is read, adopted and sorted in one bulk() block that ends
            # frozen: at the end of each smaller block the collector would scan every
            # object made since (~0.1 s at 100,000 articles, before the list is whole).
            # Not a cold load: it takes minutes, and the cyclic garbage the screen
            # makes meanwhile would be frozen with the library.
            store = None
            with gc_pause.bulk():
                first = next(events, None)
                if isinstance(first, Loaded):
                    store = warm_store(first.result, sort, library)
                    gc_pause.settle()
            if first is None:
                return
            post(IngestReport(first, store=store))
            with gc_pause.young_only():  # a cold load: no full collection each few seconds
                for event in events:
                    store = None
                    if isinstance(event, Loaded):
                        gc_pause.collect_all()  # once, before what is alive is frozen
                        store = warm_store(event.result, sort, library)
                    post(IngestReport(event, store=store))

        self._in_thread(load, "load", exclusive=True)

    # -- the front page ---------------------------------------------------------

    def _front_context(self) -> tuple[Any, ...]:
        """What decides what a front page shows, besides the index and the view."""
        app, state = self.app, self.app.state
        hide = getattr(app.ingest.hide, "queries", ())
        feeds: tuple[int, ...] | None = None
        if app.feeds.feeds_enabled:
            try:
                stat = os.stat(app.feeds.feeds_list or paths.feeds_list_path())
                feeds = (stat.st_size, stat.st_mtime_ns)
            except OSError:
                feeds = ()
        return (
            tuple(query.text for query in hide),
            feeds,
            len(state.read_ids),
            len(state.starred_ids),
            tuple(state.tag_counts().items()),
            tuple(state.saved_searches().items()),
        )

    def _show_front_page(self) -> bool:
        """Draw the last run's front page in the first frame, if it still holds."""
        app = self.app
        view = app.view_values
        if app.ingest.cache is None or view.stories:
            return False
        key = (view.scope.key, view.sort, view.hide_read)
        page = front_page.load(app.ingest.cache, key, self._front_context())
        if page is None:
            return False
        app.library.show_preview(page, Store(page.articles).warm(view.sort))
        app.view.take_reselect()  # the page's cursor is the saved one, and the user's next
        self.loading, self.checking = False, True
        with app.reading.from_index():
            app.reading.refresh_view(page.cursor_id)
        return True

    def save_front_page(self) -> None:
        """At exit: the screen's rows, sidebar and counts, for the next start to show.

        Only for a settled library too large to read before the first frame (see
        ``start``), in a view a start comes back to (not a search, not stories);
        else the old page goes, as it would show a view the next start does not."""
        app, index = self.app, self.app.ingest.cache
        if index is None or app.library.preview is not None or self._widgets is None:
            return  # no cache; the page shown is still the last run's, and holds; or no start
        (listed, sidebar), view = self._widgets, app.view_values
        size = index.size()
        if (
            self.loading
            or self.checking
            or view.stories
            or app.view.query_text
            or not listed.articles
            or size is None
            or size <= self.quick_bytes
        ):
            front_page.remove(index)
            return
        top = max(0, min(round(listed.scroll_y), listed.cursor))
        unread, total = app.library.counts(listed.articles, False)
        result = self.result
        page = front_page.FrontPage(
            view=(view.scope.key, view.sort, view.hide_read),
            articles=front_page.window(listed.articles, top),
            cursor_id=listed.article.id if listed.article is not None else None,
            row_on_screen=listed.cursor - top,
            entries=list(sidebar.entries),
            counts=front_page.Counts(unread, total, len(result.problems), len(result.hidden)),
        )
        front_page.save(index, page, self._front_context())

    def check(self, manual: bool = False) -> None:
        """Stat every file; read new and changed ones; report what changed."""
        self._in_thread(partial(self._check_here, manual), "check", exclusive=False)

    def _check_here(self, manual: bool) -> None:
        """A check, in this thread (a worker's, or the folder events')."""
        ingest, sort = self.app.ingest, self.app.sort
        with gc_pause.bulk():  # a walk makes a signature per file: no rescans meanwhile
            changes = ingest.check(None if manual else self.keys.wait)
        result = changes.result
        store = warm_store(result, sort, self.app.library) if result is not None else None
        self.app.post_message(IngestReport(changes, manual, store))

    def _watch(self) -> None:
        """In a worker: ask the kernel for the folders' changes (walking every few
        seconds stays the way where it cannot tell)."""
        from reader import folder_events

        ingest = self.app.ingest
        events = folder_events.watch([*ingest.seed_paths, *ingest.optional], self._changed)
        with self._watch_lock:
            if events is not None and self._closed:
                events.close()  # the app quit meanwhile
                return
            self._events = events

    def _changed(self) -> None:
        """In the folder events' thread, after a burst of changes: a check, here."""
        if self.loading or self._closed:
            return  # a load ends with a check of its own
        try:
            self._check_here(manual=False)
        except Exception:  # noqa: BLE001 # a failed check (a bug) must not end the watch
            return  # the periodic check still runs, as a failed worker's would

    def close(self) -> None:
        """At exit: the front page saved; the folders no longer watched."""
        self.save_front_page()
        with self._watch_lock:
            self._closed = True
            if self._events is not None:
                self._events.close()

    def regroup_stories(self, articles: list[Article]) -> None:
        """Group stories again, off the event loop, from a list nobody changes."""
        post, group, generation = self.app.post_message, self.group, self.app.library.generation
        library, sort = self.app.library, self.app.sort

        def regroup() -> None:
            stories = group(articles)
            with gc_pause.bulk():
                library.warm_stories(stories, sort)  # the first c need not wait for it
            post(StoriesReady(stories, generation))

        self._in_thread(regroup, "stories", exclusive=True)

    def warm_search(self, articles: list[Article]) -> None:
        """Fold every article's text and index links off the event loop (~1 s per 100,000)."""
        post, generation = self.app.post_message, self.app.library.generation

        def warm() -> None:
            from reader.query import SearchIndex

            with gc_pause.bulk():  # no collection rescans the index while it grows
                index = SearchIndex(articles)
                index.warm()
                links = Store.build_link_index(articles)
            post(SearchReady(index, links, generation))

        self._in_thread(warm, "search", exclusive=True)

    def _save_when_settled(self) -> None:
        """Files the last save left out as just modified are saved once they can be
        (``Ingest.save_when_settled``): the next start has them, and its first check
        does not find them "new"."""
        cache = self.app.ingest.cache
        if cache is None or self._resave is not None:
            return

        def due() -> None:
            self._resave = None
            if not cache.racy_until:
                return
            wait = cache.racy_until / 1e9 - time.time()
            if wait > 0:
                self._resave = self.app.set_timer(wait + 0.05, due, name="resave")
            else:
                self._in_thread(self.app.ingest.save_when_settled, "resave", exclusive=True)

        # The load's save comes after its report: look once it is surely over.
        self._resave = self.app.set_timer(index_cache.RACY_NS / 1e9 + 0.1, due, name="resave")

    def _schedule_check(self, last_seconds: float) -> None:
        # A check is a stat of every file: keep it under ~10% of one core. One timer
        # at a time, however many checks ran meanwhile (r, fetches, folder events).
        # The first one after a watch began is still the short one: it sees what
        # changed before the watch did.
        if self._next_check is not None:
            self._next_check.stop()
        interval = WATCHED_INTERVAL if self._events is not None else WATCH_INTERVAL
        wait = max(interval, 10 * last_seconds)
        self._next_check = self.app.set_timer(wait, self.check, name="check")
        self._save_when_settled()
        if self.app.ingest.watch and not self._watch_started:
            self._watch_started = True
            self._in_thread(self._watch, "watch", exclusive=True)

    def _index_library(self, articles: list[Article]) -> None:
        # Once the list is on screen: the workers' imports and Python would hold the
        # GIL while it is drawn (the first frame of a quick start among them).
        self.app.first_paint.later(self._index_now, articles)

    def _index_now(self, articles: list[Article]) -> None:
        self.regroup_stories(articles)
        self.warm_search(articles)

    # -- what the workers report ----------------------------------------------

    def report(self, message: IngestReport) -> None:
        if self._closed or not self._screen_is_whole():
            return  # a check that ended while the app shuts down: no screen to show it on
        event = message.event
        if isinstance(event, Progress):
            self._progress(event)
        elif isinstance(event, Loaded):
            with gc_pause.bulk():  # until what it builds is frozen
                self._loaded(event, message.store)
                gc_pause.settle()
        else:
            self._checked(event, message.manual, message.store)

    def _screen_is_whole(self) -> bool:
        """Whether every widget a report updates is still mounted (not at shutdown,
        where they are taken down one by one)."""
        from textual.app import ScreenStackError

        try:
            screen = self.app.screen
        except ScreenStackError:
            return False
        if not screen.is_attached or not screen.query(StatusBar):
            return False
        return all(widget.is_attached for widget in self._widgets or ())

    def _progress(self, event: Progress) -> None:
        app = self.app
        self.progress = (event.done, event.total)
        if app.library.preview is not None:  # the index could not be read: a load from the files
            app.library.set_store(Store())
            self.loading, self.checking = True, False
        if event.articles:
            app.store.add_many(event.articles)
            app.library.store_changed()
        # Refresh at most every REFRESH_DURING_LOAD seconds, and spend at most a
        # REFRESH_SHARE of the time refreshing, the paint included: the pool needs
        # both cores, and a refresh at 100,000 articles (a sort, the sidebar's
        # counts, the paint) is ~0.15 s. Keys stay responsive while loading.
        now = time.monotonic()
        wait = max(REFRESH_DURING_LOAD, self._refresh_cost / REFRESH_SHARE)
        if now - self.last_refresh >= wait or not app.article_list.articles:
            # Newer articles come in any order: a cursor on the first row stays there
            # (the newest so far), one the user moved stays on its article.
            app.reading.refresh_view(top=app.article_list.cursor == 0)
            self._refresh_cost = time.monotonic() - now
            app.call_after_refresh(self._painted, now)
        else:
            app.reading.update_status(progress_only=True)

    def _painted(self, started: float) -> None:
        self._refresh_cost = max(self._refresh_cost, time.monotonic() - started)

    def loaded(self, event: Loaded, store: Store | None = None) -> None:
        """A library loaded before the first paint (a small cached index)."""
        with gc_pause.bulk():  # until what it builds is frozen
            self._loaded(event, store)
            gc_pause.settle()

    def _loaded(self, event: Loaded, store: Store | None) -> None:
        app = self.app
        self.result = event.result
        app.feeds.load_rows()
        place = self._place_on_front_page()
        # Duplicates resolved late may have replaced earlier articles: rebuild from the result.
        app.library.set_store(
            store if store is not None else Store(event.result.articles, event.result.by_date)
        )
        self.loading = False
        # A cached index not yet checked against the folders: the top line says so.
        self.checking = event.from_cache and not event.checked
        app.article_list.empty_text = self._empty_text()
        with app.reading.from_index():  # the first article's file: read after this frame
            top = place is None and not event.from_cache and app.article_list.cursor == 0
            app.reading.refresh_view(place[0] if place is not None else None, top=top)
            app.reading.finish_restore()
        if place is not None and place[0] is not None:
            app.article_list.keep_row_on_screen(place[1])
        if self.checking:
            # The cached index is shown; check it against the folders now, and group
            # stories and index search only after (they would slow the check down).
            self.check()
        else:
            self._schedule_check(event.seconds)
            self._index_library(event.result.articles)

    def _empty_text(self) -> str:
        """What an empty list says: of an empty library, what was read and why none."""
        result = self.result
        if result.articles or result.hidden:
            return "No articles here."
        if result.problems:
            files = plural(len(result.problems), "file")
            return f"No articles: {files} could not be read (press ! to see why)."
        home = os.path.expanduser("~")
        shown = [
            "~" + path[len(home) :] if path == home or path.startswith(home + os.sep) else path
            for path in self.app.ingest.seed_paths
        ]
        return f"No article files (.txt or .md with front matter) in {', '.join(shown)}."

    def _place_on_front_page(self) -> tuple[str | None, int] | None:
        """With a front page shown: the article under the cursor and its row on screen."""
        if self.app.library.preview is None:
            return None
        listed = self.app.article_list
        article = listed.article
        return (article.id if article else None), listed.cursor - round(listed.scroll_y)

    def _checked(self, changes: Changes, manual: bool, store: Store | None = None) -> None:
        app = self.app
        if changes.result is not None:
            with gc_pause.bulk():  # until what it builds is frozen
                self.result = changes.result
                app.library.set_store(
                    store
                    if store is not None
                    else Store(changes.result.articles, changes.result.by_date)
                )
                app.article_list.empty_text = self._empty_text()
                app.reading.refresh_view()
                self._index_library(changes.result.articles)
                gc_pause.settle()
            if summary := changes.summary():
                app.notify(summary, title="Library", timeout=4)
        elif manual:
            app.notify("Nothing changed in the folders.", timeout=2)
        if self.checking:  # the first check of a cached start
            self.checking = False
            app.reading.update_status()
            if changes.result is None:
                self._index_library(self.result.articles)
        self._schedule_check(changes.seconds)

    def stories_ready(self, message: StoriesReady) -> None:
        app = self.app
        if message.generation != app.library.generation:
            return  # grouped from articles that have changed since; a newer one is coming
        app.library.stories = message.stories
        gc_pause.settle()
        if app.stories_mode:
            app.reading.refresh_view()
        else:
            app.pages.invalidate()
            app.detail.article = None  # repaint: "Also covered by" is known now
            app.reading.show_article(app.article_list.article)

    def search_ready(self, message: SearchReady) -> None:
        app = self.app
        app.library.adopt_search_index(message.index, message.generation)
        if message.generation == app.library.generation:
            app.store.adopt_link_index(message.links)
            app.pages.invalidate()  # related stories found by a looser link now
            app.reading.prefetch_around(app.article_list.article)
        gc_pause.settle()

    def failed(self) -> None:
        """The load worker failed (a bug): the screen says so instead of "Loading"."""
        self.loading = False
        self.app.article_list.empty_text = "Loading failed."
        self.app.reading.update_status()

    def show_problems(self) -> None:
        """The files that could not be read, and the feeds that failed (!)."""
        result, failures = self.result, self.app.feeds.feed_failures
        if not (result.problems or result.ignored or result.duplicates or failures):
            self.app.notify("Every file was read.", timeout=2)
            return
        from reader.feeds.subscriptions import describe_duplicate, feed_names
        from reader.screens.problems import ProblemsScreen

        names = feed_names(self.app.feeds.feeds_list) if self.app.feeds.feeds_enabled else {}
        duplicates = [
            describe_duplicate(self._title_of(d.id), d.path, d.kept_path, names)
            for d in result.duplicates
        ]
        self.app.push_screen(ProblemsScreen(result.problems, result.ignored, duplicates, failures))

    def _title_of(self, article_id: str) -> str:
        article = self.app.store.get(article_id)
        return article.title if article is not None else article_id


def coalesced(
    events: Iterable[Progress | Loaded],
    every: float = PROGRESS_EVERY,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[Progress | Loaded]:
    """A load's events with its progress at most every ``every`` seconds: the
    articles of the progress left out come with the next one.

    The pool reports every 500 files, ten or more times a second; each report is
    a message, a store update and a top line for the event loop, which shares
    the two cores with the pool. The first progress and ``Loaded`` come at once."""
    pending: list[Article] = []
    last = None
    for event in events:
        if isinstance(event, Progress):
            pending += event.articles
            now = clock()
            if last is not None and now - last < every:
                continue
            last = now
            event = Progress(event.done, event.total, tuple(pending))
            pending.clear()
        yield event


def warm_store(result: LoadResult, sort: Sort, library: Library | None = None) -> Store:
    """In a worker: the store for a new collection, sorted as the list will ask, and
    (``library``) the sidebar's totals of it, for when the library takes it."""
    with gc_pause.bulk():
        store = Store(result.articles, result.by_date).warm(sort)
        if library is not None:
            library.warm_totals(store)
        return store
