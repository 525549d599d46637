"""The topic sidebar: All, Starred, saved searches and every topic, with unread/total."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.formatting import fit
from reader.view import ALL, SidebarEntry


class TopicSidebar(OptionList):
    """A list of sidebar entries; posts Selected when the highlight moves."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("k", "cursor_up", "Up", show=False, id="sidebar.up"),
        Binding("g", "first", "First topic", show=False, id="sidebar.first"),
        Binding("G", "last", "Last topic", show=False, id="sidebar.last"),
        Binding("delete,x", "delete_entry", "Delete saved search", id="sidebar.delete"),
    ]

    DEFAULT_CSS = """
    TopicSidebar { scrollbar-size-vertical: 1; }
    """

    class Selected(Message):
        """The user moved to a sidebar entry."""

        def __init__(self, sidebar: TopicSidebar, key: str) -> None:
            super().__init__()
            self.sidebar = sidebar
            self.key = key

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TopicSidebar.Selected)

    class Entered(Message):
        """Enter on an entry: the app moves focus to the list."""

    class DeleteRequested(Message):
        """The user asked to delete the highlighted entry (saved searches only)."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_entry":
            key = self.selected_key
            return True if key is not None and key.startswith("search:") else None
        return True

    def action_delete_entry(self) -> None:
        key = self.selected_key
        if key is not None and key.startswith("search:"):
            self.post_message(self.DeleteRequested(key))

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, compact=True)
        self.entries: list[SidebarEntry] = []
        # The key highlighted by set_entries: its highlight event is not the user's.
        self._programmatic: str | None = None

    @property
    def selected_key(self) -> str | None:
        index = self.highlighted
        if index is None or not (0 <= index < len(self.entries)):
            return None
        return self.entries[index].key

    def set_entries(self, entries: list[SidebarEntry], selected: str) -> None:
        """Show ``entries`` and keep ``selected`` highlighted, without posting Selected."""
        if entries == self.entries and self.selected_key == selected:
            return
        self.entries = entries
        width = max(10, self.scrollable_content_region.width or 24)
        keys = [entry.key for entry in entries]
        self._programmatic = selected if selected in keys else None
        self.set_options(Option(self._prompt(entry, width), id=entry.key) for entry in entries)
        # An entry that is not (yet) listed, e.g. a topic still loading: highlight nothing.
        self.highlighted = keys.index(selected) if selected in keys else None

    def select(self, key: str) -> None:
        """Highlight ``key`` without posting Selected (the app already switched to it)."""
        keys = [entry.key for entry in self.entries]
        if key in keys and self.selected_key != key:
            self._programmatic = key
            self.highlighted = keys.index(key)

    def _prompt(self, entry: SidebarEntry, width: int) -> Text:
        counts = f"{entry.unread:,}/{entry.total:,}"
        label_width = max(1, width - len(counts) - 1)
        text = Text(no_wrap=True, overflow="ellipsis")
        style = "bold" if entry.unread else "dim"
        text.append(fit(entry.label, label_width), style=style)
        text.append(" " + counts, style="dim")
        return text

    def on_resize(self, event: events.Resize) -> None:
        entries, self.entries = self.entries, []
        key = self.selected_key or ALL
        if entries:
            self.set_entries(entries, key)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        programmatic, self._programmatic = self._programmatic, None
        self.refresh_bindings()  # "Delete saved search" shows only on saved searches
        if event.option.id is not None and event.option.id != programmatic:
            self.post_message(self.Selected(self, event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Selected(self, event.option.id))
        self.post_message(self.Entered())
