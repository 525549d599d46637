"""Every key binding as data, once: each pane's BINDINGS, the command palette,
the help screen and ``newsreader config default`` are generated from ``TABLE``.

Also here, without Textual: the grammar of a key Textual can deliver
(``key_problem``), and what is wrong with a keymap (``keymap_problems``:
unknown ids, keys that cannot be pressed, keys another binding holds). The
settings check (``reader.config``) calls them, so ``newsreader config check``
and the app's start-up notes say the same things.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import unicodedata
from collections.abc import Collection
from typing import NamedTuple


class Pane(NamedTuple):
    """Where bindings work: the app everywhere, or one widget or screen."""

    name: str  # the prefix of its binding ids: "list" for "list.down"
    title: str  # its section of the help screen and the default config
    modal: bool = False  # a modal screen: the app's keys do not reach it


PANES = (
    Pane("app", "Everywhere"),
    Pane("list", "Article list"),
    Pane("sidebar", "Topics"),
    Pane("related", "Related stories"),
    Pane("search", "Search bar"),
    Pane("save_search", "Save search", modal=True),
    Pane("tag", "Tag an article", modal=True),
    Pane("add_feed", "Add a feed", modal=True),
    Pane("confirm", "Confirm", modal=True),
    Pane("pipe", "Pipe to a command", modal=True),
    Pane("problems", "Skipped files", modal=True),
    Pane("help", "Help", modal=True),
)
PANE_BY_NAME = {pane.name: pane for pane in PANES}


class KeyBinding(NamedTuple):
    """One binding: its id (``pane.name``), default keys, action and texts.

    ``keys`` are Textual key names separated by commas (``"j,down"``).
    ``description`` is the footer's and help screen's word; ``palette`` the
    command palette's title ("" keeps it out); ``help`` one sentence, shown
    under the palette title and as the comment in the default config.
    """

    id: str
    keys: str
    action: str
    description: str
    help: str
    show: bool = False
    key_display: str | None = None
    palette: str = ""
    priority: bool = False  # taken before the focused widget sees the key

    @property
    def pane(self) -> str:
        return self.id.split(".", 1)[0]


class PaletteCommand(NamedTuple):
    """A command palette entry with no key: an app action."""

    title: str
    help: str
    action: str


# The actions of j/k, g/G (Home/End) and PgDn/PgUp: in a list, and on a text screen.
LIST_MOVES = ("cursor_down", "cursor_up", "first", "last", "page_down", "page_up")
SCROLL_MOVES = tuple(
    f"scroll_by('{move}')" for move in ("down", "up", "home", "end", "page_down", "page_up")
)


def moves(
    pane: str, item: str, actions: tuple[str, ...] = LIST_MOVES, *, palette: bool = False
) -> tuple[KeyBinding, ...]:
    """The six moves every list-like pane answers; ``item`` is what it moves over."""
    down, up, first, last, page_down, page_up = actions
    first_title, last_title = f"First {item}", f"Last {item}"
    return (
        KeyBinding(f"{pane}.down", "j,down", down, "Down", f"Next {item}"),
        KeyBinding(f"{pane}.up", "k,up", up, "Up", f"Previous {item}"),
        KeyBinding(f"{pane}.first", "g,home", first, first_title, f"Jump to the first {item}",
                   palette=first_title if palette else ""),
        KeyBinding(f"{pane}.last", "G,end", last, last_title, f"Jump to the last {item}",
                   palette=last_title if palette else ""),
        KeyBinding(f"{pane}.page_down", "pagedown", page_down, "Page down", "One screen down"),
        KeyBinding(f"{pane}.page_up", "pageup", page_up, "Page up", "One screen up"),
    )  # fmt: skip


K = KeyBinding
TABLE: tuple[KeyBinding, ...] = (
    K("app.quit", "q", "quit", "Quit", "Quit newsreader", show=True),
    K("app.help", "question_mark", "help", "Help", "Every key, by pane", show=True,
      key_display="?", palette="Show help"),
    K("app.sort", "s", "toggle_sort", "Sort", "Sort by date or by quality", show=True,
      palette="Toggle sort"),
    K("app.stories", "c", "toggle_stories", "Stories", "One row per story, or per article",
      show=True, palette="Toggle stories"),
    K("app.full_text", "t", "toggle_full_text", "Full text",
      "Show the article's full text (fetched once, then kept); t again shows the excerpt",
      palette="Toggle full text"),
    K("app.open_link", "o", "open_link", "Open link", "Open the article's link in the browser",
      palette="Open link"),
    K("app.copy_link", "y", "copy_link", "Copy link", "Copy the article's link to the clipboard",
      palette="Copy link"),
    K("app.rescan", "r", "rescan", "Rescan folders", "Pick up new, changed and deleted files now",
      palette="Rescan folders"),
    K("app.fetch_feeds", "R", "fetch_feeds", "Fetch feeds", "Fetch every subscribed feed now",
      palette="Fetch feeds"),
    K("app.search", "slash", "search", "Search", "Filter the list with a query", show=True,
      key_display="/", palette="Search"),
    K("app.save_search", "ctrl+s", "save_search", "Save search",
      "Keep the current search in the sidebar", palette="Save search"),
    K("app.toggle_read", "m", "toggle_read", "Read/unread", "Mark the article read or unread",
      palette="Toggle read"),
    K("app.toggle_star", "f", "toggle_star", "Star", "Star or unstar the article",
      palette="Toggle star"),
    K("app.tag", "T", "tag", "Tag", "Add or remove a tag on the article",
      palette="Tag article"),
    K("app.save", "S", "save_markdown", "Save", "Save the article as a Markdown file",
      palette="Save article as Markdown"),
    K("app.pipe", "vertical_line", "pipe", "Pipe", "Pipe the article to a shell command",
      key_display="|", palette="Pipe article to command"),
    K("app.add_feed", "plus", "add_feed", "Add feed", "Subscribe to a feed by its URL",
      key_display="+", palette="Add feed"),
    K("app.mark_all_read", "A", "mark_all_read", "Mark all read",
      "Mark every article in this view read", palette="Mark all read"),
    K("app.undo", "u", "undo", "Undo", "Undo the last mark or bulk mark", palette="Undo"),
    K("app.hide_read", "h", "toggle_hide_read", "Hide read", "Hide or show read articles",
      palette="Toggle hide read"),
    K("app.next_unread", "n", "next_unread", "Next unread", "Jump to the next unread article",
      palette="Next unread"),
    K("app.prev_unread", "N", "previous_unread", "Previous unread",
      "Jump to the previous unread", palette="Previous unread"),
    K("app.back", "escape,backspace", "back", "Back", "Return to where you came from",
      palette="Go back"),
    K("app.next_pane", "tab", "focus_next", "Next pane", "Move to the next pane"),
    K("app.prev_pane", "shift+tab", "focus_previous", "Previous pane",
      "Move to the previous pane"),
    K("app.problems", "exclamation_mark", "problems", "Skipped files",
      "Files that could not be read, and why", palette="Show skipped files"),
    K("app.palette", "ctrl+p", "command_palette", "Commands", "Search every command"),
    *moves("list", "article", palette=True),
    K("list.open", "enter", "open", "Open", "Open the article (or the story)", show=True),
    *moves("sidebar", "topic"),
    K("sidebar.delete", "delete,x", "delete_entry", "Delete saved search",
      "Delete the highlighted saved search (after a question)", show=True),
    K("sidebar.unfollow", "delete,x", "unsubscribe_feed", "Unsubscribe",
      "Unsubscribe from the highlighted feed (after a question)", show=True),
    K("sidebar.reload", "R", "reload_feed", "Reload feed",
      "Fetch the highlighted feed alone", show=True),
    *moves("related", "story"),
    K("related.open", "enter", "select", "Open story", "Open the related story", show=True),
    # Before the input sees it: keys typed right after Enter act on the list.
    K("search.submit", "enter", "app.submit_search", "Keep search",
      "Keep the search and go to the list", priority=True),
    K("search.cancel", "escape", "cancel", "Clear search",
      "Close the search and show every article", show=True),
    K("save_search.cancel", "escape", "dismiss(None)", "Cancel", "Close without saving",
      show=True),
    K("tag.cancel", "escape", "dismiss(None)", "Cancel", "Close without tagging", show=True),
    K("add_feed.cancel", "escape", "dismiss(None)", "Cancel", "Close without subscribing",
      show=True),
    K("pipe.cancel", "escape", "dismiss(None)", "Cancel", "Close without running", show=True),
    K("confirm.yes", "y", "dismiss(True)", "Yes", "Do it", show=True),
    K("confirm.no", "n,escape", "dismiss(False)", "No", "Leave things as they are", show=True),
    *moves("problems", "line", SCROLL_MOVES),
    K("problems.close", "escape,q,exclamation_mark", "dismiss", "Close",
      "Close the list of skipped files", show=True),
    *moves("help", "line", SCROLL_MOVES),
    K("help.close", "escape,q,question_mark", "dismiss", "Close help", "Close this screen",
      show=True),
)  # fmt: skip
del K

# Commands with no key of their own, listed in the palette after the bound ones.
PALETTE_ONLY = (
    PaletteCommand("Clear search", "Show every article again", "clear_search"),
    PaletteCommand("Focus topics", "Move to the topic sidebar", "focus_topics"),
    PaletteCommand("Focus articles", "Move to the article list", "focus_articles"),
)

BY_ID = {binding.id: binding for binding in TABLE}


def pane_bindings(pane: str) -> list[KeyBinding]:
    """The bindings of one pane, in table order."""
    return [binding for binding in TABLE if binding.pane == pane]


# ------------------------------------------------------------------ key names

# Modifiers as Textual spells them in a key event, which sorts them by name.
MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")
# Keys that are not characters (textual.keys.Keys and the kitty keyboard
# protocol's functional keys; tests/ui/test_bindings_ui.py compares them).
NAMED_KEYS = frozenset(
    {
        "escape", "enter", "return", "tab", "backspace", "delete", "insert", "space",
        "home", "end", "pageup", "pagedown", "up", "down", "left", "right", "newline",
        *(f"f{n}" for n in range(1, 36)),
        "caps_lock", "scroll_lock", "num_lock", "print_screen", "pause", "menu",
        "add", "subtract", "multiply", "divide", "decimal", "separator", "equal", "kp_begin",
        "left_shift", "left_control", "left_alt", "left_super", "left_hyper", "left_meta",
        "right_shift", "right_control", "right_alt", "right_super", "right_hyper", "right_meta",
        "iso_level3_shift", "iso_level5_shift",
        "media_play", "media_pause", "media_play_pause", "media_reverse", "media_stop",
        "media_fast_forward", "media_rewind", "media_track_next", "media_track_previous",
        "media_record", "lower_volume", "raise_volume", "mute_volume",
    }
)  # fmt: skip
# Characters Textual names other than by their Unicode name (textual.keys).
_KEY_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
_REPLACED = {name: original for original, name in _KEY_NAME_REPLACEMENTS.items()}


def key_name(key: str) -> str:
    """The Textual key name for ``key``: ``"?"`` -> ``"question_mark"``; names pass through."""
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        name = {"\t": "tab"}.get(key, key)
    return _KEY_NAME_REPLACEMENTS.get(name, name)


def key_character(name: str) -> str | None:
    """The printable character a key name stands for (``"question_mark"`` -> ``"?"``)."""
    if len(name) == 1:
        return name
    character = _lookup(_REPLACED.get(name, name))
    if character is None:
        return None
    if not character.isprintable() or character.isspace() or key_name(character) != name:
        return None
    return character


@functools.cache
def _lookup(name: str) -> str | None:
    """The character whose Unicode name, with spaces and hyphens as "_", is ``name``."""
    words = name.split("_")
    if len(words) > 8:
        return None
    for separators in itertools.product(" -", repeat=len(words) - 1):
        spelled = words[0] + "".join(
            sep + word for sep, word in zip(separators, words[1:], strict=True)
        )
        try:
            return unicodedata.lookup(spelled)
        except KeyError:
            continue
    return None


def _is_base_key(name: str) -> bool:
    return name in NAMED_KEYS or key_character(name) is not None


def key_problem(key: str) -> str | None:
    """Why Textual can never deliver the key ``key``, or None when it can.

    A key is modifiers in Textual's order then a key name: ``"ctrl+shift+up"``,
    ``"question_mark"``, ``"A"``. Textual accepts any string in a binding, so
    a key it never sends (``"ctrl+shift+alt+zz"``) silently disables one.
    """
    *modifiers, base = key.split("+")
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown:
        return f'"{unknown[0]}" in "{key}" is not a modifier (modifiers: {", ".join(MODIFIERS)})'
    if not base:
        return f'"{key}" has no key after its modifiers'
    if not _is_base_key(base):
        if base != base.lower() and _is_base_key(base.lower()):
            close = [base.lower()]
        else:
            close = difflib.get_close_matches(base, sorted(NAMED_KEYS), n=1)
        hint = f', did you mean "{close[0]}"?' if close else ""
        return f'"{base}" in "{key}" is not a key name{hint}'
    if len(set(modifiers)) != len(modifiers):
        return f'"{key}" repeats a modifier'
    if modifiers != sorted(modifiers):
        written = "+".join([*sorted(modifiers), base])
        return f'"{key}" must list its modifiers in Textual\'s order: write "{written}"'
    return None


_KEY_LABELS = {
    "ctrl+p": "Ctrl+P",
    "shift+tab": "Shift+Tab",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
}


def key_label(keys: str) -> str:
    """``j,down`` -> ``j / ↓``: how a key list reads on screen."""
    labels = []
    for key in keys.split(","):
        key = key.strip()
        label = _KEY_LABELS.get(key) or key_character(key)
        if label is None:
            label = key.replace("_", " ").title()
        labels.append(label)
    return " / ".join(labels)


def written_keys(keys: str) -> str:
    """Keys as a user writes them in config.toml: ``"question_mark"`` -> ``"?"``."""
    return ",".join(key_character(key) or key for key in keys.split(","))


# ------------------------------------------------------------------ the help screen


class HelpRow(NamedTuple):
    section: str
    keys: str
    description: str
    id: str


COMMANDS_SECTION = "Named commands"  # as short as a pane's title: it sits in the key column
NO_KEY = "Ctrl+P"  # a named command without a key of its own: the palette runs it


def help_rows(keymap: dict[str, str], commands: Collection[str] = ()) -> list[HelpRow]:
    """One row per binding, by pane, with the keys the keymap gives it; then one
    per named command of ``[commands]`` (its key, or the palette's when it has none)."""
    rows = [
        HelpRow(pane.title, key_label(keymap.get(b.id, b.keys)), b.description, b.id)
        for pane in PANES
        for b in pane_bindings(pane.name)
    ]
    for binding in map(command_binding, commands):
        keys = keymap.get(binding.id)
        label = key_label(keys) if keys else NO_KEY
        rows.append(HelpRow(COMMANDS_SECTION, label, binding.description, binding.id))
    return rows


# ------------------------------------------------------------------ keymap problems


class KeymapProblem(NamedTuple):
    """What is wrong with one keymap entry; ``usable`` is False when it is dropped."""

    binding_id: str
    message: str
    usable: bool = True


COMMAND_PREFIX = "command."


def command_binding(name: str) -> KeyBinding:
    """The binding of a named command from ``[commands]``: an app key, none by default."""
    return KeyBinding(
        f"{COMMAND_PREFIX}{name}",
        "",
        f"run_command({name!r})",
        f"Run {name}",
        f"Run the command {name} from [commands] on the article",
        palette=f"Run {name}",
    )


def _pane(binding: KeyBinding) -> str:
    """A named command's key works everywhere, like the app's."""
    return "app" if binding.id.startswith(COMMAND_PREFIX) else binding.pane


def keymap_problems(keymap: dict[str, str], commands: Collection[str] = ()) -> list[KeymapProblem]:
    """Unknown ids, keys Textual never sends, and keys another binding holds.

    ``commands`` are the names in ``[commands]``: ``"command.<name>"`` binds one.

    Keys are Textual names (``reader.config`` normalizes ``"?"``). App keys
    clash with every pane's keys (a focused pane's binding wins); a pane's
    keys only with the app's and its own; a modal screen's only with its own.
    """
    problems: list[KeymapProblem] = []
    known = {**BY_ID, **{b.id: b for b in map(command_binding, commands)}}
    for binding_id, keys in keymap.items():
        if binding_id.startswith(COMMAND_PREFIX) and binding_id not in known:
            problems.append(
                KeymapProblem(
                    binding_id,
                    f'keymap: "{binding_id}" names no command in [commands]; ignored',
                    usable=False,
                )
            )
            continue
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, BY_ID, n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            problems.append(
                KeymapProblem(
                    binding_id,
                    f'keymap: "{binding_id}" is not a binding id{hint} '
                    "('newsreader config default' lists them); ignored",
                    usable=False,
                )
            )
            continue
        bad = next(filter(None, map(key_problem, keys.split(","))), None)
        if bad is not None:
            problems.append(
                KeymapProblem(
                    binding_id,
                    f'keymap "{binding_id}": {bad}; the default keys stay',
                    usable=False,
                )
            )
    usable = {
        binding_id: keys
        for binding_id, keys in keymap.items()
        if not any(p.binding_id == binding_id and not p.usable for p in problems)
    }
    holders: dict[tuple[str, str], set[str]] = {}
    for binding in known.values():
        for key in usable.get(binding.id, binding.keys).split(","):
            if key.strip():
                holders.setdefault((_pane(binding), key.strip()), set()).add(binding.id)
    for binding_id, keys in usable.items():
        pane = PANE_BY_NAME[_pane(known[binding_id])]
        if pane.name == "app":
            scopes = [p.name for p in PANES if not p.modal]
        elif pane.modal:
            scopes = [pane.name]
        else:
            scopes = ["app", pane.name]
        defaults = known[binding_id].keys.split(",")
        for key in (k.strip() for k in keys.split(",")):
            if key in defaults:
                continue  # an overlap of the defaults themselves is by design (escape)
            others = sorted(
                other
                for scope in scopes
                for other in holders.get((scope, key), ())
                if other != binding_id
            )
            if others:
                problems.append(
                    KeymapProblem(
                        binding_id,
                        f'keymap: "{key}" for "{binding_id}" is also bound to '
                        f"{', '.join(others)}; one of them will not work",
                    )
                )
    return problems


# ------------------------------------------------------------------ the default config


def default_keymap_text() -> str:
    """The commented ``[keymap]`` lines of the default config: every id, by pane."""
    width = max(len(binding.id) for binding in TABLE) + 2
    key_width = max(len(written_keys(binding.keys)) for binding in TABLE) + 2
    lines = []
    for pane in PANES:
        lines.append(f"# {pane.title}:")
        for binding in pane_bindings(pane.name):
            quoted_id = f'"{binding.id}"'
            quoted_keys = f'"{written_keys(binding.keys)}"'
            lines.append(
                f"# {quoted_id:<{width}} = {quoted_keys:<{key_width}} # "
                + binding.help[:1].lower()
                + binding.help[1:]
            )
    return "\n".join(lines) + "\n"
