"""The command line: the TUI, and the one-shot commands ``list`` and ``check``.

``list`` and ``check`` load through the same ingest session as the TUI, so
they start from the index cache and keep it up to date (``--no-cache`` reads
every file and writes nothing); otherwise read-only commands create nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC
from functools import partial
from pathlib import Path
from typing import NoReturn, TextIO

from reader import __version__, paths
from reader.cache import IndexCache
from reader.errors import UsageError
from reader.feeds import cli as feeds_cli
from reader.formatting import fit, iso_utc, plural
from reader.fulltext import cli as fulltext_cli
from reader.ingest import Ingest
from reader.migrate import cli as migrate_cli
from reader.model import Article, LoadResult
from reader.scan import DIRECTORY_REASON
from reader.state import UserState
from reader.store import SORTS, Sort, Store
from reader.stories import Story, group_stories
from reader.text import fold

COMMANDS = (
    "list",
    "check",
    "state",
    "config",
    "serve",
    *feeds_cli.COMMANDS,
    *migrate_cli.COMMANDS,
    *fulltext_cli.COMMANDS,
)

EXAMPLES = """\
examples:
  newsreader                      open the bundled seeds, your own seeds and fetched feeds
  newsreader ~/news               open every .txt/.md article under ~/news
  newsreader list --sort quality --limit 10
  newsreader list --json ~/news | jq .title
  newsreader check ~/news         name every file that cannot be read, and why
  newsreader list --unread        only articles you have not read
  newsreader state export marks.json
  newsreader feed add https://example.com/feed.xml --topic Tech
  newsreader fetch                fetch every subscribed feed into the library
  newsreader import newsboat --dry-run
  newsreader serve ~/news         read in a browser tab at http://127.0.0.1:8000/

commands:
  list      print articles, one line each (or JSON Lines with --json)
  check     report files that are not readable articles; exit 1 if any
  state     where read marks are kept (state path); export or import them
  fulltext  fetch and keep the full text of articles; exit 1 if any failed
  show      print one article, with its full text when it was fetched
  config    where the settings file is (config path); print a default one; check it
  feed      subscribe to RSS, Atom and JSON feeds: add, remove, list, import, export
  fetch     fetch every subscribed feed into the library; exit 1 if any failed
  import    bring newsboat's feeds, searches, articles and read state over
  serve     the reader in a browser: one reader per tab (127.0.0.1 unless --host)

