"""Stories: coverage of one event grouped across providers, by links and by titles."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader.cli import main
from reader.ingest import Ingest
from reader.model import Article
from reader.stories import (
    MAX_CANDIDATES,
    Stories,
    group_stories,
    link_key,
    stem,
    title_words,
    titles_match,
)
from reader.text import (
    iter_related_keys,
    link_digest,
    loose_url_key,
    normalize_url,
    related_keys,
)

GRIO = "https://thegrio.com/2020/06/11/amazon-facial-recognition-technology/"
GULF = (
    "https://gulfnews.com/technology/"
    "amazon-stops-police-using-its-face-recognition-technology-1.1591831996029"
)
T0 = datetime(2020, 6, 11, 12, 0, tzinfo=UTC)


def art(
    ident: str,
    title: str,
    published: datetime | None = T0,
    *,
    provider: str = "",
    quality: int | None = None,
    related: tuple[str, ...] = (),
) -> Article:
    """An article whose id is a link under example.com."""
    url = f"https://example.com/{ident}"
    return Article(
        id=url,
        title=title,
        path=f"{ident}.txt",
        url=url,
        provider=provider,
        published=published,
        quality=quality,
        related_keys=related_keys(related),
    )


def together(*articles: Article) -> bool:
    stories = group_stories(articles)
    return len({stories.story_of(a.id).id for a in articles}) == 1


def apart(*articles: Article) -> bool:
    stories = group_stories(articles)
    return len({stories.story_of(a.id).id for a in articles}) == len(articles)


# --------------------------------------------------------------------------- the seeds


@pytest.fixture
def seed_stories(seeds_dir: Path):
    result = Ingest([seeds_dir], workers=1).load_all()
    assert len(result.articles) == 2
    return group_stories(result.articles)


def test_the_two_seeds_are_one_story_with_two_sources(seed_stories) -> None:
    assert len(seed_stories) == 1
    story = seed_stories.stories[0]
    assert story.size == 2
    assert sorted(story.sources) == ["Gulf News", "The Grio"]


def also_covered(stories: Stories, article_id: str, tmp_path: Path) -> tuple[Article, ...]:
    """The detail's "Also covered by" for an article: the other articles of its story."""
    from reader.library import Library
    from reader.state import UserState
    from reader.store import Store

    store = Store(a for story in stories for a in story.articles)
    library = Library(store, UserState(tmp_path / "state.db"), lambda: T0)
    library.stories = stories
    article = store.get(article_id)
    assert article is not None
    return library.also_covered(article)


def test_the_seed_story_is_led_by_the_earlier_article_at_equal_quality(
    seed_stories, tmp_path
) -> None:
    # Both have quality 44; Gulf News was published at 03:28Z, The Grio at 16:14Z.
    story = seed_stories.story_of(GRIO)
    assert story.lead.provider == "Gulf News"
    assert story.id == GULF
    assert [a.id for a in story.articles] == [GULF, GRIO]
    assert story.sources == ("Gulf News", "The Grio")
    assert [a.id for a in also_covered(seed_stories, GRIO, tmp_path)] == [GULF]
    assert [a.id for a in also_covered(seed_stories, GULF, tmp_path)] == [GRIO]


def test_the_seed_titles_have_the_same_words() -> None:
    # "using"/"use" and "face"/"facial" meet under the stemmer; "its"/"of" are stop words.
    grio = title_words("Amazon stops police use of facial recognition technology")
    gulf = title_words("Amazon stops police using its face-recognition technology")
    assert grio == gulf
    assert len(grio) == 7


def test_the_seeds_share_no_link(seeds_dir: Path) -> None:
    # So the title rule, not a related link, is what groups them.
    articles = Ingest([seeds_dir], workers=1).load_all().articles
    ids = {link_digest(a.id) for a in articles}
    assert all(rid not in ids for a in articles for rid, _key in iter_related_keys(a.related_keys))


