"""Every setting of ``config.toml`` as data, once: ``TABLE``.

From it come the ``Config`` defaults, the check of each simple value (choices,
true/false, numbers in a range: ``reader.config`` runs it), the commented file
of ``newsreader config default`` and the README's settings list
(``python -m reader.settings readme``; a test compares them). Settings whose
check needs more than a rule (themes, folders, hide rules, commands, the
keymap) name their kind here and are checked in ``reader.config``.

A description is Markdown: the README shows it as written and the default file
as plain text (no backticks, links or emphasis).
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, NamedTuple, get_args

from reader import bindings
from reader.store import Sort

__all__ = ["TABLE", "Config", "Setting", "default_config_text", "readme_list"]

FullText = Literal["manual", "on-open", "read-ahead"]
Images = Literal["auto", "kitty", "sixel", "halfcell", "off"]


# ------------------------------------------------------------------ kinds of value


def shown(value: object) -> str:
    """A value as it would look in TOML, kept short for a message."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        import json  # for messages: a start without a problem imports no json

        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, dict):
        return "a table"
    elif isinstance(value, list):
        text = "[" + ", ".join(shown(item) for item in value) + "]"
    else:
        text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


class Choice(NamedTuple):
    """One of a few strings; ``values`` maps each to what it means ("" for nothing to say)."""

    values: dict[str, str]

    def check(self, name: str, value: object) -> tuple[object, str | None]:
        if isinstance(value, str) and value in self.values:
            return value, None
        quoted = [f'"{choice}"' for choice in self.values]
        return None, f"{name} must be {_or_list(quoted)}, not {shown(value)}"

    def describe(self) -> str:
        words = [
            f'`"{choice}"` ({meaning})' if meaning else f'`"{choice}"`'
            for choice, meaning in self.values.items()
        ]
        return ": " + _or_list(words) + "."


class Flag(NamedTuple):
    """true or false."""

    def check(self, name: str, value: object) -> tuple[object, str | None]:
        if isinstance(value, bool):
            return value, None
        return None, f"{name} must be true or false (no quotes), not {shown(value)}"

    def describe(self) -> str:
        return ""


class Number(NamedTuple):
    """A finite number from ``low`` to ``high`` (always a float); ``zero`` says what 0 does."""

    low: float
    high: float
    unit: str
    zero: str

    def check(self, name: str, value: object) -> tuple[object, str | None]:
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and self.low <= value <= self.high  # never true for nan, false for inf
        ):
            return float(value), None
        return None, (
            f"{name} must be a number of {self.unit} from {self.low:g} to {self.high:g} "
            f"({self.zero}), not {shown(value)}"
        )

    def describe(self) -> str:
        return f", from {self.low:g} to {self.high:g}; {self.zero}."


class WholeOrOff(NamedTuple):
    """0 (off: ``off`` says what that means) or a whole number from ``low`` to ``high``."""

    low: int
    high: int
    unit: str
    off: str

    def check(self, name: str, value: object) -> tuple[object, str | None]:
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and (value == 0 or self.low <= value <= self.high)
        ):
            return value, None
        return None, (
            f"{name} must be 0 ({self.off}) or a whole number of {self.unit} "
            f"from {self.low} to {self.high}, not {shown(value)}"
        )

    def describe(self) -> str:
        return f", from {self.low} to {self.high}, or 0 to {self.off}."


class Checked(NamedTuple):
    """A value whose check needs more than a rule: ``reader.config`` has ``check_<name>``.

    ``type`` says what the value is, for whoever reads the table.
    """

    type: str

    def describe(self) -> str:
        return ""


# Every kind but Checked has check(name, value) -> (value, None) or (None, the message for
# the user), and each has describe(): what it allows, in Markdown, after the description.
Kind = Choice | Flag | Number | WholeOrOff | Checked


