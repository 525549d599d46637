"""Ask for the shell command to pipe the article to (the last one is offered again)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from reader.widgets.keys import bindings_for


class PipeScreen(ModalScreen[str | None]):
    """Returns the command typed, or None when cancelled."""

    BINDINGS = bindings_for("pipe")

    DEFAULT_CSS = """
    PipeScreen { align: center middle; }
    PipeScreen > Vertical {
        width: 72; max-width: 100%; height: auto;
        border: round $primary; background: $panel; padding: 0 1;
    }
    """

    def __init__(self, title: str, last: str = "") -> None:
        super().__init__()
        self.article_title = title
        self.last = last

    def compose(self) -> ComposeResult:
        with Vertical():
            heading = Text("Pipe ", style="bold")
            heading.append(self.article_title)  # seed text: never markup
            heading.append(" to:", style="bold")
            yield Static(heading, markup=False)
            yield Input(
                value=self.last, placeholder="a shell command, e.g. wc -w", id="pipe-command"
            )
            yield Static(
                Text(
                    "It gets the title, link, date and text on its input, and "
                    "$NEWSREADER_URL and $NEWSREADER_TITLE. Enter runs it; Esc cancels.",
                    style="dim",
                ),
                markup=False,
            )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)
