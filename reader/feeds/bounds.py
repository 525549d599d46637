"""The pre-check of an XML feed: refuse what would make the parser slow or huge.

feedparser's strict parser is quadratic in a few shapes no real feed has:
many attributes on one element (``getValueByQName`` walks them all for each),
many namespace prefixes (every namespaced element walks the prefixes in use),
and many categories in one item (each is compared with all before it). Deep
nesting costs it, and its lenient parser, memory at every level. One pass of
expat (C, linear, no entity expansion) counts each of these before feedparser
sees the document, and says whether it is well-formed at all.

``repair`` mends the breakages real feeds have that make expat stop: an
out-of-range or invalid character reference (``&#99999999999;``, ``&#xD800;``)
becomes U+FFFD (a control character's goes), a bare ``&`` becomes ``&amp;``,
an HTML entity such as ``&nbsp;`` its character, and control characters are
dropped. CDATA sections are left as they are.
"""

from __future__ import annotations

import html.entities
import pyexpat
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """What one feed document may cost: the shape checked first, then time and memory."""

    max_attributes: int = 100  # on one element; real feeds use at most a dozen or two
    max_depth: int = 100  # nested elements; an XHTML article needs perhaps 20
    max_namespaces: int = 64  # distinct prefixes; real feeds declare at most 20 or so
    max_categories: int = 500  # categories and keywords of one item (or of the feed)
    seconds: float = 60.0  # to parse, in a worker process (a sane 10 MB feed needs ~20 s)
    memory: int = 512 * 1024 * 1024  # bytes of memory the worker may add for one parse
    in_process_bytes: int = 256 * 1024  # a checked document this small is parsed in-process
    max_loose_bytes: int = 1024 * 1024  # broken XML past this size is refused, not read leniently


class Absurd(Exception):
    """The document passes a limit no feed needs; the message says which, in plain words."""


@dataclass(frozen=True, slots=True)
class XmlCheck:
    """The pre-check's answer: well-formed, or where expat stopped and why."""

    well_formed: bool
    error: str = ""  # expat's words, for --verbose
    line: int = 0
    column: int = 0


_CATEGORY_NAMES = frozenset({"category", "subject", "keywords", "tags"})
_COMMA_LISTS = frozenset({"keywords", "tags"})  # their text is split at commas
_CONTEXTS = frozenset({"item", "entry"})


def check_xml(data: bytes, limits: ParseLimits) -> XmlCheck:
    """Count what makes the parser slow; raise Absurd past a limit, else say if well-formed."""
    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.ordered_attributes = True
    depth = 0
    prefixes: set[str | None] = set()
    counts = [0]  # categories of the feed, then of each open item
    opened: list[bool] = []  # whether each open element opened an item

    def count_categories(n: int) -> None:
        counts[-1] += n
        if counts[-1] > limits.max_categories:
            raise Absurd(f"more than {limits.max_categories:,} categories in one item")

    def commas(text: str) -> None:
        count_categories(text.count(","))

    def start(name: str, attributes: list[str]) -> None:
        nonlocal depth
        depth += 1
        if depth > limits.max_depth:
            raise Absurd(f"elements nested more than {limits.max_depth} deep")
        if len(attributes) > 2 * limits.max_attributes:
            raise Absurd(f"an element with more than {limits.max_attributes} attributes")
        local = name.rpartition(" ")[2].lower()
        if local in _CATEGORY_NAMES:
            count_categories(1)
        is_item = local in _CONTEXTS
        opened.append(is_item)
        if is_item:
            counts.append(0)
        if local in _COMMA_LISTS:
            parser.CharacterDataHandler = commas

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1
        parser.CharacterDataHandler = None
        if opened.pop():
            counts.pop()

    def namespace(prefix: str | None, uri: str) -> None:
        prefixes.add(prefix)
        if len(prefixes) > limits.max_namespaces:
            raise Absurd(f"more than {limits.max_namespaces} XML namespaces")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartNamespaceDeclHandler = namespace
    try:
        parser.Parse(data, True)
    except pyexpat.ExpatError as error:
        message = pyexpat.ErrorString(error.code) if error.code else str(error)
        return XmlCheck(False, message, error.lineno, error.offset + 1)
    return XmlCheck(True)


# ------------------------------------------------------------------ repair

_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_REFERENCE = re.compile(
    rb"&(?:#[xX]([0-9a-fA-F]{1,16})|#([0-9]{1,24})|([A-Za-z][A-Za-z0-9]{0,31}))?(;)?"
)
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_REPLACEMENT = b"&#xFFFD;"


def _xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _mend(match: re.Match[bytes]) -> bytes:
    hexadecimal, decimal, name, semicolon = match.groups()
    if semicolon is None:  # "&" that starts no reference, or one left unfinished
        return b"&amp;" + match.group(0)[1:]
    if name is not None:
        if name in _XML_ENTITIES:
            return match.group(0)
        code = html.entities.name2codepoint.get(name.decode("ascii"))
        return f"&#{code};".encode() if code is not None else b"&amp;" + name + b";"
    if hexadecimal is None and decimal is None:  # "&;"
        return b"&amp;;"
    code = int(hexadecimal, 16) if hexadecimal is not None else int(decimal)
    if _xml_char(code):
        return match.group(0)
    return b"" if code < 0x20 else _REPLACEMENT  # a control character goes, as it would anyway


def repair(data: bytes) -> bytes:
    """``data`` (UTF-8) with the usual breakages mended, CDATA sections untouched."""
    data = _CONTROLS.sub(b"", data)
    parts: list[bytes] = []
    position = 0
    while True:
        start = data.find(b"<![CDATA[", position)
        if start < 0:
            parts.append(_REFERENCE.sub(_mend, data[position:]))
            break
        end = data.find(b"]]>", start)
        end = len(data) if end < 0 else end + 3
        parts.append(_REFERENCE.sub(_mend, data[position:start]))
        parts.append(data[start:end])
        position = end
    return b"".join(parts)
