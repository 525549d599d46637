"""One seed file to an article or a problem: the seeds exactly, FORMAT.md quirks, hostile files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from reader import frontmatter
from reader.collect import Collector
from reader.ingest import Ingest
from reader.model import Article, ArticleDetail, Problem
from reader.seedfile import load_detail, load_seed_file, read_seed_file
from reader.store import Store
from reader.text import related_keys, search_text

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
GRIO = "000_310119c898b6a1e9.txt"
GULF = "004_dd248e23a54aa586.txt"


def article_of(path: Path) -> Article:
    outcome = load_seed_file(path)
    assert isinstance(outcome, Article), f"expected an article, got: {outcome}"
    return outcome


def excerpt_of(path: Path) -> str:
    """The excerpt as the detail reads it; the article's search text holds it folded."""
    excerpt = detail_of(path).excerpt
    article = article_of(path)
    assert article.search_text == search_text(article.title, excerpt)
    return excerpt


def detail_of(path: Path) -> ArticleDetail:
    outcome = read_seed_file(path)
    assert not isinstance(outcome, Problem), f"expected an article, got: {outcome}"
    return outcome[1]


def problem_of(path: Path, *, explicit: bool = True) -> Problem:
    outcome = load_seed_file(path, explicit=explicit)
    assert isinstance(outcome, Problem), f"expected a problem, got: {outcome}"
    assert outcome.reason and "unexpected error" not in outcome.reason
    return outcome


# --------------------------------------------------------------- the seeds


def test_grio_seed_exactly(seeds_dir):
    article = article_of(seeds_dir / GRIO)
    assert article.title == "Amazon stops police use of facial recognition technology"
    assert article.id == "https://thegrio.com/2020/06/11/amazon-facial-recognition-technology/"
    assert article.url == article.id
    assert article.provider == "The Grio"
    assert article.domain == "thegrio.com"
    assert article.published == datetime(2020, 6, 11, 16, 14, tzinfo=UTC)
    assert article.published.utcoffset().total_seconds() == 0
    assert article.topics == ("AWS AI", "AI")
    assert article.quality == 44
    assert article.heat is None  # -1 means unknown
    assert article.type == "article"
    assert excerpt_of(seeds_dir / GRIO).startswith(
        "Amid nationwide protests against police brutality"
    )
    assert article.path == str(seeds_dir / GRIO)
    biden = "https://thehill.com/policy/technology/502284-biden-campaign-calls-on-facebook-to-change-political-speech-rules"
    assert article.related_keys == related_keys([biden])

    detail = detail_of(seeds_dir / GRIO)
    (related,) = detail.related
    assert related.title == "Biden campaign calls on Facebook to change political speech rules"
    assert related.id == related.url == biden
    assert (related.provider, related.domain) == ("The Hill", "thehill.com")
    assert related.published == datetime(2020, 6, 11, 17, 7, tzinfo=UTC)
    assert related.quality == 59
    assert related.excerpt.startswith("In an open letter from the former vice president")
    assert len(detail.images) == 1
    assert (detail.images[0].width, detail.images[0].height) == (1024, 576)
    assert detail.body == ""


def test_gulf_news_seed_exactly(seeds_dir):
    article = article_of(seeds_dir / GULF)
    assert article.title == "Amazon stops police using its face-recognition technology"
    assert article.id == (
        "https://gulfnews.com/technology/"
        "amazon-stops-police-using-its-face-recognition-technology-1.1591831996029"
    )
    assert (article.provider, article.domain) == ("Gulf News", "gulfnews.com")
    assert article.published == datetime(2020, 6, 11, 3, 28, tzinfo=UTC)
    assert article.topics == ("AWS AI", "AI")
    assert (article.quality, article.heat) == (44, 44)
    assert article.related_count == 1

    (related,) = detail_of(seeds_dir / GULF).related
    assert related.title == "Amazon bans police use of its face recognition tech for 1 year"
    assert (related.provider, related.domain, related.quality) == ("Sify.com", "sify.com", 24)
    assert related.published == datetime(2020, 6, 11, 5, 52, tzinfo=UTC)
    assert related.url.startswith("https://www.sify.com/news/amazon-bans-police-use")


def test_seed_folder_loads_both_without_problems(seeds_dir):
    result = Ingest([seeds_dir], workers=1).load_all()
    assert sorted(a.title for a in result.articles) == [
        "Amazon stops police use of facial recognition technology",
        "Amazon stops police using its face-recognition technology",
    ]
    assert (result.problems, result.ignored, result.duplicates) == ([], [], [])
    assert result.files_read == 2


