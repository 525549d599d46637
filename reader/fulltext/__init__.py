"""Full article text: fetched through reader.http, extracted by trafilatura, kept in SQLite.

Textual-free. ``fetch_document`` fetches and extracts (importing trafilatura
on first use, so call it from a worker); ``TextStore`` keeps what was fetched
in the articles database beside the state, keyed by the article's id.

The fetching half (``fetch_document``, ``ExtractionEmpty``) and reader.http
under it are imported on first use: the reader's first screen opens the
store but fetches nothing.
"""

from typing import TYPE_CHECKING, Any

from reader.fulltext.storage import StoredText, TextStore, articles_db_path

if TYPE_CHECKING:
    from reader.fulltext.document import Block, Document, Link
    from reader.fulltext.fetch import ExtractionEmpty, fetch_document

__all__ = [
    "Block",
    "Document",
    "ExtractionEmpty",
    "Link",
    "StoredText",
    "TextStore",
    "articles_db_path",
    "fetch_document",
]

_FETCHING = frozenset({"ExtractionEmpty", "fetch_document"})
# The document's classes too: the store reads one only when a text is shown.
_DOCUMENT = frozenset({"Block", "Document", "Link"})


def __getattr__(name: str) -> Any:
    if name in _FETCHING:
        from reader.fulltext import fetch

        return getattr(fetch, name)
    if name in _DOCUMENT:
        from reader.fulltext import document

        return getattr(document, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
