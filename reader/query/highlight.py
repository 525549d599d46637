"""Where search terms occur in a text, for highlighting what a query matched."""

from __future__ import annotations

from collections.abc import Iterable

from reader.text import fold, fold_char


def highlight_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where any of ``terms`` occurs in ``text``, as sorted, merged (start, end) spans.

    Matching ignores case and accents like the search does; the spans index the
    original ``text`` and always cover whole characters, including the combining
    marks that follow them (a match inside "ß" covers the "ß").
    """
    needles = {n for n in (fold(term) for term in terms) if n}
    if not needles or not text:
        return []
    folded: list[str] = []
    origin: list[int] = []  # origin[j]: index in text of the character folded[j] came from
    after_space = True
    for index, char in enumerate(text):
        for piece in " " if char.isspace() else fold_char(char):
            if piece.isspace():
                if after_space:
                    continue
                piece = " "
                after_space = True
            else:
                after_space = False
            folded.append(piece)
            origin.append(index)
    haystack = "".join(folded)
    spans: list[tuple[int, int]] = []
    for needle in needles:
        found = haystack.find(needle)
        while found != -1:
            start = origin[found]
            end = origin[found + len(needle) - 1] + 1
            while end < len(text) and not text[end].isspace() and not fold_char(text[end]):
                end += 1
            spans.append((start, end))
            found = haystack.find(needle, found + 1)
    if not spans:
        return []
    spans.sort()
    merged = [spans[0]]
    for start, end in spans[1:]:
        last_start, last_end = merged[-1]
        if start <= last_end:
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged
