"""The query language: parser, evaluation, highlighting, SearchIndex and `list --query`."""

from __future__ import annotations

import itertools
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader import cli
from reader.model import Article
from reader.query import MatchContext, QueryError, SearchIndex, highlight_spans, parse
from reader.query.tree import And, Date, Is, MatchAll, Not, Or, Provider, Quality, Text, Topic, Type
from reader.text import fold, search_text

NOW = datetime(2022, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def art(ident: str = "a", **fields: object) -> Article:
    fields.setdefault("title", f"title {ident}")
    fields.setdefault("path", f"/news/{ident}.txt")
    # What a seed file's excerpt becomes in memory: the folded text search compares.
    fields["search_text"] = search_text(str(fields["title"]), str(fields.pop("excerpt", "")))
    return Article(id=ident, **fields)  # type: ignore[arg-type]


def ctx(read: set[str] = frozenset(), starred: set[str] = frozenset()) -> MatchContext:  # type: ignore[assignment]
    return MatchContext(is_read=read.__contains__, is_starred=starred.__contains__, now=NOW)


def matching(query: str, articles: list[Article], context: MatchContext | None = None) -> list[str]:
    parsed = parse(query)
    context = context or ctx()
    return [a.id for a in articles if parsed.matches(a, context)]


def words(*values: str) -> list[Text]:
    return [Text(v) for v in values]


# ------------------------------------------------------------------ parser


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_query_matches_everything(text: str) -> None:
    query = parse(text)
    assert query.is_empty
    assert query.root == MatchAll()
    assert query.matches(art(title="anything"), ctx())
    assert query.highlight_terms == ()


def test_words_side_by_side_are_all_required() -> None:
    assert parse("amazon police").root == And(tuple(words("amazon", "police")))


def test_or_binds_looser_than_the_implicit_and() -> None:
    assert parse("a b OR c").root == Or((And(tuple(words("a", "b"))), Text("c")))
    assert parse("a OR b c").root == Or((Text("a"), And(tuple(words("b", "c")))))
    assert parse("a OR b OR c").root == Or(tuple(words("a", "b", "c")))


def test_parentheses_group() -> None:
    root = parse("(a OR b) c").root
    assert isinstance(root, And)
    assert set(root.children) == {Or(tuple(words("a", "b"))), Text("c")}
    assert parse("((a))").root == Text("a")


def test_lower_case_or_is_a_word() -> None:
    root = parse("a or b").root
    assert isinstance(root, And)
    assert set(root.children) == set(words("a", "or", "b"))
    assert parse('"OR"').root == Text("or")


def test_negation_of_words_phrases_fields_and_groups() -> None:
    assert parse("-police").root == Not(Text("police"))
    assert parse('-"police use"').root == Not(Text("police use"))
    assert parse("-topic:ai").root == Not(Topic("ai"))
    assert parse("-(a OR b)").root == Not(Or(tuple(words("a", "b"))))
    assert parse("--a").root == Text("a")


def test_hyphens_and_apostrophes_inside_words_are_text() -> None:
    assert parse("face-recognition don't").root == And(tuple(words("face-recognition", "don't")))


def test_quoted_phrases_keep_their_spaces_folded() -> None:
    query = parse('"Facial   Recognition"')
    assert query.root == Text("facial recognition")
    assert query.root.quoted
    assert parse('a"b c"').root == And((Text("b c"), Text("a")))


def test_field_terms() -> None:
    assert parse('topic:"AWS AI"').root == Topic("aws ai")
    assert parse("Topic:AI").root == Topic("ai")
    assert parse("provider:Gulf").root == Provider("gulf")
    assert parse("type:VIDEO").root == Type("video")
    assert parse('provider:"Gulf News"').root == Provider("gulf news")
    for state in ("read", "unread", "starred", "unstarred"):
        assert parse(f"is:{state}").root == Is(state)
    assert parse("is:UNREAD").root == Is("unread")


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        (">50", 51, float("inf")),
        (">=50", 50, float("inf")),
        ("<10", float("-inf"), 9),
        ("<=10", float("-inf"), 10),
        ("44", 44, 44),
        ("=44", 44, 44),
        ("40..60", 40, 60),
        ("40..", 40, float("inf")),
        ("..60", float("-inf"), 60),
    ],
)
def test_quality_forms(value: str, low: float, high: float) -> None:
    assert parse(f"quality:{value}").root == Quality(low, high)


