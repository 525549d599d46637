"""Ask for a name to save the current search under."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from reader.widgets.keys import bindings_for


class SaveSearchScreen(ModalScreen[str | None]):
    """Returns the name typed, or None when cancelled."""

    BINDINGS = bindings_for("save_search")

    DEFAULT_CSS = """
    SaveSearchScreen { align: center middle; }
    SaveSearchScreen > Vertical {
        width: 64; max-width: 100%; height: auto;
        border: round $primary; background: $panel; padding: 0 1;
    }
    """

    def __init__(self, query: str, covers: str = "every article", typed: str = "") -> None:
        super().__init__()
        self.search_query = query  # what is saved: the typed query within its scope
        self.covers = covers  # the scope, in words: "the topic “AI”"
        self.typed = typed or query  # what the user typed: the name it suggests

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Save this search in the sidebar as:", style="bold"), markup=False)
            covers = Text("Covers ", style="dim")
            covers.append(self.covers)
            covers.append(": ", style="dim")
            covers.append(self.search_query, style="dim")
            yield Static(covers, markup=False)
            yield Input(value=self.typed[:40], id="search-name")
            yield Static(Text("Enter saves, Esc cancels.", style="dim"), markup=False)

    def focus_name(self) -> None:
        """The name's input has the focus now, not after a refresh."""
        self.set_focus(self.query_one("#search-name", Input))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        self.dismiss(name or None)
