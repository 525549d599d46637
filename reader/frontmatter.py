"""A seed file's front matter read as YAML: hardened PyYAML, and a faster parser where it agrees.

This is the one place YAML is read. PyYAML (libyaml's CSafeLoader when
present) is the reference: merge keys are expanded within a budget, deep
nesting and shared containers are refused, and a value YAML cannot build
stays text. yaml-rs reads the plain front matter of real files some ten times
faster, and is used only where its result is provably PyYAML's. Whatever is
refused raises ``Refused`` with the reason shown to the user. No Textual here.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import yaml

from reader.coerce import kind_of, parse_date

MAX_YAML_NODES = 50_000
# Real seeds nest five levels deep; libyaml's composer recurses in C (some ten
# thousand levels crash the process) and its scanner is quadratic in flow depth.
MAX_YAML_DEPTH = 64

_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HAVE_LIBYAML = _BASE_LOADER is not yaml.SafeLoader
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
# What can open a nesting level without a deeper indent; fewer of them in a
# text than this bound its depth, so the exact event scan can be skipped.
_NESTING_MARKERS = ("[", "{", "- ", "-\t", "? ", "?\t")
_SAFE_MARKER_COUNT = 1_000
_OPEN_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class Refused(Exception):
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
                        raise Refused(
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


def lean_document(text: str) -> dict[str, Any] | None:
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
    and not too deep: what ``check_shape`` would pass, on the whole document."""
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
_FAST_UNPRINTABLE = (
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_FAST_NODE_START = re.compile(
    r"[!&*_|>?%@`:0]"
    r"""(?:(?<=[\s\[{,].)|(?<=[\s\[{,][-+].)|(?<=["']:.)|(?<=["']:[-+].))"""
    r"(?:(?<=[!&*_|>?%@`])|(?<=:)(?=[^\s,\[\]{}])|(?<=0)(?=[0-9_oOxXbB]))"
)
# The token a risky node start begins, up to a space, a flow indicator or a quote.
_FAST_TOKEN = re.compile(_FAST_NODE_START.pattern + r"""[^\s,\[\]{}"']*""")
# The two starts of _FAST_NODE_START that every file has the character of (`:`
# and `0`), each as a pattern of its own: a literal first character is found
# several times quicker than the class, which costs ~4 ns a character of text.
_FAST_AFTER = r"""(?:(?<=[\s\[{,].)|(?<=[\s\[{,][-+].)|(?<=["']:.)|(?<=["']:[-+].))"""
_FAST_COLON_START = re.compile(r":" + _FAST_AFTER + r"(?=[^\s,\[\]{}])")
_FAST_ZERO_START = re.compile(r"0" + _FAST_AFTER + r"(?=[0-9_oOxXbB])")
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


@functools.cache
def _fast_unprintable() -> re.Pattern[str]:
    """``_FAST_UNPRINTABLE`` compiled on first use: its Unicode class takes ~3.5 ms
    to compile, which every start of the reader paid at import for a path only
    a cold load of non-ASCII files takes."""
    return re.compile(_FAST_UNPRINTABLE)


def _implicit_tag(text: str) -> str | None:
    """The tag PyYAML gives this text as a plain scalar, or None for a string."""
    if not text or text[0] not in _AMBIGUOUS_START:
        return None
    for tag, regexp in _IMPLICIT[text[0]]:
        if regexp.match(text):
            return tag
    return None


def fast_document(text: str) -> dict[str, Any] | None:
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
    lined = "\n" + text  # a node start at the text's start follows a line break
    if not _may_hold_node_starts(lined):
        return True
    tokens = {match.group() for match in _FAST_TOKEN.finditer(lined)}
    if not tokens:
        return True
    if "\\" in text and _FAST_ESCAPE.search(text):
        return False
    held = "\0" + "\0".join(_strings(data))
    # ...and none starts a value or a key, where the parsers may part ways.
    return all(
        held.count(token) == text.count(token) and "\0" + token not in held for token in tokens
    )


def _may_hold_node_starts(text: str) -> bool:
    """False only where ``_FAST_NODE_START`` finds nothing in ``text``, sooner.

    A start is one of ten characters that most texts do not hold at all (one
    memchr each), or a `:` or `0` where the node start's own conditions hold:
    ~8 us against ~21 for the whole pattern on a 5 KB front matter."""
    if (
        "&" in text or "_" in text or "?" in text or "%" in text or "|" in text
        or "!" in text or "*" in text or ">" in text or "@" in text or "`" in text
    ):  # fmt: skip
        return True
    return _FAST_COLON_START.search(text) is not None or _FAST_ZERO_START.search(text) is not None


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
    if text.isascii():
        # A C0 control but a line break, or DEL, is what is left once every printable
        # character and line break is deleted (one C pass, not a regex).
        if text.encode().translate(None, _ASCII_PLAIN):
            return True
    elif _fast_unprintable().search(text):
        return True
    # A one-character search first: it runs at memchr's speed, a two-character one does not.
    if "\t" in text or ("<" in text and "<<" in text):  # YAML 1.2 allows tabs where 1.1 does not
        return True
    if text.startswith("%") or ("%" in text and "\n%" in text):
        return True
    return _many_markers(text)


# The bytes an ASCII text may hold for the fast parser: printable ones and line breaks.
_ASCII_PLAIN = bytes(range(0x20, 0x7F)) + b"\n\r"


def _many_markers(text: str) -> bool:
    """Whether the text has more than _SAFE_MARKER_COUNT nesting markers.

    Every marker starts with one of ``[{-?``, each at its own character: when those
    are few, so are the markers (four single-character counts, three times quicker)."""
    if text.count("[") + text.count("{") + text.count("-") + text.count("?") <= _SAFE_MARKER_COUNT:
        return False
    return sum(text.count(marker) for marker in _NESTING_MARKERS) > _SAFE_MARKER_COUNT


def _fast_checked(root: dict[str, Any], text: str) -> bool:
    """True where every key is plain text, every scalar reads the same in YAML 1.1,
    and ``check_shape`` would pass (no sharing can come out of the fast parser)."""
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
    if not _many_markers(text):
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_YAML_LOADER):
            if isinstance(event, _OPEN_EVENTS):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise Refused(
                        f"front matter nests lists or mappings more than {MAX_YAML_DEPTH} deep",
                        line=event.start_mark.line + 2 if event.start_mark else None,
                    )
            elif isinstance(event, _CLOSE_EVENTS):
                depth -= 1
    except yaml.YAMLError:
        return  # the real parse reports it, with its line