def test_load_detail_rereads_the_heavy_parts(seeds_dir):
    article = article_of(seeds_dir / GRIO)
    assert load_detail(article).related[0].provider == "The Hill"


def test_the_yaml_loader_is_safe_and_prefers_libyaml():
    safe_bases = (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert issubclass(frontmatter._YAML_LOADER, safe_bases)
    assert not issubclass(frontmatter._YAML_LOADER, (yaml.FullLoader, yaml.UnsafeLoader))
    if hasattr(yaml, "CSafeLoader"):
        assert frontmatter.HAVE_LIBYAML
        assert issubclass(frontmatter._YAML_LOADER, yaml.CSafeLoader)


# ------------------------------------------------------------ FORMAT quirks


def test_video_without_web_url_falls_back_to_original_url(write_seed):
    path = write_seed(
        """
        title: A video
        type: video
        originalUrl: "https://videos.example.com/watch?v=42"
        featuredContent: '<iframe src="https://videos.example.com/embed/42"></iframe>'
        """
    )
    article = article_of(path)
    assert article.type == "video"
    assert article.url == "https://videos.example.com/watch?v=42"
    assert article.id == "https://videos.example.com/watch?v=42"


def test_bare_unquoted_url(write_seed):
    article = article_of(write_seed("title: t\nwebUrl: https://example.com/a/b-c/\n"))
    assert article.url == "https://example.com/a/b-c/"
    assert article.domain == "example.com"


def test_url_with_a_space_is_made_safe(write_seed):
    article = article_of(write_seed('title: t\nwebUrl: "https://example.com/a b/c"\n'))
    assert article.url == "https://example.com/a%20b/c"
    assert " " not in article.id


def test_amp_entity_in_url_is_decoded_in_url_and_id(write_seed):
    path = write_seed('title: t\nwebUrl: "https://Example.COM/story?id=1&amp;page=2#top"\n')
    article = article_of(path)
    assert article.url == "https://Example.COM/story?id=1&page=2#top"
    assert article.id == "https://example.com/story?id=1&page=2"


def test_html_entities_decoded_in_title_excerpt_and_provider(write_seed):
    path = write_seed(
        """
        title: "It&#8217;s AT&amp;T&nbsp;time"
        excerpt: "Q&amp;A: don&#8217;t&nbsp;panic"
        provider:
          name: "Ben &amp; Jerry&#8217;s"
        """
    )
    article = article_of(path)
    assert article.title == "It\u2019s AT&T time"
    assert excerpt_of(path) == "Q&A: don\u2019t panic"
    assert article.provider == "Ben & Jerry\u2019s"


def test_escaped_line_breaks_in_excerpt_become_newlines(write_seed):
    # Single quotes keep the backslashes: the crawler wrote the escapes as text.
    assert (
        excerpt_of(write_seed("title: t\nexcerpt: 'one\\r\\ntwo\\nthree'\n")) == "one\ntwo\nthree"
    )
    real = write_seed('title: t\nexcerpt: "one\\r\\ntwo\\rthree"\n', "b.txt")
    assert excerpt_of(real) == "one\ntwo\nthree"


def test_brackets_in_excerpt_are_kept(write_seed):
    path = write_seed('title: "[WIP] x"\nexcerpt: "see [1] and [/b] [bold]"\n')
    assert article_of(path).title == "[WIP] x"
    assert excerpt_of(path) == "see [1] and [/b] [bold]"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2020-06-11T16:14:00Z", datetime(2020, 6, 11, 16, 14, tzinfo=UTC)),
        ('"2020-06-11T16:14:00Z"', datetime(2020, 6, 11, 16, 14, tzinfo=UTC)),
        ('"2020-06-11T18:14:00+02:00"', datetime(2020, 6, 11, 16, 14, tzinfo=UTC)),
        ("2020-06-11T18:14:00+02:00", datetime(2020, 6, 11, 16, 14, tzinfo=UTC)),
        ("2020-06-11T16:14:00.250Z", datetime(2020, 6, 11, 16, 14, 0, 250_000, tzinfo=UTC)),
        ('"2020-06-11T16:14:00.250-01:30"', datetime(2020, 6, 11, 17, 44, 0, 250_000, tzinfo=UTC)),
        ("2020-06-11 16:14:00", datetime(2020, 6, 11, 16, 14, tzinfo=UTC)),
        ("2020-06-11", datetime(2020, 6, 11, tzinfo=UTC)),
    ],
)
def test_dates_become_aware_utc(write_seed, written, expected):
    published = article_of(write_seed(f"title: t\npublishedDateTime: {written}\n")).published
    assert published == expected
    assert published.tzinfo is not None and published.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    "written",
    [
        '"yesterday"',
        '"2020-13-45T00:00:00Z"',
        "2020-13-45T00:00:00Z",  # bare: YAML itself cannot build it
        "2020-02-30",
        "!!timestamp not-a-date",
        "[2020, 6, 11]",
        "true",
        '"9999-12-31T23:59:59-05:00"',
        "",
    ],
)
def test_unreadable_date_is_a_missing_date_not_a_problem(write_seed, written):
    article = article_of(write_seed(f"title: t\npublishedDateTime: {written}\n"))
    assert article.published is None


