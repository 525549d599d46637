"""The shared HTTP client against a real server on 127.0.0.1: policy and hostile servers."""

from __future__ import annotations

import gzip
import itertools
import subprocess
import sys
import time
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
    def trickle() -> Iterator[bytes]:
        yield b"<html><body>"
        for _ in range(2_000):
            time.sleep(0.02)  # well inside the read timeout, forever
            yield b" "

    server.stream("/slow", trickle, headers={"Content-Type": "text/html"})
    started = time.monotonic()
    assert str(failure(server.url("/slow"))) == "127.0.0.1 took longer than 1.5 s"
    assert time.monotonic() - started < 6


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
