"""Pilot: hide rules from the config leave articles out of the list, the sidebar and the counts."""

from __future__ import annotations

from pathlib import Path

from reader.config import parse_config
from reader.scope import Topic
from reader.widgets.status_bar import StatusBar

from .conftest import wait_loaded


async def test_hidden_articles_vanish_and_the_top_line_counts_them(app_factory, many_dir: Path):
    text = "hide = ['provider:\"Provider 0\"', 'title:\"number 7\"']\n"
    config, problems = parse_config(text, Path("config.toml"))
    assert problems == []
    app = app_factory(many_dir, config=config)
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_loaded(app, pilot)
        titles = {a.title for a in app.article_list.articles}
        assert len(titles) == 39
        assert "Article number 7" not in titles and "Article number 3" not in titles
        assert "Article number 1" in titles
        assert "21 hidden by filters" in str(app.query_one(StatusBar).render())
        counts = {e.label: e.total for e in app.library.sidebar(False)}
        assert (counts["Even"], counts["Odd"]) == (20, 19)
        app.scope = Topic("Odd")
        await pilot.pause()
        assert all(a.provider != "Provider 0" for a in app.article_list.articles)
        await pilot.press("slash", *"number", "enter")
        await pilot.pause()
        assert "Article number 7" not in {a.title for a in app.article_list.articles}


async def test_a_rule_nested_too_deep_is_noted_and_the_reader_starts(
    app_factory, many_dir: Path, notices
):
    deep = "(" * 400 + '"number 7"' + ")" * 400
    config, problems = parse_config(f"hide = ['title:\"number 3\"', '{deep}']\n", Path("c.toml"))
    assert [p.line for p in problems] == [1] and "nested too deep" in problems[0].message
    app = app_factory(many_dir, config=config, notes=[problems[0].message])
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_loaded(app, pilot)
        titles = {a.title for a in app.article_list.articles}
        assert "Article number 3" not in titles and "Article number 7" in titles
        assert any("brackets nested too deep" in notice for notice in notices)