def test_undated_article_sorts_last(write_seed, tmp_path):
    write_seed(
        "title: old\npublishedDateTime: 2001-01-01T00:00:00Z\nwebUrl: https://e.com/1", "1.txt"
    )
    write_seed('title: none\npublishedDateTime: "soon"\nwebUrl: https://e.com/2', "2.txt")
    write_seed(
        "title: new\npublishedDateTime: 2021-01-01T00:00:00Z\nwebUrl: https://e.com/3", "3.txt"
    )
    result = Ingest([tmp_path], workers=1).load_all()
    assert result.problems == []
    assert [a.title for a in Store(result.articles).view()] == ["new", "old", "none"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [("44", 44), ('"44"', 44), ("44.0", 44), ('"abc"', None), ("true", None), ("-1", None)],
)
def test_quality_coercion(write_seed, written, expected):
    assert article_of(write_seed(f"title: t\nquality: {written}\n")).quality == expected


def test_an_integer_too_long_for_python_is_dropped(write_seed):
    article = article_of(write_seed("title: t\nquality: " + "9" * 5_000 + "\nheat: 12\n"))
    assert (article.quality, article.heat) == (None, 12)


def test_heat_minus_one_is_unknown_and_strings_are_coerced(write_seed):
    assert article_of(write_seed("title: t\nheat: -1\n")).heat is None
    assert article_of(write_seed('title: t\nheat: "120"\n', "b.txt")).heat == 120


def test_single_topic_string_becomes_a_list(write_seed):
    assert article_of(write_seed("title: t\ntopics: Computer Vision\n")).topics == (
        "Computer Vision",
    )


def test_topics_are_cleaned_and_deduplicated(write_seed):
    path = write_seed("title: t\ntopics: [AI, '  AWS   AI ', ai, 7, {x: 1}, null]\n")
    assert article_of(path).topics == ("AI", "AWS AI", "7")


def test_provider_given_as_a_string_is_its_name(write_seed):
    article = article_of(write_seed("title: t\nprovider: Gulf News\nwebUrl: https://www.gn.com/x"))
    assert article.provider == "Gulf News"
    assert article.domain == "gn.com"  # from the link, when the provider has none


def test_non_ascii_provider_name(write_seed):
    article = article_of(
        write_seed(
            """
            title: 인공지능 뉴스
            provider:
              name: 연합뉴스
              domain: yna.co.kr
            """
        )
    )
    assert (article.title, article.provider, article.domain) == (
        "인공지능 뉴스",
        "연합뉴스",
        "yna.co.kr",
    )


def test_relative_provider_logo_is_harmless(write_seed):
    article = article_of(
        write_seed(
            """
            title: t
            provider:
              name: Site
              domain: site.example
              images:
                - url: /assets/logo-50x50.png
                  width: 50
                  height: 50
            """
        )
    )
    assert (article.provider, article.domain) == ("Site", "site.example")


def test_title_alone_is_enough(write_seed):
    path = write_seed("title: Just a title\n")
    article = article_of(path)
    assert article.title == "Just a title"
    assert article.id.startswith("untitled-link:")
    assert (article.url, article.provider, article.domain, excerpt_of(path)) == ("", "", "", "")
    assert (article.published, article.quality, article.heat) == (None, None, None)
    assert (article.topics, article.related_keys, article.type) == ((), b"", "article")
    again = article_of(write_seed("title: Just a title\n", "b.txt"))
    assert again.id == article.id  # stable: a hash of title and date


def test_key_order_and_flow_style_do_not_matter(write_seed):
    flow = write_seed(
        '{topics: [AI], quality: "7", webUrl: "https://e.com/x", title: Flow, '
        "provider: {domain: e.com, name: E}, publishedDateTime: 2020-01-02T03:04:05Z}"
    )
    article = article_of(flow)
    assert (article.title, article.topics, article.quality, article.provider) == (
        "Flow",
        ("AI",),
        7,
        "E",
    )
    assert article.published == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_body_after_front_matter_is_tolerated(write_seed):
    path = write_seed("title: t\n", body="Some body text.\n\nSecond paragraph.\n")
    assert detail_of(path).body == "Some body text.\n\nSecond paragraph."


