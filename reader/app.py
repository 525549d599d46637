"""NewsReaderApp: owns the view state (scope, sort, hide-read, stories, search).

Widgets post messages up; the app asks the Textual-free core what to show
(``reader.library``: a scope's articles, counts, labels, coverage;
``reader.status``: the top line; ``reader.bindings``: keys, palette, help)
and passes the answers down. It stays near 1,000 lines because it is the one
place where every message, action and worker meets: each handler is a few
lines over a core call, and splitting them into mixins would hide the state
they share (see STYLE.md, "Not a small App, but thin workers").
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from reader import bindings, gc_pause, paths
from reader.cache import IndexCache
from reader.config import Config
from reader.formatting import plural, short_url
from reader.fulltext.document import Link
from reader.fulltext.storage import TextStore
from reader.ingest import Changes, Ingest, Loaded, Progress
from reader.library import Library, ViewSpec
from reader.model import Article, ArticleDetail, LoadResult
from reader.scope import ALL, SavedSearch, Scope, Story, Tag, is_remembered, scope_from_key
from reader.scope import Feed as FeedScope
from reader.seedfile import load_detail
from reader.state import UserState
from reader.status import StatusLine
from reader.store import Sort, Store
from reader.stories import Stories, group_stories
from reader.text import is_web_url
from reader.tui import detail_pages
from reader.tui.detail_pages import DetailPages, PageJob
from reader.tui.dwell import DwellTracker
from reader.tui.messages import (
    CommandDone,
    DetailsRead,
    FeedChecked,
    FeedsFetched,
    FeedsProgress,
    FullTextFetched,
    IngestReport,
    PagesBuilt,
    SearchReady,
    StoriesReady,
    TextsFound,
)
from reader.widgets.article_list import ArticleList
from reader.widgets.detail_pane import DetailPane
from reader.widgets.detail_text import FullTextView
from reader.widgets.footer import KeysFooter
from reader.widgets.keys import bindings_for
from reader.widgets.picture import ArticlePicture, PictureSetup, ReadingColumn
from reader.widgets.search_bar import SearchBar
from reader.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from textual.actions import ActionParseResult
    from textual.dom import DOMNode

    from reader.query import Query

# Imported where they are used, not here: the search language, the screens and
# the browser are not needed for the first paint (~20 ms of imports at start).
from reader.widgets.topic_sidebar import TopicSidebar

DWELL_CHECK = 0.25  # seconds between checks of how long an article has been shown
STATE_POLL = 2.0  # seconds between looks for marks made by another instance
DETAIL_DEBOUNCE = 0.08  # seconds: cursor steps closer than this defer the detail
FETCH_REST = 0.5  # seconds the cursor rests on an article before on-open fetches its text
REFRESH_DURING_LOAD = 0.4  # seconds between list refreshes while files stream in
WATCH_INTERVAL = 3.0  # seconds between checks of the seed folders (at least)
# A cached index this small (~800 articles) is read and checked before the first
# paint, a few milliseconds: the first screen is the library, not "loading".
QUICK_START_BYTES = 512 * 1024
KEYS_QUIET = 0.4  # seconds without a key before a background check walks on


@dataclass(frozen=True, slots=True)
class Place:
    """Where the user was: for the back key."""

    scope: Scope
    article_id: str | None


class NewsReaderApp(App[int]):
    """A keyboard-first reader for a folder of article files."""

    CSS_PATH = "app.tcss"
    TITLE = "newsreader"
    # Under 60 columns the sidebar is hidden (app.tcss, Screen.-tiny). The detail goes
    # beside the list only from 160: at 120 it left the headline ~25 cells.
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (60, "-narrow"), (160, "-wide")]

    BINDINGS = bindings_for("app")

    scope: reactive[Scope] = reactive(ALL, init=False)
    sort: reactive[Sort] = reactive("date", init=False)
    hide_read: reactive[bool] = reactive(False, init=False)
    stories_mode: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        ingest: Ingest,
        *,
        now: Callable[[], datetime],
        tz: tzinfo | None = None,
        state: UserState,
        dwell: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        mark_story_read: bool = False,
        full_text: str = "manual",
        texts: TextStore | None = None,
    ) -> None:
        super().__init__()
        self.ingest = ingest
        self.mark_story_read = mark_story_read
        self.config_theme: str | None = None
        self.keymap: dict[str, str] = {}
        self.save_folder: Path | None = None  # where S saves; None: paths.saved_dir()
        self.commands: dict[str, str] = {}  # [commands]: name -> argv template
        self.notes: list[str] = []
        self.now = now
        self.tz = tz
        self.state = state
        self.dwell = DwellTracker(dwell, clock, self._reading)
        self._sticky_id: str | None = None  # a read article kept in view until left
        self.query_text = ""
        self.search: Query | None = None
        # The search's words looked up in the full texts so far (see _search_texts).
        self._text_matches: Mapping[str, frozenset[str]] | None = None
        self.library = Library(Store(), state, now)
        # Full texts: fetched when the setting says (manual: on t), kept in the articles db.
        self.full_text_mode = full_text
        self.texts = texts if texts is not None else TextStore()
        self.library.texts = self.texts
        self.pages = DetailPages(self.library, now=now, tz=tz)
        self._full_ids: set[str] = set()  # articles whose full text the user asked for
        self._excerpt_ids: set[str] = set()  # articles the user turned back to the excerpt
        self._opened_ids: set[str] = set()  # articles opened with Enter (for on-open)
        self._fetching: set[str] = set()  # full texts being fetched now
        # on-open: the article the cursor rests on (the dwell's count, over a shorter time)
        self.fetch_rest = DwellTracker(FETCH_REST, clock, self._reading)
        self.result = LoadResult()
        self.loading = True
        self.history: list[Place] = []
        self._progress = (0, 0)
        self._last_refresh = 0.0
        self._refresh_cost = 0.0
        self._last_highlight = 0.0
        self._last_key = 0.0  # when the last key arrived (background checks wait for quiet)
        self.detail_debounce = DETAIL_DEBOUNCE
        self._detail_timer: Timer | None = None
        self.checking = False  # a cached index shown, not yet checked against the folders
        self.feeds_enabled = False
        self.feeds_list: Path | None = None
        self.fetch_interval = 0.0  # seconds between automatic fetches (0: only on R)
        self.fetching: tuple[int, int] | None = None  # feeds fetched so far, of how many
        self.feed_failures: list[str] = []
        self.quit_warning: str | None = None  # marks that could not be saved, said at exit
        self._current_id: str | None = None
        self._restore: dict[str, object] = {}
        self.pictures: PictureSetup | None = None  # how pictures are drawn; None: none
        self._sidebar: TopicSidebar | None = None  # found once mounted

    # -- composition --------------------------------------------------------

    def notify(self, message: str, *, markup: bool = False, **kwargs: Any) -> None:
        """Notices carry seed and user text (links, titles, search names, feed errors):
        never markup, so "[bold]" or "[/]" in a link shows as it is."""
        super().notify(message, markup=markup, **kwargs)

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status", markup=False)
        yield SearchBar(id="search")
        with Horizontal(id="main"):
            yield TopicSidebar(id="sidebar")
            with Vertical(id="content"):
                yield ArticleList(
                    badge=self.story_badge,
                    id="articles",
                    is_read=self.row_is_read,
                    is_starred=self.row_is_starred,
                    tz=self.tz,
                    now=self.now,
                    on_highlight=self._article_highlighted,
                )
                with ReadingColumn(id="reading"):
                    if self.pictures is not None:
                        yield ArticlePicture(self.pictures, id="picture")
                    yield DetailPane(id="detail", now=self.now, tz=self.tz)
        yield KeysFooter()

    def _show_highlighted(self) -> None:
        """The debounced detail: nothing when the list is gone (the app is closing)."""
        lists = self.query(ArticleList)
        if lists:
            self._show_article(lists.first().article)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def sidebar(self) -> TopicSidebar:
        return self.query_one(TopicSidebar)

    def on_mount(self) -> None:
        self._sidebar = self.sidebar
        self.article_list.empty_text = "Loading articles…"
        self.detail.show_empty("Loading…")
        self.article_list.focus()
        self._update_status()
        self._warn_state()
        if self.keymap:
            self.set_keymap(
                {k: v for k, v in self.keymap.items() if not k.startswith(bindings.COMMAND_PREFIX)}
            )
        for name in self.commands:
            command = bindings.command_binding(name)
            keys = self.keymap.get(command.id)
            if keys:
                self.bind(keys, command.action, description=command.description, show=False)
        self._notify_settings_problems()
        self.apply_theme()
        self.screen.screen_layout_refresh_signal.subscribe(self, self._layout_refreshed)
        self.screen_change_signal.subscribe(self, lambda _screen: self.dwell.check_reading())
        self.restore_view()
        self.set_interval(DWELL_CHECK, self.check_dwell, name="dwell")
        if self.full_text_mode != "manual":
            self.set_interval(DWELL_CHECK, self.check_rest, name="rest")
        self.set_interval(STATE_POLL, self.poll_state, name="state-poll")
        quick = self.ingest.quick_load(QUICK_START_BYTES)
        if quick is not None:
            self._loaded(quick)  # a small library is in the very first paint
        else:
            self.load_articles()
        if self.feeds_enabled and self.fetch_interval > 0:
            self.call_later(self.action_fetch_feeds)
            self.set_interval(self.fetch_interval, self.action_fetch_feeds, name="fetch")

    def _notify_settings_problems(self) -> None:
        """One notice for every problem of the settings: the first, and where the rest are."""
        if not self.notes:
            return
        text = self.notes[0] + "\n'newsreader config check' says the same."
        if len(self.notes) > 1:
            text = (
                f"{len(self.notes)} problems in the settings; the first: {self.notes[0]}\n"
                "'newsreader config check' lists them all."
            )
        self.notify(text, title="Settings", severity="warning", timeout=10)

    def on_unmount(self) -> None:
        self.save_view()
        self.state.close()
        if self.state.unsaved:  # said after the screen is restored (reader.cli)
            self.quit_warning = self.state.warning

    # -- remembered view ------------------------------------------------------

    def apply_theme(self) -> None:
        """The config's theme when it names one, else the one chosen last time."""
        for name in (self.config_theme, self.state.get_setting("theme")):
            if isinstance(name, str) and name in self.available_themes:
                self.theme = name
                break
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        with contextlib.suppress(RuntimeError):  # a read-only state remembers nothing
            self.state.set_setting("theme", self.theme)

    VIEW_SETTING = "view"

    def restore_view(self) -> None:
        """Bring back scope, sort, hide-read and stories mode from the last run."""
        saved = self.state.get_setting(self.VIEW_SETTING, {})
        if not isinstance(saved, dict):
            return
        self._restore = saved
        if saved.get("sort") in ("date", "quality"):
            self.set_reactive(NewsReaderApp.sort, saved["sort"])
        if isinstance(saved.get("hide_read"), bool):
            self.set_reactive(NewsReaderApp.hide_read, saved["hide_read"])
        if isinstance(saved.get("stories"), bool):
            self.set_reactive(NewsReaderApp.stories_mode, saved["stories"])
        # "topic" holds the scope's key: the name and format of older versions.
        scope = scope_from_key(saved.get("topic"))
        if scope is not None and is_remembered(scope):
            self.set_reactive(NewsReaderApp.scope, scope)

    def _finish_restore(self) -> None:
        """Once loaded: fall back to All for a scope that is gone; reselect the article."""
        saved, self._restore = self._restore, {}
        if not self.library.contains(self.scope):
            self.scope = ALL
        article_id = saved.get("article")
        if isinstance(article_id, str):
            self.article_list.set_articles(self.current_articles(), article_id)

    def save_view(self) -> None:
        current = self._current_id
        view = {
            "topic": (self.scope if is_remembered(self.scope) else ALL).key,
            "sort": self.sort,
            "hide_read": self.hide_read,
            "stories": self.stories_mode,
            "article": current,
        }
        with contextlib.suppress(RuntimeError):  # a read-only state remembers nothing
            self.state.set_setting(self.VIEW_SETTING, view)
            self.state.set_setting("theme", self.theme)

    # -- read state ---------------------------------------------------------

    def is_read(self, article_id: str) -> bool:
        return self.state.is_read(article_id)

    def is_starred(self, article_id: str) -> bool:
        return self.state.is_starred(article_id)

    def row_ids(self, article: Article) -> list[str]:
        """What a mark on this row marks: the whole story in the stories view."""
        return self.library.row_ids(article, self.view_spec())

    def row_is_read(self, article: Article) -> bool:
        return self.library.row_is_read(article, self.view_spec())

    def row_is_starred(self, article: Article) -> bool:
        return self.library.row_is_starred(article, self.view_spec())

    def _warn_state(self) -> None:
        warning = self.state.take_warning()
        if warning:
            self.notify(warning, title="Read state", severity="warning", timeout=10)

    def _marks_changed(self) -> None:
        """Repaint rows and counts after marks changed (here or in another instance)."""
        self._warn_state()
        self.library.marks_changed()
        if self.hide_read or (self.search is not None and self.search.needs_marks):
            self._refresh_view()
        else:
            self.article_list.refresh()
            self._update_sidebar()
            self._update_status()

    def mark_read(self, article: Article) -> None:
        ids = [article.id]
        if self.mark_story_read and self.stories is not None:
            ids = [a.id for a in self.library.story_of(article).articles]
        if self.state.mark_read(ids):
            self._marks_changed()

    def check_dwell(self) -> None:
        """Mark the shown article read once it has stayed in the detail long enough."""
        article_id = self.dwell.due()
        article = self.store.get(article_id) if article_id is not None else None
        if article is not None:
            self.mark_read(article)

    def _reading(self) -> bool:
        """The user is on the list or in the detail (not in the sidebar, a search, a screen)."""
        if not self.screen_stack:
            return False  # starting or closing: a timer's tick with no screen
        focused = self.focused
        if focused is None or self.screen is not self.screen_stack[0]:
            return False
        return focused is self.article_list or self.detail in focused.ancestors_with_self

    def poll_state(self) -> None:
        if self.state.refresh():
            self._marks_changed()

    # -- loading and watching: thin workers over the ingest session ----------
    # Every @work has a description: without one Textual repr()s the arguments,
    # 3.5 s for a list of 100,000 articles.

    @work(thread=True, exclusive=True, exit_on_error=False, group="load", description="load")
    def load_articles(self) -> None:
        """Stream the library in (or show the cached index at once)."""
        worker = get_current_worker()
        # Not all inside gc_pause.bulk(): a cold load takes minutes, and the cyclic
        # garbage the screen makes meanwhile would be frozen with the library.
        for event in self.ingest.load(lambda: worker.is_cancelled):
            store = self._warm_store(event.result) if isinstance(event, Loaded) else None
            self.post_message(IngestReport(event, store=store))

    @work(thread=True, exclusive=False, exit_on_error=False, group="check", description="check")
    def check_folders(self, manual: bool = False) -> None:
        """Stat every file; read new and changed ones; report what changed."""
        breathe = None if manual else self._wait_for_quiet_keys
        with gc_pause.bulk():  # a walk makes a signature per file: no rescans meanwhile
            changes = self.ingest.check(breathe)
        store = self._warm_store(changes.result) if changes.result is not None else None
        self.post_message(IngestReport(changes, manual, store))

    def _warm_store(self, result: LoadResult) -> Store:
        """In a worker: the store for a new collection, sorted as the list will ask."""
        with gc_pause.bulk():
            return Store(result.articles).warm(self.sort)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
            if event.is_forwarded and self._typed_into_search(event):
                return
        await super().on_event(event)

    def _typed_into_search(self, event: events.Key) -> bool:
        """A character typed right after / ("/Gulf" in one burst) reaches the widget
        that had focus when it arrived, the list, and comes back unused once the bar
        has focus: it goes into the bar, in the order typed, not to the app's keys."""
        focused = self.focused
        if not (event.is_printable and isinstance(focused, Input) and event.character):
            return False
        if focused.parent is not self.query_one(SearchBar):
            return False
        focused.insert_text_at_cursor(event.character)
        return True

    def _wait_for_quiet_keys(self) -> None:
        """In the background check's walk: step aside while keys are being pressed.

        A walk of 100,000 files is 1-2 s of Python in a thread; beside it every
        frame waits for the GIL (j took up to 80 ms instead of 40 during a check).
        """
        while time.monotonic() - self._last_key < KEYS_QUIET and self.is_running:
            time.sleep(KEYS_QUIET / 4)
        time.sleep(0)

    def action_rescan(self) -> None:
        self.check_folders(manual=True)

    def _schedule_check(self, last_seconds: float) -> None:
        # A check is a stat of every file: keep it under ~10% of one core.
        self.set_timer(max(WATCH_INTERVAL, 10 * last_seconds), self.check_folders, name="check")

    def regroup_stories(self, articles: list[Article]) -> None:
        """Group stories again, off the event loop, from a list nobody changes."""
        self._group_stories(articles, self.library.generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="stories", description="stories")
    def _group_stories(self, articles: list[Article], generation: int) -> None:
        self.post_message(StoriesReady(group_stories(articles), generation))

    @work(thread=True, exclusive=True, exit_on_error=False, group="search", description="search")
    def warm_search(self, articles: list[Article], generation: int) -> None:
        """Fold every article's text and index links off the event loop (~1 s per 100,000)."""
        from reader.query import SearchIndex

        with gc_pause.bulk():  # no collection rescans the index while it grows
            index = SearchIndex(articles)
            index.warm()
            links = Store.build_link_index(articles)
        self.post_message(SearchReady(index, links, generation))

    def _index_library(self, articles: list[Article]) -> None:
        self.regroup_stories(articles)
        self.warm_search(articles, self.library.generation)

    @on(IngestReport)
    def _ingest_report(self, message: IngestReport) -> None:
        event = message.event
        if isinstance(event, Progress):
            self._loading_progress(event)
        elif isinstance(event, Loaded):
            self._loaded(event, message.store)
        else:
            self._folders_checked(event, message.manual, message.store)

    def _loading_progress(self, event: Progress) -> None:
        self._progress = (event.done, event.total)
        if event.articles:
            self.store.add_many(event.articles)
            self.library.store_changed()
        # Refresh at most every REFRESH_DURING_LOAD seconds, and never spend more
        # than a fifth of the time refreshing: keys stay responsive while loading.
        now = time.monotonic()
        wait = max(REFRESH_DURING_LOAD, 5 * self._refresh_cost)
        if now - self._last_refresh >= wait or not self.article_list.articles:
            self._refresh_view()
            self._refresh_cost = time.monotonic() - now
        else:
            self._update_status()

    def _loaded(self, event: Loaded, store: Store | None = None) -> None:
        with gc_pause.bulk():  # until what it builds is frozen
            self._adopt_loaded(event, store)
            gc_pause.settle()

    def _adopt_loaded(self, event: Loaded, store: Store | None) -> None:
        self.result = event.result
        self.load_feed_rows()
        # Duplicates resolved late may have replaced earlier articles: rebuild from the result.
        self.library.set_store(store if store is not None else Store(event.result.articles))
        self.loading = False
        # A cached index not yet checked against the folders: the top line says so.
        self.checking = event.from_cache and not event.checked
        self.article_list.empty_text = "No articles here."
        self._refresh_view()
        self._finish_restore()
        if self.checking:
            # The cached index is shown; check it against the folders now, and group
            # stories and index search only after (they would slow the check down).
            self.check_folders()
        else:
            self._schedule_check(event.seconds)
            self._index_library(event.result.articles)

    def _folders_checked(self, changes: Changes, manual: bool, store: Store | None = None) -> None:
        if changes.result is not None:
            with gc_pause.bulk():  # until what it builds is frozen
                self.result = changes.result
                self.library.set_store(
                    store if store is not None else Store(changes.result.articles)
                )
                self._refresh_view()
                self._index_library(changes.result.articles)
                gc_pause.settle()
            if summary := changes.summary():
                self.notify(summary, title="Library", timeout=4)
        elif manual:
            self.notify("No changes in the seed folders.", timeout=2)
        if self.checking:  # the first check of a cached start
            self.checking = False
            self._update_status()
            if changes.result is None:
                self._index_library(self.result.articles)
        self._schedule_check(changes.seconds)

    @on(StoriesReady)
    def _stories_ready(self, message: StoriesReady) -> None:
        if message.generation != self.library.generation:
            return  # grouped from articles that have changed since; a newer one is coming
        self.library.stories = message.stories
        gc_pause.settle()
        if self.stories_mode:
            self._refresh_view()
        else:
            self.pages.invalidate()
            self.detail.article = None  # repaint: "Also covered by" is known now
            self._show_article(self.article_list.article)

    @on(SearchReady)
    def _search_ready(self, message: SearchReady) -> None:
        self.library.adopt_search_index(message.index, message.generation)
        if message.generation == self.library.generation:
            self.store.adopt_link_index(message.links)
            self.pages.invalidate()  # related stories found by a looser link now
        gc_pause.settle()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed is a bug: say so instead of failing silently."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            if event.worker.group == "load":
                self.loading = False
                self.article_list.empty_text = "Loading failed."
                self._update_status()
            self.notify(
                f"{event.worker.name or event.worker.group} failed: {error!r}",
                title="Internal error",
                severity="error",
                timeout=15,
            )

    # -- feeds ----------------------------------------------------------------

    def action_fetch_feeds(self) -> None:
        if not self.feeds_enabled:
            self.notify(
                "Feeds are read into the default library: run newsreader without a path.",
                timeout=4,
            )
            return
        if self.fetching is not None:
            self.notify("Already fetching feeds.", timeout=2)
            return
        self.fetching = (0, 0)
        self._update_status()
        self.fetch_feeds()

    @work(thread=True, exclusive=True, exit_on_error=False, group="fetch", description="fetch")
    def fetch_feeds(self) -> None:
        """Fetch every subscribed feed; the folder check then brings the articles in."""
        from reader.feeds.refresh import refresh  # feedparser: only when feeds are fetched
        from reader.feeds.subscriptions import FeedListError

        def progress(done: int, total: int, _result: object) -> None:
            self.post_message(FeedsProgress(done, total))

        try:
            results = refresh(feeds_list=self.feeds_list, progress=progress)
        except (FeedListError, OSError) as error:
            self.post_message(FeedsFetched([], str(error)))
            return
        self.post_message(FeedsFetched(results))

    @work(thread=True, exclusive=True, exit_on_error=False, group="fetch", description="fetch")
    def fetch_one_feed(self, url: str) -> None:
        """Fetch one subscribed feed (R on its sidebar row)."""
        from reader.feeds.refresh import fetch_feed
        from reader.feeds.subscriptions import FeedListError, find_feed, load_feeds, merge_results

        try:
            feed = find_feed(load_feeds(self.feeds_list), url)
            if feed is None:
                self.post_message(FeedsFetched([], f"Not subscribed any more: {url}"))
                return
            result = fetch_feed(feed)
            merge_results([result.feed], self.feeds_list)
        except (FeedListError, OSError) as error:
            self.post_message(FeedsFetched([], str(error)))
            return
        self.post_message(FeedsFetched([result]))

    @on(TopicSidebar.ReloadRequested)
    def _reload_feed(self, message: TopicSidebar.ReloadRequested) -> None:
        if self.fetching is not None:
            self.notify("Already fetching feeds.", timeout=2)
            return
        self.fetching = (0, 1)
        self._update_status()
        self.fetch_one_feed(message.url)

    def action_add_feed(self) -> None:
        if not self.feeds_enabled:
            self.notify(
                "Feeds are read into the default library: run newsreader without a path.",
                timeout=4,
            )
            return
        from reader.screens.feed_dialogs import AddFeedScreen

        def add(url: str | None) -> None:
            if url:
                self.notify(f"Checking {url} …", timeout=2)
                self.check_new_feed(url)

        self.push_screen(AddFeedScreen(), add)

    @work(thread=True, exclusive=False, exit_on_error=False, group="add_feed")
    def check_new_feed(self, text: str) -> None:
        """Fetch a feed once; subscribe only when it is one (else say why not)."""
        from reader.feeds.refresh import fetch_feed
        from reader.feeds.subscriptions import (
            Feed,
            FeedListError,
            add_feed,
            check_location,
            find_feed,
            load_feeds,
            merge_results,
        )

        try:
            url = check_location(text)
            if find_feed(load_feeds(self.feeds_list), url) is not None:
                raise FeedListError(f"already subscribed: {url}")
            result = fetch_feed(Feed(url=url))
            if result.failed:
                self.post_message(FeedChecked(url, None, result.error))
                return
            add_feed(url, path=self.feeds_list)
            merge_results([result.feed], self.feeds_list)
        except (FeedListError, OSError) as error:
            self.post_message(FeedChecked(text, None, str(error)))
            return
        self.post_message(FeedChecked(url, result))

    @on(FeedChecked)
    def _feed_checked(self, message: FeedChecked) -> None:
        if message.result is None:
            self.notify(
                f"Not subscribed: {message.error}", title="Feeds", severity="error", timeout=8
            )
            return
        self.notify(f"Subscribed: {message.result.describe()}", title="Feeds")
        self.load_feed_rows()
        self._update_sidebar()
        self.check_folders()

    @on(TopicSidebar.DeleteRequested)
    def _unsubscribe(self, message: TopicSidebar.DeleteRequested) -> None:
        if not isinstance(message.scope, FeedScope):
            return
        url = message.scope.url
        row = self.library.feed_of(url)
        name = row.name if row is not None else url
        count = len(self.library.feed_article_ids(url))
        from reader.screens.feed_dialogs import ConfirmScreen

        question = Text("Unsubscribe from ", style="bold")
        question.append(name)  # feed text: never markup
        question.append("?", style="bold")
        note = (
            f"Its {plural(count, 'article')} and their marks stay in the library; "
            f"'newsreader feed remove {url}' deletes them."
        )

        def answer(yes: bool | None) -> None:
            if yes:
                self.unsubscribe(url, name)

        self.push_screen(ConfirmScreen(question, note), answer)

    def unsubscribe(self, url: str, name: str) -> None:
        """Take a feed off the list; its fetched articles stay where they are."""
        from reader.feeds.subscriptions import FeedListError, load_feeds, save_feeds

        try:
            feeds = load_feeds(self.feeds_list)
            save_feeds([f for f in feeds if f.url != url], self.feeds_list)
        except (FeedListError, OSError) as error:
            self.notify(str(error), title="Feeds", severity="error", timeout=8)
            return
        if self.scope == FeedScope(url):
            self.scope = ALL
        self.load_feed_rows()
        self._update_sidebar()
        self.notify(f"Unsubscribed from {name}.", title="Feeds", timeout=4)

    def load_feed_rows(self) -> None:
        """The sidebar's feed rows from the feed list (a small JSON file)."""
        if not self.feeds_enabled:
            return
        from reader.feeds.subscriptions import FeedListError, load_feeds
        from reader.library import FeedRow

        try:
            feeds = load_feeds(self.feeds_list)
        except FeedListError:
            feeds = []
        root = paths.feeds_dir()
        self.library.set_feeds(
            [FeedRow(f.url, f.title or f.url, str(root / f.folder), f.last_error) for f in feeds]
        )

    @on(FeedsProgress)
    def _feeds_progress(self, message: FeedsProgress) -> None:
        self.fetching = (message.done, message.total)
        self._update_status()

    @on(FeedsFetched)
    def _feeds_fetched(self, message: FeedsFetched) -> None:
        self.fetching = None
        self._update_status()
        if message.error:
            self.notify(message.error, title="Feeds", severity="error", timeout=8)
            return
        results = message.results
        if not results:
            self.notify("No feeds yet: add one with 'newsreader feed add URL'.", timeout=5)
            return
        from reader.feeds.refresh import failure_lines, summary

        self.feed_failures = failure_lines(results)
        self.load_feed_rows()  # their errors (!) and titles
        self._update_sidebar()
        self._update_status()  # the top line keeps saying so after the toast
        unsaved = any(r.unsaved for r in results)
        severity = "error" if unsaved else "warning" if self.feed_failures else "information"
        self.notify(summary(results), title="Feeds", severity=severity)
        self.check_folders()  # the new files come in through the one ingest path

    # -- the view -----------------------------------------------------------

    @property
    def store(self) -> Store:
        return self.library.store

    @property
    def stories(self) -> Stories | None:
        return self.library.stories

    def view_spec(self) -> ViewSpec:
        return ViewSpec(
            scope=self.scope,
            sort=self.sort,
            hide_read=self.hide_read,
            stories=self.stories_mode,
            search=self.search,
            keep_id=self._sticky_id,
            text_matches=self._text_matches,
        )

    def current_articles(self) -> list[Article]:
        """The list as it should be now: entry, sort, search, hide-read, stories."""
        return self.library.articles(self.view_spec())

    def story_badge(self, article: Article) -> str:
        return self.library.story_badge(article, self.view_spec())

    def _refresh_view(self, keep_id: str | None = None, *, counts: bool = True) -> None:
        """Rebuild the list; ``counts=False`` when the sidebar's counts cannot have changed."""
        self._last_refresh = time.monotonic()
        self.article_list.set_articles(self.current_articles(), keep_id)
        if counts:
            self._update_sidebar()
        else:
            self.sidebar.select(self.scope)
        self._update_status()
        if self.article_list.article is None:
            self._show_article(None)

    def _update_sidebar(self) -> None:
        self.sidebar.set_entries(self.library.sidebar(self.stories_mode), self.scope)

    def _update_status(self) -> None:
        by_story = self.view_spec().story_rows
        unread, total = self.library.counts(self.article_list.articles, by_story)
        status = StatusLine(
            label=self.library.label(self.scope),
            sort=self.sort,
            unread=unread,
            total=total,
            by_story=by_story,
            hide_read=self.hide_read,
            query=self.query_text,
            checking=self.checking,
            fetching=self.fetching,
            loading=self._progress if self.loading else None,
            skipped=len(self.result.problems),
            hidden=len(self.result.hidden),
            feeds_failed=len(self.feed_failures),
        )
        self.query_one(StatusBar).show(status)

    # -- reactions ----------------------------------------------------------

    def watch_sort(self) -> None:
        self._refresh_view(counts=False)

    def watch_scope(self) -> None:
        self._refresh_view(counts=False)

    def watch_stories_mode(self) -> None:
        self._refresh_view()

    def watch_hide_read(self) -> None:
        current = self.article_list.article
        self._sticky_id = current.id if current else None
        self._refresh_view()

    @on(TopicSidebar.Selected)
    def _topic_selected(self, message: TopicSidebar.Selected) -> None:
        # The sidebar's highlight now, not the message's: later moves may have overtaken it.
        self._settle_scope()

    def _settle_scope(self) -> None:
        """Show the sidebar entry the user moved to, if its news is still queued."""
        sidebar = self._sidebar
        pending = sidebar.pending_scope if sidebar is not None else None
        if sidebar is None or pending is None:
            return
        if pending != self.scope:
            self.scope = pending  # watch_scope tells the sidebar it is shown
        else:
            sidebar.select(pending)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key, click and command acts on the view the user sees: sidebar moves
        typed just before (j j j A) are applied first, not read from a stale scope."""
        if default_namespace is None or default_namespace is not self._sidebar:
            self._settle_scope()
        return await super().run_action(action, default_namespace, namespaces)

    @on(TopicSidebar.Entered)
    def _topic_entered(self) -> None:
        self.article_list.focus()

    def _article_highlighted(self, article: Article | None, by_user: bool) -> None:
        """The list's cursor moved (called inside the move: see ArticleList)."""
        self._current_id = article.id if article else None
        self.dwell.moved(article.id if article else None, by_user)
        self.fetch_rest.moved(article.id if article else None, by_user)
        # Holding j: the list moves at once, the detail (reading the seed file,
        # wrapping its text: the costly part of a step) follows when the cursor pauses.
        now = time.monotonic()
        rapid = now - self._last_highlight < self.detail_debounce
        self._last_highlight = now
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if rapid:
            self._detail_timer = self.set_timer(self.detail_debounce, self._show_highlighted)
        else:
            self._show_article(article)
        left = self._sticky_id
        if article is not None and left != article.id:
            self._sticky_id = article.id
            if self.hide_read and left is not None and self.is_read(left):
                self._refresh_view(article.id)  # the read article we left drops out

    @on(ArticleList.Opened)
    def _article_opened(self, message: ArticleList.Opened) -> None:
        if self.story_badge(message.article):
            self.open_story(message.article)
        else:
            self.open_article(message.article)

    def open_story(self, lead: Article) -> None:
        """Enter on a story in the stories view: list its articles (Esc returns)."""
        self.history.append(Place(self.scope, lead.id))
        self.scope = Story(lead.id)

    @on(DetailPane.RelatedChosen)
    def _related_chosen(self, message: DetailPane.RelatedChosen) -> None:
        current = self.article_list.article
        self.history.append(Place(self.scope, current.id if current else None))
        if message.article is not None:
            self.go_to_article(message.article)
        else:
            self.detail.show_related(message.related)
            self._show_picture(None)
            self.detail.focus_body()

    def open_article(self, article: Article) -> None:
        """Enter on an article: show it, mark it read, move into the detail pane."""
        if self.full_text_mode != "manual":
            self._opened_ids.add(article.id)
            self.detail.article = None  # shown again, with its full text
        self._show_article(article)
        if self.full_text_mode == "read-ahead":
            self._read_ahead_texts(article)
        self.mark_read(article)
        self.detail.focus_body()

    def go_to_article(self, article: Article) -> None:
        """Select an article in the list and the detail; when the view hides it, switch
        to All, then to its story (stories view), and clear a search it does not match."""
        if not self.article_list.select_id(article.id):
            self._sticky_id = article.id  # shown even when read and read articles are hidden
            scope, search = self._view_showing(article)
            if search is None and self.search is not None:
                self.query_one(SearchBar).close()
                self.apply_query("")
                self.notify(f"Cleared the search: it hides “{article.title}”.", timeout=4)
            if scope != self.scope:
                self.scope = scope
            self.article_list.set_articles(self.current_articles(), article.id)
            if not self.article_list.select_id(article.id):
                self.notify(f"“{article.title}” is not in this view.", timeout=4)
        self.detail.article = None  # the detail follows the list, whatever it showed
        self._show_article(article)
        self.dwell.start(article.id)  # the user chose it: reading starts
        self.article_list.focus()

    def _view_showing(self, article: Article) -> tuple[Scope, Query | None]:
        """The first of All, then its story (stories view), with the search and then
        without, whose list holds ``article``."""
        spec = self.view_spec()
        scopes: list[Scope] = [ALL]
        if self.stories_mode:
            scopes.append(Story(self.library.story_of(article).lead.id))
        searches = [self.search, None] if self.search is not None else [None]
        for search in searches:
            for scope in scopes:
                view = replace(spec, scope=scope, search=search, keep_id=article.id)
                if any(a.id == article.id for a in self.library.articles(view)):
                    return scope, search
        return ALL, None

    def _show_article(self, article: Article | None) -> None:
        if not self.screen.is_attached or not self.screen.query(DetailPane):
            return  # a late message while the app shuts down
        if article is None:
            message = "Loading…" if self.loading else "No article selected."
            self.detail.show_empty(message)
            self._show_picture(None)
            return
        if self.detail.article is article and self.detail.related_shown is None:
            return
        wants_full = self.wants_full_text(article)
        if wants_full and article.id not in self._fetching and self.texts.get(article.id) is None:
            self.fetch_full_text(article)
        full, full_key = self._full_of(article)
        self.detail.show_page(article, self.pages.page(article, full, full_key))
        self._show_picture(self.pages.details.get(article))
        # Read ahead once this frame is on screen: a worker parsing YAML beside
        # the frame would hold the GIL while the frame is drawn.
        self.call_after_refresh(self._prefetch_around, article)

    def _prefetch_around(self, article: Article | None) -> None:
        """Read and lay out the next few articles ahead of the keys, off the event loop."""
        articles = self.article_list.articles
        cursor = self.article_list.cursor
        if not (0 <= cursor < len(articles)) or articles[cursor] is not article:
            return
        size = self.detail.size
        plan = self.pages.plan(articles, cursor, (size.width, size.height), self._full_of)
        if plan.read:
            self.read_details(plan.read)
        if plan.build:
            self.build_pages(plan.build)

    @work(thread=True, exclusive=True, exit_on_error=False, group="details", description="details")
    def read_details(self, articles: tuple[Article, ...]) -> None:
        """The files next to the cursor, read ahead (frozen articles in, details out)."""
        worker = get_current_worker()
        details = detail_pages.read_details(articles, lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(DetailsRead(details))

    @work(thread=True, exclusive=True, exit_on_error=False, group="pages", description="pages")
    def build_pages(self, jobs: tuple[PageJob, ...]) -> None:
        """The pages next to the cursor, laid out ahead: a j paints lines made already."""
        worker = get_current_worker()
        pages = detail_pages.build_pages(jobs, lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(PagesBuilt(pages))

    @on(DetailsRead)
    def _details_read(self, message: DetailsRead) -> None:
        self.pages.adopt_details(message.details)
        if self.pictures is not None:
            urls = [d.images[0].url for _a, d in message.details if d.images]
            self.query_one(ArticlePicture).prefetch(urls)
        self._prefetch_around(self.article_list.article)  # their pages next

    @on(PagesBuilt)
    def _pages_built(self, message: PagesBuilt) -> None:
        self.pages.adopt_pages(message.pages)

    # -- full text ------------------------------------------------------------

    def wants_full_text(self, article: Article) -> bool:
        """Whether the detail shows ``article``'s full text rather than its excerpt."""
        if article.id in self._excerpt_ids:
            return False
        if article.id in self._full_ids:
            return True
        if self.full_text_mode == "manual":
            return False
        return article.id in self._opened_ids or self.texts.has_text(article.id)

    def check_rest(self) -> None:
        """on-open and read-ahead: fetch the text of the article the cursor rests on."""
        article_id = self.fetch_rest.due()
        article = self.store.get(article_id) if article_id is not None else None
        if article is None or article.id in self._excerpt_ids:
            return
        self._opened_ids.add(article.id)
        if self.texts.get(article.id) is None:
            self.fetch_full_text(article)
        if self.full_text_mode == "read-ahead":
            self._read_ahead_texts(article)
        self._reshow(article)

    def _full_of(self, article: Article) -> tuple[FullTextView | None, tuple[int, bool] | None]:
        """What the detail shows in place of ``article``'s excerpt, and its part of the page key."""
        if not self.wants_full_text(article):
            return None, None
        fetching = frozenset(self._fetching)
        key = (self.texts.generation, article.id in fetching)
        return self._full_view(article.id, fetching), key

    def _full_view(self, article_id: str, fetching: frozenset[str]) -> FullTextView:
        """What the pane says in place of the excerpt (reads the articles db: any thread)."""
        stored = self.texts.get(article_id)
        if stored is not None and stored.document is not None:
            return FullTextView(document=stored.document)
        if article_id in fetching:
            return FullTextView(fetching=True)
        if stored is not None:
            return FullTextView(error=stored.error or "the page could not be read")
        return FullTextView(fetching=True)  # a fetch is being started

    def action_toggle_full_text(self) -> None:
        article = self.detail.article or self.article_list.article
        if article is None:
            self.notify("No article selected.", timeout=2)
            return
        if self.wants_full_text(article):
            self._full_ids.discard(article.id)
            self._excerpt_ids.add(article.id)
        else:
            self._excerpt_ids.discard(article.id)
            self._full_ids.add(article.id)
            stored = self.texts.get(article.id)
            if stored is not None and stored.document is None:
                self.fetch_full_text(article)  # it failed before: t tries again
        self._reshow(article)

    def _reshow(self, article: Article) -> None:
        if self.detail.article is not None and self.detail.article.id == article.id:
            self.detail.article = None
            self._show_article(article)

    def fetch_full_text(self, article: Article) -> None:
        if article.id in self._fetching or not article.url:
            if not article.url:
                self.texts.put_failure(article.id, "", "failed", "the article has no link")
            return
        self._fetching.add(article.id)
        self._fetch_full_text(article)

    @work(thread=True, exclusive=False, exit_on_error=False, group="fulltext",
          description="full text")  # fmt: skip
    def _fetch_full_text(self, article: Article) -> None:
        from reader.fulltext.batch import fetch_and_store

        outcome = fetch_and_store(article, self.texts)
        self.post_message(FullTextFetched(article, outcome.error))

    @on(FullTextFetched)
    def _full_text_fetched(self, message: FullTextFetched) -> None:
        self._fetching.discard(message.article.id)
        self._reshow(message.article)
        if self.search is not None and self._text_matches is not None:
            self._text_matches = self._search_texts(self.search)  # the new text may match

    def _read_ahead_texts(self, article: Article) -> None:
        """read-ahead: fetch the next few articles' texts in the background, a few at a time."""
        articles = self.article_list.articles
        try:
            start = articles.index(article)
        except ValueError:
            return
        for following in articles[start + 1 : start + 4]:
            if len(self._fetching) >= 3:
                return
            if self.texts.get(following.id) is None:
                self.fetch_full_text(following)

    def _show_picture(self, detail: ArticleDetail | None) -> None:
        """The article's lead picture above its text; it follows the text (a worker)."""
        if self.pictures is not None:
            url = detail.images[0].url if detail is not None and detail.images else None
            self.query_one(ArticlePicture).show(url)

    # -- search -------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one(SearchBar).open(self.query_text)

    def apply_query(self, text: str) -> bool:
        """Filter by ``text``; on a bad query say why and keep the last good results."""
        from reader.query import QueryError, highlight_spans, parse

        bar = self.query_one(SearchBar)
        try:
            query = parse(text)
        except QueryError as error:
            bar.show_error(f"{error.message} (at character {error.position + 1})")
            return False
        bar.show_error(None)
        self.query_text = text.strip()
        self.search = query if self.query_text else None
        self._text_matches = self._search_texts(query) if self.search else None
        terms = query.highlight_terms if self.search else ()
        highlighter = (lambda value: highlight_spans(value, terms)) if terms else None
        self.article_list.highlighter = highlighter
        self.detail.highlighter = highlighter
        self.pages.highlight(tuple(terms), highlighter)
        self.detail.article = None  # repaint the detail with the new highlights
        self._refresh_view(counts=False)
        self._show_article(self.article_list.article)
        return True

    def _search_texts(self, query: Query) -> Mapping[str, frozenset[str]] | None:
        """The full texts' part of a search: the words whose answer is at hand now, the
        others looked up by a worker, whose answer adds its matches to the list. None
        (ask at once) for a text: query, which would show nothing without its texts."""
        if query.asks_text_field:
            return None
        values = query.text_values
        if not self.texts.stored_ids():
            return dict.fromkeys(values, frozenset())  # no texts: nothing to look up
        known = self.texts.known(values)
        missing = [value for value in values if value not in known]
        if missing:  # after this frame: the worker's SQLite would slow its painting
            self.call_after_refresh(self.find_in_texts, query, missing)
        return known

    @work(thread=True, exclusive=True, exit_on_error=False, group="text-search",
          description="text search")  # fmt: skip
    def find_in_texts(self, query: Query, values: list[str]) -> None:
        """Look the search's words up in the full texts, off the event loop."""
        worker = get_current_worker()
        generation = self.texts.generation
        found = self.texts.look_up(values, lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(TextsFound(query, found, generation))

    @on(TextsFound)
    def _texts_found(self, message: TextsFound) -> None:
        if message.query is not self.search or self._text_matches is None:
            return  # an earlier keystroke's answer: a later search is shown
        if message.generation != self.texts.generation:
            self._text_matches = self._search_texts(message.query)  # a text came meanwhile
            return
        self._text_matches = {**self._text_matches, **message.found}
        current = self.article_list.article
        self._refresh_view(current.id if current else None, counts=False)  # it only grows

    @on(SearchBar.Changed)
    def _search_changed(self, message: SearchBar.Changed) -> None:
        self.apply_query(message.query)

    @on(SearchBar.Submitted)
    def _search_submitted(self, message: SearchBar.Submitted) -> None:
        if self.apply_query(message.query):
            self.query_one(SearchBar).close()
            self.article_list.focus()

    @on(SearchBar.Cancelled)
    def _search_cancelled(self) -> None:
        self.clear_search()

    def clear_search(self) -> None:
        self.query_one(SearchBar).close()
        self.apply_query("")
        self.article_list.focus()

    def action_save_search(self) -> None:
        if not self.query_text:
            self.notify("Search first (/), then save the search.", timeout=3)
            return
        query, covers = self.library.scoped_search(self.scope, self.query_text)

        def save(name: str | None) -> None:
            if name:
                self.state.save_search(name, query)
                self.library.forget_saved_search(name)
                self._warn_state()
                self._update_sidebar()
                self.notify(f"Saved search “{name}” in the sidebar.", timeout=3)

        from reader.screens.save_search import SaveSearchScreen

        self.push_screen(SaveSearchScreen(query, covers, self.query_text), save)

    @on(TopicSidebar.DeleteRequested)
    def _delete_saved_search(self, message: TopicSidebar.DeleteRequested) -> None:
        if isinstance(message.scope, SavedSearch):
            name = message.scope.name
            self.state.delete_search(name)
            self.library.forget_saved_search(name)
            if self.scope == message.scope:
                self.scope = ALL
            self._update_sidebar()
            self.notify(f"Deleted saved search “{name}”.", timeout=3)

    # -- actions ------------------------------------------------------------

    def action_toggle_read(self) -> None:
        article = self.article_list.article
        if article is None:
            return
        self.dwell.stop()  # an explicit choice overrides the dwell timer
        self.state.mark_read(self.row_ids(article), not self.row_is_read(article))
        self._marks_changed()

    def action_toggle_star(self) -> None:
        article = self.article_list.article
        if article is not None:
            self.state.set_starred(self.row_ids(article), not self.row_is_starred(article))
            self._marks_changed()

    def action_tag(self) -> None:
        article = self.article_list.article
        if article is None:
            return
        known = list(self.state.tag_counts())

        def tagged(tag: str | None) -> None:
            if not tag:
                return
            # The name as already spelled, if it is in use in another case.
            tag = next((name for name in known if name.casefold() == tag.casefold()), tag)
            present = tag not in self.state.tags_of(article.id)
            self.state.set_tag([article.id], tag, present)
            verb = "Tagged" if present else "Took the tag off"
            self.notify(f"{verb} “{tag}”.", timeout=2)
            if not present and self.scope == Tag(tag) and not self.state.tagged(tag):
                self.scope = ALL
            self._marks_changed()
            self._update_sidebar()

        from reader.screens.tag import TagScreen

        tags = sorted(self.state.tags_of(article.id), key=str.casefold)
        self.push_screen(TagScreen(article.title, tags, known), tagged)

    def action_mark_all_read(self) -> None:
        articles = self.article_list.articles
        if not articles:
            self.notify("No articles here to mark read.", timeout=2)
            return
        ids = [i for article in articles for i in self.row_ids(article)]
        change = self.state.mark_read(ids)
        if change:
            self.notify(f"Marked {plural(len(change), 'article')} read. u undoes.", timeout=3)
        else:
            self.notify("Every article here is read already.", timeout=2)
        self._marks_changed()

    def action_undo(self) -> None:
        change = self.state.undo()
        if change is None:
            self.notify("Nothing to undo.", timeout=2)
            return
        self.dwell.stop()
        self.notify(f"Undid: {change.label}", timeout=3)
        self._marks_changed()

    def _target_link(self) -> tuple[str, Article | None]:
        """The link the user means: the highlighted related story when the detail has focus."""
        if self.focused is self.detail:
            entry = self.detail.highlighted_related
            if entry is not None:
                return entry.related.url, entry.article
        if self.detail.related_shown is not None:
            return self.detail.related_shown.url, None
        article = self.article_list.article
        return (article.url, article) if article else ("", None)

    def _notice_url(self, url: str) -> str:
        """A link for a notice's line of its own: cut to fit it, so the notice never
        wraps inside the link (a notice is 60 cells at most and half the screen, less
        its border and padding)."""
        return short_url(url, max(20, min(60, self.size.width // 2) - 4))

    def _say_no_link(self) -> None:
        if self.article_list.article is None:
            self.notify("No article selected.", timeout=2)
        else:
            self.notify("This article has no link.", severity="warning", timeout=3)

    def _full_text_links(self) -> tuple[Article, list[Link]] | None:
        """The shown full text's numbered links, unless a related story is what is meant."""
        article = self.detail.article
        if article is None or self.detail.related_shown is not None:
            return None
        if self.focused is self.detail and self.detail.highlighted_related is not None:
            return None
        if not self.wants_full_text(article):
            return None
        stored = self.texts.get(article.id)
        if stored is None or stored.document is None or not stored.document.links:
            return None
        return article, list(stored.document.links)

    def action_open_link(self) -> None:
        chooser = self._full_text_links()
        if chooser is not None:
            article, links = chooser
            from reader.screens.links import LinkChooser

            def chosen(url: str | None) -> None:
                if url:
                    self._open_url(url, article)

            self.push_screen(LinkChooser("Open", article.url, links), chosen)
            return
        self._open_url(*self._target_link())

    def _open_url(self, url: str, article: Article | None) -> None:
        if not url:
            self._say_no_link()
            return
        if not is_web_url(url):
            self.notify(
                "Not opening this link: only http and https links are opened.\n"
                + self._notice_url(url),
                severity="warning",
                timeout=5,
            )
            return
        from reader import browser

        if self.is_web:
            self.open_url(url)  # textual-serve: the user's own browser opens it
        elif not browser.open_in_browser(url):
            self.notify(
                f"Not opened:\n{self._notice_url(url)}\n{browser.NO_BROWSER_HELP}",
                title="No browser",
                severity="warning",
                timeout=10,
            )
            return
        self.notify(f"Opened in the browser:\n{self._notice_url(url)}", timeout=3)
        if article is not None:
            self.mark_read(article)

    def action_pipe(self) -> None:
        article = self.article_list.article
        if article is None:
            return
        from reader.screens.pipe import PipeScreen

        last = self.state.get_setting("pipe_command", "")

        def run(command: str | None) -> None:
            if not command:
                return
            if not self.state.readonly:
                self.state.set_setting("pipe_command", command)
            self.notify(f"Piping to {command} …", timeout=2)
            self.pipe_article(command, article)

        self.push_screen(PipeScreen(article.title, last if isinstance(last, str) else ""), run)

    @work(thread=True, exclusive=False, exit_on_error=False, group="pipe", description="pipe")
    def pipe_article(self, command: str, article: Article) -> None:
        """Run the command off the event loop; it is never waited on by the screen."""
        from reader.handoff import run_pipe

        body = self._handoff_body(article)
        self.post_message(CommandDone(run_pipe(command, article, body)))

    def action_run_command(self, name: str) -> None:
        article = self.article_list.article
        template = self.commands.get(name)
        if article is None or template is None:
            return
        self.notify(f"Running {name} …", timeout=2)
        self.run_named_command(name, template, article)

    @work(thread=True, exclusive=False, exit_on_error=False, group="pipe", description="command")
    def run_named_command(self, name: str, template: str, article: Article) -> None:
        """Like the pipe: off the event loop, never waited on by the screen."""
        from reader.handoff import run_command

        body = self._handoff_body(article)
        self.post_message(CommandDone(run_command(name, template, article, body)))

    def _handoff_body(self, article: Article) -> str:
        """The full text when one is stored, else the file's body ("" : the excerpt)."""
        stored = self.texts.get(article.id)
        if stored is not None and stored.plain:
            return stored.plain
        try:
            return load_detail(article).body
        except OSError:
            return ""

    def action_save_markdown(self) -> None:
        article = self.article_list.article
        if article is None:
            return
        from reader import paths
        from reader.handoff import save_markdown

        folder = self.save_folder or paths.saved_dir()
        body = self._handoff_body(article)
        try:
            path = save_markdown(article, folder, body)
        except OSError as error:
            self.notify(
                f"Not saved: {folder} cannot be written ({error.strerror or error}).",
                severity="error",
                timeout=6,
            )
            return
        self.notify(f"Saved as Markdown:\n{path}", timeout=5)

    @on(CommandDone)
    def _command_done(self, message: CommandDone) -> None:
        outcome = message.outcome
        failed = bool(outcome.error) or outcome.status not in (0, None)
        self.notify(
            outcome.describe(),
            title="Command",
            severity="error" if failed else "information",
            timeout=6,
        )

    def action_copy_link(self) -> None:
        chooser = self._full_text_links()
        if chooser is not None:
            article, links = chooser
            from reader.screens.links import LinkChooser

            def chosen(url: str | None) -> None:
                if url:
                    self._copy_url(url)

            self.push_screen(LinkChooser("Copy", article.url, links), chosen)
            return
        self._copy_url(self._target_link()[0])

    def _copy_url(self, url: str) -> None:
        if not url:
            self._say_no_link()
            return
        self.copy_to_clipboard(url)
        # OSC 52 has no reply: a terminal that ignores it cannot say so.
        self.notify(
            "Sent the link to the terminal's clipboard (OSC 52):\n"
            f"{self._notice_url(url)}\n"
            "Some terminals ignore OSC 52; then nothing was copied.",
            timeout=5,
        )
        self.copy_with_tool(url)

    @work(thread=True, exclusive=True, exit_on_error=False, group="clipboard")
    def copy_with_tool(self, text: str) -> None:
        """Also a real clipboard tool (wl-copy, xclip, pbcopy) when there is one."""
        from reader.handoff import copy_with_tool

        name = copy_with_tool(text)
        if name is not None:
            self.call_from_thread(self.notify, f"Copied the link with {name} too.", timeout=3)

    def action_toggle_stories(self) -> None:
        if self.stories is None:
            self.notify("Stories are grouped once loading finishes.", timeout=2)
            return
        if isinstance(self.scope, Story):
            self.scope = ALL
        self.stories_mode = not self.stories_mode
        self.notify("Stories view" if self.stories_mode else "Articles view", timeout=1.5)

    def action_toggle_hide_read(self) -> None:
        self.hide_read = not self.hide_read
        self.notify(
            "Read articles hidden" if self.hide_read else "Read articles shown", timeout=1.5
        )

    def action_next_unread(self) -> None:
        self._jump_unread(+1)

    def action_previous_unread(self) -> None:
        self._jump_unread(-1)

    def _jump_unread(self, step: int) -> None:
        articles = self.article_list.articles
        index = self.article_list.cursor + step
        while 0 <= index < len(articles):
            if not self.row_is_read(articles[index]):
                self.article_list.move_to(index)  # n/N: the user's move
                return
            index += step
        self.notify("No more unread articles " + ("below." if step > 0 else "above."), timeout=2)

    def action_toggle_sort(self) -> None:
        self.sort = "quality" if self.sort == "date" else "date"
        self.notify(f"Sorted by {self.sort}", timeout=1.5)

    async def action_back(self) -> None:  # App.action_back is a coroutine
        if self.detail.related_shown is not None and not self.history:
            self._show_article(self.article_list.article)
            return
        if self.history:
            place = self.history.pop()
            if place.scope != self.scope:
                self.scope = place.scope
            if place.article_id:
                self.article_list.set_articles(self.current_articles(), place.article_id)
            self.detail.article = None
            self._show_article(self.article_list.article)
            self.article_list.focus()
            return
        if self.focused is not self.article_list:
            self.article_list.focus()
        elif self.query_text:
            self.clear_search()

    def action_help_quit(self) -> None:
        """Ctrl+C: say which key quits (Textual's own notice is markup, shown raw here)."""
        keys = [
            key
            for key, active in self.active_bindings.items()
            if active.binding.action in ("quit", "app.quit")
        ]
        keys.sort(key=lambda key: "+" in key)  # q before Ctrl+Q
        if keys:
            labels = " or ".join(bindings.key_label(key) for key in keys)
            self.notify(f"Press {labels} to quit.", title="Do you want to quit?")

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        self.push_screen(HelpScreen(bindings.help_rows(self.keymap)))

    def action_problems(self) -> None:
        result = self.result
        if not (result.problems or result.ignored or result.duplicates or self.feed_failures):
            self.notify("Every file was read.", timeout=2)
            return
        from reader.feeds.subscriptions import describe_duplicate, feed_names
        from reader.screens.problems import ProblemsScreen

        names = feed_names(self.feeds_list) if self.feeds_enabled else {}
        duplicates = [
            describe_duplicate(self._title_of(d.id), d.path, d.kept_path, names)
            for d in result.duplicates
        ]
        self.push_screen(
            ProblemsScreen(result.problems, result.ignored, duplicates, self.feed_failures)
        )

    def _title_of(self, article_id: str) -> str:
        article = self.store.get(article_id)
        return article.title if article is not None else article_id

    # -- bindings as data (reader.bindings) ---------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands, then ours: generated from the binding table. Not
        Textual's "Keys" panel: one help, ours (?), lists every key."""
        own_help = (self.action_show_help_panel, self.action_hide_help_panel)
        for system in super().get_system_commands(screen):
            if system.callback not in own_help:
                yield system
        targets = {"app": self, "list": self.article_list, "sidebar": self.sidebar}
        for binding in bindings.TABLE:
            if binding.palette:
                target = targets[binding.pane]
                run = partial(self.run_action, binding.action, target)
                yield SystemCommand(binding.palette, binding.help, run)
        for name, template in self.commands.items():
            named = bindings.command_binding(name)
            yield SystemCommand(named.palette, template, partial(self.run_action, named.action))
        for command in bindings.PALETTE_ONLY:
            yield SystemCommand(
                command.title, command.help, partial(self.run_action, command.action)
            )

    def action_clear_search(self) -> None:
        self.clear_search()

    def action_focus_topics(self) -> None:
        if not self.sidebar.display:
            self.notify("The topics are hidden under 60 columns: widen the terminal.", timeout=3)
            return
        self.sidebar.focus()

    def _layout_refreshed(self, _screen: Screen) -> None:
        """A narrower terminal hid the sidebar: keys must not move in it unseen."""
        if self.focused is self.sidebar and not self.sidebar.display:
            self.article_list.focus()

    def action_focus_articles(self) -> None:
        self.article_list.focus()


def make_app(
    seed_paths: Sequence[Path],
    *,
    now: Callable[[], datetime] | None = None,
    tz: tzinfo | None = None,
    load_workers: int | None = None,
    state: UserState | None = None,
    state_path: Path | None = None,
    dwell: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    mark_story_read: bool | None = None,
    config: Config | None = None,
    notes: Sequence[str] = (),
    use_cache: bool = True,
    optional_paths: Sequence[Path] = (),
    feeds_list: Path | None = None,
    pictures: PictureSetup | None = None,
    full_text: str | None = None,
    texts_path: Path | None = None,
) -> NewsReaderApp:
    """The one factory for the app: the CLI, the Pilot tests and the snapshots use it.

    ``state_path`` defaults to the database in the user's data dir; ``config``
    gives the defaults (sort, hide-read, dwell, theme, keymap), explicit
    arguments win over it. ``notes`` are shown once at start (config problems).
    ``pictures`` (from ``reader.widgets.picture.detect``, before the app runs)
    turns the article's picture on; without it nothing is fetched.
    """
    config = config or Config()
    cache = IndexCache([*seed_paths, *optional_paths]) if use_cache else None
    hide = None
    if config.hide:
        from reader.query.hide import HideRules  # only with hide rules: the search loads later

        hide = HideRules.parse(config.hide)
    ingest = Ingest(
        seed_paths, cache=cache, workers=load_workers, optional=optional_paths, hide=hide
    )
    app = NewsReaderApp(
        ingest,
        now=now or (lambda: datetime.now(UTC)),
        tz=tz,
        state=state if state is not None else UserState(state_path),
        dwell=config.dwell_seconds if dwell is None else dwell,
        clock=clock,
        mark_story_read=config.mark_story_read if mark_story_read is None else mark_story_read,
        full_text=config.full_text if full_text is None else full_text,
        texts=TextStore(texts_path),
    )
    app.config_theme = config.theme
    # Fetched feeds are part of the default library (their folder is optional).
    app.feeds_enabled = bool(optional_paths) or feeds_list is not None
    app.feeds_list = feeds_list
    app.fetch_interval = config.fetch_interval_minutes * 60
    app.keymap = dict(config.keymap)
    app.save_folder = config.save_folder
    app.commands = dict(config.commands)
    app.notes = list(notes)
    app.pictures = pictures
    app.set_reactive(NewsReaderApp.sort, config.sort)
    app.set_reactive(NewsReaderApp.hide_read, config.hide_read)
    return app