class Setting(NamedTuple):
    """One setting: its name, kind (type and allowed values), default and texts.

    ``about`` is the description (Markdown), followed by what the kind says of
    its values and then ``then``, in both the default file and the README;
    ``readme`` is more that only the README says. ``example`` is a TOML value
    shown besides (or, for a setting unset by default, instead of) the default.
    ``section`` groups settings in the default file and the README.
    """

    name: str
    kind: Kind
    default: Any
    section: str
    about: str
    then: str = ""
    readme: str = ""
    example: str = ""
    # The commented lines under a table's header in the default file (the keymap's ids).
    listing: Callable[[], str] | None = None

    @property
    def is_table(self) -> bool:
        return isinstance(self.default, dict)

    def description(self) -> str:
        """The description in Markdown, as the default file and the README share it."""
        text = self.about + self.kind.describe()
        if not text.endswith("."):
            text += "."
        return f"{text} {self.then}" if self.then else text


def _choice(values: Any, *meanings: str) -> Choice:
    """A choice of the strings of a ``Literal`` type, each with what it means."""
    return Choice(dict(zip(get_args(values), meanings, strict=True)))


SECTIONS = ("Reading", "Looks", "Articles and feeds", "Commands and keys")

TABLE: tuple[Setting, ...] = (
    Setting(
        "sort",
        _choice(Sort, "newest first", "best first"),
        "date",
        "Reading",
        "Order of the article list",
    ),
    Setting("hide_read", Flag(), False, "Reading", "Hide articles you have read"),
    Setting(
        "dwell_seconds",
        Number(0, 3600, "seconds", "0 marks an article read only when you open it"),
        2.0,
        "Reading",
        "Seconds an article stays open in the detail pane before it counts as read",
    ),
    Setting(
        "mark_story_read",
        Flag(),
        False,
        "Reading",
        "Marking an article read marks every article of its story read too",
    ),
    Setting(
        "hide",
        Checked("list of searches"),
        (),
        "Reading",
        "Hide noise for good: an article matching any of these searches (the "
        '[search language](#searching) of `/`: words, `"phrases"`, `title:`, `provider:`, '
        "`topic:`, `type:`, `-word`, `OR`) is left out of every view, count, story, search "
        "and `newsreader list`, and the top line counts them (`newsreader list --no-hide` "
        "shows them). `is:` cannot be used here: a rule hides "
        "by what an article says, not by its marks.",
        readme="`config check` names each rule it cannot use with its own line, e.g. "
        '`config.toml:6: hide rule 4 ("is:read") cannot use is: ...`; the other rules '
        "still apply.",
        example='[\'provider:"Spam Daily"\', "title:sponsored"]',
    ),
    Setting(
        "theme",
        Checked("theme name"),
        None,
        "Looks",
        "Colour theme, by name: `ctrl+p`, then *Theme*, lists Textual's built-in themes. "
        "Unset: the theme you last picked in the app, else Textual's default.",
        example='"nord"',
    ),
    Setting(
        "images",
        _choice(
            Images,
            "Kitty's graphics protocol or Sixel when the terminal says it speaks them, "
            "else half-cell blocks",
            "only when the terminal says so",
            "likewise",
            "",
            "nothing is fetched",
        ),
        "auto",
        "Looks",
        "The article's picture at the top of the detail pane",
        readme="See [Pictures](#pictures).",
    ),
    Setting(
        "seed_folders",
        Checked("list of folders"),
        (),
        "Articles and feeds",
        "More folders of articles, read along with the bundled seeds and your own seeds "
        "folder when you give no path. `~` is your home; relative paths start at this "
        "file's folder.",
        example='["~/news", "feeds"]',
    ),
    Setting(
        "full_text",
        _choice(
            FullText,
            "only when you press `t`",
            "when the cursor rests on an article for half a second, or you open it with `Enter`",
            "also the next few in the list, in the background, at most three at once",
        ),
        "manual",
        "Articles and feeds",
        "When an article's full text is fetched from its page",
        then="Fetched texts are kept and shown offline.",
        readme="See [Full text](#full-text) for why `manual` is the default.",
    ),
    Setting(
        "fetch_interval_minutes",
        WholeOrOff(5, 7 * 24 * 60, "minutes", "fetch feeds only when asked"),
        0,
        "Articles and feeds",
        "Fetch the subscribed [feeds](#feeds) when newsreader starts and then every this "
        "many minutes",
        then="`newsreader fetch` fetches them at any time.",
    ),
    Setting(
        "save_folder",
        Checked("folder"),
        None,
        "Articles and feeds",
        "Where `S` saves the article as a Markdown file (created when first needed). "
        "Unset: the `saved/` folder in newsreader's data folder.",
        readme="On Linux that is `~/.local/share/newsreader/saved/`.",
        example='"~/Downloads/newsreader"',
    ),
    Setting(
        "commands",
        Checked("table of commands"),
        {},
        "Commands and keys",
        "Named commands: each is in the command palette as `Run <name>` and can get a key "
        'in `[keymap]` as `"command.<name>" = "M"`. The line is split into words like a '
        "shell would, then `{url}`, `{title}`, `{provider}` and `{date}` are replaced inside "
        "their word; no shell runs it, so a title is only ever one argument. The article is "
        "also on its input, and in `$NEWSREADER_URL` and `$NEWSREADER_TITLE`.",
        readme='A title such as `$(touch /tmp/x)` or `"; rm -rf ~ #` runs nothing. A '
        "placeholder inside the code a shell or an interpreter is given to run (`sh -c 'echo "
        "{title}'`, `bash -lc`, `python3 -c`, `perl -e`, `node -e`, also behind `env`, "
        "`nohup` or `xargs`) would make the title code: such a command is left out, and "
        "`config check` says how to write it (`sh -c 'echo \"$1\"' sh {title}`, or "
        "`$NEWSREADER_TITLE` inside the script). Its exit "
        "status and first line of errors are shown, and it is never waited on by the screen. "
        "`config check` names a command it cannot run (an unknown placeholder, an unclosed "
        "quote) and a `command.<name>` key with no such command. The `?` screen lists them "
        "last, each with its key (or Ctrl+P, the palette, when it has none).",
        example='mpv = "mpv --no-terminal {url}"',
    ),
    Setting(
        "keymap",
        Checked("table of keys"),
        {},
        "Commands and keys",
        'Keys: binding id = "keys", several keys separated by commas. Single characters '
        '(`"?"`, `"/"`) or Textual key names (`"ctrl+s"`, `"pagedown"`, `"question_mark"`). '
        "The help screen (`?`) shows the keys in use and each binding's id.",
        readme="The default file lists every binding id with its keys, by pane.",
        example='"app.sort" = "O"',
        listing=lambda: (
            "# Every id and its default keys, by pane:\n" + bindings.default_keymap_text()
        ),
    ),
)
BY_NAME = {setting.name: setting for setting in TABLE}
NAMES = tuple(BY_NAME)