def test_wrong_types_are_dropped_not_fatal(write_seed):
    article = article_of(
        write_seed(
            """
            title: 2020
            excerpt: [not, text]
            webUrl: {a: 1}
            provider: [x]
            topics: {a: b}
            quality: [1]
            type: 5
            images: nope
            related: 17
            """
        )
    )
    assert article.title == "2020"
    assert (article.search_text, article.url, article.provider, article.topics) == (
        "2020\n",
        "",
        "",
        (),
    )
    assert (article.quality, article.related_keys) == (None, b"")


@pytest.mark.parametrize(
    ("yaml_text", "reason"),
    [
        ("excerpt: no title here\n", "no title"),
        ("title: [a, b]\n", "title is a list"),
        ("title: '   '\n", "title is empty"),
        ("title: null\n", "no title"),
    ],
)
def test_a_missing_or_unusable_title_is_a_problem(write_seed, yaml_text, reason):
    assert reason in problem_of(write_seed(yaml_text)).reason


def test_control_characters_are_stripped(write_seed):
    path = write_seed(
        'title: "Red\\e[31m alert\\a now\\x9b2J\\x7f!"\n'
        'excerpt: "line one\\e]0;pwned\\a\\nline\\ttwo\\x9b"\n'
        'provider: {name: "Evil\\e[2J Corp"}\n'
    )
    article = article_of(path)
    assert article.title == "Red[31m alert now2J!"
    assert excerpt_of(path) == "line one]0;pwned\nline two"
    assert article.provider == "Evil[2J Corp"
    for text in (article.title, excerpt_of(path), article.provider, article.search_text):
        assert not any(ord(ch) < 32 and ch != "\n" or 0x7F <= ord(ch) <= 0x9F for ch in text)


# ----------------------------------------------------------------- related


RELATED_FILE = """
title: Parent story
webUrl: "https://www.example.com/news/parent/"
ampWebUrl: "https://www.example.com/news/parent/amp"
related:
  - title: Other one
    webUrl: "https://other.example/a"
    provider: {name: Other, domain: other.example}
    quality: 30
    publishedDateTime: 2020-06-11T05:52:00Z
  - title: Other one again
    webUrl: "https://www.other.example/a/"
  - title: Other one, once more
    webUrl: "HTTPS://OTHER.example/a#comments"
  - title: Parent, without www
    webUrl: "https://example.com/news/parent"
  - title: Parent, amp
    webUrl: "http://example.com/news/parent/amp/"
  - title: Second
    webUrl: "https://second.example/b?x=1&amp;y=2"
  - not a mapping
  - webUrl: https://no-title.example/
"""


def test_related_duplicates_and_self_references_are_dropped(write_seed):
    path = write_seed(RELATED_FILE)
    related = detail_of(path).related
    assert [item.title for item in related] == ["Other one", "Second"]
    assert related[0].provider == "Other"
    assert related[0].quality == 30
    assert related[1].url == "https://second.example/b?x=1&y=2"
    assert article_of(path).related_keys == related_keys(item.id for item in related)


def test_related_item_that_is_an_article_resolves_through_the_store(write_seed, tmp_path):
    write_seed(RELATED_FILE, "parent.txt")
    write_seed('title: The other article\nwebUrl: "https://other.example/a"\n', "other.txt")
    write_seed('title: Second article\nwebUrl: "https://second.example/b?x=1&y=2"\n', "two.txt")
    result = Ingest([tmp_path], workers=1).load_all()
    store = Store(result.articles)
    parent = next(a for a in store if a.title == "Parent story")
    related = detail_of(Path(parent.path)).related
    assert [store.resolve(item).title for item in related] == [
        "The other article",
        "Second article",
    ]


def test_related_item_resolves_under_a_loose_variant_of_the_link(write_seed, tmp_path):
    write_seed(
        'title: P\nwebUrl: https://p.example/\nrelated:\n  - {title: R, webUrl: "https://www.r.example/x/"}',
        "p.txt",
    )
    write_seed('title: R itself\nwebUrl: "http://r.example/x"\n', "r.txt")
    store = Store(Ingest([tmp_path], workers=1).load_all().articles)
    (item,) = detail_of(tmp_path / "p.txt").related
    assert store.resolve(item).title == "R itself"


# -------------------------------------------------------------- duplicates


