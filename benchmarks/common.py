"""What the benchmarks share: generated corpora, kept between runs, and the machine's CPU."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from generate import generate

DEFAULT_ROOT = Path(tempfile.gettempdir()) / "newsreader-bench"


def corpus_dir(n: int, seed: int, root: Path | None = None) -> Path:
    """A generated corpus of n files under ``root``, made on first use and reused after."""
    folder = (root or DEFAULT_ROOT) / f"corpus-{n}-seed{seed}"
    done = folder / ".complete"  # hidden: the loader skips it
    if not done.exists():
        started = time.perf_counter()
        paths = generate(folder, n, seed)
        done.write_text(str(len(paths)))
        print(f"generated {n:,} files in {time.perf_counter() - started:.1f} s: {folder}")
        time.sleep(2.1)  # files changed this recently are not cached (racy mtimes)
    return folder


def ensure_bytecode() -> None:
    """Compile the reader's modules, as ``pip install .`` does.

    An editable install (the development venv) under PYTHONDONTWRITEBYTECODE
    compiles every edited module from source at each start: ~100 ms that a
    user's install never pays, and that would be measured as start-up.
    """
    import compileall

    import reader

    compileall.compile_dir(Path(reader.__file__).parent, quiet=1)


def cpu_model() -> str:
    """The CPU's model name, from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"
