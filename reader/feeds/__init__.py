"""Feeds: subscribe to RSS, Atom and JSON Feed, and fetch them into the library.

Fetched articles are written as ordinary article files (our own front-matter
format), one folder per feed under ``paths.feeds_dir()``, so the one loader
reads them like any seed folder. Nothing here imports Textual.

Modules: ``subscriptions`` (the feed list), ``fetch`` (one feed, through
``reader.http``), ``parse`` (feed documents to items; ``bounds`` and ``sandbox``
keep it bounded), ``articles`` (items to front matter), ``feed_folder`` (a
feed's folder of article files: the writer), ``opml`` (import/export)
and ``refresh`` (fetch every feed: what the CLI and the TUI call). The ``feed``
and ``fetch`` commands are in ``reader.cli``.

This package's ``__init__`` imports nothing, so the command line can name the
commands without loading feedparser for every start of the TUI.
"""
