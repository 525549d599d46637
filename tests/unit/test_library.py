"""The library: what a scope shows, its label, the sidebar counts, stories, the status line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.formatting import plural
from reader.library import Library, RelatedEntry, ViewSpec
from reader.model import Article, Related
from reader.query import parse
from reader.scope import ALL, STARRED, SavedSearch, Story, Tag, Topic
from reader.state import UserState
from reader.status import StatusLine
from reader.store import Store
from reader.stories import Stories
from reader.stories import Story as StoryGroup

NOW = datetime(2020, 6, 10, tzinfo=UTC)


def make(ident: str, day: int, quality: int, *topics: str) -> Article:
    return Article(
        id=ident,
        title=f"Title {ident}",
        path=f"/seeds/{ident}.txt",
        published=datetime(2020, 6, day, tzinfo=UTC),
        quality=quality,
        topics=topics,
    )


ARTICLES = [
    make("a", 1, 50, "AI"),
    make("b", 3, 10, "AI", "Cloud"),
    make("c", 2, 90, "Cloud"),
    make("d", 4, 30, "Space"),
]


@pytest.fixture
def library(tmp_path: Path):
    state = UserState(tmp_path / "state.db")
    library = Library(Store(ARTICLES), state, lambda: NOW)
    yield library
    state.close()


def ids(articles) -> list[str]:
    return [a.id for a in articles]


def with_stories(library: Library) -> Library:
    # a, b and c are one story (lead c: best quality); d is alone
    library.stories = Stories([StoryGroup(ARTICLES[:3]), StoryGroup([ARTICLES[3]])])
    return library


def test_what_each_scope_shows(library: Library) -> None:
    library.state.set_starred(["c"])
    library.state.save_search("cloudy", "topic:Cloud")
    assert ids(library.articles(ViewSpec(ALL))) == ["d", "b", "c", "a"]
    assert ids(library.articles(ViewSpec(ALL, sort="quality"))) == ["c", "a", "d", "b"]
    assert ids(library.articles(ViewSpec(Topic("AI")))) == ["b", "a"]
    assert ids(library.articles(ViewSpec(STARRED))) == ["c"]
    assert ids(library.articles(ViewSpec(SavedSearch("cloudy")))) == ["b", "c"]
    assert ids(library.articles(ViewSpec(Topic("Nothing")))) == []
    assert ids(library.articles(ViewSpec(Story("c")))) == ["c"]  # no stories grouped yet
    assert ids(with_stories(library).articles(ViewSpec(Story("c")))) == ["b", "c", "a"]


def test_search_hide_read_and_the_kept_article(library: Library) -> None:
    library.state.mark_read(["a", "b"])
    assert ids(library.articles(ViewSpec(ALL, search=parse("topic:AI")))) == ["b", "a"]
    assert ids(library.articles(ViewSpec(ALL, hide_read=True))) == ["d", "c"]
    assert ids(library.articles(ViewSpec(ALL, hide_read=True, keep_id="a"))) == ["d", "c", "a"]


def test_labels(library: Library) -> None:
    assert library.label(ALL) == "All"
    assert library.label(STARRED) == "Starred"
    assert library.label(Topic("AI")) == "AI"
    assert library.label(SavedSearch("top")) == "⌕ top"
    assert library.label(Story("a")) == "Story: Title a"
    assert library.label(Story("gone")) == "Story: ?"


def test_a_scope_that_is_gone(library: Library) -> None:
    library.state.save_search("s", "x")
    assert library.contains(ALL) and library.contains(Topic("AI"))
    assert library.contains(SavedSearch("s")) and library.contains(Story("a"))
    assert not library.contains(Topic("Nothing"))
    assert not library.contains(SavedSearch("other"))
    assert not library.contains(Story("gone"))


def test_sidebar_counts_articles(library: Library) -> None:
    library.state.mark_read(["a"])
    library.state.set_starred(["a", "d"])
    entries = {e.scope: (e.label, e.unread, e.total) for e in library.sidebar(by_story=False)}
    assert entries[ALL] == ("All", 3, 4)
    assert entries[STARRED] == ("Starred", 1, 2)
    assert entries[Topic("AI")] == ("AI", 1, 2)
    assert entries[Topic("Cloud")] == ("Cloud", 2, 2)
    assert [e.scope for e in library.sidebar(False)][:2] == [ALL, STARRED]


def test_counts_of_every_article_and_of_a_part_agree_with_counting_one_by_one(
    library: Library,
) -> None:
    # "gone" is a read mark of an article no longer in the library: it counts nowhere.
    library.state.mark_read(["a", "c", "gone"])
    every = library.articles(ViewSpec(ALL))
    assert library.counts(every, by_story=False) == (2, 4)  # the whole store: marks counted
    assert library.counts(every[:3], by_story=False) == (2, 3)  # d, b unread; c read
    assert library.counts(iter(every[1:]), by_story=False) == (1, 3)  # any iterable
    library.state.mark_read(["b", "d"])
    assert library.counts(every, by_story=False) == (0, 4)


def test_counts_with_no_marks_are_every_article_unread(library: Library) -> None:
    every = library.articles(ViewSpec(ALL))
    assert library.counts(every[1:], by_story=False) == (3, 3)  # a part: nothing to count
    assert library.counts(iter(every), by_story=False) == (4, 4)


def test_sidebar_counts_follow_marks_and_a_new_store(library: Library) -> None:
    assert {e.scope: e.unread for e in library.sidebar(False)}[Topic("AI")] == 2
    library.state.mark_read(["b"])
    entries = {e.scope: (e.unread, e.total) for e in library.sidebar(False)}
    assert entries[Topic("AI")] == (1, 2) and entries[Topic("Cloud")] == (1, 2)
    library.set_store(Store([*ARTICLES, make("e", 5, 1, "Cloud", "AI")]))
    entries = {e.scope: (e.unread, e.total) for e in library.sidebar(False)}
    assert entries[Topic("AI")] == (2, 3) and entries[Topic("Cloud")] == (2, 3)
    assert entries[ALL] == (4, 5)


def test_stories_count_once_and_are_unread_while_any_article_is(library: Library) -> None:
    with_stories(library)
    library.state.mark_read(["a", "b"])
    entries = {e.scope: (e.unread, e.total) for e in library.sidebar(by_story=True)}
    assert entries[ALL] == (2, 2)  # the story of a, b, c: c is unread
    assert entries[Topic("AI")] == (1, 1)
    assert library.counts(ARTICLES, by_story=True) == (2, 2)
    library.state.mark_read(["c"])
    assert library.counts(ARTICLES, by_story=True) == (1, 2)
    assert library.counts(ARTICLES, by_story=False) == (1, 4)


def test_story_rows_badges_and_coverage(library: Library) -> None:
    with_stories(library)
    spec = ViewSpec(ALL, stories=True)
    assert spec.story_rows and not ViewSpec(Story("c"), stories=True).story_rows
    assert ids(library.articles(spec)) == ["d", "c"]
    assert library.story_badge(ARTICLES[2], spec) == "+2"
    assert library.story_badge(ARTICLES[3], spec) == ""
    related = [Related(id="b", title="Title b"), Related(id="x", title="Elsewhere")]
    entries, also = library.coverage(ARTICLES[2], related)
    assert ids(also) == ["b", "a"]
    assert entries == [RelatedEntry(related[1], None)]  # b is already under "Also covered by"


def test_the_status_line() -> None:
    line = StatusLine(label="AI", sort="date", unread=3, total=12, by_story=True)
    assert "".join(text for text, _ in line.parts()) == (
        "newsreader  │  AI  │  by date  │  12 stories, 3 unread"
    )
    busy = StatusLine(
        label="x" * 50,
        sort="quality",
        unread=0,
        total=1,
        hide_read=True,
        query="facial",
        checking=True,
        fetching=(2, 5),
        loading=(50, 200),
        skipped=2,
    )
    text = "".join(text for text, _ in busy.parts())
    assert "x" * 39 + "…" in text
    assert "1 article, 0 unread  │  read hidden  │  search: facial" in text
    assert "fetching feeds 2/5  │  loading 50/200 files 25%" in text
    assert ("2 files skipped, press ! to see", "bold yellow") in busy.parts()


def test_plural_of_irregular_nouns() -> None:
    assert plural(2, "story") == "2 stories"
    assert plural(1, "story") == "1 story"
    assert plural(1_000, "new article") == "1,000 new articles"
    assert plural(2, "day") == "2 days"
    assert plural(0, "file") == "0 files"


def test_a_saved_search_carries_its_scope(library: Library) -> None:
    library.state.save_search("cheap", "quality:<40")
    assert library.scoped_search(ALL, "x OR y") == ("x OR y", "every article")
    query, covers = library.scoped_search(Topic("AI"), "title OR nothing")
    assert query == 'topic:"AI" (title OR nothing)' and covers == "the topic “AI”"
    assert [a.id for a in library.filter(list(library.store), parse(query))] == ["a", "b"]
    assert library.scoped_search(STARRED, "x")[0] == "is:starred (x)"
    query, covers = library.scoped_search(SavedSearch("cheap"), "topic:Cloud")
    assert [a.id for a in library.filter(list(library.store), parse(query))] == ["b"]
    assert covers == "the saved search “cheap”"
    assert library.scoped_search(Story("a"), "x") == ("x", "every article")
    assert library.scoped_search(Topic('say "hi"'), "x") == ("x", "every article")


def test_a_search_saved_in_a_tag_keeps_the_tag(library: Library) -> None:
    """Ctrl+S in "#Read Later" saved a search of every article."""
    library.state.set_tag(["b"], "Read Later")
    query, covers = library.scoped_search(Tag("Read Later"), "title OR nothing")
    assert query == 'tag:"Read Later" (title OR nothing)'
    assert covers == "the articles tagged “Read Later”"
    assert [a.id for a in library.filter(list(library.store), parse(query))] == ["b"]


@pytest.mark.parametrize("width", [120, 80, 60, 40, 30, 24])
def test_the_status_line_keeps_the_view_and_unread_count_at_every_width(width: int) -> None:
    line = StatusLine(
        label="Artificial Intelligence",
        sort="quality",
        unread=1234,
        total=5678,
        hide_read=True,
        query="facial",
        loading=(50, 200),
        skipped=2,
    )
    text = "".join(text for text, _ in line.parts(width))
    assert len(text) <= width, text
    assert "1,234 unread" in text
    assert text.startswith("Art") or "Artificial" in text
    if width >= 80:
        assert "Artificial Intelligence" in text and "search: facial" in text


def test_the_stories_sidebar_puts_the_busiest_topics_by_stories_first(tmp_path: Path) -> None:
    # Three articles of one story under Big; two stories under Wide.
    big = [make(f"b{n}", n + 1, 10, "Big") for n in range(3)]
    wide = [make(f"w{n}", n + 1, 10, "Wide") for n in range(2)]
    state = UserState(tmp_path / "state.db")
    library = Library(Store([*big, *wide]), state, lambda: NOW)
    library.stories = Stories([StoryGroup(big), StoryGroup([wide[0]]), StoryGroup([wide[1]])])
    try:
        topics = lambda by_story: [  # noqa: E731
            (e.label, e.total) for e in library.sidebar(by_story) if isinstance(e.scope, Topic)
        ]
        assert topics(False) == [("Big", 3), ("Wide", 2)]
        assert topics(True) == [("Wide", 2), ("Big", 1)]
    finally:
        state.close()


def test_the_status_line_while_stories_are_grouped_and_before_a_load_knows_its_files() -> None:
    grouping = StatusLine(label="All", sort="date", unread=5, total=8, grouping=True)
    assert "".join(text for text, _ in grouping.parts()) == (
        "newsreader  │  All  │  by date  │  8 articles, 5 unread  │  grouping stories…"
    )
    starting = StatusLine(label="All", sort="date", unread=0, total=0, loading=(0, 0))
    assert "".join(text for text, _ in starting.parts()).endswith("│  loading…")


def test_story_counts_kept_between_refreshes_follow_marks_and_regrouping(tmp_path: Path) -> None:
    state = UserState(tmp_path / "state.db")
    kept = with_stories(Library(Store(ARTICLES), state, lambda: NOW))

    def fresh() -> list:
        library = Library(Store(ARTICLES), state, lambda: NOW)
        library.stories = kept.stories
        return library.sidebar(True)

    try:
        assert kept.sidebar(True) == fresh()
        state.mark_read(["a", "b", "c"])  # the whole first story read
        state.set_starred(["d"])
        assert kept.sidebar(True) == fresh()
        counts = {e.label: (e.unread, e.total) for e in kept.sidebar(True)}
        assert counts["All"] == (1, 2) and counts["Starred"] == (1, 1)
        kept.stories = Stories([StoryGroup([a]) for a in ARTICLES])  # regrouped: alone
        assert kept.sidebar(True) == fresh()
        assert {e.label: e.total for e in kept.sidebar(True)}["All"] == 4
    finally:
        state.close()


def test_story_rows_kept_for_a_whole_list_follow_regrouping_and_filters(library: Library) -> None:
    with_stories(library)
    spec = ViewSpec(ALL, stories=True)
    first = library.articles(spec)
    assert ids(first) == ["d", "c"] and library.articles(spec) is first  # kept
    library.state.mark_read(["d"])
    assert ids(library.articles(ViewSpec(ALL, stories=True, hide_read=True))) == ["c"]
    assert library.articles(spec) is first  # a filtered list is not the whole one
    library.stories = Stories([StoryGroup([a]) for a in ARTICLES])  # regrouped: alone
    assert ids(library.articles(spec)) == ["d", "b", "c", "a"]
    assert ids(library.articles(ViewSpec(ALL, sort="quality", stories=True))) == [
        "c", "a", "d", "b"
    ]  # fmt: skip


def test_stories_warmed_in_their_worker_are_what_the_first_stories_view_takes(
    library: Library, monkeypatch
) -> None:
    stories = Stories([StoryGroup(ARTICLES[:3]), StoryGroup([ARTICLES[3]])])
    library.warm_stories(stories, "date")
    assert library.stories is None  # not adopted yet: the list and counts are of articles
    assert [e.total for e in library.sidebar(True)][:1] == [4]
    library.stories = stories
    made = []
    real = Library._story_sets
    monkeypatch.setattr(Library, "_story_sets", lambda self, *a: made.append(1) or real(self, *a))
    rows = library.articles(ViewSpec(ALL, stories=True))
    assert ids(rows) == ["d", "c"] and library.articles(ViewSpec(ALL, stories=True)) is rows
    assert {e.label: e.total for e in library.sidebar(True)}["All"] == 2
    assert made == []  # both were made in the worker
    library.warm_stories(stories, "date")  # made once more, for this store
    library.store_changed()  # a newer store: what was warmed for the old one is not taken
    assert {e.label: e.total for e in library.sidebar(True)}["All"] == 2 and made == [1, 1]


def test_an_article_newer_than_its_stories_is_a_story_alone_in_rows_counts_and_warming(
    tmp_path: Path,
) -> None:
    state = UserState(tmp_path / "state.db")
    late = make("e", 5, 20, "Space")  # loaded after the stories were grouped
    library = Library(Store([*ARTICLES, late]), state, lambda: NOW)
    grouped = Stories([StoryGroup(ARTICLES[:3]), StoryGroup([ARTICLES[3]])])
    try:
        library.warm_stories(grouped, "date")
        library.stories = grouped
        assert ids(library.story_of(late).articles) == ["e"]
        assert ids(library.articles(ViewSpec(ALL, stories=True))) == ["e", "d", "c"]
        counts = {e.label: (e.unread, e.total) for e in library.sidebar(True)}
        assert counts["All"] == (3, 3) and counts["Space"] == (2, 2)
        library.store_changed()  # counted again, not warmed: the same answer
        assert {e.label: (e.unread, e.total) for e in library.sidebar(True)} == counts
    finally:
        state.close()
