"""Pilot tests of the reader as textual-serve runs it in a browser tab."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.widgets.article_list import ArticleList

from .conftest import wait_loaded


async def test_served_links_open_in_the_users_browser(
    app_factory, many_dir: Path, browser, monkeypatch: pytest.MonkeyPatch
):
    """Served, `o` asks the browser tab to open the link (App.open_url through the web
    driver); the server's own webbrowser is never started."""
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        driver = app._driver
        opened: list[str] = []
        monkeypatch.setattr(type(driver), "is_web", property(lambda _self: True))
        monkeypatch.setattr(driver, "open_url", lambda url, new_tab=True: opened.append(url))
        article = app.query_one(ArticleList).article
        await pilot.press("o")
        assert opened == [article.url]
        assert browser.opened == []
        assert app.is_read(article.id)
