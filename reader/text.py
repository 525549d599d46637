"""Cleaning of untrusted text and links from seed files, and the one text fold.

Everything a seed file says passes through here before it is stored, so the
rest of the program can assume: no control characters, no HTML entities, no
runs of whitespace, and links in one canonical form for identity.

``fold`` is how text is compared wherever case and accents must not matter:
the search (``reader.query``) and story grouping (``reader.stories``).
"""

from __future__ import annotations

import html
import re
import struct
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from reader.hashes import blake2b

# C0 controls except tab and newline, DEL, C1 controls, and the bidi
# embedding/override/isolate characters that can reorder a terminal line.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_INLINE_SPACE = re.compile(r"[^\S\n]+")
_ANY_SPACE = re.compile(r"\s+")
_SPACE = re.compile(r"\s")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
_DEFAULT_PORTS = {"http": "80", "https": "443"}

MAX_TITLE_CHARS = 1_000
MAX_TEXT_CHARS = 20_000
MAX_NAME_CHARS = 200


def strip_controls(text: str) -> str:
    """Remove characters that could drive the terminal rather than print."""
    return _CONTROL.sub("", text)


def _unescape(text: str) -> str:
    # Feeds sometimes escape twice (``&amp;#8217;``); a second pass undoes that
    # and leaves plain text with a lone ``&`` unchanged.
    once = html.unescape(text)
    return html.unescape(once) if "&" in once else once


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _is_plain(text: str) -> bool:
    # Nothing any cleaning changes: no entity, no control or bidi character (none
    # is printable), no whitespace but single inner spaces.
    return (
        "&" not in text
        and text.isprintable()
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
    )


def clean_line(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """A single-line field (title, name): entities decoded, one line, no controls."""
    if len(text) <= limit and _is_plain(text):
        return text  # most titles and names: the passes below would change nothing
    text = _unescape(text[: limit * 8])
    text = _ANY_SPACE.sub(" ", text.replace("\x00", " "))
    return _truncate(strip_controls(text).strip(), limit)


def clean_paragraphs(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """A multi-line field (excerpt, body): line breaks kept, everything else as clean_line."""
    if len(text) <= limit and "\\" not in text and _is_plain(text):
        return text
    text = _unescape(text[: limit * 8])
    # Escaped line breaks written out as text by some crawlers.
    text = text.replace("\\r\\n", "\n").replace("\\n", "\n")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = strip_controls(text)
    text = _INLINE_SPACE.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return _truncate(text.strip(), limit)


def clean_url(text: str) -> str:
    """A link as written, made safe to show and to open: entities decoded, no spaces."""
    if len(text) <= 8_000 and "&" not in text and " " not in text and text.isprintable():
        return text  # most links, and every link cleaned once already
    text = strip_controls(html.unescape(text[:8_000])).strip()
    return _SPACE.sub("%20", text)


def normalize_url(url: str) -> str:
    """The identity of a link: lower-case scheme and host, no default port, no fragment."""
    url = clean_url(url)
    if not url:
        return ""
    plain = _plain_link(url)
    if plain is not None:
        host, path = plain
        return url if path else url + "/"
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url
    if not scheme or not host:
        return url
    netloc = host
    if port is not None and _DEFAULT_PORTS.get(scheme) != str(port):
        netloc = f"{host}:{port}"
    if parts.username or parts.password:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def loose_url_key(url: str) -> str:
    """A looser key for spotting the same page under a slightly different link.

    Ignores the scheme, a leading ``www.``, a trailing slash and an ``/amp``
    suffix: the variants real collections use when a story points back at itself.
    """
    url = clean_url(url)
    if not url:
        return ""
    plain = _plain_link(url)
    if plain is not None:
        return _plain_key(*plain)
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return url.lower()
    host = host.removeprefix("www.")
    path = parts.path.rstrip("/")
    path = path.removesuffix("/amp").rstrip("/")
    key = f"{host}{path}"
    if parts.query and parts.query.lower() != "amp":
        key += "?" + parts.query
    return key


def identity_and_key(url: str) -> tuple[str, str]:
    """``(normalize_url(url), loose_url_key(url))``, the link taken apart once."""
    cleaned = clean_url(url)
    plain = _plain_link(cleaned) if cleaned else None
    if plain is None:
        return normalize_url(url), loose_url_key(url)
    host, path = plain
    return (cleaned if path else cleaned + "/"), _plain_key(host, path)


def _plain_key(host: str, path: str) -> str:
    return host.removeprefix("www.") + path.rstrip("/").removesuffix("/amp").rstrip("/")


def _plain_link(url: str) -> tuple[str, str] | None:
    """(host, path) of a link of the common shape, which urlsplit would take apart
    to the same pieces: http(s), a lower-case ASCII host without port or user,
    no query or fragment. None for anything else."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("http", "https") or "?" in rest or "#" in rest or "@" in rest:
        return None
    host, slash, path = rest.partition("/")
    plain = _PLAIN_HOSTS.get(host)
    if plain is None:
        plain = _plain_host(host)
        if len(_PLAIN_HOSTS) < 4_096 and len(host) <= 255:
            _PLAIN_HOSTS[host] = plain
    return (host, slash + path) if plain else None


def _plain_host(host: str) -> bool:
    if not host.islower() or not host.isascii() or ":" in host or "[" in host or "%" in host:
        return False
    return "\\" not in host and _HOST.fullmatch(host) is not None


_HOST = re.compile(r"[a-z0-9._-]+")
# Hosts already looked at (the same few hundred in a library), and whether plain.
_PLAIN_HOSTS: dict[str, bool] = {}


def host_of(url: str) -> str:
    """The host of a link without ``www.``, or an empty string."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def is_web_url(url: str) -> bool:
    """True for http and https links: the only ones newsreader will open."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


# ------------------------------------------------------------------ folding


def fold(text: str) -> str:
    """Text as search and story grouping compare it: casefolded, accents stripped, spaces collapsed.

    Typographic quotes and dashes become their ASCII forms, so ``don't`` finds
    "don’t" (and most texts stay ASCII, which Python searches fastest).
    """
    if text.isascii():
        folded = text.lower()
    else:
        # NFKD splits "é" into "e" + a combining mark; casefold maps "ß" to "ss".
        folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
        if not folded.isascii():
            # Fast C passes for the usual cases (typographic punctuation, Latin
            # accents); whatever is left goes through the general rule.
            for char, plain in _PUNCTUATION.items():
                if char in folded:
                    folded = folded.replace(char, plain)
            folded = _LATIN_MARKS.sub("", folded)
            if not folded.isascii():
                folded = _NON_ASCII_RUN.sub(_fold_run, folded)
    return " ".join(folded.split())


def search_text(title: str, excerpt: str) -> str:
    """An article's title and excerpt as search compares them: folded, a line each."""
    # One fold call for both (half the overhead); NUL survives it as a separator.
    return fold(f"{title}\0{excerpt}").replace("\0", "\n")


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# Combining Diacritical Marks, except U+034F (a grapheme joiner, not a mark).
_LATIN_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]+")
_PUNCTUATION = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}


