"""Hide rules: config validation with lines, the query language's title:, the ingest and list."""

from __future__ import annotations

import json
from pathlib import Path

from reader import paths
from reader.cli import main
from reader.config import parse_config
from reader.ingest import Ingest
from reader.query import parse
from reader.query.hide import HideRules, rule_problem

CONFIG = """\
sort = "date"
hide = [
  'provider:"Spam Daily"',
  "title:sponsored",
  "topic:",
  "is:read",
  "(unclosed",
  3,
]
"""


def seeds(folder: Path, write_seed) -> None:
    def seed(name: str, title: str, provider: str, n: int) -> None:
        write_seed(
            f"""
            title: "{title}"
            webUrl: https://example.com/{n}
            publishedDateTime: 2020-06-1{n}T10:00:00Z
            provider: {{name: "{provider}", domain: example.com}}
            topics: [AI]
            """,
            name=f"lib/{name}",
        )

    seed("a.txt", "Sponsored: a great deal", "Good News", 1)
    seed("b.txt", "Robots learn to walk", "Spam Daily", 2)
    seed("c.txt", "Robots learn to run", "Good News", 3)
    seed("d.txt", "A sponsor-free article about sponsored content", "Good News", 4)


def test_each_rule_is_checked_with_its_own_line(tmp_path: Path) -> None:
    config, problems = parse_config(CONFIG, tmp_path / "config.toml")
    assert config.hide == ('provider:"Spam Daily"', "title:sponsored")
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [
        (5, "hide rule 3"),
        (6, "hide rule 4"),
        (7, "hide rule 5"),
        (2, "hide rule 6"),
    ]
    assert "topic needs a topic name" in problems[0].message
    assert "cannot use is:" in problems[1].message
    assert "unbalanced parenthesis" in problems[2].message
    assert "must be a search in quotes, not 3" in problems[3].message
    assert all(p.message.endswith("it is left out") for p in problems)
    _, problems = parse_config('hide = "title:x"\n', tmp_path / "config.toml")
    assert problems == []
    _, (problem,) = parse_config("hide = 3\n", tmp_path / "config.toml")
    assert problem.line == 1 and "hide must be a list of searches" in problem.message


def test_config_check_names_the_rule_and_its_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    assert main(["config", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f'{path}:6: hide rule 4 ("is:read") cannot use is:' in out


def test_a_rule_nested_too_deep_is_a_problem_line_and_nothing_crashes(
    tmp_path: Path, write_seed, capsys
) -> None:
    seeds(tmp_path, write_seed)
    deep = "(" * 400 + "sponsored" + ")" * 400
    path = paths.config_path()
    path.parent.mkdir(parents=True)
    path.write_text(f'hide = [\n  "title:sponsored",\n  "{deep}",\n]\n', encoding="utf-8")
    config, (problem,) = parse_config(path.read_text(encoding="utf-8"), path)
    assert config.hide == ("title:sponsored",)
    assert problem.line == 3 and "brackets nested too deep (at most 32)" in problem.message
    assert main(["config", "check", str(path)]) == 1
    assert "brackets nested too deep" in capsys.readouterr().out
    assert main(["list", "--json", str(tmp_path / "lib")]) == 0
    titles = {json.loads(line)["title"] for line in capsys.readouterr().out.splitlines()}
    assert titles == {"Robots learn to walk", "Robots learn to run"}


def test_the_default_config_shows_a_usable_hide_line() -> None:
    from reader.config import default_config_text

    lines = default_config_text().splitlines()
    example = lines[lines.index("# hide = []") - 1].removeprefix("#").strip()
    config, problems = parse_config(f"hide = {example}\n", Path("config.toml"))
    assert problems == [] and config.hide == ('provider:"Spam Daily"', "title:sponsored")


def test_title_searches_the_title_alone(tmp_path: Path, write_seed) -> None:
    seeds(tmp_path, write_seed)
    result = Ingest([tmp_path / "lib"]).load_all()
    titles = {a.title for a in result.articles if parse("title:sponsored").matches(a, _ctx())}
    assert titles == {"Sponsored: a great deal", "A sponsor-free article about sponsored content"}
    robots = {a.title for a in result.articles if parse('title:"learn to"').matches(a, _ctx())}
    assert robots == {"Robots learn to walk", "Robots learn to run"}
    assert rule_problem("title:") is not None


def _ctx():
    from reader.query import MatchContext

    return MatchContext()


def test_hidden_articles_leave_the_result_and_are_not_read_again(
    tmp_path: Path, write_seed
) -> None:
    seeds(tmp_path, write_seed)
    rules = HideRules.parse(['provider:"Spam Daily"', "title:sponsored"])
    ingest = Ingest([tmp_path / "lib"], hide=rules)
    result = ingest.load_all()
    assert [a.title for a in result.articles] == ["Robots learn to run"]
    assert len(result.hidden) == 3
    assert ingest.check().result is None  # nothing changed: no file is read again
    write_seed("title: Sponsored again\nwebUrl: https://example.com/9\n", name="lib/e.txt")
    changes = ingest.check()
    assert changes.added == 1
    assert [a.title for a in changes.result.articles] == ["Robots learn to run"]
    assert len(changes.result.hidden) == 4


def test_list_hides_what_the_rules_match_and_no_hide_shows_it(
    tmp_path: Path, write_seed, capsys
) -> None:
    seeds(tmp_path, write_seed)
    paths.config_path().parent.mkdir(parents=True)
    paths.config_path().write_text(CONFIG, encoding="utf-8")
    lib = str(tmp_path / "lib")
    assert main(["list", "--json", lib]) == 0
    out, err = capsys.readouterr()
    assert [json.loads(x)["title"] for x in out.splitlines()] == ["Robots learn to run"]
    assert "3 hidden by filters ('list --no-hide' shows them)" in err
    assert main(["list", "--stories", "--query", "robots", lib]) == 0
    out, _ = capsys.readouterr()
    assert "walk" not in out and "Robots learn to run" in out
    assert main(["list", "--no-hide", lib]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 4 and "hidden" not in err
