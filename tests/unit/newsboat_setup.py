"""A newsboat user's setup, built with the real newsboat: feeds, a urls file, a cache.db.

``python tests/unit/newsboat_setup.py DIR`` writes the committed fixture again
(see tests/unit/newsboat/README.md); the tests call ``build`` with a server
on 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

TECH = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Tech Daily</title><link>https://tech.example/</link>
<description>d</description>
<item><title>Rust 2.0 &amp; you</title><link>https://tech.example/posts/1</link><guid>t1</guid>
<pubDate>Thu, 11 Jun 2020 16:14:00 GMT</pubDate><author>ann@example.com (Ann)</author>
<description>&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;&lt;/p&gt;</description></item>
<item><title>Sponsored: buy things</title><link>https://TECH.example:443/posts/2</link><guid>t2</guid>
<pubDate>Fri, 12 Jun 2020 10:00:00 GMT</pubDate><description>Two</description></item>
<item><title>Third</title><link>https://tech.example/posts/3</link><guid>t3</guid>
<pubDate>Sat, 13 Jun 2020 10:00:00 GMT</pubDate><description>Three</description></item>
</channel></rss>
"""

WORLD = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>World Report</title>
<link href="https://world.example/"/><id>urn:world</id><updated>2020-06-11T16:14:00Z</updated>
<entry><title>Summit ends</title><link href="https://world.example/a/1"/><id>urn:w1</id>
<updated>2020-06-11T16:14:00Z</updated><author><name>Bea</name></author>
<content type="html">&lt;p&gt;The summit ended.&lt;/p&gt;</content></entry>
<entry><title>Rain</title><link href="https://world.example/a/2"/><id>urn:w2</id>
<updated>2020-06-12T16:14:00Z</updated><summary>Wet.</summary></entry>
</feed>
"""

URLS = """\
# my feeds
{base}/tech.xml tech "~My Tech" programming
{base}/world.atom news
"query:Unread tech:unread = \\"yes\\" and tags # \\"tech\\""
"query:Rusty:title =~ \\"rust\\" or author =~ \\"ann\\""
"exec:/nonexistent/make-feed.sh" local
"filter:/nonexistent/clean.py:{base}/other.xml"
"""


def newsboat() -> str | None:
    """The newsboat program, if installed."""
    return shutil.which("newsboat")


def build(folder: Path, base: str) -> tuple[Path, Path]:
    """Write ``urls``, run ``newsboat -x reload`` into ``cache.db``, mark as a user would.

    The first tech item is read (``unread = 0``), the world's first is flagged
    (``flags = 's'``), as newsboat stores them. ``base`` serves tech.xml and world.atom.
    """
    folder.mkdir(parents=True, exist_ok=True)
    urls = folder / "urls"
    urls.write_text(URLS.format(base=base), encoding="utf-8")
    config = folder / "config"
    config.write_text("auto-reload no\nshow-read-feeds yes\n", encoding="utf-8")
    cache = folder / "cache.db"
    home = folder / "home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "LANG": "C.UTF-8",
        "TERM": "dumb",
    }
    program = newsboat()
    assert program is not None
    subprocess.run(
        [program, "-x", "reload", "-u", str(urls), "-c", str(cache), "-C", str(config)],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    with sqlite3.connect(cache) as conn:
        conn.execute("UPDATE rss_item SET unread = 0 WHERE guid = 't1'")
        conn.execute("UPDATE rss_item SET flags = 's' WHERE guid = 'urn:w1'")
    conn.close()
    return urls, cache


def version() -> str:
    program = newsboat()
    assert program is not None
    out = subprocess.run([program, "--version"], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[0]


if __name__ == "__main__":  # regenerate the committed fixture
    sys.path.insert(0, str(Path(__file__).parent))
    from feed_server import FeedServer

    target = Path(sys.argv[1])
    server = FeedServer().start()
    server.serve("/tech.xml", TECH, headers={"Content-Type": "application/rss+xml"})
    server.serve("/world.atom", WORLD, headers={"Content-Type": "application/atom+xml"})
    try:
        with_server = build(target / "build", server.url(""))
    finally:
        server.stop()
    shutil.copy(with_server[1], target / "cache.db")
    # The fixture's urls name the port the cache was made with.
    shutil.copy(with_server[0], target / "urls")
    shutil.rmtree(target / "build")
    print(version())
