"""Sample feeds, written for the tests, in every format newsreader reads.

Each sample holds one item titled "First post" linking to /posts/1 (relative
where the format allows it) dated 2020-06-11T16:14:00Z, with some HTML in
its text, and a second item.
"""

from __future__ import annotations

import json

RSS_091 = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "{dtd}">
<rss version="0.91">
<channel>
<title>Old School</title>
<link>https://old.example/</link>
<description>A 0.91 feed</description>
<language>en-us</language>
<item>
<title>First post</title>
<link>https://old.example/posts/1</link>
<description>Caf\xe9 &lt;b&gt;news&lt;/b&gt; &amp;amp; more</description>
</item>
<item><title>Second post</title><link>https://old.example/posts/2</link></item>
</channel>
</rss>
"""

RSS_092 = b"""<?xml version="1.0"?>
<rss version="0.92">
<channel>
<title>Ninety Two</title>
<link>https://ninety.example/</link>
<description>A 0.92 feed</description>
<item>
<title>First post</title>
<link>https://ninety.example/posts/1</link>
<description>&lt;p&gt;Hello &lt;i&gt;there&lt;/i&gt;&lt;/p&gt;</description>
<enclosure url="https://ninety.example/pic.jpg" length="1234" type="image/jpeg"/>
<category>Science</category>
</item>
<item><title>Second post</title><link>https://ninety.example/posts/2</link></item>
</channel>
</rss>
"""

RSS_10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dc="http://purl.org/dc/elements/1.1/"
         xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://rdf.example/">
<title>Resource Described</title>
<link>https://rdf.example/</link>
<description>An RSS 1.0 feed</description>
<items><rdf:Seq><rdf:li rdf:resource="https://rdf.example/posts/1"/></rdf:Seq></items>
</channel>
<item rdf:about="https://rdf.example/posts/1">
<title>First post</title>
<link>https://rdf.example/posts/1</link>
<description>Some &lt;em&gt;text&lt;/em&gt;</description>
<dc:date>2020-06-11T16:14:00Z</dc:date>
<dc:creator>Ada</dc:creator>
<dc:subject>History</dc:subject>
</item>
<item rdf:about="https://rdf.example/posts/2">
<title>Second post</title>
<link>https://rdf.example/posts/2</link>
</item>
</rdf:RDF>
"""

RSS_20 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>Twenty &amp; Co</title>
<link>https://twenty.example/</link>
<description>An RSS 2.0 feed</description>
<item>
<title>First post</title>
<link>/posts/1</link>
<guid isPermaLink="false">twenty-1</guid>
<description><![CDATA[<p>Hello <b>world</b> &amp; friends</p>
<script>alert(1)</script>]]></description>
<pubDate>Thu, 11 Jun 2020 16:14:00 GMT</pubDate>
<author>ada@twenty.example (Ada)</author>
<category>AI</category>
<category>Computer Vision</category>
<media:thumbnail url="https://twenty.example/thumb.png"/>
</item>
<item>
<title>Second post</title>
<link>https://twenty.example/posts/2</link>
<pubDate>Fri, 12 Jun 2020 09:00:00 +0200</pubDate>
</item>
</channel>
</rss>
"""

ATOM_10 = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/blog/">
<title>Atomic</title>
<link href="https://atom.example/"/>
<id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
<updated>2020-06-12T00:00:00Z</updated>
<entry>
<title type="html">First &lt;i&gt;post&lt;/i&gt;</title>
<link href="posts/1" rel="alternate"/>
<id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
<published>2020-06-11T16:14:00Z</published>
<updated>2020-06-11T17:00:00Z</updated>
<author><name>Grace</name></author>
<category term="Compilers"/>
<summary type="html">&lt;p&gt;A &lt;a href="x"&gt;summary&lt;/a&gt;&lt;/p&gt;</summary>
</entry>
<entry>
<title>Second post</title>
<link href="https://atom.example/blog/posts/2"/>
<id>urn:uuid:2</id>
<updated>2020-06-12T00:00:00Z</updated>
</entry>
</feed>
"""

JSON_10 = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1",
        "title": "Jason One",
        "home_page_url": "https://json1.example/",
        "feed_url": "https://json1.example/feed.json",
        "items": [
            {
                "id": "1",
                "url": "https://json1.example/posts/1",
                "title": "First post",
                "content_html": "<p>Hi <b>there</b></p>",
                "date_published": "2020-06-11T16:14:00Z",
                "author": {"name": "Linus"},
                "tags": ["Kernels"],
                "image": "https://json1.example/img.png",
            },
            {"id": "2", "url": "https://json1.example/posts/2", "title": "Second post"},
        ],
    }
).encode()

JSON_11 = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Jason Eleven",
        "home_page_url": "https://json11.example/",
        "items": [
            {
                "id": "a1",
                "url": "https://json11.example/posts/1",
                "title": "First post",
                "content_text": "Plain text body",
                "summary": "A summary",
                "date_published": "2020-06-11T18:14:00+02:00",
                "authors": [{"name": "Margaret"}, {"name": "Ken"}],
                "tags": ["Space"],
            },
            {"id": "a2", "url": "https://json11.example/posts/2", "title": "Second post"},
        ],
    }
).encode()


def rss(items: str, title: str = "Test Feed", link: str = "https://feed.example/") -> bytes:
    """A minimal RSS 2.0 document around ``items`` (raw XML)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>{link}</link><description>d</description>"
        f"{items}</channel></rss>"
    ).encode()


def item(title: str, link: str = "", guid: str = "", date: str = "", text: str = "") -> str:
    parts = [f"<title>{title}</title>"] if title else []
    if link:
        parts.append(f"<link>{link}</link>")
    if guid:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    if text:
        parts.append(f"<description>{text}</description>")
    return "<item>" + "".join(parts) + "</item>"
