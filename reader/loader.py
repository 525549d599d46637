"""Seed files to articles: one file becomes an ``Article`` or a named ``Problem``.

Seed files come from strangers. Every function here assumes the worst: any
field may be missing, of the wrong type, huge or hostile, and the answer is
always an article or a one-sentence reason, never an exception.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Any

import yaml

from reader.model import Article, ArticleDetail, Image, Problem, Related
from reader.text import (
    MAX_NAME_CHARS,
    MAX_TEXT_CHARS,
    clean_line,
    clean_paragraphs,
    clean_url,
    host_of,
    loose_url_key,
    normalize_url,
    related_keys,
)

SEED_SUFFIXES = frozenset({".txt", ".md"})
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_YAML_NODES = 50_000
# Real seeds nest five levels deep; libyaml's composer recurses in C (some ten
# thousand levels crash the process) and its scanner is quadratic in flow depth.
MAX_YAML_DEPTH = 64
MAX_RELATED = 200
MAX_TOPICS = 20
MAX_IMAGES = 50
# Why a folder named like an article file (archive.md/) is no article; it is walked.
DIRECTORY_REASON = "is a directory, not a file"
BREATHE_EVERY = 128  # folder entries between two calls of scan_paths' breathe (~1-2 ms)

_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HAVE_LIBYAML = _BASE_LOADER is not yaml.SafeLoader
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
# What can open a nesting level without a deeper indent; fewer of them in a
# text than this bound its depth, so the exact event scan can be skipped.
_NESTING_MARKERS = ("[", "{", "- ", "-\t", "? ", "?\t")
_SAFE_MARKER_COUNT = 1_000
_OPEN_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
_INT_TEXT = re.compile(r"[+-]?\d{1,12}(?:\.0*)?")

LoadOutcome = tuple[Article, ArticleDetail] | Problem


class _Refused(Exception):
    """A file is not an article; the message is the reason shown to the user."""

    def __init__(self, reason: str, line: int | None = None, ignored: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.ignored = ignored


# --------------------------------------------------------------------------- YAML


def _hardened(base: type) -> type:
    """A safe loader that survives hostile documents.

    Merge keys (``<<``) are expanded within a budget: nested merges of aliases
    otherwise grow exponentially before any check can see the result. A
    timestamp or integer YAML cannot build (``2020-13-45``, 5,000 digits) stays
    a string, so a bad value is a missing value rather than a dead file.
    """

    class SeedLoader(base):
        def flatten_mapping(self, node: yaml.MappingNode) -> None:
            merge: list[Any] = []
            index = 0
            while index < len(node.value):
                key_node, value_node = node.value[index]
                if key_node.tag != "tag:yaml.org,2002:merge":
                    if key_node.tag == "tag:yaml.org,2002:value":
                        key_node.tag = "tag:yaml.org,2002:str"
                    index += 1
                    continue
                del node.value[index]
                if isinstance(value_node, yaml.SequenceNode):
                    sources = list(reversed(value_node.value))
                else:
                    sources = [value_node]
                for source in sources:
                    if not isinstance(source, yaml.MappingNode):
                        raise yaml.constructor.ConstructorError(
                            "while constructing a mapping",
                            node.start_mark,
                            f"expected a mapping for merging, but found {source.id}",
                            source.start_mark,
                        )
                    self.flatten_mapping(source)
                    # One budget for the whole document, so that many small
                    # merges of one big mapping cannot add up either.
                    self.merged_values = getattr(self, "merged_values", 0) + len(source.value)
                    if self.merged_values > MAX_YAML_NODES:
                        raise _Refused(
                            f"front matter merge keys ('<<') expand to more than "
                            f"{MAX_YAML_NODES:,} values",
                            line=node.start_mark.line + 2,
                        )
                    merge.extend(source.value)
            if merge:
                node.value = merge + node.value

        def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except (ValueError, OverflowError, AttributeError):
                return self.construct_scalar(node)

        def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
            try:
                return super().construct_yaml_int(node)
            except ValueError:  # more digits than Python converts: text, then dropped
                return self.construct_scalar(node)

    SeedLoader.add_constructor("tag:yaml.org,2002:timestamp", SeedLoader.construct_yaml_timestamp)
    SeedLoader.add_constructor("tag:yaml.org,2002:int", SeedLoader.construct_yaml_int)
    SeedLoader.__qualname__ = SeedLoader.__name__ = f"Seed{base.__name__}"
    return SeedLoader


_YAML_LOADER = _hardened(_BASE_LOADER)


def parse_yaml(text: str) -> Any:
    """The one place YAML is read: safe loading only, libyaml when present."""
    _check_nesting(text)
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader


# Top-level fields the list never needs (the detail reads them from the file),
# and the fields of a related story that its key is made of.
_LEAN_SKIPPED = frozenset({"images", "secured"})
_LEAN_RELATED = frozenset({"title", "webUrl", "originalUrl", "publishedDateTime"})
_STR, _MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"
_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)


def _lean_document(text: str) -> dict[str, Any] | None:
    """The front matter without what only the detail needs, or None where that
    could differ from a full parse (anchors reused, merge keys, tags, odd keys,
    a document that is not a plain mapping, anything YAML refuses)."""
    if not text.strip():
        return None
    try:
        _check_nesting(text)
        loader = _YAML_LOADER(text)
        try:
            node = loader.get_single_node()
            if not isinstance(node, yaml.MappingNode):
                return None
            if not _plain_graph(node):
                return None
            construct = loader.construct_object
            data: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag != _STR:
                    return None
                key = key_node.value
                if key in _LEAN_SKIPPED:
                    continue
                if key == "related" and isinstance(value_node, yaml.SequenceNode):
                    data[key] = [_lean_related(loader, item) for item in value_node.value]
                else:
                    data[key] = construct(value_node, deep=True)
            return data
        finally:
            loader.dispose()
    except Exception:  # the full parse names whatever is wrong, with its line
        return None


def _lean_related(loader: Any, item: yaml.Node) -> Any:
    if not isinstance(item, yaml.MappingNode):
        return loader.construct_object(item, deep=True)
    fields = {}
    for key_node, value_node in item.value:
        if key_node.tag != _STR:
            raise ValueError("a related story with a key that is not text")
        if key_node.value in _LEAN_RELATED:
            fields[key_node.value] = loader.construct_object(value_node, deep=True)
    return fields


def _plain_graph(root: yaml.Node) -> bool:
    """No container reached twice, no merge key, only the plain tags, not too big
    and not too deep: what ``_check_shape`` would pass, on the whole document."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        if node.tag not in _PLAIN_TAGS:
            return False
        if isinstance(node, yaml.ScalarNode):
            continue
        if id(node) in seen or depth > MAX_YAML_DEPTH:
            return False
        seen.add(id(node))
        count += len(node.value)
        if count > MAX_YAML_NODES:
            return False
        deeper = depth + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.tag == _MERGE or not isinstance(key, yaml.ScalarNode):
                    return False
                stack.append((key, deeper))
                stack.append((value, deeper))
        else:
            stack.extend((child, deeper) for child in node.value)
    return True


