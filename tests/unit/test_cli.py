"""The command line: list, check, usage errors, and a few real subprocesses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader import __version__
from reader.cli import main

GRIO_TITLE = "Amazon stops police use of facial recognition technology"
GULF_TITLE = "Amazon stops police using its face-recognition technology"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SUMMARY = re.compile(r"^([\d,]+) files?: ([\d,]+) articles?, ([\d,]+) problems?\b")
JSON_FIELDS = {
    "id",
    "title",
    "url",
    "provider",
    "domain",
    "published",
    "quality",
    "heat",
    "topics",
    "type",
    "related",
    "path",
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def folder(write_seed, tmp_path) -> Path:
    """Four articles with distinct dates, qualities and topics."""
    write_seed(
        """
        title: Old but good
        webUrl: https://a.example/old
        publishedDateTime: 2019-01-01T00:00:00Z
        quality: 150
        topics: [AI, Computer Vision]
        provider: {name: Alpha, domain: a.example}
        related:
          - {title: R1, webUrl: "https://x.example/1"}
          - {title: R2, webUrl: "https://x.example/2"}
        """,
        "old.txt",
    )
    write_seed(
        """
        title: Newest
        webUrl: https://b.example/new
        publishedDateTime: "2021-03-04T05:06:07+02:00"
        quality: 20
        heat: 80
        topics: AI
        provider: Beta
        """,
        "new.txt",
    )
    write_seed(
        "title: Middle\nwebUrl: https://c.example/m\npublishedDateTime: 2020-01-01T00:00:00Z\n"
        "quality: 150\ntopics: [Robotics]\n",
        "sub/middle.md",
    )
    write_seed("title: Undated\ntype: video\noriginalUrl: https://v.example/1\n", "undated.txt")
    return tmp_path


# -------------------------------------------------------------------- list


def test_list_seeds_newest_first(capsys, seeds_dir):
    code, out, err = run(capsys, "list", seeds_dir)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("2020-06-11 16:14") and lines[0].endswith(GRIO_TITLE)
    assert lines[1].startswith("2020-06-11 03:28") and lines[1].endswith(GULF_TITLE)
    assert "The Grio" in lines[0] and "Gulf News" in lines[1]
    assert err == ""


def test_list_without_paths_reads_the_bundled_seeds(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(GRIO_TITLE) and lines[1].endswith(GULF_TITLE)


def test_list_json_fields(capsys, seeds_dir):
    code, out, _ = run(capsys, "list", "--json", seeds_dir)
    assert code == 0
    grio, gulf = json_lines(out)
    assert set(grio) >= JSON_FIELDS
    assert grio["id"] == "https://thegrio.com/2020/06/11/amazon-facial-recognition-technology/"
    assert grio["url"] == grio["id"]
    assert (grio["title"], grio["provider"], grio["domain"]) == (
        GRIO_TITLE,
        "The Grio",
        "thegrio.com",
    )
    assert grio["published"] == "2020-06-11T16:14:00Z"
    assert (grio["quality"], grio["heat"], gulf["heat"]) == (44, None, 44)
    assert grio["topics"] == ["AWS AI", "AI"]
    assert (grio["type"], grio["related"]) == ("article", 1)
    assert grio["path"] == str(seeds_dir / "000_310119c898b6a1e9.txt")
    assert gulf["published"] == "2020-06-11T03:28:00Z"
    # Read from the file (not kept in memory), the same from a warm cache.
    assert grio["excerpt"].startswith("Amid nationwide protests against police brutality")
    assert json_lines(run(capsys, "list", "--json", seeds_dir)[1]) == [grio, gulf]


def test_list_json_converts_offsets_and_prints_null_dates(capsys, folder):
    records = {r["title"]: r for r in json_lines(run(capsys, "list", "--json", folder)[1])}
    assert records["Newest"]["published"] == "2021-03-04T03:06:07Z"
    assert records["Undated"]["published"] is None
    assert records["Undated"]["type"] == "video"
    assert records["Undated"]["url"] == "https://v.example/1"
    assert records["Old but good"]["related"] == 2
    assert records["Newest"]["provider"] == "Beta"
    assert records["Newest"]["topics"] == ["AI"]


def test_list_order_topic_sort_and_limit(capsys, folder):
    def listed(*options: str) -> list[str]:
        code, out, _ = run(capsys, "list", "--json", *options, folder)
        assert code == 0
        return [record["title"] for record in json_lines(out)]

    assert listed() == ["Newest", "Middle", "Old but good", "Undated"]
    assert listed("--sort", "quality") == ["Middle", "Old but good", "Newest", "Undated"]
    assert listed("--topic", "AI") == ["Newest", "Old but good"]
    assert listed("--topic", "AI", "--sort", "quality") == ["Old but good", "Newest"]
    assert listed("--topic", "Computer Vision") == ["Old but good"]
    # An unknown topic is a mistake to name, not an empty list.
    code, out, err = run(capsys, "list", "--json", "--topic", "Nothing", folder)
    assert (code, out) == (2, "")
    assert err.startswith('newsreader: no topic is named "Nothing" (the topics: "AI", ')
    assert listed("--limit", "2") == ["Newest", "Middle"]
    assert listed("--limit", "0") == []
    assert listed("--sort", "quality", "--limit", "1") == ["Middle"]


def test_list_text_shows_undated_and_unrated(capsys, folder):
    out = run(capsys, "list", folder)[1]
    last = out.splitlines()[-1]
    assert "(no date)" in last and "q-" in last and last.endswith("Undated")


def test_list_says_its_times_are_utc_whatever_the_local_zone(capsys, folder, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        lines = run(capsys, "list", folder)[1].splitlines()
        records = {r["title"]: r for r in json_lines(run(capsys, "list", "--json", folder)[1])}
    finally:
        monkeypatch.undo()
        time.tzset()
    newest = next(line for line in lines if line.endswith("Newest"))
    assert newest.startswith("2021-03-04 03:06 UTC  q20 ")  # published 05:06 at +02:00
    assert records["Newest"]["published"] == "2021-03-04T03:06:07Z"  # JSON: ISO, in UTC
    undated = lines[-1]
    assert undated.index("q-") == newest.index("q20")  # the columns stay aligned


def test_list_says_when_files_were_skipped(capsys, folder):
    (folder / "broken.txt").write_text("---\n- a list\n---\n")
    code, out, err = run(capsys, "list", folder)
    assert code == 0
    assert len(out.splitlines()) == 4
    assert "1 file skipped" in err and "newsreader check" in err


# ------------------------------------------------------------------- check


def test_check_seeds_exits_zero(capsys, seeds_dir):
    code, out, _ = run(capsys, "check", seeds_dir)
    assert code == 0
    assert out.splitlines() == ["2 files: 2 articles, 0 problems"]


def test_check_reports_each_problem_and_exits_one(capsys, folder):
    invalid = folder / "invalid.txt"
    invalid.write_text("---\ntitle: x\n  bad: [\n---\n")
    listed = folder / "list.txt"
    listed.write_text("---\n- a\n---\n")
    (folder / "README.md").write_text("# not an article\n")
    code, out, _ = run(capsys, "check", folder)
    assert code == 1
    lines = out.splitlines()
    assert f"{invalid}:3: front matter is not valid YAML" in "\n".join(lines)
    assert any(line.startswith(f"{listed}: front matter is a list") for line in lines)
    assert not any("README" in line for line in lines[:-1])  # ignored, not a problem
    match = SUMMARY.match(lines[-1])
    assert match and match.groups() == ("7", "4", "2")
    assert "without front matter ignored" in lines[-1]
    assert len(lines) == 3


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_check_counts_add_up_with_files_that_were_never_read(capsys, tmp_path, write_seed):
    # A broken link and a pipe are problems met while walking: never read, still counted.
    write_seed("title: One\nwebUrl: https://e.example/1\n", "one.txt")
    write_seed("title: Two\nwebUrl: https://e.example/2\n", "two.txt")
    (tmp_path / "bad.txt").write_text("---\ntitle: [\n---\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "README.md").write_text("# not an article\n")
    os.symlink(tmp_path / "gone.txt", tmp_path / "dead.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    code, out, _ = run(capsys, "check", tmp_path)
    summary = out.splitlines()[-1]
    assert code == 1
    match = SUMMARY.match(summary)
    assert match and match.groups() == ("7", "2", "4"), summary
    assert "(1 file without front matter ignored;" in summary  # 2 + 4 + 1 = 7


def test_check_verbose_lists_ignored_files_and_duplicates(capsys, folder, write_seed):
    write_seed("title: Copy\nwebUrl: https://A.example/old\n", "copy.txt")
    (folder / "README.md").write_text("# not an article\n")
    code, out, _ = run(capsys, "check", "--verbose", folder)
    assert code == 0
    assert f"{folder / 'README.md'}: no front matter" in out
    assert "(ignored)" in out
    assert f"{folder / 'copy.txt'}: same article as {folder / 'old.txt'}" in out
    assert SUMMARY.match(out.splitlines()[-1]).groups() == ("6", "4", "0")


def test_check_does_not_count_a_folder_as_a_file_without_front_matter(capsys, tmp_path, write_seed):
    write_seed("title: Outside\nwebUrl: https://e.example/1\n", "outside.txt")
    write_seed("title: Inside\nwebUrl: https://e.example/2\n", "archive.md/inside.txt")
    code, out, _ = run(capsys, "check", tmp_path)
    assert (code, out) == (
        0,
        "2 files: 2 articles, 0 problems "
        "(1 folder named like an article file; --verbose lists them)\n",
    )
    (tmp_path / "README.md").write_text("# not an article\n")
    code, out, _ = run(capsys, "check", "--verbose", tmp_path)
    assert out.splitlines() == [
        f"{tmp_path / 'archive.md'}: is a directory, not a file (read as a folder)",
        f"{tmp_path / 'README.md'}: no front matter (the file does not start with a '---' line)"
        " (ignored)",
        "3 files: 2 articles, 0 problems "
        "(1 file without front matter ignored, 1 folder named like an article file)",
    ]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the repo")
def test_check_and_list_the_shared_corpus(capsys):
    code, out, _ = run(capsys, "check", CORPUS)
    assert code == 0
    assert out.splitlines()[-1].startswith("60 files: 60 articles, 0 problems")
    code, out, _ = run(capsys, "list", "--json", CORPUS)
    assert code == 0
    records = json_lines(out)
    assert len(records) == 60
    assert all(set(record) >= JSON_FIELDS for record in records)


# ------------------------------------------------------------ usage errors


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "/no/such/folder"],
        ["check", "/no/such/folder"],
        ["/no/such/folder"],
    ],
)
def test_missing_path_is_one_line_and_exit_two(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err == "newsreader: no such file or folder: /no/such/folder\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--bogus"],
        ["list", "--sort", "popularity"],
        ["list", "--limit", "many"],
        ["list", "--limit", "-1"],
        ["check", "--nope"],
        ["--bogus"],
    ],
)
def test_bad_option_is_one_line_and_exit_two(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("newsreader: ")
    assert "--help" in err
    assert "Traceback" not in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"newsreader {__version__}"


def test_help_shows_examples(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out
    assert "newsreader list" in out and "newsreader check" in out


def test_help_says_fetched_feeds_are_in_the_default_library(capsys):
    from reader import paths

    for argv in (["--help"], ["list", "--help"], ["check", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = " ".join(capsys.readouterr().out.split())  # argparse's wrapping undone
        assert "the bundled seeds, your own seeds folder and the feeds you fetched" in out, argv
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert f"your own seeds folder   {paths.user_seeds_dir()}\n" in out
    assert f"the feeds you fetched   {paths.feeds_dir()}\n" in out


def test_subcommand_help(capsys):
    for command in ("list", "check"):
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"])
        assert exit_info.value.code == 0
        assert f"usage: newsreader {command}" in capsys.readouterr().out


# ------------------------------------------------------------- subprocesses


def _cli(*argv: str, env: dict[str, str] | None = None, module: bool = False):
    script = Path(sys.executable).parent / "newsreader"
    command = [sys.executable, "-m", "reader"] if module else [str(script)]
    if not module and not script.exists():
        pytest.skip("the newsreader console script is not installed beside this python")
    return subprocess.run(
        [*command, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
        env=env,
    )


def test_console_script_lists_bundled_seeds_from_root():
    done = _cli("list")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(GRIO_TITLE) and lines[1].endswith(GULF_TITLE)


def test_python_dash_m_reader_checks_seeds(seeds_dir):
    done = _cli("check", str(seeds_dir), module=True)
    assert (done.returncode, done.stdout) == (0, "2 files: 2 articles, 0 problems\n")


def test_subprocess_usage_error_has_no_traceback():
    done = _cli("list", "/no/such/folder", module=True)
    assert done.returncode == 2
    assert done.stderr == "newsreader: no such file or folder: /no/such/folder\n"
    done = _cli("list", "--bogus", module=True)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


def test_read_only_commands_write_only_the_index_cache(tmp_path, seeds_dir):
    """list and check keep the index cache up to date (so the next run is fast) and
    touch nothing else; with --no-cache they write nothing at all."""
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(
        HOME=str(empty),
        XDG_DATA_HOME=str(empty / "data"),
        XDG_CACHE_HOME=str(empty / "cache"),
        XDG_CONFIG_HOME=str(empty / "config"),
        XDG_STATE_HOME=str(empty / "state"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    for argv in (
        ["list", "--no-cache"],
        ["list", "--json", "--no-cache"],
        ["check", "--no-cache"],
        ["check", "--verbose", "--no-cache", str(seeds_dir)],
    ):
        done = _cli(*argv, env=env)
        assert done.returncode == 0, (argv, done.stderr)
        assert done.stdout
    assert list(empty.iterdir()) == []
    for argv in (
        ["list"],
        ["list", "--sort", "quality", str(seeds_dir)],
        ["check"],
    ):
        done = _cli(*argv, env=env)
        assert done.returncode == 0, (argv, done.stderr)
        assert done.stdout
    assert [p.name for p in empty.iterdir()] == ["cache"]
    written = sorted(
        p.relative_to(empty).parent.as_posix() for p in empty.rglob("*") if p.is_file()
    )
    assert written and set(written) == {"cache/newsreader"}


def test_list_says_on_stderr_when_nothing_matches(capsys, seeds_dir) -> None:
    from reader.cli import main as cli_main

    assert cli_main(["list", "--query", "quality:>50", str(seeds_dir)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no article matches (of 2)" in captured.err


# ------------------------------------------------- polish from a new user's tryout

WIDE_PROVIDERS = {
    "한겨레": "Korean",
    "Alpha": "Latin",
    "한겨레 신문 인터넷판 뉴스 서비스": "long Korean",
    "❤️" * 12: "variation selectors",
    "👨‍👩‍👧" * 11: "ZWJ sequences",
    "a" + "👨‍👩‍👧" * 10: "ZWJ sequence across the cut",
    "Cafe\u0301 " * 6: "combining accents",
}


def test_list_aligns_titles_whatever_the_provider_width(capsys, write_seed, tmp_path):
    from rich.cells import cell_len

    for n, (provider, title) in enumerate(WIDE_PROVIDERS.items()):
        write_seed(
            f"title: {title}\nwebUrl: https://w.example/{n}\n"
            f"publishedDateTime: 2020-01-0{n + 1}T00:00:00Z\nprovider: {{name: '{provider}'}}\n",
            f"{n}.txt",
        )
    code, out, _ = run(capsys, "list", tmp_path)
    assert code == 0
    columns = {}
    for line in out.splitlines():
        title = next(t for t in WIDE_PROVIDERS.values() if line.endswith("  " + t))
        columns[title] = cell_len(line[: -len(title)])
    assert len(columns) == len(WIDE_PROVIDERS)
    assert set(columns.values()) == {len("2020-01-01 00:00 UTC  q-    ") + 20 + 2}, columns


@pytest.mark.parametrize("redirected", ["stdout", "stdin"])
def test_tui_without_a_terminal_says_so_instead_of_hanging(tmp_path, redirected):
    import pty

    # The other stream is a real terminal, so each check is tested alone.
    leader, follower = pty.openpty()
    out_file = tmp_path / "out.txt"
    try:
        with out_file.open("w") as out:
            done = subprocess.run(
                [sys.executable, "-m", "reader"],
                stdin=subprocess.DEVNULL if redirected == "stdin" else follower,
                stdout=out if redirected == "stdout" else follower,
                stderr=subprocess.PIPE,
                text=True,
                timeout=30,
            )
    finally:
        os.close(leader)
        os.close(follower)
    assert done.returncode == 2
    assert out_file.read_text() == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("newsreader: the reader needs a terminal")
    assert "newsreader list" in done.stderr


@pytest.mark.parametrize(
    ("argv", "help_of"),
    [
        (["check", "--bogus"], "check"),
        (["list", "--bogus"], "list"),
        (["fetch", "--bogus"], "fetch"),
        (["state", "export", "--bogus"], "state export"),
        (["config", "check", "--bogus"], "config check"),
        (["feed", "add", "https://a.example/rss", "--bogus"], "feed add"),
        (["state", "nope"], "state"),
    ],
)
def test_a_mistyped_option_points_to_its_command_help(capsys, argv, help_of):
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("newsreader: ") and err.count("\n") == 1
    assert err.endswith(f" (see 'newsreader {help_of} --help')\n")
    assert "_command" not in err


@pytest.mark.parametrize(
    ("command", "choices"),
    [
        ("state", "path, articles-path, export or import"),
        ("config", "path, default or check"),
        ("feed", "add, remove, list, import or export"),
    ],
)
def test_a_missing_action_is_named_with_its_choices(capsys, command, choices):
    code, out, err = run(capsys, command)
    assert (code, out) == (2, "")
    assert err == (
        f"newsreader: say what '{command}' should do: {choices} "
        f"(see 'newsreader {command} --help')\n"
    )


def _story_json(capsys, *flags: str) -> list[dict]:
    code, out, _ = run(capsys, "list", "--stories", "--json", *flags)
    assert code == 0
    return json_lines(out)


def test_list_stories_filters_stories_and_keeps_every_source(capsys, seeds_dir):
    from reader.state import UserState

    whole = _story_json(capsys, seeds_dir)
    assert [story["sources"] for story in whole] == [["Gulf News", "The Grio"]]
    gulf_lead, grio = whole[0]["articles"]
    # The Grio's article alone passes each filter; its story keeps both sources.
    assert _story_json(capsys, "--query", "provider:grio", seeds_dir) == whole
    state = UserState()
    state.mark_read([gulf_lead])
    state.close()
    assert _story_json(capsys, "--unread", seeds_dir) == whole
    state = UserState()
    state.mark_read([grio])
    state.close()
    assert _story_json(capsys, "--unread", seeds_dir) == []


def test_list_topic_ignores_case_as_the_query_does(capsys, folder):
    def titles(*flags: str) -> list[str]:
        code, out, _ = run(capsys, "list", "--json", *flags, folder)
        assert code == 0
        return [record["title"] for record in json_lines(out)]

    assert titles("--topic", "AI") == ["Newest", "Old but good"]
    assert titles("--topic", "ai") == titles("--query", "topic:ai") == ["Newest", "Old but good"]
    assert titles("--topic", "computer  VISION") == ["Old but good"]


def test_one_of_each_is_counted_in_the_singular(capsys, write_seed, tmp_path):
    from reader.model import Duplicate, Problem
    from reader.screens.problems import problems_text

    one = [Problem("a.txt", "no title")], [Problem("README.md", "no front matter", ignored=True)]
    duplicate = [Duplicate("b.txt", "c.txt", "https://x.example/")]
    text = problems_text(*one, duplicate, ["https://f.example/rss: timed out"]).plain
    headings = [line for line in text.splitlines() if line and ":" not in line]
    assert headings == [
        "1 file skipped  (Esc closes)",
        "1 feed failed",
        "1 file ignored (not articles)",
        "1 duplicate merged",
    ]
    assert problems_text([], [], duplicate * 2, []).plain.startswith("0 files skipped")
    assert "\n2 duplicates merged\n" in problems_text([], [], duplicate * 2, []).plain

    for name in ("b.txt", "c.txt"):
        write_seed("title: Twice\nwebUrl: https://x.example/\n", name)
    code, out, _ = run(capsys, "check", tmp_path)
    assert (code, out) == (
        0,
        "2 files: 1 article, 0 problems (1 duplicate merged; --verbose lists them)\n",
    )


def test_the_help_lists_every_command_in_one_column(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    block = out.split("commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(block) >= 10
    # Where each description starts: one column for all, fulltext included.
    starts = {len(line) - len(line[2:].split(" ", 1)[1].lstrip()) for line in block}
    assert len(starts) == 1, block