def _two_files(write_seed, first_date: str, second_date: str) -> tuple[Path, Path]:
    first = write_seed(
        f"title: First copy\nwebUrl: https://Example.com/story#x\npublishedDateTime: {first_date}",
        "a.txt",
    )
    second = write_seed(
        f"title: Second copy\nwebUrl: https://example.com/story\npublishedDateTime: {second_date}",
        "b.txt",
    )
    return first, second


def _collect(paths: list[Path]) -> Collector:
    collector = Collector()
    for path in paths:
        collector.add(load_seed_file(path))
    return collector


@pytest.mark.parametrize(
    ("first_date", "second_date", "winner"),
    [
        ("2020-06-11T00:00:00Z", "2020-06-12T00:00:00Z", "Second copy"),  # later wins
        ("2020-06-12T00:00:00Z", "2020-06-11T00:00:00Z", "First copy"),
        ("2020-06-11T00:00:00Z", "2020-06-11T00:00:00Z", "First copy"),  # tie: a.txt
        ('"no date"', "2020-06-11T00:00:00Z", "Second copy"),  # a date beats none
    ],
)
def test_duplicate_rule_does_not_depend_on_scan_order(write_seed, first_date, second_date, winner):
    first, second = _two_files(write_seed, first_date, second_date)
    for order in ([first, second], [second, first]):
        result = _collect(order).result
        (kept,) = result.articles
        assert kept.title == winner
        assert kept.id == "https://example.com/story"
        (duplicate,) = result.duplicates
        assert duplicate.kept_path == kept.path
        assert duplicate.path == str(second if kept.path == str(first) else first)
        assert duplicate.id == kept.id
        assert result.files_read == 2


def test_a_load_reports_the_duplicate(write_seed, tmp_path):
    _two_files(write_seed, "2020-06-11T00:00:00Z", "2020-06-12T00:00:00Z")
    result = Ingest([tmp_path], workers=1).load_all()
    assert [a.title for a in result.articles] == ["Second copy"]
    assert [Path(d.path).name for d in result.duplicates] == ["a.txt"]
    assert result.problems == []


# ---------------------------------------------------------- hostile input

BILLION_LAUGHS = """\
---
title: lol
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
"""


def _merge_bomb() -> str:
    lines = ["---", "title: merge", "l0: &l0 {" + ", ".join(f"k{i}: {i}" for i in range(10)) + "}"]
    for level in range(1, 9):
        aliases = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"l{level}: &l{level} {{<<: [{aliases}]}}")
    return "\n".join(lines) + "\n---\n"


def _limit_memory() -> None:
    # A regression must fail the test, not take the machine's memory with it.
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def run_python(code: str, *args: str) -> str:
    """Run code in a child process (20 s, 2 GB) so that a hang or a crash fails the test."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=20,
        preexec_fn=_limit_memory if os.name == "posix" else None,
    )
    assert done.returncode == 0, f"child failed ({done.returncode}): {done.stderr[-2000:]}"
    return done.stdout.strip()


def _load_in_subprocess(path: Path) -> str:
    code = (
        "import sys\n"
        "from reader.seedfile import load_seed_file\n"
        "outcome = load_seed_file(sys.argv[1])\n"
        "print(type(outcome).__name__, outcome, sep='|')\n"
    )
    return run_python(code, str(path))


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("laughs.txt", BILLION_LAUGHS, "anchor"),
        ("merge.txt", _merge_bomb(), "merge keys"),
        ("deep.txt", "---\ntitle: x\na: " + "[" * 10_000 + "]" * 10_000 + "\n---\n", "deep"),
        ("deeper.txt", "---\ntitle: x\na: " + "[" * 200_000 + "\n---\n", "deep"),
        ("dashes.txt", "---\ntitle: x\na:\n  " + "- " * 100_000 + "x\n---\n", "deep"),
        (
            "maps.txt",
            "---\ntitle: x\na: " + "{a: " * 20_000 + "1" + "}" * 20_000 + "\n---\n",
            "deep",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else "",
)
def test_yaml_bombs_are_refused_quickly_without_crashing(tmp_path, name, text, reason):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert len(text) < 1000 or name not in ("laughs.txt", "merge.txt")
    kind, _, message = _load_in_subprocess(path).partition("|")
    assert kind == "Problem", message
    assert reason in message


def test_recursive_alias_is_a_problem(write_seed):
    assert "anchor" in problem_of(write_seed("title: x\na: &a [1, *a]\n")).reason
    assert "anchor" in problem_of(write_seed("title: x\na: &a {b: *a}\n", "b.txt")).reason


def test_small_merge_keys_still_work(write_seed):
    path = write_seed(
        """
        base: &base {name: Base News, domain: base.example}
        title: Merged
        provider: {<<: *base, name: Merged News}
        """
    )
    article = article_of(path)
    assert (article.provider, article.domain) == ("Merged News", "base.example")


def test_scalar_aliases_are_fine(write_seed):
    assert excerpt_of(write_seed("title: &t Same text\nexcerpt: *t\n")) == "Same text"


def test_modest_nesting_is_accepted(write_seed):
    nested = "[" * 40 + "]" * 40
    assert article_of(write_seed(f"title: x\nextra: {nested}\n")).title == "x"


@pytest.mark.parametrize(
    "tag",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        '!!python/object/apply:subprocess.call [["touch", "{marker}"]]',
        "!!python/name:os.system",
        '!!python/object/new:os.system ["touch {marker}"]',
    ],
)
def test_python_tags_are_never_executed(write_seed, tmp_path, tag):
    marker = tmp_path / "pwned"
    path = write_seed("title: x\nexcerpt: " + tag.format(marker=marker) + "\n")
    problem = problem_of(path)
    assert not marker.exists()
    assert problem.line == 3
    assert "not valid YAML" in problem.reason


def test_a_30_mb_file_is_refused_by_size(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.write(b"---\ntitle: huge\n")
        handle.truncate(30 * 1024 * 1024)
    assert "MB" in problem_of(path).reason


def _stat_says(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """The file's size as it was a moment before it grew (by stat and fstat alike)."""
    real_stat, real_fstat = os.stat, os.fstat

    def smaller(result: os.stat_result) -> os.stat_result:
        fields = list(result)
        fields[6] = size  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "stat", lambda *args, **kwargs: smaller(real_stat(*args, **kwargs)))
    monkeypatch.setattr(os, "fstat", lambda fd: smaller(real_fstat(fd)))


