"""Small dialogs for feeds: the URL of a feed to add, and a yes/no confirmation."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from reader.widgets.keys import bindings_for

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 72; max-width: 100%; height: auto;
    border: round $primary; background: $panel; padding: 0 1;
}}
"""


class AddFeedScreen(ModalScreen[str | None]):
    """Returns the URL typed, or None when cancelled."""

    BINDINGS = bindings_for("add_feed")
    DEFAULT_CSS = _CSS.format(name="AddFeedScreen")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Subscribe to a feed:", style="bold"), markup=False)
            yield Input(placeholder="https://example.com/feed.xml", id="feed-url")
            yield Static(
                Text("Enter fetches it once to check it is a feed; Esc cancels.", style="dim"),
                markup=False,
            )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class ConfirmScreen(ModalScreen[bool]):
    """A question; returns True for y, False for n or Esc."""

    BINDINGS = bindings_for("confirm")
    DEFAULT_CSS = _CSS.format(name="ConfirmScreen")

    def __init__(self, question: Text, note: str = "") -> None:
        super().__init__()
        self.question = question
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            if self.note:
                yield Static(Text(self.note, style="dim"), markup=False)
            yield Static(Text("y: yes   n / Esc: no", style="dim"), markup=False)
