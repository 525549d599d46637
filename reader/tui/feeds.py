"""The feeds' actions: fetch them all (R) or one (R on its row), add one, unsubscribe.

``FeedActions`` owns what the top line says about feeds (fetching, the
failures of the last fetch) and the feed list's location; its workers call
``reader.feeds`` and post ``FeedsProgress``, ``FeedsFetched`` or
``FeedChecked`` for the app to route back here. The fetched files come in
through the one ingest path: a folder check after each fetch.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from reader import paths
from reader.formatting import plural
from reader.scope import ALL
from reader.scope import Feed as FeedScope
from reader.tui.controller import Controller, Host, in_thread
from reader.tui.messages import FeedChecked, FeedsFetched, FeedsProgress

if TYPE_CHECKING:
    from reader.feeds.subscriptions import Feed
    from reader.widgets.topic_sidebar import TopicSidebar


class FeedActions(Controller):
    """Fetching, adding and unsubscribing feeds, and the sidebar's feed rows."""

    def __init__(
        self,
        app: Host,
        *,
        enabled: bool,
        feeds_list: Path | None,
        fetch_interval: float,
    ) -> None:
        super().__init__(app)
        self.feeds_enabled = enabled  # fetched feeds belong to the default library only
        self.feeds_list = feeds_list
        self.fetch_interval = fetch_interval  # seconds between automatic fetches (0: only on R)
        self.fetching: tuple[int, int] | None = None  # feeds fetched so far, of how many
        self.feed_failures: list[str] = []

    def start(self) -> None:
        """At mount: fetch now, then every ``fetch_interval`` seconds (0: only on R)."""
        if self.feeds_enabled and self.fetch_interval > 0:
            self.app.call_later(self.app.action_fetch_feeds)
            self.app.set_interval(self.fetch_interval, self.app.action_fetch_feeds, name="fetch")

    def fetch_all(self) -> None:
        if not self.feeds_enabled:
            self.app.notify(
                "Feeds are read into the default library: run newsreader without a path.",
                timeout=4,
            )
            return
        if self.fetching is not None:
            self.app.notify("Already fetching feeds.", timeout=2)
            return
        self.fetching = (0, 0)
        self.app.reading.update_status()
        self._fetch_all()

    @in_thread(group="fetch", exclusive=True)
    def _fetch_all(self) -> None:
        """Fetch every subscribed feed; the folder check then brings the articles in."""
        from reader.feeds.refresh import refresh  # feedparser: only when feeds are fetched
        from reader.feeds.subscriptions import FeedListError

        def progress(done: int, total: int, _result: object) -> None:
            self.app.post_message(FeedsProgress(done, total))

        try:
            results = refresh(feeds_list=self.feeds_list, progress=progress)
        except (FeedListError, OSError) as error:
            self.app.post_message(FeedsFetched([], str(error)))
            return
        self.app.post_message(FeedsFetched(results))

    @in_thread(group="fetch", exclusive=True)
    def _fetch_one(self, url: str) -> None:
        """Fetch one subscribed feed (R on its sidebar row)."""
        from reader.feeds.refresh import fetch_feed
        from reader.feeds.subscriptions import FeedListError, find_feed, load_feeds, merge_results

        try:
            feed = find_feed(load_feeds(self.feeds_list), url)
            if feed is None:
                self.app.post_message(FeedsFetched([], f"Not subscribed any more: {url}"))
                return
            result = fetch_feed(feed)
            merge_results([result.feed], self.feeds_list)
        except (FeedListError, OSError) as error:
            self.app.post_message(FeedsFetched([], str(error)))
            return
        self.app.post_message(FeedsFetched([result]))

    def reload(self, message: TopicSidebar.ReloadRequested) -> None:
        if self.fetching is not None:
            self.app.notify("Already fetching feeds.", timeout=2)
            return
        self.fetching = (0, 1)
        self.app.reading.update_status()
        self._fetch_one(message.url)

    def add(self) -> None:
        if not self.feeds_enabled:
            self.app.notify(
                "Feeds are read into the default library: run newsreader without a path.",
                timeout=4,
            )
            return
        from reader.screens.feed_dialogs import AddFeedScreen

        def add(url: str | None) -> None:
            if url:
                self.app.notify(f"Checking {url} …", timeout=2)
                self._check_new(url)

        self.app.push_screen(AddFeedScreen(), add)

    @in_thread(group="add_feed", exclusive=False)
    def _check_new(self, text: str) -> None:
        """Fetch a feed once; subscribe only when it is one (else say why not)."""
        from reader.feeds.refresh import fetch_feed
        from reader.feeds.subscriptions import (
            Feed,
            FeedListError,
            add_feed,
            check_location,
            find_feed,
            load_feeds,
            merge_results,
        )

        try:
            url = check_location(text)
            if find_feed(load_feeds(self.feeds_list), url) is not None:
                raise FeedListError(f"already subscribed: {url}")
            result = fetch_feed(Feed(url=url))
            if result.failed:
                self.app.post_message(FeedChecked(url, None, result.error))
                return
            add_feed(url, path=self.feeds_list)
            merge_results([result.feed], self.feeds_list)
        except (FeedListError, OSError) as error:
            self.app.post_message(FeedChecked(text, None, str(error)))
            return
        self.app.post_message(FeedChecked(url, result))

    def checked(self, message: FeedChecked) -> None:
        if message.result is None:
            self.app.notify(
                f"Not subscribed: {message.error}", title="Feeds", severity="error", timeout=8
            )
            return
        self.app.notify(f"Subscribed: {message.result.describe()}", title="Feeds")
        self.load_rows()
        self.app.reading.update_sidebar()
        self.app.library_loading.check()

    def confirm_unsubscribe(self, message: TopicSidebar.DeleteRequested) -> None:
        if not isinstance(message.scope, FeedScope):
            return
        url = message.scope.url
        row = self.app.library.feed_of(url)
        name = row.name if row is not None else url
        count = len(self.app.library.feed_article_ids(url))
        from reader.screens.feed_dialogs import ConfirmScreen

        question = Text("Unsubscribe from ", style="bold")
        question.append(name)  # feed text: never markup
        question.append("?", style="bold")
        note = (
            f"Its {plural(count, 'article')} and their marks stay in the library; "
            f"'newsreader feed remove {url}' deletes them."
        )

        def answer(yes: bool | None) -> None:
            if yes:
                self.unsubscribe(url, name)

        self.app.push_screen(ConfirmScreen(question, note), answer)

    def unsubscribe(self, url: str, name: str) -> None:
        """Take a feed off the list; its fetched articles stay where they are."""
        from reader.feeds.subscriptions import FeedListError, load_feeds, save_feeds

        try:
            feeds = load_feeds(self.feeds_list)
            save_feeds([f for f in feeds if f.url != url], self.feeds_list)
        except (FeedListError, OSError) as error:
            self.app.notify(str(error), title="Feeds", severity="error", timeout=8)
            return
        if self.app.scope == FeedScope(url):
            self.app.scope = ALL
        self.load_rows()
        self.app.reading.update_sidebar()
        self.app.notify(f"Unsubscribed from {name}.", title="Feeds", timeout=4)

    def load_rows(self) -> None:
        """The sidebar's feed rows from the feed list (a small JSON file)."""
        if not self.feeds_enabled:
            return
        from reader.library import FeedRow

        feeds = []
        # No list, no feeds: most starts have none, and need not import the feeds module.
        if (self.feeds_list or paths.feeds_list_path()).exists():
            from reader.feeds.subscriptions import FeedListError, load_feeds

            try:
                feeds = load_feeds(self.feeds_list)
            except FeedListError:
                feeds = []
        root = paths.feeds_dir()
        self.app.library.set_feeds(
            [FeedRow(f.url, f.title or f.url, str(root / f.folder), f.last_error) for f in feeds]
        )
        # The failures the list keeps (a fetch from the command line's among them), for
        # the ! screen, named as the sidebar names them: what the rows marked ! say.
        titles = [f.title for f in feeds]

        def name(feed: Feed) -> str:
            shared = feed.title and titles.count(feed.title) > 1
            return f"{feed.title} ({feed.url})" if shared else feed.title or feed.url

        self.feed_failures = [f"{name(f)}: failed: {f.last_error}" for f in feeds if f.last_error]

    def progress(self, message: FeedsProgress) -> None:
        self.fetching = (message.done, message.total)
        self.app.reading.update_status()

    def fetched(self, message: FeedsFetched) -> None:
        self.fetching = None
        self.app.reading.update_status()
        if message.error:
            self.app.notify(message.error, title="Feeds", severity="error", timeout=8)
            return
        results = message.results
        if not results:
            self.app.notify("No feeds yet: add one with 'newsreader feed add URL'.", timeout=5)
            return
        from reader.feeds.refresh import failure_lines, summary

        self.load_rows()  # their errors (!) and titles
        self.feed_failures = failure_lines(results)  # as this fetch said them (saved or not)
        self.app.reading.update_sidebar()
        self.app.reading.update_status()  # the top line keeps saying so after the toast
        unsaved = any(r.unsaved for r in results)
        severity = "error" if unsaved else "warning" if self.feed_failures else "information"
        self.app.notify(summary(results), title="Feeds", severity=severity)
        self.app.library_loading.check()  # the new files come in through the one ingest path