# ------------------------------------------------------------ the fast parser
# yaml-rs (Rust, YAML 1.2) reads a front matter some ten times faster than
# PyYAML's CSafeLoader, whose resolver and constructor run in Python. PyYAML
# stays the reference: the fast result is used only where it is provably what
# PyYAML gives, and everything else (YAML 1.1 forms, tags, aliases, odd
# characters, anything refused) is read by PyYAML as before.

_FAST_MISSING: Any = object()
_fast_loads: Any = None  # yaml_rs.loads once imported; _FAST_MISSING without a wheel
_FAST_OPTIONS: dict[str, Any] = {}
# What the fast parser is never asked about, found in the text itself:
# - a character PyYAML refuses or reads as a line break (C0 and C1 controls,
#   DEL, NEL, U+2028/2029, a BOM, U+FFFE/FFFF);
# - at the start of a node (also right after a quoted key's colon, `{"a":1}`),
#   unless it is only text inside scalars (``_inside_scalars``): a tag (`!x`),
#   an anchor (`&a;` is one in YAML 1.2, an error in PyYAML), an alias (`*a`:
#   the fast parser reads one that points into its own anchor as null), an
#   indicator YAML 1.2 lets start a plain scalar and 1.1 does not (`[|x]`,
#   `{a: ?}`, `:x`), or a plain number that YAML 1.1 and 1.2 read differently:
#   a leading zero (`0755` is octal in 1.1, `09` text), `0o17`, `0X1F`, `_1`;
#   and where the document has a float, an exponent without a dot or a sign
#   (`1e3` is text in 1.1);
# - a merge key (`<<`), a directive line (`%YAML`), a tab (separation in 1.2);
# - more than _SAFE_MARKER_COUNT nesting markers (the fast parser crashes on
#   some 100,000 nested `- `; PyYAML's event scan names what is too deep).
# Each pattern starts with a character class, which the regex engine scans for
# quickly; the delimiter before it is a lookbehind.
_FAST_UNPRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_FAST_ASCII_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FAST_NODE_START = re.compile(
    r"[!&*_|>?%@`:0]"
    r"""(?:(?<=[\s\[{,].)|(?<=[\s\[{,][-+].)|(?<=["']:.)|(?<=["']:[-+].))"""
    r"(?:(?<=[!&*_|>?%@`])|(?<=:)(?=[^\s,\[\]{}])|(?<=0)(?=[0-9_oOxXbB]))"
)
# The token a risky node start begins, up to a space, a flow indicator or a quote.
_FAST_TOKEN = re.compile(_FAST_NODE_START.pattern + r"""[^\s,\[\]{}"']*""")
_FAST_ESCAPE = re.compile(r'\\[^"]')  # any escape but \" (which makes a quote)
_FAST_EXPONENT = re.compile(r"""(?:[\s\[{,]|["']:)[-+]?\.?[0-9][0-9_]*(?:\.[0-9_]*)?[eE]""")
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
_AMBIGUOUS_START = frozenset(char for char in _IMPLICIT if char)
_SCALARS = (bool, int, float, type(None))
_DATE_FIELD = "publishedDateTime"


