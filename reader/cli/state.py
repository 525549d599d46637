"""``newsreader state``: where the marks are kept (``path``, ``articles-path``); export, import."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reader import paths
from reader.cli.arguments import Subparsers
from reader.cli.loading import read_state
from reader.errors import UsageError
from reader.formatting import plural

NAME = "state"


def add_parser(subparsers: Subparsers) -> None:
    state = subparsers.add_parser(
        NAME,
        help="where read marks are kept; export or import them",
        description="Read and starred marks live in one SQLite file in your data folder.",
    )
    actions = state.add_subparsers(dest="state_command", required=True)
    actions.add_parser("path", help="print where the marks database is (creates nothing)")
    actions.add_parser(
        "articles-path", help="print where fetched full texts are kept (creates nothing)"
    )
    export = actions.add_parser("export", help="write every mark as JSON")
    export.add_argument("file", nargs="?", metavar="FILE", help="write here (default: stdout)")
    restore = actions.add_parser(
        "import",
        help="merge marks from an exported JSON file",
        description="Merge marks from FILE ('-' for stdin). Read articles stay read and "
        "starred ones stay starred unless --allow-unread is given.",
    )
    restore.add_argument("file", metavar="FILE", help="a file written by 'state export'")
    restore.add_argument(
        "--allow-unread", action="store_true", help="let the file turn read articles unread"
    )


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    if args.state_command == "path":
        out.write(f"{paths.state_db_path()}\n")
        return 0
    if args.state_command == "articles-path":
        from reader.fulltext import articles_db_path

        out.write(f"{articles_db_path()}\n")
        return 0
    if args.state_command == "export":
        payload = {"format": "newsreader-state", "version": 1, "marks": read_state().export()}
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        if not args.file or args.file == "-":
            out.write(text)
            return 0
        try:
            Path(args.file).write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {args.file}: {error.strerror or error}") from None
        return 0
    return _import(args)


def _import(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
        data = json.loads(text)
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror or error}") from None
    except ValueError as error:
        raise UsageError(
            f"{args.file} is not a file 'state export' wrote: {_not_json(error)}"
        ) from None
    records = data.get("marks") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise UsageError(f"{args.file} has no list of marks (write one with 'state export')")
    from reader.state import UserState

    state = UserState()
    try:
        merged = state.import_marks(records, allow_unread=args.allow_unread)
    except ValueError as error:
        raise UsageError(f"{args.file}: {error}; nothing was imported") from None
    finally:
        state.close()
    if state.warning:
        sys.stderr.write(f"newsreader: {state.warning}\n")
    if state.unsaved:
        return 1
    sys.stdout.write(f"{plural(merged, 'article')} updated in {state.path}\n")
    return 0


def _not_json(error: ValueError) -> str:
    """Why a file is not JSON, in words: it is empty, or where it stops being JSON."""
    if isinstance(error, json.JSONDecodeError):
        if not error.doc.strip():
            return "it is empty"
        return f"it is not JSON (from line {error.lineno}, column {error.colno})"
    return "it is not text in UTF-8"
