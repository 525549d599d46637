"""The detail pane: one article (or one related story) and its related stories.

What it says is built in ``reader.widgets.detail_text`` (seed text is never
markup; only http(s) links are clickable).

The pane is drawn line by line in the area the stylesheet gives it (as the
article list is): a new article changes what the lines say, never the pane's
size, so showing one costs a repaint and no layout of the screen. What it
shows is a ``DetailPage``: the text and the related rows, wrapped and
rendered once per size. A page is plain data, so the app's read-ahead builds
the pages of the next articles in a worker, and a j only copies their lines
to the screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

from reader.library import RelatedEntry
from reader.model import Article, ArticleDetail, Related
from reader.record import Record
from reader.widgets.detail_text import (
    ITEMS,
    SEPARATOR,
    FullTextView,
    RelatedRow,
    article_text,
    related_rows,
    related_story_text,
)
from reader.widgets.keys import bindings_for

WHEEL_LINES = 3  # lines one notch of the mouse wheel scrolls
_CONSOLES = threading.local()  # pages are built on the event loop and in the read-ahead


def _console() -> Console:
    """This thread's console, to wrap and render text without a terminal (never printed to)."""
    console = getattr(_CONSOLES, "console", None)
    if console is None:
        console = _CONSOLES.console = Console(
            width=200, file=None, color_system=None, legacy_windows=False
        )
    return console


class _Line(Record):
    """One wrapped line: its text rendered, its part of the pane and its related entry
    (a frozen value, ``reader.record``; its segments are not compared)."""

    __slots__ = ("text", "part", "entry", "segments")
    _uncompared = frozenset({"segments"})
    text: Text
    part: str  # "body", "rule", "heading" or "related"
    entry: int | None  # index into the entries, for the rows of a related story
    segments: tuple[Segment, ...]

    def __init__(
        self, text: Text, part: str, entry: int | None = None, segments: tuple[Segment, ...] = ()
    ) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "part", part)
        object.__setattr__(self, "entry", entry)
        object.__setattr__(self, "segments", segments)

    @classmethod
    def of(cls, text: Text, part: str, entry: int | None = None) -> _Line:
        return cls(text, part, entry, tuple(text.render(_console())))


class DetailPage:
    """What the pane shows: a text, the related rows after it and the entries they
    stand for; wrapped and rendered once per size (``lines``).

    Built and wrapped without the widget: the read-ahead makes the next
    articles' pages in a worker. A page is not changed once shown.
    """

    def __init__(
        self,
        body: Text,
        rows: Sequence[RelatedRow] = (),
        entries: Sequence[RelatedEntry] = (),
    ) -> None:
        self.body = body
        self.rows = list(rows)
        self.entries = list(entries)
        self._wrapped: dict[tuple[int, int], list[_Line]] = {}  # (width, height) -> lines
        self._lock = threading.Lock()  # a page may be wrapped in a worker while shown

    @classmethod
    def of_article(
        cls,
        article: Article,
        detail: ArticleDetail,
        *,
        related: Sequence[RelatedEntry],
        also_covered: Sequence[Article] = (),
        tz: tzinfo | None,
        now: datetime,
        highlighter: Callable[[str], list[tuple[int, int]]] | None = None,
        full: FullTextView | None = None,
        tags: Sequence[str] = (),
    ) -> DetailPage:
        """An article of the library with its related stories (and its full text, if shown)."""
        body = article_text(
            article, detail, tz=tz, now=now, highlighter=highlighter, full=full, tags=tags
        )
        rows, entries = related_rows(related, also_covered, tz=tz)
        return cls(body, rows, entries)

    def lines(self, width: int, height: int) -> list[_Line]:
        """The lines at a size: the text wrapped once per width, the related rows
        once more when a scrollbar takes their last column."""
        lines = self._wrapped.get((width, height))
        if lines is None:
            with self._lock:
                lines = self._wrapped.get((width, height))
                if lines is None:
                    lines = self._wrapped[width, height] = self._wrap(width, height)
        return lines

    def _wrap(self, width: int, height: int) -> list[_Line]:
        body = self._body_lines(width)
        # A story takes two lines at least: past the bottom, wrap the rows once.
        least = len(body) + 1 + len(self.rows) + len(self.entries)
        related = self._related_lines(width, scrollbar=least > height)
        if least <= height < len(body) + len(related):
            related = self._related_lines(width, scrollbar=True)
        return body + related

    def _body_lines(self, width: int) -> list[_Line]:
        # One column of padding each side of the text; the right one holds the scrollbar.
        lines = self._wrapped.get((width, -1))
        if lines is None:
            wrapped = _wrap_text(self.body, max(1, width - 2))
            lines = self._wrapped[width, -1] = [_Line.of(line, "body") for line in wrapped]
        return lines

    def _related_lines(self, width: int, *, scrollbar: bool) -> list[_Line]:
        if not self.rows:
            return []
        lines = [_Line.of(Text("─" * width), "rule")]
        row_width = max(1, width - 2 - scrollbar)  # after the marker's two columns
        for row in self.rows:
            if row.entry is None:
                for line in _wrap_text(row.text, max(1, width - scrollbar)):
                    lines.append(_Line.of(line, "heading"))
                continue
            for number, line in enumerate(_wrap_text(row.text, row_width)):
                prefix = Text(f"{row.marker or ' '} " if not number else "  ", style="bold")
                lines.append(_Line.of(Text.assemble(prefix, line), "related", row.entry))
        return lines


