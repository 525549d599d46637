"""Feeds under faults: commands racing each other, damaged files, a full or read-only disk.

The races run real ``python -m reader`` processes against a server on
127.0.0.1; the full and read-only disks are small tmpfs mounts (skipped, with
the reason, where this process cannot mount one).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from feed_samples import RSS_20, item, rss
from feed_server import FeedServer
from small_disk import fill, mount_tmpfs, remount_read_only, unmount

from reader import paths
from reader.cli import main
from reader.feeds import subscriptions
from reader.feeds.feed_folder import article_files
from reader.feeds.subscriptions import (
    Feed,
    add_feed,
    load_feeds,
    lock_path,
    locked,
    save_feeds,
)

REPO = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def big_feed(name: str, count: int = 60) -> bytes:
    items = "".join(
        item(f"{name} {n}", f"https://{name}.example/{n}", text="words " * 40) for n in range(count)
    )
    return rss(items, title=f"Feed {name}")


def reader_process(*argv: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reader", *argv],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def environment(data: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = str(data)
    env["TEXTUAL_ANIMATIONS"] = "none"
    return env


# ------------------------------------------------------------------ the lock


def test_every_change_of_the_list_holds_the_lock(tmp_path: Path, monkeypatch) -> None:
    listing = tmp_path / "feeds.json"
    held: list[bool] = []
    real_save = subscriptions.save_feeds

    def save(feeds, path=None) -> None:
        fd = os.open(lock_path(listing), os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held.append(False)
        except BlockingIOError:
            held.append(True)
        finally:
            os.close(fd)
        real_save(feeds, path)

    monkeypatch.setattr(subscriptions, "save_feeds", save)
    add_feed("https://a.example/rss", path=listing)
    subscriptions.add_feeds([Feed(url="https://b.example/rss")], path=listing)
    subscriptions.merge_results([Feed(url="https://a.example/rss", title="A")], path=listing)
    subscriptions.remove_feed("https://b.example/rss", path=listing, feeds_dir=tmp_path)
    assert held == [True, True, True, True]
    assert [(f.url, f.title) for f in load_feeds(listing)] == [("https://a.example/rss", "A")]


def test_the_lock_is_exclusive_between_threads_too(tmp_path: Path) -> None:
    listing = tmp_path / "feeds.json"
    order: list[str] = []
    with locked(listing):
        worker = threading.Thread(target=lambda: add_feed("https://a.example/", path=listing))
        worker.start()
        worker.join(0.2)
        order.append("released")
        assert load_feeds(listing) == []  # the add waits for the lock
    worker.join(10)
    assert [f.url for f in load_feeds(listing)] == ["https://a.example/"]


def test_concurrent_adds_keep_every_subscription(server: FeedServer, tmp_path: Path) -> None:
    """Issue: two `feed add` at once lost one of them in 3 rounds of 10."""
    for name in "abcd":
        server.serve(f"/{name}", big_feed(name, 20))
    for round_number in range(3):
        env = environment(tmp_path / f"round{round_number}")
        urls = [server.url(f"/{name}") for name in "abcd"]
        processes = [reader_process("feed", "add", url, env=env) for url in urls]
        processes.append(reader_process("fetch", env=env))
        outcomes = [finish(p) for p in processes]
        for code, _, err in outcomes[:4]:
            assert code == 0 and "Traceback" not in err, err
        assert "Traceback" not in outcomes[4][2]
        listing = tmp_path / f"round{round_number}" / "newsreader" / "feeds.json"
        assert sorted(f.url for f in load_feeds(listing)) == sorted(urls), round_number


def test_remove_during_a_fetch_takes_every_file(server: FeedServer, tmp_path: Path) -> None:
    """The fetch is answered only after the remove ended: it must not write the folder again."""
    answered = threading.Event()
    release = threading.Event()
    body = big_feed("slow", 80)

    def slow(handler: BaseHTTPRequestHandler) -> None:
        answered.set()
        release.wait(30)
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    server.serve("/slow", body)
    env = environment(tmp_path / "data")
    assert finish(reader_process("feed", "add", server.url("/slow"), env=env))[0] == 0
    feeds_dir = tmp_path / "data" / "newsreader" / "feeds"
    (folder,) = feeds_dir.iterdir()
    server.routes["/slow"] = slow
    fetching = reader_process("fetch", env=env)
    assert answered.wait(30)
    code, out, err = finish(reader_process("feed", "remove", server.url("/slow"), env=env))
    release.set()
    fetch_code, fetch_out, fetch_err = finish(fetching)
    assert code == 0 and "removed" in out and err == ""
    assert "Traceback" not in fetch_err
    assert "unsubscribed while it was fetched" in fetch_out
    assert not folder.exists()
    assert load_feeds(tmp_path / "data" / "newsreader" / "feeds.json") == []


def test_remove_racing_fetches_leaves_nothing(server: FeedServer, tmp_path: Path) -> None:
    for name in "abc":
        server.serve(f"/{name}", big_feed(name, 100))
    for round_number in range(2):  # bounded: the test above proves it without a race
        data = tmp_path / f"round{round_number}"
        env = environment(data)
        for name in "abc":
            assert finish(reader_process("feed", "add", server.url(f"/{name}"), env=env))[0] == 0
        fetching = reader_process("fetch", env=env)
        code, out, err = finish(reader_process("feed", "remove", server.url("/b"), env=env))
        fetch_code, _, fetch_err = finish(fetching)
        assert (code, err) == (0, "") and "Traceback" not in fetch_err
        listing = data / "newsreader" / "feeds.json"
        remaining = load_feeds(listing)
        assert [f.url for f in remaining] == [server.url("/a"), server.url("/c")]
        folders = sorted(p.name for p in (data / "newsreader" / "feeds").iterdir())
        assert folders == sorted(f.folder for f in remaining), round_number


# ------------------------------------------------------------------ damaged files


def test_a_deeply_nested_list_is_named_damaged_and_set_aside(capsys) -> None:
    listing = paths.feeds_list_path()
    listing.parent.mkdir(parents=True)
    listing.write_text('{"feeds": ' + "[" * 100_000 + "]" * 100_000 + "}")
    for argv in (["fetch"], ["feed", "list"], ["feed", "export"]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == "" and err.count("\n") == 1, argv
        assert "is damaged: it is nested too deeply" in err and "Traceback" not in err
    code, out, err = run(capsys, "feed", "add", "https://a.example/rss", "--no-fetch")
    assert code == 0 and "subscribed to https://a.example/rss" in out
    assert "the feed list was damaged; it was moved to" in err
    (aside,) = listing.parent.glob("feeds.json.damaged-*")
    assert aside.read_text().startswith('{"feeds": [[[')
    assert [f.url for f in load_feeds()] == ["https://a.example/rss"]


def test_an_entry_with_an_empty_url_is_named_and_skipped(capsys, server: FeedServer) -> None:
    server.serve("/feed", RSS_20)
    listing = paths.feeds_list_path()
    listing.parent.mkdir(parents=True)
    entries = [{"url": ""}, {"url": server.url("/feed")}]
    listing.write_text(json.dumps({"version": 1, "feeds": entries}))
    code, out, err = run(capsys, "fetch")
    assert code == 0 and "Twenty & Co: 2 new articles" in out, err
    assert err == f"newsreader: {listing}: feed 1 has an empty URL; it is skipped\n"
    assert ": : failed" not in err


def serve_with_etag(server: FeedServer, path: str, body: bytes, etag: str = '"v1"') -> None:
    def route(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("ETag", etag)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    server.routes[path] = route


def test_a_lost_or_damaged_article_is_fetched_again_after_a_304(capsys, server) -> None:
    serve_with_etag(server, "/feed", RSS_20)
    assert run(capsys, "feed", "add", server.url("/feed"))[0] == 0
    (feed,) = load_feeds()
    folder = paths.feeds_dir() / feed.folder
    first, second = article_files(folder)
    good = first.read_bytes()
    assert run(capsys, "fetch")[1] == "Twenty & Co: not modified since the last fetch\n"

    first.unlink()
    code, out, _ = run(capsys, "fetch")
    assert (code, out) == (0, "Twenty & Co: 1 new article\n")
    assert first.read_bytes() == good
    assert "If-None-Match" not in server.requests[-1].headers

    first.write_bytes(b"\x00garbage")
    code, out, _ = run(capsys, "fetch")
    assert (code, out) == (0, "Twenty & Co: no new articles, 1 updated\n")
    assert first.read_bytes() == good
    assert run(capsys, "fetch")[1] == "Twenty & Co: not modified since the last fetch\n"


def test_stale_temporary_files_are_cleaned(capsys, server: FeedServer) -> None:
    serve_with_etag(server, "/feed", RSS_20)
    assert run(capsys, "feed", "add", server.url("/feed"))[0] == 0
    (feed,) = load_feeds()
    folder = paths.feeds_dir() / feed.folder
    stale = folder / ".0123456789abcdef0123.md.k2j3h4.tmp"
    fresh = folder / ".0123456789abcdef0123.md.zz9y8x.tmp"
    stale_list = paths.data_dir() / ".feeds.json.abc123.tmp"
    for path in (stale, fresh, stale_list):
        path.write_text("half")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    os.utime(stale_list, (hour_ago, hour_ago))
    assert run(capsys, "fetch")[0] == 0  # a 304: nothing written, the folder still cleaned
    assert not stale.exists() and fresh.exists() and not stale_list.exists()


# ------------------------------------------------------------------ what add refuses


def test_add_refuses_what_is_not_a_feed(capsys, server: FeedServer, tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n")
    code, out, err = run(capsys, "feed", "add", passwd)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"not subscribed: {passwd} is not a feed: no RSS, Atom or JSON Feed found" in err
    assert err.count("(") <= 1  # one aside at most, never one inside another
    opml = tmp_path / "list.opml"
    opml.write_text('<?xml version="1.0"?>\n<opml version="2.0"><body/></opml>')
    code, _, err = run(capsys, "feed", "add", opml)
    assert code == 2 and "OPML" in err and "use 'newsreader feed import'" in err
    server.serve("/page", b"<!DOCTYPE html><html><body>blog</body></html>")
    code, _, err = run(capsys, "feed", "add", server.url("/page"))
    assert code == 2 and "HTML page" in err
    assert load_feeds() == [] and not paths.feeds_dir().exists()


def test_a_url_without_a_scheme_is_https() -> None:
    assert subscriptions.check_location("example.com/feed.xml") == "https://example.com/feed.xml"
    assert subscriptions.check_location("Blog.Example.org") == "https://blog.example.org/"


def test_a_feed_that_fails_for_now_stays_subscribed(capsys, server: FeedServer) -> None:
    code, _, err = run(capsys, "feed", "add", server.url("/missing"))
    assert code == 1 and "HTTP 404" in err
    (feed,) = load_feeds()
    assert feed.last_error == "HTTP 404 Not Found"


# ------------------------------------------------------------------ wording


def test_feeds_with_one_title_are_told_apart(capsys, server: FeedServer) -> None:
    server.serve("/one", rss(item("x", "https://one.example/x"), title="Same"))
    server.serve("/two", rss(item("y", "https://two.example/y"), title="Same"))
    for path in ("/one", "/two"):
        run(capsys, "feed", "add", server.url(path), "--no-fetch")
    code, out, _ = run(capsys, "fetch")
    assert f"Same ({server.url('/one')}): 1 new article\n" in out
    assert f"Same ({server.url('/two')}): 1 new article\n" in out


def test_feed_list_says_not_fetched_yet(capsys) -> None:
    run(capsys, "feed", "add", "https://a.example/rss", "--no-fetch")
    code, out, _ = run(capsys, "feed", "list")
    assert "fetched never" not in out
    assert out == "https://a.example/rss\n  (no title yet)  0 articles, not fetched yet\n"


def test_export_writes_the_site_as_html_url(capsys, server: FeedServer) -> None:
    server.serve("/feed", RSS_20)
    run(capsys, "feed", "add", server.url("/feed"))
    (feed,) = load_feeds()
    assert feed.site.startswith("https://")
    exported = run(capsys, "feed", "export")[1]
    assert f'htmlUrl="{feed.site}"' in exported


# ------------------------------------------------------------------ a full or read-only disk


@pytest.fixture
def small_disk(tmp_path: Path, monkeypatch) -> Iterator[Path]:
    """XDG_DATA_HOME on a 512 KiB tmpfs, unmounted afterwards."""
    mount = mount_tmpfs(tmp_path / "disk", "512k")
    monkeypatch.setenv("XDG_DATA_HOME", str(mount))
    try:
        yield mount
    finally:
        unmount(mount)


def test_a_full_disk_is_one_line_and_exit_1(
    capsys, server: FeedServer, small_disk: Path, tmp_path: Path
) -> None:
    server.serve("/a", big_feed("a", 5))
    server.serve("/b", big_feed("b", 200))
    assert run(capsys, "feed", "add", server.url("/a"))[0] == 0
    before = paths.feeds_list_path().read_bytes()
    opml = tmp_path / "more.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline xmlUrl="https://z.example/"/></body></opml>'
    )
    fill(small_disk)
    folder = paths.data_dir()
    for argv in (
        ["feed", "add", server.url("/b")],
        ["feed", "add", server.url("/c"), "--no-fetch"],
        ["feed", "import", str(opml)],
    ):
        code, out, err = run(capsys, *argv)
        assert code == 1 and "Traceback" not in err, argv
        assert err == f"newsreader: cannot save: no space left on {folder}\n", argv
    server.serve("/a", big_feed("a", 120))
    code, out, err = run(capsys, "fetch")
    assert code == 1 and err == f"newsreader: cannot save: no space left on {folder}\n"
    assert paths.feeds_list_path().read_bytes() == before  # nothing lost, nothing torn
    assert [f.url for f in load_feeds()] == [server.url("/a")]
    (small_disk / "filler").unlink()
    assert run(capsys, "fetch")[0] == 0  # room again: all is well


def test_remove_on_a_full_disk_says_so(capsys, server: FeedServer, small_disk: Path) -> None:
    server.serve("/a", big_feed("a", 5))
    assert run(capsys, "feed", "add", server.url("/a"))[0] == 0
    fill(small_disk)
    code, out, err = run(capsys, "feed", "remove", server.url("/a"))
    assert code == 1 and out == ""
    assert err == f"newsreader: cannot save: no space left on {paths.data_dir()}\n"
    assert [f.url for f in load_feeds()] == [server.url("/a")]


def test_a_read_only_folder_is_one_line_and_loses_nothing(
    capsys, server: FeedServer, small_disk: Path
) -> None:
    server.serve("/a", big_feed("a", 5))
    assert run(capsys, "feed", "add", server.url("/a"))[0] == 0
    listing = paths.feeds_list_path()
    before = listing.read_bytes()
    (feed,) = load_feeds()
    files = {p: p.read_bytes() for p in article_files(paths.feeds_dir() / feed.folder)}
    remount_read_only(small_disk)
    server.serve("/a", big_feed("a", 9))
    message = f"newsreader: cannot save feeds: {paths.data_dir()} is read-only\n"
    for argv in (
        ["fetch"],
        ["feed", "add", server.url("/b")],
        ["feed", "add", server.url("/b"), "--no-fetch"],
        ["feed", "remove", server.url("/a")],
    ):
        code, out, err = run(capsys, *argv)
        assert (code, err) == (1, message), argv
    assert listing.read_bytes() == before
    assert {p: p.read_bytes() for p in article_files(paths.feeds_dir() / feed.folder)} == files


def test_refresh_in_a_read_only_folder_says_it_once(server: FeedServer, small_disk: Path) -> None:
    from reader.feeds.refresh import refresh

    for name in "ab":
        server.serve(f"/{name}", big_feed(name, 3))
    save_feeds([Feed(url=server.url("/a")), Feed(url=server.url("/b"))])
    remount_read_only(small_disk)
    results = refresh()
    reason = f"cannot save feeds: {paths.data_dir()} is read-only"
    assert [r.unsaved for r in results] == [reason, reason]


def test_merged_duplicates_name_their_feeds_not_hashed_files(tmp_path: Path) -> None:
    from reader.feeds.subscriptions import describe_duplicate

    a, b = Feed(url="https://a.example/rss", title="Alpha"), Feed(url="https://b.example/feed")
    names = {a.folder: "Alpha", b.folder: b.url}
    feeds = tmp_path / "feeds"
    line = describe_duplicate(
        "Story", str(feeds / a.folder / "0a1b.md"), str(feeds / b.folder / "9f8e.md"), names, feeds
    )
    assert line == (
        "Story: in the feed Alpha and in the feed https://b.example/feed "
        "(kept the one in the feed https://b.example/feed)"
    )
    assert ".md" not in line
    plain = describe_duplicate("Story", "x/a.txt", "x/b.txt", names, feeds)
    assert plain == "x/a.txt: same article as x/b.txt (kept that one)"


def test_the_summary_counts_what_was_fetched() -> None:
    from reader.feeds.refresh import FeedResult, summary

    good = FeedResult(Feed(url="https://a.example/"), "fetched", new=3)
    bad = FeedResult(Feed(url="https://b.example/"), "failed", error="timed out")
    assert (
        summary([good, bad, bad])
        == "Fetched 1 of 3 feeds: 3 new articles. 2 failed: press ! to see."
    )
    assert summary([good]) == "Fetched 1 feed: 3 new articles."


# ------------------------------------------------------------------ the demo seeds


def test_the_demo_seeds_leave_once_the_user_has_a_library(capsys, server, tmp_path) -> None:
    bundled = paths.bundled_seeds_dir()
    assert paths.default_seed_paths() == [bundled]
    assert paths.default_seed_paths([tmp_path / "missing"]) == [bundled]
    assert paths.default_seed_paths([tmp_path]) == []  # a seed_folders entry of theirs
    demo = json.loads(run(capsys, "list", "--json")[1].splitlines()[0])
    assert demo["path"].startswith(str(bundled))

    server.serve("/feed", RSS_20)
    assert run(capsys, "feed", "add", server.url("/feed"))[0] == 0  # the first fetch
    assert paths.default_seed_paths() == []
    listed = [json.loads(line) for line in run(capsys, "list", "--json")[1].splitlines()]
    assert sorted(a["title"] for a in listed) == ["First post", "Second post"]

    paths.user_seeds_dir().mkdir(parents=True)
    assert paths.default_seed_paths() == [paths.user_seeds_dir()]


# ------------------------------------------------------------------ one article, several feeds


def test_an_article_in_two_feeds_keeps_both_topics(capsys, server: FeedServer) -> None:
    links = ["https://news.example/1", "https://news.example/2"]
    server.serve("/a.xml", rss("".join(item(f"Story {n}", link) for n, link in enumerate(links))))
    items = [{"id": link, "url": link, "title": f"Story {n}"} for n, link in enumerate(links)]
    jsonfeed = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": items}
    server.serve(
        "/b.json", json.dumps(jsonfeed).encode(), headers={"Content-Type": "application/feed+json"}
    )
    assert run(capsys, "feed", "add", server.url("/a.xml"), "--topic", "Plain")[0] == 0
    code, out, _ = run(capsys, "feed", "add", server.url("/b.json"), "--topic", "JSONy")
    assert code == 0 and "2 new articles" in out
    for topic in ("JSONy", "Plain"):
        listed = [
            json.loads(line)
            for line in run(capsys, "list", "--json", "--topic", topic)[1].splitlines()
        ]
        assert sorted(a["url"] for a in listed) == links, topic
        assert all({"Plain", "JSONy"} <= set(a["topics"]) for a in listed)


def test_merged_topics_leave_with_the_file_that_brought_them(write_seed, tmp_path: Path) -> None:
    from reader.ingest import Ingest

    write_seed("title: One\nwebUrl: https://x.example/1\ntopics: [Kept]\n", "a.txt")
    other = write_seed("title: One\nwebUrl: https://x.example/1\ntopics: [Other]\n", "b.txt")
    session = Ingest([tmp_path], workers=1)
    (article,) = session.load_all().articles
    assert article.topics == ("Kept", "Other")
    other.unlink()
    (article,) = session.check().result.articles
    assert article.topics == ("Kept",)


def test_a_whole_list_change_keeps_what_others_did_meanwhile(tmp_path: Path) -> None:
    """The newsboat import rewrites the list it read: under the lock, against the list now."""
    listing = tmp_path / "feeds.json"
    a, b, c, d = (Feed(url=f"https://{n}.example/") for n in "abcd")
    save_feeds([a, d], listing)
    read = load_feeds(listing)
    add_feed(c.url, path=listing)  # another command, meanwhile
    subscriptions.remove_feed(d.url, path=listing, feeds_dir=tmp_path)
    subscriptions.save_changes([a, d, b], read, listing)
    assert [f.url for f in load_feeds(listing)] == [a.url, b.url, c.url]


def test_what_was_fetched_before_the_disk_filled_is_kept(small_disk: Path, tmp_path: Path) -> None:
    from reader.feeds.refresh import refresh

    small, big = tmp_path / "small.xml", tmp_path / "big.xml"
    small.write_bytes(rss(item("one", "https://s.example/1"), title="Small"))
    big.write_bytes(big_feed("big", 400).replace(b"words ", b"many words " * 8))
    save_feeds([Feed(url=str(small)), Feed(url=str(big))])
    first, second = refresh(workers=1)  # in order: the small one first
    assert (first.status, first.new, first.unsaved) == ("fetched", 1, "")
    assert second.unsaved == f"cannot save: no space left on {paths.data_dir()}"
    saved = {feed.url: feed for feed in load_feeds()}
    assert (saved[str(small)].title, saved[str(small)].articles) == ("Small", 1)
