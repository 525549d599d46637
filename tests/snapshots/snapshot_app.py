"""The app the snapshot tests and the README's screenshots show: the bundled seeds,
a frozen clock, UTC, no timers, and pictures drawn here (nothing is fetched).

scripts/screenshots.py draws the same scenarios into screenshots/, so what the
README shows is what the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from frozen_clock import FROZEN_NOW  # tests/: the one frozen clock

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"


@dataclass(frozen=True)
class Scenario:
    name: str
    size: tuple[int, int]
    keys: tuple[str, ...] = ()
    pictures: bool = False  # the article's picture, half-cell (from the disk cache)


SCENARIOS = (
    Scenario("main", (120, 36)),
    Scenario("detail-related", (120, 36), ("j", "enter")),
    Scenario("help", (120, 36), ("question_mark",)),
    Scenario("narrow", (80, 24)),
    Scenario("picture", (160, 40), pictures=True),
)


def stand_in_picture(seed: int):
    """A picture drawn here (a sky, a sun, hills), the same pixels every time."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 360))
    draw = ImageDraw.Draw(image)
    for y in range(360):
        draw.line([(0, y), (640, y)], fill=(40 + y // 6, 90 + y // 4, 170 + y // 8))
    draw.ellipse((440 - seed * 200, 50, 540 - seed * 200, 150), fill=(250, 210, 90))
    draw.polygon(
        [(0, 360), (0, 240), (180, 170), (380, 260), (640, 200), (640, 360)], fill=(60, 120, 70)
    )
    draw.polygon([(0, 360), (0, 300), (260, 250), (640, 320), (640, 360)], fill=(40, 90, 50))
    return image


def cache_seed_pictures() -> None:
    """Every bundled seed's picture in the disk cache, drawn here: the screenshots and
    snapshot tests never fetch anything."""
    from reader.images.picture import PictureCache, encode_picture
    from reader.model import Article
    from reader.seedfile import load_detail, load_seed_file

    cache = PictureCache()
    for n, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        article = load_seed_file(path)
        if isinstance(article, Article):
            for image in load_detail(article).images:
                cache.put(image.url, encode_picture(stand_in_picture(n)))


def build_app(pictures: bool = False):
    """The app as the screenshots show it: bundled seeds, frozen clock, UTC."""
    from reader.app import make_app

    setup = None
    if pictures:
        from reader.widgets.picture import detect

        cache_seed_pictures()
        setup = detect("halfcell")
    return make_app(
        [SEEDS],
        now=lambda: FROZEN_NOW,
        tz=UTC,
        load_workers=1,
        clock=lambda: 0.0,
        pictures=setup,
        detail_debounce=0.0,  # no timers in pictures
    )


async def wait_loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()  # the picture, read from the cache
    await pilot.pause()
    await pilot.pause()
