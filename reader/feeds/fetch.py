"""Fetching one feed over HTTP(S), as a good citizen and a careful client.

The standard library's ``http.client`` is enough and lets every limit be
exact: conditional requests (ETag and Last-Modified), gzip, Retry-After,
at most five redirects, connect and read timeouts plus a total time limit
per feed (a watchdog closes the socket of a server that trickles bytes), and
a cap on the decompressed body, enforced while streaming so a gzip bomb never
fills memory. Only http and https are spoken; a local file path is read
directly (for ``feed add PATH``).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import ssl
import stat
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from reader import __version__
from reader.text import strip_controls

USER_AGENT = f"newsreader/{__version__} (terminal news reader; feed fetcher)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, */*;q=0.5"
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# A server that says "too many requests" without saying how long to wait.
DEFAULT_BACKOFF = timedelta(hours=1)
# Retry-After is obeyed up to this long; past it, a typo or a grudge.
MAX_BACKOFF = timedelta(days=7)
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """How long and how much one feed may take."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched document; ``body`` is None when the server said "not modified"."""

    url: str
    body: bytes | None
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.body is None


class FetchError(Exception):
    """A fetch that failed; the message is the reason shown to the user.

    ``retry_after`` is set when the server asked us to stay away until then;
    ``detail`` is what OpenSSL or the socket said (an alert, an errno), for ``--verbose``.
    """

    def __init__(self, reason: str, retry_after: datetime | None = None, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.detail = detail


def _megabytes(size: int) -> str:
    if size < 1_048_576:
        return f"{size:,} bytes"
    megabytes = size / 1_048_576
    return f"{megabytes:g} MB" if megabytes == int(megabytes) else f"{megabytes:.1f} MB"


def _too_large(limits: Limits, size: int | None = None, decompressed: bool = False) -> FetchError:
    limit = _megabytes(limits.max_bytes)
    what = f"{_megabytes(size)}, " if size is not None else ""
    once = " once decompressed" if decompressed else ""
    return FetchError(f"too large: {what}over the {limit} a feed may have{once}")


def fetch(
    location: str,
    *,
    etag: str = "",
    last_modified: str = "",
    limits: Limits | None = None,
    now: datetime | None = None,
) -> Fetched:
    """Fetch a feed document from an http(s) URL or a local file path.

    Raises FetchError with a one-line reason for anything but a usable body
    or a "not modified" answer.
    """
    limits = limits or Limits()
    scheme = urlsplit(location).scheme.lower()
    if scheme in ("http", "https"):
        return _fetch_http(location, etag, last_modified, limits, now)
    if scheme and len(scheme) > 1:
        raise FetchError(f"only http and https feeds can be fetched, not {scheme}:")
    return _read_file(location, limits)


def _read_file(location: str, limits: Limits) -> Fetched:
    try:
        fd = os.open(location, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise FetchError("not a regular file")
            if info.st_size > limits.max_bytes:
                raise _too_large(limits, info.st_size)
            body = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise FetchError("the feed file no longer exists") from None
    except OSError as error:
        raise FetchError(f"cannot read the feed file ({error.strerror or error})") from None
    if len(body) > limits.max_bytes:
        raise _too_large(limits)
    return Fetched(url=location, body=body)


# ------------------------------------------------------------------ HTTP


def _fetch_http(
    url: str, etag: str, last_modified: str, limits: Limits, now: datetime | None
) -> Fetched:
    deadline = time.monotonic() + limits.total_timeout
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip",
        "Connection": "close",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    visited = [url]
    while True:
        with _Exchange(url, headers, limits, deadline) as exchange:
            response = exchange.response
            status = response.status
            if status in REDIRECTS:
                target = _redirect_target(url, response.getheader("Location"))
                if target in visited:
                    raise FetchError(f"redirect loop: the redirects lead back to {target}")
                if len(visited) > limits.max_redirects:
                    raise FetchError(f"too many redirects (more than {limits.max_redirects})")
                visited.append(target)
                url = target
                continue
            if status == 304:
                return Fetched(url=url, body=None, etag=etag, last_modified=last_modified)
            if status in (429, 503):
                raise _asked_to_wait(response, now)
            if not 200 <= status < 300 or status == 204:
                raise FetchError(_status_reason(response))
            body = exchange.read_body()
            return Fetched(
                url=url,
                body=body,
                content_type=response.getheader("Content-Type") or "",
                etag=_header(response, "ETag"),
                last_modified=_header(response, "Last-Modified"),
            )


def _header(response: http.client.HTTPResponse, name: str) -> str:
    return strip_controls(response.getheader(name) or "").strip()[:1000]


def _status_reason(response: http.client.HTTPResponse) -> str:
    reason = strip_controls(response.reason or "").strip()[:80]
    text = f"HTTP {response.status} {reason}".rstrip()
    if response.status == 410:
        text += " (the feed is gone for good: remove it)"
    return text


def _redirect_target(url: str, location: str | None) -> str:
    if not location or not location.strip():
        raise FetchError("redirect without a Location header")
    target = urljoin(url, strip_controls(location).strip())
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"redirect to a {scheme or 'relative'}: link, which is never followed")
    return target


def _asked_to_wait(response: http.client.HTTPResponse, now: datetime | None) -> FetchError:
    now = now or datetime.now(UTC)
    wait = parse_retry_after(response.getheader("Retry-After"), now)
    if wait is None and response.status == 503:
        return FetchError(_status_reason(response))
    until = now + min(wait if wait is not None else DEFAULT_BACKOFF, MAX_BACKOFF)
    when = until.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return FetchError(
        f"{_status_reason(response)}: the server asks to wait; not fetched again before {when}",
        retry_after=until,
    )


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as a delay: seconds, or an HTTP date; None if absent or unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=min(int(value[:12]), int(MAX_BACKOFF.total_seconds())))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


