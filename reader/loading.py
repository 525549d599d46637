"""Loading and watching the seed folders, off the event loop: the app's LoadingMixin.

Workers scan, parse (or read the index cache) and stat; they report back with
messages, and the handlers here fold the results into the store. Kept apart
from app.py, which owns the screen; NewsReaderApp inherits this mixin.
"""

from __future__ import annotations

import time

from textual import work
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from reader.cache import CacheEntry, entries_for, result_from_cache
from reader.formatting import plural
from reader.loader import Collector, MissingPath, iter_load, scan_paths
from reader.model import Article, LoadResult, Problem
from reader.query import SearchIndex
from reader.store import Store
from reader.stories import Stories, group_stories
from reader.watch import FolderChanges, Signature, diff, snapshot

REFRESH_DURING_LOAD = 0.4  # seconds between list refreshes while files stream in
WATCH_INTERVAL = 3.0  # seconds between rescans of the seed folders (at least)


class LoadProgress(Message):
    """A batch of articles parsed off the event loop."""

    def __init__(self, articles: list[Article], done: int, total: int) -> None:
        super().__init__()
        self.articles = articles
        self.done = done
        self.total = total


class LoadFinished(Message):
    """Every file has been read."""

    def __init__(
        self,
        result: LoadResult,
        entries: dict[str, CacheEntry],
        seconds: float,
        from_cache: bool = False,
    ) -> None:
        super().__init__()
        self.result = result
        self.entries = entries
        self.seconds = seconds
        self.from_cache = from_cache


class FolderChanged(Message):
    """A rescan found new, changed or deleted seed files."""

    def __init__(
        self,
        changes: FolderChanges,
        outcomes: list[Article | Problem],
        signatures: dict[str, Signature],
        manual: bool,
        seconds: float,
    ) -> None:
        super().__init__()
        self.changes = changes
        self.outcomes = outcomes
        self.signatures = signatures
        self.manual = manual
        self.seconds = seconds


class StoriesReady(Message):
    """Stories regrouped after the store changed."""

    def __init__(self, stories: Stories) -> None:
        super().__init__()
        self.stories = stories


class SearchReady(Message):
    """A search index built off the event loop."""

    def __init__(self, index: SearchIndex, generation: int) -> None:
        super().__init__()
        self.index = index
        self.generation = generation


