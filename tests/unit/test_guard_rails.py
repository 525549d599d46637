"""Guard rails a machine checks: the type checker over reader/ and the import contracts.

Both read their settings from pyproject.toml ([tool.mypy], [tool.importlinter]), so
running `mypy` or `lint-imports` by hand gives the same answer as this test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str:
    # The test extra installs both beside this interpreter.
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def test_reader_type_checks_clean():
    done = subprocess.run(
        [_tool("mypy"), "--no-error-summary"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_import_contracts_are_kept():
    done = subprocess.run(
        [_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
