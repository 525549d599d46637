"""Time story grouping on a synthetic collection with a known ground truth.

    /work/venv/bin/python benchmarks/bench_stories.py [--articles 100000] [--seed 7]

Builds the articles in memory (no files) over two years: titles from a few
templates ("<Company> <verb>s police use of <adj> <Name> <noun>") and a small
vocabulary, so near-misses (same template, another company or place) abound.
About 10% of true stories are covered by 2-5 providers with lightly reworded
titles (inflection, word order, an added or dropped word, a " - Provider"
suffix) published within a day; some are reworded past what the title rule
accepts (a synonym; irregular "built") and some link their first article
through ``related`` under a slightly different link. Every article also links
0-2 pages outside the collection; 2% have no date. Prints a Markdown table:
group time (median of 3), stories found, and how precise they are.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from reader.model import Article
from reader.stories import group_stories
from reader.text import related_keys

COMPANIES = """Amazon Microsoft Google Apple Meta Nvidia IBM Intel Oracle Samsung Tesla Netflix
Uber Airbnb Spotify Adobe Salesforce Cisco Dell Sony Huawei Alibaba Tencent Baidu Xiaomi
OpenAI Anthropic DeepMind Palantir Snowflake Databricks Stripe Shopify Zoom Slack Twitter
Qualcomm AMD Arm Micron Siemens Bosch Philips Nokia Ericsson Vodafone Verizon Comcast
Disney Walmart Target Ford Toyota Honda Volkswagen BMW Boeing Airbus Pfizer Moderna""".split()
PLACES = """Europe China India Japan Brazil Canada Texas California London Paris Berlin Tokyo
Seoul Singapore Dubai Sydney Toronto Boston Portland Seattle Chicago Austin Denver Miami
Mexico Africa Kenya Nigeria Israel Ireland Spain Italy Poland Sweden Norway Korea""".split()
# base, third person, past, gerund
VERBS = [
    ("stop", "stops", "stopped", "stopping"),
    ("ban", "bans", "banned", "banning"),
    ("launch", "launches", "launched", "launching"),
    ("release", "releases", "released", "releasing"),
    ("test", "tests", "tested", "testing"),
    ("expand", "expands", "expanded", "expanding"),
    ("acquire", "acquires", "acquired", "acquiring"),
    ("unveil", "unveils", "unveiled", "unveiling"),
    ("delay", "delays", "delayed", "delaying"),
    ("cut", "cuts", "cut", "cutting"),
    ("build", "builds", "built", "building"),
    ("open", "opens", "opened", "opening"),
    ("close", "closes", "closed", "closing"),
    ("sue", "sues", "sued", "suing"),
    ("fine", "fines", "fined", "fining"),
    ("approve", "approves", "approved", "approving"),
    ("block", "blocks", "blocked", "blocking"),
    ("use", "uses", "used", "using"),
    ("train", "trains", "trained", "training"),
    ("hire", "hires", "hired", "hiring"),
]
SYNONYMS = {"stop": "halt", "ban": "bar", "launch": "debut", "cut": "slash", "sue": "take"}
ADJECTIVES = """facial autonomous quantum generative private public national global digital
medical financial legal open new cheap fast secure smart mobile industrial clinical
electric solar nuclear social regional local federal commercial ethical""".split()
NOUNS = """recognition technology software model chip cloud data privacy police drone robot
vehicle battery network satellite vaccine trial platform service app browser search
payment wallet crypto market price plant factory lab team contract deal lawsuit rule
policy regulator court union strike office store phone laptop camera sensor tool agent
assistant game studio film stream music license patent standard protocol startup fund
investor supply shortage energy grid storage weather forecast translation language
speech image video health hospital patient doctor school student teacher city""".split()
PROVIDERS = """Reuters,Bloomberg,The Verge,Wired,TechCrunch,BBC,CNN,CNBC,Forbes,Mint,Gulf News,
The Grio,Axios,Engadget,ZDNet,VentureBeat,Ars Technica,The Register,Politico,Quartz""".replace(
    "\n", ""
).split(",")
EXTRA = ["now", "report", "officially", "finally", "again", "today"]
# Product, people and project names: what makes most real headlines specific.
# 8,000 of them, Zipf-like with a flattened head: a few are in the news all
# the time (the most common is in about 1% of titles), most rarely.
_SYLLABLES = "ka zen tri vo lux mar ion dex ra qua ne sol fi tor pix el bo rin sta gra".split()
NAMES = [(a + b + c).capitalize() for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES]
random.Random(1).shuffle(NAMES)
_NAME_WEIGHTS = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(NAMES))))


def _title(rng: random.Random) -> tuple[list[str], int]:
    """A title as a list of words, and the index of its verb (or -1)."""
    co, place = rng.choice(COMPANIES), rng.choice(PLACES)
    adj, noun, noun2 = rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(NOUNS)
    if rng.random() < 0.7:  # most headlines name a product, person or project
        noun = rng.choices(NAMES, cum_weights=_NAME_WEIGHTS)[0]
    verb = rng.randrange(len(VERBS))
    form = VERBS[verb][1]
    shape = rng.randrange(5)
    if shape == 0:
        words = [co, form, adj, noun, noun2, "in", place]
    elif shape == 1:
        words = [place, "regulator", form, co, adj, noun, "plan"]
    elif shape == 2:
        words = [co, "and", rng.choice(COMPANIES), form, noun, noun2, "deal"]
    elif shape == 3:
        words = [co, form, "police", "use", "of", adj, noun, noun2]
    else:
        words = [str(rng.randrange(3, 12)), adj, noun, "trends", co, "is", "watching", "in", place]
        return words, -1
    return words, words.index(form)


def _reword(rng: random.Random, words: list[str], verb_at: int) -> tuple[list[str], str]:
    """A light rewording; returns the words and what kind of change it was."""
    words = list(words)
    kind = rng.choices(
        ["inflect", "reorder", "extra", "drop", "same", "synonym"], weights=[30, 15, 15, 10, 15, 15]
    )[0]
    verb = next((v for v in VERBS if verb_at >= 0 and words[verb_at] in v), None)
    if kind in ("inflect", "synonym") and verb is None:
        kind = "same"
    if kind == "inflect":
        words[verb_at] = rng.choice(verb[2:])
    elif kind == "synonym":
        if verb[0] not in SYNONYMS:
            kind = "same"
        else:
            words[verb_at] = SYNONYMS[verb[0]] + "s"
    elif kind == "reorder":
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    elif kind == "extra":
        words.insert(rng.randrange(1, len(words)), rng.choice(EXTRA))
    elif kind == "drop":
        candidates = [i for i, w in enumerate(words) if w in ("in", "of", "and", "is")]
        if candidates:
            del words[rng.choice(candidates)]
        else:
            kind = "same"
    return words, kind


def _variant_link(rng: random.Random, url: str) -> str:
    """The same page under a slightly different link, as related items give it."""
    choice = rng.randrange(4)
    if choice == 0:
        return url + "/"
    if choice == 1:
        return url.replace("https://", "https://www.", 1)
    if choice == 2:
        return url + "/amp"
    return url.replace("https://", "http://", 1)


def build(count: int, seed: int = 7) -> tuple[list[Article], dict[str, int], dict[str, str]]:
    """``count`` articles, each article's true story, and how it was written.

    The kind is "first" for a story's first article, "undated", or the
    rewording applied ("inflect", "synonym", ...).
    """
    rng = random.Random(seed)
    start = datetime(2019, 1, 1, tzinfo=UTC)
    articles: list[Article] = []
    truth: dict[str, int] = {}
    kinds: dict[str, str] = {}
    story = 0
    while len(articles) < count:
        words, verb_at = _title(rng)
        when = start + timedelta(seconds=rng.randrange(730 * 86_400))
        size = rng.randint(2, 5) if rng.random() < 0.10 else 1
        size = min(size, count - len(articles))
        base_url = f"https://news{story % 50}.example.com/{story}/story-{story}"
        for n in range(size):
            provider = rng.choice(PROVIDERS)
            these, kind = (words, "first") if n == 0 else _reword(rng, words, verb_at)
            title = " ".join(these)
            if rng.random() < 0.1:
                title += f" - {provider}"
            url = (
                base_url
                if n == 0
                else f"https://{provider.lower().replace(' ', '')}.example/{story}-{n}"
            )
            related = [
                f"https://elsewhere.example/{rng.randrange(10**9)}" for _ in range(rng.randrange(3))
            ]
            if n and rng.random() < 0.3:
                related.append(_variant_link(rng, base_url))
            published = when + timedelta(seconds=rng.randrange(86_400)) if n else when
            if rng.random() < 0.02:
                published, kind = None, "undated"
            article = Article(
                id=url,
                title=title,
                path=f"/synthetic/{story}-{n}.txt",
                url=url,
                provider=provider,
                published=published,
                quality=rng.randrange(0, 120),
                related_keys=related_keys(related),
            )
            articles.append(article)
            truth[url] = story
            kinds[url] = kind
        story += 1
    return articles, truth, kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    articles, truth, kinds = build(args.articles, args.seed)
    times, cpu = [], []
    for _ in range(3):
        stories = None  # free the last run's result outside the timing
        began, began_cpu = time.perf_counter(), time.process_time()
        stories = group_stories(articles)
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)

    true_stories = len(set(truth.values()))
    mixed = sum(1 for s in stories if len({truth[a.id] for a in s.articles}) > 1)
    groups_of: dict[int, set[str]] = {}
    for s in stories:
        for a in s.articles:
            groups_of.setdefault(truth[a.id], set()).add(s.id)
    split = [story for story, ids in groups_of.items() if len(ids) > 1]
    members: dict[int, set[str]] = {}
    for ident, story in truth.items():
        members.setdefault(story, set()).add(kinds[ident])
    causes = {"undated": 0, "synonym": 0, "other": 0}
    for story in split:
        found = members[story]
        causes[
            "undated" if "undated" in found else "synonym" if "synonym" in found else "other"
        ] += 1
    multi_true = sum(1 for t, c in _sizes(truth).items() if c > 1)

    rows = [
        ("articles", f"{len(articles):,}"),
        (
            "group time, median of 3 (wall / CPU)",
            f"{statistics.median(times):.2f} s / {statistics.median(cpu):.2f} s",
        ),
        ("true stories / with 2+ articles", f"{true_stories:,} / {multi_true:,}"),
        (
            "stories found / with 2+ articles",
            f"{len(stories):,} / {sum(1 for s in stories if s.size > 1):,}",
        ),
        ("found stories mixing true stories", f"{mixed:,}"),
        ("true stories split", f"{len(split):,} of {multi_true:,}"),
        (
            "... of them: undated article / synonym reword / other",
            f"{causes['undated']:,} / {causes['synonym']:,} / {causes['other']:,}",
        ),
    ]
    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


def _sizes(truth: dict[str, int]) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for story in truth.values():
        sizes[story] = sizes.get(story, 0) + 1
    return sizes


if __name__ == "__main__":
    main()