class LoadingMixin:
    """The loading, caching and folder-watching half of NewsReaderApp.

    It uses the app's ``cache``, ``library``, ``result``, ``seed_paths`` and
    ``load_workers``, and its ``_refresh_view``/``_update_status``.
    """

    # -- loading ------------------------------------------------------------

    # Every @work has a description: without one Textual repr()s the arguments,
    # 3.5 s for a list of 100,000 articles.
    @work(thread=True, exclusive=True, exit_on_error=False, group="load", description="load")
    def load_articles(self) -> None:
        """Show the cached index at once, or scan and parse off the event loop, streaming.

        A cached start is checked against the folders right after it is shown
        (the rescan), so only new, changed and deleted files cost anything.
        """
        worker = get_current_worker()
        started = time.perf_counter()
        cached = self.cache.load() if self.cache is not None else None
        if cached:
            result = result_from_cache(cached)
            seconds = time.perf_counter() - started
            self.post_message(LoadFinished(result, cached, seconds, from_cache=True))
            return
        collector = Collector()
        try:
            files, scan_problems = scan_paths(self.seed_paths)
        except MissingPath as missing:
            files, scan_problems = [], [Problem(str(missing), "no such file or folder")]
        for problem in scan_problems:
            collector.add(problem)
        # Signatures before parsing: a file changed during the load is read again later.
        signatures = snapshot(files)
        outcomes: list[Article | Problem] = []
        self.post_message(LoadProgress([], 0, len(files)))
        for chunk in iter_load(files, workers=self.load_workers):
            if worker.is_cancelled:
                return
            added = [article for outcome in chunk if (article := collector.add(outcome))]
            outcomes.extend(chunk)
            self.post_message(LoadProgress(added, len(outcomes), len(files)))
        entries = entries_for(files, signatures, outcomes)
        self.post_message(LoadFinished(collector.result, entries, time.perf_counter() - started))
        if self.cache is not None:
            self.cache.save(entries)  # after the list is complete: ~1.5 s at 100,000

    @work(thread=True, exclusive=True, exit_on_error=False, group="cache", description="cache")
    def save_cache(self, entries: dict[str, CacheEntry]) -> None:
        if self.cache is not None:
            self.cache.save(entries)

    def on_load_progress(self, message: LoadProgress) -> None:
        self._progress = (message.done, message.total)
        if message.articles:
            self.store.add_many(message.articles)
            self.library.store_changed()
        # Refresh at most every REFRESH_DURING_LOAD seconds, and never spend more
        # than a fifth of the time refreshing: keys stay responsive while loading.
        now = time.monotonic()
        wait = max(REFRESH_DURING_LOAD, 5 * self._refresh_cost)
        if now - self._last_refresh >= wait or not self.article_list.articles:
            self._refresh_view()
            self._refresh_cost = time.monotonic() - now
        else:
            self._update_status()

    def on_load_finished(self, message: LoadFinished) -> None:
        self.result = message.result
        # Duplicates resolved late may have replaced earlier articles: rebuild from the result.
        self.library.set_store(Store(message.result.articles))
        self.loading = False
        self.article_list.empty_text = "No articles here."
        self._entries = message.entries
        self._signatures = {path: entry[0] for path, entry in message.entries.items()}
        self._refresh_view()
        self._finish_restore()
        if message.from_cache:
            self.checking = True  # validate the cached index against the folders now
            self._update_status()
            self.rescan()
        else:
            self._schedule_rescan(message.seconds)
        # Both take about a second at 100,000 articles: after the list is on screen.
        self.regroup_stories(list(self.store))
        self.warm_search(list(self.store), self.library.generation)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="search-index",
        description="search-index",
    )
    def warm_search(self, articles: list[Article], generation: int) -> None:
        """Fold every article's text off the event loop (about 1 s per 100,000)."""
        index = SearchIndex(articles)
        index.warm()
        self.store.link_index()  # built here rather than on the first related story shown
        self.post_message(SearchReady(index, generation))

    def on_search_ready(self, message: SearchReady) -> None:
        self.library.adopt_search_index(message.index, message.generation)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed is a bug: say so instead of failing silently."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            if event.worker.group == "load":
                self.loading = False
                self.article_list.empty_text = "Loading failed."
                self._update_status()
            self.notify(
                f"{event.worker.name or event.worker.group} failed: {error!r}",
                title="Internal error",
                severity="error",
                timeout=15,
            )

    # -- watching the folders -------------------------------------------------

    def _schedule_rescan(self, last_seconds: float) -> None:
        # A rescan is a stat of every file: keep it under ~10% of one core.
        delay = max(WATCH_INTERVAL, 10 * last_seconds)
        self.set_timer(delay, self.rescan, name="rescan")

    def action_rescan(self) -> None:
        self.rescan(manual=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rescan", description="rescan")
    def rescan(self, manual: bool = False) -> None:
        """Stat every seed file; read only new and changed ones; report what changed."""
        started = time.perf_counter()
        try:
            files, _problems = scan_paths(self.seed_paths)
        except MissingPath:
            files = []
        signatures = snapshot(files)
        changes = diff(self._signatures, files, signatures)
        outcomes: list[Article | Problem] = []
        for chunk in iter_load(changes.to_read, workers=self.load_workers):
            outcomes.extend(chunk)
        seconds = time.perf_counter() - started
        self.post_message(FolderChanged(changes, outcomes, signatures, manual, seconds))

    def on_folder_changed(self, message: FolderChanged) -> None:
        changes = message.changes
        self._signatures = message.signatures
        if changes:
            for path in changes.removed:
                self._entries.pop(path, None)
            for (path, named), outcome in zip(changes.to_read, message.outcomes, strict=True):
                signature = message.signatures.get(path)
                if signature is not None:
                    self._entries[path] = (signature, outcome, named)
            self._apply_folder_changes(changes, message.outcomes)
            self.save_cache(dict(self._entries))
        elif message.manual:
            self.notify("No changes in the seed folders.", timeout=2)
        if self.checking:
            self.checking = False
            self._update_status()
        self._schedule_rescan(message.seconds)

    def _apply_folder_changes(
        self, changes: FolderChanges, outcomes: list[Article | Problem]
    ) -> None:
        touched = set(changes.removed) | {path for path, _explicit in changes.to_read}
        for article in [a for a in self.store if a.path in touched]:
            self.store.remove(article.id)
        result = self.result
        result.problems = [p for p in result.problems if p.path not in touched]
        result.ignored = [p for p in result.ignored if p.path not in touched]
        new_articles = [o for o in outcomes if isinstance(o, Article)]
        for outcome in outcomes:
            if isinstance(outcome, Problem):
                (result.ignored if outcome.ignored else result.problems).append(outcome)
        self.store.add_many(new_articles)
        result.articles = list(self.store)
        self.library.store_changed()
        self._refresh_view()
        self.regroup_stories(list(self.store))
        self.warm_search(list(self.store), self.library.generation)
        parts = []
        added = sum(1 for o in outcomes if isinstance(o, Article)) - changes.changed
        if added > 0:
            parts.append(plural(added, "new article"))
        if changes.changed:
            parts.append(f"{plural(changes.changed, 'file')} changed")
        if changes.removed:
            parts.append(f"{plural(len(changes.removed), 'file')} removed")
        if parts:
            self.notify(", ".join(parts).capitalize() + ".", title="Seed folders", timeout=4)

    @work(thread=True, exclusive=True, exit_on_error=False, group="stories", description="stories")
    def regroup_stories(self, articles: list[Article]) -> None:
        """Group stories again off the event loop (from a copy: the store may change)."""
        self.post_message(StoriesReady(group_stories(articles)))

    def on_stories_ready(self, message: StoriesReady) -> None:
        self.library.stories = message.stories
        if self.stories_mode:
            self._refresh_view()
        else:
            self.detail.article = None  # repaint: "Also covered by" is known now
            self._show_article(self.article_list.article)
