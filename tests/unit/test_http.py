"""The shared HTTP client against a real server on 127.0.0.1: policy and hostile servers."""

from __future__ import annotations

import gzip
import itertools
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from feed_server import FeedServer

from reader import __version__, http

FAST = {"connect_timeout": 2.0, "read_timeout": 0.5, "deadline": 1.5, "max_bytes": 1_048_576}
HTML = ("text/html", "application/xhtml+xml")
PAGE = b"<html><body><p>Hello</p></body></html>"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    http.close()  # a new client reads the environment
    running = FeedServer().start()
    yield running
    running.stop()
    http.close()


def failure(url: str, **options: object) -> http.FetchError:
    with pytest.raises(http.FetchError) as caught:
        http.get(url, **{**FAST, **options})  # type: ignore[arg-type]
    return caught.value


def html(server: FeedServer, path: str, body: bytes = PAGE, **headers: str) -> None:
    server.serve(path, body, headers={"Content-Type": "text/html; charset=UTF-8", **headers})


def test_a_page_is_fetched_with_our_user_agent_gzip_and_its_type(server: FeedServer) -> None:
    html(server, "/p", gzip.compress(PAGE), **{"Content-Encoding": "gzip", "ETag": '"v1"'})
    response = http.get(server.url("/p"), allowed_types=HTML)
    assert response.body == PAGE
    assert (response.status, response.content_type, response.charset) == (200, "text/html", "utf-8")
    assert response.etag == '"v1"' and response.headers["etag"] == '"v1"'
    sent = server.requests[-1].headers
    assert sent["User-Agent"] == f"newsreader/{__version__} (terminal news reader)"
    assert "gzip" in sent["Accept-Encoding"]


