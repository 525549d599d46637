"""The total deadline of a request, held on every socket it uses (a pooled one too).

httpx's timeouts bound each read; a server that trickles a byte just inside
each one could go on for ever. So every socket read and write of a request is
given at most the time left, and a watchdog shuts the socket down when it runs
out.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from typing import TYPE_CHECKING, Any

from reader.http.errors import FetchError

if TYPE_CHECKING:
    import httpx

# The deadline of the request this thread is making, for the sockets it uses.
current = threading.local()


def bound_sockets(client: httpx.Client) -> None:
    """Every connection the client opens, direct or through a proxy, gets _DeadlineBackend.

    httpx has no public way to give its transports a network backend; httpcore's
    pools (direct, HTTP proxy, SOCKS proxy) each keep theirs in ``_network_backend``,
    read whenever a connection is made. tests/unit/test_http.py proves it works.
    """
    transports = [client._transport, *client._mounts.values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if pool is not None and hasattr(pool, "_network_backend"):
            pool._network_backend = _DeadlineBackend(pool._network_backend)


class Watchdog:
    """The deadline of one request: the time each socket operation may take, and a timer
    that shuts its sockets down when it runs out, so a trickling server cannot outlast it."""

    def __init__(self, at: float, seconds: float, host: str) -> None:
        self.at = at
        self.seconds = seconds
        self.host = host
        self.expired = False
        self._done = False
        self._streams: list[Any] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(at - time.monotonic(), 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0 or self.expired:
            raise self.error()
        return left

    def bound(self, timeout: float | None, stream: Any, late: type[Exception]) -> float | None:
        """``timeout`` cut to the time left (``stream`` is watched); ``late`` once none is."""
        with self._lock:
            if self._done:  # the request is over: its connection is the pool's again
                return timeout
        if stream is not None:
            self.watch(stream)
        left = 0.0 if self.expired else self.at - time.monotonic()
        if left <= 0:
            raise late("the deadline passed")
        return left if timeout is None else min(timeout, left)

    def error(self, detail: str = "") -> FetchError:
        return FetchError(
            f"{self.host} took longer than {self.seconds:g} s",
            detail=detail,
            kind="deadline",
            host=self.host,
            limit=self.seconds,
        )

    def watch(self, stream: Any) -> None:
        with self._lock:
            if self._done or any(seen is stream for seen in self._streams):
                return
            self._streams.append(stream)
            expired = self.expired
        if expired:
            self._shutdown(stream)

    def cancel(self) -> None:
        with self._lock:
            self._done = True
            self._streams.clear()
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            streams = list(self._streams)
        for stream in streams:
            self._shutdown(stream)

    @staticmethod
    def _shutdown(stream: Any) -> None:
        with contextlib.suppress(Exception):
            sock = stream.get_extra_info("socket")
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)


def _within_deadline(timeout: float | None, stream: Any, late: type[Exception]) -> float | None:
    """``timeout`` cut to what is left of this thread's request; ``late`` once none is."""
    watchdog: Watchdog | None = getattr(current, "watchdog", None)
    return timeout if watchdog is None else watchdog.bound(timeout, stream, late)


class _DeadlineStream:
    """An httpcore network stream whose every read and write keeps to the request's deadline."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        import httpcore

        data: bytes = self._stream.read(
            max_bytes, _within_deadline(timeout, self, httpcore.ReadTimeout)
        )
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        import httpcore

        self._stream.write(buffer, _within_deadline(timeout, self, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> _DeadlineStream:
        import httpcore

        bounded = _within_deadline(timeout, self, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend:
    """httpcore's network backend, making _DeadlineStream connections."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> _DeadlineStream:
        import httpcore

        bounded = _within_deadline(timeout, None, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(
            host, port, timeout=bounded, local_address=local_address, socket_options=socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> _DeadlineStream:
        import httpcore

        bounded = _within_deadline(timeout, None, httpcore.ConnectTimeout)
        stream = self._backend.connect_unix_socket(
            path, timeout=bounded, socket_options=socket_options
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)
