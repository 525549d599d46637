"""The headline is what the user reads: how many cells the list gives it at common widths."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from reader.widgets.article_list import ArticleList

from .conftest import article_fields, wait_loaded, write_seed

LONG = "Google parts with the engineer who claimed that its AI system is sentient " * 3


def title_cells(app) -> int:
    """The cells the first row's title fills, up to and including its ellipsis."""
    articles = app.query_one(ArticleList)
    row = "".join(segment.text for segment in articles.render_line(0))
    assert "…" in row, row
    return cell_len(row[3 : row.index("…") + 1])


@pytest.fixture
def long_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "long"
    folder.mkdir()
    for n in range(5):
        write_seed(
            folder,
            f"{n}.txt",
            **article_fields(n, title=f"{LONG} {n}", provider={"name": "Wall Street Journal"}),
        )
    return folder


async def shown_title(app_factory, folder: Path, size: tuple[int, int]) -> int:
    app = app_factory(folder)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(app, pilot)
        return title_cells(app)


async def test_the_headline_keeps_45_cells_at_120_columns_and_more_at_200(app_factory, long_dir):
    at_120 = await shown_title(app_factory, long_dir, (120, 40))
    assert at_120 >= 45
    at_200 = await shown_title(app_factory, long_dir, (200, 30))
    assert at_200 > at_120
    for width in range(100, 201, 10):  # never a dip where the detail moves beside the list
        assert await shown_title(app_factory, long_dir, (width, 30)) >= 45, width


async def test_the_date_column_says_today_by_the_display_zone(app_factory, tmp_path: Path):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    folder = tmp_path / "lib"
    folder.mkdir()
    write_seed(folder, "a.txt", title="Late on Tuesday", webUrl="https://example.com/a",
               publishedDateTime=datetime(2026, 12, 2, 1, 0, tzinfo=UTC))  # fmt: skip
    now = datetime(2026, 12, 2, 17, 42, tzinfo=UTC)
    for zone, shown in (("America/Los_Angeles", "Dec 01"), ("Asia/Tokyo", "Dec 02")):
        app = app_factory(folder, tz=ZoneInfo(zone), now=lambda: now)
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_loaded(app, pilot)
            articles = app.query_one(ArticleList)
            assert shown in articles.render_line(0).text, zone
