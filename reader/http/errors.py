"""What a fetch gives back: a Response, or a FetchError in the user's words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

# What went wrong, for a caller that words it itself.
Kind = Literal[
    "address",  # not a usable http(s) address (no host, a bad port)
    "scheme",  # not http or https
    "redirect_scheme",  # a redirect to another scheme (value: the scheme)
    "redirect_empty",  # a redirect without a Location
    "redirect_loop",  # value: the address it led back to
    "redirects",  # more than limit redirects
    "deadline",  # the total deadline (limit: its seconds)
    "connect_timeout",
    "read_timeout",
    "dns",  # the name was not found
    "tls",  # cause: the ssl error
    "proxy",  # the proxy refused to connect us
    "proxy_connect",  # the proxy could not be reached (value: its host; cause: the OSError)
    "connect",  # cause: the OSError, when there is one
    "closed",  # the server closed the connection without answering
    "cut",  # the connection closed before the whole body arrived
    "protocol",  # not valid HTTP
    "broken",  # the connection broke off
    "compression",  # a broken compressed body
    "encoding",  # an unknown Content-Encoding (value: it)
    "too_large",  # size (when known), limit, unpacked
    "status",  # status, phrase (the server's), headers
    "type",  # a media type not allowed (value: it)
    "other",
]


class FetchError(Exception):
    """str(e) is one sentence in the user's words; .detail is the technical cause.

    ``kind`` says what happened and the attributes beside it give the facts,
    so a caller can say it in its own words.
    """

    def __init__(
        self,
        reason: str,
        detail: str = "",
        retry_after: float | None = None,
        *,
        kind: Kind = "other",
        host: str = "",
        cause: BaseException | None = None,
        status: int | None = None,
        phrase: str = "",
        headers: Mapping[str, str] | None = None,
        size: int | None = None,
        limit: float = 0,
        unpacked: bool = False,
        value: str = "",
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail or reason
        self.retry_after = retry_after
        self.kind: Kind = kind
        self.host = host
        self.cause = cause
        self.status = status
        self.phrase = phrase
        self.headers: Mapping[str, str] = headers or {}
        self.size = size
        self.limit = limit
        self.unpacked = unpacked
        self.value = value


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
