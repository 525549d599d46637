"""What fetching feeds costs over HTTP: the download alone, and a whole ``fetch_all``.

    .venv/bin/python benchmarks/bench_feed_fetch.py [--runs 5] [--feeds 30] [--sizes small,large]

Serves generated RSS feeds from an HTTP/1.1 server on 127.0.0.1 (keep-alive and
TCP_NODELAY, as real servers speak) and fetches 30 of them with 4 threads, as ``newsreader
fetch`` does: first the download alone (``reader.feeds.fetch.fetch``: connect,
request, read and decompress, no parse), then ``refresh.fetch_all`` (download,
parse, write), each into an empty temp folder. Two sizes: ~10 KB (20 items) and
~260 KB (600 items), both sent gzipped. Figures are medians over --runs; the
first run of each also counts the new TCP connections the server saw. A new
process's first feed (its imports and one request) is measured apart. With
--tls the server speaks https with a self-signed certificate for 127.0.0.1,
trusted through SSL_CERT_FILE (which both the old and the new client read).
"""

from __future__ import annotations

import argparse
import gzip
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_feed_parse import feed  # noqa: E402 - after the path is set

CONNECTIONS = [0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # As nginx and Apache do on kept-alive connections: http.server writes the
    # headers and the body apart, and with Nagle on, the body would wait for the
    # client's delayed ACK (40 ms a request) on every reused connection.
    disable_nagle_algorithm = True
    bodies: dict[str, bytes] = {}

    def setup(self) -> None:
        CONNECTIONS[0] += 1
        super().setup()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = self.bodies[self.path.split("?")[0].rsplit("/", 1)[0]]
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def self_signed(folder: Path) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and its key, trusted by both clients through SSL_CERT_FILE."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    os.environ["SSL_CERT_FILE"] = str(cert)
    return str(cert), str(key)


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--feeds", type=int, default=30, help="feeds per run")
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--download-only", action="store_true", help="skip fetch_all")
    parser.add_argument("--tls", action="store_true", help="https, with a self-signed certificate")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="bench-fetch-")
    scheme = "https" if args.tls else "http"
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        os.environ[name] = os.path.join(home, name.lower())

    from reader.feeds import refresh
    from reader.feeds.fetch import fetch
    from reader.feeds.subscriptions import Feed

    plain = {"small": feed(20), "large": feed(600)}
    Handler.bodies = {f"/{name}": gzip.compress(body) for name, body in plain.items()}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*self_signed(Path(home)))
        # The handshake in the handler's thread, not in the accepting one.
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    sizes = [size for size in args.sizes.split(",") if size]
    for name in sizes:
        packed = Handler.bodies["/" + name]
        print(f"{name}: {len(plain[name]) / 1024:.0f} KB ({len(packed) / 1024:.0f} KB gzipped)")
    print("\n| measure | median | connections (first run) |\n|---|---:|---:|")

    # A new process's first feed: the imports (httpx, or http.client) and one request.
    first = (
        "import time; started = time.perf_counter(); from reader.feeds.fetch import fetch; "
        f"fetch('{scheme}://127.0.0.1:{port}/small/0'); print(time.perf_counter() - started)"
    )
    root = str(Path(__file__).resolve().parents[1])
    samples = []
    for _ in range(args.runs):
        done = subprocess.run(
            [sys.executable, "-c", first],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": root},
        )
        samples.append(float(done.stdout))
    print(f"| a new process's first feed (imports included) | {median_ms(samples)} | 1 |")

    for name in sizes:
        urls = [f"{scheme}://127.0.0.1:{port}/{name}/{n}" for n in range(args.feeds)]
        samples = []
        connections = 0
        for run in range(args.runs):
            CONNECTIONS[0] = 0
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=4) as pool:
                bodies = list(pool.map(lambda url: fetch(url).body, urls))
            samples.append(time.perf_counter() - started)
            assert all(b == plain[name] for b in bodies)
            if run == 0:
                connections = CONNECTIONS[0]
        print(f"| download of {args.feeds} {name} feeds | {median_ms(samples)} | {connections} |")
        if args.download_only:
            continue
        feeds = [Feed(url=url) for url in urls]
        samples = []
        for run in range(args.runs):
            CONNECTIONS[0] = 0
            with tempfile.TemporaryDirectory() as folder:
                started = time.perf_counter()
                results = refresh.fetch_all(feeds, feeds_dir=Path(folder))
                samples.append(time.perf_counter() - started)
            assert all(r.status == "fetched" for r in results), results[0].error
            if run == 0:
                connections = CONNECTIONS[0]
        print(f"| fetch_all of {args.feeds} {name} feeds | {median_ms(samples)} | {connections} |")


if __name__ == "__main__":
    main()
