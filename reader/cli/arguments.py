"""What every subcommand's parser shares: one-line usage errors, the PATH and --no-cache arguments.

A subcommand is a module of this package with ``NAME``, ``add_parser`` and
``run`` (the ``Subcommand`` protocol); ``reader.cli`` lists them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from typing import NoReturn, Protocol

from reader.errors import UsageError

Subparsers = argparse._SubParsersAction


class Subcommand(Protocol):
    """One ``newsreader NAME ...`` command: a module with these three names."""

    NAME: str

    def add_parser(self, subparsers: Subparsers) -> None:
        """Add the command's parser (and its own actions) to the main parser's subparsers."""

    def run(self, args: argparse.Namespace) -> int:
        """Do what ``args`` asks, printing to stdout; the exit code."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (and exit 2), not a usage dump.

    The line points to the help of the command that was mistyped
    (``newsreader state export --help``), and a missing or unknown action is
    named with the choices, never with argparse's ``dest``.
    """

    _actions_wanted: argparse._SubParsersAction | None = None
    # Options whose value is the next argument whatever it starts with (``--query -ai``).
    _any_value: frozenset[str] = frozenset()

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")

    def add_subparsers(self, **kwargs) -> argparse._SubParsersAction:
        required = kwargs.pop("required", False)
        # argparse would say "required: state_command"; parse_known_args says it in words.
        actions = super().add_subparsers(required=False, **kwargs)
        if required:
            self._actions_wanted = actions
        return actions

    def parse_known_args(  # type: ignore[override]  # typeshed overloads on namespace=None
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self._any_value:
            args = _joined_values(sys.argv[1:] if args is None else args, self._any_value)
        parsed, extras = super().parse_known_args(args, namespace)
        # A subcommand's parser hands unknown options up to the top one, whose
        # error would point to 'newsreader --help'; reject them here instead.
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        wanted = self._actions_wanted
        if wanted is not None and getattr(parsed, wanted.dest, None) is None:
            command = self.prog.removeprefix("newsreader ")
            self.error(f"say what '{command}' should do: {one_of(wanted.choices)}")
        return parsed, extras

    def _check_value(self, action: argparse.Action, value: object) -> None:
        if isinstance(action, argparse._SubParsersAction) and value not in action.choices:
            # Without this the message names the action by its dest ("feed_command").
            raise argparse.ArgumentError(
                None, f"invalid choice {value!r}: say {one_of(action.choices)}"
            )
        super()._check_value(action, value)


def add_any_value(parser: argparse.ArgumentParser, *flags: str, **kwargs) -> None:
    """An option whose value may start with a dash (``--query -ai``, a search that
    leaves a word out): the argument after it is its value, whatever it is."""
    parser.add_argument(*flags, **kwargs)
    if isinstance(parser, Parser):
        parser._any_value = parser._any_value | {f for f in flags if f.startswith("--")}


def _joined_values(args: Sequence[str], flags: frozenset[str]) -> list[str]:
    """``--query -ai`` as ``--query=-ai``, which argparse reads as the value it is."""
    joined: list[str] = []
    given = iter(args)
    for arg in given:
        if arg == "--":  # the rest is positional, as typed
            joined.append(arg)
            joined.extend(given)
            break
        value = next(given, None) if arg in flags else None
        joined.append(arg if value is None else f"{arg}={value}")
    return joined


def one_of(choices: Iterable[str]) -> str:
    """``path, export or import``."""
    *rest, last = choices
    return f"{', '.join(rest)} or {last}" if rest else last


PATHS_HELP = (
    "files or folders of articles (default: the bundled seeds, your own seeds folder "
    "and the feeds you fetched; the bundled seeds only until you have your own)"
)


def add_paths(parser: argparse.ArgumentParser, help: str = PATHS_HELP) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help=help)


def add_no_cache(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="read every file again instead of trusting the index cache (and leave it as it is)",
    )


def positive_int(text: str) -> int:
    """A count from the command line: 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value
