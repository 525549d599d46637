"""NewsReaderApp: owns the store and the view state; widgets post messages up."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from reader.formatting import plural
from reader.loader import Collector, MissingPath, iter_load, load_detail, scan_paths
from reader.model import Article, LoadResult, Problem, Related
from reader.screens.help import HelpScreen, help_rows
from reader.screens.problems import ProblemsScreen
from reader.state import ReadState
from reader.store import Sort, Store
from reader.widgets.article_list import ArticleList
from reader.widgets.detail_pane import DetailPane, RelatedEntry, RelatedList
from reader.widgets.topic_sidebar import ALL, STARRED, SidebarEntry, TopicSidebar, topic_key

REFRESH_DURING_LOAD = 0.4  # seconds between list refreshes while files stream in
DWELL_CHECK = 0.25  # seconds between checks of how long an article has been shown
STATE_POLL = 2.0  # seconds between looks for marks made by another instance


@dataclass(frozen=True, slots=True)
class Place:
    """Where the user was: for the back key."""

    topic: str
    article_id: str | None
    related: Related | None = None


class LoadProgress(Message):
    """A batch of articles parsed off the event loop."""

    def __init__(self, articles: list[Article], done: int, total: int) -> None:
        super().__init__()
        self.articles = articles
        self.done = done
        self.total = total


class LoadFinished(Message):
    """Every file has been read."""

    def __init__(self, result: LoadResult, seconds: float) -> None:
        super().__init__()
        self.result = result
        self.seconds = seconds


class StatusBar(Static):
    """The top line: where you are, how many, and what went wrong."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """


class NewsReaderApp(App[int]):
    """A keyboard-first reader for a folder of article files."""

    CSS_PATH = "app.tcss"
    TITLE = "newsreader"
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (60, "-narrow"), (100, "-wide")]

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("s", "toggle_sort", "Sort", id="app.sort"),
        Binding("m", "toggle_read", "Read/unread", id="app.toggle_read"),
        Binding("f", "toggle_star", "Star", id="app.toggle_star"),
        Binding("A", "mark_all_read", "Mark all read", id="app.mark_all_read"),
        Binding("u", "undo", "Undo", id="app.undo"),
        Binding("h", "toggle_hide_read", "Hide read", id="app.hide_read"),
        Binding("n", "next_unread", "Next unread", show=False, id="app.next_unread"),
        Binding("N", "previous_unread", "Previous unread", show=False, id="app.prev_unread"),
        Binding("escape,backspace", "back", "Back", show=False, id="app.back"),
        Binding("tab", "focus_next", "Next pane", show=False, id="app.next_pane"),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False, id="app.prev_pane"),
        Binding("exclamation_mark", "problems", "Skipped files", show=False, id="app.problems"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.palette"),
    ]

    topic: reactive[str] = reactive(ALL, init=False)
    sort: reactive[Sort] = reactive("date", init=False)
    hide_read: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        seed_paths: Sequence[Path],
        *,
        now: Callable[[], datetime],
        tz: tzinfo | None = None,
        load_workers: int | None = None,
        state: ReadState,
        dwell: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.seed_paths = list(seed_paths)
        self.now = now
        self.tz = tz
        self.load_workers = load_workers
        self.state = state
        self.dwell = dwell
        self.clock = clock
        self._shown: tuple[str, float] | None = None  # (article id, when it was shown)
        self._sticky_id: str | None = None  # a read article kept in view until left
        self.store = Store()
        self.result = LoadResult()
        self.loading = True
        self.load_seconds: float | None = None
        self.history: list[Place] = []
        self._progress = (0, 0)
        self._refresh_pending = False
        self._last_refresh = 0.0

    # -- composition --------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status", markup=False)
        with Horizontal(id="main"):
            yield TopicSidebar(id="sidebar")
            with Vertical(id="content"):
                yield ArticleList(
                    id="articles",
                    is_read=self.is_read,
                    is_starred=self.is_starred,
                    tz=self.tz,
                    now=self.now,
                )
                yield DetailPane(id="detail", now=self.now, tz=self.tz)
        yield Footer()

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
        self.article_list.empty_text = "Loading articles…"
        self.detail.show_empty("Loading…")
        self.article_list.focus()
        self._update_status()
        self._warn_state()
        self.set_interval(DWELL_CHECK, self.check_dwell, name="dwell")
        self.set_interval(STATE_POLL, self.poll_state, name="state-poll")
        self.load_articles()

    def on_unmount(self) -> None:
        self.state.close()

    # -- read state ---------------------------------------------------------

    def is_read(self, article_id: str) -> bool:
        return self.state.is_read(article_id)

    def is_starred(self, article_id: str) -> bool:
        return self.state.is_starred(article_id)

    def _warn_state(self) -> None:
        warning = self.state.take_warning()
        if warning:
            self.notify(warning, title="Read state", severity="warning", timeout=10)

    def _marks_changed(self) -> None:
        """Repaint rows and counts after marks changed (here or in another instance)."""
        self._warn_state()
        if self.hide_read:
            self._refresh_view()
        else:
            self.article_list.refresh_rows()
            self._update_sidebar()
            self._update_status()

    def mark_read(self, article: Article) -> None:
        if self.state.mark_read([article.id]):
            self._marks_changed()

    def check_dwell(self) -> None:
        """Mark the shown article read once it has stayed in the detail long enough."""
        if self.dwell <= 0 or self._shown is None:
            return
        article_id, since = self._shown
        if self.clock() - since >= self.dwell:
            self._shown = None
            article = self.store.get(article_id)
            if article is not None:
                self.mark_read(article)

    def poll_state(self) -> None:
        if self.state.refresh():
            self._marks_changed()

    # -- loading ------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load_articles(self) -> None:
        """Scan and parse the seed paths off the event loop, streaming batches."""
        worker = get_current_worker()
        started = time.perf_counter()
        collector = Collector()
        try:
            files, scan_problems = scan_paths(self.seed_paths)
        except MissingPath as missing:
            files, scan_problems = [], [Problem(str(missing), "no such file or folder")]
        for problem in scan_problems:
            collector.add(problem)
        done = 0
        self.post_message(LoadProgress([], 0, len(files)))
        for chunk in iter_load(files, workers=self.load_workers):
            if worker.is_cancelled:
                return
            added = [article for outcome in chunk if (article := collector.add(outcome))]
            done += len(chunk)
            self.post_message(LoadProgress(added, done, len(files)))
        self.post_message(LoadFinished(collector.result, time.perf_counter() - started))

    def on_load_progress(self, message: LoadProgress) -> None:
        self._progress = (message.done, message.total)
        if message.articles:
            self.store.add_many(message.articles)
        now = time.monotonic()
        if now - self._last_refresh >= REFRESH_DURING_LOAD or not self.article_list.articles:
            self._refresh_view()
        else:
            self._update_status()

    def on_load_finished(self, message: LoadFinished) -> None:
        self.result = message.result
        # Duplicates resolved late may have replaced earlier articles: rebuild from the result.
        self.store = Store(message.result.articles)
        self.loading = False
        self.load_seconds = message.seconds
        self.article_list.empty_text = "No articles here."
        self._refresh_view()

    # -- the view -----------------------------------------------------------

    def current_articles(self) -> list[Article]:
        """The list as it should be now: topic or entry, sort, hide-read."""
        topic = self.topic
        if topic.startswith("topic:"):
            articles = self.store.view(topic.removeprefix("topic:"), self.sort)
        elif topic == STARRED:
            articles = [a for a in self.store.ordered(self.sort) if self.is_starred(a.id)]
        else:
            articles = self.store.view(None, self.sort)
        if self.hide_read:
            keep = self._sticky_id
            articles = [a for a in articles if a.id == keep or not self.is_read(a.id)]
        return articles

    def _refresh_view(self, keep_id: str | None = None) -> None:
        self._last_refresh = time.monotonic()
        self.article_list.set_articles(self.current_articles(), keep_id)
        self._update_sidebar()
        self._update_status()
        if self.article_list.article is None:
            self._show_article(None)

    def sidebar_entries(self) -> list[SidebarEntry]:
        total = len(self.store)
        starred = [a for a in self.store if self.is_starred(a.id)]
        entries = [
            SidebarEntry(ALL, "All", self._unread(self.store), total),
            SidebarEntry(STARRED, "Starred", self._unread(starred), len(starred)),
        ]
        for topic, count in self.store.topics():
            articles = self.store.view(topic, "date")
            entries.append(SidebarEntry(topic_key(topic), topic, self._unread(articles), count))
        return entries

    def _unread(self, articles: Iterable[Article]) -> int:
        return sum(1 for article in articles if not self.is_read(article.id))

    def _update_sidebar(self) -> None:
        self.sidebar.set_entries(self.sidebar_entries(), self.topic)

    def _topic_label(self) -> str:
        if self.topic == ALL:
            return "All"
        if self.topic == STARRED:
            return "Starred"
        return self.topic.split(":", 1)[1]

    def _update_status(self) -> None:
        shown = self.article_list.articles
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("newsreader", style="bold")
        text.append("  │  ")
        text.append(self._topic_label(), style="bold")
        text.append(f"  │  by {self.sort}")
        text.append(f"  │  {plural(len(shown), 'article')}, {self._unread(shown):,} unread")
        if self.hide_read:
            text.append("  │  read hidden")
        if self.loading:
            done, total = self._progress
            percent = f" {done * 100 // total}%" if total else ""
            text.append(f"  │  loading {done:,}/{total:,} files{percent}", style="italic")
        problems = len(self.result.problems)
        if problems:
            skipped = f"{plural(problems, 'file')} skipped, press ! to see"
            text.append("  │  ")
            text.append(skipped, style="bold yellow")
        self.query_one(StatusBar).update(text)

    # -- reactions ----------------------------------------------------------

    def watch_sort(self) -> None:
        self._refresh_view()

    def watch_topic(self) -> None:
        self._refresh_view()

    def watch_hide_read(self) -> None:
        current = self.article_list.article
        self._sticky_id = current.id if current else None
        self._refresh_view()

    @on(TopicSidebar.Selected)
    def _topic_selected(self, message: TopicSidebar.Selected) -> None:
        if message.key != self.topic:
            self.topic = message.key

    @on(TopicSidebar.Entered)
    def _topic_entered(self) -> None:
        self.article_list.focus()

    @on(ArticleList.Highlighted)
    def _article_highlighted(self, message: ArticleList.Highlighted) -> None:
        article = message.article
        self._shown = (article.id, self.clock()) if article else None
        self._show_article(article)
        left = self._sticky_id
        if article is not None and left != article.id:
            self._sticky_id = article.id
            if self.hide_read and left is not None and self.is_read(left):
                self._refresh_view(article.id)  # the read article we left drops out

    @on(ArticleList.Opened)
    def _article_opened(self, message: ArticleList.Opened) -> None:
        self.open_article(message.article)

    @on(DetailPane.RelatedChosen)
    def _related_chosen(self, message: DetailPane.RelatedChosen) -> None:
        current = self.article_list.article
        self.history.append(Place(self.topic, current.id if current else None))
        if message.article is not None:
            self.go_to_article(message.article)
        else:
            self.detail.show_related(message.related)
            self.history[-1] = Place(self.topic, current.id if current else None)
            self.detail.focus_body()

    def open_article(self, article: Article) -> None:
        """Enter on an article: show it, mark it read, move into the detail pane."""
        self._show_article(article)
        self.mark_read(article)
        self.detail.focus_body()

    def go_to_article(self, article: Article) -> None:
        """Select an article in the list, switching to All when it is not in this topic."""
        if not self.article_list.select_id(article.id):
            self.topic = ALL
            self.article_list.set_articles(self.current_articles(), article.id)
        self._show_article(article)
        self.article_list.focus()

    def _show_article(self, article: Article | None) -> None:
        if article is None:
            message = "Loading…" if self.loading else "No article selected."
            self.detail.show_empty(message)
            return
        if self.detail.article is article and self.detail.related_shown is None:
            return
        detail = load_detail(article)
        related = [RelatedEntry(item, self.store.resolve(item)) for item in detail.related]
        self.detail.show_article(article, detail, related=related)

    # -- actions ------------------------------------------------------------

    def action_toggle_read(self) -> None:
        article = self.article_list.article
        if article is None:
            return
        self._shown = None  # an explicit choice overrides the dwell timer
        self.state.mark_read([article.id], not self.is_read(article.id))
        self._marks_changed()

    def action_toggle_star(self) -> None:
        article = self.article_list.article
        if article is not None:
            self.state.set_starred([article.id], not self.is_starred(article.id))
            self._marks_changed()

    def action_mark_all_read(self) -> None:
        articles = self.article_list.articles
        change = self.state.mark_read(
            (a.id for a in articles),
            label=f"mark all {len(articles):,} in {self._topic_label()} read",
        )
        if change:
            self.notify(f"Marked {plural(len(change), 'article')} read. u undoes.", timeout=3)
        self._marks_changed()

    def action_undo(self) -> None:
        change = self.state.undo()
        if change is None:
            self.notify("Nothing to undo.", timeout=2)
            return
        self._shown = None
        self.notify(f"Undid: {change.label}", timeout=3)
        self._marks_changed()

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
            if not self.is_read(articles[index].id):
                self.article_list.cursor = index
                return
            index += step
        self.notify("No more unread articles " + ("below." if step > 0 else "above."), timeout=2)

    def action_toggle_sort(self) -> None:
        self.sort = "quality" if self.sort == "date" else "date"
        self.notify(f"Sorted by {self.sort}", timeout=1.5)

    def action_back(self) -> None:
        if self.detail.related_shown is not None and not self.history:
            self._show_article(self.article_list.article)
            return
        if self.history:
            place = self.history.pop()
            if place.topic != self.topic:
                self.topic = place.topic
            if place.article_id:
                self.article_list.set_articles(self.current_articles(), place.article_id)
            self.detail.article = None
            self._show_article(self.article_list.article)
            self.article_list.focus()
            return
        if self.focused is not self.article_list:
            self.article_list.focus()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(help_rows(self.binding_sections(), self.keymap)))

    def action_problems(self) -> None:
        result = self.result
        if not (result.problems or result.ignored or result.duplicates):
            self.notify("Every file was read.", timeout=2)
            return
        self.push_screen(ProblemsScreen(result.problems, result.ignored, result.duplicates))

    # -- bindings as data ---------------------------------------------------

    keymap: dict[str, str] = {}

    def binding_sections(self) -> list[tuple[str, list[Binding]]]:
        """Every binding, grouped by where it works: the help and palette use it."""
        return [
            ("Everywhere", [b for b in self.BINDINGS if isinstance(b, Binding)]),
            ("Article list", list(ArticleList.BINDINGS)),
            ("Topics", list(TopicSidebar.BINDINGS)),
            ("Related stories", list(RelatedList.BINDINGS)),
        ]

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = [
            ("Toggle sort", "Sort by date or by quality", self.action_toggle_sort),
            ("Toggle read", "Mark the article read or unread", self.action_toggle_read),
            ("Toggle star", "Star or unstar the article", self.action_toggle_star),
            ("Mark all read", "Mark every article in this view read", self.action_mark_all_read),
            ("Undo", "Undo the last mark or bulk mark", self.action_undo),
            ("Toggle hide read", "Hide or show read articles", self.action_toggle_hide_read),
            ("Next unread", "Jump to the next unread article", self.action_next_unread),
            ("Previous unread", "Jump to the previous unread", self.action_previous_unread),
            ("Show help", "Every key, by pane", self.action_help),
            ("Show skipped files", "Files that could not be read, and why", self.action_problems),
            ("Go back", "Return to where you came from", self.action_back),
            ("Focus topics", "Move to the topic sidebar", self.sidebar.focus),
            ("Focus articles", "Move to the article list", self.article_list.focus),
            ("First article", "Jump to the top of the list", self.article_list.action_first),
            ("Last article", "Jump to the bottom of the list", self.article_list.action_last),
        ]
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)


def make_app(
    seed_paths: Sequence[Path],
    *,
    now: Callable[[], datetime] | None = None,
    tz: tzinfo | None = None,
    load_workers: int | None = None,
    state: ReadState | None = None,
    state_path: Path | None = None,
    dwell: float = 2.0,
    clock: Callable[[], float] = time.monotonic,
) -> NewsReaderApp:
    """The one factory for the app: the CLI, the Pilot tests and the snapshots use it.

    ``state_path`` defaults to the database in the user's data dir.
    """
    return NewsReaderApp(
        seed_paths,
        now=now or (lambda: datetime.now(UTC)),
        tz=tz,
        load_workers=load_workers,
        state=state if state is not None else ReadState(state_path),
        dwell=dwell,
        clock=clock,
    )
