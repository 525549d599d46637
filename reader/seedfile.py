"""Seed files to articles: one file becomes an ``Article`` or a named ``Problem``.

Seed files come from strangers. Every function here assumes the worst: any
field may be missing, of the wrong type, huge or hostile, and the answer is
always an article or a one-sentence reason, never an exception.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

from reader.coerce import coerce_int, coerce_str, kind_of, parse_date
from reader.frontmatter import (
    Refused,
    check_shape,
    fast_document,
    lean_document,
    parse_document,
    split_front_matter,
)
from reader.model import Article, ArticleDetail, Image, Problem, Related
from reader.scan import DIRECTORY_REASON, NOT_A_FILE_REASON, cannot_read
from reader.text import (
    MAX_NAME_CHARS,
    MAX_TEXT_CHARS,
    clean_line,
    clean_paragraphs,
    clean_url,
    host_of,
    identity_and_key,
    loose_url_key,
    related_keys,
    search_text,
)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_RELATED = 200
MAX_TOPICS = 20
MAX_IMAGES = 50

LoadOutcome = tuple[Article, ArticleDetail] | Problem


def _too_big(size: int) -> Refused:
    return Refused(
        f"file is {size / 1_048_576:.1f} MB; articles larger than "
        f"{MAX_FILE_BYTES // 1_048_576} MB are not read"
    )


def _read_text(path: str) -> str:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise Refused("file disappeared before it could be read") from None
    except OSError as error:
        raise Refused(cannot_read(error)) from None
    if stat.S_ISDIR(st.st_mode):
        raise Refused(DIRECTORY_REASON)
    if not stat.S_ISREG(st.st_mode):
        raise Refused(NOT_A_FILE_REASON)
    if st.st_size > MAX_FILE_BYTES:
        raise _too_big(st.st_size)
    if st.st_size == 0:
        raise Refused("empty file")
    try:
        # Non-blocking, and checked again once open: a file swapped for a FIFO
        # after the stat above must not hang the load.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as handle:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode):
                raise Refused(NOT_A_FILE_REASON)
            raw = _read_up_to_limit(handle, opened.st_size)
    except OSError as error:
        raise Refused(cannot_read(error)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _too_big(len(raw))
    if b"\x00" in raw[:8192]:
        raise Refused("binary file (contains NUL bytes), not text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise Refused(
            f"not UTF-8 text (invalid byte 0x{raw[error.start]:02x} at offset {error.start})",
            line=line,
        ) from None


def _read_up_to_limit(handle: BinaryIO, size: int) -> bytes:
    """What ``handle.read(MAX_FILE_BYTES + 1)`` gives, without its buffer.

    A read of n bytes allocates n bytes first: 2 MB for every 5 KB file (a fresh
    mapping each time, ~20 us of ~200 a file). The file's size and a byte more
    are read instead; only a file that has grown since goes on to the limit."""
    want = min(size, MAX_FILE_BYTES) + 1
    raw = handle.read(want)
    if len(raw) == want <= MAX_FILE_BYTES:
        raw += handle.read(MAX_FILE_BYTES + 1 - want)
    return raw


# ---------------------------------------------------------------- the fields


def _text(data: dict[str, Any], key: str) -> str:
    value = coerce_str(data.get(key))
    return value if value is not None else ""


def _quality(value: Any) -> int | None:
    number = coerce_int(value)
    return number if number is not None and number >= 0 else None


def _heat(value: Any) -> int | None:
    # -1 (or any negative) means unknown.
    return _quality(value)


def _link(data: dict[str, Any]) -> str:
    for key in ("webUrl", "originalUrl"):
        url = coerce_str(data.get(key))
        if url and url.strip():
            return clean_url(url)
    return ""


def _provider(value: Any, url: str) -> tuple[str, str]:
    name = domain = ""
    if isinstance(value, dict):
        name = clean_line(coerce_str(value.get("name")) or "", MAX_NAME_CHARS)
        domain = clean_line(coerce_str(value.get("domain")) or "", MAX_NAME_CHARS).lower()
    elif (text := coerce_str(value)) is not None:
        name = clean_line(text, MAX_NAME_CHARS)
    if not domain and url:
        domain = host_of(url)
    if not name:
        name = domain
    return name, domain


def _topics(value: Any) -> tuple[str, ...]:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        return ()
    topics: list[str] = []
    seen: set[str] = set()
    for item in value:
        text = coerce_str(item)
        if text is None:
            continue
        topic = clean_line(text, MAX_NAME_CHARS)
        if topic and topic.casefold() not in seen:
            seen.add(topic.casefold())
            topics.append(topic)
        if len(topics) >= MAX_TOPICS:
            break
    return tuple(topics)


def _images(value: Any) -> tuple[Image, ...]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return ()
    images = []
    for item in value[:MAX_IMAGES]:
        if not isinstance(item, dict):
            continue
        url = clean_url(coerce_str(item.get("url")) or "")
        if not url:
            continue
        images.append(
            Image(
                url=url,
                width=_quality(item.get("width")),
                height=_quality(item.get("height")),
                title=clean_line(coerce_str(item.get("title")) or ""),
            )
        )
    return tuple(images)


def fallback_id(title: str, published: datetime | None) -> str:
    """The id of an article without a link: a hash of its title and date."""
    stamp = published.isoformat() if published else ""
    digest = hashlib.sha1(f"{title}\n{stamp}".encode()).hexdigest()[:16]
    return f"untitled-link:{digest}"


def _accepted_related(
    value: Any, parent_id: str, parent_keys: set[str]
) -> Iterator[tuple[dict[str, Any], str, str, str]]:
    """The related items an article keeps: (item, title, link, id), at most
    MAX_RELATED, without self-references and duplicates (also under loose variants)."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return
    kept = 0
    seen: set[str] = {parent_id}
    # Duplicates come under the same loose variants as self-references do.
    seen_keys = set(parent_keys)
    for item in value[: MAX_RELATED * 2]:
        if not isinstance(item, dict):
            continue
        title = clean_line(coerce_str(item.get("title")) or "")
        if not title:
            continue
        url = _link(item)
        if url:
            rid, key = identity_and_key(url)
        else:  # the date is read only where the id is made of it
            rid, key = fallback_id(title, parse_date(item.get("publishedDateTime"))), ""
        if rid in seen or key in seen_keys:
            continue
        seen.add(rid)
        if key:
            seen_keys.add(key)
        yield item, title, url, rid
        kept += 1
        if kept >= MAX_RELATED:
            return


