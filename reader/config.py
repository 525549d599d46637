"""Settings from ``config.toml``: read with tomllib, validated, with defaults.

What the settings are (names, kinds, defaults, texts) is ``reader.settings``;
this module reads a file and checks it against that table.

A bad file never stops newsreader: every value that cannot be used keeps its
default and becomes a :class:`ConfigProblem` that names the key, the line and
what to do. ``load_config`` is the one check: ``newsreader config check``
prints its problems and the TUI shows the same ones at start (unknown binding
ids, keys Textual never sends, clashing keys, unknown themes, seed folders that
do not exist). Nothing here imports Textual: binding ids and key names come
from ``reader.bindings``, theme names from ``THEMES`` (a UI test compares them
with Textual's).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from reader import bindings, paths, settings
from reader.bindings import key_name
from reader.settings import Config, default_config_text

__all__ = ["THEMES", "Config", "ConfigProblem", "default_config_text", "key_name", "load_config"]

# Textual's built-in themes (App().available_themes; tests/ui compares them).
THEMES = (
    "ansi-dark", "ansi-light", "atom-one-dark", "atom-one-light", "catppuccin-frappe",
    "catppuccin-latte", "catppuccin-macchiato", "catppuccin-mocha", "dracula", "flexoki",
    "gruvbox", "monokai", "nord", "rose-pine", "rose-pine-dawn", "rose-pine-moon",
    "solarized-dark", "solarized-light", "textual-dark", "textual-light", "tokyo-night",
)  # fmt: skip
SETTINGS = settings.NAMES


class ConfigProblem(NamedTuple):
    """A setting that could not be used, where it is, and what to do about it.

    ``key`` is the setting (``"sort"``), ``"keymap.<binding id>"`` for one
    keymap entry, or ``None`` when the whole file is unusable. ``line`` is
    1-based, or ``None`` when it is not known.
    """

    key: str | None
    line: int | None
    message: str
    file: str = "config.toml"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


# ------------------------------------------------------------------ loading


def load_config(path: Path | None = None) -> tuple[Config, list[ConfigProblem]]:
    """Read the config file; a missing file gives the defaults and no problems.

    ``path`` defaults to :func:`reader.paths.config_path`. Reading creates
    nothing. The result always holds a usable :class:`Config`.
    """
    path = paths.config_path() if path is None else Path(path)
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return Config(), []
    except OSError as error:
        reason = error.strerror or str(error)
        return Config(), [
            ConfigProblem(None, None, f"cannot be read ({reason}); using the defaults", str(path))
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = "is not UTF-8 text; save it as UTF-8 (every setting uses its default until then)"
        return Config(), [ConfigProblem(None, line, message, str(path))]
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> tuple[Config, list[ConfigProblem]]:
    """Validate the TOML ``text`` of the config file at ``path``.

    ``path`` names the file in problems, and relative ``seed_folders`` are
    resolved against its folder.
    """
    import tomllib  # only when there is a config file: most starts have none

    file = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Config(), [_syntax_problem(str(error), text, file)]
    return _Validator(data, _KeyLines(text), path.absolute().parent, file, text).run()


_LOCATION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def _syntax_problem(message: str, text: str, file: str) -> ConfigProblem:
    match = _LOCATION.search(message)
    reason = message[: match.start()] if match else message
    reason = reason[:1].lower() + reason[1:]
    if match and match.group(1):
        line: int | None = int(match.group(1))
        reason += f" at column {match.group(2)}"
    elif match:
        line = max(1, len(text.splitlines()))
        reason += " at the end of the file"
    else:
        line = None
    return ConfigProblem(
        None,
        line,
        f"not valid TOML: {reason}; every setting uses its default until this is fixed",
        file,
    )


class _Validator:
    """Turns parsed TOML into a Config, one setting at a time."""

    def __init__(
        self, data: dict[str, object], lines: _KeyLines, base: Path, file: str, text: str = ""
    ) -> None:
        self.text = text
        self.data = data
        self.lines = lines
        self.base = base
        self.file = file
        self.problems: list[ConfigProblem] = []

    def problem(self, key: str, where: tuple[str, ...], message: str) -> None:
        self.problems.append(ConfigProblem(key, self.lines.find(where), message, self.file))

    def run(self) -> tuple[Config, list[ConfigProblem]]:
        values: dict[str, object] = {}
        # [commands] before [keymap]: the keymap may bind "command.<name>".
        self.command_names: frozenset[str] = frozenset()
        items = sorted(self.data.items(), key=lambda item: item[0] == "keymap")
        for key, value in items:
            setting = settings.BY_NAME.get(key)
            if setting is None:
                self.problem(key, (key,), _unknown(key))
                continue
            if isinstance(setting.kind, settings.Checked):
                checked = getattr(self, f"check_{key}")(value)
            else:
                checked, message = setting.kind.check(key, value)
                if message is not None:
                    self.problem(key, (key,), message)
                    checked = _INVALID
            if checked is not _INVALID:
                values[key] = checked
        # Each value was checked by its check_<key>, which the checker cannot follow.
        return Config(**values), self.problems  # type: ignore[arg-type]

    def check_theme(self, value: object) -> object:
        if isinstance(value, str) and value.strip() in THEMES:
            return value.strip()
        if isinstance(value, str) and value.strip():
            close = difflib.get_close_matches(value.strip(), THEMES, n=1)
            hint = f', did you mean "{close[0]}"?' if close else ""
            self.problem(
                "theme",
                ("theme",),
                f"unknown theme {_shown(value)}{hint} (known: {', '.join(THEMES)}); "
                "the theme picked last time stays",
            )
            return _INVALID
        self.problem(
            "theme",
            ("theme",),
            'theme must be a theme name in quotes, such as "nord" '
            f"(ctrl+p, then Theme, lists them), not {_shown(value)}",
        )
        return _INVALID

    def check_hide(self, value: object) -> object:
        from reader.query.hide import rule_problem  # only a config with hide rules parses them

        entries = [value] if isinstance(value, str) else value
        if not isinstance(entries, list):
            self.problem(
                "hide",
                ("hide",),
                'hide must be a list of searches, such as ["title:sponsored"], '
                f"not {_shown(value)}",
            )
            return _INVALID
        rules: list[str] = []
        start = self.lines.find(("hide",)) or 1
        for number, entry in enumerate(entries, 1):
            reason: str | None
            if not isinstance(entry, str):
                reason = f"must be a search in quotes, not {_shown(entry)}"
            else:
                reason = rule_problem(entry)
                if reason is None:
                    rules.append(entry)
                    continue
            line = self._line_of(entry, start)
            self.problems.append(
                ConfigProblem(
                    "hide",
                    line,
                    f"hide rule {number} ({_shown(entry)}) {_as_clause(reason)}; it is left out",
                    self.file,
                )
            )
        return tuple(rules)

    def _line_of(self, entry: object, start: int) -> int:
        """The line, at or after ``start``, where a list entry is written."""
        if isinstance(entry, str) and entry:
            import json  # only for a problem's line number: a start without one needs no json

            forms = (entry, json.dumps(entry, ensure_ascii=False)[1:-1])
            for number, line in enumerate(self.text.splitlines()[start - 1 :], start):
                if any(form in line for form in forms):
                    return number
        return start

    def check_save_folder(self, value: object) -> object:
        folder = self._folder(value)
        if folder is None:
            self.problem(
                "save_folder",
                ("save_folder",),
                'save_folder must be a folder path in quotes, such as "~/Downloads/news", '
                f"not {_shown(value)}",
            )
            return _INVALID
        if folder.exists() and not folder.is_dir():
            self.problem(
                "save_folder",
                ("save_folder",),
                f"save_folder {folder} is a file, not a folder; S saves into the default folder",
            )
            return _INVALID
        return folder

    def check_commands(self, value: object) -> object:
        from reader.handoff import template_problem

        if not isinstance(value, dict):
            self.problem(
                "commands",
                ("commands",),
                "commands must be a table: a [commands] line, then lines such as "
                f'mpv = "mpv --no-terminal {{url}}", not {_shown(value)}',
            )
            return _INVALID
        commands: dict[str, str] = {}
        for name, template in value.items():
            where = ("commands", name)
            label = f"commands.{name}"
            if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
                reason = "its name may hold only letters, digits, - and _"
            elif not isinstance(template, str):
                reason = (
                    f'must be a command in quotes, such as "mpv {{url}}", not {_shown(template)}'
                )
            else:
                reason = template_problem(template) or ""
                if not reason:
                    commands[name] = template
                    continue
            self.problem(label, where, f"command {_shown(name)} {reason}; it is left out")
        self.command_names = frozenset(commands)
        return commands

    def check_seed_folders(self, value: object) -> object:
        entries = [value] if isinstance(value, str) else value
        if not isinstance(entries, list):
            self.problem(
                "seed_folders",
                ("seed_folders",),
                f'seed_folders must be a list of folders, such as ["~/news"], not {_shown(value)}',
            )
            return _INVALID
        folders: list[Path] = []
        for number, entry in enumerate(entries, 1):
            folder = self._folder(entry)
            if folder is None:
                self.problem(
                    "seed_folders",
                    ("seed_folders",),
                    f"seed_folders entry {number} must be a folder path in quotes, "
                    f'such as "~/news", not {_shown(entry)}; it is left out',
                )
            elif folder not in folders:
                folders.append(folder)
                if not folder.is_dir():
                    self.problem(
                        "seed_folders",
                        ("seed_folders",),
                        f"seed folder {folder} (from seed_folders) does not exist; "
                        "create it or remove it from the list",
                    )
        return tuple(folders)

    def _folder(self, entry: object) -> Path | None:
        if not isinstance(entry, str) or not entry.strip():
            return None
        try:
            folder = Path(entry).expanduser()
        except RuntimeError:  # "~someone" who does not exist
            return None
        return folder if folder.is_absolute() else self.base / folder

    def check_keymap(self, value: object) -> object:
        if not isinstance(value, dict):
            self.problem(
                "keymap",
                ("keymap",),
                'keymap must be a table: a [keymap] line, then lines such as "app.sort" = "O", '
                f"not {_shown(value)}",
            )
            return _INVALID
        keymap: dict[str, str] = {}
        wheres: dict[str, tuple[str, ...]] = {}
        for key_path, keys in _flatten(value):
            binding_id = ".".join(key_path)
            where = ("keymap", *key_path)
            label = f"keymap.{binding_id}"
            if binding_id in SETTINGS:
                self.problem(
                    label,
                    where,
                    f'"{binding_id}" is a setting, not a binding id: move it above [keymap]',
                )
            elif not all(part.strip() for part in key_path) or re.search(r"\s", binding_id):
                self.problem(
                    label,
                    where,
                    f'keymap: {_shown(binding_id)} is not a binding id (ids look like "app.sort"; '
                    "'newsreader config default' lists them); the entry is ignored",
                )
            elif binding_id in keymap:
                self.problem(
                    label, where, f'keymap: "{binding_id}" is set twice; the first one is used'
                )
            else:
                normalized = self._keys(label, where, binding_id, keys)
                if normalized is not None:
                    keymap[binding_id] = normalized
                    wheres[binding_id] = where
        for problem in bindings.keymap_problems(keymap, self.command_names):
            label = f"keymap.{problem.binding_id}"
            self.problem(label, wheres[problem.binding_id], problem.message)
            if not problem.usable:
                keymap.pop(problem.binding_id, None)
        return keymap

    def _keys(
        self, label: str, where: tuple[str, ...], binding_id: str, keys: object
    ) -> str | None:
        prefix = f'keymap "{binding_id}"'
        if not isinstance(keys, str):
            message = f'must be keys in quotes, such as "S" or "j,down", not {_shown(keys)}'
        elif not keys.strip():
            message = 'is empty: give at least one key, such as "S", or delete the line'
        else:
            names = [name.strip() for name in keys.split(",")]
            if not all(names):
                message = f"has an empty key in {_shown(keys)}: separate keys with single commas"
            elif spaced := next((name for name in names if re.search(r"\s", name)), None):
                combined = "+".join(spaced.split())
                message = (
                    f"has a space inside the key {_shown(spaced)}: write {_shown(combined)} "
                    'for a combination, and separate keys with commas ("j,down")'
                )
            else:
                return ",".join(key_name(name) for name in names)
        self.problem(label, where, f"{prefix} {message}; the default keys stay")
        return None


_INVALID = object()


def _flatten(
    table: dict[str, object], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], object]]:
    """``{"app": {"sort": "O"}}`` (from ``app.sort = "O"``) -> ``(("app", "sort"), "O")``."""
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, (*prefix, key))
        else:
            yield (*prefix, key), value


def _as_clause(reason: str) -> str:
    """A rule's problem after its name: "is empty: ...", "cannot use ...", "is wrong: ..."."""
    if reason.startswith(("is ", "cannot ", "must ")):
        return reason
    return f"is not a search newsreader understands: {reason}"


