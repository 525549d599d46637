"""``newsreader serve``: the reader in a browser tab, through textual-serve.

Each tab that connects starts its own ``python -m reader PATH...`` (textual-serve
runs it with Textual's web driver), so every tab reads the same library, read
state and config as the terminal reader. What this module adds to textual-serve
is who may connect:

- Bound to a loopback address (127.0.0.1 by default) without a token, a request
  must name a loopback host (``localhost``, ``127.x.x.x``, ``[::1]``): a web page
  that re-points its own name at 127.0.0.1 (DNS rebinding) is refused.
- Bound to any other address, a token is required (given, or made here): a
  request without it, in ``?token=`` or in the cookie the first page sets, is
  answered 403.
- The websocket that drives the reader accepts only pages of its own origin
  (another site's page could otherwise open it: websockets are not bound by
  the same-origin policy).

No Textual here: textual-serve and aiohttp are imported when the server starts.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
COOKIE = "newsreader_token"
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"


class ServeError(Exception):
    """The server cannot start: one sentence for the user."""


def is_loopback(host: str) -> bool:
    """True for a name or address that only this machine can reach.

    ``localhost`` and every address of 127.0.0.0/8 and ::1 (also written as an
    IPv4-mapped ``::ffff:127.0.0.1``). ``0.0.0.0`` and ``::`` listen on every
    interface, and any other name may resolve anywhere: both are beyond loopback.
    """
    import ipaddress

    host = host.strip().strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def is_served() -> bool:
    """True inside a reader that textual-serve started for a browser tab."""
    return os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER


def reader_command(paths: Sequence[str]) -> str:
    """The shell command textual-serve runs for each tab: this Python, this reader."""
    absolute = [str(Path(p).absolute()) for p in paths]
    import shlex  # here: the reader's own start asks only is_served

    # exec: the reader is the server's own child (no shell between): see watch_server.
    return "exec " + shlex.join([sys.executable, "-m", "reader", *absolute])


def watch_server(on_gone: Callable[[], None], interval: float = 1.0) -> threading.Thread:
    """In a served reader: call ``on_gone`` once the server that started it is gone.

    A reader whose server was killed can keep running on closed pipes, busy
    (Textual's web driver does not always notice that its input ended): it is
    told to quit, and ended for good a few seconds later if that did not work.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        with contextlib.suppress(Exception):  # not running (yet, or any more): ended below
            on_gone()
        time.sleep(5)
        os._exit(1)

    thread = threading.Thread(target=watch, name="watch-server", daemon=True)
    thread.start()
    return thread


def choose_token(host: str, token: str | None) -> str | None:
    """The token requests must carry: the one given, else one made for a bind
    beyond loopback, else none (loopback only)."""
    if token is not None:
        token = token.strip()
        if len(token) < 8:
            raise ServeError("--token needs at least 8 characters")
        return token
    if is_loopback(host):
        return None
    import secrets

    return secrets.token_urlsafe(18)


def _host_of(netloc: str) -> str:
    """The host part of a Host header or an origin's netloc (no port, no brackets)."""
    return urlsplit(f"//{netloc}").hostname or ""


def make_server(
    paths: Sequence[str],
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    token: str | None = None,
    out: TextIO | None = None,
):
    """A textual-serve Server for the reader at ``paths``, guarded as described above."""
    import asyncio

    from aiohttp import web
    from textual_serve import server as textual_server
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    stream: TextIO = out or sys.stdout
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/"
    cookie = f"{COOKIE}_{port}"  # cookies are per host, not per port

    import hmac

    def allowed_token(request: web.Request) -> bool:
        given = request.query.get("token") or request.cookies.get(cookie) or ""
        return hmac.compare_digest(given.encode(), token.encode()) if token else True

    @web.middleware
    async def guard(request: web.Request, handler):
        if token is None and not is_loopback(_host_of(request.host)):
            # Bound to loopback: only a loopback name reaches it (no DNS rebinding).
            return web.Response(status=403, text="newsreader: this host name is not served\n")
        if not allowed_token(request):
            return web.Response(
                status=403, text="newsreader: open the address with ?token=... as printed\n"
            )
        origin = request.headers.get("Origin")
        if request.path == "/ws" and origin is not None:
            parts = urlsplit(origin)
            if parts.netloc.lower() != request.host.lower():
                return web.Response(status=403, text="newsreader: another site's page\n")
        response = await handler(request)
        if token and request.query.get("token") and not response.prepared:
            response.set_cookie(cookie, token, httponly=True, samesite="Strict", path="/")
        return response

    readers: set[AppService] = set()

    class ReaderService(AppService):
        """textual-serve's app service, remembered while its reader runs."""

        async def _open_app_process(self, width: int = 80, height: int = 24):
            process = await super()._open_app_process(width, height)
            readers.add(self)
            return process

        async def stop(self) -> None:
            try:
                await super().stop()
            finally:
                readers.discard(self)

    # The server makes one per websocket by this name; ours is remembered for the shutdown.
    setattr(textual_server, "AppService", ReaderService)  # noqa: B010 (a module's class)

    class ReaderServer(Server):
        def initialize_logging(self) -> None:
            import logging

            logging.basicConfig(level=logging.WARNING, format="newsreader serve: %(message)s")

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(guard)
            return app

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            # The page's websocket and static URLs name the host the browser used
            # (textual-serve would write http://0.0.0.0:8000 for a bind to 0.0.0.0).
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def on_startup(self, app: web.Application) -> None:
            pass  # textual-serve prints its banner here, before the port is open

        async def on_shutdown(self, app: web.Application) -> None:
            """Ctrl+C: close every tab's websocket (its reader is told to quit), then
            end any reader still running a few seconds later."""
            services = list(readers)
            for service in services:
                with contextlib.suppress(Exception):
                    await service.remote_close()
            processes = [s._process for s in services if s._process is not None]
            waiting = [p.wait() for p in processes if p.returncode is None]
            if waiting:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.gather(*waiting), 5)
            for process in processes:
                if process.returncode is None:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()

        def banner(self, *_args: object) -> None:
            """Printed by aiohttp once the port is open."""
            address = f"{url}?token={token}" if token else url
            stream.write(f"newsreader serves {address}\n")
            if not is_loopback(host):
                stream.write(
                    f"Bound to {host}: reachable beyond this machine; "
                    "every request needs the token.\n"
                )
            stream.write("Press Ctrl+C to stop.\n")
            stream.flush()

        def serve(self, debug: bool = False) -> None:
            # textual-serve's serve(), with the banner printed once listening.
            import asyncio
            import signal

            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, self.request_exit)
            try:
                web.run_app(
                    self._make_app(),
                    host=self.host,
                    port=self.port,
                    handle_signals=False,
                    loop=loop,
                    print=self.banner,
                )
            finally:
                loop.close()

    return ReaderServer(reader_command(paths), host=host, port=port, title="newsreader")


def serve(
    paths: Sequence[str],
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    token: str | None = None,
    out: TextIO | None = None,
) -> int:
    """Serve until Ctrl+C (or SIGTERM); 0 when stopped so."""
    token = choose_token(host, token)
    server = make_server(paths, host=host, port=port, token=token, out=out)
    try:
        server.serve()
    except OSError as error:
        reason = error.strerror or str(error)
        raise ServeError(f"cannot listen on {host}:{port}: {reason}") from None
    return 0
