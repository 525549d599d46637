"""Keys and first screen in a real terminal, against a bare Textual app in the same run.

    .venv/bin/python benchmarks/bench_keys.py [--articles 100000] [--presses 40]

Both programs run in tmux (120x40) with the same interpreter:

- the bare app: a one-line top bar, a line-API list of N rows and a Static
  detail that ``j`` updates: the least a Textual reader can do per key;
- newsreader on a generated library of N articles (warm: its index cache is
  written first), settled (nothing loading or checking).

Measured: ``j`` from the key sent to the last change of the screen it caused
(list and detail both painted: the screen then stays still for QUIET
seconds), median and max over --presses, each after a pause; and the first
screen from launch (newsreader on its bundled seeds, settled; the bare app
on two rows), starts of the two taking turns. Printed as ratios, newsreader /
bare app. Timings are this machine's at this moment; only ratios of a
side-by-side run mean anything. The reader's modules are compiled first, as
an installed copy's are.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_ingest import NEWSREADER, Terminal, settled, xdg_env  # noqa: E402
from common import corpus_dir, ensure_bytecode  # noqa: E402

BARE_APP = textwrap.dedent(
    """
    import sys
    from rich.segment import Segment
    from textual.app import App
    from textual.binding import Binding
    from textual.geometry import Size
    from textual.scroll_view import ScrollView
    from textual.strip import Strip
    from textual.widgets import Static

    N = int(sys.argv[1])
    TITLES = [f"Bare article number {n} with a title of some length" for n in range(N)]


    class Rows(ScrollView, can_focus=True):
        BINDINGS = [Binding("j", "down"), Binding("k", "up")]
        cursor = 0

        def on_mount(self):
            self.virtual_size = Size(80, N)

        def render_line(self, y):
            index = int(self.scroll_offset.y) + y
            if index >= N:
                return Strip.blank(self.size.width)
            style = "reverse" if index == self.cursor else ""
            text = TITLES[index][: self.size.width].ljust(self.size.width)
            return Strip([Segment(text, self.app.console.get_style(style or "none"))])

        def action_down(self):
            self.cursor = min(N - 1, self.cursor + 1)
            self.scroll_to_region_cursor()
            self.refresh()
            self.app.query_one("#detail", Static).update(f"Detail of {TITLES[self.cursor]}")

        def action_up(self):
            self.cursor = max(0, self.cursor - 1)
            self.scroll_to_region_cursor()
            self.refresh()
            self.app.query_one("#detail", Static).update(f"Detail of {TITLES[self.cursor]}")

        def scroll_to_region_cursor(self):
            top = int(self.scroll_offset.y)
            if self.cursor >= top + self.size.height:
                self.scroll_to(y=self.cursor - self.size.height + 1, animate=False)


    class Bare(App):
        CSS = "#top { height: 1; } Rows { height: 1fr; } #detail { height: 12; }"

        def compose(self):
            yield Static(f"bare │ {N:,} articles", id="top")
            yield Rows()
            yield Static("Detail of " + TITLES[0], id="detail")

        def on_mount(self):
            self.query_one(Rows).focus()


    Bare().run()
    """
)


QUIET = 0.12  # seconds without a change after which a key's answer is complete


def answered(term: Terminal, before: str, sent: float, timeout: float = 5.0) -> float:
    """Seconds from ``sent`` to the last change the key made: the first change may be
    only part of the answer (the list moved, the detail not yet drawn)."""
    deadline = sent + timeout
    last, last_change = before, None
    while time.perf_counter() < deadline:
        screen = term.screen()
        now = time.perf_counter()
        if screen != last:
            last, last_change = screen, now
        elif last_change is not None and now - last_change >= QUIET:
            return last_change - sent
        time.sleep(0.002)
    raise TimeoutError("the key was never answered")


def press_j(term: Terminal, presses: int) -> list[float]:
    times = []
    for _ in range(presses):
        before = term.screen()
        sent = time.perf_counter()
        term.keys("j")
        times.append(answered(term, before, sent))
        time.sleep(0.05)  # a pause between presses (the answer was still for QUIET already)
    return times


def first_screen(argv: list[str], test, env: dict[str, str]) -> float:
    term = Terminal(argv, env)
    try:
        shown, _ = term.wait_for(test, 60)
        return shown
    finally:
        term.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--starts", type=int, default=7, help="first-screen runs each")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--corpus-root", type=Path, default=Path(tempfile.gettempdir()) / "newsreader-bench"
    )
    args = parser.parse_args(argv)
    ensure_bytecode()
    work = Path(tempfile.mkdtemp(prefix="newsreader-bench-keys-"))
    bare = work / "bare.py"
    bare.write_text(BARE_APP, encoding="utf-8")
    env = xdg_env(work / "home")
    corpus = corpus_dir(args.articles, args.seed, args.corpus_root)
    # Warm the index cache, and learn the article count.
    subprocess.run([*NEWSREADER, "list", "--limit", "1", str(corpus)], env=env, check=True,
                   capture_output=True)  # fmt: skip
    done = subprocess.run(
        [*NEWSREADER, "check", str(corpus)], env=env, capture_output=True, text=True
    )
    count = int(done.stdout.strip().splitlines()[-1].split(": ")[1].split()[0].replace(",", ""))

    results: dict[str, list[float]] = {}
    term = Terminal([sys.executable, str(bare), str(count)], {"TEXTUAL_ANIMATIONS": "none"})
    try:
        term.wait_for(lambda s: "articles" in s, 60)
        time.sleep(0.5)
        results["bare j"] = press_j(term, args.presses)
    finally:
        term.close()
    term = Terminal([*NEWSREADER, str(corpus)], env)
    try:
        term.wait_for(settled(count), 120)
        time.sleep(max(3.0, count / 10_000))  # stories and search are indexed after the check
        results["newsreader j"] = press_j(term, args.presses)
    finally:
        term.close()
    results["bare start"], results["newsreader start"] = [], []
    first_screen(NEWSREADER, settled(2), env)  # its index cache, as any start after the first
    for _ in range(args.starts):  # taking turns: a busy moment weighs on both
        bare_start = first_screen([sys.executable, str(bare), "2"], lambda s: "articles" in s, env)
        results["bare start"].append(bare_start)
        results["newsreader start"].append(first_screen(NEWSREADER, settled(2), env))

    def ms(values: list[float], how) -> str:
        return f"{how(values) * 1000:.0f} ms"

    nj, bj = results["newsreader j"], results["bare j"]
    ns, bs = results["newsreader start"], results["bare start"]
    rows = [
        ("`j` to the next article painted, median", ms(nj, statistics.median),
         ms(bj, statistics.median), statistics.median(nj) / statistics.median(bj)),
        ("`j` to the next article painted, max", ms(nj, max), ms(bj, max), max(nj) / max(bj)),
        ("first screen on the bundled seeds, median", ms(ns, statistics.median),
         ms(bs, statistics.median), statistics.median(ns) / statistics.median(bs)),
    ]  # fmt: skip
    print(f"\n{count:,} articles, {args.presses} presses, {args.starts} starts each\n")
    print("| measure | newsreader | bare Textual app | ratio |")
    print("|---|---:|---:|---:|")
    for label, ours, theirs, ratio in rows:
        print(f"| {label} | {ours} | {theirs} | {ratio:.2f}x |")
    print(f"\n{time.strftime('%Y-%m-%d')}, {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
