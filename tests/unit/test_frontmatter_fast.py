"""The fast front-matter parser against PyYAML, the reference.

Whatever the fast parser accepts must load as PyYAML loads it: the same
document, scalar for scalar (a date in ``publishedDateTime`` may stay text
where ``parse_date`` gives the same time). Everything else goes to PyYAML,
so every hostile file still ends as the problem PyYAML's path names.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from test_seedfile import BILLION_LAUGHS, CORPUS, _merge_bomb, run_python

from reader import coerce, frontmatter
from reader.frontmatter import split_front_matter
from reader.model import Article, Problem
from reader.seedfile import load_seed_file, read_seed_file

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
needs_fast = pytest.mark.skipif(
    frontmatter._fast_parser() is None, reason="yaml-rs has no wheel for this platform"
)


def reference(text: str) -> object:
    """What PyYAML's loader makes of a front matter, or None where the loader refuses it."""
    try:
        data = frontmatter.parse_yaml(text)
        frontmatter.check_shape(data)
    except Exception:
        return None
    return data


def _dated(data: dict) -> dict:
    """The document with its article-level dates read as the article reads them."""
    data = dict(data)
    if "publishedDateTime" in data:
        data["publishedDateTime"] = coerce.parse_date(data["publishedDateTime"])
    related = data.get("related")
    if isinstance(related, dict):
        data["related"] = _dated(related)
    elif isinstance(related, list):
        data["related"] = [_dated(item) if isinstance(item, dict) else item for item in related]
    return data


def fast_agrees(text: str) -> bool:
    """True where the fast parser read the text (and then it agrees with PyYAML)."""
    fast = frontmatter.fast_document(text)
    if fast is None:
        return False
    expected = reference(text)
    assert expected is not None, f"the fast parser accepted what PyYAML refuses: {text!r}"
    # repr, not ==: True == 1 and 1 == 1.0 would hide a change of type.
    assert repr(_dated(fast)) == repr(_dated(expected)), text
    return True


def front_matter(path: Path) -> str:
    return split_front_matter(path.read_text(encoding="utf-8"))[0]


# ---------------------------------------------------------- real and generated


@needs_fast
def test_the_fast_parser_reads_every_seed_as_pyyaml_does(seeds_dir):
    texts = [front_matter(p) for p in sorted(seeds_dir.glob("*.txt"))]
    assert texts and all(fast_agrees(text) for text in texts)


@needs_fast
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the repo")
def test_the_fast_parser_reads_the_corpus_as_pyyaml_does():
    texts = [front_matter(p) for p in sorted(CORPUS.glob("*.txt"))]
    assert texts and all(fast_agrees(text) for text in texts)


@needs_fast
def test_the_fast_parser_reads_generated_files_as_pyyaml_does(tmp_path):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(BENCHMARKS))
    paths = generate(tmp_path / "corpus", 300, seed=5)
    assert all(fast_agrees(front_matter(path)) for path in paths)


# ------------------------------------------------------------------- fuzzed

# Scalars where YAML 1.1 (PyYAML) and 1.2 (the fast parser) part ways, and
# the syntax around them: tags, anchors, quotes, flow, odd characters.
TOKENS = [
    "yes", "No", "on", "OFF", "y", "n", "true", "False", "tRUE", "null", "Null", "~", "",
    "0755", "0o17", "0x1F", "0X1F", "0b101", "09", "00", "0", "-0", "+1", "1_000", "_1",
    "190:20:30", "1:30", "12:30:00", "1:2.5", "1e3", "12e3", "1.0e3", "1.0e+3", "-1.5E-3",
    ".5", "+.inf", "-.Inf", "1.", "08.5", "=", "<<", "2020-01-01", "2020-1-5",
    "2021-03-11T18:10:00Z", "2021-03-11 18:10:00 -5", "2021-03-11T18:10Z",
    "2021-03-11t18:10:00z", "2020-13-45", "2021-02-30T10:00:00Z", "2001-12-14t21:59:43.10-05:00",
    "'yes'", '"0755"', "'2021-03-11T18:10:00Z'", '"2020-01-01"', "plain text", "it's",
    "x # c", "x#c", "[a, yes]", "[0755, 1e3]", "{a: 0755}", '{"a":0755}', '{"a":yes}',
    "!!str 1", "!!int '3'", "!!binary aGk=", "!x y", "&a 1", "*a", "&b [1]",
    "|\n  block", "|-\n  2020-01-01", ">-\n  folded\n  yes", '"esc\\x41"', '"\\/"',
    '"line\\\n  joined"', "'multi\n\n  line'", "a\tb", "x\x85y", "x\u2028y", "x\x01y",
    "\ufeffx", "é", "한국어", "https://e.com/a?b=c&d", "&amp; entity", "x &#8230; y", "1" * 30,
    "1" * 5000, "? x", "- x", "-", "?", ":x", "x:y", "x: y", "@x", "`x", "%x", "[", "}", "'", '"',
    "x,y", "[a]b", "{a: b}c", "a\r\nb", "---", "...", "- - x", ": x", "!", "&", "*", "|", ">",
    "[-]", "[- x]", "{a: -}", "[-x]", "[?x]", "{? a}", "[:x]", "[a:b]", "[a: b]", "x :y", ":)",
]  # fmt: skip
KEYS = [
    "title", "excerpt", "quality", "heat", "topics", "webUrl", "publishedDateTime", "type",
    "x", "yes", "1", "~", "=", "<<", "0755", '"q"', "? k\n", "2020-01-01",
]  # fmt: skip