def check_shape(data: Any) -> None:
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
            raise Refused("front matter reuses a YAML anchor for a list or mapping (not allowed)")
        if depth > MAX_YAML_DEPTH:
            raise Refused(f"front matter nests lists or mappings more than {MAX_YAML_DEPTH} deep")
        seen.add(id(node))
        nodes += len(node)
        if nodes > MAX_YAML_NODES:
            raise Refused(f"front matter has more than {MAX_YAML_NODES:,} values")
        stack.extend((child, depth + 1) for child in children)


def split_front_matter(text: str) -> tuple[str, str]:
    """Return (yaml text, body) or refuse a text without ``---`` front matter."""
    text = text.removeprefix("\ufeff")
    first, sep, rest = text.partition("\n")
    if first.rstrip() != "---":
        raise Refused("no front matter (the file does not start with a '---' line)", ignored=True)
    closing = _closing_line(rest)
    if closing is None:
        raise Refused("front matter is not closed by a '---' line", line=1)
    start, end = closing
    return rest[:start], rest[end:].lstrip("\r\n")


def _closing_line(text: str) -> tuple[int, int] | None:
    """Where ``_CLOSING`` first matches in ``text`` (its start and end), found with
    ``str.find``: the regex tried every line start of the text, a fifth of the
    time the fast path spends outside the parser."""
    found = _marker_line(text, "---", len(text))
    # A "..." line closes too when it comes first (rare: searched only before).
    dots = _marker_line(text, "...", len(text) if found is None else found[0])
    return dots if dots is not None else found


def _marker_line(text: str, marker: str, before: int) -> tuple[int, int] | None:
    """The first line starting before ``before`` that is ``marker``, then spaces or
    tabs and at most a carriage return: (its start, where its line break is)."""
    size = len(text)
    start = 0 if text.startswith(marker) else text.find("\n" + marker, 0, before + 3) + 1
    while 0 < start < before or (start == 0 and text.startswith(marker)):
        end = start + 3
        while end < size and text[end] in " \t":
            end += 1
        if end < size and text[end] == "\r":
            end += 1
        if end == size or text[end] == "\n":
            return start, end
        start = text.find("\n" + marker, start, before + 3) + 1
        if start == 0:
            return None
    return None


_C0_NAMES = (
    "NUL SOH STX ETX EOT ENQ ACK BEL BS TAB LF VT FF CR SO SI "
    "DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US"
).split()


def _unreadable_character(yaml_text: str, error: yaml.reader.ReaderError) -> tuple[int, str]:
    """Which character YAML refused, and where, in words: (the file's line, the reason).

    PyYAML says "unacceptable character #x001b: control characters are not
    allowed" and then, on a line of its own, its position in the string it was given.
    """
    position = max(0, min(error.position, len(yaml_text)))
    line = yaml_text.count("\n", 0, position) + 2  # the front matter starts on line 2
    column = position - (yaml_text.rfind("\n", 0, position) + 1) + 1
    code = error.character if isinstance(error.character, int) else None
    if code is None:
        return line, f"it holds a character YAML does not allow at column {column}"
    if code < 0x20:
        what = f"the control character U+{code:04X} ({_C0_NAMES[code]})"
    elif code == 0x7F or 0x80 <= code <= 0x9F:
        what = f"the control character U+{code:04X}"
    else:
        what = f"the character U+{code:04X}, which YAML does not allow,"
    return line, f"it holds {what} at column {column}"


def parse_document(text: str) -> tuple[dict[str, Any], str]:
    yaml_text, body = split_front_matter(text)
    if not yaml_text.strip():
        raise Refused("front matter is empty")
    try:
        data = parse_yaml(yaml_text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark is not None else None
        problem = " ".join((error.problem or error.context or "invalid YAML").split())
        raise Refused(f"front matter is not valid YAML: {problem}", line=line) from None
    except yaml.reader.ReaderError as error:
        line, reason = _unreadable_character(yaml_text, error)
        raise Refused(f"front matter is not valid YAML: {reason}", line=line) from None
    except yaml.YAMLError as error:
        # One line, without the parser's "in <unicode string>, position N".
        reason = str(error).splitlines()[0].strip() if str(error).strip() else "invalid YAML"
        raise Refused(f"front matter is not valid YAML: {reason}") from None
    except RecursionError:
        raise Refused("front matter is nested too deeply") from None
    except (ValueError, OverflowError, TypeError) as error:
        # e.g. a timestamp like 2020-13-45 that PyYAML cannot construct
        raise Refused(f"front matter has a value YAML cannot read: {error}") from None
    if not isinstance(data, dict):
        kind = kind_of(data)
        raise Refused(f"front matter is {kind}, not a mapping of fields")
    check_shape(data)
    return data, body
