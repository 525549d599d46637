"""The article's picture: a fixed box at the top of the detail pane, drawn with
textual-image (Kitty's graphics protocol, Sixel, or half-cell blocks).

How it is drawn is decided once, before the app starts (``detect``): textual-image
asks the terminal when it is imported, which no longer works once Textual reads
the keys. Kitty or Sixel bytes are only ever written to a terminal that answered
that it understands them; everything else (tmux, a browser tab, a pipe) gets
half-cell blocks, which any colour terminal draws.

The box never makes a ``j`` wait: ``show`` returns at once, and the picture is
read from the disk cache or fetched, checked and decoded in a worker; the text
is on screen before it. A refused picture is one quiet line in the box.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import sys
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    # Imported by the picture widget, made only with pictures on: a start with them
    # off imports neither the picture code nor hashlib's OpenSSL (~3 ms).
    from reader.images import Picture, PictureCache

Mode = Literal["kitty", "sixel", "halfcell"]
KEPT = 8  # decoded pictures kept in memory (each at most ~2 MB)


class PictureSetup(NamedTuple):
    """How pictures are drawn, decided before the app starts; ``note`` says why a
    protocol that was asked for is not used."""

    mode: Mode
    note: str = ""


class _NotATerminal:
    """Stands in for stdout while textual-image is imported: it then asks nothing."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class TerminalAnswer(NamedTuple):
    """What the terminal said it draws."""

    sixel: bool
    kitty: bool


_DA1 = re.compile(rb"\x1b\[\?([0-9;]*)c")  # the primary device attributes' answer
_KITTY = re.compile(rb"\x1b_Gi=(\d+)[^\x1b;]*;OK\x1b\\")  # a graphics query's "yes"
QUERY_ID = 31  # the graphics query's image id (a query stores no image)
# Every terminal answers the device attributes query; one that does not (or a slow
# link) is given what textual-image gave its two queries, then drawn half-cell.
ASK_TIMEOUT = 0.2


def query_terminal(fd_in: int, fd_out: int, timeout: float = ASK_TIMEOUT) -> TerminalAnswer:
    """Ask the terminal on ``fd_in``/``fd_out`` for Kitty's graphics protocol and Sixel.

    One exchange, as Kitty's documentation advises: its graphics query, then the
    device attributes query that every terminal answers, after any answer to the
    first. Done when that second answer is in, instead of waiting out a timeout for
    a graphics answer that most terminals (tmux, xterm, VTE) never send: textual-image
    asks Sixel then Kitty in turn, and waited 0.1 s for Kitty's on each such start.
    Reads one byte at a time: keys typed after the answer stay for the app."""
    import termios
    import tty

    saved = termios.tcgetattr(fd_in)
    tty.setcbreak(fd_in, termios.TCSANOW)  # no echo of the answer, no line buffering
    heard = b""
    try:
        os.write(fd_out, f"\x1b_Gi={QUERY_ID},s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[c".encode())
        deadline = time.monotonic() + timeout
        while _DA1.search(heard) is None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd_in], [], [], left)[0]:
                break
            byte = os.read(fd_in, 1)
            if not byte:
                break
            heard += byte
    finally:
        termios.tcsetattr(fd_in, termios.TCSANOW, saved)
    attributes = _DA1.search(heard)
    sixel = attributes is not None and b"4" in attributes.group(1).split(b";")
    kitty = any(int(found.group(1)) == QUERY_ID for found in _KITTY.finditer(heard))
    return TerminalAnswer(sixel=sixel, kitty=kitty)


def _import_quietly() -> None:
    """Import textual-image without its own questions to the terminal (see ``detect``)."""
    real = sys.__stdout__
    setattr(sys, "__stdout__", _NotATerminal(real))  # noqa: B010 (typed as final)
    try:
        import textual_image.renderable  # noqa: F401 - it asks at import what it can draw
    finally:
        setattr(sys, "__stdout__", real)  # noqa: B010


def _answer(stdin: Any, stdout: Any) -> TerminalAnswer | None:
    """The terminal's answer, or None where it cannot be asked here (not POSIX)."""
    try:
        import termios  # POSIX only
    except ImportError:
        return None
    try:
        return query_terminal(stdin.fileno(), stdout.fileno())
    except (termios.error, OSError, ValueError):
        return None


