"""The footer: the keys that fit, each whole; never one cut at the edge."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def _key_width(key: FooterKey) -> int:
    """Cells a key takes: " k " then "description " (Footer's padding, not compact)."""
    width = cell_len(key.key_display) + 2
    if key.description:
        width += cell_len(key.description) + 1
    return width


class KeysFooter(Footer):
    """Footer that leaves out, from the right, the keys its width has no room for
    (Textual's cuts the last one mid-word and lays the palette key over another)."""

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        keys = [widget for widget in widgets if isinstance(widget, FooterKey)]
        if len(keys) != len(widgets):
            yield from widgets  # groups (none here): Textual's own layout
            return
        room = self._laid_out_for = self.size.width or self.app.size.width
        palette = [key for key in keys if key.has_class("-command-palette")]
        for key in palette:
            room -= _key_width(key) + 2  # its border on the left and padding on the right
        if room < 0:
            palette, room = [], room + sum(_key_width(key) + 2 for key in palette)
        for key in keys:
            if key.has_class("-command-palette"):
                continue
            room -= _key_width(key)
            if room < 0:
                break
            yield key
        yield from palette

    _laid_out_for = 0  # the width the keys were chosen for

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._laid_out_for:
            self.call_after_refresh(self.recompose)
