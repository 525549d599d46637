"""Fixtures for Pilot tests: small seed folders, a frozen clock, UTC, no animations."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from frozen_clock import FROZEN_NOW  # tests/: shared with scripts/screenshots.py
from textual.worker import WorkerCancelled, WorkerState

from reader.app import NewsReaderApp, make_app

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"


def write_seed(folder: Path, name: str, **fields: Any) -> Path:
    """Write one seed file with the given front-matter fields."""
    path = folder / name
    path.write_text("---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n", "utf-8")
    return path


def article_fields(n: int, **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": f"Article number {n}",
        "excerpt": f"Excerpt of article {n}.",
        "publishedDateTime": datetime(2026, 1, 1, tzinfo=UTC).replace(day=1 + n % 28, hour=n % 24),
        "webUrl": f"https://example.com/{n}",
        "provider": {"name": f"Provider {n % 3}", "domain": "example.com"},
        "topics": ["Even" if n % 2 == 0 else "Odd"],
        "quality": n,
    }
    fields.update(extra)
    return fields


@pytest.fixture(autouse=True)
def _no_animations(monkeypatch: pytest.MonkeyPatch):
    """As CI runs them (tests/conftest.py keeps the user's folders out of reach)."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


class FakeBrowser:
    """Stands in for webbrowser's browser: records what it was asked to open."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.available = True

    def get(self, using: str | None = None) -> FakeBrowser:
        if not self.available:
            raise webbrowser.Error("could not locate runnable browser")
        return self

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        return True


@pytest.fixture(autouse=True)
def browser(monkeypatch: pytest.MonkeyPatch) -> FakeBrowser:
    """Tests never start a real browser; ``browser.opened`` lists the links opened."""
    fake = FakeBrowser()
    monkeypatch.setattr(webbrowser, "get", fake.get)
    monkeypatch.setattr(webbrowser, "open", fake.open)
    return fake


@pytest.fixture
def app_factory() -> Callable[..., NewsReaderApp]:
    def factory(*paths: Path, **kwargs: Any) -> NewsReaderApp:
        kwargs.setdefault("now", lambda: FROZEN_NOW)
        kwargs.setdefault("tz", UTC)
        kwargs.setdefault("load_workers", 1)
        # A clock that never moves: nothing is marked read by the dwell timer
        # unless a test moves the clock itself.
        kwargs.setdefault("clock", lambda: 0.0)
        # Timing-free by default: the detail follows every step at once.
        kwargs.setdefault("detail_debounce", 0.0)
        # No folder events unless a test asks: a check they set off would race the
        # test's own (r) and its notices.
        kwargs.setdefault("watch", False)
        return make_app(list(paths) or [SEEDS], **kwargs)

    return factory


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every message the app notifies, in order (Textual's own list is private)."""
    shown: list[str] = []
    notify = NewsReaderApp.notify

    def recording(self: NewsReaderApp, message: str, *args: Any, **kwargs: Any) -> None:
        shown.append(message)
        notify(self, message, *args, **kwargs)

    monkeypatch.setattr(NewsReaderApp, "notify", recording)
    return shown


@pytest.fixture
def many_dir(tmp_path: Path) -> Path:
    """Sixty articles in two topics, with quality equal to their number."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(60):
        write_seed(folder, f"{n:03}.txt", **article_fields(n))
    return folder


async def wait_workers(app: NewsReaderApp) -> None:
    """Wait for every worker; an exclusive one replaced by a newer call is not an error."""
    for _ in range(20):
        running = [w for w in app.workers if w.state not in (WorkerState.CANCELLED,)]
        if not running:
            return
        try:
            await app.workers.wait_for_complete(running)
            return
        except WorkerCancelled:
            continue


async def wait_loaded(app: NewsReaderApp, pilot: Any) -> None:
    """Wait until every file is read and the screen has caught up."""
    await wait_workers(app)
    await pilot.pause()
    await pilot.pause()
    assert not app.library_loading.loading


def related_prompts(app: Any) -> list[str]:
    """The related section's rows (headings, notes, stories) as plain text."""
    from reader.widgets.detail_pane import DetailPane

    return [prompt_text(row.text.plain) for row in app.query_one(DetailPane).related_rows]


def prompt_text(prompt: Any) -> str:
    """The plain text of an option's prompt, its wrapping undone (runs of spaces and
    line breaks read as one space)."""
    return " ".join(str(prompt).split())


async def type_fast(pilot: Any, *keys: str) -> None:
    """Keys as a terminal delivers a burst typed fast: every key queued before the app
    handles the first. pilot.press waits for the app to go idle after each key, so
    what a queued message has not done yet by the next key never shows there."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key

    app = pilot.app
    for key in keys:
        try:  # the character a key types, as pilot.press works it out
            name = _get_unicode_name_from_key(REPLACED_KEYS.get(key, key))
            character: str | None = unicodedata.lookup(name)
        except KeyError:
            character = key if len(key) == 1 else None
        event = events.Key(key, character)
        event.set_sender(app)
        app.post_message(event)
    await pilot.pause()
    await pilot.pause()
