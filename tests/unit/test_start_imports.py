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
)

FIRST_SCREEN = textwrap.dedent(
    """
    import asyncio, sys
    from reader import paths
    from reader.cli import tui  # the command line's own imports, as `newsreader` has them
    from reader.app import make_app
    from reader.widgets.picture import detect

    detect("off", ask_terminal=False)
    seeds = paths.default_seed_paths()

    async def first_screen(app):
        async with app.run_test() as pilot:
            await pilot.pause()
            assert len(app.store), "the seeds were not on the first screen"

    asyncio.run(first_screen(make_app(seeds, optional_paths=paths.default_optional_paths())))
    # Again from the index cache the first start wrote, as every later start is.
    asyncio.run(first_screen(make_app(seeds, optional_paths=paths.default_optional_paths())))
    print(" ".join(sorted(m for m in sys.argv[1:] if m in sys.modules)))
    """
)


def test_a_plain_start_imports_none_of_the_modules_kept_for_later() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN, *LAZY], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
