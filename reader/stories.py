"""Stories: the articles of a collection grouped by the event they cover.

Two articles are one story when one links the other through ``related``
(directly, or under a slightly different link), or when their titles say the
same thing and they were published within a few days of each other. Merges
are transitive (union-find), so a chain of links makes one story, but only
while the story spans at most ``MAX_SPAN_DAYS`` from its first article to its
last: a link or a title that would stretch it further joins nothing.

Title rule. A title is reduced to a set of *words*: casefolded, accents
stripped, a trailing `` - Provider`` / `` | Provider`` naming its own provider
dropped, punctuation turned into spaces, stop words ("of", "its", ...) removed,
and each word lightly stemmed (``stops``/``stopped`` -> ``stop``,
``using``/``use`` -> ``us``, ``facial``/``face`` -> ``fac``). Two titles match
when all the words of the shorter are words of the longer (no word of one is
replaced by another word), the shorter holds at least ``TITLE_THRESHOLD`` of
the longer's words (their Jaccard similarity, 0.7), both have at least
``MIN_TITLE_WORDS`` words, and neither has a number the other lacks.

Speed. Never all pairs: words are ranked rarest first across the collection,
and a title is indexed under only its few rarest words (prefix filtering: if
the shorter title of a match holds 70% of the longer's words, its rarest word
is among the longer's first ``n - ceil(0.7 n) + 1``). Each article then checks
only the titles in its own rarest word's posting list that fall inside its
date window. 100,000 articles group in about 1.5 s on a 2-core machine, all
in pure Python (benchmarks/bench_stories.py).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from reader import gc_pause
from reader.model import Article
from reader.store import date_key
from reader.text import fold, iter_related_keys, link_digest, link_key, loose_url_key

#: The share of the longer title's words the shorter must hold (Jaccard).
TITLE_THRESHOLD = 0.7
#: Titles with fewer words than this ("Weekly roundup") never merge by title.
MIN_TITLE_WORDS = 3
#: At most this many nearest-in-time candidates are checked per article, so a
#: collection of thousands of same-day, same-word titles stays fast.
MAX_CANDIDATES = 400
# A story is an event: from its first article to its last it covers at most
# this many days, however they joined. Related lists also point at other
# events, anywhere in time; followed transitively, a few links per article
# chained a generated 100,000-article folder into stories of unrelated
# articles across three years, and near-identical titles chain day after day
# (a recurring headline). Real related items are within a week of their
# article (-3.6 to +6.4 days over ../shared/corpus).
MAX_SPAN_DAYS = 7.0
# Undated articles have no span: links join them only while the story stays
# this small; titles never join them.
MAX_LINKED = 50

_SECONDS_PER_DAY = 86_400.0
# Decimal numbers ("14.2", "2,500") stay whole; everything else splits on
# anything that is not a letter or digit.
_WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")
# Titles are folded first, so typographic dashes are already ASCII here.
_SUFFIX_SEPARATORS = (" - ", " | ")
_VOWELS = frozenset("aeiouy")
_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")
STOP_WORDS = frozenset(
    """
    a an the and or but nor of to in on at by for with from into onto over under
    as is are was were be been being am do does did has have had having
    it its this that these those he she they we you his her their our
    your my me him them than then so if via about after before amid
    vs will would can could should may might just also new
    """.split()
)


# --------------------------------------------------------------------------- titles


def stem(word: str) -> str:
    """A light, explainable English stemmer for title words (not Porter).

    Plural ``-s``/``-es``/``-ies``, then ``-ing``/``-ed`` when a vowel is left,
    then adjectival ``-ial``/``-al`` (after a consonant: "national", not
    "appeal"), then a final ``-e``, then a final double
    letter; a final ``-y`` becomes ``-i`` (``company``/``companies``). Words
    with digits are returned unchanged.
    """
    if not word.isalpha():
        return word
    w = word
    if len(w) > 3 and w[-1] == "s":
        if (w.endswith("ies") and len(w) > 4) or w.endswith(("shes", "ches", "xes", "zes", "ses")):
            w = w[:-2]
        elif not w.endswith(("ss", "us", "is")):
            w = w[:-1]
    if w.endswith("ing") and _VOWELS.intersection(w[:-3]) and len(w) > 4:
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 3 and _VOWELS.intersection(w[:-2]):
        w = w[:-2]  # "tried" -> "tri", as "tries" and "try"
    if w.endswith("ial") and len(w) >= 6:
        w = w[:-3]
    elif w.endswith("al") and len(w) >= 5 and w[-3] in _CONSONANTS:
        w = w[:-2]
    if w.endswith("e") and len(w) >= 3:
        w = w[:-1]
    if len(w) >= 3 and w[-1] == w[-2] and w[-1] in _CONSONANTS:
        w = w[:-1]
    elif len(w) >= 3 and w[-1] == "y":
        w = w[:-1] + "i"
    return w


_SUFFIX = re.compile(" [-|] ")
_provider_cache: dict[tuple[str, str], frozenset[str]] = {}


def _provider_names(provider: str, domain: str) -> frozenset[str]:
    """The ways a title may name its provider: "gulf news", "gulfnews.com", "gulfnews"."""
    names = _provider_cache.get((provider, domain))
    if names is None:
        found = {fold(provider).strip()}
        host = fold(domain).removeprefix("www.")
        found.update((host, host.split(".", 1)[0]))
        found.discard("")
        if len(_provider_cache) > 10_000:
            _provider_cache.clear()
        names = _provider_cache[(provider, domain)] = frozenset(found)
    return names


def _drop_provider_suffix(folded: str, provider: str, domain: str) -> str:
    """Drop a trailing " - Gulf News" when it names the article's own provider."""
    if not (provider or domain) or _SUFFIX.search(folded) is None:
        return folded
    names = _provider_names(provider, domain)
    for separator in _SUFFIX_SEPARATORS:
        head, found, tail = folded.rpartition(separator)
        if found and head and tail.strip() in names:
            return head
    return folded