def test_absolute_dates_are_utc_instants() -> None:
    day = datetime(2020, 6, 1, tzinfo=UTC).timestamp()
    assert parse("after:2020-06-01").root == Date(True, at=day)
    assert parse("before:2020-06-01").root == Date(False, at=day)
    assert parse("after:2020-06-01T12:30:00Z").root == Date(True, at=day + 45_000)
    assert parse("after:2020-06-01T14:30:00+02:00").root == Date(True, at=day + 45_000)
    assert parse('before:"2020-06-01 12:30"').root == Date(False, at=day + 45_000)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("12h", 12 * 3600), ("7d", 7 * 86400), ("2w", 14 * 86400), ("1m", 30 * 86400)]
    + [("1y", 365 * 86400), ("3D", 3 * 86400)],
)
def test_relative_dates(value: str, seconds: int) -> None:
    assert parse(f"after:{value}").root == Date(True, span=float(seconds))
    assert parse(f"before:{value}").root == Date(False, span=float(seconds))


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ('facial "recognition', "unclosed quote", 7),
        ('topic:"AWS AI', "unclosed quote", 6),
        ('""', "empty quotes", 0),
        ("(a OR b", 'unbalanced parenthesis: this "(" is never closed', 0),
        ("(", 'unbalanced parenthesis: this "(" is never closed', 0),
        ("a) b", 'unbalanced parenthesis: this ")" has no matching "("', 1),
        (")", 'unbalanced parenthesis: this ")" has no matching "("', 0),
        ("a ()", "empty parentheses", 2),
        ("OR a", "OR needs a term on both sides", 0),
        ("a OR", "OR needs a term on both sides", 2),
        ("a OR OR b", "OR needs a term on both sides", 2),
        ("(OR a)", "OR needs a term on both sides", 1),
        ("(a OR)", "OR needs a term on both sides", 3),
        ("a -", '"-" needs something to exclude', 2),
        ("a - b", '"-" needs something to exclude', 2),
        ("(a -)", '"-" needs something to exclude', 3),
        ("-OR a", '"-" needs something to exclude', 0),
        ("x foo:bar", 'unknown field "foo:" (try topic:, provider:, type:, is:, quality:', 2),
        ("topic:", "topic needs a topic name, like topic:ai", 0),
        ('topic:"  "', "empty quotes", 6),
        ("provider:", "provider needs part of a name or domain", 0),
        ("type:", "type needs an article type", 0),
        ("is:new", "is: takes read, unread, starred or unstarred", 0),
        ("quality:", "quality needs a number or a range, like quality:>50 or quality:40..60", 0),
        ("quality:high", "quality needs a number or a range", 0),
        ("quality:>", "quality needs a number or a range", 0),
        ("quality:..", "quality needs a number or a range", 0),
        ("quality:4.5", "quality needs a number or a range", 0),
        ("quality:60..40", "quality range is backwards", 0),
        ("after:yesterday", "after needs a date or a time span, like after:2020-06-01", 0),
        ("after:2020-13-01", "after needs a date or a time span", 0),
        ("before:7x", "before needs a date or a time span", 0),
        ("a before:", "before needs a date or a time span", 2),
    ],
)
def test_errors_say_what_is_wrong_and_where(text: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert caught.value.message.startswith(message)
    assert str(caught.value) == caught.value.message
    assert "\n" not in caught.value.message
    assert caught.value.position == position


def test_unknown_field_names_the_field_and_the_way_out() -> None:
    with pytest.raises(QueryError) as caught:
        parse("https://gulfnews.com")
    assert caught.value.message.startswith('unknown field "https:"')
    assert "quotes" in caught.value.message
    assert parse('"https://gulfnews.com"').root == Text("https://gulfnews.com")
    assert parse("10:30").root == Text("10:30")  # not a field name: plain text


# ------------------------------------------------------------------ evaluation

GRIO = art(
    "grio",
    title="Amazon stops police use of facial recognition technology",
    excerpt="Amid nationwide protests against police brutality, Amazon has announced a moratorium.",
    provider="The Grio",
    domain="thegrio.com",
    topics=("AWS AI", "AI"),
    quality=44,
    published=datetime(2020, 6, 11, 16, 14, tzinfo=UTC),
)
GULF = art(
    "gulf",
    title="Amazon stops police using its face-recognition technology",
    excerpt="The Washington County Sheriff's Office was the first to use Rekognition.",
    provider="Gulf News",
    domain="gulfnews.com",
    topics=("AWS AI", "AI"),
    quality=44,
    published=datetime(2020, 6, 11, 3, 28, tzinfo=UTC),
)
CAFE = art(
    "cafe",
    title="Un CAFÉ à Zürich",
    excerpt="Die Straße ist naïve; we don’t know.",
    provider="Médias Réunis",
    domain="medias.example",
    topics=("Computer Vision",),
    type="video",
    quality=120,
    published=NOW - 3 * DAY,
)
BARE = art("bare", title="No date, no quality")
ALL = [GRIO, GULF, CAFE, BARE]


def test_words_match_title_excerpt_and_provider_but_not_domain_or_topics() -> None:
    assert matching("facial", ALL) == ["grio"]
    assert matching("brutality", ALL) == ["grio"]
    assert matching("grio", ALL) == ["grio"]  # provider name
    assert matching("thegrio.com", ALL) == []
    assert matching("vision", ALL) == []


def test_words_are_substrings_and_all_required() -> None:
    assert matching("recogn", ALL) == ["grio", "gulf"]
    assert matching("amazon rekognition", ALL) == ["gulf"]
    assert matching("amazon rekognition brutality", ALL) == []


def test_case_and_accents_are_ignored_both_ways() -> None:
    assert matching("cafe", ALL) == ["cafe"]
    assert matching("CAFÉ", ALL) == ["cafe"]
    assert matching("zurich", ALL) == ["cafe"]
    assert matching("strasse", ALL) == ["cafe"]
    assert matching("STRAẞE", ALL) == ["cafe"]
    assert matching("naive", ALL) == ["cafe"]
    assert matching("medias", ALL) == ["cafe"]
    assert matching("don't", ALL) == ["cafe"]  # typographic apostrophe in the text
    decomposed = art("d", title="cafe\u0301 noir")
    assert matching("café", [decomposed]) == ["d"]
    assert matching("CAFE", [decomposed]) == ["d"]


def test_phrases_need_the_words_together_and_in_order() -> None:
    assert matching('"facial recognition"', ALL) == ["grio"]
    assert matching('"recognition facial"', ALL) == []
    assert matching('"police use"', ALL) == ["grio"]
    spaced = art("s", title="facial\n  recognition")
    assert matching('"facial recognition"', [spaced]) == ["s"]


def test_exclusions() -> None:
    assert matching("amazon -brutality", ALL) == ["gulf"]
    assert matching('amazon -"police use"', ALL) == ["gulf"]
    assert matching("-topic:ai", ALL) == ["cafe", "bare"]
    assert matching("-(facial OR rekognition)", ALL) == ["cafe", "bare"]


def test_or_and_its_precedence() -> None:
    assert matching("facial OR rekognition", ALL) == ["grio", "gulf"]
    # (cafe AND facial) OR rekognition
    assert matching("cafe facial OR rekognition", ALL) == ["gulf"]
    # cafe AND (facial OR rekognition)
    assert matching("cafe (facial OR rekognition)", ALL) == []
    assert matching("(cafe OR facial) (zurich OR brutality)", ALL) == ["grio", "cafe"]


def test_topic_is_an_exact_name() -> None:
    assert matching("topic:ai", ALL) == ["grio", "gulf"]
    ai_only = art("x", topics=("AWS AI",))
    assert matching("topic:ai", [ai_only]) == []
    assert matching('topic:"aws ai"', [ai_only]) == ["x"]
    assert matching("topic:aws", [ai_only]) == []
    assert matching('topic:"computer vision"', ALL) == ["cafe"]


def test_provider_matches_part_of_name_or_domain() -> None:
    assert matching("provider:gulf", ALL) == ["gulf"]
    assert matching("provider:GRIO.COM", ALL) == ["grio"]
    assert matching("provider:reunis", ALL) == ["cafe"]
    assert matching("provider:news", ALL) == ["gulf"]
    assert matching("provider:amazon", ALL) == []


def test_type() -> None:
    assert matching("type:video", ALL) == ["cafe"]
    assert matching("type:article", ALL) == ["grio", "gulf", "bare"]
    assert matching("type:vid", ALL) == []


def test_read_and_starred_marks() -> None:
    context = ctx(read={"grio", "cafe"}, starred={"gulf"})
    assert matching("is:read", ALL, context) == ["grio", "cafe"]
    assert matching("is:unread", ALL, context) == ["gulf", "bare"]
    assert matching("is:starred", ALL, context) == ["gulf"]
    assert matching("is:unstarred", ALL, context) == ["grio", "cafe", "bare"]
    assert matching("is:unread amazon", ALL, context) == ["gulf"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (">50", ["cafe"]),
        (">=44", ["grio", "gulf", "cafe"]),
        (">44", ["cafe"]),
        ("<44", []),
        ("<=44", ["grio", "gulf"]),
        ("44", ["grio", "gulf"]),
        ("40..60", ["grio", "gulf"]),
        ("44..120", ["grio", "gulf", "cafe"]),
        ("45..119", []),
        ("..50", ["grio", "gulf"]),
        ("0..", ["grio", "gulf", "cafe"]),
    ],
)
def test_quality_never_matches_articles_without_quality(value: str, expected: list[str]) -> None:
    assert matching(f"quality:{value}", ALL) == expected


