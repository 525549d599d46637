"""An extracted article as plain values: blocks of text and its numbered links.

Built from trafilatura's XML (parsed with a hardened lxml parser: no entities,
no network, no DTD). Every string is stripped of control characters, so a page
never drives the terminal; links keep only http(s) targets, numbered in order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from reader.text import strip_controls

Kind = Literal["heading", "paragraph", "item", "quote", "code", "row"]
_KINDS: frozenset[str] = frozenset({"heading", "paragraph", "item", "quote", "code", "row"})


@dataclass(frozen=True, slots=True)
class Block:
    """One block: ``level`` is a heading's depth (1-6) or a list item's nesting."""

    kind: Kind
    text: str
    level: int = 0
    marker: str = ""  # "•" or "3." for list items


@dataclass(frozen=True, slots=True)
class Link:
    number: int
    url: str
    label: str


@dataclass(frozen=True, slots=True)
class Document:
    blocks: tuple[Block, ...]
    links: tuple[Link, ...]

    def plain_text(self) -> str:
        """The text as plain paragraphs (what search indexes and ``show`` prints)."""
        return "\n\n".join(block.text for block in self.blocks)

    def to_json(self) -> str:
        return json.dumps(
            {
                "blocks": [[b.kind, b.text, b.level, b.marker] for b in self.blocks],
                "links": [[link.url, link.label] for link in self.links],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Document:
        data = json.loads(text)
        blocks = tuple(
            Block(kind, str(body), int(level), str(marker))
            for kind, body, level, marker in data.get("blocks", [])
            if kind in _KINDS
        )
        links = tuple(
            Link(number, str(url), str(label))
            for number, (url, label) in enumerate(data.get("links", []), start=1)
        )
        return cls(blocks, links)


def _clean(text: str, *, keep_lines: bool = False) -> str:
    text = strip_controls(text.replace("\t", "    ") if keep_lines else text)
    if keep_lines:
        return text.strip("\n")
    return " ".join(text.split())


def usable_link(base: str, target: str) -> str | None:
    """An absolute http(s) URL for ``target``, or None (javascript:, data:, mailto: ...)."""
    target = strip_controls(target).strip()
    if not target or target.startswith("#"):
        return None
    url = urljoin(base, target) if base else target
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


class _Builder:
    def __init__(self, base: str) -> None:
        self.base = base
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.numbers: dict[str, int] = {}

    def inline(self, element: Any) -> str:
        """The text of ``element`` with each usable link followed by its number: "word [3]"."""
        parts: list[str] = [element.text or ""]
        for child in element:
            if child.tag == "ref":
                label = "".join(child.itertext())
                parts.append(label)
                url = usable_link(self.base, child.get("target") or "")
                if url is not None:
                    parts.append(f" [{self.number(url, label)}]")
            elif child.tag == "lb":
                parts.append("\n")
            else:
                parts.append(self.inline(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def number(self, url: str, label: str) -> int:
        if url not in self.numbers:
            self.numbers[url] = len(self.links) + 1
            self.links.append(Link(len(self.links) + 1, url, _clean(label)[:200]))
        return self.numbers[url]

    def add(self, kind: Kind, text: str, level: int = 0, marker: str = "") -> None:
        text = _clean(text, keep_lines=kind == "code")
        if text.strip():
            self.blocks.append(Block(kind, text, level, marker))

    def walk(self, element: Any, depth: int = 0) -> None:
        for child in element:
            tag = child.tag
            if tag == "head":
                rend = (child.get("rend") or "h2").lower()
                level = int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2
                self.add("heading", self.inline(child), level=level)
            elif tag == "p":
                self.add("paragraph", self.inline(child))
            elif tag == "quote":
                if len(child) and all(c.tag == "p" for c in child):
                    for paragraph in child:
                        self.add("quote", self.inline(paragraph))
                else:
                    self.add("quote", self.inline(child))
            elif tag == "code":
                self.add("code", "".join(child.itertext()))
            elif tag == "list":
                self.list(child, depth)
            elif tag == "table":
                for row in child.iter("row"):
                    cells = [_clean(self.inline(cell)) for cell in row if cell.tag == "cell"]
                    self.add("row", " │ ".join(cells))
            elif tag in ("div", "main", "section"):
                self.walk(child, depth)
            else:
                self.add("paragraph", self.inline(child))

    def list(self, element: Any, depth: int) -> None:
        numbered = (element.get("rend") or "").lower() == "ol"
        count = 0
        for item in element:
            if item.tag != "item":
                continue
            count += 1
            nested = [c for c in item if c.tag == "list"]
            for sub in nested:
                item.remove(sub)
            marker = f"{count}." if numbered else "•"
            self.add("item", self.inline(item), level=depth, marker=marker)
            for sub in nested:
                self.list(sub, depth + 1)


def from_trafilatura_xml(xml: str, base_url: str) -> Document:
    """The Document in trafilatura's XML output (its ``<main>``)."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    root = etree.fromstring(xml.encode("utf-8"), parser=parser)
    builder = _Builder(base_url)
    main = root.find("main") if root is not None else None
    if main is not None:
        builder.walk(main)
    return Document(tuple(builder.blocks), tuple(builder.links))