def _wrap_text(text: Text, width: int) -> list[Text]:
    plain = text.plain
    if not plain:
        return []
    one_line = "\n" not in plain and "\t" not in plain and plain[-1] != " "
    if one_line and cell_len(plain) <= width:
        return [text]  # a line that fits (headings, notes): Text.wrap costs ~50 us
    if SEPARATOR in plain:  # lines of items: a break goes between two of them
        wrapped = []
        for line in text.split("\n", allow_blank=True):
            if _is_items(line) and cell_len(line.plain) > width:
                wrapped.extend(_wrap_items(line, width))
            else:
                wrapped.extend(line.wrap(_console(), width))
    else:
        wrapped = list(text.wrap(_console(), width))
    for line in wrapped:
        line.rstrip()
    while wrapped and not wrapped[-1].plain:  # the text's last newline
        wrapped.pop()
    return wrapped


def _is_items(line: Text) -> bool:
    return any(span.style == ITEMS for span in line.spans)


def _wrap_items(line: Text, width: int) -> list[Text]:
    """A line of items joined by SEPARATOR, broken only between items (the separator
    goes at a break); an item longer than the width alone is wrapped by words."""
    plain = line.plain
    items: list[tuple[int, int]] = []
    start = 0
    while (end := plain.find(SEPARATOR, start)) >= 0:
        items.append((start, end))
        start = end + len(SEPARATOR)
    items.append((start, len(plain)))
    pieces: list[tuple[int, int]] = []
    first, last = items[0]
    for item_start, item_end in items[1:]:
        if cell_len(plain[first:item_end]) <= width:
            last = item_end
        else:
            pieces.append((first, last))
            first, last = item_start, item_end
    pieces.append((first, last))
    wrapped: list[Text] = []
    for piece_start, piece_end in pieces:
        piece = line[piece_start:piece_end]
        if cell_len(piece.plain) > width:
            wrapped.extend(piece.wrap(_console(), width))
        else:
            wrapped.append(piece)
    return wrapped