@lru_cache(maxsize=4096)
def _fold_marks(run: str) -> str:
    # Drop combining marks and make typographic punctuation ASCII.
    return "".join(_PUNCTUATION.get(c, c) for c in run if not unicodedata.combining(c))


def _fold_run(match: re.Match[str]) -> str:
    # Only the few non-ASCII runs are looked at; a character class of every
    # combining mark makes `re` about twenty times slower than this.
    return _fold_marks(match.group())


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """One character as ``fold`` makes it (without the space collapsing): for highlighting."""
    if char < "\x80":
        return char.lower()
    return _fold_marks(
        unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    )


def link_key(link: str) -> str:
    """``loose_url_key`` of a normalised link, with a fast path for plain ones.

    Article ids and related ids are already normalised (lower-case host, no
    fragment), so for the common shape the loose key is a few string
    operations; anything unusual goes through ``loose_url_key`` itself.
    """
    scheme, sep, rest = link.partition("://")
    if scheme not in ("http", "https") or "?" in rest or "&" in rest or "@" in rest or "#" in rest:
        return loose_url_key(link)
    host, slash, path = rest.partition("/")
    if not host.islower() or ":" in host or "[" in host or "%" in host:
        return loose_url_key(link)
    return (host.removeprefix("www.") + slash + path).rstrip("/").removesuffix("/amp").rstrip("/")


# ---------------------------------------------------------------- related keys
# An article keeps only what grouping stories needs of its related stories: an
# 8-byte digest of each one's id and of its loose link key (0 for an id that is
# not a link), 16 bytes a story instead of two strings (some 500 bytes an
# article, 50 MB of 100,000). The full related stories are read with the detail.

_RELATED = struct.Struct("<QQ")


def link_digest(text: str) -> int:
    """A stable 64-bit digest of a link or id (the same in every process)."""
    data = text.encode("utf-8", "surrogatepass")
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "little")


def related_keys(ids: Iterable[str]) -> bytes:
    """The packed keys of related ids: (digest of the id, digest of its link key)."""
    pack = _RELATED.pack
    return b"".join(
        pack(link_digest(rid), link_digest(link_key(rid)) if "://" in rid else 0) for rid in ids
    )


def iter_related_keys(keys: bytes) -> Iterator[tuple[int, int]]:
    """(id digest, link-key digest or 0) for each related story, in order."""
    return _RELATED.iter_unpack(keys)
