"""The command line: ``newsreader`` opens the reader; ``newsreader COMMAND ...`` runs one command.

Each command is one module of this package with ``NAME``, ``add_parser`` and
``run`` (``reader.cli.arguments.Subcommand``), listed once in ``SUBCOMMANDS``.
Those that read articles load them through the same ingest session as the
reader and ask the same ``Library`` (``reader.cli.loading``), so they start
from the index cache and keep it up to date (``--no-cache`` reads every file
and writes nothing); otherwise read-only commands create nothing.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from reader import __version__
from reader.cli.arguments import Parser, Subcommand
from reader.errors import UsageError

# Each command's module, in the order `newsreader COMMAND --help` has always listed
# them. They are imported only for a command line that names one: the reader's own
# start (`newsreader [PATH ...]`) needs none of them (~3 ms of imports before its
# first frame).
_MODULES = (
    "list_", "check", "state", "config", "serve", "feed", "fetch", "import_", "fulltext", "show",
)  # fmt: skip
COMMANDS = tuple(module.rstrip("_") for module in _MODULES)  # each module's NAME
_MODULE_BY_NAME = dict(zip(COMMANDS, _MODULES, strict=True))


def _subcommand(module: str) -> Subcommand:
    command: Any = importlib.import_module(f"{__name__}.{module}")
    return command  # a module with the protocol's three names


def __getattr__(name: str) -> Any:
    """``SUBCOMMANDS`` and the modules (``reader.cli.list_``, ``reader.cli.tui``), as
    attributes of the package as before, imported on first use."""
    if name == "SUBCOMMANDS":
        return tuple(_subcommand(module) for module in _MODULES)
    if name in _MODULES or name == "tui":
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def command_parser() -> argparse.ArgumentParser:
    """The parser of ``newsreader COMMAND ...``: every subcommand's, under one."""
    parser = Parser(prog="newsreader")
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in _MODULES:
        _subcommand(module).add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in _MODULE_BY_NAME:
            args = command_parser().parse_args(argv)
            return _subcommand(_MODULE_BY_NAME[args.command]).run(args)
        from reader.cli import tui

        args = tui.parser().parse_args(argv)
        return tui.run(args.paths)
    except UsageError as error:
        sys.stderr.write(f"newsreader: {error}\n")
        return 2
    except BrokenPipeError:
        # `newsreader list | head` closed the pipe: not an error.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
