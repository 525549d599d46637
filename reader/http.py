"""The one HTTP client for everything that fetches: pages now, pictures next.

Built on httpx (proxies from HTTP(S)_PROXY / NO_PROXY, connections pooled per
host by one shared client), with our policy on top: http and https only (a
redirect elsewhere is refused), at most five redirects (a loop is named),
connect and read timeouts, a total deadline per request (a watchdog cuts a
server that trickles bytes), and a size cap counted on decompressed bytes
while streaming, so a gzip bomb stops at the cap. httpx is imported lazily:
importing this module costs nothing at start-up.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from reader import __version__
from reader.text import strip_controls

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"newsreader/{__version__} (terminal news reader)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
# What a type is called when it is refused (anything else is named by its media type).
_TYPE_NAMES = {
    "application/pdf": "PDF document",
    "application/zip": "zip archive",
    "application/octet-stream": "binary file",
    "application/json": "JSON document",
    "text/plain": "plain text file",
}


class FetchError(Exception):
    """str(e) is one sentence in the user's words; .detail is the technical cause."""

    def __init__(self, reason: str, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail or reason
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # the final URL after redirects
    status: int  # 200..299, or 304 (then body == b"")
    content_type: str  # lower-case media type without parameters ("" when absent)
    charset: str | None
    headers: Mapping[str, str]  # lower-case names
    body: bytes  # decompressed, at most max_bytes
    etag: str | None
    last_modified: str | None


_client: httpx.Client | None = None
_client_lock = threading.Lock()


def _shared_client() -> httpx.Client:
    global _client
    with _client_lock:
        if _client is None:
            import httpx

            _client = httpx.Client(
                follow_redirects=False,  # we follow them, checking each one
                trust_env=True,
                headers={"User-Agent": USER_AGENT},
                limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            )
        return _client


def close() -> None:
    """Close the shared client; the next request makes a new one (reading the proxies anew)."""
    global _client
    with _client_lock:
        client, _client = _client, None
    if client is not None:
        client.close()


def get(
    url: str,
    *,
    accept: str = "*/*",
    max_bytes: int = 10 * 1024 * 1024,
    connect_timeout: float = 5.0,
    read_timeout: float = 10.0,
    deadline: float = 30.0,
    max_redirects: int = 5,
    etag: str | None = None,
    last_modified: str | None = None,
    allowed_types: tuple[str, ...] | None = None,
) -> Response:
    """GET ``url`` under our policy; FetchError, in plain words, for anything unusable."""
    _check_scheme(url, redirected=False)
    headers = {"Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    watchdog = _Watchdog(time.monotonic() + deadline, deadline, _host(url))
    visited = [url]
    try:
        while True:
            with _exchange(url, headers, connect_timeout, read_timeout, watchdog) as response:
                status = response.status_code
                if status in _REDIRECTS:
                    target = _redirect_target(url, response.headers.get("location"))
                    if target in visited:
                        raise FetchError(
                            f"the redirects from {_host(visited[0])} go round in a loop",
                            detail=" -> ".join([*visited, target]),
                        )
                    if len(visited) > max_redirects:
                        raise FetchError(
                            f"{_host(visited[0])} redirected more than {max_redirects} times"
                        )
                    visited.append(target)
                    url = target
                    continue
                return _finish(
                    url, response, etag, last_modified, max_bytes, allowed_types, watchdog
                )
    finally:
        watchdog.cancel()


def _finish(
    url: str,
    response: httpx.Response,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    allowed_types: tuple[str, ...] | None,
    watchdog: _Watchdog,
) -> Response:
    status = response.status_code
    headers = {
        name.lower(): strip_controls(value)[:4000] for name, value in response.headers.items()
    }
    if status >= 400 or not (200 <= status < 300 or status == 304):
        raise _status_error(response, headers)
    raw_type = headers.get("content-type", "")
    media_type, charset = _media_type(raw_type)
    new_etag = headers.get("etag") or None
    new_modified = headers.get("last-modified") or None
    if status == 304:
        return Response(
            url, 304, media_type, charset, headers, b"", new_etag or etag,
            new_modified or last_modified,
        )  # fmt: skip
    if allowed_types is not None and not any(media_type.startswith(t) for t in allowed_types):
        raise FetchError(_refused_type(media_type, allowed_types))
    body = _read_body(response, headers, max_bytes, watchdog)
    return Response(url, status, media_type, charset, headers, body, new_etag, new_modified)


def _refused_type(media_type: str, allowed_types: tuple[str, ...]) -> str:
    wanted = "picture" if all(t.startswith("image/") for t in allowed_types) else "web page"
    if not media_type:
        return f"the server did not say what it sent, so it is not taken as a {wanted}"
    name = _TYPE_NAMES.get(media_type)
    if name is None:
        major = media_type.split("/", 1)[0]
        name = {"image": "picture", "video": "video", "audio": "sound file"}.get(major, "file")
    article = "an" if name[0] in "aeiou" else "a"
    return f"the link is {article} {name} ({media_type[:60]}), not a {wanted}"


def _media_type(value: str) -> tuple[str, str | None]:
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, setting = param.partition("=")
        if name.strip().lower() == "charset" and setting.strip():
            charset = setting.strip().strip("\"'").lower()[:40] or None
    return media.strip().lower()[:100], charset


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def _check_scheme(url: str, *, redirected: bool) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https"):
        if not _host(url) or _host(url) == url:
            raise FetchError(f"{url[:80]} has no host to fetch from")
        return
    shown = f"{scheme}:" if scheme else "a relative link"
    if redirected:
        raise FetchError(f"the server redirected to {shown}, which is never followed")
    raise FetchError(f"only http and https links can be fetched, not {shown}")


def _redirect_target(url: str, location: str | None) -> str:
    if not location or not location.strip():
        raise FetchError(f"{_host(url)} redirected without saying where to")
    target = urljoin(url, strip_controls(location).strip())
    _check_scheme(target, redirected=True)
    return target


def _status_error(response: httpx.Response, headers: Mapping[str, str]) -> FetchError:
    status = response.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = strip_controls(response.reason_phrase or "").strip()[:60]
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(headers.get("retry-after"), datetime.now(UTC))
    reason = f"the server answered {status} {phrase}".rstrip()
    if retry_after is not None:
        reason += f" and asks to wait {retry_after:.0f} s"
    return FetchError(reason, detail=f"HTTP {status} from {response.url}", retry_after=retry_after)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After in seconds (from seconds or an HTTP date); None when absent or unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value[:12]), 7 * 86_400))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


