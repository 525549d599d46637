"""``newsreader [PATH ...]``: the reader itself, in the terminal (or a browser tab under serve)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from reader import __version__, gc_pause, paths
from reader.cli.arguments import Parser, add_paths
from reader.cli.loading import require_existing, seed_paths
from reader.errors import UsageError

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


def parser() -> argparse.ArgumentParser:
    """``newsreader``'s own parser: the paths to open, ``--version``, and ``--help``."""
    tui = Parser(
        prog="newsreader",
        description="A keyboard-first terminal news reader for folders of article files "
        "and the feeds it fetches.",
        epilog=EXAMPLES.format(user_seeds=paths.user_seeds_dir(), feeds=paths.feeds_dir()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tui.add_argument("--version", action="version", version=f"newsreader {__version__}")
    add_paths(tui)
    return tui


def _require_terminal() -> None:
    """The TUI draws on stdout and reads keys from stdin; without a terminal it would hang."""
    for name, stream in (("output", sys.stdout), ("input", sys.stdin)):
        if stream is None or not stream.isatty():
            raise UsageError(
                f"the reader needs a terminal, and its {name} is not one; "
                "to print articles, use 'newsreader list'"
            )


def run(given: Sequence[str]) -> int:
    """Open the reader on ``given`` (or the default folders) until the user quits."""
    from reader.config import load_config

    config, problems = load_config()
    chosen = seed_paths(given)
    require_existing(chosen)  # a mistyped path is the more useful message
    from reader.serve import is_served

    served = is_served()
    if not served:  # a browser tab's reader talks to textual-serve through pipes
        _require_terminal()
    # The same problems 'newsreader config check' prints (a missing seed folder among them).
    notes = [str(problem) for problem in problems]
    if not given:  # the user's own folders leave the demo seeds out
        chosen = paths.default_seed_paths(config.seed_folders)
        chosen.extend(folder for folder in config.seed_folders if folder.is_dir())
    optional = [] if given else paths.default_optional_paths()
    from reader.ingest import walk_ahead

    # A large library's first check walks its folders in a process of its own from now
    # on, while Textual is imported and the first frame drawn: over before the cache is read.
    ahead = walk_ahead(chosen, optional)
    from reader.app import make_app  # textual is imported only for the TUI
    from reader.widgets.picture import detect

    # Before the app starts: textual-image asks the terminal what it can draw
    # (not a browser tab's: it draws half-cell blocks).
    pictures = detect(config.images, ask_terminal=not served)
    if pictures is not None and pictures.note:
        notes.append(pictures.note)
    app = make_app(
        chosen,
        config=config,
        notes=notes,
        optional_paths=optional,
        pictures=pictures,
        walk_ahead=ahead,
    )
    if served:
        from reader.serve import watch_server

        watch_server(lambda: app.call_from_thread(app.exit))
    # What the imports made lives as long as the process: out of the collector's scans
    # (each full one walked all of it again, ~15-40 ms on the way to the first frame).
    gc_pause.settle()
    app.run()
    if app.quit_warning:
        sys.stderr.write(f"newsreader: {app.quit_warning}\n")
        return 1
    return app.return_code or 0