def _related(value: Any, parent_id: str, parent_keys: set[str]) -> tuple[Related, ...]:
    items = []
    for item, title, url, rid in _accepted_related(value, parent_id, parent_keys):
        provider, domain = _provider(item.get("provider"), url)
        published = parse_date(item.get("publishedDateTime"))
        items.append(
            Related(
                id=rid,
                title=title,
                url=url,
                excerpt=clean_paragraphs(_text(item, "excerpt"), 4_000),
                provider=provider,
                domain=domain,
                published=published,
                quality=_quality(item.get("quality")),
                type=clean_line(_text(item, "type"), 40).lower() or "article",
            )
        )
    return tuple(items)


def build_article(data: dict[str, Any], path: str, body: str = "") -> tuple[Article, ArticleDetail]:
    """Validate a parsed front matter into an article and its heavy details."""
    identity = _identity(data)
    article_id, related_value, parent_keys = identity[3:]
    related = _related(related_value, article_id, parent_keys)
    excerpt = _excerpt(data)
    article = _article(data, path, identity, related_keys(item.id for item in related), excerpt)
    detail = ArticleDetail(
        related=related,
        images=_images(data.get("images")),
        original_url=clean_url(_text(data, "originalUrl")),
        body=clean_paragraphs(body, MAX_TEXT_CHARS),
        excerpt=excerpt,
    )
    return article, detail


def build_article_only(data: dict[str, Any], path: str) -> Article:
    """The article alone (what the list needs): the related stories only as keys."""
    return build_article_and_excerpt(data, path)[0]


def build_article_and_excerpt(data: dict[str, Any], path: str) -> tuple[Article, str]:
    """``build_article_only``'s article and its raw excerpt (which it keeps only folded)."""
    identity = _identity(data)
    article_id, related_value, parent_keys = identity[3:]
    accepted = _accepted_related(related_value, article_id, parent_keys)
    keys = related_keys(item[3] for item in accepted)
    excerpt = _excerpt(data)
    return _article(data, path, identity, keys, excerpt), excerpt


def _excerpt(data: dict[str, Any]) -> str:
    return clean_paragraphs(_text(data, "excerpt"))


# What is read once and used twice: title, link, date, id, related list, own keys.
_Identity = tuple[str, str, datetime | None, str, Any, set[str]]