With no PATH, newsreader reads the bundled seeds, your own seeds folder and the feeds
you fetched (with 'newsreader fetch', or R in the reader); the bundled demo seeds
only until you have seeds or feeds of your own:
  your own seeds folder   {user_seeds}
  the feeds you fetched   {feeds}
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (and exit 2), not a usage dump.

    The line points to the help of the command that was mistyped
    (``newsreader state export --help``), and a missing or unknown action is
    named with the choices, never with argparse's ``dest``.
    """

    _actions_wanted: argparse._SubParsersAction | None = None

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
        parsed, extras = super().parse_known_args(args, namespace)
        # A subcommand's parser hands unknown options up to the top one, whose
        # error would point to 'newsreader --help'; reject them here instead.
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        wanted = self._actions_wanted
        if wanted is not None and getattr(parsed, wanted.dest, None) is None:
            command = self.prog.removeprefix("newsreader ")
            self.error(f"say what '{command}' should do: {_one_of(wanted.choices)}")
        return parsed, extras

    def _check_value(self, action: argparse.Action, value: object) -> None:
        if isinstance(action, argparse._SubParsersAction) and value not in action.choices:
            # Without this the message names the action by its dest ("feed_command").
            raise argparse.ArgumentError(
                None, f"invalid choice {value!r}: say {_one_of(action.choices)}"
            )
        super()._check_value(action, value)


def _one_of(choices: Iterable[str]) -> str:
    """``path, export or import``."""
    *rest, last = choices
    return f"{', '.join(rest)} or {last}" if rest else last


def _paths_help() -> str:
    return (
        "files or folders of articles (default: the bundled seeds, your own seeds folder "
        "and the feeds you fetched; the bundled seeds only until you have your own)"
    )


def _tui_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newsreader",
        description="A keyboard-first terminal news reader for folders of article files "
        "and the feeds it fetches.",
        epilog=EXAMPLES.format(user_seeds=paths.user_seeds_dir(), feeds=paths.feeds_dir()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    parser.add_argument("paths", nargs="*", metavar="PATH", help=_paths_help())
    return parser


def _command_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="newsreader")
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    listing = commands.add_parser(
        "list",
        help="print articles",
        description="Print articles, newest first unless --sort says otherwise.",
    )
    listing.add_argument("paths", nargs="*", metavar="PATH", help=_paths_help())
    listing.add_argument(
        "--topic", help="only articles of this topic (its whole name, in any case)"
    )
    listing.add_argument(
        "--query",
        help="only articles matching a search, like 'facial -police topic:AI' "
        "(write --query='-word' when it starts with a dash)",
    )
    listing.add_argument("--sort", choices=SORTS, default="date", help="order (default: date)")
    listing.add_argument("--limit", type=_positive_int, help="print at most N articles")
    listing.add_argument("--json", action="store_true", help="print JSON Lines, one object each")
    listing.add_argument("--unread", action="store_true", help="only articles not marked read")
    listing.add_argument("--starred", action="store_true", help="only starred articles")
    listing.add_argument(
        "--no-hide",
        action="store_true",
        help="also list the articles that the config's hide rules leave out",
    )
    listing.add_argument(
        "--stories",
        action="store_true",
        help="group the articles into stories (one event, several providers): one line each",
    )
    _add_no_cache(listing)

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
    _add_no_cache(check)
    _add_state_parser(commands)
    _add_config_parser(commands)
    _add_serve_parser(commands)
    feeds_cli.add_parsers(commands)
    migrate_cli.add_parsers(commands)
    fulltext_cli.add_parsers(commands)
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


def _load(given: Sequence[str], *, use_cache: bool = True, hide: bool = False) -> LoadResult:
    """The library at ``given`` through the one ingest path, the index cache included.

    ``hide`` leaves out what the config's hide rules match, as the reader does.
    """
    seed_paths = _seed_paths(given)
    _require_existing(seed_paths)
    optional = [] if given else paths.default_optional_paths()
    cache = IndexCache([*seed_paths, *optional]) if use_cache else None
    rules = _hide_rules() if hide else None
    return Ingest(seed_paths, cache=cache, optional=optional, hide=rules).load_all()


def _hide_rules():  # -> HideRules | None
    from reader.config import load_config

    config, _ = load_config()
    if not config.hide:
        return None
    from reader.query.hide import HideRules

    return HideRules.parse(config.hide)


def _require_existing(seed_paths: Sequence[Path]) -> None:
    for path in seed_paths:
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"no such file or folder: {path}")


def _add_no_cache(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="read every file again instead of trusting the index cache (and leave it as it is)",
    )


# ------------------------------------------------------------------ list


def article_json(article: Article) -> dict[str, object]:
    """The JSON form of an article, as ``list --json`` prints it."""
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "provider": article.provider,
        "domain": article.domain,
        "published": iso_utc(article.published) if article.published else None,
        "quality": article.quality,
        "heat": article.heat,
        "topics": list(article.topics),
        "type": article.type,
        "excerpt": article.excerpt,
        "related": article.related_count,
        "path": article.path,
    }


def article_line(article: Article) -> str:
    """One readable line: date (in UTC, and saying so), quality, provider, title."""
    if article.published:
        when = article.published.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    else:
        when = "      (no date)     "
    quality = f"q{article.quality:<3}" if article.quality is not None else "q-  "
    # Cut and padded in terminal cells (as Textual measures them): a wide
    # provider name such as "한겨레" or an emoji sequence keeps titles aligned.
    provider = fit(article.provider or "-", 20)
    return f"{when}  {quality}  {provider}  {article.title}"


def story_json(story: Story) -> dict[str, object]:
    """The JSON form of a story, as ``list --stories --json`` prints it."""
    lead = story.lead
    published = iso_utc(lead.published) if lead.published else None
    return {
        "id": story.id,
        "title": lead.title,
        "sources": list(story.sources),
        "size": story.size,
        "articles": [a.id for a in story.articles],
        "published": published,
    }


def story_line(story: Story) -> str:
    """The lead article's line, and how many more articles (and other providers) the story has.

    ``+1 source`` when each other article is another provider's, ``+1 article``
    when they share the lead's, ``+2 articles, 1 other source`` in between.
    """
    more = story.size - 1
    if not more:
        return article_line(story.lead)
    others = len([p for p in story.sources if p != story.lead.provider])
    if others == more:
        return f"{article_line(story.lead)}  +{plural(others, 'source')}"
    counted = f"+{plural(more, 'article')}"
    if others:
        counted += f", {plural(others, 'other source')}"
    return f"{article_line(story.lead)}  {counted}"


def _write_stories(
    store: Store, listed: list[Article], args: argparse.Namespace, out: TextIO
) -> None:
    # Grouped over the whole library, then filtered: a story with any listed
    # article is kept whole, every source named (regrouping only the listed
    # articles would split it). Stories follow --sort by their lead.
    library = store.view(None, args.sort)
    rank = {a.id: n for n, a in enumerate(library)}
    listed_ids = {a.id for a in listed}
    stories = sorted(
        (s for s in group_stories(library) if any(a.id in listed_ids for a in s.articles)),
        key=lambda story: rank[story.id],
    )
    for story in stories[: args.limit]:
        line = json.dumps(story_json(story), ensure_ascii=False) if args.json else story_line(story)
        out.write(line + "\n")


def _topic_view(store: Store, topic: str | None, sort: Sort) -> list[Article]:
    """The listing for ``--topic``, compared folded as the query's ``topic:`` is."""
    if topic is None:
        return store.view(None, sort)
    wanted = fold(topic)
    # Several spellings ("AI", "ai") are one topic here, as they are for topic:.
    names = {name for name in store.topic_totals() if fold(name) == wanted}
    return [a for a in store.view(None, sort) if not names.isdisjoint(a.topics)]


