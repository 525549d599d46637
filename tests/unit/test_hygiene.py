"""Rules the whole package keeps: the core is free of Textual, YAML is read in one place."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import reader

PACKAGE = Path(reader.__file__).resolve().parent
# The UI may import Textual; everything else is the core and must not.
UI_MODULES = ("reader.app", "reader.tui", "reader.widgets", "reader.screens")
NOT_IMPORTED = (
    "reader.__main__",  # runs the CLI when imported
)
# Run in a fresh interpreter where any import of textual raises ImportError.
WITHOUT_TEXTUAL = """
import importlib, sys

class NoTextual:
    def find_spec(self, name, path=None, target=None):
        if name == "textual" or name.startswith("textual."):
            raise ImportError(f"textual is unimportable in this test ({name})")
        return None

sys.meta_path.insert(0, NoTextual())
importlib.import_module(sys.argv[1])
"""


def _core_modules() -> list[str]:
    names = [info.name for info in pkgutil.walk_packages(reader.__path__, "reader.")]
    return [
        name
        for name in ["reader", *names]
        if name not in NOT_IMPORTED
        and not any(name == ui or name.startswith(ui + ".") for ui in UI_MODULES)
    ]


def _import_without_textual(module: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_TEXTUAL, module],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("module", _core_modules())
def test_core_module_imports_without_textual(module: str) -> None:
    done = _import_without_textual(module)
    assert done.returncode == 0, done.stderr


def test_the_walk_finds_the_core_and_leaves_out_the_ui() -> None:
    core = _core_modules()
    for module in ("reader.model", "reader.cli", "reader.query.parser", "reader.state.database"):
        assert module in core
    assert not [m for m in core if m.startswith(UI_MODULES)]


def test_the_check_above_would_notice_textual() -> None:
    done = _import_without_textual("reader.app")
    assert done.returncode != 0
    assert "textual is unimportable" in done.stderr


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_yaml_is_read_in_one_place():
    importing = [
        path.relative_to(PACKAGE).as_posix()
        for path in _sources()
        if re.search(r"^\s*(import yaml|from yaml)", path.read_text("utf-8"), re.MULTILINE)
    ]
    # feeds/feed_folder.py writes fetched articles with yaml.safe_dump; it reads none.
    assert importing == ["feeds/feed_folder.py", "frontmatter.py"]
    writer = (PACKAGE / "feeds" / "feed_folder.py").read_text("utf-8")
    assert set(re.findall(r"\byaml\.(\w+)", writer)) == {"safe_dump"}


def test_no_unsafe_yaml_loader_anywhere():
    unsafe = re.compile(r"FullLoader|UnsafeLoader|unsafe_load|full_load|Loader=yaml\.Loader\b")
    offenders = [p.name for p in _sources() if unsafe.search(p.read_text("utf-8"))]
    assert offenders == []
