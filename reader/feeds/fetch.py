"""Fetching one feed, as a good citizen and a careful client, through ``reader.http``.

The shared client brings the policy (http and https only, at most five
redirects, connect and read timeouts, a total deadline per feed, a cap on the
decompressed body while it streams, gzip, proxies from the environment, and
connections pooled per host across a fetch run); this module asks for feeds
(their media types, conditional requests with ETag and Last-Modified), turns
Retry-After into a time not to fetch before, and says every failure the way
``newsreader fetch`` has always said it. A local file path is read directly
(for ``feed add PATH``).
"""

from __future__ import annotations

import os
import ssl
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from reader import __version__, http
from reader.text import strip_controls

USER_AGENT = f"newsreader/{__version__} (terminal news reader; feed fetcher)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, */*;q=0.5"
)
# A server that says "too many requests" without saying how long to wait.
DEFAULT_BACKOFF = timedelta(hours=1)
# Retry-After is obeyed up to this long; past it, a typo or a grudge.
MAX_BACKOFF = timedelta(days=7)


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
    try:
        response = http.get(
            url,
            accept=ACCEPT,
            user_agent=USER_AGENT,
            max_bytes=limits.max_bytes,
            connect_timeout=limits.connect_timeout,
            read_timeout=limits.read_timeout,
            deadline=limits.total_timeout,
            max_redirects=limits.max_redirects,
            etag=etag or None,
            last_modified=last_modified or None,
        )
    except http.FetchError as error:
        raise _in_feed_words(error, limits, now) from None
    if response.status == 304:
        return Fetched(url=response.url, body=None, etag=etag, last_modified=last_modified)
    if response.status == 204:
        raise FetchError("HTTP 204 No Content")
    return Fetched(
        url=response.url,
        body=response.body,
        content_type=response.headers.get("content-type", ""),
        etag=_clipped(response.etag),
        last_modified=_clipped(response.last_modified),
    )


def _clipped(value: str | None) -> str:
    return strip_controls(value or "").strip()[:1000]


def _in_feed_words(error: http.FetchError, limits: Limits, now: datetime | None) -> FetchError:
    """The client's failure said as ``newsreader fetch`` says it, with the technical detail."""
    kind = error.kind
    detail = error.detail if error.detail != error.reason else ""
    if kind == "status":
        return _status_failure(error, now)
    if kind == "too_large":
        return _too_large(limits, error.size, decompressed=error.unpacked)
    if kind == "tls" and error.cause is not None:
        return _tls_failure(error.cause)
    if kind in ("connect", "broken"):
        said = getattr(error.cause, "strerror", None)
        if said:  # what the socket said: "connection refused", "connection reset by peer"
            return FetchError(f"cannot connect ({said.lower()})", detail=detail)
        if kind == "broken":
            return FetchError("the connection to the server broke off", detail=detail)
        return FetchError("cannot connect to the server", detail=detail)
    if kind == "proxy_connect":
        said = getattr(error.cause, "strerror", None)
        why = f" ({said.lower()})" if said else ""
        return FetchError(f"cannot connect to the proxy {error.value}{why}", detail=detail)
    if kind == "dns":
        cause = error.cause
        said = getattr(cause, "strerror", None) or str(cause or error.detail)
        return FetchError(
            f"cannot find the server {error.host} (is the address right?)", detail=f"DNS: {said}"
        )
    words = {
        "deadline": f"timed out: took more than {limits.total_timeout:g} s in total",
        "read_timeout": f"timed out: no answer from the server for {limits.read_timeout:g} s",
        "connect_timeout": (
            f"timed out connecting to {error.host} (after {limits.connect_timeout:g} s)"
        ),
        "redirects": f"too many redirects (more than {limits.max_redirects})",
        "redirect_loop": f"redirect loop: the redirects lead back to {error.value}",
        "redirect_empty": "redirect without a Location header",
        "redirect_scheme": (
            f"redirect to a {error.value or 'relative'}: link, which is never followed"
        ),
        "address": f"not a usable URL ({detail})" if detail else "the URL has no host",
        "proxy": "cannot connect through the proxy (it refused to reach the server)",
        "closed": "the server closed the connection without answering",
        "cut": "the connection closed before the whole feed arrived",
        "protocol": "the server's answer is not valid HTTP",
        "compression": "the server sent a broken gzip body",
        "encoding": f"the server used an unknown compression: {error.value}",
    }
    reason = words.get(kind)
    if reason is None:
        return FetchError(f"unexpected error: {error.detail}")
    return FetchError(reason, detail=detail)


def _status_failure(error: http.FetchError, now: datetime | None) -> FetchError:
    status = error.status or 0
    text = f"HTTP {status} {error.phrase}".rstrip()
    if status == 410:
        text += " (the feed is gone for good: remove it)"
    if status not in (429, 503):
        return FetchError(text)
    now = now or datetime.now(UTC)
    wait = parse_retry_after(error.headers.get("retry-after"), now)
    if wait is None and status == 503:
        return FetchError(text)
    until = now + min(wait if wait is not None else DEFAULT_BACKOFF, MAX_BACKOFF)
    when = until.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return FetchError(
        f"{text}: the server asks to wait; not fetched again before {when}", retry_after=until
    )


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as a delay: seconds, or an HTTP date; None if absent or unreadable."""
    seconds = http.parse_retry_after(value, now)
    return None if seconds is None else timedelta(seconds=seconds)


def _tls_failure(error: BaseException) -> FetchError:
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
