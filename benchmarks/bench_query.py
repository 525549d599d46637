"""Time SearchIndex.filter per keystroke over a synthetic collection.

    /work/venv/bin/python benchmarks/bench_query.py [--articles 100000] [--repeat 5]

Builds the articles in memory (no files), then prints a Markdown table:
the one-time index build, each query on a fresh index (records built, no
earlier results to narrow from), and each query as typed after the previous
keystroke (the search bar's case), as medians over several rounds; then the
same with full texts stored (FTS5, in a temporary articles database) beside them.

A second table is the search bar's two steps with those texts, each keystroke as
typed: "before" asks the full texts on the keystroke (as the bar did), "now"
shows what is certain without the words not looked up yet (the keystroke), while
a worker looks them up, and the list then grows by their matches.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reader.fulltext import Block, Document, TextStore
from reader.model import Article
from reader.query import MatchContext, SearchIndex, parse
from reader.text import search_text

KEYSTROKES = (
    "f",
    "fa",
    "fac",
    "faci",
    "facia",
    "facial",
    "facial -police",
    'topic:"AWS AI" provider:gulf',
    "quality:>50",
)

# Words only the full texts can answer for, and the text: field.
TEXT_KEYSTROKES = ("text:fac", "text:facial", 'text:"facial recognition"')
TEXT_CHARS = 3_000

WORDS = (
    "amazon police facial recognition technology market growth report study "
    "court ruling city council election vote climate energy solar wind battery "
    "startup funding round investors bank rates inflation economy jobs workers "
    "strike union health hospital vaccine research university students school "
    "software cloud security breach privacy data model training chip factory "
    "phone launch update review camera game streaming music film festival "
    "football league transfer coach season final record weather storm flood "
    "Café Zürich naïve résumé São Paulo Kraków façade déjà"
).split()
EXCERPT_WORDS = WORDS + "the a of to in and for on with from by after over new said".split()


def make_articles(count: int, seed: int = 5) -> list[Article]:
    """Synthetic articles: ~70-char titles, ~250-char excerpts, 40 topics, 300 providers."""
    rng = random.Random(seed)
    topics = ["AI", "AWS AI", "Computer Vision"] + [f"Topic {n}" for n in range(37)]
    providers = [("Gulf News", "gulfnews.com"), ("The Grio", "thegrio.com")] + [
        (f"Provider {n} Média", f"provider{n}.example") for n in range(298)
    ]
    start = datetime(2020, 1, 1, tzinfo=UTC)

    def sentence(words: list[str], length: int) -> str:
        out: list[str] = []
        size = 0
        while size < length:
            word = rng.choice(words)
            out.append(word)
            size += len(word) + 1
        text = " ".join(out)
        if rng.random() < 0.3:
            text = text.replace(" ", "\u2019s ", 1)  # typographic apostrophes are common
        return text[0].upper() + text[1:]

    articles = []
    for n in range(count):
        name, domain = rng.choice(providers)
        title = sentence(WORDS, 70)
        articles.append(
            Article(
                id=f"https://{domain}/story/{n}",
                title=title,
                path=f"/news/{n:06d}.txt",
                url=f"https://{domain}/story/{n}",
                provider=name,
                domain=domain,
                published=start + timedelta(minutes=rng.randrange(60 * 24 * 900)),
                quality=rng.choice([None, *range(0, 120)]),
                topics=tuple(rng.sample(topics, rng.randint(1, 3))),
                type="video" if rng.random() < 0.05 else "article",
                search_text=search_text(title, sentence(EXCERPT_WORDS, 250)),
            )
        )
    return articles


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--full-texts", type=int, default=10_000)
    parser.add_argument(
        "--keep-texts",
        type=Path,
        help="keep the articles database here and use it again when it holds as many texts",
    )
    args = parser.parse_args()

    articles = make_articles(args.articles)
    ctx = MatchContext(now=datetime(2022, 6, 1, tzinfo=UTC))
    queries = [parse(text) for text in KEYSTROKES]
    gc.collect()

    builds = []
    first_cold = []
    for _ in range(args.repeat):
        index = SearchIndex(articles)
        t0 = time.perf_counter()
        index.warm()
        builds.append(time.perf_counter() - t0)
        fresh = SearchIndex()
        t0 = time.perf_counter()
        fresh.filter(articles, queries[0], ctx)
        first_cold.append(time.perf_counter() - t0)

    index = SearchIndex(articles)
    index.warm()
    today = _keystrokes(index, articles, queries, ctx, args.repeat, lambda fresh: None)
    with tempfile.TemporaryDirectory() as folder:
        texts = _full_texts(articles, args.full_texts, args.keep_texts or Path(folder) / "a.db")
        with_texts = MatchContext(
            now=ctx.now, full_text=texts.matching, texts_generation=texts.generation
        )
        text_queries = [parse(text) for text in (*KEYSTROKES, *TEXT_KEYSTROKES)]
        # Each keystroke is a new word: the texts' remembered matches are cleared every time
        # (on a fresh index, also the last words' ids that a longer word narrows).
        full = _keystrokes(
            index,
            articles,
            text_queries,
            with_texts,
            args.repeat,
            lambda fresh: texts.forget(narrowing=fresh),
        )
        steps = _two_steps(index, articles, text_queries, with_texts, texts, args.repeat)
        texts.close()

    print(f"{len(articles):,} articles, median of {args.repeat} rounds\n")
    print(f"- index build (SearchIndex.warm): {_ms(statistics.median(builds))}")
    print(
        f"- first query on a cold index (builds the records): {_ms(statistics.median(first_cold))}"
    )
    print(f"- with {args.full_texts:,} full texts of ~{TEXT_CHARS:,} characters in the index\n")
    print(
        "| query | matches | fresh | as typed | matches, texts | fresh, texts | as typed, texts |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for text in (*KEYSTROKES, *TEXT_KEYSTROKES):
        before = today.get(text)
        after = full[text]
        cells = [f"{before[0]:,}", _ms(before[1]), _ms(before[2])] if before else ["", "", ""]
        print(
            f"| `{text}` | {' | '.join(cells)} | {after[0]:,} | {_ms(after[1])} | {_ms(after[2])} |"
        )
    print(
        f"| **median per keystroke** | | {_ms(_median(today, 1))} | {_ms(_median(today, 2))} "
        f"| | {_ms(_median(full, 1))} | {_ms(_median(full, 2))} |"
    )
    print(f"\nThe search bar's two steps, as typed, {args.full_texts:,} texts\n")
    print(
        "| query | no texts | before: on the keystroke | now: on the keystroke "
        "| now: shown, of | now: looked up (worker) | now: added (after the worker) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for text, (before, first, shown, total, looked_up, added, none) in steps.items():
        print(
            f"| `{text}` | {_ms(none)} | {_ms(before)} | {_ms(first)} | {shown:,} of {total:,} "
            f"| {_ms(looked_up)} | {_ms(added)} |"
        )
    # Over the keystrokes of the first table (not text:), as its no-texts median is.
    rows = [steps[text] for text in KEYSTROKES]
    median = [_ms(statistics.median(row[i] for row in rows)) for i in (6, 0, 1, 4, 5)]
    print(
        f"| **median per keystroke, without text:** | {median[0]} | {median[1]} | {median[2]} "
        f"| | {median[3]} | {median[4]} |"
    )


def _median(rows: dict[str, tuple[int, float, float]], column: int) -> float:
    return statistics.median(row[column] for row in rows.values())


def _keystrokes(
    index, articles, queries, ctx, repeat, forget
) -> dict[str, tuple[int, float, float]]:
    """Per query: matches, median time on a fresh index, median time as typed after the last."""
    fresh: dict[str, list[float]] = {q.text: [] for q in queries}
    typed: dict[str, list[float]] = {q.text: [] for q in queries}
    counts: dict[str, int] = {}
    for _ in range(repeat):
        for query in queries:
            index._results.clear()  # no earlier result to narrow from
            forget(True)
            t0 = time.perf_counter()
            counts[query.text] = len(index.filter(articles, query, ctx))
            fresh[query.text].append(time.perf_counter() - t0)
        index._results.clear()
        for query in queries:
            forget(False)
            t0 = time.perf_counter()
            index.filter(articles, query, ctx)
            typed[query.text].append(time.perf_counter() - t0)
    return {
        q.text: (counts[q.text], statistics.median(fresh[q.text]), statistics.median(typed[q.text]))
        for q in queries
    }


def _two_steps(index, articles, queries, ctx, texts, repeat) -> dict[str, tuple]:
    """Per query, as typed after the one before, medians in ms: before (the full texts
    asked on the keystroke), now on the keystroke, shown of all matches, the worker's
    look-up, and the filter again once it answered (on the event loop, not the keystroke).
    Answers of earlier keystrokes are kept between keystrokes, as in the app."""
    times: dict[str, list[list[float]]] = {q.text: [[], [], [], [], []] for q in queries}
    shown: dict[str, tuple[int, int]] = {}
    no_texts = MatchContext(now=ctx.now)
    for _ in range(repeat):
        index._results.clear()
        for query in queries:  # no full texts at all, in the same round (a busy machine)
            t0 = time.perf_counter()
            index.filter(articles, query, no_texts)
            times[query.text][4].append(time.perf_counter() - t0)
        index._results.clear()
        texts.forget(narrowing=True)
        for query in queries:  # before: ctx asks the texts at once
            t0 = time.perf_counter()
            index.filter(articles, query, ctx)
            times[query.text][0].append(time.perf_counter() - t0)
        index._results.clear()
        texts.forget(narrowing=True)
        for query in (
            queries
        ):  # now: what the search bar does (reader.tui.search: SearchActions.search_texts)
            cell = times[query.text]
            t0 = time.perf_counter()
            if query.asks_text_field:  # a text: query waits for its texts
                first = index.filter(articles, query, ctx)
                cell[1].append(time.perf_counter() - t0)
                cell[2].append(0.0)
                cell[3].append(0.0)
                shown[query.text] = (len(first), len(first))
                continue
            known = texts.known(query.text_values)
            pending = replace(ctx, full_text=known.get, stored_texts=texts.stored_ids())
            first = index.filter(articles, query, pending)
            cell[1].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            missing = [v for v in query.text_values if v not in known]
            found = {**known, **texts.look_up(missing)}
            cell[2].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            after = index.filter(articles, query, replace(pending, full_text=found.get))
            cell[3].append(time.perf_counter() - t0 if missing else 0.0)
            shown[query.text] = (len(first), len(after))
    return {
        text: (*(statistics.median(c) for c in cells[:2]), *shown[text])
        + tuple(statistics.median(c) for c in cells[2:])
        for text, cells in times.items()
    }  # before, now, shown, of, looked up, added, no texts


def _full_texts(articles: list[Article], count: int, path: Path) -> TextStore:
    """``count`` stored full texts (the first articles), each a few paragraphs of the words;
    a database at ``path`` that holds as many already is used as it is."""
    store = TextStore(path)
    if len(store.ids()) == count:
        return store
    rng = random.Random(11)
    for article in articles[:count]:
        paragraphs = []
        size = 0
        while size < TEXT_CHARS:
            paragraph = " ".join(rng.choice(EXCERPT_WORDS) for _ in range(60))
            paragraphs.append(Block("paragraph", paragraph))
            size += len(paragraph)
        store.put_document(article.id, article.url, article.url, Document(tuple(paragraphs), ()))
    return store


if __name__ == "__main__":
    main()
