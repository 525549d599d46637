"""The feed and fetch commands end to end, against a real server on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from feed_samples import JSON_11, RSS_20, item, rss
from feed_server import FeedServer

from reader import paths
from reader.cli import main
from reader.config import Config, load_config
from reader.feeds.refresh import fetch_all
from reader.feeds.subscriptions import Feed, load_feeds
from reader.state import UserState


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def serve_with_etag(server: FeedServer, path: str, body: bytes, etag: str = '"v1"') -> None:
    """A polite server: 304 when the client already has this version."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("ETag", etag)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    server.routes[path] = route


def test_add_fetch_list_and_read_through_the_loader(capsys, server: FeedServer) -> None:
    serve_with_etag(server, "/feed", RSS_20)
    code, out, err = run(capsys, "feed", "add", server.url("/feed"), "--topic", "Tech")
    assert (code, err) == (0, "")
    assert out == f"subscribed to {server.url('/feed')}\nTwenty & Co: 2 new articles\n"

    assert paths.feeds_dir() in paths.default_optional_paths()
    code, out, _ = run(capsys, "list", "--json", "--topic", "Tech")
    articles = json_lines(out)
    assert [a["title"] for a in articles] == ["Second post", "First post"]
    assert articles[1]["url"] == server.url("/posts/1")
    assert articles[1]["provider"] == "Twenty & Co"

    code, out, err = run(capsys, "fetch")
    assert (code, out, err) == (0, "Twenty & Co: not modified since the last fetch\n", "")
    assert server.requests[-1].headers["If-None-Match"] == '"v1"'

    shutil.rmtree(paths.feeds_dir())  # deleted by hand: the next fetch is not conditional
    code, out, err = run(capsys, "fetch")
    assert (code, out, err) == (0, "Twenty & Co: 2 new articles\n", "")
    assert "If-None-Match" not in server.requests[-1].headers

    code, out, _ = run(capsys, "feed", "list", "--json")
    (listed,) = json_lines(out)
    assert listed["url"] == server.url("/feed")
    assert (listed["title"], listed["topic"], listed["articles"]) == ("Twenty & Co", "Tech", 2)
    assert listed["last_error"] is None and listed["last_fetched"].endswith("Z")


def test_fetch_names_every_failed_feed_and_exits_1(capsys, server: FeedServer) -> None:
    server.serve("/good", JSON_11, headers={"Content-Type": "application/feed+json"})
    server.serve("/html", b"<!DOCTYPE html><html><body>blog</body></html>")
    for path in ("/good", "/missing", "/html"):
        assert run(capsys, "feed", "add", server.url(path), "--no-fetch")[0] == 0
    code, out, err = run(capsys, "fetch")
    assert code == 1
    assert "Jason Eleven: 2 new articles" in out
    assert "3 feeds: 2 new articles, 2 failed" in out
    assert f"{server.url('/missing')}: failed: HTTP 404 Not Found" in err
    assert f"{server.url('/html')}: failed: not a feed: the address gives an HTML page" in err
    feeds = {feed.url: feed for feed in load_feeds()}
    assert feeds[server.url("/missing")].last_error == "HTTP 404 Not Found"
    assert feeds[server.url("/good")].last_error == ""


def test_a_server_asking_to_wait_is_not_asked_again_until_then(capsys, server: FeedServer) -> None:
    server.serve("/feed", b"", status=429, headers={"Retry-After": "3600"})
    code, _, err = run(capsys, "feed", "add", server.url("/feed"))
    assert code == 1 and "HTTP 429" in err and "asks to wait" in err
    (listed,) = json_lines(run(capsys, "feed", "list", "--json")[1])
    assert listed["not_before"] is not None
    requests = len(server.requests)
    code, out, err = run(capsys, "fetch")
    assert code == 0 and "skipped: the server asked us to wait until" in out
    assert len(server.requests) == requests


def test_remove_deletes_the_articles_but_keeps_read_marks(capsys, server: FeedServer) -> None:
    server.serve("/feed", rss(item("One", "https://feed.example/1")))
    run(capsys, "feed", "add", server.url("/feed"))
    (feed,) = load_feeds()
    folder = paths.feeds_dir() / feed.folder
    assert folder.is_dir()
    with UserState() as state:
        state.mark_read(["https://feed.example/1"])

    code, out, _ = run(capsys, "feed", "remove", server.url("/feed"))
    assert code == 0 and "read marks are kept" in out
    assert not folder.exists() and load_feeds() == []

    run(capsys, "feed", "add", server.url("/feed"))
    (article,) = json_lines(run(capsys, "list", "--json", str(paths.feeds_dir()))[1])
    assert article["read"] is True


