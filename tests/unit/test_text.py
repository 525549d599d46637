"""Cleaning of untrusted text and links."""

from __future__ import annotations

import html
import random
import re
from urllib.parse import urlsplit, urlunsplit

import pytest

from reader import text as text_module
from reader.text import (
    MAX_TITLE_CHARS,
    clean_line,
    clean_paragraphs,
    clean_url,
    host_of,
    is_web_url,
    loose_url_key,
    normalize_url,
    strip_controls,
)


@pytest.mark.parametrize(
    "control",
    ["\x1b", "\x07", "\x00", "\x08", "\x0b", "\x0c", "\x7f", "\x85", "\x9b", "\u202e", "\u2066"],
)
def test_strip_controls_removes_terminal_drivers(control):
    assert strip_controls(f"a{control}b") == "ab"


def test_strip_controls_keeps_newline_tab_and_text():
    assert strip_controls("a\nb\tc é 한 😀 [x]") == "a\nb\tc é 한 😀 [x]"


def test_clean_line_decodes_entities_and_collapses_space():
    assert clean_line("  It&#8217;s&nbsp;AT&amp;T \n\t now  ") == "It\u2019s AT&T now"


def test_clean_line_undoes_double_escaping_but_keeps_a_lone_ampersand():
    assert clean_line("Don&amp;#8217;t") == "Don\u2019t"
    assert clean_line("Fish & chips") == "Fish & chips"
    assert clean_line("R&D") == "R&D"


def test_clean_line_strips_escape_sequences():
    assert clean_line("\x1b[2J\x1b]0;title\x07Hello\x9b31m") == "[2J]0;titleHello31m"


def test_clean_line_keeps_markup_like_brackets_verbatim():
    text = "[bold]x[/] [/] [WIP] \\[x] [$5]"
    assert clean_line(text) == text


def test_clean_line_truncates_long_text():
    cleaned = clean_line("word " * 1_000)
    assert len(cleaned) <= MAX_TITLE_CHARS
    assert cleaned.endswith("…")
    assert clean_line("abc", limit=10) == "abc"


def test_clean_paragraphs_keeps_line_breaks_and_normalises_the_rest():
    text = "  First&nbsp;line \r\nsecond\tline\r\rthird\n\n\n\n\nfourth \x1b[1m "
    assert clean_paragraphs(text) == "First line\nsecond line\n\nthird\n\nfourth [1m"


def test_clean_paragraphs_turns_escaped_breaks_into_newlines():
    assert clean_paragraphs("one\\r\\ntwo\\nthree") == "one\ntwo\nthree"


def test_clean_url_decodes_amp_and_encodes_spaces():
    assert clean_url(" https://e.com/a b?x=1&amp;y=2 ") == "https://e.com/a%20b?x=1&y=2"
    assert clean_url("https://e.com/\x1b[31m") == "https://e.com/[31m"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM/Path?Q=1#frag", "https://example.com/Path?Q=1"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://e.com/a?x=1&amp;y=2", "https://e.com/a?x=1&y=2"),
        ("https://e.com/a b", "https://e.com/a%20b"),
        ("/relative/path", "/relative/path"),
        ("", ""),
        ("http://[::1", "http://[::1"),
    ],
)
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


def test_loose_url_key_matches_the_variants_a_story_uses_for_itself():
    variants = [
        "https://www.example.com/news/story/",
        "http://example.com/news/story",
        "https://example.com/news/story/amp",
        "https://EXAMPLE.com/news/story/amp/",
        "https://www.example.com/news/story?amp",
    ]
    assert {loose_url_key(v) for v in variants} == {"example.com/news/story"}
    assert loose_url_key("https://example.com/news/other") != loose_url_key(variants[0])
    assert loose_url_key("https://example.com/a?id=1") != loose_url_key(
        "https://example.com/a?id=2"
    )
    assert loose_url_key("") == ""


def test_host_of_and_is_web_url():
    assert host_of("https://www.Gulfnews.com/x") == "gulfnews.com"
    assert host_of("not a url") == ""
    assert host_of("http://[::1") == ""
    assert is_web_url("https://example.com/a")
    assert is_web_url("HTTP://example.com")
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "/assets/logo.png", "https://", ""):
        assert not is_web_url(bad)


def test_short_url_cuts_in_the_middle_at_a_slash():
    from reader.formatting import short_url

    url = "https://example.com/" + "/".join(f"part{n}" for n in range(30)) + "/last-words"
    short = short_url(url, 48)
    assert len(short) <= 48
    assert short.startswith("https://example.com/…/") and short.endswith("/last-words")
    assert short_url("https://example.com/a", 48) == "https://example.com/a"
    no_slash = "x" * 100
    assert len(short_url(no_slash, 21)) == 21 and "…" in short_url(no_slash, 21)


