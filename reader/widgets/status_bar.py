"""The top line: where you are, how many, and what went wrong (text from reader.status)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from reader.status import StatusLine


class StatusBar(Static):
    """The top line: where you are, how many, and what went wrong; fitted to its width."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    status: StatusLine | None = None

    def show(self, status: StatusLine) -> None:
        self.status = status
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        if self.status is not None:
            # One line whatever it says: no layout (five times a second while loading).
            self.update(self._line(), layout=False)

    def render(self) -> Text:
        # Fitted again when drawn: the first line is set at mount, before any layout
        # gives the bar its width, and the first frame kept parts that the next cut.
        return self._line()

    def _line(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.status is not None:
            for part, style in self.status.parts(self.content_region.width or None):
                text.append(part, style=style)
        return text
