"""Rules the whole package keeps: the core is free of Textual, YAML is read in one place."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import reader

PACKAGE = Path(reader.__file__).resolve().parent
CORE_MODULES = (
    "reader",
    "reader.model",
    "reader.text",
    "reader.paths",
    "reader.loader",
    "reader.store",
    "reader.cli",
)


def test_core_modules_do_not_import_textual():
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"textual imported by the core: {done.stdout.strip()}"


def test_the_check_above_would_notice_textual():
    done = subprocess.run(
        [sys.executable, "-c", "import textual.app, sys; print('textual' in sys.modules)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "True"


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_yaml_is_read_in_one_place():
    importing = [
        path.relative_to(PACKAGE).as_posix()
        for path in _sources()
        if re.search(r"^\s*(import yaml|from yaml)", path.read_text("utf-8"), re.MULTILINE)
    ]
    # feeds/store.py writes fetched articles with yaml.safe_dump; it reads none.
    assert importing == ["feeds/store.py", "loader.py"]
    writer = (PACKAGE / "feeds" / "store.py").read_text("utf-8")
    assert set(re.findall(r"\byaml\.(\w+)", writer)) == {"safe_dump"}


def test_no_unsafe_yaml_loader_anywhere():
    unsafe = re.compile(r"FullLoader|UnsafeLoader|unsafe_load|full_load|Loader=yaml\.Loader\b")
    offenders = [p.name for p in _sources() if unsafe.search(p.read_text("utf-8"))]
    assert offenders == []
