"""config.toml: defaults, every setting valid and invalid, problems with their lines."""

from __future__ import annotations

import tomllib
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from reader import bindings, cli, paths
from reader.config import (
    SETTINGS,
    Config,
    ConfigProblem,
    default_config_text,
    key_name,
    load_config,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conf" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> tuple[Config, list[ConfigProblem]]:
    return load_config(write(tmp_path, text))


def files_under(root: Path) -> list[Path]:
    return sorted(root.rglob("*"))


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XDG_CONFIG_HOME (and the data dir) in a fresh temporary folder."""
    home = tmp_path / "xdg"
    home.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    return home


# ------------------------------------------------------------------ where, and defaults


def test_xdg_config_home_moves_the_config_file(xdg: Path) -> None:
    assert paths.config_path() == xdg / "config" / "newsreader" / "config.toml"


def test_a_missing_file_gives_the_defaults_and_creates_nothing(xdg: Path) -> None:
    config, problems = load_config()
    assert config == Config()
    assert problems == []
    assert files_under(xdg) == []


def test_the_defaults() -> None:
    config = Config()
    assert (config.sort, config.hide_read, config.dwell_seconds) == ("date", False, 2.0)
    assert (config.theme, config.seed_folders, config.mark_story_read) == (None, (), False)
    assert config.keymap == {}
    with pytest.raises(FrozenInstanceError):
        config.sort = "quality"  # type: ignore[misc]


def test_the_default_config_path_is_read(xdg: Path) -> None:
    path = paths.config_path()
    path.parent.mkdir(parents=True)
    path.write_text('sort = "quality"\n', encoding="utf-8")
    assert load_config() == (Config(sort="quality"), [])


# ------------------------------------------------------------------ each setting


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('sort = "quality"', Config(sort="quality")),
        ('sort = "date"', Config(sort="date")),
        ("hide_read = true", Config(hide_read=True)),
        ("dwell_seconds = 0", Config(dwell_seconds=0.0)),
        ("dwell_seconds = 3600", Config(dwell_seconds=3600.0)),
        ("dwell_seconds = 0.5", Config(dwell_seconds=0.5)),
        ('theme = "nord"', Config(theme="nord")),
        ('theme = "gruvbox"', Config(theme="gruvbox")),
        ("mark_story_read = true", Config(mark_story_read=True)),
        ("seed_folders = []", Config()),
    ],
)
def test_each_valid_setting(tmp_path: Path, line: str, expected: Config) -> None:
    config, problems = load(tmp_path, line + "\n")
    assert problems == []
    assert config == expected


def test_dwell_seconds_is_always_a_float(tmp_path: Path) -> None:
    config, _ = load(tmp_path, "dwell_seconds = 5\n")
    assert type(config.dwell_seconds) is float


@pytest.mark.parametrize(
    ("line", "key", "message"),
    [
        ('sort = "size"', "sort", 'sort must be "date" or "quality", not "size"'),
        ("sort = 3", "sort", 'sort must be "date" or "quality", not 3'),
        (
            'hide_read = "yes"',
            "hide_read",
            'hide_read must be true or false (no quotes), not "yes"',
        ),
        ("hide_read = 1", "hide_read", "hide_read must be true or false"),
        ("mark_story_read = [true]", "mark_story_read", "not [true]"),
        ("dwell_seconds = -1", "dwell_seconds", "from 0 to 3600"),
        ("dwell_seconds = 3600.5", "dwell_seconds", "not 3600.5"),
        ("dwell_seconds = nan", "dwell_seconds", "not nan"),
        ("dwell_seconds = inf", "dwell_seconds", "from 0 to 3600"),
        ("dwell_seconds = true", "dwell_seconds", "not true"),
        ('dwell_seconds = "2"', "dwell_seconds", 'not "2"'),
        ('theme = ""', "theme", 'theme must be a theme name in quotes, such as "nord"'),
        ("theme = 7", "theme", "not 7"),
        ("seed_folders = 7", "seed_folders", 'seed_folders must be a list of folders, such as ["'),
        ("seed_folders = { a = 1 }", "seed_folders", "not a table"),
        ('keymap = "S"', "keymap", "keymap must be a table"),
    ],
)
def test_each_invalid_setting_keeps_its_default_and_names_its_line(
    tmp_path: Path, line: str, key: str, message: str
) -> None:
    # The bad line is line 4; the settings around it still apply.
    text = f"# my settings\nmark_story_read = true\n\n{line}\nhide_read = true\n"
    if key in ("mark_story_read", "hide_read"):
        text = f"# my settings\nsort = 'quality'\n\n{line}\n"
    config, problems = load(tmp_path, text)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.key, problem.line) == (key, 4)
    assert message in problem.message
    assert getattr(config, key) == getattr(Config(), key)
    if key in ("mark_story_read", "hide_read"):
        assert config.sort == "quality"
    else:
        assert config.mark_story_read and config.hide_read


def test_a_long_bad_value_is_shortened_in_the_message(tmp_path: Path) -> None:
    _, [problem] = load(tmp_path, f'sort = "{"x" * 200}"\n')
    assert len(problem.message) < 120
    assert problem.message.endswith('..."') or problem.message.endswith("...")


def test_a_problem_reads_like_a_compiler_message(tmp_path: Path) -> None:
    path = write(tmp_path, '\n\nsort = "size"\n')
    _, [problem] = load_config(path)
    assert str(problem) == f'{path}:3: sort must be "date" or "quality", not "size"'
    assert str(ConfigProblem(None, None, "is bad")) == "config.toml: is bad"
    assert (
        str(ConfigProblem("sort", 7, "sort must be", "config.toml"))
        == "config.toml:7: sort must be"
    )


# ------------------------------------------------------------------ the file as a whole


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('sort = "date"\nhide_read = \n', 2, "invalid value at column"),
        ('sort = "date"\nsort = "quality"\n', 2, "cannot overwrite a value"),
        ('\n\n[keymap\n"app.sort" = "O"\n', 3, "table declaration"),
        ('sort = "date"\ntheme = "nord', 2, "at the end of the file"),
    ],
)
def test_invalid_toml_gives_the_defaults_and_one_problem_with_its_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    config, problems = load(tmp_path, text)
    assert config == Config()
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.key, problem.line) == (None, line)
    assert problem.message.startswith("not valid TOML: ")
    assert words in problem.message.lower()
    assert "(at line" not in problem.message  # the line is in the problem, not repeated


def test_a_file_that_is_not_utf8_is_a_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'sort = "quality"\ntheme = "caf\xe9"\n')
    config, [problem] = load_config(path)
    assert config == Config()
    assert problem.line == 2
    assert "UTF-8" in problem.message


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes('\ufeffsort = "quality"\n'.encode())
    assert load_config(path) == (Config(sort="quality"), [])


def test_an_unreadable_config_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    config, [problem] = load_config(folder)
    assert config == Config()
    assert "cannot be read" in problem.message


def test_an_unknown_setting_is_a_problem_but_not_fatal(tmp_path: Path) -> None:
    text = 'srot = "quality"\nhide_read = true\nfont = "x"\n\n[colors]\nbg = "red"\n'
    config, problems = load(tmp_path, text)
    assert config == Config(hide_read=True)
    assert [(p.key, p.line) for p in problems] == [("srot", 1), ("font", 3), ("colors", 5)]
    assert problems[0].message.startswith('unknown setting "srot", did you mean "sort"?')
    assert "known: " + ", ".join(SETTINGS) in problems[1].message
    assert "did you mean" not in problems[1].message


def test_lines_are_found_past_multiline_strings_and_in_odd_spellings(tmp_path: Path) -> None:
    text = (
        'notes = """\nsort = "not this one"\n"""\n  "sort"   =   "size"\n[keymap]\napp . undo = 5\n'
    )
    _, problems = load(tmp_path, text)
    assert [(p.key, p.line) for p in problems] == [
        ("notes", 1),
        ("sort", 4),
        ("keymap.app.undo", 6),
    ]


def test_a_key_in_an_inline_table_reports_the_tables_line(tmp_path: Path) -> None:
    _, [problem] = load(tmp_path, '\nkeymap = { "app.sort" = "" }\n')
    assert (problem.key, problem.line) == ("keymap.app.sort", 2)


# ------------------------------------------------------------------ keymap


def test_keymap_entries_in_every_toml_spelling(tmp_path: Path) -> None:
    text = (
        "[keymap]\n"
        '"app.sort" = "O"\n'
        'list.down = "j, down, ctrl+n"\n'
        "'app.help' = \"?,f1\"\n"
        "\n"
        "[keymap.sidebar]\n"
        'up = "k"\n'
    )
    config, problems = load(tmp_path, text)
    assert problems == []
    assert config.keymap == {
        "app.sort": "O",
        "list.down": "j,down,ctrl+n",
        "app.help": "question_mark,f1",
        "sidebar.up": "k",
    }


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('"app.sort" = ""', 'keymap "app.sort" is empty'),
        ('"app.sort" = "   "', 'keymap "app.sort" is empty'),
        ('"app.sort" = 5', 'keymap "app.sort" must be keys in quotes, such as "S"'),
        ('"app.sort" = ["S"]', 'not ["S"]'),
        ('"app.sort" = "a,,b"', 'has an empty key in "a,,b"'),
        ('"app.sort" = "S,"', "has an empty key"),
        ('"app.sort" = "ctrl s"', 'has a space inside the key "ctrl s": write "ctrl+s"'),
    ],
)
def test_a_bad_keymap_entry_is_a_problem_for_that_entry_only(
    tmp_path: Path, entry: str, message: str
) -> None:
    text = f'sort = "quality"\n[keymap]\n"app.quit" = "Q"\n{entry}\n"app.undo" = "U"\n'
    config, problems = load(tmp_path, text)
    assert config.sort == "quality"
    assert config.keymap == {"app.quit": "Q", "app.undo": "U"}
    assert len(problems) == 1
    assert (problems[0].key, problems[0].line) == ("keymap.app.sort", 4)
    assert message in problems[0].message


def test_keymap_ids_that_cannot_be_ids(tmp_path: Path) -> None:
    text = '[keymap]\n"app sort" = "S"\n"" = "x"\nsort = "quality"\n"app.undo" = "U"\n'
    config, problems = load(tmp_path, text)
    assert config.keymap == {"app.undo": "U"}
    assert config.sort == "date"  # under [keymap] it is not the sort setting
    assert [p.line for p in problems] == [2, 3, 4]
    assert "is not a binding id" in problems[0].message
    assert "is not a binding id" in problems[1].message
    assert '"sort" is a setting, not a binding id: move it above [keymap]' in problems[2].message


def test_the_same_binding_spelled_twice_keeps_the_first(tmp_path: Path) -> None:
    text = '[keymap]\n"app.sort" = "O"\napp.sort = "X"\n'
    config, [problem] = load(tmp_path, text)
    assert config.keymap == {"app.sort": "O"}
    assert problem.line == 3
    assert "set twice" in problem.message


def test_key_names_match_textuals_names_for_single_characters() -> None:
    from textual.keys import _character_to_key

    for character in "?/!-+_@\\#$[]<>.;:'\"~`^&*()=|{}%aA1é\t":
        assert key_name(character) == _character_to_key(character), character
    assert key_name("ctrl+s") == "ctrl+s"
    assert key_name("pagedown") == "pagedown"


# ------------------------------------------------------------------ seed_folders


def test_seed_folders_expand_home_and_resolve_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    here = tmp_path / "conf"
    for folder in (tmp_path / "home" / "news", here / "feeds", tmp_path / "shared"):
        folder.mkdir(parents=True)
    text = 'seed_folders = ["~/news", "feeds", "../shared", "/abs/x", "feeds"]\n'
    config, problems = load(tmp_path, text)
    assert [p.message for p in problems] == [
        "seed folder /abs/x (from seed_folders) does not exist; "
        "create it or remove it from the list"
    ]
    assert config.seed_folders == (
        tmp_path / "home" / "news",
        here / "feeds",
        here / ".." / "shared",
        Path("/abs/x"),
    )


def test_seed_folders_relative_to_a_relative_config_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, 'seed_folders = "feeds"\n')
    (tmp_path / "conf" / "feeds").mkdir()
    monkeypatch.chdir(tmp_path)
    config, problems = load_config(Path("conf/config.toml"))
    assert problems == []
    assert config.seed_folders == (tmp_path / "conf" / "feeds",)


def test_a_bad_seed_folder_is_left_out_alone(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    text = f'\nseed_folders = ["{tmp_path}/a", 5, "", "{tmp_path}/b"]\n'
    config, problems = load(tmp_path, text)
    assert config.seed_folders == (tmp_path / "a", tmp_path / "b")
    assert [(p.key, p.line) for p in problems] == [("seed_folders", 2), ("seed_folders", 2)]
    assert "entry 2 must be a folder path in quotes" in problems[0].message
    assert "entry 3" in problems[1].message


# ------------------------------------------------------------------ the default file


def test_the_default_text_loads_as_the_defaults(tmp_path: Path) -> None:
    assert load(tmp_path, default_config_text()) == (Config(), [])


def uncommented(text: str, wanted: tuple[str, ...]) -> str:
    lines = []
    for line in text.splitlines():
        body = line.removeprefix("# ")
        if body.startswith(wanted):
            lines.append(body)
    return "\n".join(lines) + "\n"


def test_every_setting_is_documented_with_its_real_default(tmp_path: Path) -> None:
    text = default_config_text()
    # Their examples are not their defaults (unset), so they are checked below instead.
    examples = ("keymap", "theme", "save_folder", "commands")
    settings = tuple(f"{name} = " for name in SETTINGS if name not in examples)
    config, problems = load(tmp_path, uncommented(text, settings))
    assert problems == []
    assert config == Config()
    assert len(tomllib.loads(uncommented(text, settings))) == len(SETTINGS) - len(examples)
    assert "# theme = " in text and "# [keymap]" in text
    assert "# save_folder = " in text and "# [commands]" in text


def test_the_default_examples_of_save_folder_and_commands_are_valid(tmp_path: Path) -> None:
    config, problems = load(
        tmp_path, uncommented(default_config_text(), ("save_folder = ", "[commands]", "mpv = "))
    )
    assert problems == []
    assert config.save_folder == Path("~/Downloads/newsreader").expanduser()
    assert config.commands == {"mpv": "mpv --no-terminal {url}"}


def test_save_folder_expands_home_and_refuses_a_file(tmp_path: Path) -> None:
    config, problems = load(tmp_path, 'save_folder = "saved"\n')
    assert (config.save_folder, problems) == (tmp_path / "conf" / "saved", [])
    (tmp_path / "conf" / "afile").write_text("x")
    config, problems = load(tmp_path, 'save_folder = "afile"\n')
    assert config.save_folder is None
    assert [(p.line, p.key) for p in problems] == [(1, "save_folder")]
    assert "is a file, not a folder" in problems[0].message
    config, problems = load(tmp_path, "save_folder = 3\n")
    assert config.save_folder is None and "must be a folder path" in problems[0].message


def test_commands_and_their_keys_are_checked_line_by_line(tmp_path: Path) -> None:
    text = (
        "[keymap]\n"  # before [commands]: the order in the file does not matter
        '"command.mpv" = "M"\n'
        '"command.nope" = "W"\n'
        '"command.play" = "s"\n'
        "[commands]\n"
        'mpv = "mpv --no-terminal {url}"\n'
        "play = \"sh -c 'echo $1' _ {title}\"\n"
        'bad = "mpv {link}"\n'
        'quote = "mpv \'unclosed"\n'
        'empty = "  "\n'
        "number = 3\n"
        "shell = \"sh -c 'echo {title}'\"\n"
    )
    config, problems = load(tmp_path, text)
    assert config.commands == {
        "mpv": "mpv --no-terminal {url}",
        "play": "sh -c 'echo $1' _ {title}",
    }
    assert config.keymap == {"command.mpv": "M", "command.play": "s"}
    said = {(p.line, p.key): p.message for p in problems}
    assert "names no command in [commands]" in said[(3, "keymap.command.nope")]
    assert "also bound to app.sort" in said[(4, "keymap.command.play")]
    assert "unknown placeholder {link}" in said[(8, "commands.bad")]
    assert "cannot be split into words" in said[(9, "commands.quote")]
    assert "is empty" in said[(10, "commands.empty")]
    assert "must be a command in quotes" in said[(11, "commands.number")]
    assert "inside the code sh runs" in said[(12, "commands.shell")]  # it is left out
    assert len(problems) == 7


def test_the_default_keymap_example_uncommented_is_valid(tmp_path: Path) -> None:
    example = uncommented(default_config_text(), ("[keymap]", '"'))
    config, problems = load(tmp_path, example)
    assert problems == []
    assert config.keymap == {b.id: b.keys for b in bindings.TABLE}
    assert config.keymap["app.help"] == "question_mark"
    assert config.keymap["list.up"] == "k,up"


def test_the_default_config_documents_every_binding_id() -> None:
    text = default_config_text()
    for binding in bindings.TABLE:
        assert f'# "{binding.id}" ' in text, binding.id
    for binding_id in ("app.save_search", "app.back", "related.down", "sidebar.delete"):
        assert f'"{binding_id}"' in text


# ------------------------------------------------------------------ the command line


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_config_path_prints_the_path_and_creates_nothing(
    xdg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["config", "path"], capsys)
    assert code == 0
    assert out == f"{xdg / 'config' / 'newsreader' / 'config.toml'}\n"
    assert files_under(xdg) == []


def test_config_default_prints_the_default_text(
    xdg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["config", "default"], capsys)
    assert code == 0
    assert out == default_config_text()
    assert files_under(xdg) == []


def test_config_check_without_a_file(xdg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["config", "check"], capsys)
    assert code == 0
    assert out == f"no config file at {paths.config_path()}: every setting has its default\n"
    assert files_under(xdg) == []


def test_config_check_reports_problems_and_exits_1(
    xdg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = paths.config_path()
    path.parent.mkdir(parents=True)
    path.write_text('sort = "size"\nhide_read = true\nfoo = 1\n', encoding="utf-8")
    code, out, _ = run(["config", "check"], capsys)
    assert code == 1
    assert out.splitlines() == [
        f'{path}:1: sort must be "date" or "quality", not "size"',
        f'{path}:3: unknown setting "foo" (known: {", ".join(SETTINGS)}); it is ignored',
        f"{path}: 2 problems",
    ]


def test_config_check_of_a_good_file_exits_0(
    tmp_path: Path, xdg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, 'sort = "quality"\n[keymap]\n"app.sort" = "O"\n')
    code, out, _ = run(["config", "check", str(path)], capsys)
    assert (code, out) == (0, f"{path}: 0 problems\n")


def test_config_check_of_a_missing_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["config", "check", str(tmp_path / "nope.toml")], capsys)
    assert (code, out) == (2, "")
    assert "no such file" in err


def test_the_config_command_is_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "  config  " in capsys.readouterr().out