def test_absolute_dates() -> None:
    assert matching("after:2020-06-11", ALL) == ["grio", "gulf", "cafe"]
    assert matching("after:2020-06-12", ALL) == ["cafe"]
    assert matching("before:2020-06-11", ALL) == []
    assert matching("before:2020-06-12", ALL) == ["grio", "gulf"]
    assert matching("after:2020-06-11T03:28:00Z", ALL) == ["grio", "gulf", "cafe"]  # inclusive
    assert matching("before:2020-06-11T03:28:00Z", ALL) == []  # exclusive
    assert matching("after:2020-06-11T10:00", ALL) == ["grio", "cafe"]  # naive means UTC
    assert matching("after:2020-06-11 before:2020-06-11T12:00Z", ALL) == ["gulf"]


def test_relative_dates_count_back_from_now() -> None:
    times = {"hour": 1 / 24, "day6": 6, "day8": 8, "day13": 13, "day29": 29, "day31": 31}
    times |= {"day364": 364, "day366": 366}
    arts = [art(name, published=NOW - days * DAY) for name, days in times.items()]
    assert matching("after:12h", arts) == ["hour"]
    assert matching("after:7d", arts) == ["hour", "day6"]
    assert matching("after:2w", arts) == ["hour", "day6", "day8", "day13"]
    assert matching("before:1m", arts) == ["day31", "day364", "day366"]
    assert matching("after:1y", arts) == ["hour", "day6", "day8", "day13", "day29", "day31"] + [
        "day364"
    ]
    assert matching("before:1y", arts) == ["day366"]
    later = MatchContext(now=NOW + 10 * DAY)
    assert matching("after:7d", arts, later) == []


