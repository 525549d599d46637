"""What the detail pane says: an article, a related story, the related rows, as
``rich.text.Text`` built from plain strings (seed text is never markup; only
http(s) links are clickable). No widget here: the pane draws these lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from rich.style import Style
from rich.text import Text

from reader.formatting import age, long_date, short_date
from reader.library import RelatedEntry
from reader.model import Article, ArticleDetail, Related
from reader.text import is_web_url

if TYPE_CHECKING:
    from reader.fulltext.document import Document

MAX_ALSO_SHOWN = 12  # more coverage than this is for the stories view
Highlighter = Callable[[str], list[tuple[int, int]]]


def link_text(url: str) -> Text:
    """A link: clickable only when it is http or https."""
    if not url:
        return Text("no link", style="dim italic")
    if is_web_url(url):
        return Text(url, style=Style(underline=True, link=url))
    return Text(url + "  (not a web link: not opened)", style="dim")


SEPARATOR = " · "
# The style of a line of items ("4 years ago", "quality 59"): wrapped between its
# items, never inside one (detail_pane._wrap_text).
ITEMS = Style(dim=True, meta={"items": True})


class FullTextView(NamedTuple):
    """What the pane shows in place of the excerpt: the text, a fetch under way, or why not."""

    document: Document | None = None
    fetching: bool = False
    error: str | None = None


FETCHING = "fetching the full text…"


def _meta_line(*parts: str) -> Text:
    return Text(SEPARATOR.join(part for part in parts if part), style=ITEMS)


class RelatedRow(NamedTuple):
    """One row of the related section before wrapping: a heading, a note or an entry."""

    text: Text
    entry: int | None = None
    marker: str = ""


# The details of an article whose file is not read yet (the first frame's): its
# excerpt is not known to be missing.
UNREAD = ArticleDetail()


def _highlighted(value: str, style: str, highlighter: Highlighter | None) -> Text:
    text = Text(value, style=style)
    if highlighter is not None:
        for start, end in highlighter(value):
            text.stylize("bold reverse", start, end)
    return text


def article_text(
    article: Article,
    detail: ArticleDetail,
    *,
    tz: tzinfo | None,
    now: datetime,
    highlighter: Highlighter | None = None,
    full: FullTextView | None = None,
    tags: Sequence[str] = (),
) -> Text:
    """An article of the library: title, meta lines, excerpt (or its full text), link, image."""
    body = Text()
    body.append_text(_highlighted(article.title, "bold", highlighter))
    body.append("\n")
    # A file without a provider is named by its domain: said once, not twice.
    provider = article.provider if article.provider != article.domain else ""
    body.append_text(_meta_line(provider, article.domain))
    body.append("\n")
    body.append_text(_meta_line(long_date(article.published, tz), age(article.published, now)))
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
    if tags:
        body.append("Tags: ", style="dim")
        body.append(", ".join(f"#{tag}" for tag in tags) + "\n")
    body.append("\n")
    document = full.document if full is not None else None
    if document is not None:
        _append_document(body, document, highlighter)
    elif detail.excerpt:
        body.append_text(_highlighted(detail.excerpt, "", highlighter))
    elif detail is not UNREAD:
        body.append("(no excerpt)", style="dim")
    body.append("\n")
    if full is not None and document is None:
        if full.fetching:
            body.append("\n" + FETCHING + "\n", style="italic")
        elif full.error:
            body.append(
                f"\nNo full text: {full.error}. The excerpt is above; t tries again.\n", style="dim"
            )
    if detail.body and document is None:
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
    return body


def _append_document(body: Text, document: Document, highlighter: Highlighter | None) -> None:
    """The full text laid out for reading, then its links as numbered references."""
    previous = ""
    for block in document.blocks:
        if previous and not (block.kind == previous and block.kind in ("item", "row", "code")):
            body.append("\n")
        if block.kind == "heading":
            style = "bold underline" if block.level <= 2 else "bold"
            body.append_text(_highlighted(block.text, style, highlighter))
        elif block.kind == "quote":
            body.append("│ ", style="dim")
            body.append_text(_highlighted(block.text, "italic", highlighter))
        elif block.kind == "code":
            for number, line in enumerate(block.text.splitlines()):
                body.append(("\n" if number else "") + "    " + line, style="dim")
        elif block.kind == "item":
            body.append("  " * block.level + f"{block.marker} ", style="bold")
            body.append_text(_highlighted(block.text, "", highlighter))
        else:
            body.append_text(_highlighted(block.text, "", highlighter))
        body.append("\n")
        previous = block.kind
    body.append("\n")
    body.append("full text · t shows the excerpt", style="dim italic")
    body.append("\n")
    if document.links:
        body.append("\nLinks (o or y, then the number)\n", style="bold")
        for link in document.links:
            body.append(f"[{link.number}] ", style="bold")
            body.append_text(link_text(link.url))
            body.append("\n")


def related_story_text(related: Related, *, tz: tzinfo | None, now: datetime) -> Text:
    """A related story that is not in the library: its own excerpt and link."""
    body = Text()
    body.append("Related story (not in your library)\n", style="dim italic")
    body.append(related.title + "\n", style="bold")
    body.append_text(_meta_line(related.provider, related.domain))
    body.append("\n")
    body.append_text(
        _meta_line(
            long_date(related.published, tz),
            age(related.published, now),
            f"quality {related.quality}" if related.quality is not None else "",
        )
    )
    body.append("\n\n")
    body.append(related.excerpt or "(no excerpt)")
    body.append("\n\n")
    body.append_text(link_text(related.url))
    body.append("\n\n")
    body.append("Esc or Backspace goes back.", style="dim")
    return body


def related_rows(
    related: Sequence[RelatedEntry], also: Sequence[Article], *, tz: tzinfo | None
) -> tuple[list[RelatedRow], list[RelatedEntry]]:
    """The related section's rows (coverage first, then related stories) and the
    entries the story rows stand for, in order."""
    entries: list[RelatedEntry] = []

    def entry_row(entry: RelatedEntry) -> RelatedRow:
        entries.append(entry)
        return _entry_row(entry, len(entries) - 1, tz)

    rows: list[RelatedRow] = []
    if also:
        rows.append(RelatedRow(Text("Also covered by", style="bold")))
        for article in also[:MAX_ALSO_SHOWN]:
            rows.append(entry_row(RelatedEntry(_as_related(article), article)))
        if len(also) > MAX_ALSO_SHOWN:
            more = len(also) - MAX_ALSO_SHOWN
            note = f"  … and {more} more: c, then Enter on the story, lists them all"
            rows.append(RelatedRow(Text(note, style="dim italic")))
    if related:
        rows.append(RelatedRow(Text(f"Related stories ({len(related)})", style="bold")))
        rows.extend(entry_row(entry) for entry in related)
    return rows, entries


def _entry_row(entry: RelatedEntry, index: int, tz: tzinfo | None) -> RelatedRow:
    related = entry.related
    in_library = entry.article is not None
    meta = [
        related.provider,
        short_date(related.published, tz),
        f"q{related.quality}" if related.quality is not None else "",
        "in library" if in_library else "",
    ]
    text = Text(related.title)
    text.append("\n")
    text.append(SEPARATOR.join(part for part in meta if part), style=ITEMS)
    return RelatedRow(text, index, "◆" if in_library else "")


def _as_related(article: Article) -> Related:
    return Related(
        id=article.id,
        title=article.title,
        url=article.url,
        # No excerpt: an article of the library opens as itself, never as this entry.
        provider=article.provider,
        domain=article.domain,
        published=article.published,
        quality=article.quality,
        type=article.type,
    )