def test_a_file_grown_since_its_stat_is_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "grown.txt"
    path.write_text("---\nexcerpt: " + "x" * 20_000 + "\ntitle: the end of the file\n---\n")
    for size in (1, 10, 8_191, 8_192, 20_000):
        _stat_says(monkeypatch, size)
        assert article_of(path).title == "the end of the file"
        assert read_seed_file(path)[0].title == "the end of the file"


def test_a_file_grown_past_the_limit_since_its_stat_is_refused_by_size(tmp_path, monkeypatch):
    path = tmp_path / "grown.txt"
    path.write_text("---\ntitle: grown\nexcerpt: " + "x" * (2 * 1024 * 1024) + "\n---\n")
    _stat_says(monkeypatch, 100)
    assert "MB" in problem_of(path).reason
    monkeypatch.undo()
    assert "MB" in problem_of(path).reason


def test_a_file_of_exactly_the_limit_is_read(tmp_path):
    from reader.seedfile import MAX_FILE_BYTES

    head = b"---\ntitle: at the limit\nexcerpt: "
    tail = b"\n---\n"
    path = tmp_path / "limit.txt"
    path.write_bytes(head + b"y" * (MAX_FILE_BYTES - len(head) - len(tail)) + tail)
    assert path.stat().st_size == MAX_FILE_BYTES
    assert article_of(path).title == "at the limit"
    with path.open("ab") as handle:
        handle.write(b"z")
    assert "MB" in problem_of(path).reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"---\ntitle: x\x00\x01\x02\n---\n", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"", "empty file"),
        (b"---\ntitle: caf\xe9\n---\n", "not UTF-8"),
        (b"---\ntitle: x\nexcerpt: y\n", "not closed"),
        (b"---\n- a\n- b\n---\n", "front matter is a list"),
        (b"---\njust a sentence\n---\n", "front matter is text, not a mapping"),
        (b"---\n42\n---\n", "front matter is a number, not a mapping"),
        (b"---\n---\n", "empty"),
        (b"---\ntitle: x\n  bad: [\n---\n", "not valid YAML"),
        (b"---\ntitle: x\ntitle: [unclosed\n---\n", "not valid YAML"),
    ],
)
def test_broken_files_are_named_problems(tmp_path, content, reason):
    path = tmp_path / "broken.txt"
    path.write_bytes(content)
    problem = problem_of(path)
    assert reason in problem.reason
    assert problem.path == str(path)
    assert not problem.ignored


def test_problem_lines_point_at_the_file_line(tmp_path):
    invalid = tmp_path / "invalid.txt"
    invalid.write_text("---\ntitle: x\n  bad: [\n---\n")
    assert problem_of(invalid).line == 3
    assert str(problem_of(invalid)).startswith(f"{invalid}:3: front matter is not valid YAML")
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"---\ntitle: x\nexcerpt: caf\xe9\n---\n")
    assert problem_of(latin).line == 3
    unclosed = tmp_path / "unclosed.txt"
    unclosed.write_text("---\ntitle: x\n")
    assert problem_of(unclosed).line == 1


