"""The help screen, generated from the live bindings (so a remapped key shows as remapped)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


@dataclass(frozen=True, slots=True)
class HelpRow:
    section: str
    keys: str
    description: str


_KEY_NAMES = {
    "question_mark": "?",
    "exclamation_mark": "!",
    "slash": "/",
    "ctrl+p": "Ctrl+P",
    "shift+tab": "Shift+Tab",
    "pagedown": "PgDn",
    "pageup": "PgUp",
}


def key_label(keys: str) -> str:
    """``j,down`` -> ``j / ↓``: how a key list reads on screen."""
    arrows = {"down": "↓", "up": "↑", "left": "←", "right": "→"}
    labels = []
    for key in keys.split(","):
        key = key.strip()
        label = _KEY_NAMES.get(key) or arrows.get(key)
        if label is None:
            label = key if len(key) == 1 else key.replace("_", " ").title()
        labels.append(label)
    return " / ".join(labels)


def help_rows(sections: list[tuple[str, list[Binding]]], keymap: dict[str, str]) -> list[HelpRow]:
    """One row per binding, with the keys the keymap gives it."""
    rows = []
    for section, bindings in sections:
        for binding in bindings:
            keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
            rows.append(HelpRow(section, key_label(keys), binding.description or binding.action))
    return rows


class HelpScreen(ModalScreen[None]):
    """Every key, by pane."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

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
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        section = None
        for row in self.rows:
            if row.section != section:
                if section is not None:
                    table.add_row("", "")
                table.add_row(Text(row.section, style="bold underline"), "")
                section = row.section
            table.add_row(Text(row.keys), Text(row.description))
        with VerticalScroll():
            yield Static(Text("newsreader keys — Esc closes", style="bold"), markup=False)
            yield Static(table)
