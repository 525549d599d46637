"""Searching: the search bar's queries, their highlights, and saved searches.

``SearchActions`` parses what is typed (``reader.query``), hands the query to
the view state and the highlights to the list, the detail and the page
cache; a saved search is a sidebar entry kept in the read state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual import events
from textual.widgets import Input
from textual.worker import get_current_worker

from reader.scope import ALL, SavedSearch
from reader.tui.controller import Controller, Host, in_thread
from reader.tui.messages import TextsFound
from reader.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from reader.query import Query
    from reader.widgets.topic_sidebar import TopicSidebar


class SearchActions(Controller):
    """The search bar's queries and the saved searches."""

    def __init__(self, app: Host) -> None:
        super().__init__(app)
        # The bar's input is not on the first frame: it is made once that is drawn.
        app.first_paint.later(lambda: self.app.query_one(SearchBar).prepare())

    def typed_into_bar(self, event: events.Key) -> bool:
        """A character typed right after / ("/Gulf" in one burst) reaches the widget
        that had focus when it arrived, the list, and comes back unused once the bar
        has focus: it goes into the bar, in the order typed, not to the app's keys.
        The same for any input given the focus meanwhile (Ctrl+S's name): an input
        with the focus takes every character itself, so one that comes back unused
        was typed before the input had it. An Enter among them submits the search
        at once, as it does in the bar (``submit_now``)."""
        focused = self.app.focused
        if event.key == "enter" and isinstance(focused, Input) and focused.id == "search-input":
            self.submit_now()  # the Enter of "/gulf⏎m": the keys after it act on the list
            return True
        if not (event.is_printable and isinstance(focused, Input) and event.character):
            return False
        focused.insert_text_at_cursor(event.character)
        return True

    def open(self) -> None:
        self.app.query_one(SearchBar).open(self.app.view.query_text)

    def apply(self, text: str) -> bool:
        """Filter by ``text``; on a bad query say why and keep the last good results."""
        from reader.query import QueryError, highlight_spans, parse

        bar = self.app.query_one(SearchBar)
        try:
            query = parse(text)
        except QueryError as error:
            bar.show_error(f"{error.message} (at character {error.position + 1})")
            return False
        bar.show_error(None)
        self.app.view.searched(text, query)
        self.app.view.text_matches = self.search_texts(query) if self.app.view.search else None
        terms = query.highlight_terms if self.app.view.search else ()
        highlighter = (lambda value: highlight_spans(value, terms)) if terms else None
        self.app.article_list.highlighter = highlighter
        self.app.detail.highlighter = highlighter
        self.app.pages.highlight(tuple(terms), highlighter)
        self.app.detail.article = None  # repaint the detail with the new highlights
        self.app.reading.refresh_view(counts=False)
        self.app.reading.show_article(self.app.article_list.article)
        return True

    def search_texts(self, query: Query) -> Mapping[str, frozenset[str]] | None:
        """The full texts' part of a search: the words whose answer is at hand now, the
        others looked up by a worker, whose answer adds its matches to the list. None
        (ask at once) for a text: query, which would show nothing without its texts."""
        if query.asks_text_field:
            return None
        values = query.text_values
        texts = self.app.texts
        if not texts.stored_ids():
            return dict.fromkeys(values, frozenset())  # no texts: nothing to look up
        known = texts.known(values)
        missing = [value for value in values if value not in known]
        if missing:  # after this frame: the worker's SQLite would slow its painting
            self.app.call_after_refresh(self.find_in_texts, query, missing)
        return known

    @in_thread(group="text-search", exclusive=True)
    def find_in_texts(self, query: Query, values: list[str]) -> None:
        """Look the search's words up in the full texts, off the event loop."""
        worker = get_current_worker()
        texts = self.app.texts
        generation = texts.generation
        found = texts.look_up(values, lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.app.post_message(TextsFound(query, found, generation))

    def texts_found(self, message: TextsFound) -> None:
        view = self.app.view
        if message.query is not view.search or view.text_matches is None:
            return  # an earlier keystroke's answer: a later search is shown
        if message.generation != self.app.texts.generation:
            view.text_matches = self.search_texts(message.query)  # a text came meanwhile
            return
        view.text_matches = {**view.text_matches, **message.found}
        current = self.app.article_list.article
        self.app.reading.refresh_view(current.id if current else None, counts=False)  # it grows

    def changed(self, message: SearchBar.Changed) -> None:
        self.apply(message.query)

    def submitted(self, message: SearchBar.Submitted) -> None:
        if self.apply(message.query):
            self.app.query_one(SearchBar).close()
            self.app.article_list.focus()

    def submit_now(self) -> None:
        """Enter in the bar: filter and give the list the focus before the next key is
        read, so keys typed in the same burst ("/gulf" Enter "m") act on the list."""
        bar = self.app.query_one(SearchBar)
        if self.apply(bar.take_query()):
            bar.close()
            self.app.screen.set_focus(self.app.article_list)

    def cancelled(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.app.query_one(SearchBar).close()
        self.apply("")
        self.app.article_list.focus()

    async def save(self) -> None:
        """Ask for a name, then save the search under it. Waits until the dialog's
        input has the focus: keys typed right after Ctrl+S are its name, not lost
        on a screen still being mounted."""
        if not self.app.view.query_text:
            self.app.notify("Search first (/), then save the search.", timeout=3)
            return
        query, covers = self.app.library.scoped_search(self.app.scope, self.app.view.query_text)

        taken = self.app.state.saved_searches()

        def save(name: str | None) -> None:
            if name:
                self.app.state.save_search(name, query)
                self.app.library.forget_saved_search(name)
                self.app.marks.warn_state()
                self.app.reading.update_sidebar()
                if taken.get(name, query) != query:  # asked first (SaveSearchScreen)
                    self.app.notify(f"Replaced the saved search “{name}”.", timeout=3)
                else:
                    self.app.notify(f"Saved search “{name}” in the sidebar.", timeout=3)

        from reader.screens.save_search import SaveSearchScreen

        dialog = SaveSearchScreen(query, covers, self.app.view.query_text, taken)
        await self.app.push_screen(dialog, save)
        dialog.focus_name()

    def delete_saved(self, message: TopicSidebar.DeleteRequested) -> None:
        """x on a saved search: ask first, as for a feed (there is no undo)."""
        if not isinstance(message.scope, SavedSearch):
            return
        name = message.scope.name
        from rich.text import Text

        from reader.screens.feed_dialogs import ConfirmScreen

        question = Text("Delete the saved search “", style="bold")
        question.append(name)  # typed by the user: never markup
        question.append("”?", style="bold")
        note = f"Its query: {self.app.state.saved_searches().get(name, '')}"

        def answer(yes: bool | None) -> None:
            if yes:
                self.delete(name)

        self.app.push_screen(ConfirmScreen(question, note), answer)

    def delete(self, name: str) -> None:
        self.app.state.delete_search(name)
        self.app.library.forget_saved_search(name)
        if self.app.scope == SavedSearch(name):
            self.app.scope = ALL
        self.app.reading.update_sidebar()
        self.app.notify(f"Deleted saved search “{name}”.", timeout=3)
