"""Fetching one article's page and extracting its text (call it from a worker).

Only HTML and XHTML are parsed: anything else is refused by its type before
its body is read. trafilatura is imported here, on first use, never at start-up.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from reader import http
from reader.fulltext.document import Document, from_trafilatura_xml

HTML_TYPES = ("text/html", "application/xhtml+xml")
ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# More start tags than this is not an article but a trap: refused before parsing.
MAX_TAGS = 100_000
_import_lock = threading.Lock()
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)


class ExtractionEmpty(Exception):
    """The page was fetched, but no article text was found in it."""


@dataclass(frozen=True, slots=True)
class FetchedDocument:
    url: str  # the final URL after redirects
    document: Document


def decode(body: bytes, charset: str | None) -> str:
    """The page's text: its declared charset, else UTF-8, never failing."""
    for encoding in (charset, "utf-8"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", errors="replace")


def extract(html_text: str, url: str) -> Document:
    """The article in ``html_text``; ExtractionEmpty when there is none."""
    if html_text.count("<") > MAX_TAGS:
        raise ExtractionEmpty(f"the page has more than {MAX_TAGS:,} tags, so it was not read")
    with _import_lock:  # two workers importing at once would race
        import trafilatura
    xml = trafilatura.extract(
        html_text,
        url=url or None,
        output_format="xml",
        include_links=True,
        include_tables=True,
        include_comments=False,
        include_images=False,
        deduplicate=False,
    )
    document = from_trafilatura_xml(xml, url) if xml else None
    if document is None or not document.blocks:
        raise ExtractionEmpty("no article text was found on the page")
    return document


def fetch_document(
    url: str, *, deadline: float = 30.0, read_timeout: float = 10.0, connect_timeout: float = 5.0
) -> FetchedDocument:
    """Fetch ``url`` and extract its article; raises http.FetchError or ExtractionEmpty."""
    response = http.get(
        url,
        accept=ACCEPT,
        allowed_types=HTML_TYPES,
        deadline=deadline,
        read_timeout=read_timeout,
        connect_timeout=connect_timeout,
    )
    text = decode(response.body, response.charset or _meta_charset(response.body))
    return FetchedDocument(response.url, extract(text, response.url))


def _meta_charset(body: bytes) -> str | None:
    found = _META_CHARSET.search(body[:4096])
    return found.group(1).decode("ascii").lower() if found else None
