"""One settings table makes Config, the simple checks, the default file and the README list."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from reader import settings
from reader.config import Config, default_config_text, parse_config
from reader.settings import TABLE, Choice, Flag, Number, WholeOrOff

README = Path(__file__).resolve().parents[2] / "README.md"


def load(line: str) -> tuple[Config, list[str]]:
    config, problems = parse_config(line + "\n", Path("config.toml"))
    return config, [problem.message for problem in problems]


def test_the_readme_settings_list_is_the_one_the_table_makes() -> None:
    readme = README.read_text(encoding="utf-8")
    start = readme.index(settings.README_START)
    end = readme.index(settings.README_END) + len(settings.README_END) + 1
    assert readme[start:end] == settings.readme_list(), (
        "README.md's settings list is out of date: run "
        "python -m reader.settings readme --write README.md"
    )


def test_the_readme_list_names_every_setting_once() -> None:
    listed = settings.readme_list()
    for setting in TABLE:
        if setting.is_table:
            head = f"- `[{setting.name}]`"
        elif setting.default is None:
            head = f"- `{setting.name}` (unset; "
        else:
            head = f"- `{setting.name} = "
        assert listed.count(head) == 1, setting.name


def test_config_has_exactly_the_tables_settings_and_defaults() -> None:
    assert tuple(f.name for f in fields(Config)) == tuple(s.name for s in TABLE)
    config = Config()
    for setting in TABLE:
        assert getattr(config, setting.name) == setting.default, setting.name
    assert Config().keymap is not Config().keymap  # a table default is never shared


def test_every_setting_has_a_section_a_description_and_a_check() -> None:
    from reader.config import _Validator

    for setting in TABLE:
        assert setting.section in settings.SECTIONS, setting.name
        assert setting.description().endswith("."), setting.name
        if isinstance(setting.kind, settings.Checked):
            assert hasattr(_Validator, f"check_{setting.name}"), setting.name
        if setting.default is None or setting.is_table:
            assert setting.example, f"{setting.name} needs an example to show"


@pytest.mark.parametrize(
    "setting", [s for s in TABLE if isinstance(s.kind, Choice)], ids=lambda s: s.name
)
def test_every_choice_loads_and_anything_else_is_refused(setting: settings.Setting) -> None:
    assert isinstance(setting.kind, Choice)
    for value in setting.kind.values:
        assert load(f'{setting.name} = "{value}"') == (Config(**{setting.name: value}), [])
    config, problems = load(f'{setting.name} = "nope"')
    assert config == Config()
    quoted = [f'"{value}"' for value in setting.kind.values]
    assert problems == [
        f'{setting.name} must be {", ".join(quoted[:-1])} or {quoted[-1]}, not "nope"'
    ]


@pytest.mark.parametrize(
    "setting", [s for s in TABLE if isinstance(s.kind, Flag)], ids=lambda s: s.name
)
def test_every_flag_takes_true_and_false_only(setting: settings.Setting) -> None:
    assert load(f"{setting.name} = true") == (Config(**{setting.name: True}), [])
    assert load(f"{setting.name} = false") == (Config(), [])
    assert load(f'{setting.name} = "true"')[1] == [
        f'{setting.name} must be true or false (no quotes), not "true"'
    ]


@pytest.mark.parametrize(
    "setting", [s for s in TABLE if isinstance(s.kind, Number | WholeOrOff)], ids=lambda s: s.name
)
def test_every_number_keeps_to_its_range(setting: settings.Setting) -> None:
    kind = setting.kind
    assert isinstance(kind, Number | WholeOrOff)
    name = setting.name
    for good in (0, kind.low, kind.high):
        config, problems = load(f"{name} = {good}")
        assert (getattr(config, name), problems) == (good, []), good
    bad = [kind.low - 1, kind.high + 1] if kind.low > 0 else [kind.high + 1, -1]
    for value in bad:
        config, problems = load(f"{name} = {value}")
        assert config == Config() and len(problems) == 1, value
        assert problems[0].startswith(f"{name} must be ") and f"from {kind.low:g} to" in problems[0]


def test_the_default_file_has_every_section_in_table_order() -> None:
    text = default_config_text()
    positions = [text.index(f"# ---- {section} ") for section in settings.SECTIONS]
    assert positions == sorted(positions)
    for setting in TABLE:
        line = f"# [{setting.name}]" if setting.is_table else f"# {setting.name} = "
        assert text.count("\n" + line) == 1, setting.name
    assert all(len(line) <= 80 for line in text.splitlines() if not line.startswith('# "'))


def test_descriptions_read_as_plain_text_in_the_default_file() -> None:
    assert settings.plain("see [Pictures](#pictures), then *Theme*") == 'see Pictures, then "Theme"'
    assert settings.plain('`"date"` or `t` or `/`') == '"date" or t or "/"'
    assert settings.plain("`newsreader list --no-hide`") == "'newsreader list --no-hide'"
    text = default_config_text()
    assert "`" not in text
    assert "](#" not in text


def test_the_readme_list_is_printed_and_written_by_the_module(tmp_path: Path) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "reader.settings", "readme"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed == settings.readme_list()
    stale = tmp_path / "README.md"
    stale.write_text(
        f'# x\n\nbefore\n\n{settings.README_START}\n- `sort = "size"`: old\n'
        f"{settings.README_END}\n\nafter\n",
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "reader.settings", "readme", "--write", str(stale)], check=True
    )
    assert stale.read_text(encoding="utf-8") == (
        f"# x\n\nbefore\n\n{settings.readme_list()}\nafter\n"
    )
    wrong = subprocess.run(
        [sys.executable, "-m", "reader.settings", "nonsense"], capture_output=True, text=True
    )
    assert wrong.returncode == 2 and "usage:" in wrong.stderr


def test_the_readme_never_shows_an_example_as_if_it_were_the_default() -> None:
    listed = settings.readme_list()
    for setting in settings.TABLE:
        if setting.default is None and not setting.is_table:
            assert f"- `{setting.name}` (unset; for example `{setting.name} = " in listed
            assert f"- `{setting.name} = " not in listed
