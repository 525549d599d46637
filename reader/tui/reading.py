"""Reading: what the list shows, its cursor, the detail, and moving between articles.

``Reading`` rebuilds the list, the sidebar's entries and the top line from the
library for the current view; it follows the cursor (debounced while j is held), shows the
article's page from the page cache and reads the next ones ahead, opens
articles and stories, jumps to related stories and back. The read-ahead's
workers are plain functions of frozen values (``reader.tui.detail_pages``);
their results come back through Textual's ``Worker.StateChanged``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING

from textual import events
from textual.errors import NoWidget

from reader.library import ViewSpec
from reader.model import Article, ArticleDetail
from reader.scope import ALL, Story
from reader.status import StatusLine
from reader.tui.controller import Controller, Host
from reader.tui.detail_pages import BuiltPage, build_pages, read_details
from reader.widgets.article_list import ArticleList
from reader.widgets.detail_pane import DetailPane
from reader.widgets.picture import ArticlePicture
from reader.widgets.search_bar import SearchBar
from reader.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.timer import Timer


class Reading(Controller):
    """What the list shows, the cursor, the detail and the moves between articles."""

    def __init__(self, app: Host, *, detail_debounce: float) -> None:
        super().__init__(app)
        self.detail_debounce = detail_debounce  # cursor steps closer than this defer the detail
        self._last_highlight = 0.0
        self._detail_timer: Timer | None = None
        self._held: list[events.MouseEvent] | None = None  # a click waiting for keys
        self._released: dict[int, events.MouseEvent] = {}  # held events, posted again
        self._from_index = False  # the article shown is drawn from the index, read after
        self._shown_tags: frozenset[str] = frozenset()  # the tags the detail shows
        # The list the top line last counted, how, and its (unread, total).
        self._counted: tuple[Sequence[Article], bool, tuple[int, int]] | None = None

    # -- what the list, the sidebar and the top line show ----------------------

    def view_spec(self) -> ViewSpec:
        return self.app.view.spec(self.app.view_values)

    def current_articles(self) -> list[Article]:
        """The list as it should be now: entry, sort, search, hide-read, stories."""
        return self.app.library.articles(self.view_spec())

    def story_badge(self, article: Article) -> str:
        return self.app.library.story_badge(article, self.view_spec())

    def refresh_view(
        self, keep_id: str | None = None, *, counts: bool = True, top: bool = False
    ) -> None:
        """Rebuild the list; ``counts=False`` when the sidebar's counts cannot have changed;
        ``top``: the cursor on the first row (else on ``keep_id``, or where it was)."""
        self.app.library_loading.last_refresh = time.monotonic()
        articles = self.current_articles()
        if top and articles:
            keep_id = articles[0].id
        self.app.article_list.set_articles(articles, keep_id)
        if counts:
            self.update_sidebar()
        else:
            self.app.sidebar.select(self.app.scope)
        self.update_status()
        if self.app.article_list.article is None:
            self.show_article(None)

    def update_sidebar(self) -> None:
        self.app.sidebar.set_entries(
            self.app.library.sidebar(self.app.stories_mode), self.app.scope
        )

    def update_status(self, *, progress_only: bool = False) -> None:
        """Rebuild the top line. ``progress_only``: only the loading progress moved
        since the last call (the list and the marks did not), so the last counts
        stand (counting a list of 100,000 is ~30 ms, five times a second while loading)."""
        spec = self.view_spec()
        # Until the stories are grouped the stories view lists articles: counted as such.
        grouping = spec.story_rows and self.app.library.stories is None
        by_story = spec.story_rows and not grouping
        shown, counted = self.app.article_list.articles, self._counted
        loading, result = self.app.library_loading, self.app.library_loading.result
        skipped, hidden = len(result.problems), len(result.hidden)
        page = self.app.library.preview
        if page is not None:  # the last run's counts, until the library is read
            unread, total = page.counts[:2] if self.app.library.previewing(spec) else (0, 0)
            skipped, hidden = page.counts.skipped, page.counts.hidden
        elif (
            progress_only and counted is not None and counted[0] is shown and counted[1] == by_story
        ):
            unread, total = counted[2]
        else:
            unread, total = self.app.library.counts(shown, by_story)
            self._counted = (shown, by_story, (unread, total))
        status = StatusLine(
            label=self.app.library.label(self.app.scope),
            sort=self.app.sort,
            unread=unread,
            total=total,
            by_story=by_story,
            grouping=grouping,
            hide_read=self.app.hide_read,
            query=self.app.view.query_text,
            checking=loading.checking,
            fetching=self.app.feeds.fetching,
            loading=loading.progress if loading.loading else None,
            skipped=skipped,
            hidden=hidden,
            feeds_failed=len(self.app.feeds.feed_failures),
        )
        self.app.query_one(StatusBar).show(status)

    def finish_restore(self) -> None:
        """Once loaded: fall back to All for a scope that is gone; reselect the article."""
        article_id = self.app.view.take_reselect()
        if not self.app.library.contains(self.app.scope):
            self.app.scope = ALL
        if article_id is not None:
            self.app.article_list.set_articles(self.current_articles(), article_id)

    def layout_refreshed(self, _screen: object) -> None:
        """A narrower terminal hid the sidebar: keys must not move in it unseen. Textual
        may have taken the focus off the hidden sidebar already (to nothing): the list."""
        app = self.app
        if app.sidebar.display or app.screen is not app.article_list.screen:
            return
        if app.focused is app.sidebar or app.focused is None:
            app.article_list.focus()

    # -- the cursor and the detail ---------------------------------------------

    def settle_scope(self) -> None:
        """Show the sidebar entry the user moved to, if its news is still queued."""
        sidebar = self.app.mounted_sidebar
        pending = sidebar.pending_scope if sidebar is not None else None
        if sidebar is None or pending is None:
            return
        if pending != self.app.scope:
            self.app.scope = pending  # watch_scope tells the sidebar it is shown
        else:
            sidebar.select(pending)

    def hold_mouse(self, event: events.MouseEvent) -> bool:
        """A click outside the sidebar acts on the view the user sees, as a key does:
        sidebar moves typed just before it (j j j, click) are applied first.

        Those keys reach the app's bindings by bubbling up from the sidebar, queue by
        queue, behind the click. So the click (and the mouse events after it) is held
        and posted again once everything the sidebar had queued has bubbled up; true
        when ``event`` is held."""
        if self._released.pop(id(event), None) is not None:
            if isinstance(event, events.MouseDown):
                self.settle_scope()
            return False
        if self._held is not None:
            self._held.append(event)
            return True
        if not isinstance(event, events.MouseDown):
            return False
        sidebar = self.app.mounted_sidebar
        if sidebar is None or not sidebar.has_focus:
            self.settle_scope()
            return False
        try:
            widget, _region = self.app.get_widget_at(event.x, event.y)
        except NoWidget:
            return False
        if sidebar in widget.ancestors_with_self:
            return False
        self._held = [event]
        # The path the keys bubble along, one queue after another: the release is
        # queued on each in turn, so it reaches the app's queue behind them.
        path: list[MessagePump] = [sidebar, *sidebar.ancestors]

        def hop(step: int) -> None:
            if step == len(path) - 1:
                path[step].call_later(self._release)
            else:
                path[step].call_later(hop, step + 1)

        hop(0)
        return True

    def _release(self) -> None:
        held, self._held = self._held or [], None
        for event in held:
            self._released[id(event)] = event
            self.app.post_message(event)

    def is_reading(self) -> bool:
        """The user is on the list or in the detail (not in the sidebar, a search, a screen)."""
        if not self.app.screen_stack:
            return False  # starting or closing: a timer's tick with no screen
        focused = self.app.focused
        if focused is None or self.app.screen is not self.app.screen_stack[0]:
            return False
        return focused is self.app.article_list or self.app.detail in focused.ancestors_with_self

    def highlighted(self, article: Article | None, by_user: bool) -> None:
        """The list's cursor moved (called inside the move: see ArticleList)."""
        self.app.view.current_id = article.id if article else None
        self.app.dwell.moved(article.id if article else None, by_user)
        self.app.full_texts.rest.moved(article.id if article else None, by_user)
        # Holding j: the list moves at once, the detail (reading the seed file,
        # wrapping its text: the costly part of a step) follows when the cursor pauses.
        now = time.monotonic()
        rapid = now - self._last_highlight < self.detail_debounce
        self._last_highlight = now
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if rapid:
            self._detail_timer = self.app.set_timer(self.detail_debounce, self._show_highlighted)
        else:
            self.show_article(article)
        left = self.app.view.sticky_id
        if article is not None and left != article.id:
            self.app.view.sticky_id = article.id
            if self.app.hide_read and left is not None and self.app.is_read(left):
                self.refresh_view(article.id)  # the read article we left drops out

    def _show_highlighted(self) -> None:
        """The debounced detail: nothing when the list is gone (the app is closing)."""
        lists = self.app.query(ArticleList)
        if lists:
            self.show_article(lists.first().article)

    def open_story(self, lead: Article) -> None:
        """Enter on a story in the stories view: list its articles (Esc returns)."""
        self.app.view.remember(self.app.scope, lead.id)
        self.app.scope = Story(lead.id)

    def related_chosen(self, message: DetailPane.RelatedChosen) -> None:
        current = self.app.article_list.article
        self.app.view.remember(self.app.scope, current.id if current else None)
        if message.article is not None:
            self.go_to_article(message.article)
        else:
            self.app.detail.show_related(message.related)
            self._show_picture(None)
            self.app.detail.focus_body()

    def open_article(self, article: Article) -> None:
        """Enter on an article: show it, mark it read, move into the detail pane."""
        self.app.full_texts.opened(article)
        self.show_article(article)
        if self.app.full_texts.full_text_mode == "read-ahead":
            self.app.full_texts.read_ahead(article)
        self.app.marks.mark_read(article)
        self.app.detail.focus_body()

    def go_to_article(self, article: Article) -> None:
        """Select an article in the list and the detail; when the view hides it, switch
        to All, then to its story (stories view), and clear a search it does not match."""
        if not self.app.article_list.select_id(article.id):
            self.app.view.sticky_id = (
                article.id
            )  # shown even when read and read articles are hidden
            scope, search = self.app.view.showing(self.app.library, self.app.view_values, article)
            if search is None and self.app.view.search is not None:
                self.app.query_one(SearchBar).close()
                self.app.apply_query("")
                self.app.notify(f"Cleared the search: it hides “{article.title}”.", timeout=4)
            if scope != self.app.scope:
                self.app.scope = scope
            self.app.article_list.set_articles(self.current_articles(), article.id)
            if not self.app.article_list.select_id(article.id):
                self.app.notify(f"“{article.title}” is not in this view.", timeout=4)
        self.app.detail.article = None  # the detail follows the list, whatever it showed
        self.show_article(article)
        self.app.dwell.start(article.id)  # the user chose it: reading starts
        self.app.article_list.focus()

    def show_article(self, article: Article | None) -> None:
        if not self.app.screen.is_attached or not self.app.screen.query(DetailPane):
            return  # a late message while the app shuts down
        if article is None:
            loading = self.app.library_loading.loading
            self.app.detail.show_empty("Loading…" if loading else "No article selected.")
            self._show_picture(None)
            return
        tags = self.app.state.tags_of(article.id)
        if (
            self.app.detail.article is article
            and self.app.detail.related_shown is None
            and tags == self._shown_tags
        ):
            return
        self._shown_tags = tags  # the page shows them: tagged here or by another copy, anew
        self.app.full_texts.needed(article)
        full, full_key = self.app.full_texts.view_of(article)
        from_index = self._from_index or not self.app.first_paint.done
        if from_index and self.app.pages.details.get(article) is None:
            # The first frame shows what the index knows (title, dates, topics, link);
            # the file's excerpt, body, picture and related stories follow it (and YAML).
            self.app.detail.show_page(article, self.app.pages.index_page(article, full))
            self.app.first_paint.later(self._show_file_of, article)
            return
        self.app.detail.show_page(article, self.app.pages.page(article, full, full_key))
        self._show_picture(self.app.pages.details.get(article))
        # Read ahead once this frame is on screen: a worker parsing YAML beside
        # the frame would hold the GIL while the frame is drawn.
        self.app.call_after_refresh(self.prefetch_around, article)

    @contextmanager
    def from_index(self) -> Iterator[None]:
        """The article shown meanwhile (a load's first) is drawn from the index, and its
        file read after the frame that shows the new list (YAML's first import among it)."""
        self._from_index = True
        try:
            yield
        finally:
            self._from_index = False

    def _show_file_of(self, article: Article) -> None:
        """After the first frame: the article it showed from the index, read from its file."""
        if self.app.detail.article is article and self.app.detail.related_shown is None:
            self.app.detail.article = None
            self.show_article(article)

    def _show_picture(self, detail: ArticleDetail | None) -> None:
        """The article's lead picture above its text; it follows the text (a worker)."""
        if self.app.pictures is not None:
            url = detail.images[0].url if detail is not None and detail.images else None
            self.app.query_one(ArticlePicture).show(url)

    def prefetch_around(self, article: Article | None) -> None:
        """Read and lay out the next few articles ahead of the keys, off the event loop."""
        articles = self.app.article_list.articles
        cursor = self.app.article_list.cursor
        if not (0 <= cursor < len(articles)) or articles[cursor] is not article:
            return
        size = self.app.detail.size
        plan = self.app.pages.plan(
            articles, cursor, (size.width, size.height), self.app.full_texts.view_of
        )
        if plan.read:
            self._run_ahead(partial(read_details, plan.read), "details")
        if plan.build:
            self._run_ahead(partial(build_pages, plan.build), "pages")

    def _run_ahead(self, work: Callable[[], object], group: str) -> None:
        # The function and its frozen arguments only: the worker holds no app, no
        # library, no store. Its value comes back in Worker.StateChanged (the app routes it).
        self.app.run_worker(
            work, thread=True, exclusive=True, exit_on_error=False, group=group, description=group
        )

    def details_read(self, details: list[tuple[Article, ArticleDetail]]) -> None:
        """The read-ahead read these files: their pages are laid out next."""
        self.app.pages.adopt_details(details)
        lists = self.app.query(ArticleList)
        if not lists:
            return  # a late worker while the app closes
        if self.app.pictures is not None:
            urls = [d.images[0].url for _a, d in details if d.images]
            self.app.query_one(ArticlePicture).prefetch(urls)
        self.prefetch_around(lists.first().article)  # their pages next

    def pages_built(self, pages: list[BuiltPage]) -> None:
        self.app.pages.adopt_pages(pages)

    def jump_unread(self, step: int) -> None:
        articles = self.app.article_list.articles
        index = self.app.article_list.cursor + step
        while 0 <= index < len(articles):
            if not self.app.marks.row_is_read(articles[index]):
                self.app.article_list.move_to(index)  # n/N: the user's move
                return
            index += step
        self.app.notify(
            "No more unread articles " + ("below." if step > 0 else "above."), timeout=2
        )

    def back(self) -> None:
        if self.app.detail.related_shown is not None and not self.app.view.history:
            self.show_article(self.app.article_list.article)
            return
        place = self.app.view.go_back()
        if place is not None:
            if place.scope != self.app.scope:
                self.app.scope = place.scope
            if place.article_id:
                self.app.article_list.set_articles(self.current_articles(), place.article_id)
            self.app.detail.article = None
            self.show_article(self.app.article_list.article)
            self.app.article_list.focus()
            return
        if self.app.focused is not self.app.article_list:
            self.app.article_list.focus()
        elif self.app.view.query_text:
            self.app.search.clear()

    def toggle_stories(self) -> None:
        if self.app.stories is None:
            self.app.notify("Stories are grouped once loading finishes.", timeout=2)
            return
        if isinstance(self.app.scope, Story):
            self.app.scope = ALL
        self.app.stories_mode = not self.app.stories_mode
        self.app.notify("Stories view" if self.app.stories_mode else "Articles view", timeout=1.5)

    def toggle_hide_read(self) -> None:
        self.app.hide_read = not self.app.hide_read
        self.app.notify(
            "Read articles hidden" if self.app.hide_read else "Read articles shown", timeout=1.5
        )

    def toggle_sort(self) -> None:
        self.app.sort = "quality" if self.app.sort == "date" else "date"
        self.app.notify(f"Sorted by {self.app.sort}", timeout=1.5)
