"""Pilot tests of read state in the TUI: m, f, A, u, h, n, N, Enter and the dwell timer."""

from __future__ import annotations

from pathlib import Path

from reader.scope import Topic
from reader.state import UserState
from reader.widgets.article_list import ArticleList
from reader.widgets.topic_sidebar import TopicSidebar

from .conftest import wait_loaded


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def counts(app) -> dict[str, tuple[int, int]]:
    return {e.label: (e.unread, e.total) for e in app.query_one(TopicSidebar).entries}


async def test_m_f_and_counts_persist(app_factory, many_dir: Path, tmp_path: Path):
    db = tmp_path / "state.sqlite3"
    app = app_factory(many_dir, state_path=db)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        first = articles.article
        await pilot.press("m")
        assert app.is_read(first.id)
        assert counts(app)["All"] == (59, 60)
        await pilot.press("m")
        assert not app.is_read(first.id)
        await pilot.press("m", "f")
        assert app.state.is_starred(first.id)
        assert counts(app)["Starred"] == (0, 1)
    reopened = UserState(db)
    assert reopened.is_read(first.id) and reopened.is_starred(first.id)


async def test_enter_marks_read(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("j")
        chosen = articles.article
        await pilot.press("enter")
        assert app.is_read(chosen.id)


async def test_mark_all_and_undo(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("m")  # one already read before the bulk mark
        already = articles.article
        await pilot.press("A")
        assert counts(app)["All"] == (0, 60)
        assert all(app.is_read(a.id) for a in articles.articles)
        await pilot.press("u")
        assert counts(app)["All"] == (59, 60)
        assert app.is_read(already.id), "undo restores exactly the state before the bulk mark"
        await pilot.press("u")
        assert counts(app)["All"] == (60, 60)
        await pilot.press("u")  # nothing left: no crash, nothing changes
        assert counts(app)["All"] == (60, 60)


async def test_mark_all_in_topic_only(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        app.scope = Topic("Even")
        await pilot.pause()
        await pilot.press("A")
        assert counts(app)["Even"] == (0, 30)
        assert counts(app)["Odd"] == (30, 30)
        assert counts(app)["All"] == (30, 60)


async def test_hide_read_keeps_current_until_left(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("j", "m")  # second article read
        second = articles.article
        await pilot.press("g", "m")  # first article read too
        first = articles.article
        await pilot.press("h")
        assert app.hide_read
        assert articles.article == first, "the current article stays"
        assert second not in articles.articles
        assert len(articles.articles) == 59
        await pilot.press("j")
        assert first not in articles.articles, "once left, a read article drops out"
        assert len(articles.articles) == 58
        await pilot.press("h")
        assert len(articles.articles) == 60


async def test_next_and_previous_unread(app_factory, many_dir: Path):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        rows = articles.articles
        app.state.mark_read([rows[1].id, rows[2].id, rows[4].id])
        await pilot.press("n")
        assert articles.cursor == 3
        await pilot.press("n")
        assert articles.cursor == 5
        await pilot.press("N", "N")
        assert articles.cursor == 0


async def test_dwell_marks_read_but_scrolling_past_does_not(app_factory, many_dir: Path):
    clock = FakeClock()
    app = app_factory(many_dir, clock=clock, dwell=2.0)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        first = articles.article
        clock.now += 1.0
        app.marks.check_dwell()
        await pilot.press("j")  # moved on after 1 s: not read
        assert not app.is_read(first.id)
        second = articles.article
        clock.now += 2.5
        app.marks.check_dwell()
        assert app.is_read(second.id)
        assert not app.is_read(first.id)


async def test_dwell_zero_marks_only_on_open(app_factory, many_dir: Path):
    clock = FakeClock()
    app = app_factory(many_dir, clock=clock, dwell=0)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        clock.now += 1000
        app.marks.check_dwell()
        assert not app.is_read(articles.article.id)


async def test_another_instance_marks_show_up(app_factory, many_dir: Path, tmp_path: Path):
    db = tmp_path / "shared.sqlite3"
    app = app_factory(many_dir, state_path=db)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("m")  # creates the database
        other = UserState(db)
        other.mark_read([articles.articles[5].id])
        other.close()
        app.marks.poll()
        assert app.is_read(articles.articles[5].id)
        assert counts(app)["All"] == (58, 60)


async def test_mark_all_and_undo_say_the_same_count(app_factory, many_dir: Path, notices):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("m", "A", "u")
        assert any("Marked 59 articles read" in m for m in notices)
        assert "Undid: mark 59 articles read" in notices


async def test_mark_all_says_when_everything_is_already_read(app_factory, many_dir, notices):
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        app.scope = Topic("Even")
        await pilot.pause()
        await pilot.press("A", "A")
        assert notices[-1] == "Every article here is read already."
        app.apply_query("nothing-matches-this")
        await pilot.press("A")
        assert notices[-1] == "No articles here to mark read."
