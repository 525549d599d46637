"""Regenerate screenshots/*.svg from the bundled seeds at fixed sizes.

    python scripts/screenshots.py

The same scenarios drive the snapshot tests (tests/snapshots), so what the
README shows is what the tests check. The clock is frozen and times are UTC.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
FROZEN_NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Scenario:
    name: str
    size: tuple[int, int]
    keys: tuple[str, ...] = ()


SCENARIOS = (
    Scenario("main", (120, 36)),
    Scenario("detail-related", (120, 36), ("j", "enter")),
    Scenario("help", (120, 36), ("question_mark",)),
    Scenario("narrow", (80, 24)),
)


def build_app():
    """The app as the screenshots show it: bundled seeds, frozen clock, UTC."""
    from reader.app import make_app

    app = make_app([SEEDS], now=lambda: FROZEN_NOW, tz=UTC, load_workers=1, clock=lambda: 0.0)
    app.detail_debounce = 0.0  # no timers in pictures
    return app


async def wait_loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def _shoot(scenario: Scenario, out: Path) -> None:
    app = build_app()
    async with app.run_test(size=scenario.size) as pilot:
        await wait_loaded(pilot)
        for key in scenario.keys:
            await pilot.press(key)
        await pilot.pause()
        app.save_screenshot(str(out / f"{scenario.name}.svg"))


def main() -> int:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    # Never read or write the real user's marks while taking pictures.
    scratch = tempfile.mkdtemp(prefix="newsreader-shots-")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = os.path.join(scratch, var.lower())
    out = REPO / "screenshots"
    out.mkdir(exist_ok=True)
    for scenario in SCENARIOS:
        asyncio.run(_shoot(scenario, out))
        print(f"wrote screenshots/{scenario.name}.svg", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