def test_no_front_matter_named_explicitly_is_a_problem(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# My news folder\n\nNothing to see.\n")
    assert "no front matter" in problem_of(readme).reason
    result = Ingest([readme], workers=1).load_all()
    assert [p.path for p in result.problems] == [str(readme)]


def test_no_front_matter_found_by_scan_is_ignored(tmp_path, write_seed):
    (tmp_path / "README.md").write_text("# My news folder\n")
    (tmp_path / "notes.txt").write_text("just notes\n")
    write_seed("title: real\n", "real.txt")
    result = Ingest([tmp_path], workers=1).load_all()
    assert [a.title for a in result.articles] == ["real"]
    assert result.problems == []
    assert sorted(Path(p.path).name for p in result.ignored) == ["README.md", "notes.txt"]
    assert all("no front matter" in p.reason for p in result.ignored)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_in_a_folder_does_not_hang(tmp_path, write_seed):
    write_seed("title: good\n", "good.txt")
    os.mkfifo(tmp_path / "a.txt")
    code = (
        "import sys\n"
        "from reader.ingest import Ingest\n"
        "from reader.seedfile import load_seed_file\n"
        "result = Ingest([sys.argv[1]], workers=1).load_all()\n"
        "print(len(result.articles), [p.reason for p in result.problems])\n"
        "print(load_seed_file(sys.argv[1] + '/a.txt').reason)\n"
    )
    first, second = run_python(code, str(tmp_path)).splitlines()
    assert first.startswith("1 ") and "not a regular file" in first
    assert "not a regular file" in second


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_file_swapped_for_a_fifo_after_the_stat_does_not_hang(tmp_path, write_seed):
    regular = write_seed("title: good\n", "good.txt")
    os.mkfifo(tmp_path / "a.txt")
    code = (
        "import os, sys\n"
        "from reader.seedfile import load_seed_file\n"
        "fifo, regular = sys.argv[1:3]\n"
        "real_stat = os.stat\n"
        "def stat(path, *args, **kwargs):\n"
        "    return real_stat(regular if path == fifo else path, *args, **kwargs)\n"
        "os.stat = stat  # the FIFO still looked like a file when it was stat-ed\n"
        "print(load_seed_file(fifo).reason)\n"
    )
    assert "not a regular file" in run_python(code, str(tmp_path / "a.txt"), str(regular))


def test_a_folder_of_hostile_files_loads_every_good_one(tmp_path, write_seed):
    write_seed("title: good one\nwebUrl: https://e.com/1\n", "good1.txt")
    write_seed("title: good two\nwebUrl: https://e.com/2\n", "sub/good2.md")
    (tmp_path / "laughs.txt").write_text(BILLION_LAUGHS)
    (tmp_path / "merge.txt").write_text(_merge_bomb())
    (tmp_path / "list.txt").write_text("---\n- a\n---\n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "py.txt").write_text("---\ntitle: !!python/object/apply:os.getcwd []\n---\n")
    code = (
        "import json, os, sys\n"
        "from reader.ingest import Ingest\n"
        "result = Ingest([sys.argv[1]], workers=1).load_all()\n"
        "print(json.dumps([sorted(a.title for a in result.articles),\n"
        "    sorted(os.path.basename(p.path) for p in result.problems), result.files_read]))\n"
    )
    titles, problems, files_read = json.loads(run_python(code, str(tmp_path)))
    assert titles == ["good one", "good two"]
    assert problems == ["binary.txt", "empty.md", "laughs.txt", "list.txt", "merge.txt", "py.txt"]
    assert files_read == 8


def test_many_files_load_the_same_with_several_processes(tmp_path):
    for n in range(2_100):
        (tmp_path / f"{n:05}.txt").write_text(
            f"---\ntitle: Article {n}\nwebUrl: https://e.com/{n % 2_050}\n"
            f"publishedDateTime: 2020-01-01T00:00:{n % 60:02}Z\n---\n"
        )
    (tmp_path / "zz_bad.txt").write_text("---\n[1]\n---\n")
    single = Ingest([tmp_path], workers=1).load_all()
    pooled = Ingest([tmp_path], workers=2).load_all()
    assert len(single.articles) == 2_050
    assert pooled.articles == single.articles
    assert pooled.duplicates == single.duplicates and len(single.duplicates) == 50
    assert pooled.problems == single.problems and len(single.problems) == 1
    assert pooled.files_read == single.files_read == 2_101


# ------------------------------------------------------------------ corpus


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the repo")
def test_every_corpus_file_loads_without_problems():
    result = Ingest([CORPUS], workers=1).load_all()
    assert [str(p) for p in result.problems] == []
    assert result.ignored == []
    assert result.files_read == 60
    assert len(result.articles) + len(result.duplicates) == 60
    assert len(result.articles) == 60
    for article in result.articles:
        assert article.title and article.id
        assert article.published is None or article.published.utcoffset().total_seconds() == 0


# ------------------------------------------------- the lean path for the list

LEAN_CASES = {
    "images.txt": "title: t\nimages:\n  - url: https://e.com/a.jpg\n    width: 10\n",
    "anchored.txt": "title: t\nimages: &i [{url: x}]\nrelated: [{title: r, images: *i}]\n",
    "merge.txt": "b: &b {name: B}\ntitle: t\nprovider: {<<: *b, domain: b.example}\n",
    "tagged.txt": "title: t\nimages: !!python/object:os.system [x]\n",
    "custom-tag.txt": "title: t\nimages: !thing {a: 1}\n",
    "deep-images.txt": "title: t\nimages: " + "[" * 70 + "]" * 70 + "\n",
    "int-key.txt": "title: t\n1: one\n",
    "related-int-key.txt": "title: t\nrelated:\n  - {title: r, 2: x, webUrl: https://r.example/}\n",
    "dup-related-key.txt": "title: t\nrelated:\n  - {title: a, excerpt: e, title: b}\n",
    "dup-top.txt": "title: first\nimages: []\ntitle: second\n",
    "bad-date.txt": "title: t\nrelated:\n  - {title: r, publishedDateTime: 2020-13-45}\n",
    "related-map.txt": "title: t\nrelated: {title: one, webUrl: 'https://one.example/x'}\n",
    "related-scalars.txt": "title: t\nrelated: [1, two, {title: three}]\n",
    "self-related.txt": (
        "title: t\nwebUrl: https://www.a.example/x/\nrelated:\n"
        "  - {title: me, webUrl: 'https://a.example/x/amp'}\n"
        "  - {title: other, webUrl: 'https://b.example/y', excerpt: [not, text]}\n"
    ),
    "no-title.txt": "images: [{url: x}]\n",
    "list.txt": "- a\n- b\n",
    "scalar.txt": "just text\n",
    "value-key.txt": "title: t\n=: x\n",
    "complex-key.txt": "title: t\nimages:\n  - ? [a, b]\n    : c\n",
    "block-complex-key.txt": "title: t\nimages:\n  ? a\n  : b\n",
    "deep-block.txt": "title: t\nimages:\n" + "".join(" " * i + f"k{i}:\n" for i in range(70)),
    "compact-seqs.txt": "title: t\nimages:\n" + "- " * 70 + "x\n",
    "alias-in-images.txt": "title: &t T\nimages: [*t]\n",
    "quoted-brackets.txt": 'title: "[WIP] a * b & c"\nexcerpt: "x ? y = z"\n',
    "flow-in-images.txt": "title: t\nimages: [{url: a, w: [1, [2, [3]]]}]\n",
    "flow-key.txt": "title: t\nimages: {[a]: b}\n",
    "anchor-after-dash.txt": "title: t\nrelated:\n  - &r {title: x}\n  - *r\n",
    "tag-after-key.txt": "title: t\nrelated:\n  - title: !!binary aGVsbG8=\n",
    "merge-in-related.txt": "title: t\nrelated:\n  - <<: {title: m}\n    webUrl: 'https://m.example/'\n",
    "entity-text.txt": 'title: t\nexcerpt: "it &#8217;s [not] a {flow} & *x*"\n',
}


@pytest.mark.parametrize("name", sorted(LEAN_CASES))
def test_the_list_path_gives_what_the_full_read_gives(write_seed, name):
    path = write_seed(LEAN_CASES[name], name)
    full = read_seed_file(path)
    expected = full if isinstance(full, Problem) else full[0]
    assert load_seed_file(path) == expected


def test_the_list_path_agrees_on_the_seeds_and_the_corpus(seeds_dir):
    folders = [seeds_dir] + ([CORPUS] if CORPUS.is_dir() else [])
    paths = [p for folder in folders for p in sorted(folder.glob("*.txt"))]
    assert paths
    for path in paths:
        full = read_seed_file(path)
        expected = full if isinstance(full, Problem) else full[0]
        assert load_seed_file(path) == expected, path
