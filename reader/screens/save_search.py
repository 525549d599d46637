"""Ask for a name to save the current search under."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from reader.widgets.keys import bindings_for


class SaveSearchScreen(ModalScreen[str | None]):
    """Returns the name typed, or None when cancelled. A name already in ``taken`` (a
    saved search of another query) is returned only on a second Enter, once the
    dialog has said what it replaces."""

    BINDINGS = bindings_for("save_search")

    DEFAULT_CSS = """
    SaveSearchScreen { align: center middle; }
    SaveSearchScreen > Vertical {
        width: 64; max-width: 100%; height: auto;
        border: round $primary; background: $panel; padding: 0 1;
    }
    SaveSearchScreen #name-taken { display: none; color: $warning; }
    SaveSearchScreen.-taken #name-taken { display: block; }
    """

    def __init__(
        self,
        query: str,
        covers: str = "every article",
        typed: str = "",
        taken: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.search_query = query  # what is saved: the typed query within its scope
        self.covers = covers  # the scope, in words: "the topic “AI”"
        self.typed = typed or query  # what the user typed: the name it suggests
        self.taken = dict(taken or {})  # the saved searches: name -> query
        self._warned: str | None = None  # the name in use the dialog has warned of

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Save this search in the sidebar as:", style="bold"), markup=False)
            covers = Text("Covers ", style="dim")
            covers.append(self.covers)
            covers.append(": ", style="dim")
            covers.append(self.search_query, style="dim")
            yield Static(covers, markup=False)
            yield Input(value=self.typed[:40], id="search-name")
            yield Static(id="name-taken", markup=False)
            yield Static(Text("Enter saves, Esc cancels.", style="dim"), markup=False)

    def focus_name(self) -> None:
        """The name's input has the focus now, not after a refresh."""
        self.set_focus(self.query_one("#search-name", Input))

    @on(Input.Changed)
    def _changed(self) -> None:
        self._warned = None
        self.remove_class("-taken")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        old = self.taken.get(name)
        if name and old is not None and old != self.search_query and self._warned != name:
            self._warned = name
            warning = Text(f"“{name}” is already a saved search ({old}): ")
            warning.append("Enter again replaces it; or type another name.")
            self.query_one("#name-taken", Static).update(warning)
            self.add_class("-taken")
            return
        self.dismiss(name or None)