def _value(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if depth < 3 and roll < 0.15:
        items = ", ".join(_value(rng, depth + 1) for _ in range(rng.randint(0, 3)))
        return f"[{items}]"
    if depth < 3 and roll < 0.25:
        pairs = ", ".join(
            f"{rng.choice(KEYS[:8])}: {_value(rng, depth + 1)}" for _ in range(rng.randint(0, 3))
        )
        return "{" + pairs + "}"
    if depth < 2 and roll < 0.35:  # a block list
        return "".join(f"\n  - {_value(rng, depth + 1)}" for _ in range(rng.randint(1, 3)))
    return rng.choice(TOKENS)


def fuzzed_document(rng: random.Random) -> str:
    lines = ["title: fuzzed"] if rng.random() < 0.7 else []
    for _ in range(rng.randint(1, 6)):
        key = rng.choice(KEYS)
        if rng.random() < 0.2:
            related = "".join(
                f"\n  - title: {rng.choice(TOKENS)}\n    publishedDateTime: {rng.choice(TOKENS)}"
                for _ in range(rng.randint(1, 2))
            )
            lines.append("related:" + related)
        else:
            lines.append(f"{key}: {_value(rng, 0)}")
    return "\n".join(lines) + "\n"


def mutated_seed(rng: random.Random, text: str) -> str:
    """A real front matter with one value swapped for a token, or one character changed."""
    lines = text.splitlines(keepends=True)
    number = rng.randrange(len(lines))
    line = lines[number]
    if ": " in line and rng.random() < 0.7:
        head = line.split(": ", 1)[0]
        lines[number] = f"{head}: {rng.choice(TOKENS)}\n"
    else:
        spot = rng.randrange(len(line) or 1)
        lines[number] = line[:spot] + rng.choice(" -:[]{},#&*!|>'\"\t0") + line[spot + 1 :]
    return "".join(lines)


@needs_fast
def test_fuzzed_documents_load_as_pyyaml_loads_them(seeds_dir):
    rng = random.Random(25)
    seeds = [front_matter(p) for p in sorted(seeds_dir.glob("*.txt"))]
    documents = [fuzzed_document(rng) for _ in range(1_500)]
    documents += [mutated_seed(rng, rng.choice(seeds)) for _ in range(500)]
    read_fast = sum(fast_agrees(text) for text in documents)
    # Both ways are exercised: the fast parser reads some, PyYAML the rest.
    assert 200 < read_fast < len(documents) - 200, read_fast


# -------------------------------------------------- YAML 1.1 against 1.2

# How a value the two versions read differently ends up in an article: as
# PyYAML reads it (YAML 1.1), whichever parser the file went through.
YAML_11 = [
    ("quality: 0755", "quality", 493),  # octal in 1.1, 755 in 1.2
    ("quality: 0o17", "quality", None),  # text in 1.1
    ("quality: 1e3", "quality", None),  # text in 1.1 (no dot, no sign)
    ("quality: 1.0e+3", "quality", 1000),
    ("heat: 1:30", "heat", 90),  # sexagesimal in 1.1, text in 1.2
    ("quality: 1_000", "quality", 1000),
    ("topics: [on, off, yes, no, AI]", "topics", ("AI",)),  # booleans in 1.1: dropped
    ("topics: ['on', 'yes', AI]", "topics", ("on", "yes", "AI")),
    ("excerpt: first\nexcerpt: second", "search_text", "t\nsecond"),  # duplicate keys: the last
    ("type: VIDEO\ntype: podcast", "type", "podcast"),
]


@pytest.mark.parametrize(("yaml_text", "field", "expected"), YAML_11)
def test_yaml_11_readings_win(write_seed, yaml_text, field, expected):
    path = write_seed(f"title: t\n{yaml_text}\n")
    article = load_seed_file(path)
    assert isinstance(article, Article)
    assert getattr(article, field) == expected
    assert article == read_seed_file(path)[0]


@pytest.mark.parametrize(
    ("yaml_text", "outcome"),
    [
        ("title: yes", "title is true or false, expected text"),
        ("title: 'yes'", "yes"),
        ("title: 2020-01-01", "title is a date, expected text"),
        ("title: '2020-01-01'", "2020-01-01"),
        ("title: 0755", "493"),
        ("title: ~", "no title (the one field an article needs)"),
        ("title: a\ntitle: b", "b"),
    ],
)
def test_yaml_11_readings_of_a_title(write_seed, yaml_text, outcome):
    path = write_seed(yaml_text)
    result = load_seed_file(path)
    full = read_seed_file(path)
    assert result == (full if isinstance(full, Problem) else full[0])
    assert (result.reason if isinstance(result, Problem) else result.title) == outcome


def test_a_quoted_or_plain_date_is_the_same_time(write_seed):
    plain = load_seed_file(write_seed("title: t\npublishedDateTime: 2021-03-11T18:10:00Z", "a.txt"))
    quoted = load_seed_file(
        write_seed("title: t\npublishedDateTime: '2021-03-11T18:10:00Z'", "b.txt")
    )
    assert plain.published == quoted.published
    assert plain.published is not None and plain.published.utcoffset().total_seconds() == 0


def test_the_usual_date_form_reads_the_same_both_ways():
    """The fast parser keeps `2021-03-11T18:10:00Z` as text unchecked: prove it safe."""
    rng = random.Random(3)
    texts = [
        f"{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"
        for y, m, d, h, mi, s in (
            (
                rng.choice([1, 1969, 1970, 2000, 2021, 2024, 9999]),
                rng.randint(0, 13),
                rng.randint(0, 32),
                rng.randint(0, 25),
                rng.randint(0, 61),
                rng.randint(0, 61),
            )
            for _ in range(3_000)
        )
    ]
    texts += ["2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "0000-01-01T00:00:00Z"]
    assert all(frontmatter._UTC_SECONDS.fullmatch(text) for text in texts)
    assert all(frontmatter._same_time(text) for text in texts)


# ------------------------------------------------------------------ hostile

HOSTILE = {
    "laughs": BILLION_LAUGHS.strip("-\n"),
    "merge": _merge_bomb().strip("-\n"),
    "recursive-list": "title: x\na: &a [1, *a]\n",
    "recursive-map": "title: x\na: &a {b: *a}\n",
    "shared-list": "title: x\na: &a [1]\nb: *a\n",
    "python-tag": "title: x\nexcerpt: !!python/object/apply:os.system ['true']\n",
    "custom-tag": "title: x\nimages: !thing {a: 1}\n",
    "value-key": "title: x\nexcerpt: =\n",
    "complex-key": "title: x\nimages:\n  - ? [a, b]\n    : c\n",
    "control": "title: x\x1b[31m\n",
    "nel": "title: x\x85y\n",
    "deep-flow": "title: x\na: " + "[" * 70 + "]" * 70 + "\n",
    "deep-block": "title: t\nimages:\n" + "".join(" " * i + f"k{i}:\n" for i in range(70)),
    "huge-int": "title: x\nquality: " + "1" * 5_000 + "\n",
    "many-values": "title: x\na: [" + ", ".join(["1"] * 50_001) + "]\n",
    "directive": "%YAML 1.1\n---\ntitle: x\n",
    "duplicate-hides-a-bad-value": "title: x\ntype: =\ntype: article\n",
}


@needs_fast
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents_go_to_pyyaml(write_seed, name):
    assert frontmatter.fast_document(HOSTILE[name]) is None
    path = write_seed(HOSTILE[name])
    full = read_seed_file(path)
    assert load_seed_file(path) == (full if isinstance(full, Problem) else full[0])


@needs_fast
def test_deep_compact_lists_never_reach_the_fast_parser():
    # The fast parser itself crashes the process on 100,000 nested "- ".
    code = (
        "from reader import frontmatter\n"
        "text = 'title: x\\na:\\n  ' + '- ' * 100_000 + 'x\\n'\n"
        "print(frontmatter.fast_document(text))\n"
    )
    assert run_python(code) == "None"


# ----------------------------------------------------------- without the wheel


def test_without_the_fast_parser_pyyaml_reads_everything(seeds_dir):
    code = (
        "import sys\n"
        "sys.modules['yaml_rs'] = None  # as on a platform without a wheel\n"
        "from reader import frontmatter, seedfile\n"
        "assert frontmatter._fast_parser() is None\n"
        "for path in sys.argv[1:]:\n"
        "    print(repr(seedfile.load_seed_file(path)))\n"
    )
    paths = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    expected = "\n".join(repr(load_seed_file(path)) for path in paths)
    assert run_python(code, *paths) == expected


def test_the_fast_parser_is_never_called_from_a_worker_thread():
    # yaml-rs 0.1.6 crashed the reader (SIGSEGV) inside its load worker thread:
    # there PyYAML reads everything; a process's main thread still gets the fast path.
    import threading

    text = "title: A plain title\nquality: 5\n"
    assert frontmatter.fast_document(text) == {"title": "A plain title", "quality": 5}
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(frontmatter.fast_document(text)))
    worker.start()
    worker.join()
    assert seen == [None]
