"""Web pages written for the full-text tests, served by feed_server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from feed_server import FeedServer

from reader import http

HTML = {"Content-Type": "text/html; charset=utf-8"}

BOILER = (
    "<header><nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a>"
    "<a href='/login'>Sign in</a></nav></header>"
)
FOOTER = (
    "<aside><h3>Most read</h3><ul><li><a href='/x1'>Unrelated story one</a></li>"
    "<li><a href='/x2'>Unrelated story two</a></li></ul></aside>"
    "<footer><p>Copyright 2024 The Daily Example. Cookie policy. Subscribe now!</p></footer>"
)


def page(title: str, article: str, lang: str = "en") -> bytes:
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body>{BOILER}<main><article>{article}</article></main>{FOOTER}</body></html>"
    ).encode()


NEWS = page(
    "Harbour bridge reopens",
    "<h1>Harbour bridge reopens after two years</h1>"
    "<p>The harbour bridge reopened on Monday after two years of repairs, the city council "
    "said, with the first buses crossing at dawn and a crowd of commuters cheering them on.</p>"
    "<p>Engineers replaced every cable of the span, according to a <a href='/report.pdf'>"
    "council report</a>, and the <a href='https://example.org/budget'>final budget</a> came "
    "in under the estimate given when the works began.</p>"
    "<h2>What changes for commuters</h2>"
    "<p>Ferries that carried the extra passengers will return to their old timetable next "
    "week, and the temporary bus lanes on the river road will be removed by the end of May.</p>"
    "<blockquote><p>We are proud of the crews who worked through two winters to finish this.</p>"
    "</blockquote>"
    "<p>The mayor thanked residents for their patience during the long closure of the bridge.</p>",
)

BLOG = page(
    "Why I switched my editor",
    "<h1>Why I switched my editor</h1>"
    "<p>After ten years with the same editor I finally moved on, and this post explains what "
    "pushed me, what I miss and what I gained from the switch in my daily work.</p>"
    "<p>The main reason was speed: opening a large project took seconds, and every plugin "
    "added more. The new one starts instantly and needs almost no configuration at all.</p>"
    "<pre><code>def hello():\n    print('hello, world')</code></pre>"
    "<p>That small function ran the same in both editors, of course, but writing it felt "
    "different enough that I kept the new one for good after a week of trying it out.</p>"
    "<p>If you want to try the same move, start small: keep the old editor around for a "
    "month, read <a href='javascript:alert(1)'>a trap</a> of a guide only if you must, and "
    "write down what you reach for every day in <a href='https://blog.example/notes'>my "
    "notes</a> style, so the switch is a choice and not an accident of the moment.</p>",
)

TABLE = page(
    "Train fares compared",
    "<h1>Train fares compared</h1>"
    "<p>We compared the fares of the three regional lines over a month of travel, and the "
    "differences were larger than anyone on the commuter forum had guessed they would be.</p>"
    "<table><tr><th>Line</th><th>Fare</th></tr><tr><td>North</td><td>4.20</td></tr>"
    "<tr><td>Coast</td><td>3.10</td></tr></table>"
    "<p>What we found, in order of how much it surprised us when we added it all up:</p>"
    "<ol><li>Off-peak tickets save a third</li><li>Season tickets pay off after 14 trips</li>"
    "</ol><p>And what stayed the same across the lines:</p>"
    "<ul><li>Children under five travel free</li><li>Bicycles need a reservation</li></ul>"
    "<p>The full table of fares is published by each operator every spring, for every line.</p>",
)

GERMAN = page(
    "Neue Brücke über den Fluss",
    "<h1>Neue Brücke über den Fluss eröffnet</h1>"
    "<p>Die neue Brücke über den Fluss wurde am Montag nach zwei Jahren Bauzeit eröffnet. "
    "Tausende Bürgerinnen und Bürger kamen zur Feier, und die ersten Straßenbahnen fuhren "
    "schon am frühen Morgen über die Brücke, begleitet von Musik und Applaus.</p>"
    "<p>Die Kosten lagen unter der ursprünglichen Schätzung, teilte die Stadt mit. Größere "
    "Umwege für Pendler gehören damit der Vergangenheit an, sagte die Bürgermeisterin.</p>",
    lang="de",
)

HOSTILE = page(
    "Escapes",
    "<h1>A page that tries the terminal</h1>"
    "<p>This paragraph has a \x1b[31mred escape\x1b[0m and a bell \x07 and "
    "[bold]markup[/bold] that must show literally [WIP] [$5], and it is long enough to be "
    "taken as the article's text by the extractor, which wants a few sentences.</p>"
    "<p>Another paragraph with <a href='javascript:alert(document.cookie)'>a script link</a>, "
    "<a href='data:text/html,hi'>a data link</a> and <a href='file:///etc/passwd'>a file</a> "
    "and a good <a href='/next'>next page</a> to follow from here on this example site.</p>",
)

# A page drawn by scripts: nothing to read without running them (and nothing runs).
EMPTY = (
    b"<html><head><title>App</title></head><body><div id='root'></div>"
    b"<script>document.getElementById('root').innerText = 'hello'</script></body></html>"
)


def bomb(depth: int = 200_000) -> bytes:
    return b"<html><body>" + b"<div>" * depth + b"x" + b"</div>" * depth + b"</body></html>"


@contextmanager
def page_server() -> Iterator[FeedServer]:
    """A server on 127.0.0.1 with /news, /blog, /hostile and /paper (a PDF), and the
    shared HTTP client closed before and after, so no connection outlives a test."""
    http.close()
    running = FeedServer().start()
    running.serve("/news", NEWS, headers=HTML)
    running.serve("/blog", BLOG, headers=HTML)
    running.serve("/hostile", HOSTILE, headers=HTML)
    running.serve("/paper", b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    try:
        yield running
    finally:
        running.stop()
        http.close()
