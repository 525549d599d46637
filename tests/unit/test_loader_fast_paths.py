"""The loader's quicker ways of answering agree with the plain ones, on fuzzed input.

Each fast path here (a closing line found with ``str.find``, a cheaper check of
what the fast parser is never asked about, link keys taken from one split of a
link) replaced a slower one on the cold-load path; the slow ones stay the
reference, and these tests hold the two to one answer.
"""

from __future__ import annotations

import random
import re

from reader import frontmatter

_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_PIECES = ["---", "...", "\n", "\r", " ", "\t", "x", "-", ".", "--", "..", "----", "\r\n", "a: 1"]


def _fuzzed(pieces: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(pieces, k=rng.randint(0, 14))) for _ in range(count)]


def test_the_closing_line_is_where_the_regex_finds_it() -> None:
    texts = _fuzzed(_PIECES, 40_000, seed=25)
    texts += ["", "---", "...", "\n---", "a\n--- \t\r", "a\n---x\n...\n", "x\n...\n---\n"]
    for text in texts:
        match = _CLOSING.search(text)
        expected = (match.start(), match.end()) if match else None
        assert frontmatter._closing_line(text) == expected, repr(text)


def test_split_front_matter_keeps_its_answers() -> None:
    for text in _fuzzed(_PIECES, 5_000, seed=7):
        document = "---\n" + text
        match = _CLOSING.search(text)
        if match is None:
            continue
        expected = (text[: match.start()], text[match.end() :].lstrip("\r\n"))
        assert frontmatter.split_front_matter(document) == expected, repr(document)


def _refuses_as_before(text: str) -> bool:
    unprintable = (
        re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
        if text.isascii()
        else re.compile(frontmatter._FAST_UNPRINTABLE)
    )
    if unprintable.search(text) or "<<" in text or "\t" in text:
        return True
    if text.startswith("%") or "\n%" in text:
        return True
    markers = sum(text.count(marker) for marker in frontmatter._NESTING_MARKERS)
    return markers > frontmatter._SAFE_MARKER_COUNT


_REFUSED_PIECES = [
    *("a", "b: c", "\n", "\r", " ", "\t", "<", "<<", "%", "\n%", "é", "\x85", "\u2028"),
    *("\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x9f", "\ufeff", "\ufffe", "😀", "\xa0"),
    *("[", "{", "- ", "-\t", "? ", "?\t", "-", "?", "-x", "?x"),
]


def test_what_the_fast_parser_is_never_asked_about_is_as_before() -> None:
    rng = random.Random(25)
    texts = _fuzzed(_REFUSED_PIECES, 20_000, seed=25)
    plain = [piece for piece in _REFUSED_PIECES if _refuses_as_before(piece) is False]
    texts += _fuzzed(plain * 4 + _REFUSED_PIECES, 20_000, seed=26)  # fewer refused
    # Around the marker bound: many markers, or many of their first characters alone.
    bound = frontmatter._SAFE_MARKER_COUNT
    for _ in range(400):
        pieces = rng.choices(["- ", "-", "[", "?x", "{", "-a", "? ", "\n"], k=3 * bound)
        texts.append("".join(pieces[: rng.randint(bound, 3 * bound)]))
    texts += ["- " * bound, "- " * (bound + 1), "-" * (bound + 1), "- " * bound + "[", "%x"]
    for text in texts:
        assert frontmatter._fast_refuses(text) == _refuses_as_before(text), repr(text[:80])


_NODE_START_PIECES = [
    *(" ", "\n", "\r", "\t", "[", "{", ",", "]", "}", "-", "+", '"', "'", ":", "0", "00"),
    *("1", "9", "_", "o", "O", "x", "X", "b", "B", "e", "a", ".", "\x85", "\xa0", "\u3000"),
    *("\u2028", "é", "a: b", "- ", ": ", '":', "':", " :", " 0", "[0", "{:", ",0x"),
]
_RARE_STARTS = "!&*_|>?%@`"