def detect(setting: str, *, ask_terminal: bool = True) -> PictureSetup | None:
    """How to draw pictures for ``setting`` (``images`` in config.toml); None for "off".

    Call before the app runs. With "halfcell", or ``ask_terminal`` False (a browser
    tab, a test), the terminal is not asked anything.
    """
    if setting == "off":
        return None
    if setting == "halfcell" or not ask_terminal:
        real = sys.__stdout__
        setattr(sys, "__stdout__", _NotATerminal(real))  # noqa: B010 (typed as final)
        try:
            import textual_image.widget  # noqa: F401 - imported here, before the app
        finally:
            setattr(sys, "__stdout__", real)  # noqa: B010
        return PictureSetup("halfcell")
    stdin, stdout = sys.__stdin__, sys.__stdout__
    answer: TerminalAnswer | None = TerminalAnswer(False, False)
    if stdin is not None and stdout is not None and stdin.isatty() and stdout.isatty():
        answer = _answer(stdin, stdout)
    if answer is not None:
        _import_quietly()
    # The cell's size in pixels (a picture's size in cells) is still textual-image's
    # to ask, at import: a system call in most terminals.
    import textual_image.widget  # noqa: F401 - before the app (textual-image's README)

    if answer is None:  # textual-image asked at import
        from textual_image import renderable
        from textual_image.renderable import tgp

        sixel = renderable.Image is renderable.SixelImage
        kitty = renderable.Image is renderable.TGPImage
        if setting == "kitty" and not kitty and sixel:
            # textual-image asks about Kitty's protocol only when Sixel is missing.
            kitty = tgp.query_terminal_support()
        answer = TerminalAnswer(sixel=sixel, kitty=kitty)
    sixel, kitty = answer
    if setting == "auto":
        return PictureSetup("sixel" if sixel else "kitty" if kitty else "halfcell")
    if setting == "kitty":
        if kitty:
            return PictureSetup("kitty")
        return PictureSetup(
            "halfcell",
            'images = "kitty": this terminal did not say it speaks Kitty\'s graphics '
            "protocol; pictures are drawn in half-cell blocks",
        )
    if sixel:
        return PictureSetup("sixel")
    return PictureSetup(
        "halfcell",
        'images = "sixel": this terminal did not say it speaks Sixel; '
        "pictures are drawn in half-cell blocks",
    )


def _image_widget(mode: Mode) -> Widget:
    from textual_image import widget

    kind: Any = {
        "kitty": widget.TGPImage,
        "sixel": widget.SixelImage,
        "halfcell": widget.HalfcellImage,
    }[mode]

    class BoxedImage(kind, Renderable=kind._Renderable):  # type: ignore[call-arg]
        """textual-image's widget, which lays the screen out for every new picture;
        in the fixed box only a picture of another size in cells needs that (a layout
        per j made it 3x slower)."""

        def refresh(self, *regions: Any, layout: bool = False, **kwargs: Any) -> Any:
            if layout and self.image is None:
                layout = False  # cleared while the next picture loads: blank, same box
            elif layout and self.is_mounted and self.parent is not None:
                box = self.parent.content_size
                width = self.get_content_width(box, box)
                height = self.get_content_height(box, box, width)
                layout = (width, height) != tuple(self.content_size)
            return super().refresh(*regions, layout=layout, **kwargs)

    return BoxedImage(classes="picture")


def load_picture(url: str, cache: PictureCache) -> Picture:
    """``reader.images.load_picture``, imported on the first picture."""
    from reader.images import load_picture as load

    return load(url, cache)


