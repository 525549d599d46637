"""HTTP fetching against a real server on 127.0.0.1: limits, validators, hostile servers."""

from __future__ import annotations

import gzip
import itertools
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feed_samples import RSS_20
from feed_server import FeedServer

from reader import __version__, http
from reader.cli import main
from reader.feeds.fetch import FetchError, Limits, fetch, parse_retry_after
from reader.feeds.refresh import fetch_all
from reader.feeds.subscriptions import Feed, load_feeds

# Short limits keep the hostile cases fast; none is near a normal answer's time.
FAST = Limits(connect_timeout=2.0, read_timeout=0.5, total_timeout=1.5, max_bytes=1_048_576)
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def failure(url: str, limits: Limits = FAST, **options) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, limits=limits, now=NOW, **options)
    return caught.value


def test_a_feed_is_fetched_with_our_user_agent_and_gzip(server: FeedServer) -> None:
    server.serve("/feed", gzip.compress(RSS_20), headers={"Content-Encoding": "gzip"})
    fetched = fetch(server.url("/feed"), limits=FAST)
    assert fetched.body == RSS_20
    headers = server.requests[0].headers
    assert headers["User-Agent"].startswith(f"newsreader/{__version__} (")
    assert headers["Accept-Encoding"] == "gzip"
    assert "application/rss+xml" in headers["Accept"]


