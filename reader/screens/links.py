"""Choose one of an article's links: its own, or a numbered reference of its full text."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.fulltext.document import Link


class LinkChooser(ModalScreen[str | None]):
    """Returns the link chosen (by its number, or the cursor and Enter), or None on Esc."""

    DEFAULT_CSS = """
    LinkChooser { align: center middle; }
    LinkChooser > Vertical {
        width: 90; max-width: 100%; height: auto; max-height: 80%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    LinkChooser OptionList { height: auto; max-height: 20; }
    """

    def __init__(self, verb: str, own: str, links: Sequence[Link]) -> None:
        super().__init__()
        self.verb = verb  # "Open" or "Copy"
        self.urls = [own, *(link.url for link in links)]
        self.links = list(links)
        self.typed = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            title = f"{self.verb} which link? Type its number, or move and press Enter."
            yield Static(Text(title, style="bold"), markup=False)
            options = [Option(Text.assemble(("0 ", "bold"), "the article: ", self.urls[0]))]
            for link in self.links:
                line = Text.assemble((f"[{link.number}] ", "bold"), link.label or "", "  ")
                line.append(link.url, style="dim")
                options.append(Option(line))
            yield OptionList(*options, id="links")
            yield Static(Text("Esc cancels.", style="dim"), markup=False)

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            self.dismiss(None)
        elif event.character is not None and event.character.isdigit():
            event.stop()
            self.typed = (self.typed + event.character)[-4:]
            number = int(self.typed)
            if number >= len(self.urls):
                self.typed = event.character
                number = int(self.typed)
            if number < len(self.urls):
                self.query_one(OptionList).highlighted = number
                # A number that no longer one could extend (9 of 12 links) is the answer.
                if number == 0 or number * 10 >= len(self.urls):
                    self.dismiss(self.urls[number])

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.urls[event.option_index])
