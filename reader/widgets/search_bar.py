"""The search bar: a query input that filters as you type, and a line for errors."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from reader.widgets.keys import bindings_for

DEBOUNCE = 0.15  # seconds of quiet typing before the list is filtered


class SearchBar(Vertical):
    """Posts Changed (debounced) while typing, Submitted on Enter, Cancelled on Esc."""

    BINDINGS = bindings_for("search")  # Enter (priority) filters and focuses the list at once

    DEFAULT_CSS = """
    SearchBar { height: auto; display: none; background: $panel; }
    SearchBar.-open { display: block; }
    SearchBar > Input, SearchBar > Input:focus { border: none; height: 1; padding: 0 1; }
    SearchBar #search-error { height: auto; color: $error; padding: 0 1; display: none; }
    SearchBar.-error #search-error { display: block; }
    """

    class Changed(Message):
        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Submitted(Message):
        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Cancelled(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        return ()  # the input is made by prepare (after the first frame), or on open

    def prepare(self) -> Input:
        """The input and the error line, mounted once: not on the first frame, which
        never shows them (an Input is the costliest widget to set up)."""
        found = self.query(Input)
        if found:
            return found.first()
        field = Input(
            placeholder='search: words "a phrase" -exclude topic:AI provider:gulf is:unread '
            "quality:>50 after:7d",
            id="search-input",
        )
        self.mount(field, Static(id="search-error", markup=False))  # in the DOM at once
        return field

    @property
    def input(self) -> Input:
        return self.prepare()

    def open(self, query: str) -> None:
        self.add_class("-open")
        field = self.input
        field.value = query
        field.cursor_position = len(query)
        # Focus now, not after a refresh: keys typed right after / go to the bar.
        self.screen.set_focus(field)

    def take_query(self) -> str:
        """The query as typed, its pending Changed dropped (Enter applies it now)."""
        if self._timer is not None:
            self._timer.stop()
        return self.input.value

    def close(self) -> None:
        self.remove_class("-open")
        self.show_error(None)

    def show_error(self, message: str | None) -> None:
        self.set_class(message is not None, "-error")
        self.prepare()
        self.query_one("#search-error", Static).update(Text(message or ""))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        value = event.value
        self._timer = self.set_timer(DEBOUNCE, lambda: self.post_message(self.Changed(value)))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self.post_message(self.Submitted(event.value))

    def action_cancel(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.post_message(self.Cancelled())
