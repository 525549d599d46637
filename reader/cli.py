"""The command line: the TUI, and the one-shot commands ``list`` and ``check``.

Read-only commands create nothing on disk.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from reader import __version__, paths
from reader.loader import MissingPath, load_collection
from reader.model import Article, LoadResult
from reader.store import SORTS, Store

COMMANDS = ("list", "check")

EXAMPLES = """\
examples:
  newsreader                      open the bundled seeds (and your own seeds folder)
  newsreader ~/news               open every .txt/.md article under ~/news
  newsreader list --sort quality --limit 10
  newsreader list --json ~/news | jq .title
  newsreader check ~/news         name every file that cannot be read, and why

commands:
  list    print articles, one line each (or JSON Lines with --json)
  check   report files that are not readable articles; exit 1 if any

With no PATH, newsreader reads the bundled seeds plus {user_seeds}.
"""


class UsageError(Exception):
    """A mistake on the command line: one line to the user, exit 2."""


def _paths_help() -> str:
    return "files or folders of articles (default: the bundled seeds and your own seeds folder)"


def _tui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description="A keyboard-first terminal news reader for folders of article files.",
        epilog=EXAMPLES.format(user_seeds=paths.user_seeds_dir()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    parser.add_argument("paths", nargs="*", metavar="PATH", help=_paths_help())
    return parser


def _command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsreader")
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    listing = commands.add_parser(
        "list",
        help="print articles",
        description="Print articles, newest first unless --sort says otherwise.",
    )
    listing.add_argument("paths", nargs="*", metavar="PATH", help=_paths_help())
    listing.add_argument("--topic", help="only articles of this topic (exact name)")
    listing.add_argument("--sort", choices=SORTS, default="date", help="order (default: date)")
    listing.add_argument("--limit", type=_positive_int, help="print at most N articles")
    listing.add_argument("--json", action="store_true", help="print JSON Lines, one object each")

    check = commands.add_parser(
        "check",
        help="report unreadable files",
        description="Name every file that is not a readable article, with the reason. "
        "Exit 0 when there are none, 1 when there are.",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help=_paths_help())
    check.add_argument(
        "--verbose", "-v", action="store_true", help="also list ignored files and duplicates"
    )
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _seed_paths(given: Sequence[str]) -> list[Path]:
    return [Path(p) for p in given] if given else paths.default_seed_paths()


def _load(given: Sequence[str]) -> LoadResult:
    try:
        return load_collection(_seed_paths(given))
    except MissingPath as missing:
        raise UsageError(f"no such file or folder: {missing}") from None


# ------------------------------------------------------------------ list


def article_json(article: Article) -> dict[str, object]:
    """The JSON form of an article, as ``list --json`` prints it."""
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "provider": article.provider,
        "domain": article.domain,
        "published": article.published.isoformat().replace("+00:00", "Z")
        if article.published
        else None,
        "quality": article.quality,
        "heat": article.heat,
        "topics": list(article.topics),
        "type": article.type,
        "excerpt": article.excerpt,
        "related": len(article.related_ids),
        "path": article.path,
    }


def article_line(article: Article) -> str:
    """One readable line: date, quality, provider, title."""
    when = article.published.strftime("%Y-%m-%d %H:%M") if article.published else "    (no date)   "
    quality = f"q{article.quality:<3}" if article.quality is not None else "q-  "
    provider = (article.provider or "-")[:20]
    return f"{when}  {quality}  {provider:<20}  {article.title}"


def run_list(args: argparse.Namespace, out: TextIO) -> int:
    result = _load(args.paths)
    store = Store(result.articles)
    articles = store.view(args.topic, args.sort)
    if args.limit is not None:
        articles = articles[: args.limit]
    for article in articles:
        if args.json:
            out.write(json.dumps(article_json(article), ensure_ascii=False) + "\n")
        else:
            out.write(article_line(article) + "\n")
    if result.problems:
        plural = "s" if len(result.problems) != 1 else ""
        sys.stderr.write(
            f"newsreader: {len(result.problems)} file{plural} skipped; "
            "run 'newsreader check' to see why\n"
        )
    return 0


# ------------------------------------------------------------------ check


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    result = _load(args.paths)
    for problem in result.problems:
        out.write(f"{problem}\n")
    if args.verbose:
        for ignored in result.ignored:
            out.write(f"{ignored} (ignored)\n")
        for duplicate in result.duplicates:
            out.write(f"{duplicate}\n")
    summary = (
        f"{_count(result.files_read, 'file')} read: "
        f"{_count(len(result.articles), 'article')}, {_count(len(result.problems), 'problem')}"
    )
    extras = []
    if result.duplicates:
        extras.append(f"{_count(len(result.duplicates), 'duplicate')} merged")
    if result.ignored:
        extras.append(f"{_count(len(result.ignored), 'file')} without front matter ignored")
    if extras:
        summary += f" ({', '.join(extras)}{'' if args.verbose else '; --verbose lists them'})"
    out.write(summary + "\n")
    return 1 if result.problems else 0


# ------------------------------------------------------------------ main


def run_tui(given: Sequence[str]) -> int:
    seed_paths = _seed_paths(given)
    for path in seed_paths:
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"no such file or folder: {path}")
    from reader.app import make_app  # textual is imported only for the TUI

    app = make_app(seed_paths=seed_paths)
    app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            args = _command_parser().parse_args(argv)
            runner = {"list": run_list, "check": run_check}[args.command]
            return runner(args, sys.stdout)
        args = _tui_parser().parse_args(argv)
        return run_tui(args.paths)
    except UsageError as error:
        sys.stderr.write(f"newsreader: {error}\n")
        return 2
    except BrokenPipeError:
        # `newsreader list | head` closed the pipe: not an error.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