# --------------------------------------------------------------------------- the title rule


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("stops", "stop"),
        ("stopped", "stop"),
        ("stopping", "stop"),
        ("using", "us"),
        ("use", "us"),
        ("used", "us"),
        ("facial", "fac"),
        ("face", "fac"),
        ("companies", "compani"),
        ("company", "compani"),
        ("financial", "financ"),
        ("finance", "financ"),
        ("national", "nation"),
        ("appeal", "appeal"),  # -al after a vowel is part of the word
        ("bring", "bring"),  # no vowel left before -ing: not a suffix
        ("analysis", "analysis"),
        ("14", "14"),
    ],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (
            "Amazon stops police use of facial recognition technology",
            "Amazon stops police using its face-recognition technology",
            True,
        ),
        (
            "Amazon stops police use of facial recognition technology",
            "Amazon finally stops police use of facial recognition technology",
            True,
        ),
        (
            "Amazon stops police use of facial recognition technology",
            "Microsoft stops police use of facial recognition technology",
            False,
        ),
        ("Apple releases iOS 14 today", "Apple releases iOS 15 today", False),
        ("Apple releases iOS beta today", "Apple releases iOS beta 2 today", False),
        ("Weekly roundup", "Weekly roundup", False),
        ("Facial recognition ban", "Boston council votes facial recognition ban for police", False),
        # 5 of 7 words: just above the threshold; 5 of 8: below.
        ("Court hears Amazon police case", "Court hears Amazon police case on appeal today", True),
        (
            "Court hears Amazon police case",
            "Court hears Amazon police case on appeal today again",
            False,
        ),
    ],
)
def test_titles_match(first: str, second: str, expected: bool) -> None:
    a, b = title_words(first), title_words(second)
    assert titles_match(a, b) is expected
    assert titles_match(b, a) is expected


def test_near_identical_titles_merge_within_the_window() -> None:
    a = art("a", "Police stop using Amazon facial recognition")
    b = art("b", "Amazon facial recognition: police stopped using it", T0 + timedelta(days=2))
    assert together(a, b)


def test_one_added_word_merges() -> None:
    a = art("a", "Amazon stops police use of facial recognition technology")
    b = art("b", "Amazon finally stops police use of facial recognition technology")
    assert together(a, b)


def test_a_different_company_keeps_stories_apart() -> None:
    # One word replaced by another is a substitution, not a rewording.
    a = art("a", "Amazon stops police use of facial recognition technology")
    b = art("b", "Microsoft stops police use of facial recognition technology")
    assert apart(a, b)


def test_different_numbers_keep_stories_apart() -> None:
    assert apart(art("a", "Apple releases iOS 14 today"), art("b", "Apple releases iOS 15 today"))
    assert apart(
        art("a", "Apple releases new iOS beta to developers"),
        art("b", "Apple releases new iOS beta 2 to developers"),
    )


def test_the_same_title_a_month_apart_is_two_stories() -> None:
    title = "This week in machine learning research papers"
    first = art("a", title)
    assert apart(first, art("b", title, T0 + timedelta(days=30)))
    assert together(first, art("c", title, T0 + timedelta(days=2, hours=23)))
    assert apart(first, art("d", title, T0 + timedelta(days=3, hours=1)))


def test_the_window_is_a_parameter() -> None:
    title = "This week in machine learning research papers"
    a, b = art("a", title), art("b", title, T0 + timedelta(days=7))
    assert len(group_stories([a, b])) == 2
    assert len(group_stories([a, b], window_days=8)) == 1


def test_short_generic_titles_never_merge_by_title() -> None:
    assert apart(art("a", "Weekly roundup"), art("b", "Weekly roundup"))
    assert apart(art("a", "The AI news"), art("b", "The AI news"))


def test_a_short_title_inside_a_long_one_is_not_enough() -> None:
    # 3 of 8 words: below the 0.7 threshold.
    short = art("a", "Facial recognition ban")
    long = art("b", "Boston city council votes facial recognition ban for police")
    assert apart(short, long)


