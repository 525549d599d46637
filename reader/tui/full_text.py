"""Full article text: which articles show it, fetching it, and t to switch.

``FullTexts`` owns the setting (manual, on-open, read-ahead) and the sets of
articles the user asked for, turned back to the excerpt, or opened, and the
fetches under way; its worker calls ``reader.fulltext`` (which stores the text
or the failure) and posts ``FullTextFetched`` for the app to route back here.
"""

from __future__ import annotations

from collections.abc import Callable

from reader.model import Article
from reader.tui.controller import Controller, Host, in_thread
from reader.tui.dwell import DwellTracker
from reader.tui.messages import FullTextFetched
from reader.widgets.detail_text import FullTextView

FETCH_REST = 0.5  # seconds the cursor rests on an article before on-open fetches its text


class FullTexts(Controller):
    """Whether the detail shows an article's full text, and getting it."""

    def __init__(self, app: Host, mode: str, clock: Callable[[], float]) -> None:
        super().__init__(app)
        self.full_text_mode = mode  # fetched when the setting says (manual: on t)
        # on-open: the article the cursor rests on (the dwell's count, over a shorter time)
        self.rest = DwellTracker(FETCH_REST, clock, app.reading.is_reading)
        self._full_ids: set[str] = set()  # articles whose full text the user asked for
        self._excerpt_ids: set[str] = set()  # articles the user turned back to the excerpt
        self._opened_ids: set[str] = set()  # articles opened with Enter (for on-open)
        self._fetching: set[str] = set()  # full texts being fetched now

    def needed(self, article: Article) -> None:
        """The detail is about to show ``article``: fetch its text if it is wanted and missing."""
        if (
            self.wants(article)
            and article.id not in self._fetching
            and self.app.texts.get(article.id) is None
        ):
            self.fetch(article)

    def opened(self, article: Article) -> None:
        """Enter on an article: on-open and read-ahead show its full text from now on."""
        if self.full_text_mode != "manual":
            self._opened_ids.add(article.id)
            self.app.detail.article = None  # shown again, with its full text

    def wants(self, article: Article) -> bool:
        """Whether the detail shows ``article``'s full text rather than its excerpt."""
        if article.id in self._excerpt_ids:
            return False
        if article.id in self._full_ids:
            return True
        if self.full_text_mode == "manual":
            return False
        return article.id in self._opened_ids or self.app.texts.has_text(article.id)

    def check_rest(self) -> None:
        """on-open and read-ahead: fetch the text of the article the cursor rests on."""
        article_id = self.rest.due()
        article = self.app.store.get(article_id) if article_id is not None else None
        if article is None or article.id in self._excerpt_ids:
            return
        self._opened_ids.add(article.id)
        if self.app.texts.get(article.id) is None:
            self.fetch(article)
        if self.full_text_mode == "read-ahead":
            self.read_ahead(article)
        self._reshow(article)

    def view_of(self, article: Article) -> tuple[FullTextView | None, tuple[int, bool] | None]:
        """What the detail shows in place of ``article``'s excerpt, and its part of the page key."""
        if not self.wants(article):
            return None, None
        fetching = frozenset(self._fetching)
        key = (self.app.texts.generation, article.id in fetching)
        return self._view(article.id, fetching), key

    def _view(self, article_id: str, fetching: frozenset[str]) -> FullTextView:
        """What the pane says in place of the excerpt (reads the articles db: any thread)."""
        stored = self.app.texts.get(article_id)
        if stored is not None and stored.document is not None:
            return FullTextView(document=stored.document)
        if article_id in fetching:
            return FullTextView(fetching=True)
        if stored is not None:
            return FullTextView(error=stored.error or "the page could not be read")
        return FullTextView(fetching=True)  # a fetch is being started

    def toggle(self) -> None:
        article = self.app.detail.article or self.app.article_list.article
        if article is None:
            self.app.notify("No article selected.", timeout=2)
            return
        stored = self.app.texts.get(article.id)
        failed = stored is not None and stored.document is None
        if self.wants(article) and failed and article.id not in self._fetching:
            self.fetch(article)  # the pane says why it failed, under the excerpt: t tries again
        elif self.wants(article):
            self._full_ids.discard(article.id)
            self._excerpt_ids.add(article.id)
        else:
            self._excerpt_ids.discard(article.id)
            self._full_ids.add(article.id)
            if failed:
                self.fetch(article)  # it failed before: t tries again
        self._reshow(article)

    def _reshow(self, article: Article) -> None:
        if self.app.detail.article is not None and self.app.detail.article.id == article.id:
            self.app.detail.article = None
            self.app.reading.show_article(article)

    def fetch(self, article: Article) -> None:
        if article.id in self._fetching or not article.url:
            if not article.url:
                self.app.texts.put_failure(article.id, "", "failed", "the article has no link")
            return
        self._fetching.add(article.id)
        self._fetch(article)

    @in_thread(group="fulltext", exclusive=False)
    def _fetch(self, article: Article) -> None:
        from reader.fulltext.batch import fetch_and_store

        outcome = fetch_and_store(article, self.app.texts)
        self.app.post_message(FullTextFetched(article, outcome.error))

    def fetched(self, message: FullTextFetched) -> None:
        self._fetching.discard(message.article.id)
        self._reshow(message.article)
        view = self.app.view
        if view.search is not None and view.text_matches is not None:
            view.text_matches = self.app.search.search_texts(view.search)  # the new text may match

    def read_ahead(self, article: Article) -> None:
        """read-ahead: fetch the next few articles' texts in the background, a few at a time."""
        articles = self.app.article_list.articles
        try:
            start = articles.index(article)
        except ValueError:
            return
        for following in articles[start + 1 : start + 4]:
            if len(self._fetching) >= 3:
                return
            if self.app.texts.get(following.id) is None:
                self.fetch(following)