def test_validators_are_stored_and_sent_and_304_costs_nothing(server: FeedServer) -> None:
    validators = {"ETag": '"v1"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}
    server.serve("/feed", RSS_20, headers=validators)
    first = fetch(server.url("/feed"), limits=FAST)
    assert (first.etag, first.last_modified) == ('"v1"', "Wed, 01 May 2024 10:00:00 GMT")
    assert "If-None-Match" not in server.requests[0].headers

    server.serve("/feed", b"", status=304, headers=validators)
    second = fetch(
        server.url("/feed"), etag=first.etag, last_modified=first.last_modified, limits=FAST
    )
    assert second.body is None  # "not modified": nothing to parse
    sent = server.requests[1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Wed, 01 May 2024 10:00:00 GMT"


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500"), (410, "gone")]
)
def test_an_http_error_is_named_with_its_status(
    server: FeedServer, status: int, reason: str
) -> None:
    server.serve("/feed", b"nope", status=status)
    assert reason in failure(server.url("/feed")).reason


def test_429_with_retry_after_in_seconds_sets_a_not_before_time(server: FeedServer) -> None:
    server.serve("/feed", b"slow down", status=429, headers={"Retry-After": "120"})
    error = failure(server.url("/feed"))
    assert error.retry_after == NOW + timedelta(seconds=120)
    assert "HTTP 429" in error.reason and "2024-05-01 12:02 UTC" in error.reason


def test_503_with_an_http_date_retry_after(server: FeedServer) -> None:
    server.serve("/feed", b"", status=503, headers={"Retry-After": "Wed, 01 May 2024 15:00:00 GMT"})
    assert failure(server.url("/feed")).retry_after == datetime(2024, 5, 1, 15, 0, tzinfo=UTC)


def test_503_without_retry_after_is_a_plain_failure(server: FeedServer) -> None:
    server.serve("/feed", b"", status=503)
    error = failure(server.url("/feed"))
    assert error.retry_after is None and "HTTP 503" in error.reason


def test_retry_after_forms() -> None:
    assert parse_retry_after("30", NOW) == timedelta(seconds=30)
    assert parse_retry_after("", NOW) is None
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", NOW) == timedelta(0)
    assert parse_retry_after("9" * 40, NOW) == timedelta(days=7)


def test_redirects_are_followed_and_the_final_url_is_the_base(server: FeedServer) -> None:
    server.redirect("/a", "/b", status=301)
    server.redirect("/b", server.url("/c"), status=307)
    server.serve("/c", RSS_20)
    fetched = fetch(server.url("/a"), limits=FAST)
    assert fetched.body == RSS_20 and fetched.url == server.url("/c")


def test_redirecting_forever_stops_after_five(server: FeedServer) -> None:
    for n in range(20):
        server.redirect(f"/r{n}", f"/r{n + 1}")
    assert "too many redirects (more than 5)" in failure(server.url("/r0")).reason
    assert len(server.requests) == 6


def test_a_redirect_loop_is_named(server: FeedServer) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    assert "redirect loop" in failure(server.url("/a")).reason


def test_a_redirect_to_another_scheme_is_never_followed(server: FeedServer) -> None:
    server.redirect("/a", "file:///etc/passwd")
    assert "never followed" in failure(server.url("/a")).reason


def test_a_server_that_never_answers_times_out(server: FeedServer) -> None:
    server.hang("/feed")  # answers nothing until the server stops
    error = failure(server.url("/feed"))
    assert error.reason == "timed out: no answer from the server for 0.5 s"
    assert not server.stopping.is_set()  # the read timeout ended it, not the server


def test_a_silent_server_is_stopped_by_the_total_limit(server: FeedServer) -> None:
    server.hang("/feed")
    error = failure(server.url("/feed"), Limits(read_timeout=30.0, total_timeout=0.5))
    assert error.reason == "timed out: took more than 0.5 s in total"
    assert not server.stopping.is_set()


def test_a_server_that_trickles_bytes_is_stopped_by_the_total_limit(server: FeedServer) -> None:
    ran_out = server.trickle("/feed", b"<?xml version='1.0'?><rss version='2.0'><channel>")
    error = failure(server.url("/feed"))
    assert "took more than 1.5 s in total" in error.reason
    assert not ran_out.is_set()  # cut off while the server was still sending


def test_a_gzip_bomb_stops_at_the_limit_without_filling_memory(server: FeedServer) -> None:
    bomb = gzip.compress(b"\0" * (20 * 1_048_576), compresslevel=9)  # 20 KB on the wire
    server.serve("/feed", bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        error = failure(server.url("/feed"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "too large" in error.reason and "once decompressed" in error.reason
    assert peak < 4 * FAST.max_bytes


def test_a_50_mb_feed_is_refused_by_its_length_without_reading_it(server: FeedServer) -> None:
    size = 50 * 1_048_576
    sent = []

    def lazily() -> Iterator[bytes]:
        for _ in range(size // 65_536):
            sent.append(1)
            yield b"x" * 65_536

    server.stream("/feed", lazily, headers={"Content-Length": str(size)})
    error = failure(server.url("/feed"), Limits(read_timeout=2.0))
    assert error.reason == "too large: 50 MB, over the 10 MB a feed may have"


def test_a_body_without_a_length_is_cut_off_at_the_limit(server: FeedServer) -> None:
    server.stream("/feed", lambda: itertools.repeat(b"x" * 65_536, 800))
    error = failure(server.url("/feed"))
    assert error.reason == "too large: over the 1 MB a feed may have"


def test_a_refused_connection_is_named() -> None:
    error = failure("http://127.0.0.1:1/feed")
    assert "cannot connect" in error.reason


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "javascript:alert(1)", "gopher://x/"])
def test_other_schemes_are_refused(url: str) -> None:
    assert "only http and https" in failure(url).reason


def test_a_local_file_is_read(tmp_path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(RSS_20)
    assert fetch(str(path)).body == RSS_20


def test_a_large_local_file_is_refused(tmp_path) -> None:
    path = tmp_path / "feed.xml"
    with path.open("wb") as handle:
        handle.truncate(2 * 1_048_576)
    assert failure(str(path)).reason == "too large: 2 MB, over the 1 MB a feed may have"


def test_https_to_a_plain_http_server_is_said_in_plain_words(server: FeedServer) -> None:
    server.serve("/feed", RSS_20)
    error = failure(server.url("/feed").replace("http://", "https://"))
    assert error.reason == "no secure connection: the server does not speak https at this address"
    assert "WRONG_VERSION_NUMBER" in error.detail  # OpenSSL's words, for --verbose


def test_a_connection_failure_keeps_its_detail() -> None:
    error = failure("http://127.0.0.1:1/feed")
    assert error.reason == "cannot connect (connection refused)"
    assert "Errno 111" in error.detail


def test_the_feeds_of_one_host_share_a_connection_in_a_fetch_run(tmp_path: Path) -> None:
    kept = FeedServer(keep_alive=True).start()
    try:
        for n in range(5):
            kept.serve(f"/feed{n}", RSS_20)
        feeds = [Feed(url=kept.url(f"/feed{n}")) for n in range(5)]
        results = fetch_all(feeds, feeds_dir=tmp_path, workers=1)
        assert [r.status for r in results] == ["fetched"] * 5
        assert kept.connections == 1
    finally:
        kept.stop()


# ------------------------------------------------------------------ proxies


def test_fetch_goes_through_the_proxy_in_http_proxy(server: FeedServer, proxy, capsys) -> None:
    server.serve("/feed", RSS_20)
    assert main(["feed", "add", server.url("/feed"), "--no-fetch"]) == 0
    assert main(["fetch"]) == 0
    assert "Twenty & Co: 2 new articles" in capsys.readouterr().out
    assert proxy.requests == [f"GET {server.url('/feed')}"]  # asked of the proxy, in full
    assert server.paths() == ["/feed"]  # which forwarded it
    assert server.requests[0].headers["User-Agent"].startswith(f"newsreader/{__version__} (")


def test_no_proxy_fetches_its_hosts_directly(
    server: FeedServer, proxy, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    http.close()  # the shared client reads the environment when it is made
    server.serve("/feed", RSS_20)
    assert main(["feed", "add", server.url("/feed"), "--no-fetch"]) == 0
    assert main(["fetch"]) == 0
    assert proxy.requests == [] and server.paths() == ["/feed"]


def test_a_proxy_that_refuses_is_said_in_plain_words(proxy, capsys) -> None:
    assert main(["feed", "add", "https://feeds.invalid/feed", "--no-fetch"]) == 0
    assert main(["fetch"]) == 1
    assert proxy.requests == ["CONNECT feeds.invalid:443"]
    reason = "cannot connect through the proxy (it refused to reach the server)"
    assert f"https://feeds.invalid/feed: failed: {reason}" in capsys.readouterr().err
    assert load_feeds()[0].last_error == reason


def test_a_proxy_that_cannot_be_reached_is_named(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:1")
    http.close()
    try:
        error = failure("https://feeds.invalid/feed")  # never resolved: only the proxy is tried
    finally:
        http.close()
    assert error.reason == "cannot connect to the proxy 127.0.0.1 (connection refused)"


def test_a_failed_feed_is_named_by_its_title_as_the_sidebar_names_it() -> None:
    """A feed with a title failed as its URL, beside others named by title."""
    from reader.feeds.refresh import FeedResult
    from reader.feeds.subscriptions import Feed

    titled = Feed(url="https://feeds.example/feed1.xml", title="My Local One")
    untitled = Feed(url="https://feeds.example/new.xml")
    assert FeedResult(titled, "failed", error="offline").describe() == (
        "My Local One: failed: offline"
    )
    assert FeedResult(untitled, "skipped", error="retry later").describe() == (
        "https://feeds.example/new.xml: skipped: retry later"
    )