class _WordCache(dict[str | bytes, str | None]):
    """Raw token (str, or ASCII bytes) -> stemmed word, or None for a word the rule ignores."""

    def __missing__(self, token: str | bytes) -> str | None:
        if len(self) > 200_000:
            self.clear()
        if isinstance(token, bytes):
            word = self[token] = self[token.decode()]
            return word
        ignored = token in STOP_WORDS or (len(token) < 2 and not token.isdigit())
        word = self[token] = None if ignored else stem(token)
        return word


_words = _WordCache()
# Plain ASCII titles take a fast path: lower-case letters and digits kept,
# every other byte a space. The same tokens as _WORD gives, minus decimals.
_ASCII_WORDS = bytes(
    c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256)
)


def title_words(title: str, provider: str = "", domain: str = "") -> frozenset[str]:
    """The set of stemmed content words that the title rule compares.

    A possessive "'s" needs no rule: it splits off as a one-letter token,
    and one-letter tokens other than digits are ignored.
    """
    if (
        title.isascii()
        and "." not in title  # decimals ("14.2") and suffixes need the full path
        and "," not in title
        and not (_SUFFIX.search(title) and (provider or domain))
    ):
        tokens: list[str] | list[bytes] = title.encode().translate(_ASCII_WORDS).split()
    else:
        tokens = _WORD.findall(_drop_provider_suffix(fold(title), provider, domain))
    return frozenset(filter(None, map(_words.__getitem__, tokens)))


def _has_digit(word: str) -> bool:
    return not word.isalpha() and any(c.isdigit() for c in word)


def titles_match(shorter: frozenset[str], longer: frozenset[str]) -> bool:
    """The title rule on two word sets (from ``title_words``), dates aside.

    True when every word of the shorter set is in the longer one, the shorter
    holds at least ``TITLE_THRESHOLD`` of the longer's words, both have at
    least ``MIN_TITLE_WORDS`` words, and the longer adds no number.
    """
    if len(shorter) > len(longer):
        shorter, longer = longer, shorter
    if len(shorter) < MIN_TITLE_WORDS:
        return False
    if len(shorter) < TITLE_THRESHOLD * len(longer) or not shorter <= longer:
        return False
    return not any(_has_digit(word) for word in longer - shorter)


# --------------------------------------------------------------------------- links


# --------------------------------------------------------------------------- stories


def _lead_key(article: Article) -> tuple[bool, int, bool, float, str]:
    """Best first: highest quality, then earliest published, then id."""
    quality = article.quality
    published = article.published
    return (
        quality is None,
        -(quality or 0),
        published is None,
        published.timestamp() if published is not None else 0.0,
        article.id,
    )