def _identity(data: dict[str, Any]) -> _Identity:
    """The article's title, link, date and id, its raw related list, and the loose
    keys of its own links."""
    title = _title(data)
    url = _link(data)
    published = parse_date(data.get("publishedDateTime"))
    if url:
        article_id, url_key = identity_and_key(url)
    else:
        article_id = fallback_id(title, published)
    # An explicit id tells apart articles that share a link (feed items with distinct guids).
    explicit = clean_line(coerce_str(data.get("id")) or "", 2_000)
    if explicit:
        article_id = explicit
    parent_keys = {url_key} if url else set()
    for key in ("originalUrl", "ampWebUrl", "cdnAmpWebUrl"):
        if link := clean_url(coerce_str(data.get(key)) or ""):
            parent_keys.add(loose_url_key(link))
    return title, url, published, article_id, data.get("related"), parent_keys


def _title(data: dict[str, Any]) -> str:
    raw_title = data.get("title")
    title_text = coerce_str(raw_title)
    if title_text is None:
        if raw_title is None:
            raise Refused("no title (the one field an article needs)")
        raise Refused(f"title is {kind_of(raw_title)}, expected text")
    title = clean_line(title_text)
    if not title:
        raise Refused("title is empty")
    return title


def _article(
    data: dict[str, Any], path: str, identity: _Identity, keys: bytes, excerpt: str
) -> Article:
    title, url, published, article_id = identity[:4]
    provider, domain = _provider(data.get("provider"), url)
    return Article(
        id=article_id,
        title=title,
        path=path,
        url=url,
        provider=provider,
        domain=domain,
        published=published,
        quality=_quality(data.get("quality")),
        heat=_heat(data.get("heat")),
        topics=_topics(data.get("topics")),
        type=clean_line(_text(data, "type"), 40).lower() or "article",
        search_text=search_text(title, excerpt),
        related_keys=keys,
    )


# ------------------------------------------------------------------ one file


def read_seed_file(path: str | os.PathLike[str], *, explicit: bool = True) -> LoadOutcome:
    """Read one seed file into (article, detail), or the problem that stopped it.

    ``explicit`` is False for files found by scanning a folder: there, a file
    without front matter (a README) is reported as ignored, not as a problem.
    """
    name = os.fspath(path)
    try:
        data, body = parse_document(_read_text(name))
        return build_article(data, name, body)
    except Refused as refused:
        return Problem(name, refused.reason, refused.line, refused.ignored and not explicit)
    except Exception as error:  # a bug of ours must not sink the whole load
        return Problem(name, f"unexpected error while reading: {type(error).__name__}: {error}")


def load_seed_file(path: str | os.PathLike[str], *, explicit: bool = True) -> Article | Problem:
    """Read one seed file into an Article (without heavy details) or a Problem.

    The same outcome as ``read_seed_file``'s article, several times faster: the
    front matter is read by the fast parser where it gives what PyYAML gives,
    else without the parts only the detail shows (images, related stories'
    excerpts...), unless the document uses anchors, merge keys or tags, where
    the exact path decides.
    """
    outcome = load_seed_excerpt(path, explicit=explicit)
    return outcome if isinstance(outcome, Problem) else outcome[0]


def load_seed_excerpt(
    path: str | os.PathLike[str], *, explicit: bool = True
) -> tuple[Article, str] | Problem:
    """``load_seed_file``'s outcome, an article with its raw excerpt beside it (the
    detail's ``excerpt``, which the index cache keeps for the command line)."""
    name = os.fspath(path)
    try:
        text = _read_text(name)
        yaml_text, _body = split_front_matter(text)
        data = fast_document(yaml_text)
        if data is None:
            data = lean_document(yaml_text)
            if data is None:
                data, _body = parse_document(text)
            else:
                check_shape(data)
        return build_article_and_excerpt(data, name)
    except Refused as refused:
        return Problem(name, refused.reason, refused.line, refused.ignored and not explicit)
    except Exception as error:  # a bug of ours must not sink the whole load
        return Problem(name, f"unexpected error while reading: {type(error).__name__}: {error}")


def load_detail(article: Article) -> ArticleDetail:
    """Re-read the heavy parts of one article from its file (about 0.3 ms): its
    excerpt too (an ArticleDetail() with none when the file no longer holds it)."""
    outcome = read_seed_file(article.path)
    if isinstance(outcome, Problem) or outcome[0].id != article.id:
        return ArticleDetail()
    return outcome[1]
