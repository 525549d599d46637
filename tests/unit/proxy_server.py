"""A tiny HTTP proxy on 127.0.0.1 for the tests: it records every request and forwards it.

A GET in the absolute form a client sends to a proxy (``GET http://host:port/path``)
is forwarded to that host (only 127.0.0.1 is ever asked) and its answer relayed;
a CONNECT (the start of an https request through the proxy) is recorded and
refused with 403. Nothing here touches the internet.
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class ProxyServer:
    def __init__(self) -> None:
        self.requests: list[str] = []  # "GET http://..." or "CONNECT host:port"
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                proxy.requests.append(f"GET {self.path}")
                target = urlsplit(self.path)
                if target.hostname != "127.0.0.1":
                    self.send_error(502, "only 127.0.0.1 is forwarded")
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", target.port, timeout=10)
                try:
                    path = target.path + (f"?{target.query}" if target.query else "")
                    skip = {"host", "proxy-connection", "connection"}
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
                    upstream.request("GET", path or "/", headers=headers)
                    answer = upstream.getresponse()
                    body = answer.read()
                finally:
                    upstream.close()
                self.send_response(answer.status, answer.reason)
                for name, value in answer.getheaders():
                    if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Via", "1.1 test-proxy")
                self.end_headers()
                self.wfile.write(body)

            def do_CONNECT(self) -> None:  # noqa: N802 - http.server's name
                proxy.requests.append(f"CONNECT {self.path}")
                self.send_error(403, "no tunnels here")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> ProxyServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
