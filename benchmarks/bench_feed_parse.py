"""What the bounded feed parse costs: a fetch of 30 feeds, and one parse in and out of process.

    /work/venv/bin/python benchmarks/bench_feed_parse.py [--runs 5] [--feeds 30]

Serves generated RSS feeds from 127.0.0.1 and runs ``fetch_all`` on 30 of them
(4 threads, as ``newsreader fetch`` does), each fetch into an empty temp folder,
XDG dirs pointed at a temp dir. Two sizes: small feeds (20 items, ~10 KB),
parsed in-process after the pre-check, and feeds past the in-process threshold
(~300 KB), parsed in the worker processes. Then single parses of each size:
in-process, in a worker that is already running, and the start of a worker.
Figures are medians over --runs, in a fresh pool per fetch (the worst case:
every fetch run starts its workers).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def feed(items: int, text: int = 200) -> bytes:
    body = "".join(
        f"<item><title>Item {n} &amp; more</title><link>https://bench.example/{n}</link>"
        f"<guid>https://bench.example/{n}</guid><pubDate>Thu, 11 Jun 2020 16:14:00 GMT</pubDate>"
        f"<description>&lt;p&gt;{'word ' * (text // 5)}&lt;/p&gt;</description>"
        "<category>News</category></item>"
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench</title>'
        f"<link>https://bench.example/</link><description>d</description>{body}</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    bodies: dict[str, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = self.bodies[self.path.split("?")[0].rsplit("/", 1)[0]]
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--feeds", type=int, default=30, help="feeds per fetch_all")
    args = parser.parse_args()
    runs = args.runs
    home = tempfile.mkdtemp(prefix="bench-feeds-")
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        os.environ[name] = os.path.join(home, name.lower())

    from reader.feeds import parse, refresh
    from reader.feeds.subscriptions import Feed

    sandbox = None
    with contextlib.suppress(ImportError):  # the tree before the bounded parse has none
        from reader.feeds import sandbox

    small, large = feed(20), feed(600)  # ~10 KB and ~260 KB
    Handler.bodies = {"/small": small, "/large": large}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    print(f"small feed {len(small) / 1024:.0f} KB, large feed {len(large) / 1024:.0f} KB\n")
    print("| measure | median |\n|---|---:|")

    for name in ("small", "large"):
        feeds = [Feed(url=f"http://127.0.0.1:{port}/{name}/{n}") for n in range(args.feeds)]
        samples = []
        for _ in range(runs):
            if sandbox is not None:
                sandbox.pool().close()  # every run starts its own workers
            with tempfile.TemporaryDirectory() as folder:
                started = time.perf_counter()
                results = refresh.fetch_all(feeds, feeds_dir=Path(folder))
                samples.append(time.perf_counter() - started)
            assert all(r.status == "fetched" for r in results), results[0].error
        print(f"| fetch_all of {args.feeds} {name} feeds | {median_ms(samples)} |")

    for name, body in (("small", small), ("large", large)):
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            parse.parse_feed(body)
            samples.append(time.perf_counter() - started)
        print(f"| parse_feed, {name}, as it runs by default | {median_ms(samples)} |")
    if sandbox is None:
        return
    from reader.feeds.bounds import ParseLimits

    in_process = ParseLimits(in_process_bytes=1 << 30)
    in_worker = ParseLimits(in_process_bytes=0)
    for name, body in (("small", small), ("large", large)):
        here, there = [], []
        parse.parse_feed(body, limits=in_worker)  # a worker is running
        for _ in range(runs):
            started = time.perf_counter()
            parse.parse_feed(body, limits=in_process)
            here.append(time.perf_counter() - started)
            started = time.perf_counter()
            parse.parse_feed(body, limits=in_worker)
            there.append(time.perf_counter() - started)
        print(f"| parse_feed, {name}, in-process | {median_ms(here)} |")
        print(f"| parse_feed, {name}, in a running worker | {median_ms(there)} |")
    starts = []
    for _ in range(runs):
        sandbox.pool().close()
        started = time.perf_counter()
        parse.parse_feed(small, limits=in_worker)
        starts.append(time.perf_counter() - started)
    print(f"| a worker's start (Python, feedparser) and one small parse | {median_ms(starts)} |")


if __name__ == "__main__":
    main()
