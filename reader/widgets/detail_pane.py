"""The detail pane: one article (or one related story) and its related stories.

Every piece of seed text is appended to a ``rich.text.Text`` as plain text,
never parsed as markup; only http(s) links are made clickable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.formatting import age, long_date, short_date
from reader.library import RelatedEntry
from reader.model import Article, ArticleDetail, Related
from reader.text import is_web_url
from reader.widgets.keys import bindings_for

MAX_ALSO_SHOWN = 12  # more coverage than this is for the stories view
# Wraps related rows ahead of time; measuring needs no terminal (never printed to).
_CONSOLE = Console(width=200, file=None, color_system=None, legacy_windows=False)


def link_text(url: str) -> Text:
    """A link: clickable only when it is http or https."""
    if not url:
        return Text("no link", style="dim italic")
    if is_web_url(url):
        return Text(url, style=Style(underline=True, link=url))
    return Text(url + "  (not a web link: not opened)", style="dim")


def _meta_line(*parts: str) -> Text:
    return Text(" · ".join(part for part in parts if part), style="dim")


class HangingIndent(Visual):
    """A marker, then text whose wrapped lines are indented under the marker's end.

    Wrapped at whatever width the list gives (a Rich table did the same, but was
    rendered again on every measure: most of a keystroke's time).
    """

    def __init__(self, marker: str, text: Text) -> None:
        self.marker = marker
        self.text = text
        self._by_width: dict[int, Content] = {}

    def __str__(self) -> str:
        return f"{self.marker or ' '} {self.text.plain}"

    def _content(self, width: int) -> Content:
        content = self._by_width.get(width)
        if content is None:
            prompt = Text()
            prompt.append(f"{self.marker or ' '} ", style="bold")
            for number, line in enumerate(self.text.wrap(_CONSOLE, max(1, width - 2))):
                if number:
                    prompt.append("\n  ")
                line.rstrip()
                prompt.append_text(line)
            content = self._by_width[width] = Content.from_rich_text(prompt, console=_CONSOLE)
        return content

    def render_strips(
        self, width: int, height: int | None, style: VisualStyle, options: RenderOptions
    ) -> list[Strip]:
        return self._content(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return 2 + max((_CONSOLE.measure(line).maximum for line in self.text.split()), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._content(width).get_height(rules, width)


class RelatedList(OptionList):
    """Related stories and other coverage; Enter opens one."""

    BINDINGS = bindings_for("related")


class DetailPane(Vertical):
    """Shows an article or a related story; posts RelatedChosen."""

    # The related list follows the text (no gap between them) and takes the
    # rest of the pane; a long text scrolls in its own part, at most 70%.
    DEFAULT_CSS = """
    DetailPane #detail-scroll { height: auto; max-height: 70%; }
    DetailPane.-no-related #detail-scroll { height: 1fr; max-height: 100%; }
    DetailPane #detail-scroll:focus { background-tint: $foreground 6%; }
    DetailPane #detail-body { padding: 0 1; }
    DetailPane RelatedList { height: 1fr; min-height: 4; border-top: hkey $panel-lighten-2; }
    DetailPane RelatedList.-empty { display: none; }
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
        self._entries: list[RelatedEntry] = []
        # Search highlighting: text -> spans to emphasise (set by the app).
        self.highlighter: Callable[[str], list[tuple[int, int]]] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-scroll"):
            yield Static(id="detail-body", markup=False)
        yield RelatedList(id="related", classes="-empty", compact=True)

    # -- public -------------------------------------------------------------

    def show_empty(self, message: str) -> None:
        self.article = None
        self.related_shown = None
        self._set_body(Text(message, style="dim italic"))
        self._set_related([], [])

    def show_article(
        self,
        article: Article,
        detail: ArticleDetail,
        *,
        related: Sequence[RelatedEntry],
        also_covered: Sequence[Article] = (),
    ) -> None:
        """Show one article of the library with its related stories."""
        self.article = article
        self.related_shown = None
        body = Text()
        body.append_text(self._highlighted(article.title, "bold"))
        body.append("\n")
        body.append_text(_meta_line(article.provider, article.domain))
        body.append("\n")
        body.append_text(
            _meta_line(long_date(article.published, self.tz), age(article.published, self.now()))
        )
        body.append("\n")
        numbers = []
        if article.quality is not None:
            numbers.append(f"quality {article.quality}")
        if article.heat is not None:
            numbers.append(f"heat {article.heat}")
        if article.type != "article":
            numbers.append(article.type)
        if numbers:
            body.append_text(_meta_line(*numbers))
            body.append("\n")
        if article.topics:
            body.append("Topics: ", style="dim")
            body.append(", ".join(article.topics) + "\n")
        body.append("\n")
        if article.excerpt:
            body.append_text(self._highlighted(article.excerpt, ""))
        else:
            body.append("(no excerpt)", style="dim")
        body.append("\n")
        if detail.body:
            body.append("\n" + detail.body + "\n")
        body.append("\n")
        body.append_text(link_text(article.url))
        body.append("\n")
        if detail.original_url and detail.original_url != article.url:
            body.append("original: ", style="dim")
            body.append_text(link_text(detail.original_url))
            body.append("\n")
        for image in detail.images[:1]:
            size = f"{image.width}×{image.height}" if image.width and image.height else ""
            body.append_text(_meta_line("image", size, image.title))
            body.append("\n")
        self._set_body(body)
        self._set_related(related, also_covered)

    def show_related(self, related: Related) -> None:
        """Show a related story that is not in the library: its own excerpt and link."""
        self.related_shown = related
        body = Text()
        body.append("Related story (not in your library)\n", style="dim italic")
        body.append(related.title + "\n", style="bold")
        body.append_text(_meta_line(related.provider, related.domain))
        body.append("\n")
        body.append_text(
            _meta_line(
                long_date(related.published, self.tz),
                age(related.published, self.now()),
                f"quality {related.quality}" if related.quality is not None else "",
            )
        )
        body.append("\n\n")
        body.append(related.excerpt or "(no excerpt)")
        body.append("\n\n")
        body.append_text(link_text(related.url))
        body.append("\n\n")
        body.append("Esc or Backspace goes back.", style="dim")
        self._set_body(body)
        self._set_related([], [])

    def focus_body(self) -> None:
        """Move focus into the pane: the related list when it has entries, else the text."""
        related_list = self.query_one(RelatedList)
        if self._entries:
            related_list.focus()
        else:
            self.query_one("#detail-scroll", VerticalScroll).focus()

    @property
    def highlighted_related(self) -> RelatedEntry | None:
        related_list = self.query_one(RelatedList)
        option = (
            related_list.get_option_at_index(related_list.highlighted)
            if related_list.highlighted is not None
            else None
        )
        if option is None or option.id is None or not option.id.startswith("entry:"):
            return None
        return self._entries[int(option.id.removeprefix("entry:"))]

    # -- internals ----------------------------------------------------------

    def _highlighted(self, value: str, style: str) -> Text:
        text = Text(value, style=style)
        if self.highlighter is not None:
            for start, end in self.highlighter(value):
                text.stylize("bold reverse", start, end)
        return text

    def _set_body(self, body: Text) -> None:
        self.query_one("#detail-body", Static).update(body)
        self.query_one("#detail-scroll", VerticalScroll).scroll_home(animate=False)

    def _set_related(self, related: Sequence[RelatedEntry], also: Sequence[Article]) -> None:
        related_list = self.query_one(RelatedList)
        self._entries = []
        options: list[Option] = []
        if also:
            options.append(Option(Text("Also covered by", style="bold"), disabled=True))
            for article in also[:MAX_ALSO_SHOWN]:
                self._entries.append(RelatedEntry(_as_related(article), article))
                options.append(self._option(len(self._entries) - 1, in_library=True))
            if len(also) > MAX_ALSO_SHOWN:
                more = len(also) - MAX_ALSO_SHOWN
                note = f"  … and {more} more: c, then Enter on the story, lists them all"
                options.append(Option(Text(note, style="dim italic"), disabled=True))
        if related:
            options.append(
                Option(Text(f"Related stories ({len(related)})", style="bold"), disabled=True)
            )
            for entry in related:
                self._entries.append(entry)
                options.append(self._option(len(self._entries) - 1, entry.article is not None))
        related_list.set_options(options)
        related_list.set_class(not options, "-empty")
        self.set_class(not options, "-no-related")
        if self._entries:
            first = next(i for i, option in enumerate(options) if not option.disabled)
            related_list.highlighted = first

    def _option(self, index: int, in_library: bool) -> Option:
        related = self._entries[index].related
        meta = [
            related.provider,
            short_date(related.published, self.tz),
            f"q{related.quality}" if related.quality is not None else "",
            "in library" if in_library else "",
        ]
        text = Text(related.title)
        text.append("\n" + " · ".join(part for part in meta if part), style="dim")
        return Option(HangingIndent("◆" if in_library else "", text), id=f"entry:{index}")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self.highlighted_related
        if entry is not None:
            self.post_message(self.RelatedChosen(entry.related, entry.article))


def _as_related(article: Article) -> Related:
    return Related(
        id=article.id,
        title=article.title,
        url=article.url,
        excerpt=article.excerpt,
        provider=article.provider,
        domain=article.domain,
        published=article.published,
        quality=article.quality,
        type=article.type,
    )
