"""The reader's list and ``newsreader list`` agree, driven through the app's own keys."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from reader.cli import main
from reader.state import UserState
from reader.widgets.article_list import ArticleList

from .conftest import wait_loaded


def listed(folder: Path, *flags: str) -> list[str]:
    out = io.StringIO()  # the running app holds sys.stdout: capsys would see nothing
    with contextlib.redirect_stdout(out):
        assert main(["list", "--json", *flags, str(folder)]) == 0
    return [json.loads(line)["id"] for line in out.getvalue().splitlines()]


async def test_the_list_on_screen_is_the_list_printed(app_factory, many_dir: Path):
    every = listed(many_dir)
    with UserState() as state:  # the marks the app and the command both read
        state.mark_read(every[::3])
        state.set_starred(every[::5])
    app = app_factory(many_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(app, pilot)
        shown = app.query_one(ArticleList)

        def on_screen() -> list[str]:
            return [a.id for a in shown.articles]

        assert on_screen() == every
        await pilot.press("s")  # sort by quality
        assert on_screen() == listed(many_dir, "--sort", "quality")
        await pilot.press("slash", *"topic:EVEN", "space", *"is:unread", "enter")
        await wait_loaded(app, pilot)
        expected = listed(many_dir, "--sort", "quality", "--topic", "even", "--unread")
        assert expected and on_screen() == expected
        assert on_screen() == listed(
            many_dir, "--sort", "quality", "--query", "topic:EVEN is:unread"
        )
        await pilot.press("c")  # one row per story
        await wait_loaded(app, pilot)
        stories = listed(many_dir, "--stories", "--sort", "quality", "--topic", "even", "--unread")
        assert on_screen() == stories
