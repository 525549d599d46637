"""Full article text: fetched through reader.http, extracted by trafilatura, kept in SQLite.

Textual-free. ``fetch_document`` fetches and extracts (importing trafilatura
on first use, so call it from a worker); ``TextStore`` keeps what was fetched
in the articles database beside the state, keyed by the article's id.
"""

from reader.fulltext.document import Block, Document, Link
from reader.fulltext.fetch import ExtractionEmpty, fetch_document
from reader.fulltext.storage import StoredText, TextStore, articles_db_path

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
