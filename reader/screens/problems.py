"""The skipped-files screen: every file that could not be read, and why."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.model import Duplicate, Problem
from reader.widgets.keys import bindings_for


class ProblemsScreen(ModalScreen[None]):
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
        duplicates: list[Duplicate],
        feed_failures: list[str] = (),  # type: ignore[assignment]
    ) -> None:
        super().__init__()
        self.feed_failures = list(feed_failures)
        self.problems = problems
        self.ignored = ignored
        self.duplicates = duplicates

    def compose(self) -> ComposeResult:
        text = Text()
        text.append(f"{len(self.problems)} files skipped", style="bold")
        text.append("  (Esc closes)\n\n", style="dim")
        for problem in self.problems:
            text.append(str(problem) + "\n")
        if self.feed_failures:
            text.append(f"\n{len(self.feed_failures)} feeds failed\n", style="bold")
            for line in self.feed_failures:
                text.append(line + "\n")
        if self.ignored:
            text.append(f"\n{len(self.ignored)} files ignored (not articles)\n", style="bold")
            for problem in self.ignored:
                text.append(str(problem) + "\n", style="dim")
        if self.duplicates:
            text.append(f"\n{len(self.duplicates)} duplicates merged\n", style="bold")
            for duplicate in self.duplicates:
                text.append(str(duplicate) + "\n", style="dim")
        with VerticalScroll():
            yield Static(text, markup=False)
