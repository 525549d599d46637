"""``newsreader import newsboat``: a real newsboat setup (urls + cache.db) comes over whole."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_server import FeedServer
from newsboat_setup import TECH, WORLD, build, newsboat

from reader import paths
from reader.cli import main
from reader.feeds.subscriptions import load_feeds
from reader.migrate.newsboat import default_places, read_urls, split_line
from reader.migrate.newsboat_query import translate
from reader.state import UserState

FIXTURE = Path(__file__).parent / "newsboat"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def server() -> Iterator[FeedServer]:
    running = FeedServer().start()
    running.serve("/tech.xml", TECH, headers={"Content-Type": "application/rss+xml"})
    running.serve("/world.atom", WORLD, headers={"Content-Type": "application/atom+xml"})
    yield running
    running.stop()


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys, *extra: str) -> list[dict]:
    code, out, _ = run(capsys, "list", "--json", "--no-cache", paths.feeds_dir(), *extra)
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def check_imported(capsys, urls: Path, cache: Path) -> None:
    """What a newsboat user expects to find after the import."""
    code, out, err = run(capsys, "import", "newsboat", "--urls", urls, "--cache", cache)
    assert code == 0, err
    assert "2 feeds subscribed (0 already)" in out
    assert "2 saved searches added" in out
    assert "5 articles added (0 already in the library), 1 marked read, 1 starred" in out
    assert 'left out author =~ "ann"' in out
    assert "exec: feed runs a program" in out and "filter: feed pipes" in out

    tech, world = load_feeds()
    assert tech.url.endswith("/tech.xml") and world.url.endswith("/world.atom")
    assert (tech.title, tech.topics) == ("My Tech", ("tech", "programming"))
    assert (world.title, world.topics) == ("World Report", ("news",))
    assert (tech.articles, world.articles) == (3, 2)

    state = UserState(readonly=True)
    assert state.saved_searches() == {
        "Unread tech": "is:unread topic:tech",
        "Rusty": "rust",
    }
    articles = {a["title"]: a for a in listed(capsys)}
    rust = articles["Rust 2.0 & you"]
    assert rust["url"] == "https://tech.example/posts/1"
    assert rust["topics"] == ["tech", "programming"]
    assert rust["provider"] == "Tech Daily"
    assert rust["excerpt"] == "Hello world"
    assert rust["published"] == "2020-06-11T16:14:00Z"
    assert (rust["read"], rust["starred"]) == (True, False)
    summit = articles["Summit ends"]
    assert (summit["read"], summit["starred"]) == (False, True)
    assert summit["topics"] == ["news"]
    assert articles["Sponsored: buy things"]["url"] == "https://tech.example/posts/2"
    assert len(articles) == 5

    # The saved searches run in our language.
    unread_tech = listed(capsys, "--query", "is:unread topic:tech")
    assert sorted(a["title"] for a in unread_tech) == ["Sponsored: buy things", "Third"]

    # Twice: nothing changes.
    before = sorted(p.name for p in paths.feeds_dir().rglob("*.md"))
    code, out, _ = run(capsys, "import", "newsboat", "--urls", urls, "--cache", cache)
    assert code == 0
    assert "0 feeds subscribed (2 already), 0 saved searches added, 0 articles added " in out
    assert "(5 already in the library), 0 marked read, 0 starred" in out
    assert sorted(p.name for p in paths.feeds_dir().rglob("*.md")) == before


@pytest.mark.skipif(newsboat() is None, reason="newsboat is not installed (apt install newsboat)")
def test_a_cache_made_by_newsboat_now_comes_over_and_a_fetch_adds_no_duplicate(
    capsys, tmp_path: Path, server: FeedServer
) -> None:
    urls, cache = build(tmp_path / "newsboat", server.url(""))
    check_imported(capsys, urls, cache)

    code, out, err = run(capsys, "fetch")
    assert code == 0, err
    articles = listed(capsys)
    assert len(articles) == 5  # same links, same files: no duplicate
    marks = {a["title"]: (a["read"], a["starred"]) for a in articles}
    assert marks["Rust 2.0 & you"] == (True, False)
    assert marks["Summit ends"] == (False, True)
    assert {a["title"]: a["topics"] for a in articles}["Third"] == ["tech", "programming"]


def test_the_committed_newsboat_cache_comes_over(capsys, tmp_path: Path) -> None:
    check_imported(capsys, FIXTURE / "urls", FIXTURE / "cache.db")


def test_dry_run_says_what_it_would_do_and_changes_nothing(capsys) -> None:
    code, out, err = run(
        capsys, "import", "newsboat", "--urls", FIXTURE / "urls", "--cache", FIXTURE / "cache.db",
        "--dry-run",
    )  # fmt: skip
    assert code == 0, err
    assert "/tech.xml would be subscribed" in out
    assert 'saved search "Unread tech" would be added: is:unread topic:tech' in out
    assert "5 articles would be added" in out and "1 would be marked read" in out
    assert not paths.feeds_list_path().exists()
    assert not paths.feeds_dir().exists()
    assert not paths.state_db_path().exists()


def test_the_default_places_are_newsboats(tmp_path: Path, monkeypatch, capsys) -> None:
    home = tmp_path / "h"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    assert default_places(home) == (
        home / "cfg/newsboat/urls",
        home / "data/newsboat/cache.db",
    )
    (home / ".newsboat").mkdir(parents=True)
    assert default_places(home) == (home / ".newsboat/urls", home / ".newsboat/cache.db")

    # Without a cache, the feeds come alone; without a urls file, one sentence.
    shutil.copy(FIXTURE / "urls", home / ".newsboat/urls")
    monkeypatch.setenv("HOME", str(home))
    code, out, err = run(capsys, "import", "newsboat")
    assert code == 0
    assert "importing the feeds only" in err
    assert "2 feeds subscribed" in out
    (home / ".newsboat/urls").unlink()
    code, out, err = run(capsys, "import", "newsboat")
    assert code == 2
    missing = home / ".newsboat/urls"
    assert err == f"newsreader: no newsboat urls file at {missing} (give its place with --urls)\n"


def test_a_file_that_is_not_a_cache_is_named(capsys, tmp_path: Path) -> None:
    bogus = tmp_path / "cache.db"
    bogus.write_text("not sqlite")
    code, _, err = run(capsys, "import", "newsboat", "--urls", FIXTURE / "urls", "--cache", bogus)
    assert code == 2
    assert err.startswith(f"newsreader: {bogus} is not a newsboat cache")
    assert "Traceback" not in err


def test_urls_lines_are_tokenised_as_newsboat_does() -> None:
    assert split_line('http://a/x  tech "~My \\"Tech\\"" # a comment') == [
        "http://a/x",
        "tech",
        '~My "Tech"',
    ]
    (line,) = read_urls('\n# only a comment\nhttps://a.example/f "!" t1 t1 "two words"\n')
    assert (line.number, line.url, line.tags, line.title) == (
        3,
        "https://a.example/f",
        ("t1", "two words"),
        "",
    )


@pytest.mark.parametrize(
    ("expression", "query", "left_out"),
    [
        ('unread = "yes"', "is:unread", []),
        ('unread = "no"', "is:read", []),
        ('unread != "yes"', "is:read", []),
        ('tags # "x"', "topic:x", []),
        ('tags !# "two words"', '-topic:"two words"', []),
        ('title =~ "rust"', "rust", []),
        ('title =~ "face recognition"', '"face recognition"', []),
        ('title !~ "sponsored"', "-sponsored", []),
        ('flags # "s"', "is:starred", []),
        ("age < 7", "after:7d", []),
        ("age > 30", "before:31d", []),
        ('feedtitle = "Gulf News"', 'provider:"Gulf News"', []),
        ('title =~ "^Rust.*[0-9]"', "", ['title =~ "^Rust.*[0-9]"']),
        (
            '(unread = "yes" or flags # "s") and tags # "ai" and author = "x"',
            "(is:unread OR is:starred) topic:ai",
            ['author = "x"'],
        ),
        ('tags # "a" or tags # "b" and unread = "yes"', "topic:a OR (topic:b is:unread)", []),
    ],
)
def test_newsboat_filters_translate(expression: str, query: str, left_out: list[str]) -> None:
    from reader.query import parse

    translation = translate(expression)
    assert (translation.query, translation.untranslated) == (query, left_out)
    if query:
        parse(query)


def test_a_filter_nested_too_deep_is_refused_not_a_crash() -> None:
    from reader.migrate.newsboat_query import FilterSyntaxError
    from reader.query import parse

    deep = "(" * 2000 + 'title =~ "x"' + ")" * 2000
    with pytest.raises(FilterSyntaxError, match=r"nested too deep \(at most 32\)"):
        translate(deep)
    parse(translate("(" * 32 + 'title =~ "x"' + ")" * 32).query)
    assert translate(" or ".join(['title =~ "x"'] * 10_000)).query.count(" OR ") == 9_999


def test_a_feeds_tags_are_kept_in_the_list_and_given_to_its_articles(capsys) -> None:
    from feed_samples import RSS_20

    from reader.feeds.articles import records_for
    from reader.feeds.parse import parse_feed
    from reader.feeds.subscriptions import Feed, merge_results, save_feeds

    feed = Feed(url="https://a.example/f", topic="tech", tags=("programming", "rust"))
    save_feeds([feed])
    assert load_feeds() == [feed]
    merge_results([Feed(url=feed.url, title="Fetched")])
    assert load_feeds()[0].tags == ("programming", "rust")  # a fetch keeps them
    parsed = parse_feed(RSS_20, feed.url, "application/rss+xml")
    record = records_for(
        parsed, feed_url=feed.url, base_url=feed.url, topic=feed.topic, tags=feed.tags
    )[0]
    assert record.data["topics"][:3] == ["tech", "programming", "rust"]


# ------------------------------------------------------------------ a full or read-only disk


@pytest.fixture
def small_disk(tmp_path: Path, monkeypatch) -> Iterator[Path]:
    """XDG_DATA_HOME (where the articles go) on a 512 KiB tmpfs, unmounted afterwards."""
    from small_disk import mount_tmpfs, unmount

    mount = mount_tmpfs(tmp_path / "disk", "512k")
    monkeypatch.setenv("XDG_DATA_HOME", str(mount))
    try:
        yield mount
    finally:
        unmount(mount)


def _import(capsys) -> tuple[int, str, str]:
    return run(
        capsys, "import", "newsboat", "--urls", FIXTURE / "urls", "--cache", FIXTURE / "cache.db"
    )


def test_a_full_disk_is_one_line_and_changes_nothing_else(capsys, small_disk: Path) -> None:
    from small_disk import fill

    fill(small_disk)
    code, out, err = _import(capsys)
    assert code == 1 and "Traceback" not in err
    assert err == f"newsreader: cannot save: no space left on {paths.data_dir()}\n"
    assert not paths.feeds_list_path().exists()  # no feed subscribed without its articles
    (small_disk / "filler").unlink()
    check_imported(capsys, FIXTURE / "urls", FIXTURE / "cache.db")  # room again: all of it


def test_a_read_only_disk_is_one_line(capsys, small_disk: Path) -> None:
    from small_disk import remount_read_only

    remount_read_only(small_disk)
    code, out, err = _import(capsys)
    assert code == 1 and "Traceback" not in err
    assert err == f"newsreader: cannot save feeds: {paths.data_dir()} is read-only\n"
