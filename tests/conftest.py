"""Fixtures shared by the unit tests: where the seeds are, and a seed-file writer."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def seeds_dir() -> Path:
    """The repository's bundled seed files."""
    return REPO / "seeds"


@pytest.fixture
def write_seed(tmp_path: Path) -> Callable[..., Path]:
    """Write a seed file under tmp_path: ``write_seed(yaml_text, name="a.txt")``.

    The YAML is dedented and wrapped in ``---`` lines; ``body`` goes after them.
    """

    def write(yaml_text: str, name: str = "a.txt", body: str = "") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        front = textwrap.dedent(yaml_text).strip("\n")
        path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
        return path

    return write