def test_a_provider_suffix_on_the_title_is_ignored() -> None:
    title = "Amazon stops police use of facial recognition technology"
    a = art("a", f"{title} | The Grio", provider="The Grio")
    b = art("b", f"{title} - Gulf News", provider="Gulf News")
    assert together(a, b)
    assert title_words(f"{title} - gulfnews.com", "", "gulfnews.com") == title_words(title)
    # A suffix naming someone else is a real part of the title.
    assert title_words("Stocks fall - Wall Street Journal", "Reuters") > title_words("Stocks fall")


@pytest.mark.parametrize(
    "title",
    [
        "Amazon's Face-Recognition ban: police (finally) stop_using it!",
        "IBM will no longer offer, develop or research it",
        "Apple releases iOS 14 & watchOS 7 [WIP] \\x #AI @home 100%",
        "UPPER lower MiXeD 2020s A.I.",
    ],
)
def test_the_fast_path_for_plain_titles_gives_the_same_words(title: str) -> None:
    # A trailing comma sends a title down the general (regex) path; it adds no word.
    assert title_words(title) == title_words(title + ",")
    assert title_words(title + " - Mint", "Mint") == title_words(title)


def test_accents_and_case_do_not_matter() -> None:
    assert titles_match(
        title_words("Café owners protest new São Paulo rules"),
        title_words("CAFE OWNERS PROTEST SAO PAULO RULES"),
    )


# --------------------------------------------------------------------------- links


def test_a_chain_of_related_links_is_one_story() -> None:
    a = art("a", "Court hears the case", related=("https://example.com/b",))
    b = art("b", "Lawyers argue over damages", related=("https://example.com/c",))
    c = art("c", "Jury reaches a verdict")
    other = art("d", "Something else happened entirely")
    stories = group_stories([a, b, c, other])
    assert stories.story_of(a.id) is stories.story_of(c.id)
    assert stories.story_of(a.id).size == 3
    assert stories.story_of(other.id).size == 1


def test_a_related_link_matches_loosely() -> None:
    a = art("a", "Court hears the case", related=("http://www.example.com/b/amp",))
    b = art("b", "Lawyers argue over damages")
    assert together(a, b)


def test_the_same_page_under_two_links_is_one_story() -> None:
    a = Article(id="https://example.com/x", title="One", path="a", url="https://example.com/x")
    b = Article(
        id="http://www.example.com/x/", title="Two", path="b", url="http://www.example.com/x/"
    )
    assert together(a, b)


def test_a_link_to_a_page_outside_the_collection_merges_nothing() -> None:
    a = art("a", "Court hears the case", related=("https://elsewhere.example/x",))
    b = art("b", "Lawyers argue over damages", related=("https://elsewhere.example/x",))
    assert apart(a, b)


def test_dateless_articles_merge_by_links_only() -> None:
    title = "Amazon stops police use of facial recognition technology"
    assert apart(art("a", title, None), art("b", title, None))
    assert apart(art("a", title, None), art("b", title))
    linked = art("c", "Something else", None, related=("https://example.com/a",))
    assert together(art("a", title, None), linked)


@pytest.mark.parametrize(
    "url",
    [
        "https://Example.com/a/b/",
        "http://www.example.com/a/amp",
        "https://example.com",
        "https://example.com:8443/x",
        "https://example.com/x?amp",
        "https://example.com/x?id=3&amp;y=2",
        "https://user@example.com/x#part",
        "https://www.example.com/amp/",
        "https://127.0.0.1/x",
        "https://example.com/A%20B/",
        "untitled-link:0123abcd",
    ],
)
def test_link_key_is_loose_url_key(url: str) -> None:
    normalized = normalize_url(url)
    assert link_key(normalized) == loose_url_key(normalized)


# --------------------------------------------------------------------------- the API


