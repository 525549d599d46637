"""The skipped-files screen: every file that could not be read, and why."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.formatting import plural
from reader.model import Duplicate, Problem
from reader.screens.scrolling import ScrollingScreen
from reader.widgets.keys import bindings_for


class ProblemsScreen(ScrollingScreen[None]):
    """Lists problems first, then ignored files and merged duplicates."""

    BINDINGS = bindings_for("problems")

    DEFAULT_CSS = """
    ProblemsScreen { align: center middle; }
    ProblemsScreen > VerticalScroll {
        width: 90%; height: 80%; border: round $warning; background: $panel; padding: 0 1;
    }
    """

    def __init__(
        self,
        problems: list[Problem],
        ignored: list[Problem],
        duplicates: Sequence[Duplicate | str],
        feed_failures: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.feed_failures = list(feed_failures)
        self.problems = problems
        self.ignored = ignored
        self.duplicates = duplicates

    def compose(self) -> ComposeResult:
        text = problems_text(self.problems, self.ignored, self.duplicates, self.feed_failures)
        with VerticalScroll():
            yield Static(text, markup=False)


def problems_text(
    problems: list[Problem],
    ignored: list[Problem],
    duplicates: Sequence[Duplicate | str],
    feed_failures: Sequence[str],
) -> Text:
    """The screen's text: a counted heading over each non-empty list."""
    text = Text()
    failed = f"{plural(len(feed_failures), 'feed')} failed"
    # Failed feeds and no skipped file: the title says what is there, not "0 files skipped".
    feeds_first = bool(feed_failures) and not problems
    text.append(failed if feeds_first else f"{plural(len(problems), 'file')} skipped", style="bold")
    text.append("  (Esc closes)\n\n", style="dim")
    for problem in problems:
        text.append(str(problem) + "\n")
    if feed_failures:
        if not feeds_first:
            text.append(f"\n{failed}\n", style="bold")
        for line in feed_failures:
            text.append(line + "\n")
    if ignored:
        text.append(f"\n{plural(len(ignored), 'file')} ignored (not articles)\n", style="bold")
        for problem in ignored:
            text.append(str(problem) + "\n", style="dim")
    if duplicates:
        text.append(f"\n{plural(len(duplicates), 'duplicate')} merged\n", style="bold")
        for duplicate in duplicates:
            text.append(str(duplicate) + "\n", style="dim")
    return text
