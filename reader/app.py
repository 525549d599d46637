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
from reader.store import Sort, Store
from reader.widgets.article_list import ArticleList
from reader.widgets.detail_pane import DetailPane, RelatedEntry, RelatedList
from reader.widgets.topic_sidebar import ALL, SidebarEntry, TopicSidebar, topic_key

REFRESH_DURING_LOAD = 0.4  # seconds between list refreshes while files stream in


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
        Binding("escape,backspace", "back", "Back", show=False, id="app.back"),
        Binding("tab", "focus_next", "Next pane", show=False, id="app.next_pane"),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False, id="app.prev_pane"),
        Binding("exclamation_mark", "problems", "Skipped files", show=False, id="app.problems"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.palette"),
    ]

    topic: reactive[str] = reactive(ALL, init=False)
    sort: reactive[Sort] = reactive("date", init=False)

    def __init__(
        self,
        seed_paths: Sequence[Path],
        *,
        now: Callable[[], datetime],
        tz: tzinfo | None = None,
        load_workers: int | None = None,
    ) -> None:
        super().__init__()
        self.seed_paths = list(seed_paths)
        self.now = now
        self.tz = tz
        self.load_workers = load_workers
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
        self.load_articles()

    # -- read state (hooks for the state layer) -------------------------------

    def is_read(self, article_id: str) -> bool:
        return False

    def is_starred(self, article_id: str) -> bool:
        return False

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
        topic = self.topic
        if topic == ALL:
            return self.store.view(None, self.sort)
        if topic.startswith("topic:"):
            return self.store.view(topic.removeprefix("topic:"), self.sort)
        return self.store.view(None, self.sort)

    def _refresh_view(self, keep_id: str | None = None) -> None:
        self._last_refresh = time.monotonic()
        self.article_list.set_articles(self.current_articles(), keep_id)
        self._update_sidebar()
        self._update_status()
        if self.article_list.article is None:
            self._show_article(None)

    def sidebar_entries(self) -> list[SidebarEntry]:
        total = len(self.store)
        entries = [SidebarEntry(ALL, "All", self._unread(self.store), total)]
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
        return self.topic.split(":", 1)[1]

    def _update_status(self) -> None:
        shown = self.article_list.articles
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("newsreader", style="bold")
        text.append("  │  ")
        text.append(self._topic_label(), style="bold")
        text.append(f"  │  by {self.sort}")
        text.append(f"  │  {plural(len(shown), 'article')}, {self._unread(shown):,} unread")
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

    @on(TopicSidebar.Selected)
    def _topic_selected(self, message: TopicSidebar.Selected) -> None:
        if message.key != self.topic:
            self.topic = message.key

    @on(TopicSidebar.Entered)
    def _topic_entered(self) -> None:
        self.article_list.focus()

    @on(ArticleList.Highlighted)
    def _article_highlighted(self, message: ArticleList.Highlighted) -> None:
        self._show_article(message.article)

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
        """Enter on an article: show it and move into the detail pane."""
        self._show_article(article)
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
) -> NewsReaderApp:
    """The one factory for the app: the CLI, the Pilot tests and the snapshots use it."""
    return NewsReaderApp(
        seed_paths,
        now=now or (lambda: datetime.now(UTC)),
        tz=tz,
        load_workers=load_workers,
    )
