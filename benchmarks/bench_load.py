"""How fast seed files load: the C loader, the pure-Python loader, one process per core.

    python benchmarks/bench_load.py            # 10,000 files
    python benchmarks/bench_load.py -n 100000 --pure-n 2000

The corpus is generated once (benchmarks/generate.py) into a cache folder and
reused. Every measure runs in a fresh Python process, so imports, caches and
peak memory start cold; the OS page cache is warm (the files were just written
or read), which is what a user sees on the second start. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import corpus_dir  # noqa: E402


def _peak_mb(who: int) -> float:
    peak = resource.getrusage(who).ru_maxrss
    return peak / 1_048_576 if sys.platform == "darwin" else peak / 1024


def measure(mode: str, folder: str, limit: int) -> dict[str, float]:
    """One measure, run in this (fresh) process; returns the figures."""
    import yaml

    from reader import frontmatter
    from reader.ingest import Ingest

    if mode == "pure":
        harden = getattr(frontmatter, "_hardened", None)
        frontmatter._YAML_LOADER = harden(yaml.SafeLoader) if harden else yaml.SafeLoader
    every = sorted(str(p) for p in Path(folder).glob("*.txt"))
    # The folder itself when all of it is read, so that scanning is measured too.
    targets = [folder] if limit >= len(every) else every[:limit]
    workers = {"c": 1, "pure": 1, "pool": os.cpu_count() or 1}[mode]
    started = time.perf_counter()
    result = Ingest(targets, workers=workers).load_all()
    seconds = time.perf_counter() - started
    return {
        "files": result.files_read,
        "articles": len(result.articles),
        "problems": len(result.problems),
        "seconds": seconds,
        "workers": workers,
        "rss": _peak_mb(resource.RUSAGE_SELF),
        "child_rss": _peak_mb(resource.RUSAGE_CHILDREN),
    }


def _run_child(mode: str, folder: Path, limit: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(folder), str(limit)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--child"]:
        mode, folder, limit = sys.argv[2:5]
        print(json.dumps(measure(mode, folder, int(limit))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="files in the corpus (10,000)")
    parser.add_argument("--pure-n", type=int, default=1_000, help="files for the pure loader")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument("--dir", type=Path, help="cache folder for corpora (default: tmp)")
    args = parser.parse_args(argv)

    import yaml

    folder = corpus_dir(args.n, args.seed, args.dir)
    cores = os.cpu_count() or 1
    runs = [
        ("C loader (CSafeLoader), 1 process", "c", args.n),
        (f"C loader, 1 process, first {args.pure_n:,}", "c", args.pure_n),
        (f"pure-Python SafeLoader, 1 process, first {args.pure_n:,}", "pure", args.pure_n),
        (f"C loader, {cores} processes (Ingest.load_all, no cache)", "pool", args.n),
    ]
    if not hasattr(yaml, "CSafeLoader"):
        print("note: libyaml is not available; the 'C loader' rows use the pure loader")
    rows = []
    for label, mode, limit in runs:
        figures = _run_child(mode, folder, limit)
        rows.append((label, figures))
        print(f"  {label}: {figures['seconds']:.2f} s", file=sys.stderr)

    print(
        f"\n{args.n:,} generated files (seed {args.seed}), Python {sys.version.split()[0]}, "
        f"PyYAML {yaml.__version__}, {cores} cores, load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| measure | files | articles | seconds | articles/s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, f in rows:
        rate = f["articles"] / f["seconds"] if f["seconds"] else float("inf")
        rss = f"{f['rss']:.0f}"
        if f["child_rss"] > 1:
            rss += f" + workers ({f['child_rss']:.0f} each at most)"
        print(
            f"| {label} | {f['files']:,} | {f['articles']:,} | {f['seconds']:.2f} "
            f"| {rate:,.0f} | {rss} |"
        )
    problems = sum(f["problems"] for _, f in rows)
    if problems:
        print(f"\nwarning: {problems} problems while loading generated files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
