"""The dwell tracker: an article shown long enough in the detail is marked read.

No Textual here: the app tells the tracker what the cursor did and whether the
user is reading (on the list or in the detail, no screen over them), and asks
it on every tick which article, if any, is due to be marked read.
"""

from __future__ import annotations

from collections.abc import Callable


class DwellTracker:
    """How long the article in the detail has been read, paused while the user is elsewhere.

    Only a move the user made starts the count: a new list, a topic switch or a
    deleted file moves the cursor without anyone reading. ``seconds <= 0``
    turns the tracker off (an article is then marked read only when opened).
    """

    def __init__(
        self, seconds: float, clock: Callable[[], float], reading: Callable[[], bool]
    ) -> None:
        self.seconds = seconds
        self.clock = clock
        self.reading = reading  # the user is on the list or in the detail now
        self._shown: tuple[str, float] | None = None  # (article id, since when)
        self._paused: float | None = None  # since when reading time has stopped

    @property
    def article_id(self) -> str | None:
        """The article being counted, if any."""
        return self._shown[0] if self._shown is not None else None

    @property
    def paused(self) -> bool:
        return self._paused is not None

    def start(self, article_id: str) -> None:
        """The user chose this article: its reading time starts now."""
        self._shown = (article_id, self.clock())

    def stop(self) -> None:
        """Nothing is being read (an explicit mark overrides the count, or no article)."""
        self._shown = None

    def moved(self, article_id: str | None, by_user: bool) -> None:
        """The list's cursor is on ``article_id`` now, moved by the user or not."""
        if article_id is None:
            self._shown = None
        elif by_user:
            self.start(article_id)
        elif self._shown is not None and self._shown[0] != article_id:
            self._shown = None  # kept only when the user chose this very article

    def check_reading(self) -> None:
        """Reading time stops while the user is not reading (a screen or the palette over
        the article, the sidebar, a search) and goes on from where it was after: checked
        at every tick and at once whenever a screen comes or goes."""
        reading = self.reading()
        paused = self._paused
        if reading and paused is not None:
            self._paused = None
            if self._shown is not None:
                article_id, since = self._shown
                self._shown = (article_id, since + self.clock() - max(paused, since))
        elif not reading and paused is None:
            self._paused = self.clock()

    def due(self) -> str | None:
        """The article to mark read now (once: the count stops), else None."""
        if self.seconds <= 0:
            return None
        self.check_reading()
        if self._shown is None or self._paused is not None:
            return None
        article_id, since = self._shown
        if self.clock() - since >= self.seconds:
            self._shown = None
            return article_id
        return None
