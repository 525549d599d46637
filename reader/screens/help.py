"""The help screen: every binding by pane, with its keys (as remapped) and its id.

The rows come from the binding table (``reader.bindings.help_rows``); the id is
what a ``[keymap]`` line in config.toml names to change a key.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.bindings import HelpRow
from reader.screens.scrolling import ScrollingScreen
from reader.widgets.keys import bindings_for

HELP_WIDTH = 72  # cells, border included
MIN_DESCRIPTION = 14  # cells "what it does" keeps before the ids go under it


class HelpScreen(ScrollingScreen[None]):
    """Every key, by pane."""

    BINDINGS = bindings_for("help")

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 72; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    """  # width: HELP_WIDTH

    def __init__(self, rows: list[HelpRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            title = "newsreader keys — Esc closes; ids are for [keymap] in config.toml"
            yield Static(Text(title, style="bold"), markup=False)
            yield Static(self._table(self.app.size.width), id="help-table")

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#help-table", Static).update(self._table(event.size.width))

    def _table(self, screen_width: int) -> Table:
        """Keys, what they do and the ids; in a narrow terminal the id goes under
        what the key does, which keeps its column (it is what the reader needs)."""
        # A fixed key column: measured by Textual before its scrollbar, rich would
        # take the scrollbar's two cells from this column's padding.
        widest = max((len(row.keys) for row in self.rows), default=0) + 2
        ids = max((len(row.id) for row in self.rows), default=0)
        room = min(HELP_WIDTH, screen_width) - 6  # the border, padding and scrollbar
        three = room >= widest + 2 + MIN_DESCRIPTION + 2 + ids
        table = Table.grid(padding=(0, 2 if three else 1))
        if three:
            table.add_column(style="bold", no_wrap=True, min_width=widest)
        else:  # "Escape / q / ?" may take two lines: what it does keeps its room
            table.add_column(style="bold", max_width=max(6, room // 3))
        table.add_column()
        if three:
            table.add_column(style="dim", no_wrap=True)
        blank = ("", "", "") if three else ("", "")
        section = None
        for row in self.rows:
            if row.section != section:
                if section is not None:
                    table.add_row(*blank)
                table.add_row(Text(row.section, style="bold underline"), *blank[1:])
                section = row.section
            if three:
                table.add_row(Text(row.keys), Text(row.description), Text(row.id))
            else:
                does = Text(row.description, overflow="fold")
                does.append("\n" + row.id, style="dim")
                table.add_row(Text(row.keys, overflow="fold"), does)
        return table