def test_conditional_requests_send_validators_and_a_304_has_no_body(server: FeedServer) -> None:
    server.serve("/p", b"", status=304, headers={"Content-Length": "0"})
    response = http.get(
        server.url("/p"), etag='"v1"', last_modified="Wed, 01 May 2024 10:00:00 GMT"
    )
    assert (response.status, response.body, response.etag) == (304, b"", '"v1"')
    sent = server.requests[-1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Wed, 01 May 2024 10:00:00 GMT"


def test_redirects_are_followed_and_the_final_url_is_given(server: FeedServer) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", server.url("/c"), status=301)
    html(server, "/c")
    response = http.get(server.url("/a"))
    assert response.url == server.url("/c") and response.body == PAGE


def test_a_redirect_to_a_file_is_refused(server: FeedServer) -> None:
    server.redirect("/a", "file:///etc/passwd")
    assert (
        str(failure(server.url("/a"))) == "the server redirected to file:, which is never followed"
    )


def test_a_redirect_loop_is_named(server: FeedServer) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    assert str(failure(server.url("/a"))) == "the redirects from 127.0.0.1 go round in a loop"


def test_more_than_five_redirects_are_refused(server: FeedServer) -> None:
    for step in range(7):
        server.redirect(f"/r{step}", f"/r{step + 1}")
    html(server, "/r7")
    assert str(failure(server.url("/r0"))) == "127.0.0.1 redirected more than 5 times"
    assert server.paths() == [f"/r{step}" for step in range(6)]


def test_five_redirects_are_followed(server: FeedServer) -> None:
    for step in range(5):
        server.redirect(f"/r{step}", f"/r{step + 1}")
    html(server, "/r5")
    assert http.get(server.url("/r0")).body == PAGE


def test_a_gzip_bomb_stops_at_the_cap_without_filling_memory(server: FeedServer) -> None:
    bomb = gzip.compress(b"\0" * (40 * 1_048_576), compresslevel=9)  # 40 KB on the wire
    html(server, "/bomb", bomb, **{"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        error = failure(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "once decompressed" in str(error) and "the limit is 1.0 MB" in str(error)
    assert peak < 4 * 1_048_576


def test_a_body_over_the_cap_by_its_length_is_refused(server: FeedServer) -> None:
    size = 50 * 1_048_576
    server.stream(
        "/big",
        lambda: itertools.repeat(b"x" * 65_536, size // 65_536),
        headers={"Content-Type": "text/html", "Content-Length": str(size)},
    )
    error = failure(server.url("/big"), max_bytes=10 * 1_048_576, read_timeout=2.0)
    assert str(error) == "127.0.0.1 sent too much: 50.0 MB (the limit is 10.0 MB)"


def test_a_body_without_a_length_is_cut_at_the_cap(server: FeedServer) -> None:
    server.stream("/big", lambda: itertools.repeat(b"x" * 65_536, 800))
    assert str(failure(server.url("/big"))) == (
        "127.0.0.1 sent too much: more than 1.0 MB (the limit is 1.0 MB)"
    )


def test_a_trickling_server_is_cut_at_the_deadline(server: FeedServer) -> None:
    ran_out = server.trickle("/slow", b"<html><body>", headers={"Content-Type": "text/html"})
    error = failure(server.url("/slow"))
    assert str(error) == "127.0.0.1 took longer than 1.5 s"
    assert error.kind == "deadline" and error.limit == 1.5
    assert not ran_out.is_set()  # cut off while the server was still sending


def test_the_deadline_holds_on_a_pooled_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A server that answers once, then trickles the next answer's headers on the same
    # connection: no new connection is made, so only the deadline on every read stops it.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    http.close()
    kept = FeedServer(keep_alive=True).start()
    try:
        html(kept, "/first")
        ran_out = kept.trickle_headers("/second")
        assert http.get(kept.url("/first")).body == PAGE
        error = failure(kept.url("/second"), read_timeout=5.0, deadline=1.0)
        assert str(error) == "127.0.0.1 took longer than 1 s"
        assert kept.connections == 1  # the second request took the first one's connection
        assert not ran_out.is_set()
    finally:
        kept.stop()
        http.close()


def test_a_deadline_shorter_than_the_read_timeout_ends_a_silent_server(
    server: FeedServer,
) -> None:
    server.hang("/hang")  # answers nothing until the server stops
    error = failure(server.url("/hang"), read_timeout=30.0, deadline=0.5)
    assert str(error) == "127.0.0.1 took longer than 0.5 s"
    assert not server.stopping.is_set()  # the server still holds the request


def test_a_server_that_never_answers_is_named(server: FeedServer) -> None:
    server.hang("/hang")
    assert str(failure(server.url("/hang"))) == "127.0.0.1 stopped answering for 0.5 s"


def test_a_404_is_named_with_its_status(server: FeedServer) -> None:
    error = failure(server.url("/missing"))
    assert str(error) == "the server answered 404 Not Found"
    assert error.retry_after is None


def test_a_429_carries_its_retry_after(server: FeedServer) -> None:
    server.serve("/busy", b"", status=429, headers={"Retry-After": "120"})
    error = failure(server.url("/busy"))
    assert error.retry_after == 120.0
    assert str(error).startswith("the server answered 429 Too Many Requests")


def test_retry_after_forms() -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert http.parse_retry_after("30", now) == 30.0
    assert http.parse_retry_after("Wed, 01 May 2024 12:01:00 GMT", now) == 60.0
    assert http.parse_retry_after("soon", now) is None
    assert http.parse_retry_after(None, now) is None


def test_a_refused_connection_is_named(server: FeedServer) -> None:
    error = failure("http://127.0.0.1:1/page")
    assert str(error) == "could not connect to 127.0.0.1"
    assert error.detail  # the technical cause, for --verbose


@pytest.mark.parametrize(
    ("content_type", "named"),
    [
        ("application/pdf", "the link is a PDF document (application/pdf), not a web page"),
        ("application/octet-stream", "the link is a binary file (application/octet-stream), "),
        ("image/png", "the link is a picture (image/png), not a web page"),
        ("", "the server did not say what it sent"),
    ],
)
def test_a_type_not_allowed_is_named_before_its_body_is_read(
    server: FeedServer, content_type: str, named: str
) -> None:
    server.serve("/file", b"%PDF-1.7" + b"x" * 100, headers={"Content-Type": content_type})
    assert str(failure(server.url("/file"), allowed_types=HTML)).startswith(named)


def test_xhtml_is_allowed_as_a_web_page(server: FeedServer) -> None:
    server.serve("/x", PAGE, headers={"Content-Type": "application/xhtml+xml"})
    assert http.get(server.url("/x"), allowed_types=HTML).content_type == "application/xhtml+xml"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://x/y"])
def test_other_schemes_are_never_fetched(url: str) -> None:
    assert str(failure(url)).startswith("only http and https links can be fetched")


def test_importing_the_client_does_not_import_httpx() -> None:
    code = "import sys, reader.http; print('httpx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"


def test_a_failure_carries_its_kind_and_facts_for_a_caller_to_word(server: FeedServer) -> None:
    server.serve("/busy", b"", status=429, headers={"Retry-After": "120"})
    server.stream("/big", lambda: itertools.repeat(b"x" * 65_536, 800))
    busy = failure(server.url("/busy"))
    assert (busy.kind, busy.status, busy.phrase) == ("status", 429, "Too Many Requests")
    assert busy.headers["retry-after"] == "120"
    big = failure(server.url("/big"))
    assert (big.kind, big.size, big.limit, big.unpacked) == ("too_large", None, 1_048_576, False)
    refused = failure("http://127.0.0.1:1/page")
    assert refused.kind == "connect" and isinstance(refused.cause, ConnectionRefusedError)


# ------------------------------------------------------------------ proxies


def test_a_request_goes_through_the_proxy_in_http_proxy(server: FeedServer, proxy) -> None:
    html(server, "/p")
    response = http.get(server.url("/p"))
    assert response.body == PAGE and response.headers["via"] == "1.1 test-proxy"
    assert proxy.requests == [f"GET {server.url('/p')}"]  # the absolute form: a proxy's
    assert server.paths() == ["/p"]  # forwarded by the proxy


def test_no_proxy_names_the_hosts_reached_directly(
    server: FeedServer, proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    http.close()  # the client reads the environment when it is made
    html(server, "/p")
    assert "via" not in http.get(server.url("/p")).headers
    assert proxy.requests == [] and server.paths() == ["/p"]


def test_https_goes_through_the_proxy_in_https_proxy(proxy) -> None:
    error = failure("https://feeds.invalid/feed")  # never resolved: only the proxy is asked
    assert proxy.requests == ["CONNECT feeds.invalid:443"]
    assert error.kind == "proxy" and str(error) == "the proxy would not connect to feeds.invalid"


def test_a_proxy_that_cannot_be_reached_is_named(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:1")
    monkeypatch.delenv("NO_PROXY")
    http.close()
    try:
        error = failure(server.url("/p"))
    finally:
        http.close()
    assert str(error) == "could not connect to the proxy 127.0.0.1 (for 127.0.0.1)"
    assert error.kind == "proxy_connect" and isinstance(error.cause, ConnectionRefusedError)
    assert server.paths() == []
