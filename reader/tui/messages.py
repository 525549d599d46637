"""What the app's workers post back to the event loop, as dataclass messages.

A worker never touches a widget or the live store: it builds a value and posts
one of these (STYLE.md: "Build in the worker, hand the result over by message").
The read-ahead's workers are the exception: plain functions of frozen values that
return their result, handed over by Textual's ``Worker.StateChanged``
(reader.tui.reading), so that they hold no reference to the app.
Widgets' own messages are declared on the widget (``ArticleList.Opened``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.feeds.refresh import FeedResult
    from reader.handoff import Outcome
    from reader.ingest import Changes, Loaded, Progress
    from reader.model import Article
    from reader.query import Query, SearchIndex
    from reader.store import Store
    from reader.stories import Stories


@dataclass
class IngestReport(Message):
    """What the ingest session yielded in a worker: Progress, Loaded or Changes;
    with a new collection, the store built and warmed in the worker too."""

    event: Progress | Loaded | Changes
    manual: bool = False  # a check the user asked for (r)
    store: Store | None = None


@dataclass
class FeedsProgress(Message):
    """One more feed fetched (or failed) in the background."""

    done: int
    total: int


@dataclass
class FeedsFetched(Message):
    """Every feed has been fetched; ``results`` has one FeedResult per feed."""

    results: list[FeedResult] = field(default_factory=list)
    error: str = ""


@dataclass
class FeedChecked(Message):
    """A feed the user typed was fetched once: subscribed (``result``), or refused (``error``)."""

    url: str
    result: FeedResult | None
    error: str = ""


@dataclass
class CommandDone(Message):
    """A command the article was handed to ended (or was left running)."""

    outcome: Outcome


@dataclass
class FullTextFetched(Message):
    """A worker fetched (or failed to fetch) an article's full text; it is stored."""

    article: Article
    error: str | None


@dataclass
class StoriesReady(Message):
    """Stories grouped off the event loop."""

    stories: Stories
    generation: int


@dataclass
class TextsFound(Message):
    """The search's words looked up in the full texts by a worker (folded word -> ids)."""

    query: Query
    found: dict[str, frozenset[str]]
    generation: int  # the texts' generation they were looked up at


@dataclass
class SearchReady(Message):
    """A search index and a link index built off the event loop."""

    index: SearchIndex
    links: dict[int, str]
    generation: int