def _default(name: str) -> Any:
    """The dataclass field of a setting, with the table's default."""
    default = BY_NAME[name].default
    if isinstance(default, dict):
        return field(default_factory=dict, hash=False)
    return field(default=default)


@dataclass(frozen=True)
class Config:
    """Every setting, with its default from ``TABLE`` (a test keeps the two in step).

    ``keymap`` maps a binding id (``"app.sort"``) to comma-separated Textual
    key names (``"S"``, ``"j,down"``), ready for ``App.set_keymap``.
    """

    sort: Sort = _default("sort")
    hide_read: bool = _default("hide_read")
    dwell_seconds: float = _default("dwell_seconds")
    mark_story_read: bool = _default("mark_story_read")
    hide: tuple[str, ...] = _default("hide")
    theme: str | None = _default("theme")
    images: Images = _default("images")
    seed_folders: tuple[Path, ...] = _default("seed_folders")
    full_text: FullText = _default("full_text")
    fetch_interval_minutes: int = _default("fetch_interval_minutes")
    save_folder: Path | None = _default("save_folder")
    commands: dict[str, str] = _default("commands")
    keymap: dict[str, str] = _default("keymap")


if tuple(f.name for f in fields(Config)) != NAMES:
    raise RuntimeError("Config and settings.TABLE name different settings")


# ------------------------------------------------------------------ generated texts

_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


_CODE = re.compile(r"`([^`]+)`")