def _fast_parser() -> Any:
    """yaml_rs.loads, imported on first use (~15 ms), or None where it is not installed."""
    global _fast_loads
    if _fast_loads is None:
        try:
            import yaml_rs
        except ImportError:  # no wheel for this platform: PyYAML reads everything
            _fast_loads = _FAST_MISSING
        else:
            _fast_loads = yaml_rs.loads
            # No alias is replayed (PyYAML shares an aliased list or mapping,
            # which the loader refuses): any alias at all goes to PyYAML. A
            # duplicate key too: PyYAML keeps the last value, but builds (and
            # may refuse) every one, which the fast parser would drop unseen.
            _FAST_OPTIONS.update(
                parse_datetime=False,
                alias_limits=yaml_rs.AliasLimits(max_total_replayed_events=0),
                duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
            )
    return None if _fast_loads is _FAST_MISSING else _fast_loads


def _implicit_tag(text: str) -> str | None:
    """The tag PyYAML gives this text as a plain scalar, or None for a string."""
    if not text or text[0] not in _AMBIGUOUS_START:
        return None
    for tag, regexp in _IMPLICIT[text[0]]:
        if regexp.match(text):
            return tag
    return None


def _fast_document(text: str) -> dict[str, Any] | None:
    """The front matter read by the fast parser, or None where PyYAML must decide.

    What comes back equals what PyYAML's loader gives, scalar for scalar, with
    one exception made at the field level: a plain or quoted date in a
    ``publishedDateTime`` (the article's or a related story's) stays text,
    where ``parse_date`` gives the same time either way.
    """
    # Only on a process's main thread (the CLI, the load pool's workers): yaml-rs
    # 0.1.6 crashed the process (SIGSEGV) when called from a reader's worker thread.
    if threading.current_thread() is not threading.main_thread():
        return None
    loads = _fast_parser()
    if loads is None or _fast_refuses(text):
        return None
    try:
        data = loads(text, **_FAST_OPTIONS)
    except Exception:  # refused (an alias, bad YAML...): PyYAML says what and where
        return None
    if type(data) is not dict or not _fast_checked(data, text):
        return None
    if not _inside_scalars(text, data):
        return None
    return data


