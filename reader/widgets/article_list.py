"""The article list: a Line-API view that renders only the rows on screen.

A widget per row (ListView) takes seconds at a few thousand rows; this view
shows 100,000 as fast as 10, because ``render_line`` builds only what is seen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.formatting import compact_date, fit
from reader.model import Article
from reader.widgets.keys import bindings_for

Highlighter = Callable[[str], list[tuple[int, int]]]
MIN_TITLE_WITH_PROVIDER = 45  # cells of title the provider column must leave: it goes first


class ArticleList(ScrollView, can_focus=True):
    """Rows of articles with a cursor; tells ``on_highlight`` of every move, posts Opened.

    ``on_highlight(article, by_user)`` is called at once, inside the move, not
    posted: the owner draws the article's detail in the same frame as the
    cursor. A bubbling message would reach the app four hops later, after the
    screen had painted the list rows, and every j would cost two frames.
    ``by_user`` is true when a key or a click moved the cursor (not a new
    list, a topic switch or a file that went away).
    """

    BINDINGS = bindings_for("list")

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--meta",
        "article-list--marker",
        "article-list--match",
        "article-list--empty",
    }

    DEFAULT_CSS = """
    ArticleList {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    ArticleList > .article-list--cursor { background: $surface-lighten-2; }
    ArticleList:focus > .article-list--cursor { background: $primary 60%; }
    ArticleList > .article-list--unread { text-style: bold; }
    ArticleList > .article-list--read { color: $text-muted; }
    ArticleList > .article-list--meta { color: $text-muted; }
    ArticleList > .article-list--marker { color: $accent; }
    ArticleList > .article-list--match { text-style: bold reverse; }
    ArticleList > .article-list--empty { color: $text-muted; text-style: italic; }
    """

    # repaint=False: watch_cursor repaints only the rows whose cursor mark changed.
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    class Opened(Message):
        """The user opened an article (Enter, or a click on the selected row)."""

        def __init__(self, article_list: ArticleList, article: Article) -> None:
            super().__init__()
            self.article_list = article_list
            self.article = article

    def __init__(
        self,
        *,
        is_read: Callable[[Article], bool] = lambda _article: False,
        is_starred: Callable[[Article], bool] = lambda _article: False,
        tz: tzinfo | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        badge: Callable[[Article], str] = lambda _article: "",
        on_highlight: Callable[[Article | None, bool], None] = lambda _article, _by_user: None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.articles: Sequence[Article] = ()
        self.is_read = is_read
        self.is_starred = is_starred
        self.tz = tz
        self.now = now
        self.badge = badge
        self.on_highlight = on_highlight
        self.highlighter: Highlighter | None = None
        self.empty_text = "No articles."
        self._now = now()
        self._styles: dict[str, Style] | None = None
        self._moved_by_user = False  # the next cursor change comes from a key or a click

    # -- data ---------------------------------------------------------------

    @property
    def article(self) -> Article | None:
        """The article under the cursor."""
        if 0 <= self.cursor < len(self.articles):
            return self.articles[self.cursor]
        return None

    def set_articles(self, articles: Sequence[Article], keep_id: str | None = None) -> None:
        """Show ``articles``; keep the cursor on ``keep_id`` when it is among them."""
        current = keep_id if keep_id is not None else (self.article.id if self.article else None)
        self.articles = articles
        index = 0
        if current is not None:
            index = next((i for i, a in enumerate(articles) if a.id == current), -1)
            if index < 0:
                index = 0  # the article left the view: start from the top
        self.virtual_size = Size(self.scrollable_content_region.width, len(articles))
        height = self.scrollable_content_region.height
        if height > 0 and index < height:
            # The selection fits on the first page: show the list from its top.
            self.scroll_to(y=0, animate=False, immediate=True, force=True)
        self.cursor = index
        self.refresh()

    def keep_row_on_screen(self, row: int) -> None:
        """Scroll so that the cursor's row is the ``row``-th on screen (0: the top one),
        as far as the list allows: a longer list swapped in keeps its place."""
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        row = max(0, min(row, height - 1))
        self.scroll_to(y=max(0, self.cursor - row), animate=False, immediate=True, force=True)
        self.refresh()

    def select_id(self, article_id: str) -> bool:
        """Move the cursor to an article by id; False when it is not shown."""
        for index, article in enumerate(self.articles):
            if article.id == article_id:
                self.cursor = index
                return True
        return False

    # -- cursor -------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.articles) - 1)) if self.articles else 0

    def watch_cursor(self, old: int, new: int) -> None:
        top = round(self.scroll_y)
        self._scroll_cursor_into_view()
        if round(self.scroll_y) == top and old != new:
            # Only the two rows whose cursor mark changed are painted again.
            self.refresh_line(old)
            self.refresh_line(new)
        else:
            self.refresh()
        by_user, self._moved_by_user = self._moved_by_user, False
        self.on_highlight(self.article, by_user)

    def move_to(self, cursor: int) -> None:
        """A move the user asked for (a key or a click)."""
        self._moved_by_user = True
        self.cursor = cursor

    def _scroll_cursor_into_view(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = round(self.scroll_y)
        # force: a list that was too short for a scrollbar refuses to scroll
        # until the next layout, and the selection would sit off-screen.
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True, force=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.articles))
        self.call_after_refresh(self._scroll_cursor_into_view)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.articles) - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_open(self) -> None:
        if self.article is not None:
            self.post_message(self.Opened(self, self.article))

    async def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_y) + event.y
        if 0 <= index < len(self.articles):
            if index == self.cursor and event.chain >= 2:
                self.action_open()
            self.move_to(index)

    # -- rendering ----------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._now = self.now()  # one clock reading per repaint, not per row
        self._styles = None  # styles are worked out once per repaint, not per row
        return super().render_lines(crop)

    def _row_styles(self) -> dict[str, Style]:
        styles = self._styles
        if styles is None:
            base = self.rich_style
            get = self.get_component_rich_style
            cursor = get("article-list--cursor")
            styles = {
                "read": base + get("article-list--read"),
                "unread": base + get("article-list--unread"),
                "meta": base + get("article-list--meta"),
                "marker": base + get("article-list--marker"),
                "match": get("article-list--match"),
            }
            for name in ("read", "unread", "meta", "marker"):
                styles[name + "-cursor"] = styles[name] + cursor
            self._styles = styles
        return styles

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_y) + y
        if not self.articles:
            if y == 1:
                style = self.get_component_rich_style("article-list--empty")
                return Strip([Segment(fit("  " + self.empty_text, width), style)], width)
            return Strip.blank(width, self.rich_style)
        if index >= len(self.articles):
            return Strip.blank(width, self.rich_style)
        return self._render_row(self.articles[index], index == self.cursor, width)

    def _render_row(self, article: Article, selected: bool, width: int) -> Strip:
        styles = self._row_styles()
        read = self.is_read(article)
        suffix = "-cursor" if selected else ""
        text_style = styles[("read" if read else "unread") + suffix]
        meta_style = styles["meta" + suffix]
        marker_style = styles["marker" + suffix]
        marker = ("★" if self.is_starred(article) else " ") + (" " if read else "●")
        quality = f"{article.quality:>4}" if article.quality is not None else "    "
        show_date = width >= 36
        date = f"  {compact_date(article.published, self._now, self.tz):<7}" if show_date else ""
        provider_width = min(18, max(10, width // 5))
        title_width = max(1, width - 3 - len(date) - len(quality))
        # The provider whenever the title keeps room enough to read.
        show_provider = title_width - provider_width - 2 >= MIN_TITLE_WITH_PROVIDER
        if show_provider:
            title_width -= provider_width + 2
        segments = [Segment(marker + " ", marker_style)]
        badge = self.badge(article)
        if badge:
            badge = badge + " "
            segments.append(Segment(badge, marker_style))
            title_width = max(1, title_width - len(badge))
        segments.extend(self._title_segments(article.title, title_width, text_style))
        if show_provider:
            segments.append(Segment("  " + fit(article.provider, provider_width), meta_style))
        segments.append(Segment(date + quality, meta_style))
        return Strip(segments).adjust_cell_length(width, text_style)

    def _title_segments(self, title: str, width: int, style: Style) -> list[Segment]:
        text = fit(title, width)
        spans = self.highlighter(text) if self.highlighter else []
        if not spans:
            return [Segment(text, style)]
        match = style + self._row_styles()["match"]
        segments: list[Segment] = []
        position = 0
        for start, end in spans:
            if start > position:
                segments.append(Segment(text[position:start], style))
            segments.append(Segment(text[start:end], match))
            position = end
        if position < len(text):
            segments.append(Segment(text[position:], style))
        return segments
