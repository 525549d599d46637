"""Every benchmark runs once on a tiny corpus, so that none of them can rot.

The figures are not checked (timings never decide a test): only that each
script runs to the end and prints its table.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

RUNS = {
    "bench_load.py": ["-n", "120", "--pure-n", "20"],
    "bench_query.py": ["--articles", "2000", "--repeat", "1", "--full-texts", "200"],
    "bench_stories.py": ["--articles", "2000"],
    "bench_app.py": ["--sizes", "150", "--runs", "1", "--serial-max", "150"],
    "bench_ingest.py": ["--sizes", "150", "--runs", "1", "--no-newsboat"],
    "bench_feed_parse.py": ["--runs", "1", "--feeds", "2"],
    "bench_feed_fetch.py": ["--runs", "1", "--feeds", "2"],
    "bench_keys.py": ["--articles", "150", "--presses", "3", "--starts", "1"],
    "bench_parse.py": ["--files", "60", "--sizes", "150", "--rounds", "1", "--against", "HEAD"],
    "bench_fulltext.py": ["--pages", "8", "--repeat", "2"],
    "bench_floor.py": ["--articles", "150", "--runs", "1", "--warm", "1", "--presses", "3",
                       "--starts", "1"],
}  # fmt: skip
# Issue 25's table: bench_floor prints every row of it, each beside its reference.
FLOOR_ROWS = [
    "cold load, empty cache",
    "warm start: list on screen",
    "warm start: settled",
    "peak RSS, warm, idle",
    "`list --limit 5`, warm",
    "`j` to detail painted, median",
    "`j`, max of the presses",
    "`j` beside a CPU hog, median",
    "`j` beside a CPU hog, max",
    "first screen on the bundled seeds, median",
]
TERMINAL = ("bench_ingest.py", "bench_keys.py", "bench_floor.py")


def test_every_benchmark_is_listed():
    assert sorted(RUNS) == sorted(p.name for p in BENCHMARKS.glob("bench_*.py"))


@pytest.mark.parametrize("script", sorted(RUNS))
def test_benchmark_runs_on_a_tiny_corpus(script: str, tmp_path: Path):
    if script in TERMINAL and shutil.which("tmux") is None:
        pytest.skip(f"{script} drives the app in tmux, which is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(TMPDIR=str(tmp_path), HOME=str(tmp_path), TEXTUAL_ANIMATIONS="none")
    argv = [sys.executable, str(BENCHMARKS / script), *RUNS[script]]
    if script in ("bench_app.py", "bench_parse.py", *TERMINAL):
        argv += ["--corpus-root", str(tmp_path / "corpora")]
    if script == "bench_load.py":
        argv += ["--dir", str(tmp_path / "corpora")]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "|" in done.stdout  # a table was printed
    if script == "bench_floor.py":
        rows = {line.split(" | ")[0].lstrip("| ") for line in done.stdout.splitlines()}
        assert [row for row in FLOOR_ROWS if row not in rows] == []
