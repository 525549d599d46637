"""Ask for a tag to add to (or take off) an article, completing from the tags in use."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from reader.widgets.keys import bindings_for


class TagScreen(ModalScreen[str | None]):
    """Returns the tag typed (whitespace tidied), or None when cancelled."""

    BINDINGS = bindings_for("tag")

    DEFAULT_CSS = """
    TagScreen { align: center middle; }
    TagScreen > Vertical {
        width: 64; max-width: 100%; height: auto;
        border: round $primary; background: $panel; padding: 0 1;
    }
    """

    def __init__(self, title: str, tags: Sequence[str], known: Sequence[str]) -> None:
        super().__init__()
        self.article_title = title
        self.tags = tuple(tags)  # the article's own
        self.known = tuple(known)  # every tag in use: the completions

    def compose(self) -> ComposeResult:
        with Vertical():
            heading = Text("Tag ", style="bold")
            heading.append(self.article_title)  # seed text: never markup
            yield Static(heading, markup=False)
            has = Text("Tags: ", style="dim")
            has.append(", ".join(self.tags) if self.tags else "none yet")
            yield Static(has, markup=False)
            yield Input(
                placeholder="a tag (→ completes)",
                suggester=SuggestFromList(self.known, case_sensitive=False),
                id="tag-name",
            )
            yield Static(
                Text("Enter adds the tag, or takes it off if the article has it; Esc cancels.",
                     style="dim"),
                markup=False,
            )  # fmt: skip

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        tag = " ".join(event.value.split()).lstrip("#")
        self.dismiss(tag or None)