def _match_context(state: UserState | None):  # -> MatchContext
    """What a query is matched against: the marks when needed, and the stored full texts."""
    from reader.fulltext import TextStore
    from reader.query import MatchContext

    texts = TextStore()
    if state is None:
        return MatchContext(full_text=texts.matching)
    return MatchContext(
        state.is_read, state.is_starred, tags_of=state.tags_of, full_text=texts.matching
    )


def _library_articles(given: Sequence[str]) -> list[Article]:
    """The library at ``given``, newest first, as the reader shows it (hide rules applied)."""
    return Store(_load(given, hide=True).articles).ordered("date")


def _fulltext_context(texts, needs_marks: bool):  # -> MatchContext
    return _match_context(_read_state() if needs_marks else None)


def run_list(args: argparse.Namespace, out: TextIO) -> int:
    from reader.query import QueryError, SearchIndex, parse  # `list` alone searches

    try:
        query = parse(args.query) if args.query is not None else None
    except QueryError as error:
        raise UsageError(f"invalid query: {error.message}") from None
    result = _load(args.paths, use_cache=not args.no_cache, hide=not args.no_hide)
    store = Store(result.articles)
    articles = _topic_view(store, args.topic, args.sort)
    needs_marks = query is not None and query.needs_marks
    state = _read_state() if args.json or args.unread or args.starred or needs_marks else None
    if state is not None and args.unread:
        articles = [a for a in articles if not state.is_read(a.id)]
    if state is not None and args.starred:
        articles = [a for a in articles if state.is_starred(a.id)]
    if query is not None:
        articles = SearchIndex().filter(articles, query, _match_context(state))
    if not articles and (query is not None or args.topic or args.unread or args.starred):
        # Nothing on stdout keeps pipes clean; say why on stderr, exit 0.
        sys.stderr.write(f"newsreader: no article matches (of {len(store):,})\n")
    if args.stories:
        _write_stories(store, articles, args, out)
        articles = []  # printed as stories
    elif args.limit is not None:
        articles = articles[: args.limit]
    for article in articles:
        if args.json:
            record = article_json(article)
            if state is not None:
                record["read"] = state.is_read(article.id)
                record["starred"] = state.is_starred(article.id)
                record["tags"] = sorted(state.tags_of(article.id))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            out.write(article_line(article) + "\n")
    if result.problems:
        sys.stderr.write(
            f"newsreader: {plural(len(result.problems), 'file')} skipped; "
            "run 'newsreader check' to see why\n"
        )
    if result.hidden:
        sys.stderr.write(
            f"newsreader: {len(result.hidden):,} hidden by filters ('list --no-hide' shows them)\n"
        )
    return 0


