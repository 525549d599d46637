"""What a plain start of the reader imports: nothing it does not need for the first screen.

Every module here is imported on first use; a start that imports one pays for
it before the first paint. Each check runs a fresh interpreter, as a start is.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

# Fetching, extracting, feeds, pictures and the fast YAML parser (the cold load's)
# are imported where they are used, never by a start from a cached index.
LAZY = (
    "httpx",
    "trafilatura",
    "feedparser",
    "PIL",
    "textual_image",
    "yaml_rs",
    "reader.http",
    "reader.fulltext.fetch",
    "reader.feeds.refresh",
    "reader.feeds.subscriptions",
    "reader.screens",
    "email.utils",
    # Nor what only a command, a fetched text or a picture needs.
    "hmac",
    "shlex",
    "reader.fulltext.document",
    "reader.images",
    *(f"reader.cli.{name}" for name in ("list_", "check", "state", "config", "serve", "feed")),
    *(f"reader.cli.{name}" for name in ("fetch", "import_", "fulltext", "show")),
)
# A start from the index cache parses no file: nor the parser, nor hashlib (OpenSSL's:
# the cache's names and the related keys use CPython's own SHA-1 and BLAKE2).
LAZY_WARM = ("hashlib", "reader.seedfile", "reader.frontmatter")

FIRST_SCREEN = textwrap.dedent(
    """
    import asyncio, sys
    from reader import paths
    from reader.cli import tui  # the command line's own imports, as `newsreader` has them
    from reader.app import make_app
    from reader.widgets.picture import detect

    detect("off", ask_terminal=False)
    seeds = paths.default_seed_paths()

    painted = set()  # what was imported when the last start's first frame was drawn

    async def first_screen(app):
        paint = app.first_paint.painted
        app.first_paint.painted = lambda: (painted.clear(), painted.update(sys.modules), paint())
        async with app.run_test() as pilot:
            await pilot.pause()
            assert len(app.store), "the seeds were not on the first screen"

    asyncio.run(first_screen(make_app(seeds, optional_paths=paths.default_optional_paths())))
    if sys.argv[1] == "cold+warm":
        # Again from the index cache the first start wrote, as every later start is.
        asyncio.run(first_screen(make_app(seeds, optional_paths=paths.default_optional_paths())))
    print(" ".join(sorted(m for m in sys.argv[2:] if m in sys.modules)))
    print(" ".join(sorted(m for m in sys.argv[2:] if m in painted)))
    """
)


def _start(*args: str) -> tuple[list[str], list[str]]:
    """The modules of ``args[1:]`` that the starts (``args[0]``) imported: in all, and by
    the last start's first frame."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    imported, painted = done.stdout.split("\n")[:2]
    return imported.split(), painted.split()


def test_a_plain_start_imports_none_of_the_modules_kept_for_later() -> None:
    assert _start("cold+warm", *LAZY)[0] == []


def test_a_start_from_the_index_cache_draws_its_first_frame_before_any_parser_or_openssl() -> None:
    # A cold load parses the seeds (and writes the cache) in a worker.
    parsing = ["hashlib", "reader.frontmatter", "reader.seedfile"]
    assert _start("cold", *LAZY_WARM)[0] == parsing
    # A later process starts from the cache: the first article's file is read (and its
    # parser imported) once the first frame is drawn.
    assert _start("warm", *LAZY_WARM) == (parsing, [])


def test_the_hashes_taken_without_hashlib_are_hashlib_s() -> None:
    import hashlib

    from reader import cache, text

    key = b"/home/someone/news\0/srv/feeds"
    assert cache.sha1(key).hexdigest() == hashlib.sha1(key).hexdigest()
    link = "https://example.com/a?b=1"
    digest = hashlib.blake2b(link.encode(), digest_size=8).digest()
    assert text.link_digest(link) == int.from_bytes(digest, "little")