def _unknown(key: str) -> str:
    close = difflib.get_close_matches(key, SETTINGS, n=1)
    hint = f', did you mean "{close[0]}"?' if close else ""
    return f'unknown setting "{key}"{hint} (known: {", ".join(SETTINGS)}); it is ignored'


_shown = settings.shown


# ------------------------------------------------------------------ where keys are

_KEY_PART = re.compile(r"""\s*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|'([^']*)')\s*""")


def _key_path(text: str, start: int) -> tuple[tuple[str, ...], int] | None:
    """Parse a dotted TOML key at ``start``: its parts and where it ends."""
    parts: list[str] = []
    pos = start
    while True:
        match = _KEY_PART.match(text, pos)
        if not match:
            return None
        parts.append(next(group for group in match.groups() if group is not None))
        pos = match.end()
        if not text.startswith(".", pos):
            return tuple(parts), pos
        pos += 1


class _KeyLines:
    """The line of each key in the file, by scanning lines, not by parsing.

    Good enough for messages: it follows ``[table]`` headers and dotted or
    quoted keys and skips multi-line strings, but ignores escapes inside
    quoted keys and keys inside inline tables (those report the line of the
    table's own key instead).
    """

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        in_string: str | None = None
        for number, line in enumerate(text.splitlines(), 1):
            if in_string is not None:
                if line.count(in_string) % 2:
                    in_string = None
                continue
            stripped = line.lstrip()
            if stripped.startswith("["):
                start = len(line) - len(stripped) + (2 if stripped.startswith("[[") else 1)
                parsed = _key_path(line, start)
                if parsed and line.startswith("]", parsed[1]):
                    table = parsed[0]
                    self.lines.setdefault(table, number)
                continue
            parsed = _key_path(line, 0)
            if parsed and line.startswith("=", parsed[1]):
                self.lines.setdefault((*table, *parsed[0]), number)
                rest = line[parsed[1] + 1 :]
                for quotes in ('"""', "'''"):
                    if rest.count(quotes) % 2:
                        in_string = quotes

    def find(self, key_path: tuple[str, ...]) -> int | None:
        """The line of ``key_path``, or of the nearest table holding it."""
        for end in range(len(key_path), 0, -1):
            if key_path[:end] in self.lines:
                return self.lines[key_path[:end]]
        return None