# ------------------------------------------------------------------ check


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    result = _load(args.paths, use_cache=not args.no_cache)
    # A folder named like an article (archive.md/) is walked like any folder:
    # named apart from the files that were left out.
    folders = [p for p in result.ignored if p.reason == DIRECTORY_REASON]
    ignored = [p for p in result.ignored if p.reason != DIRECTORY_REASON]
    for problem in result.problems:
        out.write(f"{problem}\n")
    if args.verbose:
        for folder in folders:
            out.write(f"{folder} (read as a folder)\n")
        for problem in ignored:
            out.write(f"{problem} (ignored)\n")
        for duplicate in result.duplicates:
            out.write(f"{duplicate}\n")
    summary = (
        f"{plural(result.files_read, 'file')} read: "
        f"{plural(len(result.articles), 'article')}, {plural(len(result.problems), 'problem')}"
    )
    extras = []
    if result.duplicates:
        extras.append(f"{plural(len(result.duplicates), 'duplicate')} merged")
    if ignored:
        extras.append(f"{plural(len(ignored), 'file')} without front matter ignored")
    if folders:
        extras.append(f"{plural(len(folders), 'folder')} named like an article file")
    if extras:
        summary += f" ({', '.join(extras)}{'' if args.verbose else '; --verbose lists them'})"
    out.write(summary + "\n")
    return 1 if result.problems else 0


# ------------------------------------------------------------------ state


def _add_state_parser(commands: argparse._SubParsersAction) -> None:
    state = commands.add_parser(
        "state",
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


def _read_state() -> UserState:
    """The marks, read without writing, moving or creating anything."""
    state = UserState(readonly=True)
    state.close()
    if state.warning:
        sys.stderr.write(f"newsreader: {state.warning}\n")
    return state


def run_state(args: argparse.Namespace, out: TextIO) -> int:
    if args.state_command == "path":
        out.write(f"{paths.state_db_path()}\n")
        return 0
    if args.state_command == "articles-path":
        from reader.fulltext import articles_db_path

        out.write(f"{articles_db_path()}\n")
        return 0
    if args.state_command == "export":
        payload = {"format": "newsreader-state", "version": 1, "marks": _read_state().export()}
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        if not args.file or args.file == "-":
            out.write(text)
            return 0
        try:
            Path(args.file).write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {args.file}: {error.strerror or error}") from None
        return 0
    return _run_import(args, out)


def _run_import(args: argparse.Namespace, out: TextIO) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
        data = json.loads(text)
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror or error}") from None
    except ValueError as error:
        raise UsageError(f"{args.file} is not JSON from 'state export': {error}") from None
    records = data.get("marks") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise UsageError(f"{args.file} has no list of marks (write one with 'state export')")
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
    out.write(f"{plural(merged, 'article')} updated in {state.path}\n")
    return 0


