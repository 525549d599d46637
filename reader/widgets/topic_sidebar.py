"""The topic sidebar: All, Starred, saved searches and every topic, with unread/total."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.formatting import fit
from reader.library import SidebarEntry
from reader.scope import ALL, Scope, is_deletable, scope_from_key
from reader.widgets.keys import bindings_for

MIN_WIDTH = 16  # cells, border and scrollbar included
MAX_WIDTH = 28  # a longer name is cut: the list and the detail need the room more


def _counts(entry: SidebarEntry) -> str:
    return f"{entry.unread:,}/{entry.total:,}"


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

    def allow_focus(self) -> bool:
        # Hidden under 60 columns (app.tcss): Tab and clicks pass it by.
        return self.display and super().allow_focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_entry":
            return True if is_deletable(self.selected_scope) else None
        return True

    def action_delete_entry(self) -> None:
        scope = self.selected_scope
        if scope is not None and is_deletable(scope):
            self.post_message(self.DeleteRequested(scope))

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, compact=True)
        self._deletable = False  # the highlighted entry is a saved search
        self.entries: list[SidebarEntry] = []
        # The scope highlighted by set_entries: its highlight event is not the user's.
        self._programmatic: Scope | None = None

    @property
    def selected_scope(self) -> Scope | None:
        index = self.highlighted
        if index is None or not (0 <= index < len(self.entries)):
            return None
        return self.entries[index].scope

    def set_entries(self, entries: list[SidebarEntry], selected: Scope) -> None:
        """Show ``entries`` and keep ``selected`` highlighted, without posting Selected."""
        if entries == self.entries and self.selected_scope == selected:
            return
        self.entries = entries
        self._fit_width(entries)
        width = max(10, self.scrollable_content_region.width or 24)
        scopes = [entry.scope for entry in entries]
        self._programmatic = selected if selected in scopes else None
        self.set_options(
            Option(self._prompt(entry, width), id=entry.scope.key) for entry in entries
        )
        # An entry that is not (yet) listed, e.g. a topic still loading: highlight nothing.
        self.highlighted = scopes.index(selected) if selected in scopes else None

    def select(self, scope: Scope) -> None:
        """Highlight ``scope`` without posting Selected (the app already switched to it)."""
        scopes = [entry.scope for entry in self.entries]
        if scope in scopes and self.selected_scope != scope:
            self._programmatic = scope
            self.highlighted = scopes.index(scope)

    def _fit_width(self, entries: list[SidebarEntry]) -> None:
        """As wide as the longest entry needs, within MIN_WIDTH..MAX_WIDTH cells."""
        # Sized by the totals: reading (unread 10 -> 9) must not make it jump.
        needed = max((cell_len(e.label) + 2 + 2 * len(f"{e.total:,}") for e in entries), default=0)
        # + the border and the scrollbar; app.tcss caps it at 30% of the screen.
        width = max(MIN_WIDTH, min(MAX_WIDTH, needed + 2))
        if self.styles.width is None or self.styles.width.value != width:
            self.styles.width = width

    def _prompt(self, entry: SidebarEntry, width: int) -> Text:
        counts = _counts(entry)
        label_width = max(1, width - len(counts) - 1)
        text = Text(no_wrap=True, overflow="ellipsis")
        style = "bold" if entry.unread else "dim"
        text.append(fit(entry.label, label_width), style=style)
        text.append(" " + counts, style="dim")
        return text

    def on_resize(self, event: events.Resize) -> None:
        entries, self.entries = self.entries, []
        scope = self.selected_scope or ALL
        if entries:
            self.set_entries(entries, scope)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        programmatic, self._programmatic = self._programmatic, None
        scope = scope_from_key(event.option.id)
        deletable = scope is not None and is_deletable(scope)
        if deletable != self._deletable:
            # "Delete saved search" shows only on saved searches. Only then: the
            # footer rebuilds its keys on every refresh (a layout of the screen).
            self._deletable = deletable
            self.refresh_bindings()
        if scope is not None and scope != programmatic:
            self.post_message(self.Selected(self, scope))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        scope = scope_from_key(event.option.id)
        if scope is not None:
            self.post_message(self.Selected(self, scope))
        self.post_message(self.Entered())