def test_every_article_is_in_exactly_one_story(tmp_path) -> None:
    articles = [
        art("a", "Amazon stops police use of facial recognition technology"),
        art("b", "Amazon stops police using its face recognition technology"),
        art("c", "Weekly roundup"),
        art("d", "Jury reaches a verdict", None),
    ]
    stories = group_stories(articles)
    assert sorted(a.id for s in stories for a in s.articles) == sorted(a.id for a in articles)
    assert [s.size for s in stories] == [2, 1, 1]
    assert also_covered(stories, articles[2].id, tmp_path) == ()
    with pytest.raises(KeyError):
        stories.story_of("https://example.com/nope")


def test_the_lead_is_highest_quality_then_earliest_then_id() -> None:
    title = "Amazon stops police use of facial recognition technology"
    low_early = art("a", title, T0, quality=10)
    high_late = art("b", title, T0 + timedelta(hours=5), quality=90)
    high_early = art("c", title, T0 + timedelta(hours=1), quality=90)
    unknown = art("d", title, T0 - timedelta(hours=1))
    story = group_stories([low_early, high_late, high_early, unknown]).stories[0]
    assert story.lead is high_early
    assert story.id == high_early.id
    assert story.articles == (high_early, high_late, low_early, unknown)
    tie = art("0", title, T0 + timedelta(hours=1), quality=90)
    assert group_stories([high_early, tie]).stories[0].lead is tie


def test_sources_are_distinct_provider_names_best_first() -> None:
    title = "Amazon stops police use of facial recognition technology"
    story = group_stories(
        [
            art("a", title, provider="Mint", quality=5),
            art("b", title, provider="Wired", quality=50),
            art("c", title, provider="Mint", quality=20),
            art("d", title, provider="", quality=1),
        ]
    ).stories[0]
    assert story.sources == ("Wired", "Mint")
    assert story.size == 4


def test_also_covered_is_newest_first(tmp_path) -> None:
    title = "Amazon stops police use of facial recognition technology"
    a = art("a", title, T0)
    b = art("b", title, T0 + timedelta(hours=2))
    c = art("c", title, T0 + timedelta(hours=1))
    d = art("d", "Jury reaches a verdict", None, related=(a.id,))
    stories = group_stories([a, b, c, d])
    assert also_covered(stories, a.id, tmp_path) == (b, c, d)


def test_stories_are_ordered_by_lead_newest_first() -> None:
    articles = [
        art("old", "Jury reaches a verdict in the case", T0 - timedelta(days=9)),
        art("new", "Court hears the case on appeal today", T0),
        art("none", "Lawyers argue over the damages owed", None),
    ]
    stories = group_stories(articles)
    assert [s.id.rsplit("/", 1)[1] for s in stories] == ["new", "old", "none"]


def test_grouping_does_not_depend_on_input_order() -> None:
    rng = random.Random(3)
    words = "amazon police facial recognition ban court city council vote data privacy".split()
    articles = []
    for n in range(300):
        title = " ".join(rng.sample(words, rng.randint(3, 6)))
        when = T0 + timedelta(hours=rng.randrange(24 * 20))
        related = (f"https://example.com/{rng.randrange(300)}",) if n % 7 == 0 else ()
        articles.append(art(str(n), title, when, quality=rng.randrange(5), related=related))

    def shape(stories):
        return [(s.id, [a.id for a in s.articles]) for s in stories]

    first = shape(group_stories(articles))
    assert any(len(ids) > 1 for _, ids in first)
    rng.shuffle(articles)
    assert shape(group_stories(articles)) == first


