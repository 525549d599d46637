"""``newsreader list`` and the reader agree: the same filter lists the same ids in the same order.

Each case is a set of ``list`` flags and the query text that means the same
in the reader's search bar. The reader's side is its ``Library`` built as the
app builds it (a store of the loaded articles, stories grouped from them, the
read state, the fetched full texts); tests/ui/test_cli_agrees_ui.py drives
the app itself for a few of them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.cli import main
from reader.cli.loading import load
from reader.fulltext import TextStore
from reader.library import Library, ViewSpec
from reader.query import parse
from reader.state import UserState
from reader.store import Store
from reader.stories import group_stories

QUOTED_TOPIC = 'He said "no"'


def seed(n: int, title: str, topics: list[str], day: int | None, quality: int | None) -> str:
    published = f"publishedDateTime: 2024-03-{day:02d}T{n % 24:02d}:00:00Z\n" if day else ""
    rated = f"quality: {quality}\n" if quality is not None else ""
    return (
        f"title: {json.dumps(title)}\n"
        f"webUrl: https://site{n % 4}.example/{n}\n"
        f"{published}{rated}"
        f"topics: {json.dumps(topics)}\n"
        f"provider: {{name: Provider {n % 4}, domain: site{n % 4}.example}}\n"
        f"excerpt: Excerpt {n} about {'the moon' if n % 3 else 'mars'}.\n"
    )


ARTICLES = [
    # Three providers on one event (a story by titles), in two spellings of AI.
    ("Rover finds water ice under the Martian south pole", ["AI"], 10, 40),
    ("Rover finds water ice under the Martian south pole", ["ai"], 10, 70),
    ("Rover finds water ice under Martian south pole", ["Space"], 11, 55),
    # Another story, of one provider.
    ("Lunar lander launches its second mission to the far side", ["Space"], 12, 20),
    ("Lunar lander launches second mission to the far side", ["Space"], 12, 90),
    ("Quantum chip breaks a record for stable qubits", ["AI", "Computing"], 5, 90),
    ("An undated note on telescopes", ["Space"], None, 30),
    ("Unrated robotics digest for the week", ["ai"], 8, None),
    ("Quote marks in a topic name", [QUOTED_TOPIC], 9, 10),
    ("Ties on quality are broken by date", ["Computing"], 7, 90),
]


@pytest.fixture
def corpus(write_seed, tmp_path: Path) -> Path:
    for n, (title, topics, day, quality) in enumerate(ARTICLES):
        write_seed(seed(n, title, topics, day, quality), name=f"seeds/{n:02d}.txt")
    folder = tmp_path / "seeds"
    ids = sorted(a.id for a in load([str(folder)]).articles)
    with UserState() as state:
        state.mark_read(ids[::3])
        state.set_starred(ids[::4])
    return folder


def cli_ids(capsys: pytest.CaptureFixture[str], corpus: Path, *flags: str) -> list[str]:
    code = main(["list", "--json", *flags, str(corpus)])
    out, err = capsys.readouterr()
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    return [record["id"] for record in records]


def reader_ids(corpus: Path, query: str, *, sort="date", stories=False, limit=None) -> list[str]:
    """What the reader's list shows for ``query``, through the app's ``Library``."""
    result = load([str(corpus)], hide=True)
    state = UserState(readonly=True)
    library = Library(Store(result.articles), state, lambda: datetime.now(UTC))
    library.texts = TextStore()
    library.stories = group_stories(result.articles)  # as the app's stories worker does
    spec = ViewSpec(sort=sort, stories=stories, search=parse(query) if query else None)
    return [a.id for a in library.articles(spec)][:limit]


CASES = [
    ([], "", {}),
    (["--sort", "quality"], "", {"sort": "quality"}),
    # The first few of everything are found without sorting everything.
    (["--limit", "4"], "", {"limit": 4}),
    (["--sort", "quality", "--limit", "6"], "", {"sort": "quality", "limit": 6}),
    (["--topic", "ai"], 'topic:"ai"', {}),
    (["--topic", "AI", "--sort", "quality"], 'topic:"AI"', {"sort": "quality"}),
    (["--topic", "  Space "], 'topic:"Space"', {}),
    (["--unread"], "is:unread", {}),
    (["--starred"], "is:starred", {}),
    (["--unread", "--starred", "--sort", "quality"], "is:unread is:starred", {"sort": "quality"}),
    (["--query", "is:unread -is:starred"], "is:unread -is:starred", {}),
    (["--query", "mars OR qubits", "--topic", "ai"], 'topic:"ai" (mars OR qubits)', {}),
    (
        ["--query", "quality:>=50", "--sort", "quality", "--limit", "3"],
        "quality:>=50",
        {
            "sort": "quality",
            "limit": 3,
        },
    ),
    (["--stories"], "", {"stories": True}),
    (["--stories", "--sort", "quality"], "", {"stories": True, "sort": "quality"}),
    (["--stories", "--unread"], "is:unread", {"stories": True}),
    (
        ["--stories", "--topic", "space", "--limit", "2"],
        'topic:"space"',
        {
            "stories": True,
            "limit": 2,
        },
    ),
    (["--stories", "--query", "provider:site1"], "provider:site1", {"stories": True}),
]


@pytest.mark.parametrize(("flags", "query", "view"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_list_and_the_reader_list_the_same_ids_in_the_same_order(
    capsys: pytest.CaptureFixture[str], corpus: Path, flags: list[str], query: str, view: dict
) -> None:
    expected = reader_ids(corpus, query, **view)
    assert expected, "a case that lists nothing proves little"
    assert cli_ids(capsys, corpus, *flags) == expected
    # The same query typed as --query, without the flags that spell it.
    if query:
        rest = [f for f in flags if f not in ("--unread", "--starred")]
        if "--topic" in rest:
            del rest[rest.index("--topic") : rest.index("--topic") + 2]
        if "--query" in rest:
            del rest[rest.index("--query") : rest.index("--query") + 2]
        assert cli_ids(capsys, corpus, *rest, "--query", query) == expected


def test_a_story_line_stands_for_its_whole_story_as_the_reader_opens_it(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    code = main(["list", "--stories", "--json", "--topic", "AI", str(corpus)])
    assert code == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    result = load([str(corpus)])
    stories = group_stories(result.articles)
    assert [s["articles"] for s in listed] == [
        [a.id for a in stories.story_of(s["id"]).articles] for s in listed
    ]
    rover = next(s for s in listed if "Rover" in s["title"])
    assert rover["size"] == 3  # the story of an AI article keeps its Space article


def test_a_topic_name_with_a_quote_is_still_listed(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    ids = cli_ids(capsys, corpus, "--topic", QUOTED_TOPIC.upper())
    assert [a.title for a in load([str(corpus)]).articles if a.id in ids] == [
        "Quote marks in a topic name"
    ]


@pytest.fixture
def hub(write_seed, tmp_path: Path) -> Path:
    """60 articles that each link one hub article: more than a story joins by links (50),
    so which of them join the hub's story depends on the order the links are taken in.
    All within six days: a link joins a story only while it spans at most a week."""
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split()
    for n in range(61):
        related = "" if n == 0 else "related:\n  - {title: Hub, webUrl: 'https://hub.example/0'}\n"
        title = f"{words[n % 12]} {words[n // 12]} report number {n}"
        write_seed(
            f"title: {title}\nwebUrl: https://hub.example/{n}\n"
            f"publishedDateTime: 2024-01-{1 + n % 6:02d}T{n % 24:02d}:00:00Z\n"
            f"quality: {200 - n}\nprovider: {{name: P{n}, domain: p{n}.example}}\n{related}",
            name=f"hub/{n:02d}.txt",
        )
    return tmp_path / "hub"


def test_stories_are_the_reader_s_whatever_the_sort(
    capsys: pytest.CaptureFixture[str], hub: Path
) -> None:
    def stories(*flags: str) -> list[list[str]]:
        assert main(["list", "--stories", "--json", *flags, str(hub)]) == 0
        lines = capsys.readouterr().out.splitlines()
        return sorted(sorted(json.loads(line)["articles"]) for line in lines)

    by_date, by_quality = stories("--sort", "date"), stories("--sort", "quality")
    assert max(map(len, by_date)) == 50  # the cap was reached: the order mattered
    assert by_quality == by_date
    result = load([str(hub)])
    grouped = group_stories(result.articles)  # as the reader groups them
    assert by_date == sorted(sorted(a.id for a in story.articles) for story in grouped)
    for sort in ("date", "quality"):
        assert cli_ids(capsys, hub, "--stories", "--sort", sort) == reader_ids(
            hub, "", sort=sort, stories=True
        )