class Story:
    """The articles that cover one event, best first."""

    __slots__ = ("articles",)

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles: tuple[Article, ...] = (
            tuple(articles) if len(articles) == 1 else tuple(sorted(articles, key=_lead_key))
        )

    @property
    def id(self) -> str:
        """Stable while the story keeps its members: the lead article's id."""
        return self.articles[0].id

    @property
    def lead(self) -> Article:
        """The article that heads the story: highest quality, then earliest, then id."""
        return self.articles[0]

    @property
    def sources(self) -> tuple[str, ...]:
        """Distinct provider names, in the order of the articles (best first)."""
        return tuple(dict.fromkeys(a.provider for a in self.articles if a.provider))

    @property
    def size(self) -> int:
        return len(self.articles)

    def __len__(self) -> int:
        return len(self.articles)

    def __repr__(self) -> str:
        return f"Story({self.id!r}, size={self.size})"


class Stories:
    """Every article of a collection in exactly one story (singletons included).

    ``stories`` is ordered by lead article, newest first, undated last, then id.
    """

    def __init__(self, stories: list[Story]) -> None:
        stories.sort(key=lambda story: date_key(story.articles[0]))
        self.stories = stories
        self._by_article = {a.id: story for story in stories for a in story.articles}

    def __len__(self) -> int:
        return len(self.stories)

    def __iter__(self) -> Iterator[Story]:
        return iter(self.stories)

    def story_of(self, article_id: str) -> Story:
        """The story an article belongs to; KeyError for an unknown id."""
        return self._by_article[article_id]

    def get(self, article_id: str) -> Story | None:
        """The story an article belongs to; None for an unknown id (one lookup)."""
        return self._by_article.get(article_id)


