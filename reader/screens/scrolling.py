"""A modal screen of text that scrolls with the list keys (j/k/g/G/Home/End/PgUp/PgDn)."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.screen import ModalScreen, ScreenResultType


class ScrollingScreen(ModalScreen[ScreenResultType]):
    """Its scroll actions move its one ``VerticalScroll``, whatever has focus.

    The screen itself never scrolls, so Widget's own scroll actions would do
    nothing here; the binding table names these for the help and skipped-files
    screens.
    """

    @property
    def _scroll(self) -> VerticalScroll:
        return self.query_one(VerticalScroll)

    def action_scroll_down(self) -> None:
        self._scroll.scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self._scroll.scroll_up(animate=False)

    def action_scroll_home(self) -> None:
        self._scroll.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self._scroll.scroll_end(animate=False)

    def action_page_down(self) -> None:
        self._scroll.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self._scroll.scroll_page_up(animate=False)
