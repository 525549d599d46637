"""Seeded fuzzing: mutated feed documents through parse, write and load.

Every outcome must be an article the loader reads, or a named problem: a
NotAFeed with a reason, or an item skipped with one. Nothing else may escape.
The run is bounded (a fixed number of documents) and seeded, so a failure
names the seed and the document that made it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from feed_samples import ATOM_10, JSON_10, JSON_11, RSS_091, RSS_092, RSS_10, RSS_20

from reader.feeds.articles import records_for
from reader.feeds.feed_folder import article_files, write_articles
from reader.feeds.parse import NotAFeed, parse_feed
from reader.model import Article
from reader.seedfile import load_seed_file

SAMPLES = [
    RSS_091.replace(b"{dtd}", b"http://127.0.0.1:1/rss-0.91.dtd"),
    RSS_092,
    RSS_10,
    RSS_20,
    ATOM_10,
    JSON_10,
    JSON_11,
]
# What breaks parsers and writers: references out of range, lone surrogates
# (as JSON escapes and as UTF-8-ish bytes), markup characters, controls, odd
# Unicode, CDATA edges, YAML's own markers.
SNIPPETS = [
    b"&#99999999999;",
    b"&#xD800;",
    b"&#x110000;",
    b"&#0;",
    b"&#xFFFE;",
    b"\\ud800",
    b"\\udfff\\ud800",
    b"\\u0000",
    b"\xed\xa0\x80",
    b"\xff\xfe",
    b"\x00",
    b"\x1b[31m",
    b"\x85",
    b"\xe2\x80\xa8",
    b"\xef\xbf\xbe",
    b"&",
    b"&nbsp;",
    b"<",
    b">",
    b'"',
    b"'",
    b"]]>",
    b"<![CDATA[",
    b"<!--",
    b"\n---\n",
    b"\n...\n",
    b": ",
    b"- ",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b"null",
    b"true",
    b"12",
    b"<x a='1' a='2'/>",
    b'<guid isPermaLink="false">',
    b"https://fuzz.example/a",
    b"javascript:alert(1)",
    "\u202eevil".encode(),
    "\U0001f600".encode(),
]
DOCUMENTS = 250


def mutate(rng: random.Random, body: bytes) -> bytes:
    data = bytearray(body)
    for _ in range(rng.randint(1, 6)):
        where = rng.randrange(len(data) + 1)
        choice = rng.random()
        if choice < 0.45:
            data[where:where] = rng.choice(SNIPPETS)
        elif choice < 0.6 and data:
            data[min(where, len(data) - 1)] = rng.randrange(256)
        elif choice < 0.75:
            del data[where : where + rng.randint(1, 40)]
        elif choice < 0.9:
            start = rng.randrange(len(data) + 1)
            data[where:where] = data[start : start + rng.randint(1, 200)]
        else:
            del data[where:]
    return bytes(data)


@pytest.mark.parametrize("seed", [20, 19, 107])  # 107 found an encoding name with a NUL
def test_mutated_feeds_become_articles_or_named_problems(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    outcomes = {"articles": 0, "refused": 0, "skipped": 0}
    for number in range(DOCUMENTS):
        body = mutate(rng, rng.choice(SAMPLES))
        where = f"seed {seed}, document {number}: {body[:300]!r}"
        try:
            parsed = parse_feed(body, "https://fuzz.example/feed.xml")
        except NotAFeed as refused:
            assert str(refused).strip(), where
            outcomes["refused"] += 1
            continue
        assert all(problem.strip() for problem in parsed.problems), where
        outcomes["skipped"] += len(parsed.problems)
        records = records_for(
            parsed, feed_url="https://fuzz.example/feed.xml", base_url="https://fuzz.example/"
        )
        folder = tmp_path / f"{number}"
        write_articles(folder, records)
        files = article_files(folder)
        assert len(files) == len(records), where
        for path in files:
            article = load_seed_file(path)
            assert isinstance(article, Article), f"{where}\n{article}\n{path.read_text('utf-8')}"
            outcomes["articles"] += 1
    # The mutations are mild enough that both kinds of outcome occur.
    assert outcomes["articles"] > DOCUMENTS // 2 and outcomes["refused"] > 0
