"""Search over fetched full texts: free words also match them, text: matches only them."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.fulltext import Block, Document, TextStore
from reader.library import Library
from reader.model import Article
from reader.query import MatchContext, QueryError, SearchIndex, parse
from reader.state import UserState
from reader.store import Store
from reader.text import search_text

NOW = datetime(2024, 5, 1, tzinfo=UTC)


def art(ident: str, title: str, excerpt: str = "") -> Article:
    text = search_text(title, excerpt)
    return Article(id=ident, title=title, path=f"/n/{ident}.txt", search_text=text)


def doc(*paragraphs: str) -> Document:
    return Document(tuple(Block("paragraph", p) for p in paragraphs), ())


@pytest.fixture
def texts(tmp_path: Path) -> TextStore:
    store = TextStore(tmp_path / "articles.sqlite3")
    store.put_document("b", "u", "u", doc("Engineers replaced every cable of the span."))
    store.put_document("c", "u", "u", doc("Die Bürgermeisterin dankte den Pendlern."))
    store.put_document("d", "u", "u", doc("東京の新しい橋が開通した。"))
    return store


ARTICLES = [art("a", "Cable car opens"), art("b", "Bridge reopens"), art("c", "Neue Brücke")]
ARTICLES += [art("d", "Tokyo bridge"), art("e", "Nothing fetched", "every day")]


def found(query: str, texts: TextStore, index: SearchIndex | None = None) -> list[str]:
    ctx = MatchContext(now=NOW, full_text=texts.matching, texts_generation=texts.generation)
    return [a.id for a in (index or SearchIndex()).filter(ARTICLES, parse(query), ctx)]


def test_a_free_word_matches_the_title_or_the_full_text(texts: TextStore) -> None:
    assert found("cable", texts) == ["a", "b"]
    assert found('"every cable"', texts) == ["b"]


def test_text_field_matches_only_the_full_text(texts: TextStore) -> None:
    assert found("text:cable", texts) == ["b"]
    assert found('text:"replaced every"', texts) == ["b"]
    assert found("text:every", texts) == ["b"]  # e has "every" in its excerpt only


def test_full_text_search_ignores_accents_and_finds_cjk_substrings(texts: TextStore) -> None:
    assert found("burgermeisterin", texts) == ["c"]
    assert found("text:新しい橋", texts) == ["d"]


def test_exclusion_and_or_include_the_full_text(texts: TextStore) -> None:
    assert found("-cable", texts) == ["c", "d", "e"]
    assert found("text:span OR text:pendlern", texts) == ["b", "c"]


def test_a_text_arriving_later_is_found_by_a_remembered_query(texts: TextStore) -> None:
    index = SearchIndex()
    assert found("gondola", texts, index) == []
    texts.put_document("a", "u", "u", doc("The gondola climbs the hill."))
    assert found("gondola", texts, index) == ["a"]


def test_the_library_searches_the_texts_it_is_given(texts: TextStore, tmp_path: Path) -> None:
    library = Library(Store(ARTICLES), UserState(tmp_path / "state.sqlite3"), lambda: NOW)
    assert [a.id for a in library.filter(ARTICLES, parse("text:span"))] == []
    library.texts = texts
    assert [a.id for a in library.filter(ARTICLES, parse("text:span"))] == ["b"]


def test_text_needs_a_value() -> None:
    with pytest.raises(QueryError, match="text needs a word or a phrase"):
        parse("text:")


def test_text_terms_are_highlighted() -> None:
    assert parse('text:"city council" bridge').highlight_terms == ("city council", "bridge")


def test_typing_a_longer_word_narrows_the_last_one_with_the_same_answer(
    texts: TextStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts.put_document("e", "u", "u", doc("A cabin, a cable and a cab; the Cäble fair."))
    asked: list[str] = []
    ask = TextStore._ask
    monkeypatch.setattr(TextStore, "_ask", staticmethod(lambda c, v: asked.append(v) or ask(c, v)))
    typed = ["c", "ca", "cab", "cabl", "cable", "cable ", "cable o", "cable of", "abl", "cabin"]
    answers = {value: texts.matching(value) for value in typed}
    assert asked == ["c", "ca", "cab", "abl"]  # the words that extend "cab" came from its ids
    fresh = TextStore(tmp_path / "articles.sqlite3")
    assert answers == {value: fresh.matching(value) for value in typed}
    assert answers["cable"] == {"b", "e"} and answers["cable of"] == {"b"}
    assert answers["cabin"] == {"e"}
    texts.put_document("a", "u", "u", doc("The cable car."))  # a new text: narrow anew
    assert texts.matching("cable") == {"a", "b", "e"}
    assert asked[-1] == "cable"


# -- the search bar's two steps: what is certain at once, the full texts from a worker


def pending(query: str, texts: TextStore, known: dict[str, frozenset[str]] | None = None,
            index: SearchIndex | None = None) -> list[str]:  # fmt: skip
    """The articles shown while the full texts of the words not in ``known`` are looked up."""
    answers = known or {}
    ctx = MatchContext(
        now=NOW,
        full_text=answers.get,
        stored_texts=texts.stored_ids(),
        texts_generation=texts.generation,
    )
    return [a.id for a in (index or SearchIndex()).filter(ARTICLES, parse(query), ctx)]


QUERIES = [
    "cable", '"every cable"', "-cable", "text:cable", "-text:cable", "cable OR span",
    "bridge -cable", "-(cable OR pendlern)", "-(cable -span)", "text:span OR tokyo", "e", "ca",
    "cable -text:every", "-(-cable)", "burgermeisterin OR nothing", "",
]  # fmt: skip


def test_while_the_texts_are_looked_up_only_certain_matches_show(texts: TextStore) -> None:
    assert pending("cable", texts) == ["a"]  # the title; b's text is not looked up yet
    assert pending("-cable", texts) == ["e"]  # b, c, d have texts that may hold it
    assert pending("text:cable", texts) == []
    assert pending("-text:cable", texts) == ["a", "e"]
    assert pending("cable", texts, {"cable": texts.matching("cable")}) == ["a", "b"]


def test_what_shows_first_is_part_of_the_answer_and_the_looked_up_words_complete_it(
    texts: TextStore,
) -> None:
    for query in QUERIES:
        exact = found(query, texts)
        first = pending(query, texts)
        assert set(first) <= set(exact), query  # the list only grows when the texts come
        looked_up = {value: texts.matching(value) for value in parse(query).text_values}
        assert pending(query, texts, looked_up) == exact, query


def test_an_index_that_showed_the_first_step_gives_the_exact_answer_after(
    texts: TextStore,
) -> None:
    index = SearchIndex()
    for query in ["ca", "cab", "cable", "cable -span", "cable"]:
        assert set(pending(query, texts, index=index)) <= set(found(query, texts))
        assert found(query, texts, index) == found(query, texts), query
        assert pending(query, texts, index=index) == pending(query, texts), query


def test_the_words_to_look_up_are_every_word_and_text_value() -> None:
    query = parse('Bridge -"City Hall" text:Pendler OR title:x provider:y')
    assert query.text_values == ("bridge", "city hall", "pendler")
    assert parse("topic:AI quality:>5").text_values == ()
    assert parse("text:x").asks_text_field and not parse("-x y").asks_text_field


def test_the_store_says_which_words_it_knows_and_which_articles_have_texts(
    texts: TextStore, tmp_path: Path
) -> None:
    assert texts.known(["cable", "span"]) == {}
    cable = texts.matching("cable")
    assert texts.known(["cable", "span"]) == {"cable": cable}
    assert texts.has_text("b") and not texts.has_text("a")
    assert texts.stored_ids() == {"b", "c", "d"}
    texts.put_failure("a", "u", "failed", "the server said 404")
    assert not texts.has_text("a")
    texts.put_document("a", "u", "u", doc("A cable car."))
    assert texts.has_text("a") and texts.stored_ids() == {"a", "b", "c", "d"}
    assert texts.known(["cable"]) == {}  # a new text: every word is looked up anew
    assert texts.look_up(["cable", "cable"]) == {"cable": frozenset({"a", "b"})}
    assert not TextStore(tmp_path / "none.sqlite3").has_text("a")


def test_the_library_shows_the_certain_part_until_it_is_given_the_looked_up_words(
    texts: TextStore, tmp_path: Path
) -> None:
    library = Library(Store(ARTICLES), UserState(tmp_path / "state.sqlite3"), lambda: NOW)
    library.texts = texts
    query = parse("cable")
    assert [a.id for a in library.filter(ARTICLES, query)] == ["a", "b"]  # asks at once
    assert [a.id for a in library.filter(ARTICLES, query, {})] == ["a"]
    found_ids = texts.look_up(query.text_values)
    assert [a.id for a in library.filter(ARTICLES, query, found_ids)] == ["a", "b"]


def test_filter_equals_matches_with_texts_looked_up_or_pending() -> None:
    from test_query import random_articles, random_query

    rng = random.Random(31)
    articles = random_articles(rng, 300)
    with_text = frozenset(a.id for a in articles if rng.random() < 0.3)
    index = SearchIndex(articles)
    index.warm()
    for generation in range(300):
        text = random_query(rng)
        if rng.random() < 0.2:
            text += rng.choice([" text:fac", " -text:po", " OR text:ama"])
        query = parse(text)
        answers = {
            value: frozenset(i for i in with_text if rng.random() < 0.4)
            for value in query.text_values
        }
        known = {value: ids for value, ids in answers.items() if rng.random() < 0.5}
        exact = MatchContext(
            now=NOW,
            full_text=lambda value, answers=answers: answers.get(value, frozenset()),
            texts_generation=generation,
        )
        pending = replace(exact, full_text=known.get, stored_texts=with_text)
        expected = [a for a in articles if query.matches(a, exact)]
        first = [a for a in articles if query.matches(a, pending)]
        assert index.filter(articles, query, exact) == expected, text
        assert index.filter(articles, query, pending) == first, text
        assert set(first) <= set(expected), text
        # As the search bar goes: the first step, then the same once looked up (the
        # articles with a stored text tested again, the others taken from the first).
        looked_up = replace(exact, texts_generation=-1 - generation, stored_texts=with_text)
        pending = replace(looked_up, full_text=known.get)
        assert index.filter(articles, query, pending) == first, text
        assert index.filter(articles, query, looked_up) == expected, text


def test_texts_another_process_stores_are_seen_by_the_next_search(
    texts: TextStore, tmp_path: Path
) -> None:
    assert texts.stored_ids() == {"b", "c", "d"}
    assert texts.matching("gondola") == frozenset()
    generation = texts.generation
    other = TextStore(tmp_path / "articles.sqlite3")  # newsreader fulltext, say
    other.put_document("a", "u", "u", doc("The gondola climbs the hill."))
    other.close()
    assert texts.stored_ids() == {"a", "b", "c", "d"}
    assert texts.generation != generation  # remembered results expire
    assert texts.known(["gondola"]) == {}
    assert texts.matching("gondola") == {"a"}


def test_no_database_yet_has_no_texts_until_one_is_made(tmp_path: Path) -> None:
    texts = TextStore(tmp_path / "articles.sqlite3")
    assert texts.stored_ids() == frozenset()
    TextStore(tmp_path / "articles.sqlite3").put_document("a", "u", "u", doc("Hello there."))
    assert texts.stored_ids() == {"a"}
