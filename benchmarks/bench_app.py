"""Startup, memory and keystroke timings of newsreader at 1k, 10k and 100k articles.

    /work/venv/bin/python benchmarks/bench_app.py [--sizes 1000,10000,100000] [--runs 3]

Each corpus is generated once by benchmarks/generate.py (under the temp dir,
keyed by N and seed, shared with bench_load.py) and reused. Every figure is
measured in a fresh Python process, with XDG_DATA/CONFIG/CACHE/STATE_HOME
pointed at a temp dir, so the user's files are never touched; the OS page
cache is warm. Figures are medians over --runs; the largest corpus (100k and
up) is measured once, last, because one cold load of it takes a minute.

Measures, for each N:
- cold loads: ``Ingest.load_all`` with no cache, one process per core and
  one worker; and with an empty cache (the first start: scan, stat, parse, save);
- warm load: ``Ingest.load`` from the cache alone, and with ``Ingest.check``
  (the scan, the stat of every file and the diff: what a warm start must do
  before it knows nothing changed);
- the app as a user sees it: ``make_app`` under Pilot (``run_test``, headless,
  120x40), timed from the process's own start (/proc/self/stat) to the first
  frame that paints the list's rows, and to the frame that paints the full
  list: warm (the cache written above in place) and with no cache (a first
  start). multiprocessing's resource tracker is started before the app: inside
  Textual it cannot start (Textual issue 3593) and a process pool fails;
  "floor" replaces the app's load worker by ``IndexCache.load`` and the first
  render alone (no check of the folders), the least a warm start can cost;
- peak RSS of those processes;
- with the store loaded: ``j``, the sort toggle ``s``, a topic switch and a
  search keystroke, each timed from the key (or call) to the frame that shows
  its result; "first" is the first time (orders, views and the search index
  are built on first use and reused after).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import corpus_dir, cpu_model, ensure_bytecode  # noqa: E402

BIG = 100_000  # corpora this large are measured once
CHILD_TIMEOUT = 1_800

# Every child starts with this line, before any import, so that the process's
# start can be found; /proc gives it to 10 ms.
PRELUDE = """\
import time as _time; T0 = _time.time(); P0 = _time.perf_counter()
import os as _os
def _process_start():
    try:
        with open("/proc/self/stat") as handle:
            ticks = int(handle.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as handle:
            uptime = float(handle.read().split()[0])
        return T0 - max(0.0, uptime - ticks / _os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return T0
START = _process_start()
import json, resource, sys
ARGS = json.loads(sys.argv[1])
def peak_mb():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1048576 if sys.platform == "darwin" else peak / 1024
def report(**figures):
    print("BENCH " + json.dumps(figures), flush=True)
"""

LOADER_CHILD = """
from pathlib import Path
from reader.cache import IndexCache
from reader.ingest import Ingest
folder = Path(ARGS["corpus"])
mode = ARGS["mode"]
if mode == "cold":
    started = _time.perf_counter()
    result = Ingest([folder], workers=ARGS["workers"]).load_all()
    report(seconds=_time.perf_counter() - started, articles=len(result.articles),
           files=result.files_read, peak_mb=peak_mb())
elif mode == "cold_write":
    cache = IndexCache([folder])
    cache.remove()
    started = _time.perf_counter()
    result = Ingest([folder], cache=cache).load_all()
    size = cache.path.stat().st_size if cache.path.exists() else 0
    report(seconds=_time.perf_counter() - started, articles=len(result.articles),
           cache_mb=size / 1048576, peak_mb=peak_mb())
elif mode == "warm":
    cache = IndexCache([folder])
    session = Ingest([folder], cache=cache)
    started = _time.perf_counter()
    (loaded,) = list(session.load())
    shown = _time.perf_counter()
    if not loaded.from_cache:
        report(error="no usable cache")
        raise SystemExit(1)
    changes = session.check()
    done = _time.perf_counter()
    report(load=shown - started, check=done - shown, seconds=done - started,
           changed=bool(changes), entries=loaded.result.files_read, peak_mb=peak_mb())
"""

APP_CHILD = """
import asyncio
from pathlib import Path

if ARGS["variant"] == "app":
    # Textual swaps sys.stderr for an object whose fileno() is -1; the first
    # process pool then fails to start multiprocessing's resource tracker
    # ("bad value(s) in fds_to_keep", Textual issue 3593) and a load of 2,000
    # files or more never ends. Starting the tracker before the app avoids it.
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
from textual import work
from textual.screen import Screen
from reader.app import NewsReaderApp, make_app
from reader.scope import ALL, Topic
from reader.widgets.article_list import ArticleList

IMPORTED = _time.time()
if ARGS["expect_cache"]:
    from reader.cache import IndexCache

    # The loader may have changed since the cache was written (a concurrent
    # edit): the start would be a cold one, timed as warm.
    if not IndexCache([Path(ARGS["corpus"])]).is_current():
        report(error="the cache is not current (the loader changed?)")
        raise SystemExit(1)

target = ARGS["articles"]
frames = []  # (perf_counter, time, rows painted, cursor, sort, scope, query)
painted = [0]
first_rows = [None]
full_list = [None]
app_ref = []

_render_line = ArticleList.render_line
def render_line(self, y):
    painted[0] = max(painted[0], len(self.articles))
    return _render_line(self, y)
ArticleList.render_line = render_line

_compositor_refresh = Screen._compositor_refresh
def compositor_refresh(self):
    _compositor_refresh(self)
    now, wall = _time.perf_counter(), _time.time()
    rows, painted[0] = painted[0], 0
    if rows and first_rows[0] is None:
        first_rows[0] = wall
    if rows >= target and full_list[0] is None:
        full_list[0] = wall
    if app_ref:
        app = app_ref[0]
        try:
            cursor = app.article_list.cursor
        except Exception:
            cursor = None
        frames.append((now, wall, rows, cursor, app.sort, app.scope, app.view.query_text))
Screen._compositor_refresh = compositor_refresh

if ARGS["variant"] == "floor":
    # The cached index and the first render alone: no check of the folders.
    from reader.tui.loading import LibraryLoading

    LibraryLoading.check = lambda self, manual=False: None


async def until(pilot, since, test, timeout=120.0):
    deadline = _time.perf_counter() + timeout
    seen = 0
    while _time.perf_counter() < deadline:
        for frame in frames[seen:]:
            if frame[0] >= since and test(frame):
                return frame[0] - since
        seen = len(frames)
        await asyncio.sleep(0.002)
    raise TimeoutError("no such frame")


def budget(count, seconds=20.0):
    # Up to count rounds, fewer when they take more than so many seconds.
    deadline = _time.perf_counter() + seconds
    for index in range(count):
        if index and _time.perf_counter() > deadline:
            return
        yield index


async def interactions(app, pilot):
    out = {}
    lst = app.article_list
    times = []
    for _ in budget(15):
        want = lst.cursor + 1
        started = _time.perf_counter()
        await pilot.press("j")
        times.append(await until(pilot, started, lambda f: f[3] == want))
        await pilot.pause(0.03)
    out["j"] = times
    times = []
    for _ in budget(6):
        want = "quality" if app.sort == "date" else "date"
        started = _time.perf_counter()
        await pilot.press("s")
        times.append(await until(pilot, started, lambda f: f[4] == want and f[2] > 0))
        await pilot.pause(0.05)
    out["sort"] = times
    if app.sort != "date":
        await pilot.press("s")
        await pilot.pause(0.05)
    times = []
    for _, (name, _count) in zip(budget(6), app.store.topics()):
        want = Topic(name)
        started = _time.perf_counter()
        app.scope = want
        times.append(await until(pilot, started, lambda f: f[5] == want and f[2] > 0))
        await pilot.pause(0.05)
        app.scope = ALL
        await pilot.pause(0.05)
    out["topic"] = times
    times = []
    for _ in budget(6):
        for text in ("f", "fa"):
            app.apply_query(text)
            await pilot.pause(0.02)
        started = _time.perf_counter()
        app.apply_query("fac")
        times.append(await until(pilot, started, lambda f: f[6] == "fac"))
        await pilot.pause(0.05)
        app.apply_query("")
        await pilot.pause(0.05)
    out["search"] = times
    return out


async def main():
    app = make_app([Path(ARGS["corpus"])], state_path=Path(ARGS["state"]),
                   load_workers=ARGS.get("workers"))
    app_ref.append(app)
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = _time.perf_counter() + ARGS["timeout"]
        while full_list[0] is None:
            if _time.perf_counter() > deadline:
                raise TimeoutError("the list never showed every article")
            await asyncio.sleep(0.005)
        figures = dict(first_rows=first_rows[0] - START, full_list=full_list[0] - START,
                       peak_list_mb=peak_mb(), imports=IMPORTED - START)
        if ARGS["interact"]:
            # Let the load, the check of a cached start, stories and the search
            # index finish first: keys are timed on a settled app.
            while app.library_loading.loading or getattr(app, "checking", False):
                await asyncio.sleep(0.01)
            while not all(worker.is_finished for worker in app.workers):
                await asyncio.sleep(0.05)
            await pilot.pause(0.3)
            figures.update(await interactions(app, pilot))
        figures["peak_mb"] = peak_mb()
    report(**figures)

asyncio.run(main())
"""


# ------------------------------------------------------------------ corpora


# ------------------------------------------------------------------ children


def run_child(script: str, args: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    """Run one measure in a fresh interpreter; its figures, or {"error": ...}.

    The child gets a session of its own, so that its process pool goes with
    it when it times out or the benchmark is interrupted.
    """
    child = subprocess.Popen(
        [sys.executable, "-c", PRELUDE + script, json.dumps(args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        stdout, stderr = child.communicate(timeout=CHILD_TIMEOUT)
    except BaseException as error:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        if isinstance(error, subprocess.TimeoutExpired):
            return {"error": "timed out"}
        raise
    for line in reversed(stdout.splitlines()):
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    tail = (stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"exit {child.returncode}: {tail}"}


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATA", "CONFIG", "CACHE", "STATE"):
        folder = home / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(folder)
    env.pop("TEXTUAL", None)  # no devtools
    return env


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


class Table:
    """Rows of figures by N, printed as Markdown."""

    def __init__(self, sizes: list[int]) -> None:
        self.sizes = sizes
        self.rows: dict[str, dict[int, str]] = {}

    def put(self, row: str, n: int, value: float | None, fmt: Callable[[float], str]) -> None:
        self.rows.setdefault(row, {})[n] = "–" if value is None else fmt(value)

    def note(self, row: str, n: int, text: str) -> None:
        self.rows.setdefault(row, {})[n] = text

    def markdown(self) -> str:
        head = "| measure | " + " | ".join(f"{n:,}" for n in self.sizes) + " |"
        rule = "|---|" + "---:|" * len(self.sizes)
        lines = [head, rule]
        for row, values in self.rows.items():
            cells = " | ".join(values.get(n, "") for n in self.sizes)
            lines.append(f"| {row} | {cells} |")
        return "\n".join(lines)


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def millis(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def megabytes(value: float) -> str:
    return f"{value:.0f} MB"


# ------------------------------------------------------------------ measures


def measure(
    n: int,
    runs: int,
    seed: int,
    root: Path,
    table: Table,
    workdir: Path,
    serial_max: int,
    skip_cold: bool,
) -> None:
    corpus = corpus_dir(n, seed, root)
    home = workdir / f"xdg-{n}"
    env = child_env(home)
    runs = 1 if n >= BIG else runs
    log = lambda text: print(f"  [{n:,}] {text}", flush=True)  # noqa: E731

    def repeat(script: str, args: dict[str, Any], label: str) -> list[dict[str, Any]]:
        results = []
        for _ in range(runs):
            figures = run_child(script, args, env)
            if "error" in figures:
                log(f"{label}: {figures['error']}")
                continue
            results.append(figures)
        log(f"{label}: done")
        return results

    def put(row: str, results: list[dict[str, Any]], key: str, fmt: Callable[[float], str]):
        values = [r[key] for r in results if r.get(key) is not None]
        if values and isinstance(values[0], list):
            values = [statistics.median(v) for v in values if v]
        table.put(row, n, median(values), fmt)

    articles = n
    if not skip_cold:
        args = {"corpus": str(corpus), "mode": "cold", "workers": None}
        cold = repeat(LOADER_CHILD, args, "cold")
        put("cold load, one process per core", cold, "seconds", seconds)
        articles = cold[0]["articles"] if cold else n
        if n <= serial_max:
            args = {"corpus": str(corpus), "mode": "cold", "workers": 1}
            serial = repeat(LOADER_CHILD, args, "serial")
            put("cold load, 1 worker", serial, "seconds", seconds)
            put("cold load, peak RSS (1 worker)", serial, "peak_mb", megabytes)
        else:
            table.note("cold load, 1 worker", n, "not run")

    written = repeat(LOADER_CHILD, {"corpus": str(corpus), "mode": "cold_write"}, "cold+write")
    put("cold load + cache written", written, "seconds", seconds)
    put("cache file size", written, "cache_mb", lambda v: f"{v:.1f} MB")
    articles = written[0]["articles"] if written else articles
    warm = repeat(LOADER_CHILD, {"corpus": str(corpus), "mode": "warm"}, "warm")
    put("warm: the cached index loaded", warm, "load", seconds)
    put("warm: + the check (scan, stat, diff)", warm, "seconds", seconds)
    put("warm: of which the check", warm, "check", seconds)
    if any(r["changed"] for r in warm):
        log("warm: the check found changes (files not served from the cache)")

    state = lambda: str(Path(tempfile.mkdtemp(dir=workdir)) / "state.sqlite3")  # noqa: E731
    timeout = 120 + n / 500  # a cold load of 100,000 files takes about a minute
    base = {"corpus": str(corpus), "articles": articles, "workers": None, "timeout": timeout}

    def apps(variant: str, interact: bool, clear_cache: bool = False) -> list[dict[str, Any]]:
        results = []
        for _ in range(runs):
            if clear_cache:
                shutil.rmtree(home / "cache" / "newsreader", ignore_errors=True)
            args = base | {
                "variant": variant,
                "interact": interact,
                "state": state(),
                "expect_cache": not clear_cache,
            }
            figures = run_child(APP_CHILD, args, env)
            label = f"app {variant}" + (" (no cache)" if clear_cache else "")
            log(f"{label}: {figures.get('error', 'done')}")
            if "error" not in figures:
                results.append(figures)
        return results

    warm_app = apps("app", interact=True)  # the cache written above is in place
    put("app, warm: list on screen (from process start)", warm_app, "full_list", seconds)
    put("app, warm: peak RSS (after the keys below)", warm_app, "peak_mb", megabytes)
    floor = apps("floor", interact=False)
    put("floor: cache load + store + first render", floor, "full_list", seconds)
    put("floor: of which Python start + imports", floor, "imports", seconds)
    put("floor: peak RSS", floor, "peak_mb", megabytes)
    first = apps("app", interact=False, clear_cache=True)
    put("app, no cache: first rows on screen", first, "first_rows", seconds)
    put("app, no cache: full list on screen", first, "full_list", seconds)
    put("app, no cache: peak RSS", first, "peak_mb", megabytes)
    put("`j` (press to repaint)", warm_app, "j", millis)
    sort_first = [{"v": r["sort"][0]} for r in warm_app if r.get("sort")]
    put("sort toggle `s`, first", sort_first, "v", millis)
    put("sort toggle `s`, median", warm_app, "sort", millis)
    put("topic switch (a new topic each time)", warm_app, "topic", millis)
    put("search keystroke (`fa` → `fac`)", warm_app, "search", millis)


def machine() -> str:
    model = cpu_model()
    try:
        import textual

        textual_version = textual.__version__
    except (ImportError, AttributeError):
        textual_version = "?"
    try:
        import yaml

        libyaml = "libyaml" if getattr(yaml, "__with_libyaml__", False) else "pure-Python YAML"
    except ImportError:
        libyaml = "?"
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"Textual {textual_version}, {libyaml}, {platform.system()} {platform.release()}; "
        f"load average {load}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated N")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (N < 100k)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--skip-cold",
        action="store_true",
        help="skip the plain cold loads (no cache), which do not depend on the app",
    )
    parser.add_argument(
        "--serial-max",
        type=int,
        default=10_000,
        help="largest N to cold-load with one worker (it grows linearly; 100k takes minutes)",
    )
    parser.add_argument(
        "--corpus-root",
        type=Path,
        default=Path(tempfile.gettempdir()) / "newsreader-bench",
        help="where generated corpora are kept",
    )
    args = parser.parse_args(argv)
    ensure_bytecode()  # as an installed copy is
    sizes = sorted(int(size.replace("_", "")) for size in args.sizes.split(","))
    table = Table(sizes)
    started = time.perf_counter()
    before = machine()
    workdir = Path(tempfile.mkdtemp(prefix="newsreader-bench-app-"))
    try:
        for n in sizes:
            print(f"N = {n:,}", flush=True)
            measure(
                n,
                args.runs,
                args.seed,
                args.corpus_root,
                table,
                workdir,
                args.serial_max,
                args.skip_cold,
            )
            print(table.markdown(), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(table.markdown())
    print()
    print(f"Machine: {before}")
    print(f"Load average at the end: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    took = time.perf_counter() - started
    print(f"Medians of {args.runs} runs ({BIG:,} and up: one run); took {took:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