class DetailPane(Widget, can_focus=True):
    """Shows an article or a related story; posts RelatedChosen.

    j/k/g/G/PgUp/PgDn move the cursor over the related stories, scrolling the
    text as needed (over a text alone they scroll it); Enter opens the story.
    """

    BINDINGS = bindings_for("related")

    COMPONENT_CLASSES = {
        "detail-pane--related",
        "detail-pane--heading",
        "detail-pane--rule",
        "detail-pane--cursor",
        "detail-pane--cursor-focus",
    }

    DEFAULT_CSS = """
    DetailPane { scrollbar-size-vertical: 1; }
    DetailPane.-no-related:focus { background-tint: $foreground 6%; }
    DetailPane > .detail-pane--related { background: $surface; }
    DetailPane > .detail-pane--heading { color: $text-disabled; }
    DetailPane > .detail-pane--rule { color: $panel-lighten-2; }
    DetailPane > .detail-pane--cursor {
        color: $foreground;
        background: $block-cursor-blurred-background;
    }
    DetailPane > .detail-pane--cursor-focus {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    """

    class RelatedChosen(Message):
        """Enter on a related story (``article`` is set when it is in the library)."""

        def __init__(self, related: Related, article: Article | None) -> None:
            super().__init__()
            self.related = related
            self.article = article

    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        tz: tzinfo | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.now = now
        self.tz = tz
        self.article: Article | None = None
        self.related_shown: Related | None = None
        # Search highlighting: text -> spans to emphasise (set by the app).
        self.highlighter: Callable[[str], list[tuple[int, int]]] | None = None
        self.page = DetailPage(Text())
        self._cursor: int | None = None  # the highlighted entry
        self._top = 0  # the first line shown: the pane's own scroll offset
        self._styles: dict[str, Style] | None = None
        self._scrollbar: tuple[tuple[int, int, int], list[Segment]] | None = None

    # -- public -------------------------------------------------------------

    def show_empty(self, message: str) -> None:
        self.article = None
        self.related_shown = None
        self._show(DetailPage(Text(message, style="dim italic")))

    def show_page(self, article: Article, page: DetailPage) -> None:
        """Show an article's page (``DetailPage.of_article``, often built ahead)."""
        self.article = article
        self.related_shown = None
        self._show(page)

    def show_related(self, related: Related) -> None:
        """Show a related story that is not in the library: its own excerpt and link."""
        self.related_shown = related
        self._show(DetailPage(related_story_text(related, tz=self.tz, now=self.now())))

    @property
    def body(self) -> Text:
        """The text shown (before the related rows)."""
        return self.page.body

    @property
    def related_rows(self) -> list[RelatedRow]:
        """The related section's rows: headings, notes and stories."""
        return self.page.rows

    @property
    def _entries(self) -> list[RelatedEntry]:
        return self.page.entries

    def focus_body(self) -> None:
        """Move focus into the pane (onto the highlighted related story, if any)."""
        self.focus()

    @property
    def highlighted_related(self) -> RelatedEntry | None:
        """The related story under the cursor."""
        return self._entries[self._cursor] if self._cursor is not None else None

    @property
    def related_entries(self) -> list[RelatedEntry]:
        """The related stories shown, in order (coverage first)."""
        return list(self._entries)

    @property
    def cursor(self) -> int | None:
        """The index of the highlighted related story among ``related_entries``."""
        return self._cursor

    @property
    def scroll_line(self) -> int:
        """The first line shown."""
        return self._top

    def text_lines(self) -> list[str]:
        """Every line of the pane as plain text, wrapped at its width (for tests)."""
        return [line.text.plain for line in self._lines()]

    # -- content ------------------------------------------------------------

    def _show(self, page: DetailPage) -> None:
        self.page = page
        self._cursor = 0 if page.entries else None
        self._top = 0
        self.set_class(not page.rows, "-no-related")
        self.refresh()

    def _lines(self) -> list[_Line]:
        width, height = self.size
        return self.page.lines(width, height)

    def on_resize(self, event: events.Resize) -> None:
        self._styles = None
        self._scroll_top(self._top)  # a wider pane has fewer lines
        self.refresh()

    # -- rendering ----------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None  # focus, theme: work the styles out again
        self._scrollbar = None

    def _line_styles(self) -> dict[str, Style]:
        styles = self._styles
        if styles is None:
            base = self.rich_style
            get = self.get_component_rich_style
            related = base + get("detail-pane--related")
            cursor = get("detail-pane--cursor-focus" if self.has_focus else "detail-pane--cursor")
            styles = self._styles = {
                "body": base,
                "rule": base + get("detail-pane--rule"),
                "heading": related + get("detail-pane--heading"),
                "related": related,
                "cursor": related + cursor,
            }
        return styles

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        lines = self._lines()
        styles = self._line_styles()
        index = self._top + y
        if index >= len(lines):  # the related section's background reaches the bottom
            return Strip.blank(width, styles["related" if self.related_rows else "body"])
        line = lines[index]
        part = line.part
        if line.entry is not None and line.entry == self._cursor:
            part = "cursor"
        style = styles[part]
        text_style = style
        if line.text.style:  # Text.render leaves the text's own style to its caller
            text_style += _console().get_style(line.text.style)
        segments = list(Segment.apply_style(line.segments, text_style))
        if line.part == "body":
            segments.insert(0, Segment(" ", style))
        if len(lines) <= self.size.height:  # no scrollbar: the full width
            return Strip(segments).adjust_cell_length(width, style)
        strip = Strip(segments).adjust_cell_length(width - 1, style)
        return Strip([*strip, self._scrollbar_cell(y, len(lines), style)], width)

    def _scrollbar_cell(self, y: int, total: int, style: Style) -> Segment:
        cells = self._scrollbar_cells(total)
        return cells[y] if y < len(cells) else Segment(" ", style)

    def _scrollbar_cells(self, total: int) -> list[Segment]:
        """The scrollbar's column, one cell a line: worked out once per repaint."""
        height = self.size.height
        key = (height, total, self._top)
        if self._scrollbar is not None and self._scrollbar[0] == key:
            return self._scrollbar[1]
        background = self.background_colors[1]
        bar = ScrollBarRender.render_bar(
            size=height,
            virtual_size=total,
            window_size=height,
            position=self._top,
            back_color=(background + self.styles.scrollbar_background).rich_color,
            bar_color=(background + self.styles.scrollbar_color).rich_color,
        )
        cells = []
        for cell in bar.segments:
            if cell.text != "\n":  # its look, without the scrollbar widget's click actions
                look = cell.style or Style()
                cells.append(
                    Segment(
                        cell.text,
                        Style(color=look.color, bgcolor=look.bgcolor, reverse=look.reverse),
                    )
                )
        self._scrollbar = (key, cells)
        return cells

    # -- scrolling and the cursor ---------------------------------------------

    @property
    def _max_top(self) -> int:
        return max(0, len(self._lines()) - self.size.height)

    def _scroll_top(self, top: int) -> None:
        top = max(0, min(top, self._max_top))
        if top != self._top:
            self._top = top
            self.refresh()

    def _entry_span(self, entry: int) -> tuple[int, int]:
        """The first line of an entry and the line after its last."""
        indexes = [n for n, line in enumerate(self._lines()) if line.entry == entry]
        return (indexes[0], indexes[-1] + 1) if indexes else (0, 0)

    def _is_visible(self, entry: int) -> bool:
        start, _end = self._entry_span(entry)
        return self._top <= start < self._top + self.size.height

    def _move_cursor(self, entry: int) -> None:
        """Highlight an entry and scroll the fewest lines that show all of it."""
        entry = max(0, min(entry, len(self._entries) - 1))
        self._cursor = entry
        start, end = self._entry_span(entry)
        if end > self._top + self.size.height:
            self._top = min(start, max(0, end - self.size.height))
        if start < self._top:
            self._top = start
        self.refresh()

    def _visible_entries(self) -> list[int]:
        return [n for n in range(len(self._entries)) if self._is_visible(n)]

    def action_cursor_down(self) -> None:
        cursor = self._cursor
        if cursor is None or cursor == len(self._entries) - 1:
            self._scroll_top(self._top + 1)
        elif self._is_visible(cursor):
            self._move_cursor(cursor + 1)
        elif self._entry_span(cursor)[0] < self._top:  # scrolled past it: take the first shown
            visible = self._visible_entries()
            if visible:
                self._move_cursor(visible[0])
            else:
                self._scroll_top(self._top + 1)
        else:  # still below: read on towards it
            self._scroll_top(self._top + 1)

    def action_cursor_up(self) -> None:
        cursor = self._cursor
        if cursor and self._is_visible(cursor):
            self._move_cursor(cursor - 1)
        else:
            self._scroll_top(self._top - 1)

    def action_first(self) -> None:
        self._top = 0
        self._cursor = 0 if self._entries else None
        self.refresh()

    def action_last(self) -> None:
        self._scroll_top(self._max_top)
        if self._entries:
            self._move_cursor(len(self._entries) - 1)

    def action_page_down(self) -> None:
        self._page(+1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, direction: int) -> None:
        top = self._top
        self._scroll_top(top + direction * max(1, self.size.height - 1))
        if self._cursor is None:
            return
        visible = self._visible_entries()
        if self._top == top:  # the end of the text: the cursor goes to the end too
            self._move_cursor(len(self._entries) - 1 if direction > 0 else 0)
        elif visible and not self._is_visible(self._cursor):
            self._move_cursor(visible[0] if direction > 0 else visible[-1])

    def action_select(self) -> None:
        entry = self.highlighted_related
        if entry is not None:
            self.post_message(self.RelatedChosen(entry.related, entry.article))

    def on_focus(self) -> None:
        self._styles = None
        self.refresh()

    def on_blur(self) -> None:
        self._styles = None
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        lines = self._lines()
        index = self._top + event.y
        entry = lines[index].entry if 0 <= index < len(lines) else None
        if entry is not None:
            event.stop()
            self._move_cursor(entry)
            self.action_select()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._scroll_top(self._top + WHEEL_LINES)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._scroll_top(self._top - WHEEL_LINES)
