"""Time SearchIndex.filter per keystroke over a synthetic collection.

    /work/venv/bin/python benchmarks/bench_query.py [--articles 100000] [--repeat 5]

Builds the articles in memory (no files), then prints a Markdown table:
the one-time index build, each query on a fresh index (records built, no
earlier results to narrow from), and each query as typed after the previous
keystroke (the search bar's case), as medians over several rounds.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from reader.model import Article
from reader.query import MatchContext, SearchIndex, parse

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
        articles.append(
            Article(
                id=f"https://{domain}/story/{n}",
                title=sentence(WORDS, 70),
                path=f"/news/{n:06d}.txt",
                url=f"https://{domain}/story/{n}",
                provider=name,
                domain=domain,
                published=start + timedelta(minutes=rng.randrange(60 * 24 * 900)),
                quality=rng.choice([None, *range(0, 120)]),
                topics=tuple(rng.sample(topics, rng.randint(1, 3))),
                type="video" if rng.random() < 0.05 else "article",
                excerpt=sentence(EXCERPT_WORDS, 250),
            )
        )
    return articles


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
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
    fresh_times: dict[str, list[float]] = {text: [] for text in KEYSTROKES}
    typed_times: dict[str, list[float]] = {text: [] for text in KEYSTROKES}
    counts: dict[str, int] = {}
    for _ in range(args.repeat):
        for text, query in zip(KEYSTROKES, queries, strict=True):
            index._results.clear()  # no earlier result to narrow from
            t0 = time.perf_counter()
            counts[text] = len(index.filter(articles, query, ctx))
            fresh_times[text].append(time.perf_counter() - t0)
        index._results.clear()
        for text, query in zip(KEYSTROKES, queries, strict=True):
            t0 = time.perf_counter()
            index.filter(articles, query, ctx)
            typed_times[text].append(time.perf_counter() - t0)

    print(f"{len(articles):,} articles, median of {args.repeat} rounds\n")
    print(f"- index build (SearchIndex.warm): {_ms(statistics.median(builds))}")
    print(
        "- first query on a cold index (builds the records): "
        f"{_ms(statistics.median(first_cold))}\n"
    )
    print("| query | matches | fresh | as typed |")
    print("|---|---:|---:|---:|")
    for text in KEYSTROKES:
        fresh = _ms(statistics.median(fresh_times[text]))
        typed = _ms(statistics.median(typed_times[text]))
        print(f"| `{text}` | {counts[text]:,} | {fresh} | {typed} |")
    every_fresh = [t for times in fresh_times.values() for t in times]
    every_typed = [t for times in typed_times.values() for t in times]
    print(
        f"| **median per keystroke** | | {_ms(statistics.median(every_fresh))} "
        f"| {_ms(statistics.median(every_typed))} |"
    )


if __name__ == "__main__":
    main()
