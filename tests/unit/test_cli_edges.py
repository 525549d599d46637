"""Edges of the command line a new user met: a limit of 0, a query that starts with a
dash, a YAML mistake's message, check's count of hidden articles, show --json's
dates, a short serve token, an unknown topic."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader import paths
from reader.cli import main

OLD = 1_600_000_000 * 10**9  # outside the cache's racy window: the second run is warm


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def library(write_seed, tmp_path) -> Path:
    """Three articles: two AI (one of them by Microsoft), one Robotics."""
    for name, title, provider, topic in (
        ("a.txt", "Facial recognition at work", "Microsoft", "AI"),
        ("b.txt", "Airline food", "Beta", "AI"),
        ("c.txt", "Robots in the kitchen", "Gamma", "Robotics"),
    ):
        path = write_seed(
            f"title: {title}\nwebUrl: https://example.com/{name}\n"
            f"publishedDateTime: 2021-03-0{ord(name[0]) - 96}T05:06:07Z\n"
            f"provider: {provider}\ntopics: [{topic}]\n",
            f"news/{name}",
        )
        os.utime(path, ns=(OLD, OLD))
    return tmp_path / "news"


def _config(text: str) -> None:
    paths.config_path().parent.mkdir(parents=True, exist_ok=True)
    paths.config_path().write_text(text, encoding="utf-8")


# ------------------------------------------------------------- list --limit 0


@pytest.mark.parametrize(
    "extra",
    [[], ["--no-cache"], ["--unread"], ["--json"], ["--stories"], ["--sort", "quality"]],
)
def test_a_limit_of_0_prints_nothing_warm_or_cold(capsys, library, extra):
    """``--limit 0`` asks for nothing (as ``head -n 0``): nothing printed, nothing
    said, exit 0, from the cache's columns or a load alike."""
    assert run(capsys, "list", library)[0] == 0  # the cache is warm from here on
    assert run(capsys, "list", library, "--limit", "0", *extra) == (0, "", "")


def test_a_limit_of_1_prints_one_line(capsys, library):
    run(capsys, "list", library)
    code, out, _ = run(capsys, "list", library, "--limit", "1")
    assert code == 0 and len(out.splitlines()) == 1


# ------------------------------------------------------- --query "-word"


@pytest.mark.parametrize("argv", [["--query", "-robots"], ["--query=-robots"]])
def test_a_query_that_starts_with_a_dash_is_the_next_argument(capsys, library, argv):
    code, out, err = run(capsys, "list", library, *argv)
    assert code == 0, err
    assert [line.rsplit("  ", 1)[1] for line in out.splitlines()] == [
        "Airline food",
        "Facial recognition at work",
    ]


def test_a_dashed_query_leaves_the_options_after_it_alone(capsys, library):
    code, out, err = run(capsys, "list", "--query", "-robots -airline", "--json", library)
    assert code == 0, err
    assert [json.loads(line)["title"] for line in out.splitlines()] == [
        "Facial recognition at work"
    ]


def test_fulltext_takes_a_dashed_query_too(capsys, library):
    code, _, err = run(capsys, "fulltext", library, "--query", "-ai", "--limit", "0")
    assert code == 0, err


def test_query_at_the_end_still_wants_its_text(capsys, library):
    code, _, err = run(capsys, "list", library, "--query")
    assert code == 2
    assert "--query: expected one argument" in err


# ------------------------------------------------------ a YAML mistake's message


def test_a_control_character_in_front_matter_is_one_line_in_check(capsys, tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "esc.txt").write_text("---\ntitle: ok\nexcerpt: a\x1bb\n---\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", folder)
    assert code == 1
    problem, summary = out.splitlines()
    assert problem == (
        f"{folder / 'esc.txt'}:3: front matter is not valid YAML: "
        "it holds the control character U+001B (ESC) at column 11"
    )
    assert summary.startswith("1 file: 0 articles, 1 problem")


def test_a_yaml_mistake_names_no_parser_internals(tmp_path):
    from reader.seedfile import load_seed_file

    for text in ("---\ntitle: a\u0085\x07b\n---\n", "---\ntitle: [a\n---\n", "---\n\t- x\n---\n"):
        path = tmp_path / "x.txt"
        path.write_text(text, encoding="utf-8")
        reason = str(load_seed_file(str(path)))
        assert "\n" not in reason and "<unicode string>" not in reason and "position" not in reason


# ------------------------------------------------------- check and hide rules


def test_check_counts_the_articles_hide_rules_leave_out(capsys, library):
    _config('hide = ["provider:Microsoft"]\n')
    for _ in range(2):  # cold, then from the cache
        code, out, _ = run(capsys, "check", library)
        assert code == 0
        assert out == (
            "3 files: 2 articles, 0 problems (1 article hidden by filters; --verbose lists them)\n"
        )
    code, out, _ = run(capsys, "check", library, "--verbose")
    assert out.splitlines()[0] == f"{library / 'a.txt'} (hidden by filters)"


# ---------------------------------------------------------------- show --json


def test_show_json_dates_are_list_json_dates(capsys, library):
    listed = json.loads(run(capsys, "list", "--json", library, "--limit", "1")[1])
    code, out, _ = run(capsys, "show", listed["id"], library, "--json")
    assert code == 0
    assert json.loads(out)["published"] == listed["published"] == "2021-03-03T05:06:07Z"


# ------------------------------------------------------------- serve --token


@pytest.mark.parametrize("token", ["short", "  1234567  "])
def test_a_short_serve_token_is_a_usage_error(capsys, token):
    code, out, err = run(capsys, "serve", "--token", token)
    assert (code, out) == (2, "")
    assert err == (
        "newsreader: argument --token: needs at least 8 characters "
        "(see 'newsreader serve --help')\n"
    )


# ------------------------------------------------------------ an unknown topic


def test_an_unknown_topic_is_named_with_the_close_ones(capsys, library):
    code, out, err = run(capsys, "list", library, "--topic", "robotic")
    assert (code, out) == (2, "")
    assert err == 'newsreader: no topic is named "robotic" (did you mean "Robotics"?)\n'
    code, out, err = run(capsys, "list", library, "--topic", "nosuch", "--stories")
    assert (code, out) == (2, "")
    assert err == 'newsreader: no topic is named "nosuch" (the topics: "AI", "Robotics")\n'


def test_a_known_topic_in_any_case_still_lists(capsys, library):
    code, out, err = run(capsys, "list", library, "--topic", "robotics")
    assert (code, err) == (0, "")
    assert out.rstrip().endswith("Robots in the kitchen")


def test_a_topic_only_hidden_articles_have_is_known(capsys, library):
    _config('hide = ["provider:Gamma"]\n')
    code, out, err = run(capsys, "list", library, "--topic", "Robotics")
    assert (code, out) == (0, "")
    assert "no article matches" in err and "1 hidden by filters" in err
