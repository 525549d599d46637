"""The view state on its own: saved and restored between runs, the history, the spec."""

from __future__ import annotations

from pathlib import Path

from reader.scope import ALL, Story, Topic
from reader.state import UserState
from reader.tui.view_state import Place, View, ViewState


def test_a_saved_view_comes_back(tmp_path: Path) -> None:
    state = UserState(tmp_path / "state.db")
    view = ViewState(state)
    view.current_id = "a1"
    view.save(View(Topic("AI"), "quality", True, True), "nord")
    state.close()
    again = ViewState(UserState(tmp_path / "state.db"))
    restored = again.restore()
    assert (restored.scope, restored.sort, restored.hide_read, restored.stories) == (
        Topic("AI"),
        "quality",
        True,
        True,
    )
    assert again.take_reselect() == "a1"
    assert again.take_reselect() is None  # once


def test_a_story_is_not_remembered_and_nonsense_is_ignored(tmp_path: Path) -> None:
    state = UserState(tmp_path / "state.db")
    ViewState(state).save(View(Story("x")), "nord")
    assert ViewState(state).restore().scope == ALL
    state.set_setting("view", {"sort": "random", "hide_read": "yes", "topic": 3})
    restored = ViewState(state).restore()
    assert restored.sort is None and restored.hide_read is None and restored.scope is None
    state.set_setting("view", ["not", "a", "dict"])
    assert ViewState(state).restore().article_id is None


def test_history_and_spec(tmp_path: Path) -> None:
    view = ViewState(UserState(tmp_path / "state.db"))
    assert view.go_back() is None
    view.remember(ALL, "a")
    view.remember(Topic("AI"), None)
    assert view.go_back() == Place(Topic("AI"), None)
    assert view.go_back() == Place(ALL, "a")
    view.sticky_id = "kept"
    spec = view.spec(View(Topic("AI"), "quality", True, False))
    assert (spec.scope, spec.sort, spec.hide_read, spec.keep_id) == (
        Topic("AI"),
        "quality",
        True,
        "kept",
    )
    assert spec.search is None


def test_each_library_has_its_own_saved_view(tmp_path: Path, monkeypatch) -> None:
    """A saved search left in one folder opened the next folder on it, empty; a new
    folder started on the last one's sort instead of the defaults."""
    state = UserState(tmp_path / "state.db")
    news, work = str(tmp_path / "news"), str(tmp_path / "work")
    ViewState(state, [news]).save(View(Topic("AI"), "quality", True, True), "nord")
    fresh = ViewState(state, [work]).restore()
    assert (fresh.scope, fresh.sort, fresh.hide_read, fresh.stories) == (None, None, None, None)
    ViewState(state, [work]).save(View(ALL, "date", False, False), "nord")
    monkeypatch.chdir(tmp_path)
    again = ViewState(state, ["news"]).restore()  # the same folder, named relatively
    assert (again.scope, again.sort, again.hide_read, again.stories) == (
        Topic("AI"),
        "quality",
        True,
        True,
    )
    assert ViewState(state, [work]).restore().sort == "date"
