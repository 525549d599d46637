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
import sys
from collections.abc import Sequence

from reader import __version__
from reader.cli import (
    check,
    config,
    feed,
    fetch,
    fulltext,
    import_,
    list_,
    serve,
    show,
    state,
    tui,
)
from reader.cli.arguments import Parser, Subcommand
from reader.errors import UsageError

# In the order `newsreader COMMAND --help` has always listed them.
SUBCOMMANDS: tuple[Subcommand, ...] = (
    list_,
    check,
    state,
    config,
    serve,
    feed,
    fetch,
    import_,
    fulltext,
    show,
)
COMMANDS = tuple(command.NAME for command in SUBCOMMANDS)
_BY_NAME = {command.NAME: command for command in SUBCOMMANDS}


def command_parser() -> argparse.ArgumentParser:
    """The parser of ``newsreader COMMAND ...``: every subcommand's, under one."""
    parser = Parser(prog="newsreader")
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in SUBCOMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in _BY_NAME:
            args = command_parser().parse_args(argv)
            return _BY_NAME[args.command].run(args)
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
