"""Textual ``Binding`` lists, generated from the binding table in ``reader.bindings``."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from reader.bindings import pane_bindings


def bindings_for(pane: str) -> list[BindingType]:
    """The ``BINDINGS`` of one pane ("app", "list", "sidebar", ...)."""
    return [
        Binding(
            b.keys,
            b.action,
            b.description,
            show=b.show,
            key_display=b.key_display,
            priority=b.priority,
            id=b.id,
        )
        for b in pane_bindings(pane)
    ]