def test_a_text_said_to_hold_no_node_start_holds_none() -> None:
    """The quick look for node starts never misses one the whole pattern finds,
    and says 'maybe' only where the pattern finds one or a rare character is there."""
    plain = [piece for piece in _NODE_START_PIECES if not set(piece) & set(_RARE_STARTS)]
    texts = ["\n" + text for text in _fuzzed(plain, 60_000, seed=25)]
    texts += ["\n" + text for text in _fuzzed(_NODE_START_PIECES + list(_RARE_STARTS), 20_000, 26)]
    texts += ["", "\n", "\n0", "\n:", "\n:x", "\n00", "\n-0x", '\n":0', "\n':+:y", "\nx:0"]
    found = 0
    for text in texts:
        expected = frontmatter._FAST_NODE_START.search(text) is not None
        maybe = frontmatter._may_hold_node_starts(text)
        assert maybe or not expected, repr(text)
        if not set(text) & set(_RARE_STARTS):
            assert maybe == expected, repr(text)
        found += expected
    assert 1_000 < found < len(texts) - 1_000  # both answers were asked for, many times


_URL_PIECES = [
    *("http://", "https://", "HTTPS://", "ftp://", "//", "www.", "WWW.", "Example.com", "a.b"),
    *("host", "xn--bcher-kva.ch", "bücher.de", "[::1]", ":8080", ":443", "user@", "%41"),
    *("/", "/amp", "/amp/", "//", "/a b", "?", "?amp", "?q=1", "#frag", "&amp;", "&amp;amp;"),
    *("&", "&#47;", "\\", " ", "\x00", "\x1b", "\u202e", "é", "path", "-_.", "0", "_", ""),
]


_SCHEMES = ["http://", "https://", "HTTPS://", "ftp://", "", "https:/"]
_HOSTS = ["www.", "WWW.", "example.com", "a.b", "host", "xn--bcher-kva.ch", "bücher.de", "%41"]
_HOSTS += ["[::1]", ":8080", ":443", "user@", "-_.", "0", "Ex", "\\", "&amp;", " "]
_PATHS = ["/", "/amp", "/amp/", "//", "/a b", "?", "?amp", "?q=1", "#frag", "&amp;", "&amp;amp;"]
_PATHS += ["&", "&#47;", "\\", " ", "\x00", "\x1b", "\u202e", "é", "/path", "-_.", "", "\t"]


def _urls(count: int, seed: int) -> list[str]:
    """Links of the common shape and near it: a scheme, a host, a path, from pieces."""
    rng = random.Random(seed)
    urls = []
    for _ in range(count):
        host = "".join(rng.choices(_HOSTS[:7], k=rng.randint(1, 3)))
        if rng.random() < 0.3:
            host += rng.choice(_HOSTS)
        path = "".join(
            rng.choices(_PATHS[:9] if rng.random() < 0.5 else _PATHS, k=rng.randint(0, 4))
        )
        urls.append(rng.choice(_SCHEMES) + host + path)
    return urls + _fuzzed(_URL_PIECES, count // 4, seed)


def test_identity_and_key_is_normalize_url_and_loose_url_key() -> None:
    from reader import text

    urls = _urls(40_000, seed=25)
    urls += ["https://www.example.com", "https://example.com/a/amp/", "http://h/&amp;amp;x"]
    for url in urls + urls:  # twice: the second time the hosts are known
        expected = (text.normalize_url(url), text.loose_url_key(url))
        assert text.identity_and_key(url) == expected, repr(url)


def _plain_link_as_before(url: str) -> tuple[str, str] | None:
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("http", "https") or "?" in rest or "#" in rest or "@" in rest:
        return None
    host, slash, path = rest.partition("/")
    if not host.islower() or not host.isascii() or ":" in host or "[" in host or "%" in host:
        return None
    if "\\" in host or not re.fullmatch(r"[a-z0-9._-]+", host):
        return None
    return host, slash + path


def test_known_hosts_are_answered_as_the_first_time() -> None:
    from reader import text

    urls = _urls(40_000, seed=26)
    for url in urls + urls:
        assert text._plain_link(url) == _plain_link_as_before(url), repr(url)
    assert sum(1 for url in urls if _plain_link_as_before(url)) > 1_000  # both answers tried