def test_import_and_export(capsys, tmp_path: Path) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="News">'
        '<outline text="A" xmlUrl="https://a.example/rss"/>'
        '<outline text="A" xmlUrl="https://a.example/rss"/></outline>'
        '<outline text="B" xmlUrl="https://b.example/atom"/>'
        '<outline text="X" xmlUrl="ftp://x.example/"/></body></opml>'
    )
    code, out, err = run(capsys, "feed", "import", opml)
    assert code == 0
    assert out.startswith("2 feeds added, 1 already subscribed, 1 skipped")
    assert "skipped ftp://x.example/" in err
    assert run(capsys, "feed", "import", opml)[1].startswith("0 feeds added, 3 already")

    code, exported, _ = run(capsys, "feed", "export")
    assert code == 0 and 'xmlUrl="https://a.example/rss"' in exported
    again = tmp_path / "again.opml"
    again.write_text(exported)
    run(capsys, "feed", "remove", "https://a.example/rss")
    run(capsys, "feed", "remove", "https://b.example/atom")
    assert run(capsys, "feed", "import", again)[1].startswith("2 feeds added, 0 already")
    assert [(f.url, f.topic) for f in load_feeds()] == [
        ("https://a.example/rss", "News"),
        ("https://b.example/atom", ""),
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["feed", "add", "ftp://example.com/feed"], "only http and https"),
        (["feed", "add", "/no/such/file.xml"], "no such file"),
        (["feed", "remove", "https://nope.example/"], "not subscribed"),
        (["feed", "import", "/no/such.opml"], "cannot read"),
        (["feed", "frobnicate"], "invalid choice"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("newsreader: ") and message in err and err.count("\n") == 1


def test_a_duplicate_add_and_a_bad_opml_are_usage_errors(capsys, tmp_path: Path) -> None:
    assert run(capsys, "feed", "add", "https://a.example/rss", "--no-fetch")[0] == 0
    code, _, err = run(capsys, "feed", "add", "https://A.example/rss#x", "--no-fetch")
    assert code == 2 and "already subscribed" in err
    bad = tmp_path / "bad.opml"
    bad.write_text('<!DOCTYPE x [<!ENTITY a "b">]><opml/>')
    code, _, err = run(capsys, "feed", "import", bad)
    assert code == 2 and "DOCTYPE or entity" in err


def test_fetch_without_feeds_says_how_to_add_one(capsys) -> None:
    assert run(capsys, "fetch") == (
        0,
        "",
        "newsreader: no feeds yet; add one with 'newsreader feed add URL'\n",
    )
    assert not paths.data_dir().exists()


def test_a_local_feed_file(capsys, tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(RSS_20)
    code, out, _ = run(capsys, "feed", "add", path)
    assert code == 0 and "2 new articles" in out
    (listed,) = json_lines(run(capsys, "feed", "list", "--json")[1])
    assert listed["url"] == str(path)


def test_fetch_all_is_bounded_ordered_and_reports_progress(server: FeedServer, tmp_path) -> None:
    active = 0
    peak = 0
    lock = threading.Lock()

    def slow(handler: BaseHTTPRequestHandler) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        server.stopping.wait(0.05)
        body = rss(item(handler.path, f"https://feed.example{handler.path}"))
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        with lock:
            active -= 1

    feeds = [Feed(url=server.url(f"/f{n}")) for n in range(8)]
    for n in range(8):
        server.routes[f"/f{n}"] = slow
    seen: list[tuple[int, int]] = []
    results = fetch_all(
        feeds, feeds_dir=tmp_path, workers=3, progress=lambda d, t, r: seen.append((d, t))
    )
    assert [r.feed.url for r in results] == [f.url for f in feeds]
    assert all(r.status == "fetched" and r.new == 1 for r in results)
    assert seen == [(n, 8) for n in range(1, 9)]
    assert peak <= 3


def test_the_feed_modules_do_not_import_textual_and_the_cli_not_feedparser() -> None:
    code = (
        "import sys, reader.cli\n"
        "assert 'feedparser' not in sys.modules, 'reader.cli imports feedparser'\n"
        "import reader.feeds.refresh, reader.feeds.opml, reader.cli.feed, reader.cli.fetch\n"
        "import reader.feeds.parse; reader.feeds.parse.parse_feed(b'<rss version=\"2.0\"/>')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("5", 5), ("60", 60), ("10080", 10080)])
def test_fetch_interval_minutes(tmp_path: Path, value: str, expected: int) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"fetch_interval_minutes = {value}\n")
    assert load_config(path) == (Config(fetch_interval_minutes=expected), [])


@pytest.mark.parametrize("value", ["1", "-5", "10081", "2.5", "true", '"60"'])
def test_a_bad_fetch_interval_keeps_the_default(tmp_path: Path, value: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"fetch_interval_minutes = {value}\n")
    config, problems = load_config(path)
    assert config.fetch_interval_minutes == 0
    assert len(problems) == 1 and "config.toml:1: fetch_interval_minutes must be" in str(
        problems[0]
    )
