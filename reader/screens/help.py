"""The help screen: every binding by pane, with its keys (as remapped) and its id.

The rows come from the binding table (``reader.bindings.help_rows``); the id is
what a ``[keymap]`` line in config.toml names to change a key.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.bindings import HelpRow
from reader.screens.scrolling import ScrollingScreen
from reader.widgets.keys import bindings_for


class HelpScreen(ScrollingScreen[None]):
    """Every key, by pane."""

    BINDINGS = bindings_for("help")

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 72; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    """

    def __init__(self, rows: list[HelpRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        # A fixed key column: measured by Textual before its scrollbar, rich would
        # take the scrollbar's two cells from this column's padding.
        widest = max((len(row.keys) for row in self.rows), default=0) + 2
        table.add_column(style="bold", no_wrap=True, min_width=widest)
        table.add_column()
        table.add_column(style="dim", no_wrap=True)
        section = None
        for row in self.rows:
            if row.section != section:
                if section is not None:
                    table.add_row("", "", "")
                table.add_row(Text(row.section, style="bold underline"), "", "")
                section = row.section
            table.add_row(Text(row.keys), Text(row.description), Text(row.id))
        with VerticalScroll():
            title = "newsreader keys — Esc closes; ids are for [keymap] in config.toml"
            yield Static(Text(title, style="bold"), markup=False)
            yield Static(table)
