"""``newsreader config``: where the settings file is (``path``), a ``default`` one, ``check`` it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader import paths
from reader.cli.arguments import Subparsers
from reader.errors import UsageError
from reader.formatting import plural

NAME = "config"


def add_parser(subparsers: Subparsers) -> None:
    config = subparsers.add_parser(
        NAME,
        help="where the settings file is; print a default one; check it",
        description="Settings live in config.toml in your config folder (XDG_CONFIG_HOME).",
    )
    actions = config.add_subparsers(dest="config_command", required=True)
    actions.add_parser("path", help="print where config.toml is (creates nothing)")
    actions.add_parser("default", help="print a commented config.toml with every default")
    check = actions.add_parser(
        "check",
        help="report settings that cannot be used; exit 1 if any",
        description="Name every setting that cannot be used, with its line. "
        "Exit 0 when there are none, 1 when there are.",
    )
    check.add_argument("file", nargs="?", metavar="FILE", help="check this file instead")


def run(args: argparse.Namespace) -> int:
    from reader import config  # only this command reads the settings

    out = sys.stdout
    if args.config_command == "path":
        out.write(f"{paths.config_path()}\n")
        return 0
    if args.config_command == "default":
        out.write(config.default_config_text())
        return 0
    path = Path(args.file) if args.file else paths.config_path()
    if args.file and not path.exists():
        raise UsageError(f"no such file: {path}")
    _, problems = config.load_config(path)
    for problem in problems:
        out.write(f"{problem}\n")
    if not path.exists():
        out.write(f"no config file at {path}: every setting has its default\n")
    else:
        out.write(f"{path}: {plural(len(problems), 'problem')}\n")
    return 1 if problems else 0
