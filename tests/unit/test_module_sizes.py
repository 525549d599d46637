"""The app routes; others own state: reader/app.py stays small, and so does each TUI module."""

from __future__ import annotations

from pathlib import Path

import reader

PACKAGE = Path(reader.__file__).resolve().parent


def _lines(path: Path) -> int:
    return len(path.read_text("utf-8").splitlines())


def test_the_app_is_a_router_of_at_most_600_lines() -> None:
    assert _lines(PACKAGE / "app.py") <= 600


def test_no_tui_module_is_over_700_lines() -> None:
    sizes = {p.name: _lines(p) for p in (PACKAGE / "tui").glob("*.py")}
    assert sizes and max(sizes.values()) <= 700, sizes


def test_no_module_of_the_package_is_over_700_lines() -> None:
    sizes = {str(p.relative_to(PACKAGE)): _lines(p) for p in PACKAGE.rglob("*.py")}
    over = {name: size for name, size in sizes.items() if size > 700}
    assert len(sizes) > 50 and not over, over