# ------------------------------------------------------------------ config


def _add_config_parser(commands: argparse._SubParsersAction) -> None:
    config = commands.add_parser(
        "config",
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


def run_config(args: argparse.Namespace, out: TextIO) -> int:
    from reader import config  # only this command reads the settings

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


# ------------------------------------------------------------------ serve


def _add_serve_parser(commands: argparse._SubParsersAction) -> None:
    from reader.serve import DEFAULT_HOST, DEFAULT_PORT

    serve = commands.add_parser(
        "serve",
        help="the reader in a browser tab",
        description="Serve the reader to a browser: each tab runs its own reader on the same "
        "library, read state and config. Bound to an address beyond this machine, every "
        "request needs a token (one is made and printed unless --token gives it). "
        "Ctrl+C stops it.",
    )
    serve.add_argument("paths", nargs="*", metavar="PATH", help=_paths_help())
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help=f"the address to listen on (default: {DEFAULT_HOST})"
    )
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"the port (default: {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--token", help="the token every request must carry (?token=T); made when not given"
    )


def _port(text: str) -> int:
    port = _positive_int(text)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError("a port is 1 to 65535")
    return port


def run_serve(args: argparse.Namespace, out: TextIO) -> int:
    from reader.serve import ServeError, serve

    _require_existing(_seed_paths(args.paths))
    try:
        return serve(args.paths, host=args.host, port=args.port, token=args.token, out=out)
    except ServeError as error:
        sys.stderr.write(f"newsreader: {error}\n")
        return 1


# ------------------------------------------------------------------ main


def _require_terminal() -> None:
    """The TUI draws on stdout and reads keys from stdin; without a terminal it would hang."""
    for name, stream in (("output", sys.stdout), ("input", sys.stdin)):
        if stream is None or not stream.isatty():
            raise UsageError(
                f"the reader needs a terminal, and its {name} is not one; "
                "to print articles, use 'newsreader list'"
            )


def run_tui(given: Sequence[str]) -> int:
    from reader.config import load_config

    config, problems = load_config()
    seed_paths = _seed_paths(given)
    _require_existing(seed_paths)  # a mistyped path is the more useful message
    from reader.serve import is_served

    served = is_served()
    if not served:  # a browser tab's reader talks to textual-serve through pipes
        _require_terminal()
    # The same problems 'newsreader config check' prints (a missing seed folder among them).
    notes = [str(problem) for problem in problems]
    if not given:  # the user's own folders leave the demo seeds out
        seed_paths = paths.default_seed_paths(config.seed_folders)
        seed_paths.extend(folder for folder in config.seed_folders if folder.is_dir())
    from reader.app import make_app  # textual is imported only for the TUI
    from reader.widgets.picture import detect

    # Before the app starts: textual-image asks the terminal what it can draw
    # (not a browser tab's: it draws half-cell blocks).
    pictures = detect(config.images, ask_terminal=not served)
    if pictures is not None and pictures.note:
        notes.append(pictures.note)
    optional = [] if given else paths.default_optional_paths()
    app = make_app(
        seed_paths, config=config, notes=notes, optional_paths=optional, pictures=pictures
    )
    if served:
        from reader.serve import watch_server

        watch_server(lambda: app.call_from_thread(app.exit))
    app.run()
    if app.quit_warning:
        sys.stderr.write(f"newsreader: {app.quit_warning}\n")
        return 1
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            args = _command_parser().parse_args(argv)
            runners: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
                "list": run_list,
                "check": run_check,
                "state": run_state,
                "config": run_config,
                "serve": run_serve,
                **feeds_cli.RUNNERS,
                **migrate_cli.RUNNERS,
                "fulltext": partial(
                    fulltext_cli.run_fulltext, load=_library_articles, context=_fulltext_context
                ),
                "show": partial(fulltext_cli.run_show, load=_library_articles),
            }
            return runners[args.command](args, sys.stdout)
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