class ArticlePicture(Widget):
    """The box: the picture, or one line saying why there is none."""

    DEFAULT_CSS = """
    ArticlePicture { display: none; height: 33%; padding: 0 1; }
    ArticlePicture.-shown { display: block; }
    ArticlePicture.-shown.-cramped { display: none; }
    ArticlePicture > .picture { width: auto; height: 100%; }
    ArticlePicture > #picture-line {
        display: none; height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis;
    }
    ArticlePicture.-refused { height: 1; }  /* a refusal takes one line, not the box */
    ArticlePicture.-refused > .picture { display: none; }
    ArticlePicture.-refused > #picture-line { display: block; }
    """

    class Loaded(Message):
        """A worker finished with ``url``: its picture, or why it is not shown."""

        def __init__(
            self, url: str, picture: Picture | None, refused: str = "", unreachable: bool = False
        ) -> None:
            super().__init__()
            self.url = url
            self.picture = picture
            self.refused = refused
            self.unreachable = unreachable  # the host could not be reached at all

    def __init__(
        self, setup: PictureSetup, cache: PictureCache | None = None, *, id: str | None = None
    ) -> None:
        from reader.images import PictureCache

        super().__init__(id=id)
        self.setup = setup
        self.cache = cache if cache is not None else PictureCache()
        self.url: str | None = None
        self.refused = ""  # the line shown for the current url, if refused
        self._kept: OrderedDict[str, Picture | str] = OrderedDict()  # url -> picture or line
        # Until then (monotonic) the last picture's host could not be reached: a new one
        # waits on one line, not in the box (offline, each j would draw the box, then
        # the line, and move the text up and down).
        self._unreachable_until = 0.0
        self._image = _image_widget(setup.mode)

    def compose(self) -> ComposeResult:
        yield self._image
        yield Static(id="picture-line", markup=False)

    @property
    def image(self) -> Any:
        """What the picture widget draws now (a Pillow image), or None."""
        return self._image.image  # type: ignore[attr-defined]

    def show(self, url: str | None) -> None:
        """Show the picture at ``url`` (None: no box). Returns at once."""
        if url == self.url:
            return
        self.url = url
        self.set_class(url is not None, "-shown")
        if url is None:
            return
        kept = self._kept.get(url)
        if kept is None:
            waiting = time.monotonic() < self._unreachable_until
            self._draw(None, WAITING_OFFLINE if waiting else "")
            self._load(url)
        else:
            self._kept.move_to_end(url)
            if isinstance(kept, str):
                self._draw(None, kept)
            else:
                self._draw(kept, "")

    def prefetch(self, urls: list[str]) -> None:
        """Fetch the read-ahead articles' pictures to the disk cache, in a worker."""
        wanted = [u for u in urls if u not in self._kept and u != self.url]
        if wanted:
            self._prefetch(wanted)

    def _draw(self, picture: Picture | None, refused: str) -> None:
        self.refused = refused
        self.set_class(bool(refused), "-refused")
        if refused:
            self.query_one("#picture-line", Static).update(Text(refused, style="italic"))
        image = picture.image if picture is not None else None
        if self._image.image is not image:  # type: ignore[attr-defined]
            self._image.image = image  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, exit_on_error=False, group="picture", description="picture")
    def _load(self, url: str) -> None:
        from reader.images import PictureRefused

        try:
            self.post_message(self.Loaded(url, load_picture(url, self.cache)))
        except PictureRefused as refused:
            self.post_message(self.Loaded(url, None, refused.line, refused.unreachable))

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="picture-ahead",
        description="pictures ahead",
    )
    def _prefetch(self, urls: list[str]) -> None:
        from reader.images import PictureRefused

        for url in urls:
            if self.cache.get(url) is None:
                with contextlib.suppress(PictureRefused):  # said if that article is shown
                    load_picture(url, self.cache)

    def on_article_picture_loaded(self, message: Loaded) -> None:
        message.stop()
        self._unreachable_until = time.monotonic() + UNREACHABLE_FOR if message.unreachable else 0.0
        kept: Picture | str = message.picture if message.picture is not None else message.refused
        self._kept[message.url] = kept
        self._kept.move_to_end(message.url)
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)
        if message.url == self.url:
            self._draw(message.picture, message.refused)


# After a host could not be reached, for this long a new picture waits on this line.
UNREACHABLE_FOR = 60.0
WAITING_OFFLINE = "picture: fetching… (the last one's host could not be reached)"


# Under this the box is hidden: a narrow terminal, or the detail below the list in a short one.
MIN_WIDTH, MIN_HEIGHT = 40, 15


class ReadingColumn(Vertical):
    """The detail column: the picture's box (if any) above the detail pane."""

    def on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        for picture in self.query(ArticlePicture):
            picture.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-cramped")
