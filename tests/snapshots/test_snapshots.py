"""Snapshot tests of the main screens: fixed size, frozen clock, UTC, no animation.

Update after a deliberate change with: pytest tests/snapshots --snapshot-update
(and regenerate the README pictures with: python scripts/screenshots.py, which
draws the same scenarios from snapshot_app.py).
"""

from __future__ import annotations

import pytest
import snapshot_app as screenshots  # the app factory, beside these tests


@pytest.fixture(autouse=True)
def _no_animations(monkeypatch):
    # The user's folders are kept out of reach by tests/conftest.py.
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.mark.parametrize("scenario", screenshots.SCENARIOS, ids=lambda s: s.name)
def test_screen(snap_compare, scenario):
    async def before(pilot):
        await screenshots.wait_loaded(pilot)
        for key in scenario.keys:
            await pilot.press(key)
        await pilot.pause()

    assert snap_compare(
        screenshots.build_app(scenario.pictures), terminal_size=scenario.size, run_before=before
    )


# Screens a user meets that the README does not picture: checked here only.
TESTED_ONLY = (
    screenshots.Scenario("problems", (120, 36), ("exclamation_mark",)),
    screenshots.Scenario("search-typing", (120, 36), ("slash", *"police")),
    screenshots.Scenario("search-kept", (120, 36), ("slash", *"police", "enter")),
    screenshots.Scenario("save-search", (120, 36), ("slash", *"police", "enter", "ctrl+s")),
    screenshots.Scenario("stories", (120, 36), ("c",)),
    screenshots.Scenario("tiny", (40, 12)),
    screenshots.Scenario("light", (120, 36)),
)


@pytest.mark.parametrize("scenario", TESTED_ONLY, ids=lambda s: s.name)
def test_more_screens(snap_compare, scenario):
    app = screenshots.build_app(scenario.pictures)
    if scenario.name == "light":
        app.theme = "textual-light"

    async def before(pilot):
        await screenshots.wait_loaded(pilot)
        for key in scenario.keys:
            await pilot.press(key)
        await screenshots.wait_loaded(pilot)

    assert snap_compare(app, terminal_size=scenario.size, run_before=before)