def _tls_failure(error: Exception) -> FetchError:
    """A TLS failure said as what it means for the user; OpenSSL's words are the detail."""
    reason = str(getattr(error, "reason", None) or "")
    detail = f"TLS: {reason or error}"
    if isinstance(error, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY" in reason:
        why = getattr(error, "verify_message", "") or "it could not be verified"
        return FetchError(f"the server's certificate is not trusted ({why})", detail=detail)
    if reason in (
        "WRONG_VERSION_NUMBER",
        "HTTP_REQUEST",
        "UNKNOWN_PROTOCOL",
        "RECORD_LAYER_FAILURE",
    ):
        return FetchError(
            "no secure connection: the server does not speak https at this address",
            detail=detail,
        )
    return FetchError("no secure connection could be made with the server", detail=detail)


class _Exchange:
    """One request and its response, bounded by the per-feed deadline.

    A watchdog timer shuts the socket down at the deadline, so even a server
    that sends one byte a second (never tripping the read timeout) is stopped.
    """

    def __init__(self, url: str, headers: dict[str, str], limits: Limits, deadline: float):
        self.url = url
        self.headers = headers
        self.limits = limits
        self.deadline = deadline
        self.connection: http.client.HTTPConnection | None = None
        self.watchdog: threading.Timer | None = None
        self.expired = False

    def __enter__(self) -> _Exchange:
        parts = urlsplit(self.url)
        try:
            host = parts.hostname
            port = parts.port
        except ValueError as error:
            raise FetchError(f"not a usable URL ({error})") from None
        if not host:
            raise FetchError("the URL has no host")
        remaining = self._remaining()
        connect_timeout = min(self.limits.connect_timeout, remaining)
        if parts.scheme.lower() == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=connect_timeout, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(host, port, timeout=connect_timeout)
        self.connection = connection
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            try:
                connection.connect()
            except TimeoutError:
                raise FetchError(
                    f"timed out connecting to {host} (after {connect_timeout:g} s)"
                ) from None
            assert connection.sock is not None
            connection.sock.settimeout(min(self.limits.read_timeout, self._remaining()))
            self.watchdog = threading.Timer(self._remaining(), self._expire)
            self.watchdog.daemon = True
            self.watchdog.start()
            connection.request("GET", target, headers=self.headers)
            self.response = connection.getresponse()
        except BaseException as error:
            self.__exit__(None, None, None)
            raise self._translate(error) from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()
        if self.connection is not None:
            self.connection.close()

    def _remaining(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self._timeout()
        return remaining

    def _timeout(self) -> FetchError:
        return FetchError(f"timed out: took more than {self.limits.total_timeout:g} s in total")

    def _expire(self) -> None:
        self.expired = True
        sock = self.connection.sock if self.connection is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _translate(self, error: BaseException) -> BaseException:
        if isinstance(error, FetchError) or not isinstance(error, Exception):
            return error
        if self.expired or time.monotonic() >= self.deadline:
            return self._timeout()
        if isinstance(error, TimeoutError):
            return FetchError(
                f"timed out: no answer from the server for {self.limits.read_timeout:g} s"
            )
        if isinstance(error, ssl.SSLError | ssl.CertificateError):
            return _tls_failure(error)
        if isinstance(error, http.client.RemoteDisconnected):
            return FetchError("the server closed the connection without answering")
        if isinstance(error, http.client.IncompleteRead):
            return FetchError("the connection closed before the whole feed arrived")
        if isinstance(error, http.client.HTTPException):
            return FetchError(
                "the server's answer is not valid HTTP", detail=f"{type(error).__name__}: {error}"
            )
        if isinstance(error, socket.gaierror):
            host = urlsplit(self.url).hostname or ""
            return FetchError(
                f"cannot find the server {host} (is the address right?)",
                detail=f"DNS: {error.strerror or error}",
            )
        if isinstance(error, OSError):
            return FetchError(
                f"cannot connect ({(error.strerror or str(error)).lower()})",
                detail=f"{type(error).__name__}: {error}",
            )
        if isinstance(error, zlib.error):
            return FetchError("the server sent a broken gzip body")
        return FetchError(f"unexpected error: {type(error).__name__}: {error}")

    def read_body(self) -> bytes:
        """The body, decompressed, or FetchError once it passes the size limit."""
        try:
            return self._read_body()
        except BaseException as error:
            raise self._translate(error) from None

    def _read_body(self) -> bytes:
        response = self.response
        limit = self.limits.max_bytes
        length = response.getheader("Content-Length")
        if length and length.strip().isdigit() and int(length) > limit:
            raise _too_large(self.limits, int(length))
        encoding = (response.getheader("Content-Encoding") or "").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            decompressor = zlib.decompressobj()
        elif encoding in ("", "identity"):
            decompressor = None
        else:
            raise FetchError(f"the server used an unknown compression: {encoding[:40]}")
        body = bytearray()
        received = 0
        while True:
            chunk = response.read1(_CHUNK)
            if self.expired:
                raise self._timeout()
            if not chunk:
                break
            received += len(chunk)
            if received > limit:
                raise _too_large(self.limits)
            if decompressor is None:
                body += chunk
                continue
            # At most limit + 1 bytes of output per step: a bomb is stopped as
            # soon as it passes the limit, never expanded in full.
            body += decompressor.decompress(chunk, limit + 1 - len(body))
            while decompressor.unconsumed_tail and len(body) <= limit:
                body += decompressor.decompress(decompressor.unconsumed_tail, limit + 1 - len(body))
            if len(body) > limit:
                raise _too_large(self.limits, decompressed=True)
        if decompressor is not None:
            body += decompressor.flush()
            if len(body) > limit:
                raise _too_large(self.limits, decompressed=True)
        return bytes(body)
