"""The first frame: what it does not show waits until it is on screen.

A start draws the library from its index; the first article's file (and the
YAML parser it needs), the stories and the search index come right after the
first frame, instead of before it. Textual sends the app ``Ready`` once that
frame is drawn (``NewsReaderApp.on_ready`` calls ``painted``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reader.tui.controller import Controller


class FirstPaint(Controller):
    """Callbacks held until the first frame is on screen, then run in order."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.done = False
        self._waiting: list[Callable[[], object]] = []

    def later(self, callback: Callable[..., object], *args: object) -> None:
        """Run ``callback`` once the first frame is drawn (after the next one, once it is)."""
        if self.done:
            self.app.call_after_refresh(callback, *args)
        else:
            self._waiting.append(lambda: callback(*args))

    def painted(self) -> None:
        """The first frame is on screen."""
        if self.done:
            return
        self.done = True
        waiting, self._waiting = self._waiting, []
        for callback in waiting:
            callback()
