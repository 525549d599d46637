"""The binding table: key grammar, keymap problems, help rows, the config text."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import bindings, cli
from reader.bindings import TABLE, help_rows, key_label, key_problem, keymap_problems
from reader.config import default_config_text, parse_config


def test_ids_are_unique_and_name_their_pane() -> None:
    ids = [b.id for b in TABLE]
    assert len(ids) == len(set(ids))
    assert {b.pane for b in TABLE} == {pane.name for pane in bindings.PANES}


@pytest.mark.parametrize(
    "key",
    ["s", "S", "A", "1", "question_mark", "slash", "exclamation_mark", "ctrl+s", "shift+tab",
     "alt+ctrl+shift+z", "ctrl+shift+up", "f1", "f35", "pagedown", "escape", "space", "at",
     "minus", "plus", "underscore", "backslash", "left_square_bracket", "super+x"],
)  # fmt: skip
def test_keys_textual_sends_are_accepted(key: str) -> None:
    assert key_problem(key) is None


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("ctrl+shift+alt+zz", '"zz" in "ctrl+shift+alt+zz" is not a key name'),
        ("shift+ctrl+a", 'write "ctrl+shift+a"'),
        ("ctrl+ctrl+a", "repeats a modifier"),
        ("control+a", '"control" in "control+a" is not a modifier'),
        ("F1", 'did you mean "f1"?'),
        ("pgdown", "is not a key name"),
        ("ctrl+", "has no key after its modifiers"),
    ],
)
def test_keys_textual_never_sends_are_named(key: str, message: str) -> None:
    problem = key_problem(key)
    assert problem is not None and message in problem


def test_key_labels_read_as_on_screen() -> None:
    assert key_label("j,down") == "j / ↓"
    assert key_label("question_mark") == "?"
    assert key_label("escape,backspace") == "Escape / Backspace"
    assert key_label("ctrl+s") == "Ctrl+S"
    assert key_label("pagedown") == "PgDn"


def test_help_rows_show_every_binding_with_its_id_and_remapped_keys() -> None:
    rows = help_rows({"app.sort": "O"})
    assert [row.id for row in rows] == [b.id for pane in bindings.PANES for b in TABLE
                                        if b.pane == pane.name]  # fmt: skip
    sort = next(row for row in rows if row.id == "app.sort")
    assert (sort.section, sort.keys, sort.description) == ("Everywhere", "O", "Sort")


def test_help_rows_end_with_the_named_commands_and_their_keys() -> None:
    rows = help_rows({"command.keep": "M", "app.sort": "O"}, ["keep", "mail"])
    assert [row.id for row in rows[:-2]] == [row.id for row in help_rows({})]
    keep, mail = rows[-2:]
    assert (keep.section, keep.keys, keep.description, keep.id) == (
        bindings.COMMANDS_SECTION,
        "M",
        "Run keep",
        "command.keep",
    )
    # No key of its own: the palette (Ctrl+P) is where it runs.
    assert (mail.keys, mail.description, mail.id) == ("Ctrl+P", "Run mail", "command.mail")


def test_keymap_problems() -> None:
    assert keymap_problems({}) == []
    assert keymap_problems({"app.sort": "O", "list.down": "j,down,ctrl+n"}) == []
    # the defaults overlap by design (escape: back, and close the search)
    assert keymap_problems({b.id: b.keys for b in TABLE}) == []
    problems = keymap_problems(
        {"app.nosuch": "z", "app.quit": "j", "app.help": "ctrl+shift+alt+zz", "help.close": "s"}
    )
    messages = [p.message for p in problems]
    assert [p.binding_id for p in problems] == ["app.nosuch", "app.help", "app.quit"]
    assert '"app.nosuch" is not a binding id' in messages[0]
    assert "the default keys stay" in messages[1]
    assert (
        '"j" for "app.quit" is also bound to list.down, related.down, sidebar.down' in messages[2]
    )
    assert [p.usable for p in problems] == [False, False, True]


def test_a_pane_key_clashes_with_the_app_and_its_own_pane_only() -> None:
    assert keymap_problems({"sidebar.down": "k"})[0].message.endswith(
        '"k" for "sidebar.down" is also bound to sidebar.up; one of them will not work'
    )
    assert keymap_problems({"list.open": "q"})[0].message.startswith(
        'keymap: "q" for "list.open" is also bound to app.quit'
    )
    assert keymap_problems({"related.open": "l"}) == []  # l is bound nowhere


# ------------------------------------------------------------------ config check


CHECKED = """\
theme = "gruvboxx"
seed_folders = ["/no/such/folder"]

[keymap]
"app.nosuch" = "z"
"app.quit" = "j"
"app.help" = "ctrl+shift+alt+zz"
"""


def test_the_settings_check_finds_what_the_app_would_warn_about() -> None:
    config, problems = parse_config(CHECKED, Path("config.toml"))
    found = [(p.key, p.line) for p in problems]
    assert found == [
        ("theme", 1),
        ("seed_folders", 2),
        ("keymap.app.nosuch", 5),
        ("keymap.app.help", 7),
        ("keymap.app.quit", 6),
    ]
    assert 'unknown theme "gruvboxx", did you mean "gruvbox"?' in problems[0].message
    assert "/no/such/folder (from seed_folders) does not exist" in problems[1].message
    assert config.theme is None
    # ? keeps working: a key Textual never sends is not applied.
    assert config.keymap == {"app.quit": "j"}


def test_config_check_names_each_problem_with_its_line_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CHECKED, encoding="utf-8")
    code = cli.main(["config", "check", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert [line.split(": ", 1)[0] for line in out[:5]] == [
        f"{path}:{line}" for line in (1, 2, 5, 7, 6)
    ]
    assert out[-1] == f"{path}: 5 problems"


def test_the_default_config_lists_every_id_with_its_keys_as_written() -> None:
    text = default_config_text()
    assert '# "app.help"           = "?"' in text
    assert '# "sidebar.delete"     = "delete,x"' in text
    assert "# Related stories:" in text
