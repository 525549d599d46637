"""What the app's workers post back to the event loop, as messages.

A worker never touches a widget or the live store: it builds a value and posts
one of these (STYLE.md: "Build in the worker, hand the result over by message").
The read-ahead's workers are the exception: plain functions of frozen values that
return their result, handed over by Textual's ``Worker.StateChanged``
(reader.tui.reading), so that they hold no reference to the app.
Widgets' own messages are declared on the widget (``ArticleList.Opened``).
Plain classes, as Textual's own messages are: a dataclass costs some 0.3 ms to
define, paid by every start before its first frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from collections.abc import Mapping

    from reader.feeds.refresh import FeedResult
    from reader.handoff import Outcome
    from reader.ingest import Changes, Loaded, Progress
    from reader.model import Article
    from reader.query import Query, SearchIndex
    from reader.store import Store
    from reader.stories import Stories


class IngestReport(Message):
    """What the ingest session yielded in a worker: Progress, Loaded or Changes;
    with a new collection, the store built and warmed in the worker too."""

    def __init__(
        self, event: Progress | Loaded | Changes, manual: bool = False, store: Store | None = None
    ) -> None:
        super().__init__()
        self.event = event
        self.manual = manual  # a check the user asked for (r)
        self.store = store


class FeedsProgress(Message):
    """One more feed fetched (or failed) in the background."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class FeedsFetched(Message):
    """Every feed has been fetched; ``results`` has one FeedResult per feed."""

    def __init__(self, results: list[FeedResult] | None = None, error: str = "") -> None:
        super().__init__()
        self.results = results if results is not None else []
        self.error = error


class FeedChecked(Message):
    """A feed the user typed was fetched once: subscribed (``result``), or refused (``error``)."""

    def __init__(self, url: str, result: FeedResult | None, error: str = "") -> None:
        super().__init__()
        self.url = url
        self.result = result
        self.error = error


class CommandDone(Message):
    """A command the article was handed to ended (or was left running)."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome


class FullTextFetched(Message):
    """A worker fetched (or failed to fetch) an article's full text; it is stored."""

    def __init__(self, article: Article, error: str | None) -> None:
        super().__init__()
        self.article = article
        self.error = error


class StoriesReady(Message):
    """Stories grouped off the event loop."""

    def __init__(self, stories: Stories, generation: int) -> None:
        super().__init__()
        self.stories = stories
        self.generation = generation


class TextsFound(Message):
    """The search's words looked up in the full texts by a worker (folded word -> ids)."""

    def __init__(self, query: Query, found: dict[str, frozenset[str]], generation: int) -> None:
        super().__init__()
        self.query = query
        self.found = found
        self.generation = generation  # the texts' generation they were looked up at


class SearchReady(Message):
    """A search index and a link index built off the event loop."""

    def __init__(self, index: SearchIndex, links: Mapping[int, str], generation: int) -> None:
        super().__init__()
        self.index = index
        self.links = links
        self.generation = generation
