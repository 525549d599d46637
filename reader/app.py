"""NewsReaderApp: composes the screen and routes messages and actions.

Widgets post messages up and keys arrive as actions; the app routes each to
the object that owns the state it changes (``reader.tui``), which asks the
Textual-free core (``reader.library``, ``reader.status``) and passes the
answers down to the widgets. What it routes to:

- ``view`` (reader.tui.view_state): search, sticky article, history, the saved view;
  the four values the screen reacts to stay reactives here;
- ``dwell`` (reader.tui.dwell): marking read after the article stayed in view;
- ``pages`` (reader.tui.detail_pages): the detail pages, built ahead in workers;
- ``library_loading`` (reader.tui.loading): loading and watching the folders, the front page;
- ``reading`` (reader.tui.reading): the list, the cursor, the detail, moving about;
- ``marks``, ``feeds``, ``handoff``, ``full_texts``, ``search`` (reader.tui.*): the
  families of actions, each with the state only it needs.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from reader import bindings
from reader.cache import IndexCache
from reader.config import Config
from reader.fulltext.storage import TextStore
from reader.ingest import Ingest
from reader.library import Library
from reader.model import Article
from reader.scan_apart import WalkApart
from reader.scope import ALL, Scope
from reader.state import UserState
from reader.store import Sort, Store
from reader.stories import Stories, group_stories
from reader.tui import palette
from reader.tui.detail_pages import DetailPages
from reader.tui.dwell import DwellTracker
from reader.tui.feeds import FeedActions
from reader.tui.first_paint import FirstPaint
from reader.tui.full_text import FullTexts
from reader.tui.handoff import HandoffActions
from reader.tui.loading import LibraryLoading
from reader.tui.marks import MarkActions
from reader.tui.messages import (
    CommandDone,
    FeedChecked,
    FeedsFetched,
    FeedsProgress,
    FullTextFetched,
    IngestReport,
    SearchReady,
    StoriesReady,
    TextsFound,
)
from reader.tui.reading import Reading
from reader.tui.search import SearchActions
from reader.tui.view_state import View, ViewState
from reader.widgets.article_list import ArticleList
from reader.widgets.detail_pane import DetailPane
from reader.widgets.footer import KeysFooter
from reader.widgets.keys import bindings_for
from reader.widgets.picture import ArticlePicture, PictureSetup, ReadingColumn
from reader.widgets.search_bar import SearchBar
from reader.widgets.status_bar import StatusBar
from reader.widgets.topic_sidebar import TopicSidebar

if TYPE_CHECKING:
    from textual.actions import ActionParseResult
    from textual.dom import DOMNode

# The search language, the screens, the feeds and the browser are imported where
# they are used: they are not needed for the first paint (~20 ms of imports at start).

DWELL_CHECK = 0.25  # seconds between checks of how long an article has been shown
STATE_POLL = 2.0  # seconds between looks for marks made by another instance
DETAIL_DEBOUNCE = 0.08  # seconds: cursor steps closer than this defer the detail
# A cached index this small (~800 articles) is read and checked before the first
# paint, a few milliseconds: the first screen is the library, not "loading".
QUICK_START_BYTES = 512 * 1024


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
        config: Config | None = None,
        clock: Callable[[], float] = time.monotonic,
        texts: TextStore | None = None,
        notes: Sequence[str] = (),
        feeds_enabled: bool = False,
        feeds_list: Path | None = None,
        pictures: PictureSetup | None = None,
        detail_debounce: float = DETAIL_DEBOUNCE,
        group: Callable[[list[Article]], Stories] = group_stories,
    ) -> None:
        """``config`` gives every setting (sort, hide-read, dwell, theme, keymap,
        commands, save folder, full text, fetch interval); make_app resolves it."""
        super().__init__()
        config = config or Config()
        self.set_reactive(NewsReaderApp.sort, config.sort)
        self.set_reactive(NewsReaderApp.hide_read, config.hide_read)
        self.ingest = ingest
        self.config_theme = config.theme
        self.keymap = dict(config.keymap)
        self.notes = list(notes)
        self.now = now
        self.tz = tz
        self.state = state
        self.pictures = pictures  # how pictures are drawn; None: none
        self.quit_warning: str | None = None  # marks that could not be saved, said at exit
        self.texts = texts if texts is not None else TextStore()  # full texts, in the articles db
        self.first_paint = FirstPaint(self)  # what waits for the first frame
        self.library = Library(Store(), state, now)
        self.library.texts = self.texts
        self.view = ViewState(state, [*ingest.seed_paths, *ingest.optional])  # its own view
        self.pages = DetailPages(self.library, now=now, tz=tz)
        self.library_loading = LibraryLoading(self, group)
        self.marks = MarkActions(self, mark_story_read=config.mark_story_read)
        interval = config.fetch_interval_minutes * 60
        self.feeds = FeedActions(
            self, enabled=feeds_enabled, feeds_list=feeds_list, fetch_interval=interval
        )
        self.handoff = HandoffActions(self, config.save_folder, config.commands)
        self.search = SearchActions(self)
        self.reading = Reading(self, detail_debounce=detail_debounce)
        self.dwell = DwellTracker(config.dwell_seconds, clock, self.reading.is_reading)
        self.full_texts = FullTexts(self, config.full_text, clock)
        self.mounted_sidebar: TopicSidebar | None = None  # found once mounted

    def notify(self, message: str, *, markup: bool = False, **kwargs: Any) -> None:
        """Notices carry seed and user text (links, titles, search names, feed errors):
        never markup, so "[bold]" or "[/]" in a link shows as it is."""
        super().notify(message, markup=markup, **kwargs)

    # -- composition --------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status", markup=False)
        yield SearchBar(id="search")
        with Horizontal(id="main"):
            yield TopicSidebar(id="sidebar")
            with Vertical(id="content"):
                yield ArticleList(
                    badge=self.reading.story_badge,
                    id="articles",
                    is_read=self.marks.row_is_read,
                    is_starred=self.marks.row_is_starred,
                    tz=self.tz,
                    now=self.now,
                    on_highlight=self.reading.highlighted,
                )
                with ReadingColumn(id="reading"):
                    if self.pictures is not None:
                        yield ArticlePicture(self.pictures, id="picture")
                    yield DetailPane(id="detail", now=self.now, tz=self.tz)
        yield KeysFooter()

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def sidebar(self) -> TopicSidebar:
        return self.query_one(TopicSidebar)

    @property
    def store(self) -> Store:
        return self.library.store

    @property
    def stories(self) -> Stories | None:
        return self.library.stories

    def on_mount(self) -> None:
        self.mounted_sidebar = self.sidebar
        self.article_list.empty_text = "Loading articles…"
        self.detail.show_empty("Loading…")
        self.article_list.focus()
        self.reading.update_status()
        self.marks.warn_state()
        palette.apply_keymap(self)
        self._notify_settings_problems()
        self.apply_theme()
        self.screen.screen_layout_refresh_signal.subscribe(self, self.reading.layout_refreshed)
        self.screen_change_signal.subscribe(self, lambda _screen: self.dwell.check_reading())
        self.restore_view()
        self.set_interval(DWELL_CHECK, self.marks.check_dwell, name="dwell")
        if self.full_texts.full_text_mode != "manual":
            self.set_interval(DWELL_CHECK, self.full_texts.check_rest, name="rest")
        self.set_interval(STATE_POLL, self.marks.poll, name="state-poll")
        self.library_loading.start(QUICK_START_BYTES)  # at once, or its front page meanwhile
        self.feeds.start()

    def on_ready(self) -> None:  # Textual: the first frame is on screen
        self.first_paint.painted()

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
        self.library_loading.close()  # the front page saved, the folders no longer watched
        self.state.close()
        if self.state.unsaved:  # said after the screen is restored (reader.cli)
            self.quit_warning = self.state.warning

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

    # -- the view -----------------------------------------------------------

    def restore_view(self) -> None:
        """Bring back scope, sort, hide-read and stories mode from the last run."""
        saved = self.view.restore()
        for name, value in (
            ("sort", saved.sort),
            ("hide_read", saved.hide_read),
            ("stories_mode", saved.stories),
            ("scope", saved.scope),
        ):
            if value is not None:
                self.set_reactive(getattr(NewsReaderApp, name), value)

    def save_view(self) -> None:
        self.view.save(self.view_values, self.theme)

    @property
    def view_values(self) -> View:
        """The reactives as one value."""
        return View(self.scope, self.sort, self.hide_read, self.stories_mode)

    def is_read(self, article_id: str) -> bool:
        return self.state.is_read(article_id)

    def watch_sort(self) -> None:
        self.reading.refresh_view(counts=False)

    def watch_scope(self) -> None:
        self.reading.refresh_view(counts=False)

    def watch_stories_mode(self) -> None:
        self.reading.refresh_view()

    def watch_hide_read(self) -> None:
        current = self.article_list.article
        self.view.sticky_id = current.id if current else None
        self.reading.refresh_view()

    # -- the sidebar, the list and the detail ----------------------------------

    @on(TopicSidebar.Selected)
    def _topic_selected(self, message: TopicSidebar.Selected) -> None:
        # The sidebar's highlight now, not the message's: later moves may have overtaken it.
        self.reading.settle_scope()

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key, click and command acts on the view the user sees: sidebar moves
        typed just before (j j j A) are applied first, not read from a stale scope."""
        if default_namespace is None or default_namespace is not self.mounted_sidebar:
            self.reading.settle_scope()
        return await super().run_action(action, default_namespace, namespaces)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.library_loading.keys.pressed()
            if event.is_forwarded and self.search.typed_into_bar(event):
                return
        elif isinstance(event, events.MouseEvent) and not event.is_forwarded:
            held = self.reading.hold_mouse(event)  # until the sidebar's keys are in
            if held:
                return
        await super().on_event(event)

    @on(TopicSidebar.Entered)
    def _topic_entered(self) -> None:
        self.article_list.focus()

    @on(ArticleList.Opened)
    def _article_opened(self, message: ArticleList.Opened) -> None:
        if self.reading.story_badge(message.article):
            self.reading.open_story(message.article)
        else:
            self.reading.open_article(message.article)

    @on(DetailPane.RelatedChosen)
    def _related_chosen(self, message: DetailPane.RelatedChosen) -> None:
        self.reading.related_chosen(message)

    # -- what workers report: routed to their owners ---------------------------

    @on(IngestReport)
    def _ingest_report(self, message: IngestReport) -> None:
        self.library_loading.report(message)

    @on(StoriesReady)
    def _stories_ready(self, message: StoriesReady) -> None:
        if self.query(DetailPane):  # not once the app is closing
            self.library_loading.stories_ready(message)

    @on(SearchReady)
    def _search_ready(self, message: SearchReady) -> None:
        if self.query(DetailPane):
            self.library_loading.search_ready(message)

    @on(FeedsProgress)
    def _feeds_progress(self, message: FeedsProgress) -> None:
        self.feeds.progress(message)

    @on(FeedsFetched)
    def _feeds_fetched(self, message: FeedsFetched) -> None:
        self.feeds.fetched(message)

    @on(FeedChecked)
    def _feed_checked(self, message: FeedChecked) -> None:
        self.feeds.checked(message)

    @on(FullTextFetched)
    def _full_text_fetched(self, message: FullTextFetched) -> None:
        self.full_texts.fetched(message)

    @on(TextsFound)
    def _texts_found(self, message: TextsFound) -> None:
        self.search.texts_found(message)

    @on(CommandDone)
    def _command_done(self, message: CommandDone) -> None:
        self.handoff.command_done(message)

    @on(TopicSidebar.ReloadRequested)
    def _reload_feed(self, message: TopicSidebar.ReloadRequested) -> None:
        self.feeds.reload(message)

    @on(TopicSidebar.DeleteRequested)
    def _delete_requested(self, message: TopicSidebar.DeleteRequested) -> None:
        self.feeds.confirm_unsubscribe(message)  # a feed's row
        self.search.delete_saved(message)  # a saved search's row

    @on(SearchBar.Changed)
    def _search_changed(self, message: SearchBar.Changed) -> None:
        self.search.changed(message)

    @on(SearchBar.Submitted)
    def _search_submitted(self, message: SearchBar.Submitted) -> None:
        self.search.submitted(message)

    @on(SearchBar.Cancelled)
    def _search_cancelled(self) -> None:
        self.search.cancelled()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The read-ahead's values (see reader.tui.reading); a worker that failed is a
        bug: say so instead of failing silently."""
        worker, result = event.worker, event.worker.result
        if event.state == WorkerState.SUCCESS and result is not None:
            if worker.group == "details":
                self.reading.details_read(result)
            elif worker.group == "pages":
                self.reading.pages_built(result)
        if event.state == WorkerState.ERROR:
            if worker.group == "load":
                self.library_loading.failed()
            self.notify(
                f"{worker.name or worker.group} failed: {worker.error!r}",
                title="Internal error",
                severity="error",
                timeout=15,
            )

    # -- what tests and benchmarks call -------------------------------------------

    def apply_query(self, text: str) -> bool:
        return self.search.apply(text)

    # -- actions: the keys, the palette and the help (reader.bindings) ---------

    def action_rescan(self) -> None:
        self.library_loading.check(manual=True)

    def action_fetch_feeds(self) -> None:
        self.feeds.fetch_all()

    def action_add_feed(self) -> None:
        self.feeds.add()

    def action_toggle_read(self) -> None:
        self.marks.toggle_read()

    def action_toggle_star(self) -> None:
        self.marks.toggle_star()

    def action_tag(self) -> None:
        self.marks.tag()

    def action_mark_all_read(self) -> None:
        self.marks.mark_all_read()

    def action_undo(self) -> None:
        self.marks.undo()

    def action_open_link(self) -> None:
        self.handoff.open_link()

    def action_copy_link(self) -> None:
        self.handoff.copy_link()

    def action_pipe(self) -> None:
        self.handoff.pipe()

    def action_run_command(self, name: str) -> None:
        self.handoff.run_command(name)

    def action_save_markdown(self) -> None:
        self.handoff.save_markdown()

    def action_toggle_full_text(self) -> None:
        self.full_texts.toggle()

    def action_search(self) -> None:
        self.search.open()

    def action_submit_search(self) -> None:
        self.search.submit_now()

    async def action_save_search(self) -> None:
        await self.search.save()

    def action_clear_search(self) -> None:
        self.search.clear()

    def action_toggle_stories(self) -> None:
        self.reading.toggle_stories()

    def action_toggle_hide_read(self) -> None:
        self.reading.toggle_hide_read()

    def action_toggle_sort(self) -> None:
        self.reading.toggle_sort()

    def action_next_unread(self) -> None:
        self.reading.jump_unread(+1)

    def action_previous_unread(self) -> None:
        self.reading.jump_unread(-1)

    async def action_back(self) -> None:  # App.action_back is a coroutine
        self.reading.back()

    def action_help_quit(self) -> None:
        if hint := palette.quit_hint(self):
            self.notify(hint, title="Do you want to quit?")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return palette.system_commands(self, super().get_system_commands(screen))

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        self.push_screen(HelpScreen(bindings.help_rows(self.keymap, self.handoff.commands)))

    def action_problems(self) -> None:
        self.library_loading.show_problems()

    def action_focus_topics(self) -> None:
        if not self.sidebar.display:
            self.notify("The topics are hidden under 60 columns: widen the terminal.", timeout=3)
            return
        self.sidebar.focus()

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
    full_text: Literal["manual", "on-open", "read-ahead"] | None = None,
    texts_path: Path | None = None,
    detail_debounce: float = DETAIL_DEBOUNCE,
    group: Callable[[list[Article]], Stories] = group_stories,
    walk_ahead: WalkApart | None = None,
    watch: bool = True,
) -> NewsReaderApp:
    """The one factory for the app: the CLI, the Pilot tests and the snapshots use it.

    ``state_path`` defaults to the database in the user's data dir; ``config`` gives the
    defaults (sort, hide-read, dwell, theme, keymap), explicit arguments win over it.
    ``notes`` are shown once at start (config problems). ``pictures`` (from
    ``reader.widgets.picture.detect``, before the app runs) turns the article's picture on;
    without it nothing is fetched. ``group`` groups articles into stories (in a worker);
    ``walk_ahead`` and ``watch`` (the kernel's folder events): see ``reader.ingest``.
    """
    config = config or Config()
    config = replace(
        config,
        dwell_seconds=config.dwell_seconds if dwell is None else dwell,
        mark_story_read=config.mark_story_read if mark_story_read is None else mark_story_read,
        full_text=config.full_text if full_text is None else full_text,
    )
    cache = IndexCache([*seed_paths, *optional_paths]) if use_cache else None
    hide = None
    if config.hide:
        from reader.query.hide import HideRules  # only with hide rules: the search loads later

        hide = HideRules.parse(config.hide)
    ingest = Ingest(
        seed_paths, cache=cache, workers=load_workers, optional=optional_paths, hide=hide,
        walk_ahead=walk_ahead, watch=watch,
    )  # fmt: skip
    return NewsReaderApp(
        ingest,
        now=now or (lambda: datetime.now(UTC)),
        tz=tz,
        state=state if state is not None else UserState(state_path),
        config=config,
        clock=clock,
        texts=TextStore(texts_path),
        notes=notes,
        # Fetched feeds are part of the default library (their folder is optional).
        feeds_enabled=bool(optional_paths) or feeds_list is not None,
        feeds_list=feeds_list,
        pictures=pictures,
        detail_debounce=detail_debounce,
        group=group,
    )
