"""Loading a library, side by side with newsboat holding the same articles.

    .venv/bin/python benchmarks/bench_ingest.py [--sizes 10000,100000] [--runs 3]

For each N a corpus is generated (benchmarks/generate.py, reused between runs)
and, when newsboat is installed, the same articles are written as RSS feeds (one
per provider, read through file:// URLs) and loaded into a newsboat cache once.
Then, in real terminals (tmux, 120x40) and fresh processes:

- cold: newsreader with an empty index cache, from launch until the top line
  shows every article and no "loading"; the per-file rate of the first and the
  second half of the files (read off the "loading X/Y files" progress);
- warm, list on screen: launch to the first screen whose top line counts every
  article (newsboat: its feed list, "Your feeds");
- warm, settled: launch until nothing is "loading" or "checking for changes"
  (newsboat is settled once its list shows); and whether ``j`` pressed while
  the check runs is answered (ms to the screen changing);
- peak RSS of the warm start (VmHWM of the process, read at the end);
- ``newsreader list --limit 5`` on a warm cache against ``newsboat -x
  print-unread`` (both read the whole library), median of --runs.

Every newsreader process gets XDG_* dirs of its own (the user's are never
touched). Figures are medians; ratios are newsreader / newsboat. Timings are
for this machine at this moment: run the two side by side, compare ratios.
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import corpus_dir, cpu_model, ensure_bytecode  # noqa: E402

BIN = Path(sys.executable).parent
NEWSREADER = (
    [str(BIN / "newsreader")]
    if (BIN / "newsreader").exists()
    else [
        sys.executable,
        "-m",
        "reader",
    ]
)
SIZE = (120, 40)
POLL = 0.02  # seconds between looks at the screen


# ------------------------------------------------------------------ corpora


def write_feeds(
    corpus: Path, out: Path, *, one_feed: bool = False, cache_dir: Path | None = None
) -> int:
    """The corpus as RSS 2.0 feeds, one per provider (or all in one): what newsboat
    will hold. ``cache_dir`` names an index cache of the corpus to read instead of
    parsing every file again."""
    from reader.cache import IndexCache
    from reader.ingest import Ingest
    from reader.seedfile import load_detail

    cache = IndexCache([corpus], cache_dir) if cache_dir is not None else None
    result = Ingest([corpus], cache=cache, workers=None).load_all()
    by_provider: dict[str, list] = {}
    for article in result.articles:
        key = "All articles" if one_feed else (article.provider or "unknown")
        by_provider.setdefault(key, []).append(article)
    out.mkdir(parents=True, exist_ok=True)
    urls = []
    for number, (provider, articles) in enumerate(sorted(by_provider.items())):
        items = []
        for article in articles:
            link = article.url or f"https://example.invalid/{abs(hash(article.id))}"
            date = format_datetime(article.published) if article.published else ""
            title, guid = html.escape(article.title), html.escape(article.id)
            text = html.escape(load_detail(article).excerpt)
            items.append(
                f"<item><title>{title}</title><link>{html.escape(link)}</link>"
                f"<guid>{guid}</guid><pubDate>{date}</pubDate>"
                f"<description>{text}</description></item>"
            )
        path = out / f"feed-{number:04}.xml"
        path.write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{html.escape(provider)}</title><link>https://example.invalid/</link>"
            f"<description>{html.escape(provider)}</description>{''.join(items)}"
            "</channel></rss>",
            encoding="utf-8",
        )
        urls.append(path.resolve().as_uri())
    (out / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
    (out / "config").write_text("", encoding="utf-8")
    return len(result.articles)


def newsboat_args(feeds: Path) -> list[str]:
    return [
        "newsboat",
        "-u",
        str(feeds / "urls"),
        "-c",
        str(feeds / "cache.db"),
        "-C",
        str(feeds / "config"),
    ]


# ------------------------------------------------------------------ terminals


class Terminal:
    """One program in a detached tmux session of SIZE, read through capture-pane."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.name = f"bench{os.getpid()}{time.monotonic_ns()}"
        command = " ".join(_quote(a) for a in argv)
        env_args = [item for key, value in env.items() for item in ("-e", f"{key}={value}")]
        self.started = time.perf_counter()
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", str(SIZE[0]), "-y", str(SIZE[1])]
            + env_args
            + [f"exec {command}"],
            check=True,
        )

    def screen(self) -> str:
        done = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
        )
        return done.stdout

    def wait_for(self, test, timeout: float) -> tuple[float, str]:
        """Seconds from launch to the first screen that passes ``test``."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            text = self.screen()
            if test(text):
                return time.perf_counter() - self.started, text
            time.sleep(POLL)
        raise TimeoutError(f"no such screen; last:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def pid(self) -> int | None:
        done = subprocess.run(
            ["tmux", "list-panes", "-t", self.name, "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
        )
        return int(done.stdout.split()[0]) if done.stdout.split() else None

    def wait_idle(self, quiet: float = 1.5, timeout: float = 120) -> None:
        """Wait until the program has used no CPU for ``quiet`` seconds (its work in
        the background, such as grouping stories, is done)."""
        pid = self.pid()
        if pid is None:
            return
        deadline = time.perf_counter() + timeout
        last, since = -1, time.perf_counter()
        while time.perf_counter() < deadline:
            try:
                with open(f"/proc/{pid}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                ticks = int(fields[11]) + int(fields[12])
            except (OSError, ValueError, IndexError):
                return
            now = time.perf_counter()
            if ticks != last:
                last, since = ticks, now
            elif now - since >= quiet:
                return
            time.sleep(0.1)

    def peak_mb(self) -> float | None:
        """VmHWM of the pane's process (the program itself: it was exec'ed)."""
        done = subprocess.run(
            ["tmux", "list-panes", "-t", self.name, "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
        )
        try:
            pid = int(done.stdout.split()[0])
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except (OSError, ValueError, IndexError):
            return None
        return None

    def quit(self, key: str = "q", timeout: float = 30) -> None:
        """Quit as a user does (the program saves what it saves at exit), then close."""
        pid = self.pid()
        self.keys(key)
        deadline = time.perf_counter() + timeout
        while pid is not None and time.perf_counter() < deadline and os.path.exists(f"/proc/{pid}"):
            time.sleep(0.05)
        self.close()

    def close(self) -> None:
        done = subprocess.run(
            ["tmux", "list-panes", "-t", self.name, "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
        )
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)
        # Wait for the program to be gone: newsboat keeps a lock on its cache until then.
        pids = [int(p) for p in done.stdout.split() if p.isdigit()]
        deadline = time.perf_counter() + 10
        while pids and time.perf_counter() < deadline and os.path.exists(f"/proc/{pids[0]}"):
            time.sleep(0.05)


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


def top_line(screen: str) -> str:
    return screen.splitlines()[0] if screen else ""


def shows_every_article(n: int):
    count = f"{n:,} article"

    def test(screen: str) -> bool:
        line = top_line(screen)
        return count in line and "loading" not in line

    return test


def settled(n: int):
    every = shows_every_article(n)
    return lambda screen: every(screen) and "checking" not in top_line(screen)


def loading_progress(screen: str) -> tuple[int, int] | None:
    line = top_line(screen)
    if "loading " not in line:
        return None
    try:
        part = line.split("loading ", 1)[1].split(" files", 1)[0]
        done, total = part.split("/")
        return int(done.replace(",", "")), int(total.replace(",", ""))
    except (IndexError, ValueError):
        return None


# ------------------------------------------------------------------ measures


def xdg_env(home: Path) -> dict[str, str]:
    env = {}
    for name in ("DATA", "CONFIG", "CACHE", "STATE"):
        folder = home / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(folder)
    env["TEXTUAL_ANIMATIONS"] = "none"
    # Pictures off: the corpus's picture URLs name made-up hosts, and a benchmark
    # never reaches the network.
    config = home / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('images = "off"\n', encoding="utf-8")
    return env


def loaded_count(screen: str) -> int | None:
    """The article count of a top line that is done loading."""
    line = top_line(screen)
    if "loading" in line or " articles," not in line:
        return None
    try:
        return int(line.split(" articles,", 1)[0].rsplit("│", 1)[1].strip().replace(",", ""))
    except (IndexError, ValueError):
        return None


def newsreader_cold(corpus: Path, n: int, home: Path) -> dict[str, float]:
    shutil.rmtree(home / "cache", ignore_errors=True)
    env = xdg_env(home)
    term = Terminal([*NEWSREADER, str(corpus)], env)
    try:
        half = None
        deadline = time.perf_counter() + 60 + n / 500
        while time.perf_counter() < deadline:
            screen = term.screen()
            progress = loading_progress(screen)
            now = time.perf_counter() - term.started
            if progress and progress[1] and half is None and progress[0] >= progress[1] // 2:
                half = now
            count = loaded_count(screen)
            if count is not None:
                break
            time.sleep(0.05)
        else:
            raise TimeoutError("the cold load never finished")
        total = time.perf_counter() - term.started
        figures = {"cold": total, "articles": count}
        if half is not None:
            figures["first_half_ms_per_1k"] = half / (n / 2) * 1000  # ms a file
            figures["second_half_ms_per_1k"] = (total - half) / (n / 2) * 1000
        # Let the cache be written before the next (warm) start, then quit as a user
        # does: the reader writes its front page at exit.
        term.wait_for(settled(count), 120)
        time.sleep(1 + n / 20_000)
        term.quit()
        return figures
    finally:
        term.close()


def newsreader_warm(corpus: Path, n: int, home: Path) -> dict[str, float]:
    env = xdg_env(home)
    term = Terminal([*NEWSREADER, str(corpus)], env)
    try:
        shown, screen = term.wait_for(shows_every_article(n), 120)
        figures = {"warm_list": shown}
        key_ms = None
        if "checking" in top_line(screen):
            before = screen.splitlines()[1:]
            pressed = time.perf_counter()
            term.keys("j")
            try:
                term.wait_for(lambda s: s.splitlines()[1:] != before, 5)
                key_ms = (time.perf_counter() - pressed) * 1000
            except TimeoutError:
                key_ms = None
        done, _ = term.wait_for(settled(n), 120)
        figures["warm_settled"] = done
        if key_ms is not None:
            figures["j_during_check_ms"] = key_ms
        term.wait_idle()  # stories and the search index are built after the check
        peak = term.peak_mb()
        if peak is not None:
            figures["warm_peak_mb"] = peak
        term.quit()  # as a user does: what the next start shows first is written at exit
        return figures
    finally:
        term.close()


def newsboat_warm(feeds: Path) -> dict[str, float]:
    term = Terminal(newsboat_args(feeds), {})
    try:
        shown, _ = term.wait_for(lambda s: "Your feeds" in s, 300)
        term.wait_idle()
        figures = {"warm_list": shown, "warm_settled": shown}
        peak = term.peak_mb()
        if peak is not None:
            figures["warm_peak_mb"] = peak
        return figures
    finally:
        term.close()


def timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        check=True,
    )
    return time.perf_counter() - started


def median_of(runs: list[dict[str, float]], key: str) -> float | None:
    values = [r[key] for r in runs if key in r]
    return statistics.median(values) if values else None


def measure(n: int, args: argparse.Namespace, work: Path) -> dict[str, dict[str, float | None]]:
    corpus = corpus_dir(n, args.seed, args.corpus_root)
    home = work / f"home-{n}"
    have_tmux = shutil.which("tmux") is not None
    have_newsboat = shutil.which("newsboat") is not None and have_tmux and not args.no_newsboat
    ours: dict[str, float | None] = {}
    theirs: dict[str, float | None] = {}
    if have_tmux:
        cold = newsreader_cold(corpus, n, home)
        ours.update(cold)
        articles = int(cold["articles"])
        warm = [newsreader_warm(corpus, articles, home) for _ in range(args.runs)]
        for key in ("warm_list", "warm_settled", "warm_peak_mb", "j_during_check_ms"):
            ours[key] = median_of(warm, key)
    else:
        print("tmux is not installed: terminal measures skipped")
    env = xdg_env(home)
    timed([*NEWSREADER, "list", "--limit", "5", str(corpus)], env)  # the cache is current
    ours["list"] = statistics.median(
        timed([*NEWSREADER, "list", "--limit", "5", str(corpus)], env) for _ in range(args.runs)
    )
    if have_newsboat:
        feeds = args.corpus_root / f"newsboat-{n}-seed{args.seed}"
        cold_file = feeds / "cold-seconds.txt"
        if not (feeds / "cache.db").exists() or not cold_file.exists():
            (feeds / "cache.db").unlink(missing_ok=True)
            write_feeds(corpus, feeds)
            cold_file.write_text(str(timed([*newsboat_args(feeds), "-x", "reload"])))
        theirs["cold"] = float(cold_file.read_text())
        warm = [newsboat_warm(feeds) for _ in range(args.runs)]
        for key in ("warm_list", "warm_settled", "warm_peak_mb"):
            theirs[key] = median_of(warm, key)
        theirs["list"] = statistics.median(
            timed([*newsboat_args(feeds), "-x", "print-unread"]) for _ in range(args.runs)
        )
    return {"newsreader": ours, "newsboat": theirs}


ROWS = [
    ("cold", "cold load, until the top line shows every article", "s"),
    ("first_half_ms_per_1k", "cold: first half of the files, per file", "ms"),
    ("second_half_ms_per_1k", "cold: second half of the files, per file", "ms"),
    ("warm_list", "warm start: list on screen", "s"),
    ("warm_settled", "warm start: settled (no loading/checking)", "s"),
    ("j_during_check_ms", "warm start: `j` pressed during the check, answered in", "ms"),
    ("warm_peak_mb", "warm start: peak RSS, once idle (stories and search built)", "MB"),
    ("list", "`list --limit 5` (newsboat: `-x print-unread`), warm", "s"),
]


def table(results: dict[int, dict[str, dict[str, float | None]]]) -> str:
    lines = []
    for n, figures in results.items():
        lines.append(f"\n{n:,} articles\n")
        lines.append("| measure | newsreader | newsboat | ratio |")
        lines.append("|---|---:|---:|---:|")
        ours, theirs = figures["newsreader"], figures["newsboat"]
        for key, label, unit in ROWS:
            a, b = ours.get(key), theirs.get(key)
            if a is None and b is None:
                continue
            ratio = f"{a / b:.2f}x" if a is not None and b else "–"
            lines.append(f"| {label} | {_fmt(a, unit)} | {_fmt(b, unit)} | {ratio} |")
    return "\n".join(lines)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms" and value < 10:
        return f"{value:.2f} ms"
    return f"{value:.0f} {unit}"


def machine() -> str:
    model = cpu_model()
    version = "not installed"
    if shutil.which("newsboat"):
        done = subprocess.run(["newsboat", "-v"], capture_output=True, text=True)
        version = (done.stdout.splitlines() or ["?"])[0]
    return f"{os.cpu_count()} cores ({model}), Python {sys.version.split()[0]}; {version}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated N")
    parser.add_argument("--runs", type=int, default=3, help="warm runs per measure")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-newsboat", action="store_true", help="measure newsreader alone")
    parser.add_argument(
        "--corpus-root",
        type=Path,
        default=Path(tempfile.gettempdir()) / "newsreader-bench",
        help="where generated corpora (and their newsboat feeds) are kept",
    )
    args = parser.parse_args(argv)
    ensure_bytecode()  # as an installed copy is
    sizes = sorted(int(size.replace("_", "")) for size in args.sizes.split(","))
    work = Path(tempfile.mkdtemp(prefix="newsreader-bench-ingest-"))
    results = {}
    started = time.perf_counter()
    try:
        for n in sizes:
            print(f"N = {n:,}", flush=True)
            results[n] = measure(n, args, work)
            print(table({n: results[n]}), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(table(results))
    print(f"\n{time.strftime('%Y-%m-%d')}, {machine()}; took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
