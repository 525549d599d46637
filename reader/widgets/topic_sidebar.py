"""The sidebar: All, Starred, saved searches, tags, every topic and feed, with unread/total."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.bindings import BY_ID
from reader.formatting import fit
from reader.library import SidebarEntry
from reader.scope import Feed, Scope, Tag, Topic, is_deletable, scope_from_key
from reader.widgets.keys import bindings_for

MIN_WIDTH = 16  # cells, border and scrollbar included
MAX_WIDTH = 28  # a longer name is cut: the list and the detail need the room more


def _counts(entry: SidebarEntry) -> str:
    return f"{entry.unread:,}/{entry.total:,}"


def entry_text(entry: SidebarEntry, width: int) -> Text:
    """The entry's row at ``width`` cells: its name, cut to leave room for the counts."""
    width = max(10, width)
    counts = _counts(entry)
    label_width = max(1, width - len(counts) - 1)
    text = Text(no_wrap=True, overflow="ellipsis")
    style = "bold" if entry.unread else "dim"
    text.append(fit(entry.label, label_width), style=style)
    text.append(" " + counts, style="dim")
    return text


class EntryPrompt(Visual):
    """An entry's row, cut to the width it is drawn at.

    Cut when drawn, not when set: the entries are set before a layout gives the
    sidebar its width (at mount, or in the same step that changes that width),
    and a row cut then would be drawn in that frame at the width before."""

    def __init__(self, entry: SidebarEntry) -> None:
        self.entry = entry
        self._content: tuple[int, Content] | None = None  # the last width drawn at

    def content(self, width: int) -> Content:
        if self._content is None or self._content[0] != width:
            self._content = (width, Content.from_rich_text(entry_text(self.entry, width)))
        return self._content[1]

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.content(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return cell_len(self.entry.label) + 1 + len(_counts(self.entry))

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1  # never wrapped: the name is cut instead


class TopicSidebar(OptionList):
    """A list of sidebar entries; posts Selected when the highlight moves."""

    BINDINGS = bindings_for("sidebar")

    DEFAULT_CSS = """
    TopicSidebar { scrollbar-size-vertical: 1; }
    """

    class Selected(Message):
        """The user moved to a sidebar entry."""

        def __init__(self, sidebar: TopicSidebar, scope: Scope) -> None:
            super().__init__()
            self.sidebar = sidebar
            self.scope = scope

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TopicSidebar.Selected)

    class Entered(Message):
        """Enter on an entry: the app moves focus to the list."""

    class DeleteRequested(Message):
        """The user asked to delete the highlighted entry (saved searches only)."""

        def __init__(self, scope: Scope) -> None:
            super().__init__()
            self.scope = scope

    class ReloadRequested(Message):
        """R on a feed row: fetch that feed alone."""

        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    def allow_focus(self) -> bool:
        # Hidden under 60 columns (app.tcss): Tab and clicks pass it by.
        return self.display and super().allow_focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        scope = self.selected_scope
        if action == "delete_entry":
            # False, not None: off the footer elsewhere, not shown dimmed on every row.
            return is_deletable(scope) and not isinstance(scope, Feed)
        if action == "unsubscribe_feed":
            # The same keys on a feed's row: the footer says what they do there.
            return isinstance(scope, Feed)
        if action == "reload_feed":
            # False on other rows: R then reaches the app (fetch every feed).
            return isinstance(self.selected_scope, Feed)
        return True

    def action_reload_feed(self) -> None:
        scope = self.selected_scope
        if isinstance(scope, Feed):
            self.post_message(self.ReloadRequested(scope.url))

    def action_delete_entry(self) -> None:
        scope = self.selected_scope
        if scope is not None and is_deletable(scope):
            self.post_message(self.DeleteRequested(scope))

    def action_unsubscribe_feed(self) -> None:
        self.action_delete_entry()  # the app asks first, then unsubscribes

    def on_key(self, event: events.Key) -> None:
        """The delete keys on a row they do not delete: say why, rather than nothing."""
        scope = self.selected_scope
        if scope is None or is_deletable(scope):
            return
        keymap: dict[str, str] = getattr(self.app, "keymap", None) or {}
        keys = keymap.get("sidebar.delete", BY_ID["sidebar.delete"].keys)
        if event.key not in {key.strip() for key in keys.split(",")}:
            return
        event.stop()
        if isinstance(scope, Topic):
            why = (
                f"The topic “{scope.name}” comes from its articles: it cannot be deleted "
                "(a hide rule in the config leaves articles out)."
            )
        elif isinstance(scope, Tag):
            why = (
                f"The tag “{scope.name}” goes once no article has it: T on an article takes it off."
            )
        else:
            why = "Only saved searches and feeds can be deleted from the sidebar."
        self.notify(why, timeout=4)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, compact=True)
        self._deletable: type | None = None  # the kind of entry delete removes here
        self.entries: list[SidebarEntry] = []
        # The highlighted index the app shows (set_entries, select): a highlight
        # elsewhere is a move of the user's that the app has not applied yet.
        self._applied: int | None = None

    @property
    def selected_scope(self) -> Scope | None:
        index = self.highlighted
        if index is None or not (0 <= index < len(self.entries)):
            return None
        return self.entries[index].scope

    @property
    def pending_scope(self) -> Scope | None:
        """The entry the user moved to that the app does not show yet, if any.

        A key moves the highlight at once, but the news reaches the app as
        queued messages: a key typed right after (A, h, s) must not read the
        scope those messages have not changed yet."""
        if self.highlighted == self._applied:
            return None
        return self.selected_scope

    def set_entries(self, entries: list[SidebarEntry], selected: Scope) -> None:
        """Show ``entries`` and keep ``selected`` highlighted, without posting Selected."""
        pending = self.pending_scope
        if entries == self.entries and self.selected_scope == selected and pending is None:
            return
        self.entries = entries
        self._fit_width(entries)
        scopes = [entry.scope for entry in entries]
        self._render_options()
        # An entry that is not (yet) listed, e.g. a topic still loading: highlight nothing.
        self._highlight(scopes.index(selected) if selected in scopes else None)
        if pending is not None and pending in scopes and pending != selected:
            # New counts while the user's move is on its way: the highlight stays theirs.
            self.highlighted = scopes.index(pending)

    def select(self, scope: Scope) -> None:
        """Highlight ``scope`` without posting Selected (the app already switched to it).

        A scope the sidebar does not list (an opened story) leaves the highlight
        where it is, as what the app shows."""
        scopes = [entry.scope for entry in self.entries]
        index = scopes.index(scope) if scope in scopes else self._applied
        if index == self._applied and self.pending_scope is not None:
            return  # the app shows what it showed: the user's move is still on its way
        self._highlight(index)

    def _highlight(self, index: int | None) -> None:
        """Highlight ``index`` as the entry the app shows."""
        self._applied = index
        self.highlighted = index

    def _render_options(self) -> None:
        """The options for ``entries``; the highlight is the caller's."""
        self.set_options(Option(EntryPrompt(entry), id=entry.scope.key) for entry in self.entries)

    def _fit_width(self, entries: list[SidebarEntry]) -> None:
        """As wide as the longest entry needs, within MIN_WIDTH..MAX_WIDTH cells."""
        # Sized by the totals: reading (unread 10 -> 9) must not make it jump.
        needed = max((cell_len(e.label) + 2 + 2 * len(f"{e.total:,}") for e in entries), default=0)
        # + the border and the scrollbar; app.tcss caps it at 30% of the screen.
        width = max(MIN_WIDTH, min(MAX_WIDTH, needed + 2))
        if self.styles.width is None or self.styles.width.value != width:
            self.styles.width = width

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        scope = scope_from_key(event.option.id)
        deletable = type(scope) if scope is not None and is_deletable(scope) else None
        if deletable != self._deletable:
            # "Delete saved search" shows only on saved searches, "Unsubscribe" on
            # feeds. Only when that changes: the
            # footer rebuilds its keys on every refresh (a layout of the screen).
            self._deletable = deletable
            self.refresh_bindings()
        pending = self.pending_scope
        if pending is not None:
            self.post_message(self.Selected(self, pending))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        scope = scope_from_key(event.option.id)
        if scope is not None:
            # Chosen even when the app shows it already applied (a story opened from it).
            self._applied = None
            self.post_message(self.Selected(self, scope))
        self.post_message(self.Entered())
