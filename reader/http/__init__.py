"""The one HTTP client for everything that fetches: feeds, pages and pictures.

Built on httpx (proxies from HTTP(S)_PROXY / NO_PROXY, connections pooled per
host by one shared client), with our policy on top: http and https only (a
redirect elsewhere is refused), at most five redirects (a loop is named),
connect and read timeouts, a total deadline per request, and a size cap
counted on decompressed bytes while streaming, so a gzip bomb stops at the
cap. The deadline holds on a pooled connection too: every socket read and
write of a request is given at most the time left, and a watchdog shuts the
socket down when it runs out (a server that trickles bytes cannot outlast it).

A failure is a FetchError: ``str()`` is one sentence for the user, ``.detail``
the technical cause, and ``.kind`` (with the facts beside it) lets a caller say
it in its own words, as the feed fetcher does. httpx is imported lazily:
importing this module costs nothing at start-up.

``errors`` holds what a fetch gives back (Response, FetchError and its kinds),
``deadline`` the total deadline kept on every socket of a request.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urljoin, urlsplit

from reader import __version__
from reader.http.deadline import Watchdog, bound_sockets, current
from reader.http.errors import FetchError, Kind, Response
from reader.text import strip_controls

__all__ = ["USER_AGENT", "FetchError", "Kind", "Response", "close", "get", "parse_retry_after"]

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

_E = TypeVar("_E", bound=BaseException)
_client: httpx.Client | None = None
_client_lock = threading.Lock()


def _shared_client() -> httpx.Client:
    global _client
    with _client_lock:
        if _client is None:
            httpx = _import_httpx()
            client = httpx.Client(
                follow_redirects=False,  # we follow them, checking each one
                trust_env=True,  # HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY
                headers={"User-Agent": USER_AGENT},
                limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            )
            bound_sockets(client)
            _client = client
        return _client


def _import_httpx() -> Any:
    """httpx, without its command line: httpx imports that (click, rich, pygments) whenever
    they are installed, a quarter of its import time, and newsreader never runs it."""
    if "httpx" not in sys.modules:
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None: not importable
    import httpx

    return httpx


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
    user_agent: str | None = None,
) -> Response:
    """GET ``url`` under our policy; FetchError, in plain words, for anything unusable."""
    _check_address(url, redirected=False)
    # gzip only: "deflate" is sent both zlib-wrapped and raw in the wild.
    headers = {"Accept": accept, "Accept-Encoding": "gzip"}
    if user_agent:
        headers["User-Agent"] = user_agent
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    watchdog = Watchdog(time.monotonic() + deadline, deadline, _host(url))
    visited = [url]
    current.watchdog = watchdog
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
                            kind="redirect_loop",
                            host=_host(visited[0]),
                            value=target,
                        )
                    if len(visited) > max_redirects:
                        raise FetchError(
                            f"{_host(visited[0])} redirected more than {max_redirects} times",
                            kind="redirects",
                            host=_host(visited[0]),
                            limit=max_redirects,
                        )
                    visited.append(target)
                    url = target
                    continue
                finished = _finish(
                    url, response, etag, last_modified, max_bytes, allowed_types, watchdog
                )
                # Before the connection goes back to the pool, where another request may take it.
                watchdog.cancel()
                return finished
    finally:
        current.watchdog = None
        watchdog.cancel()


def _finish(
    url: str,
    response: httpx.Response,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    allowed_types: tuple[str, ...] | None,
    watchdog: Watchdog,
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
        raise FetchError(_refused_type(media_type, allowed_types), kind="type", value=media_type)
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


def _check_address(url: str, *, redirected: bool) -> None:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        try:
            host, _port = parts.hostname, parts.port
        except ValueError as error:
            raise FetchError(
                f"{url[:80]} is not a usable address", detail=str(error), kind="address"
            ) from None
        if not host:
            raise FetchError(f"{url[:80]} has no host to fetch from", kind="address")
        return
    shown = f"{scheme}:" if scheme else "a relative link"
    if redirected:
        raise FetchError(
            f"the server redirected to {shown}, which is never followed",
            kind="redirect_scheme",
            value=scheme,
        )
    raise FetchError(f"only http and https links can be fetched, not {shown}", kind="scheme")


def _redirect_target(url: str, location: str | None) -> str:
    if not location or not location.strip():
        raise FetchError(
            f"{_host(url)} redirected without saying where to",
            kind="redirect_empty",
            host=_host(url),
        )
    target = urljoin(url, strip_controls(location).strip())
    _check_address(target, redirected=True)
    return target


def _status_error(response: httpx.Response, headers: Mapping[str, str]) -> FetchError:
    status = response.status_code
    said = strip_controls(response.reason_phrase or "").strip()[:80]
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = said[:60]
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(headers.get("retry-after"), datetime.now(UTC))
    reason = f"the server answered {status} {phrase}".rstrip()
    if retry_after is not None:
        reason += f" and asks to wait {retry_after:.0f} s"
    return FetchError(
        reason,
        detail=f"HTTP {status} from {response.url}",
        retry_after=retry_after,
        kind="status",
        host=_host(str(response.url)),
        status=status,
        phrase=said,
        headers=headers,
    )


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After in seconds (from seconds or an HTTP date, at most a week); None when
    absent or unreadable."""
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
    return min(max((when - now).total_seconds(), 0.0), 7 * 86_400.0)


