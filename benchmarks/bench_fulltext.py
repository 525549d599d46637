"""Full text: showing a stored text (per t, warm), and `fulltext` throughput on local pages.

    .venv/bin/python benchmarks/bench_fulltext.py [--pages 200] [--repeat 20]

Serves ``--pages`` article pages from a stdlib server on 127.0.0.1 (nothing
leaves the machine), fetches and stores them all with the ``fulltext`` path
(reader.fulltext.batch.fetch_many, four at a time), then times what a warm
``t`` does for a stored text: read it from the articles database and lay out
the detail page at 100x40.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from reader.fulltext import TextStore
from reader.fulltext.batch import fetch_many
from reader.model import Article, ArticleDetail

PARAGRAPH = (
    "The harbour bridge reopened on Monday after two years of repairs, the city council "
    "said, with the first buses crossing at dawn and a crowd of commuters cheering them on. "
)


def page(n: int) -> bytes:
    body = "".join(
        f"<p>{PARAGRAPH * 3} Paragraph {k} of story {n}, <a href='/ref/{n}/{k}'>more</a>.</p>"
        for k in range(12)
    )
    return (
        f"<html><head><title>Story {n}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Story {n}</h1>{body}</article><footer>Copyright</footer></body></html>"
    ).encode()


def serve(pages: int) -> ThreadingHTTPServer:
    bodies = {f"/story/{n}": page(n) for n in range(pages)}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = bodies.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    import os

    os.environ["NO_PROXY"] = "127.0.0.1"
    server = serve(args.pages)
    port = server.server_address[1]
    articles = [
        Article(id=f"s{n}", title=f"Story {n}", path=f"/n/{n}.txt",
                url=f"http://127.0.0.1:{port}/story/{n}")
        for n in range(args.pages)
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        store = TextStore(Path(folder) / "articles.sqlite3")
        t0 = time.perf_counter()
        failed = sum(not outcome.ok for outcome in fetch_many(articles, store))
        took = time.perf_counter() - t0
        server.shutdown()

        from reader.widgets.detail_pane import DetailPage
        from reader.widgets.detail_text import FullTextView

        now = datetime(2024, 5, 1, tzinfo=UTC)
        times = []
        for n in range(args.repeat):
            article = articles[n % len(articles)]
            t1 = time.perf_counter()
            stored = store.get(article.id)
            assert stored is not None and stored.document is not None
            view = FullTextView(document=stored.document)
            shown = DetailPage.of_article(
                article, ArticleDetail(), related=(), tz=UTC, now=now, full=view
            )
            shown.lines(100, 40)
            times.append(time.perf_counter() - t1)
        store.close()
    print("| measure | figure |")
    print("|---|---:|")
    print(
        f"| `fulltext` on {args.pages} local pages, 4 at a time | {took:.2f} s "
        f"({args.pages / took:.0f} pages/s; {failed} failed) |"
    )
    print(
        f"| `t` on a stored text, warm: median of {args.repeat} | "
        f"{statistics.median(times) * 1000:.1f} ms |"
    )
    print(f"| `t` on a stored text, warm: max | {max(times) * 1000:.1f} ms |")  # fmt: skip
    sys.stdout.flush()


if __name__ == "__main__":
    main()
