"""The wheel carries the bundled seeds, and an installed copy finds them from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = ("000_310119c898b6a1e9.txt", "004_dd248e23a54aa586.txt")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling")
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = out.glob("newsreader-*.whl")
    return built


def test_wheel_contains_the_seeds_byte_for_byte(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for seed in SEEDS:
            assert f"reader/_seeds/{seed}" in names
            assert archive.read(f"reader/_seeds/{seed}") == (REPO / "seeds" / seed).read_bytes()
        assert "reader/cli/__init__.py" in names and "reader/seedfile.py" in names
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "newsreader = reader.cli:main" in archive.read(entry_points).decode()
        assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)


def test_installed_copy_lists_its_seeds_from_any_directory(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    empty = tmp_path / "home"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(PYTHONPATH=str(site), HOME=str(empty), XDG_DATA_HOME=str(empty / "data"))
    code = (
        "import reader, reader.paths, sys\n"
        "print(reader.__file__)\n"
        "print(reader.paths.bundled_seeds_dir())\n"
        "from reader.cli import main\n"
        "sys.exit(main(['list']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd="/", env=env
    )
    assert done.returncode == 0, done.stderr
    module, seeds_dir, *articles = done.stdout.splitlines()
    assert Path(module).is_relative_to(site)
    assert Path(seeds_dir) == site / "reader" / "_seeds"
    assert len(articles) == 2
    assert articles[0].endswith("Amazon stops police use of facial recognition technology")
