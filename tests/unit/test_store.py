"""The in-memory store: orders, topic views, counts, providers, related links."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

from reader.model import Article, Related
from reader.store import LinkIndex, Store
from reader.text import loose_url_key


def day(n: int, hour: int = 12) -> datetime:
    return datetime(2020, 6, n, hour, tzinfo=UTC)


def make(ident: str, **fields) -> Article:
    fields.setdefault("title", ident)
    fields.setdefault("path", f"/seeds/{ident}.txt")
    return Article(id=ident, **fields)


def titles(articles) -> list[str]:
    return [a.title for a in articles]


ARTICLES = [
    make("a", published=day(1), quality=50, topics=("AI",), provider="Grio"),
    make("b", published=day(3), quality=10, topics=("AI", "AWS AI"), provider="Gulf News"),
    make("c", published=None, quality=90, topics=("Computer Vision",), provider="grio"),
    make("d", published=day(2), quality=None, topics=("AI",), provider="Gulf News"),
    make("e", published=day(3, 18), quality=50, topics=("AWS AI",), provider="Gulf News"),
    make("f", published=None, quality=None, topics=(), provider="Zeta"),
]


def test_sort_by_date_newest_first_undated_last():
    assert titles(Store(ARTICLES).view()) == ["e", "b", "d", "a", "c", "f"]


def test_sort_by_quality_highest_first_ties_newest_first_missing_last():
    assert titles(Store(ARTICLES).view(sort="quality")) == ["c", "e", "a", "b", "d", "f"]


def test_orders_do_not_depend_on_insertion_order():
    forward = Store(ARTICLES)
    backward = Store(reversed(ARTICLES))
    for sort in ("date", "quality"):
        assert titles(forward.view(sort=sort)) == titles(backward.view(sort=sort))


def test_filter_by_topic_keeps_the_order():
    store = Store(ARTICLES)
    assert titles(store.view("AI")) == ["b", "d", "a"]
    assert titles(store.view("AWS AI", "quality")) == ["e", "b"]
    assert titles(store.view("Computer Vision")) == ["c"]
    assert store.view("Nothing") == []
    assert store.view("ai") == []  # topics are exact names


def test_topic_counts_busiest_first_then_by_name():
    store = Store(
        [
            *ARTICLES,
            make("g", topics=("aws ai",)),
            make("h", topics=("Robotics",)),
            make("i", topics=("Robotics",)),
        ]
    )
    assert store.topics() == [
        ("AI", 3),
        ("AWS AI", 2),
        ("Robotics", 2),
        ("aws ai", 1),
        ("Computer Vision", 1),
    ]
    assert store.topic_totals()["AI"] == 3


def test_lookups_and_len():
    store = Store(ARTICLES)
    assert len(store) == 6
    assert "a" in store and "zz" not in store
    assert store.get("c").quality == 90
    assert store.get("zz") is None
    assert sorted(a.id for a in store) == ["a", "b", "c", "d", "e", "f"]


def test_changes_invalidate_the_cached_views():
    store = Store(ARTICLES)
    assert titles(store.view("AI")) == ["b", "d", "a"]
    assert store.topics()[0] == ("AI", 3)
    store.add_many([make("new", published=day(9), topics=("AI",))])
    assert titles(store.view("AI")) == ["new", "b", "d", "a"]
    assert store.topics()[0] == ("AI", 4)
    store.add_many([make("a", published=day(30), quality=1, topics=("AI",))])  # replaces "a"
    assert len(store) == 7
    assert titles(store.view("AI")) == ["a", "new", "b", "d"]
    store.add_many([make("b", published=day(1), topics=("Robotics",))])  # b leaves AI
    assert titles(store.view("AI")) == ["a", "new", "d"]
    assert store.topics()[0] == ("AI", 3)


def test_resolve_related_by_id_and_by_loose_link():
    store = Store(
        [
            make("https://thegrio.com/story/", url="https://thegrio.com/story/"),
            make("https://gulfnews.com/x", url="https://gulfnews.com/x"),
        ]
    )
    by_id = Related(id="https://thegrio.com/story/", title="t", url="https://thegrio.com/story/")
    assert store.resolve(by_id).id == "https://thegrio.com/story/"
    loose = Related(id="http://www.gulfnews.com/x/", title="t", url="http://www.gulfnews.com/x/")
    assert store.resolve(loose).id == "https://gulfnews.com/x"
    amp = "https://www.gulfnews.com/x/amp"
    assert store.resolve(Related(id=amp, title="t", url=amp)).id == "https://gulfnews.com/x"
    elsewhere = Related(id="https://other.example/", title="t", url="https://other.example/")
    assert store.resolve(elsewhere) is None


def test_resolve_forgets_moved_links():
    def link(url: str) -> Related:
        return Related(id=url + "#related", title="t", url=url)

    store = Store([make("one", url="https://e.com/old")])
    assert store.resolve(link("https://e.com/old")).id == "one"
    store.add_many([make("one", url="https://e.com/new")])
    assert store.resolve(link("https://e.com/old")) is None
    assert store.resolve(link("https://e.com/new")).id == "one"


def test_warm_works_out_the_order_and_topic_totals_before_they_are_asked() -> None:
    first = Article(id="1", title="One", path="/1", published=datetime(2020, 1, 1, tzinfo=UTC),
                    topics=("AI",))  # fmt: skip
    second = Article(id="2", title="Two", path="/2", published=datetime(2020, 1, 2, tzinfo=UTC),
                     topics=("AI", "Space"))  # fmt: skip
    store = Store([first, second]).warm("date")
    assert store._orders["date"] == [second, first]  # cached: the list asks for this order
    assert store._topics == {"AI": 2, "Space": 1}
    assert store.ordered("date") is store._orders["date"]


def test_resolve_never_answers_an_article_of_another_link():
    # The link index is keyed by hashes of links: an article it names is checked
    # against the link asked for, so even a clash of hashes finds nothing wrong.
    store = Store([make("one", url="https://e.com/one"), make("two", url="https://e.com/two")])
    wanted = Related(id="https://e.com/three", title="t", url="https://e.com/three")
    store.adopt_link_index({hash(loose_url_key(wanted.url)): "one"})
    assert store.resolve(wanted) is None
    store.adopt_link_index(Store.build_link_index(store))
    same = Related(id="https://www.e.com/two/", title="t", url="https://www.e.com/two/")
    assert store.resolve(same).id == "two"


def test_the_link_index_answers_what_a_dict_of_its_pairs_would():
    rng = random.Random(5)
    for _ in range(200):
        pairs = [(rng.randint(-3, 3) * 2**61, f"id{n}") for n in range(rng.randint(0, 12))]
        index = LinkIndex(pairs)
        expected = dict(pairs)  # a later pair of the same hash wins
        assert dict(index) == expected and len(index) == len(expected)
        for key in range(-4, 5):
            assert index.get(key * 2**61) == expected.get(key * 2**61)
            assert (key * 2**61 in index) == (key * 2**61 in expected)
    articles = [make(f"a{n}", url=f"https://e.com/{n % 7}") for n in range(30)]
    built = Store.build_link_index(articles)
    assert dict(built) == {hash(loose_url_key(a.url)): a.id for a in articles}


def test_topic_sets_and_totals_count_what_a_pass_over_every_article_counts() -> None:
    rng = random.Random(7)
    names = ["AI", "ai", "Cloud", "Space", "Zeta"]
    articles = [
        Article(id=f"id{n}", title="t", path=f"/s/{n}", topics=tuple(rng.sample(names, n % 4)))
        for n in range(300)
    ]
    articles.append(Article(id="twice", title="t", path="/s/twice", topics=("AI", "AI")))
    articles.append(articles[5])  # one id twice: counted once
    store = Store(articles)
    every = list({a.id: a for a in articles}.values())
    assert store.topic_sets() == Counter(a.topics for a in every)
    assert store.topic_totals() == Counter(t for a in every for t in a.topics)
    store.add_many(iter([Article(id="new", title="t", path="/s/new", topics=("Zeta",))]))
    assert store.topic_totals()["Zeta"] == 1 + sum("Zeta" in a.topics for a in every)
    assert len(store) == len(every) + 1 and store.get("new") is not None