class _Watchdog:
    """Shuts the socket down at the deadline, so a trickling server cannot outlast it."""

    def __init__(self, at: float, seconds: float, host: str) -> None:
        self.at = at
        self.seconds = seconds
        self.host = host
        self.expired = False
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

    def error(self) -> FetchError:
        return FetchError(f"{self.host} took longer than {self.seconds:g} s")

    def watch(self, stream: Any) -> None:
        if stream is None:
            return
        with self._lock:
            self._streams.append(stream)
            expired = self.expired
        if expired:
            self._shutdown(stream)

    def trace(self, event: str, info: dict[str, Any]) -> None:
        # httpcore names the network stream once it connects (or upgrades to TLS).
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self.watch(info.get("return_value"))

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
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


@contextlib.contextmanager
def _exchange(
    url: str,
    headers: dict[str, str],
    connect_timeout: float,
    read_timeout: float,
    watchdog: _Watchdog,
) -> Iterator[httpx.Response]:
    import httpx

    client = _shared_client()
    remaining = watchdog.remaining()
    timeout = httpx.Timeout(
        connect=min(connect_timeout, remaining),
        read=min(read_timeout, remaining),
        write=min(read_timeout, remaining),
        pool=min(connect_timeout, remaining),
    )
    host = _host(url)
    try:
        with client.stream(
            "GET", url, headers=headers, timeout=timeout, extensions={"trace": watchdog.trace}
        ) as response:
            watchdog.watch(response.extensions.get("network_stream"))
            yield response
    except FetchError:
        raise
    except Exception as error:
        raise _translate(error, host, connect_timeout, read_timeout, watchdog) from None


