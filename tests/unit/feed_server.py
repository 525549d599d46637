"""A real HTTP server on 127.0.0.1 for the feed tests: routes are plain functions.

Each route gets the request handler and writes whatever it likes, including
nothing at all (a server that hangs), a trickle, or an endless body. Every
request is recorded with its headers. Nothing here touches the internet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


class FeedServer:
    """``keep_alive``: speak HTTP/1.1 and keep connections open between requests (a
    route must then send a Content-Length); ``connections`` counts those accepted."""

    def __init__(self, keep_alive: bool = False) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.connections = 0
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def setup(self) -> None:
                server.connections += 1
                super().setup()

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = urlsplit(self.path).path
                server.requests.append(Request(path, dict(self.headers.items())))
                route = server.routes.get(path)
                try:
                    if route is None:
                        self.send_error(404, "Not Found")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    # ---------------------------------------------------------------- routes

    def serve(
        self,
        path: str,
        body: bytes,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer ``path`` with a fixed response."""

        def route(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(status)
            sent = {"Content-Type": "application/xml", "Content-Length": str(len(body))}
            sent.update(headers or {})
            for name, value in sent.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(body)

        self.routes[path] = route

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        def route(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(status)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.routes[path] = route

    def stream(self, path: str, chunks: Callable[[], Iterator[bytes]], headers=None) -> None:
        """Send headers, then each chunk as it is made (until the client leaves)."""

        def route(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            for name, value in (headers or {"Content-Type": "application/xml"}).items():
                handler.send_header(name, value)
            handler.end_headers()
            for chunk in chunks():
                if self.stopping.is_set():
                    return
                handler.wfile.write(chunk)
                handler.wfile.flush()

        self.routes[path] = route

    def hang(self, path: str) -> None:
        """Accept the request and never answer (until the server stops)."""

        def route(handler: BaseHTTPRequestHandler) -> None:
            self.stopping.wait(30)

        self.routes[path] = route

    def trickle(
        self, path: str, first: bytes, headers: dict[str, str] | None = None
    ) -> threading.Event:
        """Send ``first``, then a space every 20 ms (well inside any read timeout) until the
        client leaves or the server stops, for at most 40 s. The event returned is set only
        if the trickle ran out: a client that ended while it is clear was cut off."""
        ran_out = threading.Event()

        def spaces() -> Iterator[bytes]:
            yield first
            for _ in range(2_000):
                if self.stopping.wait(0.02):
                    return
                yield b" "
            ran_out.set()

        self.stream(path, spaces, headers=headers)
        return ran_out

    def trickle_headers(self, path: str) -> threading.Event:
        """A status line, then one header line every 20 ms, never the end of the headers
        (until the client leaves or the server stops, at most 40 s). Set if it ran out."""
        ran_out = threading.Event()

        def route(handler: BaseHTTPRequestHandler) -> None:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for n in range(2_000):
                handler.wfile.write(b"X-Padding-%d: x\r\n" % n)
                handler.wfile.flush()
                if self.stopping.wait(0.02):
                    return
            ran_out.set()

        self.routes[path] = route
        return ran_out
