"""Read, starred and tagged: the marks' actions, the dwell check and other instances' marks.

``MarkActions`` asks the read state (``reader.state``) to change marks and
repaints what they show; in the stories view a mark on a row marks the whole
story (``reader.library`` says which ids a row stands for).
"""

from __future__ import annotations

from reader.formatting import plural
from reader.model import Article
from reader.scope import ALL, Tag
from reader.tui.controller import Controller, Host


class MarkActions(Controller):
    """Marking read, starring, tagging, undo; and repainting after any change of marks."""

    def __init__(self, app: Host, *, mark_story_read: bool) -> None:
        super().__init__(app)
        self.mark_story_read = mark_story_read  # a read article marks its whole story read

    def row_ids(self, article: Article) -> list[str]:
        """What a mark on this row marks: the whole story in the stories view."""
        return self.app.library.row_ids(article, self.app.reading.view_spec())

    def row_is_read(self, article: Article) -> bool:
        return self.app.library.row_is_read(article, self.app.reading.view_spec())

    def row_is_starred(self, article: Article) -> bool:
        return self.app.library.row_is_starred(article, self.app.reading.view_spec())

    def warn_state(self) -> None:
        warning = self.app.state.take_warning()
        if warning:
            self.app.notify(warning, title="Read state", severity="warning", timeout=10)

    def changed(self) -> None:
        """Repaint rows and counts after marks changed (here or in another instance)."""
        self.warn_state()
        self.app.library.marks_changed()
        search = self.app.view.search
        if self.app.hide_read or (search is not None and search.needs_marks):
            self.app.reading.refresh_view()
        else:
            self.app.article_list.refresh()
            self.app.reading.update_sidebar()
            self.app.reading.update_status()
        if (shown := self.app.detail.article) is not None:
            self.app.reading.show_article(shown)  # drawn anew only if its tags changed

    def mark_read(self, article: Article) -> None:
        ids = [article.id]
        if self.mark_story_read and self.app.stories is not None:
            ids = [a.id for a in self.app.library.story_of(article).articles]
        if self.app.state.mark_read(ids):
            self.changed()

    def check_dwell(self) -> None:
        """Mark the shown article read once it has stayed in the detail long enough."""
        article_id = self.app.dwell.due()
        article = self.app.store.get(article_id) if article_id is not None else None
        if article is not None:
            self.mark_read(article)

    def poll(self) -> None:
        if self.app.state.refresh():
            self.changed()

    def toggle_read(self) -> None:
        article = self.app.article_list.article
        if article is None:
            return
        self.app.dwell.stop()  # an explicit choice overrides the dwell timer
        self.app.state.mark_read(self.row_ids(article), not self.row_is_read(article))
        self.changed()

    def toggle_star(self) -> None:
        article = self.app.article_list.article
        if article is not None:
            self.app.state.set_starred(self.row_ids(article), not self.row_is_starred(article))
            self.changed()

    def tag(self) -> None:
        article = self.app.article_list.article
        if article is None:
            return
        known = list(self.app.state.tag_counts())

        def tagged(tag: str | None) -> None:
            if not tag:
                return
            # The name as already spelled, if it is in use in another case.
            tag = next((name for name in known if name.casefold() == tag.casefold()), tag)
            present = tag not in self.app.state.tags_of(article.id)
            self.app.state.set_tag([article.id], tag, present)
            verb = "Tagged" if present else "Took the tag off"
            self.app.notify(f"{verb} “{tag}”. u undoes.", timeout=2)
            if not present and self.app.scope == Tag(tag) and not self.app.state.tagged(tag):
                self.app.scope = ALL
            self.changed()
            self.app.reading.update_sidebar()

        from reader.screens.tag import TagScreen

        tags = sorted(self.app.state.tags_of(article.id), key=str.casefold)
        self.app.push_screen(TagScreen(article.title, tags, known), tagged)

    def mark_all_read(self) -> None:
        if self.app.library.preview is not None:  # its rows are a screenful, not the view
            self.app.notify("Still reading the library: mark all read in a moment.", timeout=2)
            return
        articles = self.app.article_list.articles
        if not articles:
            self.app.notify("No articles here to mark read.", timeout=2)
            return
        ids = [i for article in articles for i in self.row_ids(article)]
        change = self.app.state.mark_read(ids)
        if change:
            self.app.notify(f"Marked {plural(len(change), 'article')} read. u undoes.", timeout=3)
        else:
            self.app.notify("Every article here is read already.", timeout=2)
        self.changed()

    def undo(self) -> None:
        change = self.app.state.undo()
        if change is None:
            self.app.notify("Nothing to undo.", timeout=2)
            return
        self.app.dwell.stop()
        self.app.notify(f"Undid: {change.label}", timeout=3)
        if change.kind == "tag":
            gone = self.app.scope == Tag(change.tag) and not self.app.state.tagged(change.tag)
            if gone:  # the view of a tag no article has any more
                self.app.scope = ALL
        self.changed()
        if change.kind == "tag":
            self.app.reading.update_sidebar()