def _inside_scalars(text: str, data: dict[str, Any]) -> bool:
    """Whether every risky node start (``_FAST_NODE_START``) is text inside a scalar.

    `&#8230;` or ` *bold*` in a quoted excerpt looks like an anchor or an alias.
    With no escapes in the text but `\\"` (nothing can make a value hold what
    the text does not), a token is inside scalars everywhere exactly when the values
    and keys hold it as often as the text does; an anchor, tag or number the
    parser took as such is held by none. A token that starts a value or a
    key is refused too: there it may be an indicator PyYAML refuses.
    """
    tokens = {match.group() for match in _FAST_TOKEN.finditer("\n" + text)}
    if not tokens:
        return True
    if "\\" in text and _FAST_ESCAPE.search(text):
        return False
    held = "\0" + "\0".join(_strings(data))
    # ...and none starts a value or a key, where the parsers may part ways.
    return all(
        held.count(token) == text.count(token) and "\0" + token not in held for token in tokens
    )


def _strings(root: dict[str, Any]) -> Iterator[str]:
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        items = node.items() if type(node) is dict else enumerate(node)
        for key, value in items:
            if type(key) is str:
                yield key
            if type(value) is str:
                yield value
            elif type(value) is dict or type(value) is list:
                stack.append(value)


def _fast_refuses(text: str) -> bool:
    """Whether the text has anything the fast parser may read otherwise than PyYAML."""
    if (_FAST_ASCII_UNPRINTABLE if text.isascii() else _FAST_UNPRINTABLE).search(text):
        return True
    if "<<" in text or "\t" in text:  # YAML 1.2 allows tabs where 1.1 does not
        return True
    if text.startswith("%") or "\n%" in text:
        return True
    return sum(text.count(marker) for marker in _NESTING_MARKERS) > _SAFE_MARKER_COUNT


def _fast_checked(root: dict[str, Any], text: str) -> bool:
    """True where every key is plain text, every scalar reads the same in YAML 1.1,
    and ``_check_shape`` would pass (no sharing can come out of the fast parser)."""
    stack: list[tuple[Any, int]] = [(root, 1)]
    nodes = 0
    dates: list[tuple[dict[str, Any], str]] = []
    plain_keys = _PLAIN_KEYS
    ambiguous = _AMBIGUOUS_START
    while stack:
        node, depth = stack.pop()
        if depth > MAX_YAML_DEPTH:
            return False
        nodes += len(node)
        if nodes > MAX_YAML_NODES:
            return False
        deeper = depth + 1
        if type(node) is dict:
            for key, value in node.items():
                if key not in plain_keys and not _plain_key(key):
                    return False
                kind = type(value)
                if kind is str:
                    if value and value[0] in ambiguous and _implicit_tag(value):
                        if key != _DATE_FIELD:
                            return False
                        dates.append((node, value))
                elif kind is dict or kind is list:
                    stack.append((value, deeper))
                elif kind not in _SCALARS or not _plain_number(value, kind, text):
                    return False
        else:
            for value in node:
                kind = type(value)
                if kind is str:
                    if value and value[0] in ambiguous and _implicit_tag(value):
                        return False
                elif kind is dict or kind is list:
                    stack.append((value, deeper))
                elif kind not in _SCALARS or not _plain_number(value, kind, text):
                    return False
    return not dates or _dates_agree(root, dates)


def _plain_number(value: Any, kind: type, text: str) -> bool:
    if kind is int:  # an int of more digits than Python converts stays text in PyYAML
        return value.bit_length() <= 63
    return kind is not float or not _FAST_EXPONENT.search("\n" + text)


# Keys already known to be plain text (the same few dozen in every file).
_PLAIN_KEYS: set[str] = set()


def _plain_key(key: Any) -> bool:
    if type(key) is not str or _implicit_tag(key) is not None:
        return False
    if len(_PLAIN_KEYS) < 4_096:
        _PLAIN_KEYS.add(key)
    return True


# The form real files write their dates in; for it, `datetime.fromisoformat`
# and PyYAML's timestamp give the same time, or both give none (a test sweeps it).
_UTC_SECONDS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def _dates_agree(root: dict[str, Any], dates: list[tuple[dict[str, Any], str]]) -> bool:
    """Dates the fast parser left as text: read where the article reads a date,
    and the same time whether PyYAML took them as text or as a timestamp."""
    related = root.get("related")
    holders = [root] + (related if type(related) is list else [related])
    for holder, text in dates:
        if not any(holder is item for item in holders):
            return False
        if not _UTC_SECONDS.fullmatch(text) and not _same_time(text):
            return False
    return True


