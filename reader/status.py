"""The top line's text: where you are, how many, and what is going on. No Textual.

The app gathers the facts into a ``StatusLine``; ``parts`` turns them into
``(text, style)`` pieces that the app assembles into a ``rich.text.Text``.
"""

from __future__ import annotations

from rich.cells import cell_len

from reader.formatting import fit, plural
from reader.record import Record

SEPARATOR = "  │  "
MAX_LABEL = 40  # cells of the scope's name before it is cut with an ellipsis


class StatusLine(Record):
    """Everything the top line says (a frozen value: ``reader.record``)."""

    __slots__ = (
        "label", "sort", "unread", "total", "by_story", "hide_read", "query", "checking",
        "grouping", "fetching", "loading", "skipped", "hidden", "feeds_failed",
    )  # fmt: skip
    label: str  # the scope's name (Library.label)
    sort: str
    unread: int
    total: int
    by_story: bool  # counts are of stories, not articles
    hide_read: bool
    query: str
    checking: bool  # a cached index shown, being checked against the folders
    grouping: bool  # the stories view asked for, its stories not grouped yet
    fetching: tuple[int, int] | None  # feeds fetched so far, of how many
    loading: tuple[int, int] | None  # files read so far, of how many
    skipped: int  # files that could not be read
    hidden: int  # articles the config's hide rules leave out
    feeds_failed: int  # feeds the last fetch could not bring

    def __init__(
        self,
        label: str,
        sort: str,
        unread: int,
        total: int,
        by_story: bool = False,
        hide_read: bool = False,
        query: str = "",
        checking: bool = False,
        grouping: bool = False,
        fetching: tuple[int, int] | None = None,
        loading: tuple[int, int] | None = None,
        skipped: int = 0,
        hidden: int = 0,
        feeds_failed: int = 0,
    ) -> None:
        put = object.__setattr__
        put(self, "label", label)
        put(self, "sort", sort)
        put(self, "unread", unread)
        put(self, "total", total)
        put(self, "by_story", by_story)
        put(self, "hide_read", hide_read)
        put(self, "query", query)
        put(self, "checking", checking)
        put(self, "grouping", grouping)
        put(self, "fetching", fetching)
        put(self, "loading", loading)
        put(self, "skipped", skipped)
        put(self, "hidden", hidden)
        put(self, "feeds_failed", feeds_failed)

    def parts(self, width: int | None = None) -> list[tuple[str, str]]:
        """The line as ``(text, style)`` pieces; style "" is plain.

        Given a ``width`` in cells, the line is shortened to fit, least needed
        parts first (the name, the sort, the notes, then the wording), so the
        view's name and its unread count always stay.
        """
        pieces = self._pieces()
        separator = SEPARATOR
        if width is not None:
            for name in SHORTENING:
                if _length(pieces, separator) <= width:
                    break
                if name == "separator":
                    separator = " │ "
                elif name == "count":
                    pieces["count"] = [(f"{self.unread:,} unread", "")]
                elif name == "skipped_short" and "skipped" in pieces:
                    pieces["skipped"] = [(f"{self.skipped} skipped (!)", "bold yellow")]
                else:
                    pieces.pop(name, None)
            over = _length(pieces, separator) - width
            if over > 0:
                label = pieces["label"][0][0]
                pieces["label"] = [(fit(label, max(2, cell_len(label) - over)), "bold")]
        parts: list[tuple[str, str]] = []
        for number, piece in enumerate(pieces.values()):
            if number:
                parts.append((separator, ""))
            parts += piece
        return parts

    def _pieces(self) -> dict[str, list[tuple[str, str]]]:
        """Every part of the full line, by name, in order."""
        label = self.label if len(self.label) <= MAX_LABEL else self.label[: MAX_LABEL - 1] + "…"
        count = plural(self.total, "story" if self.by_story else "article")
        pieces: dict[str, list[tuple[str, str]]] = {
            "brand": [("newsreader", "bold")],
            "label": [(label, "bold")],
            "sort": [(f"by {self.sort}", "")],
            "count": [(f"{count}, {self.unread:,} unread", "")],
        }
        if self.hide_read:
            pieces["hide_read"] = [("read hidden", "")]
        if self.query:
            pieces["query"] = [("search: ", ""), (self.query, "bold")]
        if self.grouping:
            pieces["grouping"] = [("grouping stories…", "italic")]
        if self.checking:
            pieces["checking"] = [("checking for changes…", "italic")]
        if self.fetching is not None:
            done, total = self.fetching
            text = f"fetching feeds {done}/{total}" if total else "fetching feeds…"
            pieces["fetching"] = [(text, "italic")]
        if self.loading is not None:
            done, total = self.loading
            # No total yet: the index cache or the folders are still being read.
            text = (
                f"loading {done:,}/{total:,} files {done * 100 // total}%" if total else "loading…"
            )
            pieces["loading"] = [(text, "italic")]
        if self.hidden:
            pieces["hidden"] = [(f"{self.hidden:,} hidden by filters", "")]
        if self.skipped:
            text = f"{plural(self.skipped, 'file')} skipped, press ! to see"
            pieces["skipped"] = [(text, "bold yellow")]
        if self.feeds_failed:
            text = f"{plural(self.feeds_failed, 'feed')} failed, press ! to see"
            pieces["feeds_failed"] = [(text, "bold yellow")]
        return pieces


# What goes first when the line is too wide; the label and the count stay.
SHORTENING = (
    "brand", "sort", "checking", "grouping", "fetching", "skipped_short", "hidden", "hide_read",
    "loading", "separator", "count", "feeds_failed", "skipped", "query",
)  # fmt: skip


def _length(pieces: dict[str, list[tuple[str, str]]], separator: str) -> int:
    """Cells of the line."""
    text = sum(cell_len(text) for piece in pieces.values() for text, _ in piece)
    return text + len(separator) * (len(pieces) - 1)
