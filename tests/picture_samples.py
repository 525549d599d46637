"""Pictures made by the tests with Pillow, hostile ones beside them, and a server on
127.0.0.1 that serves them (nothing here touches the internet)."""

from __future__ import annotations

import io
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from PIL import Image


def png(width: int = 96, height: int = 64) -> bytes:
    """A real PNG: a colour gradient with a white square, the same bytes every time."""
    image = Image.new("RGB", (width, height))
    image.putdata(
        [(x * 255 // width, y * 255 // height, 128) for y in range(height) for x in range(width)]
    )
    image.paste((255, 255, 255), (width // 3, height // 3, width // 2, height // 2))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def jpeg(width: int = 160, height: int = 90) -> bytes:
    """A real JPEG: four coloured blocks."""
    image = Image.new("RGB", (width, height), (200, 40, 40))
    image.paste((40, 160, 60), (width // 2, 0, width, height // 2))
    image.paste((40, 60, 200), (0, height // 2, width // 2, height))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def claimed_png(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims ``width`` x ``height`` (a decompression bomb:
    the pixels would be made only when decoded)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


HTML = b"<!doctype html><html><body><h1>Not a picture</h1></body></html>"


def truncated_jpeg() -> bytes:
    data = jpeg(400, 300)
    return data[: len(data) // 2]


def garbage_png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x13\x37" * 500


class PictureServer:
    """Serves fixed answers by path on 127.0.0.1; anything else is a 404."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes]] = {}
        self.gates: dict[str, threading.Event] = {}  # a path answers once its gate opens
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = urlsplit(self.path).path
                server.requests.append(path)
                gate = server.gates.get(path)
                if gate is not None:
                    gate.wait(30)
                status, content_type, body = server.routes.get(
                    path, (404, "text/html", b"<h1>404</h1>")
                )
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading, as it should

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> PictureServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        for gate in self.gates.values():
            gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, content_type: str = "image/png", status: int = 200):
        self.routes[path] = (status, content_type, body)
        return self.url(path)

    def hold(self, path: str) -> threading.Event:
        """``path`` answers only once the returned event is set."""
        gate = self.gates[path] = threading.Event()
        return gate

    def serve_samples(self) -> dict[str, str]:
        """Every sample at its own path: name -> URL."""
        return {
            "png": self.serve("/a.png", png()),
            "jpeg": self.serve("/b.jpg", jpeg(), "image/jpeg"),
            "bomb": self.serve("/bomb.png", claimed_png(16_000, 16_000)),
            "huge": self.serve("/huge.png", claimed_png(7_000, 7_000)),
            "html_as_png": self.serve("/page.png", HTML, "image/png"),
            "html": self.serve("/page.html", HTML, "text/html"),
            "truncated": self.serve("/cut.jpg", truncated_jpeg(), "image/jpeg"),
            "garbage": self.serve("/garbage.png", garbage_png()),
            "too_big": self.serve("/big.png", b"\0" * (10 * 1024 * 1024 + 1)),
            "missing": self.url("/missing.png"),
        }