def _same_time(text: str) -> bool:
    """Whether ``parse_date`` gives one time for this text and for what PyYAML makes of it."""
    tag = _implicit_tag(text)
    if tag is None:  # text to PyYAML as well
        return True
    try:
        constructed = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))
    except Exception:
        return False
    return parse_date(constructed) == parse_date(text)


_CONSTRUCTOR = _YAML_LOADER("")


def _check_nesting(text: str) -> None:
    """Refuse text nested deeper than MAX_YAML_DEPTH before it is composed."""
    if sum(text.count(marker) for marker in _NESTING_MARKERS) <= _SAFE_MARKER_COUNT:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_YAML_LOADER):
            if isinstance(event, _OPEN_EVENTS):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise _Refused(
                        f"front matter nests lists or mappings more than {MAX_YAML_DEPTH} deep",
                        line=event.start_mark.line + 2 if event.start_mark else None,
                    )
            elif isinstance(event, _CLOSE_EVENTS):
                depth -= 1
    except yaml.YAMLError:
        return  # the real parse reports it, with its line


def _check_shape(data: Any) -> None:
    """Refuse shared or self-referencing containers and oversized documents.

    Real seed files never use YAML anchors for containers. An alias bomb is a
    few hundred bytes of nested aliases whose tree is astronomically large even
    though the parsed graph is small; walking the graph once, and refusing any
    container seen twice, stops it without ever expanding it.
    """
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(data, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Iterable[Any] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if id(node) in seen:
            raise _Refused("front matter reuses a YAML anchor for a list or mapping (not allowed)")
        if depth > MAX_YAML_DEPTH:
            raise _Refused(f"front matter nests lists or mappings more than {MAX_YAML_DEPTH} deep")
        seen.add(id(node))
        nodes += len(node)
        if nodes > MAX_YAML_NODES:
            raise _Refused(f"front matter has more than {MAX_YAML_NODES:,} values")
        stack.extend((child, depth + 1) for child in children)


def split_front_matter(text: str) -> tuple[str, str]:
    """Return (yaml text, body) or refuse a text without ``---`` front matter."""
    text = text.removeprefix("\ufeff")
    first, sep, rest = text.partition("\n")
    if first.rstrip() != "---":
        raise _Refused("no front matter (the file does not start with a '---' line)", ignored=True)
    match = _CLOSING.search(rest)
    if match is None:
        raise _Refused("front matter is not closed by a '---' line", line=1)
    return rest[: match.start()], rest[match.end() :].lstrip("\r\n")


def _too_big(size: int) -> _Refused:
    return _Refused(
        f"file is {size / 1_048_576:.1f} MB; articles larger than "
        f"{MAX_FILE_BYTES // 1_048_576} MB are not read"
    )


def _read_text(path: str) -> str:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _Refused("file disappeared before it could be read") from None
    except OSError as error:
        raise _Refused(f"cannot read the file ({error.strerror or error})") from None
    if stat.S_ISDIR(st.st_mode):
        raise _Refused(DIRECTORY_REASON)
    if not stat.S_ISREG(st.st_mode):
        raise _Refused("not a regular file (a device, pipe or socket)")
    if st.st_size > MAX_FILE_BYTES:
        raise _too_big(st.st_size)
    if st.st_size == 0:
        raise _Refused("empty file")
    try:
        # Non-blocking, and checked again once open: a file swapped for a FIFO
        # after the stat above must not hang the load.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise _Refused("not a regular file (a device, pipe or socket)")
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _Refused(f"cannot read the file ({error.strerror or error})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _too_big(len(raw))
    if b"\x00" in raw[:8192]:
        raise _Refused("binary file (contains NUL bytes), not text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise _Refused(
            f"not UTF-8 text (invalid byte 0x{raw[error.start]:02x} at offset {error.start})",
            line=line,
        ) from None


def _parse_document(text: str) -> tuple[dict[str, Any], str]:
    yaml_text, body = split_front_matter(text)
    if not yaml_text.strip():
        raise _Refused("front matter is empty")
    try:
        data = parse_yaml(yaml_text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark is not None else None
        problem = (error.problem or error.context or "invalid YAML").strip()
        raise _Refused(f"front matter is not valid YAML: {problem}", line=line) from None
    except yaml.YAMLError as error:
        raise _Refused(f"front matter is not valid YAML: {error}") from None
    except RecursionError:
        raise _Refused("front matter is nested too deeply") from None
    except (ValueError, OverflowError, TypeError) as error:
        # e.g. a timestamp like 2020-13-45 that PyYAML cannot construct
        raise _Refused(f"front matter has a value YAML cannot read: {error}") from None
    if not isinstance(data, dict):
        kind = _kind(data)
        raise _Refused(f"front matter is {kind}, not a mapping of fields")
    _check_shape(data)
    return data, body


# ------------------------------------------------------------------- coercion


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__}"


def coerce_int(value: Any) -> int | None:
    """An int from an int, an integral float or a numeric string; otherwise None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        return int(float(value.strip()))
    return None


def coerce_str(value: Any) -> str | None:
    """Text from a string or a plain number; None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def parse_date(value: Any) -> datetime | None:
    """An aware UTC datetime from whatever a seed file holds, or None."""
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 64:
            return None
        try:
            result = datetime.fromisoformat(text)
        except ValueError:
            return None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    else:
        return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=UTC)
    try:
        return result.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


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
) -> Iterator[tuple[dict[str, Any], str, str, datetime | None, str]]:
    """The related items an article keeps: (item, title, link, date, id), at most
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
        published = parse_date(item.get("publishedDateTime"))
        rid = normalize_url(url) if url else fallback_id(title, published)
        key = loose_url_key(url) if url else ""
        if rid in seen or key in seen_keys:
            continue
        seen.add(rid)
        if key:
            seen_keys.add(key)
        yield item, title, url, published, rid
        kept += 1
        if kept >= MAX_RELATED:
            return


def _related(value: Any, parent_id: str, parent_keys: set[str]) -> tuple[Related, ...]:
    items = []
    for item, title, url, published, rid in _accepted_related(value, parent_id, parent_keys):
        provider, domain = _provider(item.get("provider"), url)
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
    article = _article(data, path, identity, related_keys(item.id for item in related))
    detail = ArticleDetail(
        related=related,
        images=_images(data.get("images")),
        original_url=clean_url(_text(data, "originalUrl")),
        body=clean_paragraphs(body, MAX_TEXT_CHARS),
    )
    return article, detail


def build_article_only(data: dict[str, Any], path: str) -> Article:
    """The article alone (what the list needs): the related stories only as keys."""
    identity = _identity(data)
    article_id, related_value, parent_keys = identity[3:]
    accepted = _accepted_related(related_value, article_id, parent_keys)
    return _article(data, path, identity, related_keys(item[4] for item in accepted))


# What is read once and used twice: title, link, date, id, related list, own keys.
_Identity = tuple[str, str, datetime | None, str, Any, set[str]]


def _identity(data: dict[str, Any]) -> _Identity:
    """The article's title, link, date and id, its raw related list, and the loose
    keys of its own links."""
    title = _title(data)
    url = _link(data)
    published = parse_date(data.get("publishedDateTime"))
    article_id = normalize_url(url) if url else fallback_id(title, published)
    # An explicit id tells apart articles that share a link (feed items with distinct guids).
    explicit = clean_line(coerce_str(data.get("id")) or "", 2_000)
    if explicit:
        article_id = explicit
    own_links = [url] + [
        clean_url(coerce_str(data.get(key)) or "")
        for key in ("originalUrl", "ampWebUrl", "cdnAmpWebUrl")
    ]
    parent_keys = {loose_url_key(link) for link in own_links if link}
    return title, url, published, article_id, data.get("related"), parent_keys


def _title(data: dict[str, Any]) -> str:
    raw_title = data.get("title")
    title_text = coerce_str(raw_title)
    if title_text is None:
        if raw_title is None:
            raise _Refused("no title (the one field an article needs)")
        raise _Refused(f"title is {_kind(raw_title)}, expected text")
    title = clean_line(title_text)
    if not title:
        raise _Refused("title is empty")
    return title


def _article(data: dict[str, Any], path: str, identity: _Identity, keys: bytes) -> Article:
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
        excerpt=clean_paragraphs(_text(data, "excerpt")),
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
        data, body = _parse_document(_read_text(name))
        return build_article(data, name, body)
    except _Refused as refused:
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
    name = os.fspath(path)
    try:
        text = _read_text(name)
        yaml_text, _body = split_front_matter(text)
        data = _fast_document(yaml_text)
        if data is None:
            data = _lean_document(yaml_text)
            if data is None:
                data, _body = _parse_document(text)
            else:
                _check_shape(data)
        return build_article_only(data, name)
    except _Refused as refused:
        return Problem(name, refused.reason, refused.line, refused.ignored and not explicit)
    except Exception as error:  # a bug of ours must not sink the whole load
        return Problem(name, f"unexpected error while reading: {type(error).__name__}: {error}")


def load_detail(article: Article) -> ArticleDetail:
    """Re-read the heavy parts of one article from its file (about 0.3 ms)."""
    outcome = read_seed_file(article.path)
    if isinstance(outcome, Problem) or outcome[0].id != article.id:
        return ArticleDetail()
    return outcome[1]


# ---------------------------------------------------------------- scanning


class MissingPath(Exception):
    """A path the user named does not exist."""


def _is_seed_name(name: str) -> bool:
    # The common names first, without splitext: this runs for every file of a library.
    if name.endswith((".txt", ".md")):
        return True
    tail = name[-4:].lower()
    return tail == ".txt" or tail[1:] == ".md"


def _let_others_run() -> None:
    time.sleep(0)  # a walk of 100,000 files must not hold the GIL from the UI


def scan_paths(
    paths: Iterable[str | os.PathLike[str]],
    signatures: dict[str, tuple[int, int, int]] | None = None,
    breathe: Callable[[], None] = _let_others_run,
) -> tuple[list[tuple[str, bool]], list[Problem]]:
    """Find seed files: (path, explicit) pairs in a stable order, and problems met.

    Folders are walked recursively; hidden entries are skipped; symbolic links
    to folders are followed once. Raises MissingPath for a named path that does
    not exist. With ``signatures``, the (size, mtime, ctime) of every file found is
    put there in the same walk (one stat each, before anything is read).
    ``breathe`` is called every BREATHE_EVERY entries: by default it lets other
    threads run; the reader's background check also waits there while keys
    are being pressed.
    """
    found: list[tuple[str, bool]] = []
    problems: list[Problem] = []
    given = [os.fspath(p) for p in paths]
    for name in given:
        if os.path.isdir(name):
            _walk(name, found, problems, set(), signatures, breathe)
        elif os.path.lexists(name):
            if os.path.islink(name) and not os.path.exists(name):
                problems.append(Problem(name, _dead_link_reason(name)))
            else:
                if signatures is not None:
                    try:
                        st = os.stat(name)
                    except FileNotFoundError:
                        found.append((name, True))  # gone already: a problem when read
                        continue
                    except OSError as error:
                        problems.append(Problem(name, _cannot_read(error)))
                        continue
                    signatures[name] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                found.append((name, True))
        else:
            raise MissingPath(name)
    if len(given) == 1:
        return found, problems  # one path cannot name a file twice
    # A file named twice (``seeds seeds/a.txt``) is read once, not reported as
    # a duplicate of itself.
    unique: dict[str, tuple[str, bool]] = {}
    for entry in found:
        unique.setdefault(os.path.normcase(os.path.abspath(entry[0])), entry)
    if signatures is not None and len(unique) != len(found):
        kept = {entry[0] for entry in unique.values()}
        for path in [p for p in signatures if p not in kept]:
            del signatures[path]
    return list(unique.values()), problems


def _walk(
    folder: str,
    found: list[tuple[str, bool]],
    problems: list[Problem],
    seen: set[str],
    signatures: dict[str, tuple[int, int, int]] | None,
    breathe: Callable[[], None],
) -> None:
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_entry_name)
    except OSError as error:
        problems.append(Problem(folder, f"cannot list the folder ({error.strerror or error})"))
        return
    append = found.append
    for number, entry in enumerate(entries):
        if not number % BREATHE_EVERY:
            breathe()
        name = entry.name
        if name[0] == ".":
            continue
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            if _is_seed_name(name):
                problems.append(Problem(entry.path, DIRECTORY_REASON, ignored=True))
            _walk(entry.path, found, problems, seen, signatures, breathe)
        elif _is_seed_name(name):
            if is_file:
                path = entry.path
                if signatures is not None:
                    try:
                        st = entry.stat()
                    except FileNotFoundError:
                        append((path, False))  # gone already: it will be a problem when read
                        continue
                    except OSError as error:
                        # Listed but not to be looked at (a folder without search
                        # permission): a problem now, the same with or without the cache.
                        problems.append(Problem(path, _cannot_read(error)))
                        continue
                    signatures[path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                append((path, False))
            elif entry.is_symlink() and not os.path.exists(entry.path):
                problems.append(Problem(entry.path, _dead_link_reason(entry.path)))
            else:
                problems.append(
                    Problem(entry.path, "not a regular file (a device, pipe or socket)")
                )


def _dead_link_reason(path: str) -> str:
    """Why a symbolic link leads to no file: it points nowhere, round in a loop,
    or somewhere the user may not look."""
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop"
        if error.errno not in (errno.ENOENT, errno.ENOTDIR):
            return _cannot_read(error)
    return "broken symbolic link"


def _cannot_read(error: OSError) -> str:
    return f"cannot read the file ({error.strerror or error})"


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


# -------------------------------------------------------------- collections


def _load_chunk(chunk: list[tuple[str, bool]]) -> list[Article | Problem]:
    return [load_seed_file(path, explicit=explicit) for path, explicit in chunk]


_ARTICLE_FIELDS = tuple(field.name for field in fields(Article))


def _load_chunk_rows(chunk: list[tuple[str, bool]]) -> list[tuple[Any, ...] | Problem]:
    """A chunk as a pool worker sends it back: each article as a plain tuple of its
    fields. Pickling a frozen slotted dataclass calls its __reduce__ and rebuilds
    it field by field: the parent's share of a chunk (the part that competes
    with the screen) is about half as long for tuples, even with Article(*row)."""
    getters = [attrgetter(name) for name in _ARTICLE_FIELDS]
    return [
        tuple(get(outcome) for get in getters) if isinstance(outcome, Article) else outcome
        for outcome in _load_chunk(chunk)
    ]


def _from_rows(rows: list[tuple[Any, ...] | Problem]) -> list[Article | Problem]:
    return [Article(*row) if isinstance(row, tuple) else row for row in rows]


def iter_load(
    files: list[tuple[str, bool]], *, workers: int | None = None, chunk_size: int = 500
) -> Iterator[list[Article | Problem]]:
    """Load files in chunks, in order, with one process per core for large sets."""
    if workers is None:
        workers = os.cpu_count() or 1
    chunks = [files[i : i + chunk_size] for i in range(0, len(files), chunk_size)]
    if workers <= 1 or len(files) < 2_000:
        for chunk in chunks:
            yield _load_chunk(chunk)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        _start_resource_tracker()
        # spawn, not fork: the caller may be a threaded TUI.
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    except (OSError, ValueError, RuntimeError):
        # No processes to be had here: one core is slower, never wrong.
        for chunk in chunks:
            yield _load_chunk(chunk)
        return
    with pool:
        for rows in pool.map(_load_chunk_rows, chunks):
            yield _from_rows(rows)


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real stderr.

    The tracker is started on first use and handed ``sys.stderr``'s file
    descriptor; inside a Textual app ``sys.stderr`` is a capture object whose
    descriptor is not valid, and the pool then fails with "bad value(s) in
    fds_to_keep". Starting it here, with the process's own stderr, avoids that.
    """
    from multiprocessing import resource_tracker

    captured = sys.stderr
    try:
        if sys.__stderr__ is not None:
            sys.stderr = sys.__stderr__
        resource_tracker.ensure_running()
    finally:
        sys.stderr = captured
