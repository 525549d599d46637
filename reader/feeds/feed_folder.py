"""A feed's folder of article files: written, listed, trimmed and checked after a 304.

Each article is one ``.md`` file named by a hash of its identity, so a refetch
overwrites the same file and never adds a duplicate. A file is rewritten only
when its content changed (the index cache keys on mtimes), always atomically.
YAML is written here with ``yaml.safe_dump`` (plain dicts and strings only,
never a template), and read, as everywhere, only by ``reader.seedfile``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from reader.feeds.articles import ArticleRecord, format_date
from reader.files import remove_stale_temporaries, write_atomically
from reader.model import Article
from reader.seedfile import load_seed_file

MAX_ARTICLES_PER_FEED = 1_000
SUFFIX = ".md"
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


@dataclass(slots=True)
class WriteStats:
    """What one write of a feed's articles did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    trimmed: int = 0
    total: int = 0


def article_filename(key: str) -> str:
    """The file of the article with identity ``key``: the same on every fetch."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20] + SUFFIX


def render(data: dict[str, Any]) -> str:
    """The article file for front-matter ``data``: ``---``, safe YAML, ``---``."""
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    # safe_dump indents continuation lines, so no value can end the front
    # matter early; checked anyway, since the loader trusts that line.
    if _CLOSING.search(front):
        raise ValueError("front matter would contain a closing '---' line")
    return f"---\n{front}---\n"


def _first_seen(path: Path, now: datetime) -> str:
    """A date for an item the feed leaves undated: when we first saw it, kept after."""
    if path.exists():
        previous = load_seed_file(path)
        if isinstance(previous, Article) and previous.published is not None:
            return format_date(previous.published)
    return format_date(now)


def write_articles(
    folder: Path,
    records: Iterable[ArticleRecord],
    *,
    max_articles: int = MAX_ARTICLES_PER_FEED,
    now: datetime | None = None,
) -> WriteStats:
    """Write a feed's articles into ``folder``; keep at most ``max_articles`` files."""
    now = now or datetime.now(UTC)
    stats = WriteStats()
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(folder)  # left by a writer that was killed
    for record in records:
        path = folder / article_filename(record.key)
        data = dict(record.data)
        if "publishedDateTime" not in data:
            data["publishedDateTime"] = _first_seen(path, now)
            data = _with_date_after_excerpt(data)
        content = render(data).encode("utf-8")
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            old = None
        if old == content:
            stats.unchanged += 1
            continue
        write_atomically(path, content)
        if old is None:
            stats.new += 1
        else:
            stats.updated += 1
    stats.trimmed = trim(folder, max_articles)
    stats.total = len(article_files(folder))
    return stats


def _with_date_after_excerpt(data: dict[str, Any]) -> dict[str, Any]:
    # Keep the key order of real seed files (title, excerpt, date, link, ...).
    order = ["title", "excerpt", "publishedDateTime"]
    head = {key: data[key] for key in order if key in data}
    return head | {key: value for key, value in data.items() if key not in head}


def article_files(folder: Path) -> list[Path]:
    """The article files of one feed folder."""
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == SUFFIX and p.is_file())
    except FileNotFoundError:
        return []


def trim(folder: Path, max_articles: int) -> int:
    """Delete the oldest articles past ``max_articles``; return how many went."""
    files = article_files(folder)
    excess = len(files) - max_articles
    if excess <= 0:
        return 0

    def age(path: Path) -> tuple[float, str]:
        article = load_seed_file(path)
        published = article.published if isinstance(article, Article) else None
        return (published.timestamp() if published else float("-inf"), path.name)

    for path in sorted(files, key=age)[:excess]:
        path.unlink(missing_ok=True)
    return excess


def folder_signature(folder: Path) -> str:
    """A digest of the names, sizes and mtimes of a feed's article files (cheap: stats only)."""
    digest = hashlib.sha1()
    for path in article_files(folder):
        try:
            info = os.stat(path)
        except OSError:
            continue
        digest.update(f"{path.name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


def stored_intact(folder: Path, expected: int) -> bool:
    """True when ``folder`` holds at least ``expected`` article files and each still loads."""
    files = article_files(folder)
    if len(files) < expected:
        return False
    return all(isinstance(load_seed_file(path), Article) for path in files)