def test_the_index_finds_every_pair_that_all_pairs_would() -> None:
    # The blocking (rarest word, date window) must miss no match: compare with
    # a brute-force union over all pairs on a small, match-rich collection.
    rng = random.Random(11)
    words = "amazon police facial recognition ban court city vote data privacy 5 2".split()
    articles = []
    for n in range(400):
        title = " ".join(rng.sample(words, rng.randint(2, 7)))
        when = None if n % 25 == 0 else T0 + timedelta(hours=rng.randrange(24 * 30))
        articles.append(art(str(n), title, when))
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    sets = [title_words(a.title) for a in articles]
    for i, a in enumerate(articles):
        for j in range(i + 1, len(articles)):
            b = articles[j]
            if a.published is None or b.published is None:
                continue
            close = abs(a.published - b.published) <= timedelta(days=3)
            if close and titles_match(sets[i], sets[j]):
                parent[find(i)] = find(j)
    expected = {
        frozenset(a.id for k, a in enumerate(articles) if find(k) == r)
        for r in {find(k) for k in range(len(articles))}
    }
    stories = group_stories(articles)
    assert {frozenset(a.id for a in s.articles) for s in stories} == expected
    assert sum(1 for group in expected if len(group) > 1) > 20


def test_many_identical_titles_on_one_day_stay_one_story() -> None:
    # Past MAX_CANDIDATES each article checks only its nearest neighbours in
    # time; the chain of matches still joins them all.
    title = "Amazon stops police use of facial recognition technology"
    count = MAX_CANDIDATES * 3
    articles = [art(str(n), title, T0 + timedelta(seconds=n)) for n in range(count)]
    stories = group_stories(articles)
    assert len(stories) == 1
    assert stories.stories[0].size == count


# --------------------------------------------------------------------------- CLI and hygiene