def _plain_code(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "\"'" or (" " not in code and (len(code) > 1 or code.isalnum())):
        return code  # "date", ctrl+p, t, is:
    if " " in code:
        return f"'{code}'"  # a command line: 'newsreader list --no-hide'
    return f'"{code}"'  # a lone sign: "/", "~"


def plain(markdown: str) -> str:
    """Markdown as the default file shows it: no links, backticks or emphasis."""
    text = _LINK.sub(r"\1", markdown)
    text = re.sub(r"(?<!\w)\*([^*]+)\*(?!\w)", r'"\1"', text)
    return _CODE.sub(_plain_code, text)


def _toml(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, str):
        import json

        return json.dumps(value, ensure_ascii=False)
    return repr(value)


_HEAD = """\
# newsreader settings. Every line is commented out: uncomment one to change it.
# 'newsreader config path' prints where this file goes, and
# 'newsreader config check' reports anything it cannot use (that setting then
# keeps its default and the rest still apply).
"""


def _comment(text: str) -> list[str]:
    """``text`` as comment lines of at most 80 columns.

    No line may start with a quote: uncommented, it would look like a keymap entry.
    """
    for width in range(80, 60, -1):
        lines = textwrap.wrap(
            plain(text),
            width=width,
            initial_indent="# ",
            subsequent_indent="# ",
            break_on_hyphens=False,
            break_long_words=False,
        )
        if not any(line.startswith(('# "', "# '")) for line in lines):
            break
    return lines


def default_config_text() -> str:
    """A fully commented ``config.toml``: loading it gives exactly ``Config()``."""
    lines = [_HEAD.rstrip("\n")]
    section = ""
    for setting in TABLE:
        if setting.section != section:
            section = setting.section
            lines += ["", f"# ---- {section} " + "-" * (70 - len(section))]
        lines += ["", *_comment(setting.description())]
        if setting.is_table:
            lines.append(f"# [{setting.name}]")
            if setting.listing is not None:
                lines.append(setting.listing().rstrip("\n"))
            else:
                lines.append(f"# {setting.example}")
        elif setting.default is None:
            lines.append(f"# {setting.name} = {setting.example}")
        else:
            if setting.example:
                lines += ["# For example", f"#   {setting.example}"]
            lines.append(f"# {setting.name} = {_toml(setting.default)}")
    return "\n".join(lines) + "\n"


README_START = "<!-- settings: made from reader/settings.py by python -m reader.settings readme -->"
README_END = "<!-- end of settings -->"


def readme_list() -> str:
    """The README's settings list, between its two markers (markers included)."""
    lines = [README_START]
    section = ""
    for setting in TABLE:
        if setting.section != section:
            section = setting.section
            lines += ["", f"*{section}*", ""]
        if setting.is_table:
            head = f"`[{setting.name}]`, with lines such as `{setting.example}`"
        elif setting.default is None:  # not a default to copy: unset, with an example
            head = f"`{setting.name}` (unset; for example `{setting.name} = {setting.example}`)"
        else:
            head = f"`{setting.name} = {_toml(setting.default)}`"
            if setting.example:
                head += f" (for example `{setting.name} = {setting.example}`)"
        text = " ".join(part for part in (setting.description(), setting.readme) if part)
        lines.append(f"- {head}: {text}")
    lines += ["", README_END]
    return "\n".join(lines) + "\n"


def replace_readme_list(readme: str) -> str:
    """``readme`` with the text between the settings markers generated anew."""
    start = readme.index(README_START)
    end = readme.index(README_END, start) + len(README_END) + 1
    return readme[:start] + readme_list() + readme[end:]


def main(argv: list[str]) -> int:
    """``python -m reader.settings readme [--write README.md]``: print or update the list."""
    if argv[:1] != ["readme"] or len(argv) not in (1, 3) or argv[1:2] not in ([], ["--write"]):
        sys.stderr.write("usage: python -m reader.settings readme [--write README.md]\n")
        return 2
    if len(argv) == 1:
        sys.stdout.write(readme_list())
        return 0
    path = Path(argv[2])
    path.write_text(replace_readme_list(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
