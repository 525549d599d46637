"""``newsreader serve``: the reader in a browser tab, one reader per tab (reader.serve does it)."""

from __future__ import annotations

import argparse
import sys

from reader.cli.arguments import Subparsers, add_paths, positive_int
from reader.cli.loading import require_existing, seed_paths

NAME = "serve"


def add_parser(subparsers: Subparsers) -> None:
    from reader.serve import DEFAULT_HOST, DEFAULT_PORT

    serve = subparsers.add_parser(
        NAME,
        help="the reader in a browser tab",
        description="Serve the reader to a browser: each tab runs its own reader on the same "
        "library, read state and config. Bound to an address beyond this machine, every "
        "request needs a token (one is made and printed unless --token gives it). "
        "Ctrl+C stops it.",
    )
    add_paths(serve)
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help=f"the address to listen on (default: {DEFAULT_HOST})"
    )
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"the port (default: {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--token",
        type=_token,
        help="the token every request must carry (?token=T, 8 characters or more); "
        "made when not given",
    )


def _token(text: str) -> str:
    # reader.serve.choose_token says the same to a caller that is not the command line.
    if len(text.strip()) < 8:
        raise argparse.ArgumentTypeError("needs at least 8 characters")
    return text


def _port(text: str) -> int:
    port = positive_int(text)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError("a port is 1 to 65535")
    return port


def run(args: argparse.Namespace) -> int:
    from reader.serve import ServeError, serve

    require_existing(seed_paths(args.paths))
    try:
        return serve(args.paths, host=args.host, port=args.port, token=args.token, out=sys.stdout)
    except ServeError as error:
        sys.stderr.write(f"newsreader: {error}\n")
        return 1
