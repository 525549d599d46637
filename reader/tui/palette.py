"""The keys as data, applied: the user's keymap, the command palette, the quit hint.

Everything here comes from the binding table (``reader.bindings``), so the
keys, the palette, the help screen and ``config default`` never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial

from textual.app import SystemCommand

from reader import bindings
from reader.tui.controller import Host


def apply_keymap(app: Host) -> None:
    """The user's keymap for the binding table's ids, and keys for named commands."""
    keymap = app.keymap
    if keymap:
        app.set_keymap(
            {k: v for k, v in keymap.items() if not k.startswith(bindings.COMMAND_PREFIX)}
        )
    for name in app.handoff.commands:
        command = bindings.command_binding(name)
        keys = keymap.get(command.id)
        if keys:
            app.bind(keys, command.action, description=command.description, show=False)


def quit_hint(app: Host) -> str | None:
    """Ctrl+C: which key quits (Textual's own notice is markup, shown raw here)."""
    keys = [
        key
        for key, active in app.active_bindings.items()
        if active.binding.action in ("quit", "app.quit")
    ]
    keys.sort(key=lambda key: "+" in key)  # q before Ctrl+Q
    if not keys:
        return None
    return "Press " + " or ".join(bindings.key_label(key) for key in keys) + " to quit."


def system_commands(app: Host, textual: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's commands, then ours: generated from the binding table. Not
    Textual's "Keys" panel: one help, ours (?), lists every key."""
    own_help = (app.action_show_help_panel, app.action_hide_help_panel)
    for system in textual:
        if system.callback not in own_help:
            yield system
    targets = {"app": app, "list": app.article_list, "sidebar": app.sidebar}
    for binding in bindings.TABLE:
        if binding.palette:
            target = targets[binding.pane]
            run = partial(app.run_action, binding.action, target)
            yield SystemCommand(binding.palette, binding.help, run)
    for name, template in app.handoff.commands.items():
        named = bindings.command_binding(name)
        yield SystemCommand(named.palette, template, partial(app.run_action, named.action))
    for command in bindings.PALETTE_ONLY:
        yield SystemCommand(command.title, command.help, partial(app.run_action, command.action))