@contextlib.contextmanager
def _exchange(
    url: str,
    headers: dict[str, str],
    connect_timeout: float,
    read_timeout: float,
    watchdog: Watchdog,
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
    answered = False
    try:
        with client.stream("GET", url, headers=headers, timeout=timeout) as response:
            answered = True
            yield response
    except FetchError:
        raise
    except Exception as error:
        failure = _translate(error, host, connect_timeout, read_timeout, watchdog, answered)
        proxy = _proxy_host(client, url) if failure.kind in ("connect", "connect_timeout") else ""
        if proxy:
            failure = FetchError(
                f"could not connect to the proxy {proxy} (for {host})",
                detail=failure.detail,
                kind="proxy_connect",
                host=host,
                cause=failure.cause,
                value=proxy,
            )
        raise failure from None


def _proxy_host(client: httpx.Client, url: str) -> str:
    """The host of the proxy the client sends ``url`` through, "" when none, for wording only.

    httpx keeps this to itself: a transport per proxy, chosen by a private method.
    """
    try:
        import httpx

        transport = client._transport_for_url(httpx.URL(url))
        proxy_url = transport._pool._proxy_url  # type: ignore[attr-defined]  # see above
        return str(proxy_url.host.decode("ascii", "replace"))
    except Exception:
        return ""


def _translate(
    error: Exception,
    host: str,
    connect_timeout: float,
    read_timeout: float,
    watchdog: Watchdog,
    answered: bool,
) -> FetchError:
    import httpx

    detail = f"{type(error).__name__}: {error}"

    def failed(
        reason: str, kind: Kind, cause: BaseException | None = None, **facts: Any
    ) -> FetchError:
        return FetchError(reason, detail=detail, kind=kind, host=host, cause=cause, **facts)

    if watchdog.expired or time.monotonic() >= watchdog.at:
        return watchdog.error(detail)
    tls = _cause(error, ssl.SSLError) or _cause(error, ssl.CertificateError)
    if tls is not None:
        return failed(f"the secure connection to {host} failed", "tls", tls)
    dns = _cause(error, socket.gaierror)
    if dns is not None or "name or service not known" in str(error).lower():
        return failed(f"could not find {host} (is the name right, and are you online?)", "dns", dns)
    if isinstance(error, httpx.ConnectTimeout):
        return failed(
            f"could not connect to {host} within {connect_timeout:g} s",
            "connect_timeout",
            limit=connect_timeout,
        )
    if isinstance(error, httpx.ProxyError):
        return failed(f"the proxy would not connect to {host}", "proxy")
    if isinstance(error, httpx.ConnectError):
        return failed(f"could not connect to {host}", "connect", _cause(error, OSError))
    if isinstance(error, httpx.TimeoutException):
        return failed(
            f"{host} stopped answering for {read_timeout:g} s", "read_timeout", limit=read_timeout
        )
    if isinstance(error, httpx.RemoteProtocolError):
        said = str(error).lower()
        if "disconnected without sending a response" in said:
            return failed(f"{host} closed the connection without answering", "closed")
        if answered and "peer closed connection" in said:
            return failed(f"the connection to {host} closed before everything arrived", "cut")
        return failed(f"{host} did not answer in valid HTTP", "protocol")
    if isinstance(error, httpx.HTTPError | OSError):
        cause = error if isinstance(error, OSError) else _cause(error, OSError)
        return failed(f"the connection to {host} broke off", "broken", cause)
    if isinstance(error, zlib.error):
        return failed(f"{host} sent a broken compressed body", "compression", error)
    return failed(f"fetching from {host} failed unexpectedly", "other", error)


def _cause(error: BaseException, kind: type[_E]) -> _E | None:
    """The first exception of ``kind`` in ``error``'s chain of causes, or None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size:,} bytes"


def _too_large(
    host: str, limit: int, size: int | None = None, unpacked: bool = False
) -> FetchError:
    what = _megabytes(size) if size is not None else f"more than {_megabytes(limit)}"
    once = " once decompressed" if unpacked else ""
    return FetchError(
        f"{host} sent too much: {what}{once} (the limit is {_megabytes(limit)})",
        kind="too_large",
        host=host,
        size=size,
        limit=limit,
        unpacked=unpacked,
    )


def _decompressor(encoding: str, host: str) -> Callable[[bytes, int], bytes] | None:
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        state = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        state = zlib.decompressobj()
    else:
        raise FetchError(
            f"{host} used a compression newsreader does not know ({encoding[:40]})",
            kind="encoding",
            host=host,
            value=encoding[:40],
        )

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
    response: httpx.Response, headers: Mapping[str, str], limit: int, watchdog: Watchdog
) -> bytes:
    host = watchdog.host
    length = headers.get("content-length", "").strip()
    encoding = headers.get("content-encoding", "").strip().lower()
    # Compressed or not, what is on the wire is never more than what it unpacks to
    # (give or take a header): a longer body is refused unread.
    if length.isdigit() and int(length) > limit:
        raise _too_large(host, limit, int(length))
    decompress = _decompressor(encoding, host)
    body = bytearray()
    received = 0
    # Errors from the stream are put in words by _exchange, around this call.
    for chunk in response.iter_raw(_CHUNK):
        watchdog.remaining()
        received += len(chunk)
        if decompress is None:
            body += chunk
        else:
            body += decompress(chunk, limit + 1 - len(body))
        if len(body) > limit:
            raise _too_large(host, limit, unpacked=decompress is not None)
        if received > limit:  # bytes after the end of a compressed stream count too
            raise _too_large(host, limit)
    watchdog.remaining()
    if decompress is not None:
        body += decompress(b"", limit + 1 - len(body))
        if len(body) > limit:
            raise _too_large(host, limit, unpacked=True)
    return bytes(body)
