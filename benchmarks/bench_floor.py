"""Issue 25's table in one run: every row side by side with its reference.

    .venv/bin/python benchmarks/bench_floor.py [--articles 100000] [--runs 2] [--presses 40]

One generated corpus of --articles files (benchmarks/generate.py, reused
between runs) and the same articles as one RSS feed in a newsboat cache.
Each round measures both sides in turn (newsreader, then its reference), so
a busy moment of the shared machine weighs on both:

- cold load (newsreader with an empty index cache, until the top line counts
  every article) against ``newsboat -x reload`` into an empty cache;
- warm start, list on screen and settled, against newsboat opening its cache
  until its feed list shows;
- peak RSS of that warm start once idle (stories and search built; VmHWM);
- ``newsreader list --limit 5`` warm against ``newsboat -x print-unread``;
- ``j`` to the detail painted, median and max over --presses, against a bare
  Textual app of as many rows on the same interpreter (bench_keys), alone
  and beside a CPU hog (one process spinning: the machine busy);
- the first screen on the bundled seeds against the bare app.

The reader's modules are compiled first, as an installed copy's are. Every
newsreader process gets XDG_* dirs of its own. Figures are medians over the
rounds (a max is the max); ratios are newsreader / reference. Timings are
this machine's at this moment: only the ratios of one run mean much.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_ingest import (  # noqa: E402
    NEWSREADER,
    Terminal,
    machine,
    newsboat_args,
    newsboat_warm,
    newsreader_cold,
    newsreader_warm,
    settled,
    timed,
    write_feeds,
    xdg_env,
)
from bench_keys import BARE_APP, first_screen, press_j  # noqa: E402
from common import corpus_dir, ensure_bytecode  # noqa: E402

# (key, label, unit, reference's name)
ROWS = [
    ("cold", "cold load, empty cache", "s", "newsboat -x reload"),
    ("warm_list", "warm start: list on screen", "s", "newsboat: feed list shown"),
    ("warm_settled", "warm start: settled", "s", "newsboat: feed list shown"),
    ("warm_peak_mb", "peak RSS, warm, idle", "MB", "newsboat"),
    ("list", "`list --limit 5`, warm", "s", "newsboat -x print-unread"),
    ("j_median", "`j` to detail painted, median", "ms", "bare Textual app"),
    ("j_max", "`j`, max of the presses", "ms", "bare Textual app"),
    ("j_hog_median", "`j` beside a CPU hog, median", "ms", "bare app beside the hog"),
    ("j_hog_max", "`j` beside a CPU hog, max", "ms", "bare app beside the hog"),
    ("start", "first screen on the bundled seeds, median", "ms", "bare Textual app"),
]
MAXIMA = {"j_max", "j_hog_max"}


@contextmanager
def cpu_hog(enabled: bool = True):
    """One process spinning on a core while the block runs."""
    if not enabled:
        yield
        return
    hog = subprocess.Popen([sys.executable, "-c", "while 1: pass"])
    try:
        time.sleep(0.3)
        yield
    finally:
        hog.kill()
        hog.wait()


def newsboat_cold(feeds: Path) -> float:
    (feeds / "cache.db").unlink(missing_ok=True)
    return timed([*newsboat_args(feeds), "-x", "reload"])


def j_presses(argv: list[str], env: dict[str, str], test, presses: int, hog: bool) -> list[float]:
    term = Terminal(argv, env)
    try:
        term.wait_for(test, 300)
        term.wait_idle(quiet=1.0)  # stories and search are built after the check
        time.sleep(0.3)
        with cpu_hog(hog):
            return press_j(term, presses)
    finally:
        term.close()


def read_every_file(folder: Path) -> None:
    """Bring the corpus into the system's page cache before the first cold load.

    "Cold" is the reader's index cache empty, not the disk: a corpus generated
    long before (or pushed out by other work) made the first round's cold load
    read 100,000 files from the disk, 25.9 s against the next round's 15.8 s,
    while newsboat's reference reads one feed file.
    """
    started = time.perf_counter()
    count = 0
    for path in folder.iterdir():
        if path.is_file():
            path.read_bytes()
            count += 1
    print(f"read {count:,} files into the page cache in {time.perf_counter() - started:.1f} s")


def measure(args: argparse.Namespace, work: Path) -> tuple[dict, dict, int]:
    n = args.articles
    corpus = corpus_dir(n, args.seed, args.corpus_root)
    home = work / "home"
    have_newsboat = shutil.which("newsboat") is not None and not args.no_newsboat
    feeds = args.corpus_root / f"newsboat-one-feed-{n}-seed{args.seed}"
    bare = work / "bare.py"
    bare.write_text(BARE_APP, encoding="utf-8")
    ours: dict[str, list[float]] = {key: [] for key, *_ in ROWS}
    theirs: dict[str, list[float]] = {key: [] for key, *_ in ROWS}
    count = n

    def note(side: dict[str, list[float]], figures: dict[str, float]) -> None:
        for key, value in figures.items():
            if key in side and value is not None:
                side[key].append(value)

    read_every_file(corpus)
    for round_ in range(args.runs):
        print(f"round {round_ + 1} of {args.runs}", flush=True)
        cold = newsreader_cold(corpus, n, home)
        count = int(cold["articles"])
        note(ours, {"cold": cold["cold"]})
        if have_newsboat:
            if not (feeds / "urls").exists():
                write_feeds(corpus, feeds, one_feed=True, cache_dir=home / "cache" / "newsreader")
            note(theirs, {"cold": newsboat_cold(feeds)})
        for _ in range(args.warm):
            note(ours, newsreader_warm(corpus, count, home))
            if have_newsboat:
                note(theirs, newsboat_warm(feeds))
        env = xdg_env(home)
        for _ in range(args.warm):
            note(ours, {"list": timed([*NEWSREADER, "list", "--limit", "5", str(corpus)], env)})
            if have_newsboat:
                note(theirs, {"list": timed([*newsboat_args(feeds), "-x", "print-unread"])})
        bare_argv = [sys.executable, str(bare), str(count)]
        bare_env = {"TEXTUAL_ANIMATIONS": "none"}
        for hog, prefix in ((False, "j"), (True, "j_hog")):
            if hog and args.no_hog:
                continue
            theirs_j = j_presses(bare_argv, bare_env, lambda s: "articles" in s, args.presses, hog)
            ours_j = j_presses([*NEWSREADER, str(corpus)], env, settled(count), args.presses, hog)
            for side, times in ((ours, ours_j), (theirs, theirs_j)):
                side[f"{prefix}_median"].append(statistics.median(times) * 1000)
                side[f"{prefix}_max"].append(max(times) * 1000)
        first_screen(NEWSREADER, settled(2), env)  # its index cache, as any start after the first
        for _ in range(args.starts):
            start_argv = [sys.executable, str(bare), "2"]
            bare_start = first_screen(start_argv, lambda s: "articles" in s, env)
            theirs["start"].append(bare_start * 1000)
            ours["start"].append(first_screen(NEWSREADER, settled(2), env) * 1000)
        if round_ + 1 < args.runs:  # so far, should a later round fail
            print(table(ours, theirs, count, args), flush=True)
    return ours, theirs, count


def _summary(key: str, values: list[float]) -> float | None:
    if not values:
        return None
    return max(values) if key in MAXIMA else statistics.median(values)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.0f} {unit}"


def table(ours: dict, theirs: dict, count: int, args: argparse.Namespace) -> str:
    lines = [
        f"\n{count:,} articles, {args.runs} round(s), {args.presses} presses, "
        f"{args.starts} starts a round\n",
        "| measure | newsreader | each round | reference | reference | ratio |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for key, label, unit, reference in ROWS:
        a, b = _summary(key, ours[key]), _summary(key, theirs[key])
        rounds = " / ".join(_fmt(v, unit) for v in ours[key]) or "–"
        ratio = f"{a / b:.2f}x" if a is not None and b else "–"
        lines.append(
            f"| {label} | {_fmt(a, unit)} | {rounds} | {reference} | {_fmt(b, unit)} | {ratio} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2, help="rounds, each side in turn")
    parser.add_argument("--warm", type=int, default=2, help="warm starts and lists a round")
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--starts", type=int, default=5, help="first screens a round, each")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-newsboat", action="store_true", help="leave the reference out")
    parser.add_argument("--no-hog", action="store_true", help="no presses beside a CPU hog")
    parser.add_argument(
        "--corpus-root",
        type=Path,
        default=Path(tempfile.gettempdir()) / "newsreader-bench",
        help="where generated corpora (and their newsboat feed) are kept",
    )
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("tmux is not installed: every row runs in a terminal", file=sys.stderr)
        return 1
    ensure_bytecode()  # as an installed copy is
    work = Path(tempfile.mkdtemp(prefix="newsreader-floor-"))
    started = time.perf_counter()
    try:
        ours, theirs, count = measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(table(ours, theirs, count, args))
    print(f"\n{time.strftime('%Y-%m-%d')}, {machine()}; took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