def test_short_url_keeps_the_whole_host_in_a_narrow_notice():
    from reader.formatting import short_url

    # One long last segment: the host stays whole, the segment keeps its end.
    url = "https://www.theguardian.com/technology-amazon-stops-police-use-of-facial-recognition"
    short = short_url(url, 40)
    assert len(short) <= 40
    assert short.startswith("https://www.theguardian.com/…")
    assert short.endswith("recognition")
    # Too narrow for the scheme and host: the host's start is kept, never its middle.
    tiny = short_url(url, 20)
    assert len(tiny) <= 20 and tiny.startswith("https://www.theg") and tiny.endswith("…")
    for limit in range(5, len(url) + 2):
        assert len(short_url(url, limit)) <= limit, limit


# ------------------------------------------- the fast paths against the passes
# The cleaning functions return plain text and common links untouched without
# running their passes. These are those passes as they were before, the
# reference the fast paths must agree with on every input.


def _reference_clean_line(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    text = text_module._unescape(text[: limit * 8])
    text = re.sub(r"\s+", " ", text.replace("\x00", " "))
    return text_module._truncate(strip_controls(text).strip(), limit)


def _reference_clean_paragraphs(text: str, limit: int = 20_000) -> str:
    text = text_module._unescape(text[: limit * 8])
    text = text.replace("\\r\\n", "\n").replace("\\n", "\n")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = strip_controls(text)
    text = re.sub(r"[^\S\n]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text_module._truncate(text.strip(), limit)


def _reference_clean_url(text: str) -> str:
    text = strip_controls(html.unescape(text[:8_000])).strip()
    return re.sub(r"\s", "%20", text)


def _reference_normalize_url(url: str) -> str:
    url = _reference_clean_url(url)
    if not url:
        return ""
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
    if port is not None and {"http": "80", "https": "443"}.get(scheme) != str(port):
        netloc = f"{host}:{port}"
    if parts.username or parts.password:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def _reference_loose_url_key(url: str) -> str:
    url = _reference_clean_url(url)
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return url.lower()
    host = host.removeprefix("www.")
    path = parts.path.rstrip("/").removesuffix("/amp").rstrip("/")
    key = f"{host}{path}"
    if parts.query and parts.query.lower() != "amp":
        key += "?" + parts.query
    return key


_PIECES = [
    "https://", "http://", "HTTPS://", "ftp://", "www.", "Example", "e.com", "a-b_c.org", "1.2.3.4",
    "[::1]", ":443", ":80", ":8080", ":x", "@", "user:pw@", "/", "//", "/amp", "/amp/", "?", "?amp",
    "?q=1", "#frag", "&amp;", "&#8217;", "&", " ", "  ", "\t", "\n", "\r\n", "\\n", "\x00", "\x1b",
    "\x85", "\xa0", "\u202e", "\u2028", "é", "한", "%20", "%", "path", "x", "A", ".", "-", "",
]  # fmt: skip


def _fuzzed_texts(count: int) -> list[str]:
    rng = random.Random(11)
    return ["".join(rng.choices(_PIECES, k=rng.randint(0, 8))) for _ in range(count)]


def test_fast_paths_clean_text_as_the_passes_do():
    for text in _fuzzed_texts(20_000) + ["plain title", " x", "x ", "a  b", "x" * 1_001]:
        assert clean_line(text) == _reference_clean_line(text), repr(text)
        assert clean_line(text, 5) == _reference_clean_line(text, 5), repr(text)
        assert clean_paragraphs(text) == _reference_clean_paragraphs(text), repr(text)
        assert clean_paragraphs(text, 5) == _reference_clean_paragraphs(text, 5), repr(text)


def test_fast_paths_clean_links_as_urlsplit_does():
    links = _fuzzed_texts(20_000) + [
        "https://example.com",
        "https://www.example.com/a/b/amp/",
        "http://e.com//x//",
        "https://e.com/a?b",
        "https://e.com/a?",
        "https://e.com/a#f",
        "https://e_x.co.uk/p;x=1",
    ]
    for link in links:
        assert clean_url(link) == _reference_clean_url(link), repr(link)
        assert normalize_url(link) == _reference_normalize_url(link), repr(link)
        assert loose_url_key(link) == _reference_loose_url_key(link), repr(link)