def test_articles_without_a_date_never_match_dates() -> None:
    assert "bare" not in matching("after:1970-01-01", ALL)
    assert "bare" not in matching("before:2100-01-01", ALL)
    assert "bare" not in matching("before:1d", ALL)


def test_naive_article_dates_count_as_utc() -> None:
    naive = art("n", published=datetime(2020, 6, 1, 0, 30))
    assert matching("after:2020-06-01", [naive]) == ["n"]
    assert matching("before:2020-06-01T00:31Z", [naive]) == ["n"]
    assert matching("before:2020-06-01T00:30Z", [naive]) == []


def test_the_issue_examples_on_seed_like_articles() -> None:
    assert matching('topic:"AWS AI" provider:gulf', ALL) == ["gulf"]
    assert matching("rekognition -washington", ALL) == []
    assert matching("rekognition", ALL) == ["gulf"]


# ------------------------------------------------------------------ highlighting


def test_highlight_terms_are_the_positive_words_in_typed_order() -> None:
    query = parse('face "Facial Rec" -police topic:ai (OR_x OR Café) -(gone OR away) face')
    assert query.highlight_terms == ("face", "Facial Rec", "OR_x", "Café")


@pytest.mark.parametrize(
    ("text", "terms", "spans"),
    [
        ("Un café noir", ["cafe"], [(3, 7)]),
        ("Un CAFÉ noir", ["café"], [(3, 7)]),
        ("cafe\u0301 au lait", ["CAFE"], [(0, 5)]),  # the combining accent is included
        ("Die Straße", ["strasse"], [(4, 10)]),
        ("Die Straße", ["ss"], [(8, 9)]),  # inside the ß: the whole ß
        ("Die Straße, STRASSE", ["straße"], [(4, 10), (12, 19)]),
        ("ﬁne ﬁsh", ["fi"], [(0, 1), (4, 5)]),
        ("Don’t stop", ["don't"], [(0, 5)]),
        ("facial recognition", ["facial", "cial rec"], [(0, 10)]),  # overlaps merge
        ("aaaa", ["aa"], [(0, 4)]),
        ("face  recognition", ["face recognition"], [(0, 17)]),
        ("no match here", ["zzz"], []),
        ("anything", [], []),
        ("anything", ["", "  "], []),
        ("", ["x"], []),
    ],
)
def test_highlight_spans_index_the_original_text(
    text: str, terms: list[str], spans: list[tuple[int, int]]
) -> None:
    assert highlight_spans(text, terms) == spans