def test_cli_lists_the_seeds_as_one_story(capsys, seeds_dir: Path) -> None:
    assert main(["list", "--stories", "--json", str(seeds_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    story = json.loads(lines[0])
    assert story == {
        "id": GULF,
        "title": "Amazon stops police using its face-recognition technology",
        "sources": ["Gulf News", "The Grio"],
        "size": 2,
        "articles": [GULF, GRIO],
        "published": "2020-06-11T03:28:00Z",
    }


def test_cli_story_lines_say_how_many_other_sources(capsys, seeds_dir) -> None:
    assert main(["list", "--stories", str(seeds_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert "Gulf News" in lines[0]
    assert lines[0].endswith("face-recognition technology  +1 source")


def test_cli_story_lines_count_the_other_articles_of_one_provider(
    capsys, write_seed, tmp_path
) -> None:
    title = "Court hears the case on appeal today"
    for name, provider, hour in [
        ("a.txt", "Alpha", 1),
        ("b.txt", "Alpha", 2),
        ("c.txt", "Beta", 3),
        ("d.txt", "Gamma", 4),
        ("e.txt", "Gamma", 5),
    ]:
        folder = "one" if name < "c" else "two"
        write_seed(
            f"title: {title}\npublishedDateTime: 2020-01-02T0{hour}:00:00Z\n"
            f"webUrl: https://example.com/{name}\nprovider: {{name: {provider}}}\n",
            name=f"{folder}/{name}",
        )

    def line(folder: str) -> str:
        assert main(["list", "--stories", str(tmp_path / folder)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == 1
        return lines[0]

    assert line("one").endswith(f"{title}  +1 article")  # two articles, one provider
    assert line("two").endswith(f"{title}  +2 articles, 1 other source")


def test_cli_stories_follow_sort_and_limit(capsys, write_seed, tmp_path) -> None:
    for name, title, when, quality in [
        ("a.txt", "Jury reaches a verdict in the case", "2020-01-03T00:00:00Z", 5),
        ("b.txt", "Court hears the case on appeal today", "2020-01-02T00:00:00Z", 50),
        ("c.txt", "Court hears the case on appeal today", "2020-01-02T05:00:00Z", 1),
    ]:
        write_seed(
            f"title: {title}\npublishedDateTime: {when}\nquality: {quality}\n"
            f"webUrl: https://example.com/{name}\n",
            name=name,
        )

    def titles(*flags: str) -> list[str]:
        assert main(["list", "--stories", "--json", *flags, str(tmp_path)]) == 0
        return [json.loads(line)["title"] for line in capsys.readouterr().out.splitlines()]

    court, jury = "Court hears the case on appeal today", "Jury reaches a verdict in the case"
    assert titles() == [jury, court]  # by the lead's date: b (Jan 2) leads its story
    assert titles("--sort", "quality") == [court, jury]
    assert titles("--limit", "1") == [jury]


def test_related_links_do_not_join_a_whole_collection() -> None:
    # Every article links the next: followed without a bound, one story of 300.
    articles = [
        art(
            str(n),
            f"Distinct headline number {n} about topic {n}",
            related=(f"https://example.com/{n + 1}",),
        )
        for n in range(300)
    ]
    stories = group_stories(articles)
    assert max(story.size for story in stories) <= 50
    assert stories.story_of(articles[0].id) is stories.story_of(articles[1].id)


def test_a_recurring_title_does_not_chain_for_weeks() -> None:
    title = "Amazon stops police use of facial recognition technology"
    articles = [art(str(n), title, T0 + timedelta(days=2 * n)) for n in range(30)]
    stories = group_stories(articles)
    assert max(story.size for story in stories) <= 4  # at most 7 days of a 2-day rhythm
    assert stories.story_of(articles[0].id) is stories.story_of(articles[1].id)


def test_a_link_between_articles_months_apart_joins_nothing() -> None:
    a = art("a", "Court hears the case", related=("https://example.com/b",))
    later = art("b", "Lawyers argue over damages", T0 + timedelta(days=60))
    assert apart(a, later)
    assert together(a, art("b", "Lawyers argue over damages", T0 + timedelta(days=6)))
    assert together(a, art("b", "Lawyers argue over damages", T0 - timedelta(days=6)))


def test_a_chain_of_links_stops_where_the_story_would_span_over_a_week() -> None:
    # a -> b -> c -> d, four days apart each: a and b (4 days) are one story; c
    # would stretch it to 8 days, so it joins d (4 days) as the next one.
    days = [0, 4, 8, 12]
    articles = [
        art(
            str(n),
            f"Distinct headline number {n} about topic {n}",
            T0 + timedelta(days=day),
            related=(f"https://example.com/{n + 1}",),
        )
        for n, day in enumerate(days)
    ]
    stories = group_stories(articles)
    assert [sorted(a.id[-1] for a in story.articles) for story in stories] == [
        ["2", "3"],
        ["0", "1"],
    ]


def test_links_into_an_undated_article_still_join() -> None:
    a = art("a", "Court hears the case", related=("https://example.com/b",))
    undated = art("b", "Lawyers argue over damages", None, related=("https://example.com/c",))
    c = art("c", "Jury reaches a verdict", T0 + timedelta(days=2))
    assert together(a, undated, c)


def test_a_generated_collection_keeps_each_story_whole_and_apart_from_random_links(
    tmp_path: Path,
) -> None:
    # A generated folder: 1,000 articles over three years, about one story in eight
    # covered by 2-5 providers within a day (linking each other), and every article
    # linking 0-10 pages of which two in five are random articles of the collection.
    # Those random links chained stories of 50 across three years, and the cap
    # then split real stories apart.
    import sys

    benchmarks = Path(__file__).resolve().parents[2] / "benchmarks"
    sys.path.insert(0, str(benchmarks))
    try:
        from generate import generate, plan
    finally:
        sys.path.remove(str(benchmarks))
    generate(tmp_path, 1000, seed=1)
    story_by_url = {entry.url: entry.story for entry in plan(1000, seed=1)[0]}
    stories = group_stories(Ingest([tmp_path], workers=1).load_all().articles)
    found: dict[int, set[str]] = {}
    for story in stories:
        dates = [a.published for a in story.articles if a.published is not None]
        assert max(dates) - min(dates) <= timedelta(days=7), story
        for article in story.articles:
            found.setdefault(story_by_url[article.url], set()).add(story.id)
    assert all(len(ids) == 1 for ids in found.values())  # no generated story split
    assert max(story.size for story in stories) <= 10  # its stories hold at most 5