def _translate(
    error: Exception, host: str, connect_timeout: float, read_timeout: float, watchdog: _Watchdog
) -> FetchError:
    import httpx

    detail = f"{type(error).__name__}: {error}"
    if watchdog.expired or time.monotonic() >= watchdog.at:
        return FetchError(watchdog.error().reason, detail=detail)
    if _caused_by(error, ssl.SSLError) or _caused_by(error, ssl.CertificateError):
        return FetchError(f"the secure connection to {host} failed", detail=detail)
    if _caused_by(error, socket.gaierror) or "name or service not known" in str(error).lower():
        return FetchError(f"could not find {host} (is the name right, and are you online?)", detail)
    if isinstance(error, httpx.ConnectTimeout):
        return FetchError(f"could not connect to {host} within {connect_timeout:g} s", detail)
    if isinstance(error, httpx.ConnectError | httpx.ProxyError):
        return FetchError(f"could not connect to {host}", detail=detail)
    if isinstance(error, httpx.TimeoutException):
        return FetchError(f"{host} stopped answering for {read_timeout:g} s", detail=detail)
    if isinstance(error, httpx.RemoteProtocolError):
        return FetchError(f"{host} did not answer in valid HTTP", detail=detail)
    if isinstance(error, httpx.HTTPError | OSError):
        return FetchError(f"the connection to {host} broke off", detail=detail)
    if isinstance(error, zlib.error):
        return FetchError(f"{host} sent a broken compressed body", detail=detail)
    return FetchError(f"fetching from {host} failed unexpectedly", detail=detail)


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size:,} bytes"


def _too_large(
    host: str, limit: int, size: int | None = None, unpacked: bool = False
) -> FetchError:
    what = _megabytes(size) if size is not None else f"more than {_megabytes(limit)}"
    once = " once decompressed" if unpacked else ""
    return FetchError(f"{host} sent too much: {what}{once} (the limit is {_megabytes(limit)})")


def _decompressor(encoding: str, host: str) -> Callable[[bytes, int], bytes] | None:
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        state = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        state = zlib.decompressobj()
    else:
        raise FetchError(f"{host} used a compression newsreader does not know ({encoding[:40]})")

    def step(chunk: bytes, room: int) -> bytes:
        # Never more than room bytes of output: a bomb stops as soon as it passes the cap.
        out = bytearray(state.decompress(chunk, room))
        while state.unconsumed_tail and len(out) < room:
            out += state.decompress(state.unconsumed_tail, room - len(out))
        if not chunk and len(out) < room:
            out += state.flush()
        return bytes(out)

    return step


def _read_body(
    response: httpx.Response, headers: Mapping[str, str], limit: int, watchdog: _Watchdog
) -> bytes:
    host = watchdog.host
    length = headers.get("content-length", "").strip()
    encoding = headers.get("content-encoding", "").strip().lower()
    if length.isdigit() and int(length) > limit and encoding in ("", "identity"):
        raise _too_large(host, limit, int(length))
    decompress = _decompressor(encoding, host)
    body = bytearray()
    # Errors from the stream are put in words by _exchange, around this call.
    for chunk in response.iter_raw(_CHUNK):
        watchdog.remaining()
        if decompress is None:
            body += chunk
        else:
            body += decompress(chunk, limit + 1 - len(body))
        if len(body) > limit:
            raise _too_large(host, limit, unpacked=decompress is not None)
    watchdog.remaining()
    if decompress is not None:
        body += decompress(b"", limit + 1 - len(body))
        if len(body) > limit:
            raise _too_large(host, limit, unpacked=True)
    return bytes(body)
