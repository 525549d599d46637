"""The top line's text: where you are, how many, and what is going on. No Textual.

The app gathers the facts into a ``StatusLine``; ``parts`` turns them into
``(text, style)`` pieces that the app assembles into a ``rich.text.Text``.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.formatting import plural

SEPARATOR = "  │  "
MAX_LABEL = 40  # cells of the scope's name before it is cut with an ellipsis


@dataclass(frozen=True, slots=True)
class StatusLine:
    """Everything the top line says."""

    label: str  # the scope's name (Library.label)
    sort: str
    unread: int
    total: int
    by_story: bool = False  # counts are of stories, not articles
    hide_read: bool = False
    query: str = ""
    checking: bool = False  # a cached index shown, being checked against the folders
    fetching: tuple[int, int] | None = None  # feeds fetched so far, of how many
    loading: tuple[int, int] | None = None  # files read so far, of how many
    skipped: int = 0  # files that could not be read

    def parts(self) -> list[tuple[str, str]]:
        """The line as ``(text, style)`` pieces; style "" is plain."""
        label = self.label if len(self.label) <= MAX_LABEL else self.label[: MAX_LABEL - 1] + "…"
        count = plural(self.total, "story" if self.by_story else "article")
        parts = [
            ("newsreader", "bold"),
            (SEPARATOR, ""),
            (label, "bold"),
            (f"{SEPARATOR}by {self.sort}", ""),
            (f"{SEPARATOR}{count}, {self.unread:,} unread", ""),
        ]
        if self.hide_read:
            parts.append((f"{SEPARATOR}read hidden", ""))
        if self.query:
            parts += [(f"{SEPARATOR}search: ", ""), (self.query, "bold")]
        if self.checking:
            parts.append((f"{SEPARATOR}checking for changes…", "italic"))
        if self.fetching is not None:
            done, total = self.fetching
            text = f"fetching feeds {done}/{total}" if total else "fetching feeds…"
            parts.append((SEPARATOR + text, "italic"))
        if self.loading is not None:
            done, total = self.loading
            percent = f" {done * 100 // total}%" if total else ""
            parts.append((f"{SEPARATOR}loading {done:,}/{total:,} files{percent}", "italic"))
        if self.skipped:
            parts += [
                (SEPARATOR, ""),
                (f"{plural(self.skipped, 'file')} skipped, press ! to see", "bold yellow"),
            ]
        return parts