class _UnionFind:
    __slots__ = ("parent", "size", "first", "last")

    def __init__(self, stamps: list[float | None]) -> None:
        size = len(stamps)
        self.parent = list(range(size))
        self.size = [1] * size
        # The earliest and latest publication of each group (None: no date yet).
        self.first = list(stamps)
        self.last = list(stamps)

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int, limit: int | None = None, span: float | None = None) -> None:
        """Join the groups of a and b, unless together they would hold more than
        ``limit`` articles or cover more than ``span`` seconds."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        total = self.size[ra] + self.size[rb]
        if limit is not None and total > limit:
            return
        firsts = [t for t in (self.first[ra], self.first[rb]) if t is not None]
        lasts = [t for t in (self.last[ra], self.last[rb]) if t is not None]
        first = min(firsts) if firsts else None
        last = max(lasts) if lasts else None
        if span is not None and first is not None and last is not None and last - first > span:
            return
        # The smaller index wins, so roots do not depend on merge order.
        root, child = (ra, rb) if ra < rb else (rb, ra)
        self.parent[child] = root
        self.size[root] = total
        self.first[root] = first
        self.last[root] = last


def _merge_links(articles: list[Article], groups: _UnionFind, stamps: list[float | None]) -> None:
    span = MAX_SPAN_DAYS * _SECONDS_PER_DAY
    by_id = {link_digest(a.id): i for i, a in enumerate(articles)}
    by_link: dict[int, int] = {}
    for i, article in enumerate(articles):
        if not article.url:
            continue
        key = link_key(article.id) if "://" in article.id else loose_url_key(article.url)
        j = by_link.setdefault(link_digest(key), i)
        if j != i:  # the same page under two links
            groups.union(i, j)
    # Closest in time first (then undated ones), ties by id: a story's own coverage,
    # hours apart, joins before a link to another event days away can take up its
    # week, and the stories do not depend on the order the articles came in.
    links: list[tuple[float, str, str, int, int]] = []
    for i, article in enumerate(articles):
        at = stamps[i]
        for id_digest, key_digest in iter_related_keys(article.related_keys):
            target = by_id.get(id_digest)
            if target is None and key_digest:  # not a link-less fallback id
                target = by_link.get(key_digest)
            if target is None or target == i:
                continue
            other = stamps[target]
            if at is None or other is None:
                gap = math.inf
            else:
                gap = abs(at - other)
                if gap > span:
                    continue  # never one story: skipped before the sort
            ends = (article.id, articles[target].id)
            links.append((gap, min(ends), max(ends), i, target))
    links.sort()
    for _gap, _first, _second, i, target in links:
        groups.union(i, target, MAX_LINKED, span)


def _merge_titles(articles: list[Article], groups: _UnionFind, window_days: float) -> None:
    window = window_days * _SECONDS_PER_DAY
    # Word sets are kept as tuples (some 120 bytes against 700 for a frozenset of
    # eight words: 60 MB at 100,000 titles); a set is made only for a title that
    # has candidates in its window.
    # Columns rather than a (time, position, words) tuple per title: ~9 MB less
    # held at once at 100,000 titles.
    times: list[float] = []
    positions: list[int] = []
    titles: list[tuple[str, ...]] = []
    counts: Counter[str] = Counter()
    for i, article in enumerate(articles):
        if article.published is None:
            continue  # undated articles merge by links only
        title = title_words(article.title, article.provider, article.domain)
        if len(title) >= MIN_TITLE_WORDS:
            times.append(article.published.timestamp())
            positions.append(i)
            titles.append(tuple(title))
            counts.update(title)
    if not titles:
        return
    # By time, then input position: a stable sort of positions taken in input order.
    order = sorted(range(len(titles)), key=times.__getitem__)
    stamps = [times[n] for n in order]
    indexes = [positions[n] for n in order]
    del times, positions

    # Words in one global order, rarest first (ties by the word itself).
    by_rarity = sorted(counts, key=lambda word: (counts[word], word))
    rarity = {word: rank for rank, word in enumerate(by_rarity)}
    del by_rarity
    # Prefix filtering: if x is within y and holds at least 70% of its words,
    # x's rarest word is among the first `_prefix(len(y))` words of y in that
    # order, so y need only be indexed under those.
    rank = rarity.__getitem__
    ordered: list[tuple[str, ...]] = []
    for n in order:
        ordered.append(tuple(sorted(titles[n], key=rank)))
        titles[n] = ()  # each title's words held once: the unsorted tuple goes now
    del titles, order, rarity
    prefix = [_prefix(size) for size in range(max(map(len, ordered)) + 1)]
    postings: dict[str, list[int]] = {}
    for n, rarest_first in enumerate(ordered):
        for word in rarest_first[: prefix[len(rarest_first)]]:
            posting = postings.get(word)
            if posting is None:
                postings[word] = [n]
            else:
                posting.append(n)

    half = MAX_CANDIDATES // 2
    for n, ts in enumerate(stamps):
        posting = postings[ordered[n][0]]
        size = len(posting)
        if size == 1:
            continue  # no other title holds its rarest word early enough
        at = bisect_left(posting, n)
        # Most titles have no candidate in their window: look at the neighbours first.
        before = at > 0 and stamps[posting[at - 1]] >= ts - window
        if not before and (at + 1 == size or stamps[posting[at + 1]] > ts + window):
            continue
        lo = bisect_left(posting, bisect_left(stamps, ts - window), 0, at) if before else at
        hi = bisect_left(posting, bisect_right(stamps, ts + window), at)
        if hi - lo > MAX_CANDIDATES:
            lo, hi = max(lo, at - half), min(hi, at + half)
        # A cheap subset test in one pass; the full rule on the few left.
        title = frozenset(ordered[n])
        subset = title.issubset
        for m in [m for m in posting[lo:hi] if subset(ordered[m])]:
            if m != n and titles_match(title, frozenset(ordered[m])):
                groups.union(indexes[n], indexes[m], span=MAX_SPAN_DAYS * _SECONDS_PER_DAY)


def _prefix(size: int) -> int:
    """How many of a title's rarest words to index so no match is missed."""
    shortest_match = max(MIN_TITLE_WORDS, math.ceil(TITLE_THRESHOLD * size - 1e-9))
    return size - shortest_match + 1


def group_stories(articles: Iterable[Article], *, window_days: float = 3.0) -> Stories:
    """Group articles into stories by related links and near-identical titles.

    Title matches count only between articles published at most
    ``window_days`` apart; articles without a date merge through links only.
    Articles are keyed by id: pass each article once.
    """
    items = list(articles)
    # Grouping allocates a few containers per article and creates no cycles.
    with gc_pause.bulk():
        stamps = [a.published.timestamp() if a.published is not None else None for a in items]
        groups = _UnionFind(stamps)
        _merge_links(items, groups, stamps)
        _merge_titles(items, groups, window_days)
        members: dict[int, list[Article]] = {}
        parent, find = groups.parent, groups.find
        for i, article in enumerate(items):
            root = i if parent[i] == i else find(i)
            group = members.get(root)
            if group is None:
                members[root] = [article]
            else:
                group.append(article)
        return Stories([Story(group) for group in members.values()])
