"""A modal screen of text that scrolls with the list keys (j/k/g/G/Home/End/PgUp/PgDn)."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.screen import ModalScreen, ScreenResultType

# scroll_by's moves (reader.bindings.SCROLL_MOVES) -> VerticalScroll's methods
_METHODS = {
    "down": "scroll_down",
    "up": "scroll_up",
    "home": "scroll_home",
    "end": "scroll_end",
    "page_down": "scroll_page_down",
    "page_up": "scroll_page_up",
}


class ScrollingScreen(ModalScreen[ScreenResultType]):
    """Its list keys scroll its one ``VerticalScroll``, whatever has focus."""

    def action_scroll_by(self, move: str) -> None:
        getattr(self.query_one(VerticalScroll), _METHODS[move])(animate=False)
