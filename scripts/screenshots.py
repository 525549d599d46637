"""Regenerate screenshots/*.svg from the bundled seeds at fixed sizes.

    python scripts/screenshots.py

The same scenarios drive the snapshot tests (tests/snapshots), so what the
README shows is what the tests check. The clock is frozen and times are UTC.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # frozen_clock: the snapshot tests' clock
# The app factory lives with the snapshot tests; the pictures are the same scenarios.
_FACTORY = REPO / "tests" / "snapshots" / "snapshot_app.py"
_spec = importlib.util.spec_from_file_location("snapshot_app", _FACTORY)
assert _spec is not None and _spec.loader is not None
snapshot_app = importlib.util.module_from_spec(_spec)
sys.modules["snapshot_app"] = snapshot_app  # dataclasses look their module up here
_spec.loader.exec_module(snapshot_app)
Scenario, SCENARIOS = snapshot_app.Scenario, snapshot_app.SCENARIOS
build_app, wait_loaded = snapshot_app.build_app, snapshot_app.wait_loaded


async def _shoot(scenario: Scenario, out: Path) -> None:
    app = build_app(scenario.pictures)
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