def test_highlight_spans_agree_with_matching() -> None:
    rng = random.Random(7)
    alphabet = ["a", "é", "E", "ß", "s", "S", " ", "\u0301", "ﬁ", "’", "-", "x"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        term = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
        spans = highlight_spans(text, [term])
        found = bool(fold(term)) and fold(term) in fold(text)
        assert bool(spans) == found, (text, term)
        for start, end in spans:
            assert fold(term) in fold(text[start:end]), (text, term, spans)


# ------------------------------------------------------------------ SearchIndex

VOCAB = ["amazon", "police", "facial", "face", "recognition", "café", "CAFE", "Straße"]
VOCAB += ["strasse", "zürich", "news", "don’t", "AI", "video", "ﬁne"]
TOPICS = ["AI", "AWS AI", "Computer Vision", "Café Culture"]
PROVIDERS = [("Gulf News", "gulfnews.com"), ("The Grio", "thegrio.com"), ("Médias", "m.example")]


def random_articles(rng: random.Random, count: int) -> list[Article]:
    articles = []
    for n in range(count):
        name, domain = rng.choice(PROVIDERS)
        articles.append(
            art(
                f"id{n}",
                title=" ".join(rng.choices(VOCAB, k=rng.randint(1, 5))),
                excerpt=" ".join(rng.choices(VOCAB, k=rng.randint(0, 8))),
                provider=name,
                domain=domain,
                topics=tuple(rng.sample(TOPICS, rng.randint(0, 2))),
                type=rng.choice(["article", "video"]),
                quality=rng.choice([None, 0, 10, 44, 50, 51, 120]),
                published=rng.choice([None, NOW - rng.randint(0, 400) * DAY]),
            )
        )
    return articles


FIELD_TERMS = ['topic:"AWS AI"', "topic:ai", "provider:gulf", "provider:.com", "type:video"]
FIELD_TERMS += ["is:read", "is:unread", "is:starred", "is:unstarred", "quality:>44"]
FIELD_TERMS += ["quality:40..60", "quality:<=10", "after:30d", "before:2022-01-01", "after:1y"]


def random_term(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if roll < 0.45:
        word = fold(rng.choice(VOCAB))
        start = rng.randint(0, len(word) - 1)
        return word[start : rng.randint(start + 1, len(word))]
    if roll < 0.55:
        return f'"{" ".join(rng.sample(VOCAB, 2))}"'
    if roll < 0.75 or depth >= 2:
        return rng.choice(FIELD_TERMS)
    if roll < 0.85:
        return "-" + random_term(rng, depth + 1)
    return f"({random_query(rng, depth + 1)})"


def random_query(rng: random.Random, depth: int = 0) -> str:
    groups = [
        " ".join(random_term(rng, depth) for _ in range(rng.randint(1, 3)))
        for _ in range(rng.randint(1, 2))
    ]
    return " OR ".join(groups)


def test_filter_equals_matches_on_random_articles_and_queries() -> None:
    rng = random.Random(2024)
    articles = random_articles(rng, 300)
    index = SearchIndex(articles)
    index.warm()
    read = {a.id for a in articles if rng.random() < 0.4}
    starred = {a.id for a in articles if rng.random() < 0.2}
    context = ctx(read, starred)
    matched_some = 0
    for _ in range(400):
        query = parse(random_query(rng))
        expected = [a for a in articles if query.matches(a, context)]
        assert index.filter(articles, query, context) == expected, query.text
        matched_some += 0 < len(expected) < len(articles)
    assert matched_some > 100  # the queries are not all trivial


def test_words_match_as_one_text_of_title_excerpt_and_provider_did() -> None:
    # The record tests the article's own search text and the provider's name apart
    # (no copy of each excerpt joined to its provider): the answers of the joined text.
    rng = random.Random(25)
    articles = random_articles(rng, 300)
    index = SearchIndex(articles)
    values = [fold(v) for v in VOCAB] + ["news", "grio", "the grio", "medias", "ws", "e", "s n"]
    for value in values + [f"{fold(a)} {fold(b)}" for a, b in itertools.pairwise(VOCAB)]:
        joined = [a for a in articles if value in f"{a.search_text}\n{fold(a.provider)}"]
        assert index.filter(articles, parse(f'"{value}"'), ctx()) == joined, value
        assert [a for a in articles if parse(f'"{value}"').matches(a, ctx())] == joined, value


def test_the_index_tests_the_articles_own_texts_and_shares_what_repeats() -> None:
    from reader.query.records import _NAME, _TEXT, _TOPICS

    rng = random.Random(3)
    articles = random_articles(rng, 200)
    index = SearchIndex(articles)
    index.warm()
    assert index.filter(articles, parse("news OR topic:ai"), ctx())
    columns = index._columns
    # No copy of any article's text: the column holds the article's own string.
    assert all(t is a.search_text for t, a in zip(columns.get(_TEXT), articles, strict=True))
    for key in (_TOPICS, _NAME):
        values = columns.get(key)
        assert len({id(v) for v in values}) == len(set(values))  # one object per value


def test_filter_narrows_while_typing_without_losing_matches() -> None:
    rng = random.Random(11)
    articles = random_articles(rng, 400)
    context = ctx()
    index = SearchIndex()
    typed = ["f", "fa", "fac", "face", "facial", "facial -p", "facial -po", "facial -pol"]
    typed += ["facial -pol amazon", "facial -pol", "facial", "f", "", "fine", "fin"]
    for text in typed:
        query = parse(text)
        expected = [a for a in articles if query.matches(a, context)]
        assert index.filter(articles, query, context) == expected, text


def test_filter_does_not_narrow_from_a_shorter_exclusion() -> None:
    articles = [art("pole", title="facial pole"), art("pal", title="facial pal")]
    articles.append(art("plain", title="facial"))
    index = SearchIndex()
    assert [a.id for a in index.filter(articles, parse("facial -p"), ctx())] == ["plain"]
    after = index.filter(articles, parse("facial -po"), ctx())
    assert [a.id for a in after] == ["pal", "plain"]
    shorter = index.filter(articles, parse("facial -pol"), ctx())
    assert [a.id for a in shorter] == ["pal", "plain"]


def test_filter_keeps_input_order_and_follows_a_changed_list() -> None:
    rng = random.Random(3)
    articles = random_articles(rng, 200)
    query = parse("face OR amazon")
    context = ctx()
    index = SearchIndex()
    first = index.filter(articles, query, context)
    reordered = list(reversed(articles))
    assert index.filter(reordered, query, context) == list(reversed(first))
    subset = articles[::3]
    assert index.filter(subset, query, context) == [a for a in subset if query.matches(a, context)]
    mutated = list(articles)
    index.filter(mutated, query, context)
    mutated[0] = art("new", title="amazon")  # changed in place, same length
    assert index.filter(mutated, query, context)[0].id == "new"
    assert index.filter(tuple(articles), query, context) == first


def test_filter_sees_an_article_replaced_under_the_same_id() -> None:
    index = SearchIndex()
    old = [art("x", title="amazon"), art("y", title="other")]
    assert [a.id for a in index.filter(old, parse("amazon"), ctx())] == ["x"]
    new = [art("x", title="changed"), art("y", title="other amazon")]
    assert [a.id for a in index.filter(new, parse("amazon"), ctx())] == ["y"]


def test_filter_follows_read_marks_that_change_between_calls() -> None:
    articles = [art("x", title="amazon"), art("y", title="amazon"), art("z", title="other")]
    index = SearchIndex()
    read: set[str] = set()
    context = ctx(read)
    query = parse("amazon is:unread")
    assert len(index.filter(articles, query, context)) == 2
    read.add("x")
    assert [a.id for a in index.filter(articles, query, context)] == ["y"]
    assert [a.id for a in index.filter(articles, parse("amazon is:read"), context)] == ["x"]


def test_filter_follows_the_clock_for_relative_dates() -> None:
    articles = [art("x", published=NOW - 3 * DAY), art("old", published=NOW - 30 * DAY)]
    index = SearchIndex()
    query = parse("after:7d")
    assert [a.id for a in index.filter(articles, query, ctx())] == ["x"]
    assert index.filter(articles, query, MatchContext(now=NOW + 10 * DAY)) == []
    earlier = MatchContext(now=NOW - 25 * DAY)
    assert [a.id for a in index.filter(articles, query, earlier)] == ["x", "old"]


# ------------------------------------------------------------------ CLI


@pytest.fixture
def no_user_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def run_list(seeds_dir: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    code = cli.main(["list", "--json", *args, str(seeds_dir)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return [json.loads(line)["provider"] for line in captured.out.splitlines()]


@pytest.mark.usefixtures("no_user_state")
@pytest.mark.parametrize(
    ("query", "providers"),
    [
        ('topic:"AWS AI" provider:gulf', ["Gulf News"]),
        ("rekognition -washington", []),
        ("rekognition", ["Gulf News"]),
        ("quality:>50", []),
        ("quality:44", ["The Grio", "Gulf News"]),
        ("FACIAL", ["The Grio"]),
        ("facial OR rekognition", ["The Grio", "Gulf News"]),
        ("is:unread", ["The Grio", "Gulf News"]),
        ("is:starred", []),
        ("", ["The Grio", "Gulf News"]),
    ],
)
def test_list_query_on_the_seeds(
    seeds_dir: Path, capsys: pytest.CaptureFixture[str], query: str, providers: list[str]
) -> None:
    assert run_list(seeds_dir, capsys, "--query", query) == providers


@pytest.mark.usefixtures("no_user_state")
def test_list_query_filters_after_the_topic_and_before_the_limit(
    seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_list(seeds_dir, capsys, "--query", "amazon", "--limit", "1") == ["The Grio"]
    assert run_list(seeds_dir, capsys, "--query=-facial", "--limit", "1") == ["Gulf News"]
    assert run_list(seeds_dir, capsys, "--topic", "AI", "--query", "rekognition") == ["Gulf News"]
    # The topic is not dropped beside a query: one no article has is named as unknown.
    code = cli.main(["list", "--json", "--topic", "Nope", "--query", "amazon", str(seeds_dir)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith('newsreader: no topic is named "Nope"')


def test_list_query_reads_the_marks(
    no_user_state: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli.loading import load
    from reader.state import UserState

    grio = [a for a in load([str(seeds_dir)]).articles if a.provider == "The Grio"][0]
    with UserState() as state:
        state.mark_read([grio.id])
        state.set_starred([grio.id])
    assert run_list(seeds_dir, capsys, "--query", "is:read") == ["The Grio"]
    assert run_list(seeds_dir, capsys, "--query", "is:unread") == ["Gulf News"]
    assert run_list(seeds_dir, capsys, "--query", "is:starred amazon") == ["The Grio"]


@pytest.mark.usefixtures("no_user_state")
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("quality:lots", "quality needs a number or a range"),
        ("(facial", "unbalanced parenthesis"),
        ("foo:bar", 'unknown field "foo:"'),
        ("(" * 1000 + "ai" + ")" * 1000, "brackets nested too deep (at most 32)"),
    ],
)
def test_list_rejects_an_invalid_query(
    seeds_dir: Path, capsys: pytest.CaptureFixture[str], query: str, message: str
) -> None:
    code = cli.main(["list", "--query", query, str(seeds_dir)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith(f"newsreader: invalid query: {message}")
    assert captured.err.count("\n") == 1


# ------------------------------------------------------------------ input that nests or repeats


def _deepest(levels: int) -> str:
    """The deepest tree a query can make per bracket: an OR, an AND and a NOT in each."""
    query = "ai"
    for level in range(levels):
        query = f"(w{level} OR x{level} -{query})"
    return query


@pytest.mark.parametrize("levels", [33, 400, 5000])
def test_brackets_nested_too_deep_are_a_query_error(levels: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse("(" * levels + "ai" + ")" * levels)
    assert caught.value.message.startswith("brackets nested too deep (at most 32)")
    assert caught.value.position == 32
    with pytest.raises(QueryError, match="nested too deep"):
        parse(_deepest(levels))


def test_the_deepest_allowed_query_parses_and_runs_with_room_on_the_stack() -> None:
    import sys

    assert parse("(" * 32 + "ai" + ")" * 32).root == Text("ai")
    query = parse(_deepest(32))
    articles = [art("a", title="w31"), art("b", title="x31 ai"), art("c", title="x31 w30")]
    index = SearchIndex(articles)
    limit = sys.getrecursionlimit()
    # Well inside the limit even when called from deep in the app's own stack.
    sys.setrecursionlimit(len(__import__("inspect").stack(0)) + 500)
    try:
        assert matching(_deepest(32), articles) == ["a", "b"]
        assert [a.id for a in index.filter(articles, query, ctx())] == ["a", "b"]
        assert query.text_values[:2] == ("w31", "x31") and not query.needs_marks
        assert query.highlight_terms[:2] == ("w31", "x31")
        assert query == parse(_deepest(32)) and hash(query) == hash(parse(_deepest(32)))
    finally:
        sys.setrecursionlimit(limit)


def test_long_runs_of_minus_or_and_terms_do_not_recurse() -> None:
    articles = [art("a", title="ai news"), art("b", title="t9999 robots")]
    index = SearchIndex(articles)
    assert parse("-" * 10_000 + "ai").root == Text("ai")
    assert parse("-" * 10_001 + "ai").root == Not(Text("ai"))
    assert matching("-" * 10_001 + "ai", articles) == ["b"]
    assert matching("-(" * 32 + "ai" + ")" * 32, articles) == ["a"]
    with pytest.raises(QueryError, match='"-" needs something to exclude'):
        parse("- - - - ai")
    for joiner in (" OR ", " "):
        text = joiner.join(f"t{n}" for n in range(10_000))
        query = parse(text)
        expected = ["b"] if joiner == " OR " else []
        assert matching(text, articles) == expected
        assert [a.id for a in index.filter(articles, query, ctx())] == expected
        assert len(query.text_values) == 10_000
