"""The parse path before and after a change, side by side: per file, and a cold load.

    .venv/bin/python benchmarks/bench_parse.py [--against main] [--sizes 10000,100000]

A is the reader of the git revision ``--against`` (exported with ``git
archive`` into a temporary folder), B this working tree's reader, and "B, no
yaml-rs" B with the fast YAML parser switched off (what a platform without
its wheel runs). Every measure runs in a fresh process, in turns (A, B, A,
B...), so a machine busy with other work slows each side alike: read the
ratios of one round, not the absolute figures.

- per file: ``load_seed_file`` over the first ``--files`` generated files
  (and ../shared/corpus ten times over, when it is there), one process, CPU
  milliseconds a file;
- cold: ``Ingest(folder).load_all()`` with no index cache and one process per
  core, wall seconds until the library is loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(HERE))

from common import corpus_dir, cpu_model  # noqa: E402


def child(mode: str, kind: str, folder: str, limit: int) -> dict[str, float]:
    """One measure, in this fresh process."""
    from reader.ingest import Ingest

    try:
        from reader.seedfile import load_seed_file
    except ImportError:  # A is a revision from before reader/loader.py was split
        from reader.loader import load_seed_file
    if mode == "B-pyyaml":
        from reader import frontmatter

        frontmatter._fast_loads = frontmatter._FAST_MISSING
    if kind == "cold":
        started = time.perf_counter()
        result = Ingest([folder]).load_all()
        return {"value": time.perf_counter() - started, "files": result.files_read}
    paths = sorted(str(p) for p in Path(folder).glob("*.txt"))[:limit]
    if kind == "corpus":
        paths *= 10
    for path in paths[:50]:  # imports and first-use caches out of the figure
        load_seed_file(path)
    started = time.process_time()
    for path in paths:
        load_seed_file(path)
    return {"value": (time.process_time() - started) / len(paths) * 1000, "files": len(paths)}


def transfer(folder: Path, limit: int) -> dict[str, float]:
    """What a chunk of 500 articles costs to send back from a pool worker, in
    microseconds an article: pickled Articles against plain tuples of fields."""
    import pickle

    from reader import ingest
    from reader.seedfile import load_seed_file

    paths = sorted(str(p) for p in folder.glob("*.txt"))[:limit]
    outcomes = [load_seed_file(path) for path in paths]
    chunks = [outcomes[i : i + 500] for i in range(0, len(outcomes), 500)]
    getters = [getattr(type(outcomes[0]), name).__get__ for name in ingest._ARTICLE_FIELDS]

    def rows_of(chunk: list) -> list:
        return [tuple(get(article) for get in getters) for article in chunk]

    def best(step) -> float:
        times = []
        for _ in range(5):
            started = time.process_time()
            step()
            times.append(time.process_time() - started)
        return min(times) / len(outcomes) * 1e6

    pickled = [pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL) for chunk in chunks]
    tupled = [pickle.dumps(rows_of(chunk), pickle.HIGHEST_PROTOCOL) for chunk in chunks]
    return {
        "articles, worker": best(
            lambda: [pickle.dumps(c, pickle.HIGHEST_PROTOCOL) for c in chunks]
        ),
        "articles, parent": best(lambda: [pickle.loads(blob) for blob in pickled]),
        "tuples, worker": best(
            lambda: [pickle.dumps(rows_of(c), pickle.HIGHEST_PROTOCOL) for c in chunks]
        ),
        "tuples, parent": best(lambda: [ingest._from_rows(pickle.loads(b)) for b in tupled]),
    }


def export(revision: str, into: Path) -> Path | None:
    """The reader package of a git revision, unpacked under ``into``."""
    archive = into / "reader.tar"
    with archive.open("wb") as handle:
        done = subprocess.run(
            ["git", "-C", str(REPO), "archive", revision, "reader"], stdout=handle
        )
    if done.returncode != 0:
        return None
    with tarfile.open(archive) as tar:
        tar.extractall(into / "src", filter="data")
    return into / "src"


def run(mode: str, kind: str, folder: Path, limit: int, baseline: Path | None) -> float:
    env = dict(os.environ)
    root = baseline if mode == "A" else REPO
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, kind, str(folder), str(limit)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])["value"]


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        mode, kind, folder, limit = sys.argv[2:6]
        print(json.dumps(child(mode, kind, folder, int(limit))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="main", help="git revision of A (main)")
    parser.add_argument("--files", type=int, default=3_000, help="files for the per-file rows")
    parser.add_argument("--sizes", default="10000,100000", help="library sizes for cold loads")
    parser.add_argument("--rounds", type=int, default=2, help="turns of A and B (2)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument("--corpus-root", type=Path, help="cache folder for corpora")
    parser.add_argument("--real", type=Path, default=CORPUS, help="real files (../shared/corpus)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]

    with tempfile.TemporaryDirectory() as scratch:
        baseline = export(args.against, Path(scratch))
        modes = ["A", "B", "B-pyyaml"] if baseline else ["B", "B-pyyaml"]
        if baseline is None:
            print(f"note: cannot export {args.against!r} with git; measuring B only")
        measures = [
            (
                "per file, generated",
                "files",
                corpus_dir(args.files, args.seed, args.corpus_root),
                args.files,
            )
        ]
        if args.real.is_dir():
            measures.append((f"per file, {args.real.name} x10", "corpus", args.real, 10_000))
        for size in sizes:
            measures.append(
                (
                    f"cold load, {size:,} files",
                    "cold",
                    corpus_dir(size, args.seed, args.corpus_root),
                    size,
                )
            )
        rows = []
        for label, kind, folder, limit in measures:
            turns = modes if kind != "cold" else [m for m in modes if m != "B-pyyaml"]
            figures: dict[str, list[float]] = {mode: [] for mode in turns}
            for _ in range(args.rounds):
                for mode in turns:
                    figures[mode].append(run(mode, kind, folder, limit, baseline))
                    print(f"  {label}, {mode}: {figures[mode][-1]:.3f}", file=sys.stderr)
            rows.append((label, kind, figures))

    if args.files:
        costs = transfer(corpus_dir(args.files, args.seed, args.corpus_root), args.files)
        print("\nSending articles back from a pool worker (this process, us an article):\n")
        print("| as | worker: pickle | parent: unpickle (and rebuild) |")
        print("|---|---:|---:|")
        for kind in ("articles", "tuples"):
            print(f"| {kind} | {costs[kind + ', worker']:.1f} | {costs[kind + ', parent']:.1f} |")

    unit = {"files": "ms", "corpus": "ms", "cold": "s"}
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {cpu_model()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
        f"Python {sys.version.split()[0]}; A = {args.against}, B = this tree\n"
    )
    print("| measure | A | B | B, no yaml-rs | B/A each round |")
    print("|---|---:|---:|---:|---:|")
    for label, kind, figures in rows:
        cells = []
        for mode in ("A", "B", "B-pyyaml"):
            values = figures.get(mode)
            cells.append(f"{statistics.median(values):.3f} {unit[kind]}" if values else "")
        ratios = ""
        if figures.get("A"):
            ratios = " / ".join(
                f"{b / a:.2f}x" for a, b in zip(figures["A"], figures["B"], strict=True)
            )
        print(f"| {label} | {' | '.join(cells)} | {ratios} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
