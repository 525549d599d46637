"""Write N realistic synthetic seed files, deterministically for a seed.

    python benchmarks/generate.py OUT_DIR -n 10000 --seed 1

The files follow the real format (front matter between ``---`` lines, the key
order and 2-space block style of the bundled seeds): about 40 topics, about 300
providers (a few with non-ASCII names), dates over three years, quality 0-200
with some missing, heat, images, a ``secured`` blob, 0-10 related items of which
some point at other generated articles, a few videos without ``webUrl``, and
stories covered by several providers under near-identical titles.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

TOPICS = [
    "AI", "AWS AI", "Computer Vision", "Machine Learning", "Deep Learning",
    "Natural Language Processing", "Robotics", "Autonomous Vehicles", "Data Science",
    "Big Data", "Cloud Computing", "Azure AI", "Google AI", "Facial Recognition",
    "Speech Recognition", "Chatbots", "Reinforcement Learning", "Neural Networks",
    "AI Ethics", "AI Regulation", "Healthcare AI", "FinTech", "Cybersecurity",
    "Edge Computing", "IoT", "Quantum Computing", "Semiconductors", "GPUs",
    "Drones", "Smart Cities", "Generative AI", "Recommendation Systems",
    "Predictive Analytics", "Computer Science Education", "Open Source",
    "Startups", "Venture Capital", "Privacy", "Surveillance", "Machine Translation",
]  # fmt: skip

_FIRST = [
    "Tech", "Daily", "Global", "Digital", "Silicon", "Future", "Data", "Cyber", "Cloud",
    "Smart", "Open", "Next", "Bright", "Metro", "Pacific", "Atlantic", "Northern", "Capital",
    "Gulf", "Valley", "Market", "Science", "Wired", "Quantum", "Pixel", "Signal",
]  # fmt: skip
_SECOND = [
    "News", "Times", "Post", "Journal", "Wire", "Review", "Insider", "Herald", "Report",
    "Monitor", "Gazette", "Tribune", "Observer", "Today", "Weekly", "Digest",
]  # fmt: skip
_KOREAN = ["연합뉴스", "조선일보", "한겨레", "전자신문", "매일경제", "중앙일보"]
_COMPANIES = [
    "Amazon", "Google", "Microsoft", "IBM", "Apple", "Meta", "Nvidia", "Intel", "OpenAI",
    "Baidu", "Tesla", "Samsung", "Huawei", "Alibaba", "DeepMind", "Salesforce", "Oracle",
]  # fmt: skip
_ACTIONS = [
    ("stops", "halts"), ("launches", "unveils"), ("bans", "blocks"), ("expands", "grows"),
    ("tests", "trials"), ("buys", "acquires"), ("pauses", "suspends"), ("opens", "debuts"),
    ("sues", "takes to court"), ("backs", "funds"),
]  # fmt: skip
_OBJECTS = [
    "police use of facial recognition technology", "a new speech model for call centres",
    "its self-driving pilot in three cities", "an AI lab in Toronto",
    "a chip for machine learning at the edge", "a cloud service for medical imaging",
    "tools to detect deepfakes before the election", "a robot that sorts recycling",
    "a translation app for 40 languages", "a fund for AI startups in Africa",
    "a data centre powered by wind", "its chatbot after complaints",
    "a vision system for warehouse robots", "a privacy review of its assistant",
    "an open-source framework for reinforcement learning",
]  # fmt: skip
_WORDS = (
    "the company said on tuesday that its new system would be available to customers "
    "later this year while critics warned that the technology still makes mistakes "
    "researchers found that accuracy dropped for some groups and regulators asked for "
    "more detail about how data is collected stored and shared with partners investors "
    "welcomed the move as shares rose in early trading analysts expect competition to "
    "grow as rivals release similar products across europe asia and north america"
).split()


@dataclass
class Provider:
    name: str
    domain: str
    logo: str


@dataclass
class Entry:
    index: int
    title: str
    url: str
    provider: Provider
    published: datetime
    quality: int | None
    topics: list[str]
    story: int = 0
    kind: str = "article"
    # Indexes of related generated articles; -1 for a page outside the collection.
    related: list[int] = field(default_factory=list)


def make_providers(rng: random.Random, count: int = 300) -> list[Provider]:
    """About 300 distinct providers: English names, a few Korean ones."""
    providers: list[Provider] = []
    names: set[str] = set()
    while len(providers) < count:
        if rng.random() < 0.02:
            name = rng.choice(_KOREAN) + (f" {rng.randint(2, 9)}" if rng.random() < 0.5 else "")
            domain = f"news{len(providers)}.co.kr"
        else:
            name = f"{rng.choice(_FIRST)} {rng.choice(_SECOND)}"
            if rng.random() < 0.3:
                name = f"The {name}"
            domain = name.lower().replace("the ", "").replace(" ", "") + rng.choice(
                [".com", ".com", ".net", ".co.uk", ".org", ".io"]
            )
        if name in names:
            continue
        names.add(name)
        logo = (
            f"/assets/logos/{domain}.png"
            if rng.random() < 0.1
            else f"https://cdn.{domain}/logo-50x50.png"
        )
        providers.append(Provider(name, domain, logo))
    return providers


def _slug(text: str) -> str:
    return "-".join("".join(c for c in word if c.isalnum()) for word in text.lower().split())[:80]


def _variant(rng: random.Random, company: str, action: tuple[str, str], obj: str) -> str:
    """A near-identical title of one story, as another provider would write it."""
    verb = rng.choice(action)
    title = f"{company} {verb} {obj}"
    roll = rng.random()
    if roll < 0.25:
        title = title.replace(" its ", " their ").replace("technology", "tech")
    elif roll < 0.5:
        title = f"{title} - report"
    elif roll < 0.65:
        title = title.title()
    return title


def _excerpt(rng: random.Random, subject: str) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(25, 55))]
    text = f"{subject}: " + " ".join(words)
    if rng.random() < 0.05:
        text += " [Read more]"
    if rng.random() < 0.05:
        text = text.replace(" the ", " the&nbsp;", 1) + " &#8230;"
    return text[0].upper() + text[1:] + " ..."


def plan(n: int, seed: int) -> tuple[list[Entry], list[Provider]]:
    """Decide every article: stories, providers, dates, qualities and related links."""
    rng = random.Random(seed)
    providers = make_providers(rng)
    start = datetime(2019, 1, 1, tzinfo=UTC)
    span = int(timedelta(days=3 * 365).total_seconds())
    entries: list[Entry] = []
    stories: list[list[int]] = []
    while len(entries) < n:
        company, action, obj = rng.choice(_COMPANIES), rng.choice(_ACTIONS), rng.choice(_OBJECTS)
        # Most stories have one article; about one in eight is covered by several providers.
        size = 1 if rng.random() < 0.88 else rng.randint(2, 5)
        when = start + timedelta(seconds=rng.randrange(span))
        topics = rng.sample(TOPICS, rng.choice([1, 2, 2, 3]))
        stories.append([])
        for provider in rng.sample(providers, min(size, n - len(entries))):
            index = len(entries)
            stories[-1].append(index)
            title = _variant(rng, company, action, obj) if size > 1 else _title(rng)
            quality = None if rng.random() < 0.1 else min(200, int(rng.expovariate(1 / 45)))
            url = f"https://{provider.domain}/{when:%Y/%m/%d}/{_slug(title)}-{index}/"
            entries.append(
                Entry(
                    index=index,
                    title=title,
                    url=url,
                    provider=provider,
                    published=when + timedelta(minutes=rng.randint(0, 18 * 60)),
                    quality=quality,
                    topics=topics,
                    story=len(stories) - 1,
                    kind="video" if rng.random() < 0.03 else "article",
                )
            )
    for entry in entries:
        # The other articles of the same story first, then a mix of pages of the
        # collection (two in five) and pages outside it.
        siblings = [i for i in stories[entry.story] if i != entry.index]
        count = max(len(siblings), rng.choice([0, 1, 1, 2, 3, 4, 5, 6, 8, 10]))
        others = [
            rng.randrange(n) if rng.random() < 0.4 else -1 for _ in range(count - len(siblings))
        ]
        entry.related = [i for i in siblings + others if i != entry.index][:10]
    return entries, providers


def _title(rng: random.Random) -> str:
    company, action, obj = rng.choice(_COMPANIES), rng.choice(_ACTIONS), rng.choice(_OBJECTS)
    title = f"{company} {rng.choice(action)} {obj}"
    if rng.random() < 0.3:
        title += f" in {rng.choice(['2019', '2020', '2021', 'Europe', 'India', 'Texas'])}"
    if rng.random() < 0.03:
        title = title.replace(" its ", " it&#8217;s ")
    return title


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:00Z")


def _image_lines(rng: random.Random, host: str, title: str, indent: str) -> list[str]:
    width = rng.choice([512, 640, 750, 980, 1024, 1200])
    lines = [
        f'{indent}- url: "https://{host}/uploads/{rng.getrandbits(48):012x}.jpg"',
        f"{indent}  width: {width}",
        f"{indent}  height: {width * rng.choice([9, 10, 12]) // 16}",
        f"{indent}  isCached: {rng.choice(['true', 'false'])}",
    ]
    if title:
        lines.append(f"{indent}  title: {_q(title)}")
    return lines


def render(entry: Entry, entries: list[Entry], rng: random.Random) -> str:
    """One seed file, in the key order and layout of the bundled seeds."""
    amp = entry.url + "amp/"
    cdn = f"https://{entry.provider.domain.replace('.', '-')}.cdn.ampproject.org/c/s/{amp[8:]}"
    heat = -1 if entry.quality is None or rng.random() < 0.3 else entry.quality + rng.randint(0, 60)
    lines = ["---", "category: news", f"title: {_q(entry.title)}"]
    lines.append(f"excerpt: {_q(_excerpt(rng, entry.title))}")
    lines.append(f"publishedDateTime: {_stamp(entry.published)}")
    if entry.kind == "video":
        lines.append(f"originalUrl: {_q(entry.url)}")
    else:
        lines.append(f"webUrl: {_q(entry.url)}")
        lines.append(f"ampWebUrl: {_q(amp)}")
        lines.append(f"cdnAmpWebUrl: {_q(cdn)}")
    lines.append(f"type: {entry.kind}")
    if entry.quality is not None:
        lines.append(f"quality: {entry.quality}")
    lines += [f"heat: {heat}", "published: false", "", "provider:"]
    lines += [f"  name: {entry.provider.name}", f"  domain: {entry.provider.domain}"]
    if rng.random() < 0.5:
        lines += ["  images:", f'    - url: "{entry.provider.logo}"', "      width: 50"]
        lines.append("      height: 50")
    lines += ["", "topics:"] + [f"  - {topic}" for topic in entry.topics]
    lines += ["", "images:"] + _image_lines(rng, entry.provider.domain, entry.title, "  ")
    if entry.related:
        lines += ["", "related:"]
        for target in entry.related:
            lines += _related_lines(entries[target] if target >= 0 else None, entry, rng)
    secured = base64.b64encode(rng.randbytes(rng.randint(300, 520))).decode()
    lines += ["", f'secured: "{secured};{base64.b64encode(rng.randbytes(16)).decode()}"', "---", ""]
    return "\n".join(lines)


def _related_lines(other: Entry | None, parent: Entry, rng: random.Random) -> list[str]:
    if other is None:
        host = f"{rng.choice(_FIRST).lower()}{rng.choice(_SECOND).lower()}.com"
        title = _title(rng)
        url = f"https://www.{host}/{_slug(title)}-{rng.getrandbits(32):x}"
        provider_name, domain, quality = host.split(".")[0].title(), host, rng.randint(0, 120)
        published = parent.published + timedelta(minutes=rng.randint(-600, 600))
    else:
        title, url, published = other.title, other.url, other.published
        provider_name, domain = other.provider.name, other.provider.domain
        quality = other.quality if other.quality is not None else rng.randint(0, 80)
    lines = [
        f"  - title: {_q(title)}",
        f"    excerpt: {_q(_excerpt(rng, title))}",
        f"    publishedDateTime: {_stamp(published)}",
        f"    webUrl: {_q(url)}",
        "    type: article",
        "    provider:",
        f"      name: {_q(provider_name)}",
        f"      domain: {domain}",
        f"    quality: {quality}",
    ]
    if rng.random() < 0.6:
        lines += ["    images:"] + _image_lines(rng, domain, "", "      ")
    return lines


def generate(out_dir: Path, n: int, seed: int = 1) -> list[Path]:
    """Write n seed files into out_dir (created if needed); return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries, _ = plan(n, seed)
    rng = random.Random(seed * 7919 + n)
    paths = []
    for entry in entries:
        digest = hashlib.sha1(entry.url.encode()).hexdigest()[:16]
        path = out_dir / f"{entry.index:05d}_{digest}.txt"
        path.write_text(render(entry, entries, rng), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder to write the files into")
    parser.add_argument("-n", type=int, default=10_000, help="number of files (default 10,000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    paths = generate(args.out_dir, args.n, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths):,} files ({size / 1_048_576:.1f} MB) to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
