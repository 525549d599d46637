"""Parsing a feed in a worker process, within a deadline and a memory limit.

A document that passed the pre-check can still be large, or not well-formed
(then read by feedparser's lenient parser, which may need a hundred times its
size in memory): it is parsed in a separate process whose address space is
capped with ``resource.setrlimit``, and which is killed at the deadline. A
hostile feed then fails alone, with a named reason, and the fetch goes on.

The workers are few (one per fetching thread at most) and reused: each one
costs a Python start and a feedparser import (some 100 ms), and then serves
any number of feeds; it leaves by itself after a minute without work. The
protocol is a length-prefixed JSON request (then the document's bytes) and a
length-prefixed JSON answer on the worker's stdin and stdout.

The worker is ``python -m reader.feeds.parse MEMORY``: the parser runs this
module's ``run_worker`` with its own answer, so the two never import each other.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

IDLE_SECONDS = 60.0
MAX_WORKERS = 4
_HEADER = struct.Struct(">Q")
# Run as a program, it serves requests with this module's run_worker.
WORKER_MODULE = "reader.feeds.parse"
Answer = Callable[[dict[str, Any], bytes], dict[str, Any]]


class WorkerFailed(Exception):
    """The worker did not answer: the message says why, in plain words."""


# ------------------------------------------------------------------ the parent side


def _environment() -> dict[str, str]:
    # The worker imports this package from where the parent found it.
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


class _Worker:
    def __init__(self, memory: int) -> None:
        self.memory = memory
        self.process = subprocess.Popen(
            [sys.executable, "-m", WORKER_MODULE, str(memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_environment(),
        )
        self.served = 0

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]

    def exchange(self, request: dict[str, Any], data: bytes, deadline: float) -> dict[str, Any]:
        """Send one request; the answer, or WorkerFailed (the worker is then stopped)."""
        header = json.dumps(request).encode()
        stdin = self.process.stdin
        assert stdin is not None
        try:
            stdin.write(_HEADER.pack(len(header)) + header + _HEADER.pack(len(data)))
            stdin.write(data)
            stdin.flush()
        except (BrokenPipeError, OSError):
            raise _Gone from None
        size = _HEADER.unpack(self._read(_HEADER.size, deadline))[0]
        answer = json.loads(self._read(size, deadline))
        self.served += 1
        return answer

    def _read(self, size: int, deadline: float) -> bytes:
        stdout = self.process.stdout
        assert stdout is not None
        fd = stdout.fileno()
        chunks: list[bytes] = []
        wanted = size
        while wanted:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Late
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                raise _Late
            chunk = os.read(fd, min(wanted, 1 << 20))
            if not chunk:
                raise _Gone
            chunks.append(chunk)
            wanted -= len(chunk)
        return b"".join(chunks)


class _Gone(Exception):
    """The worker closed its pipes: it ended (killed, out of memory, or idle)."""


class _Late(Exception):
    """The deadline passed before the worker answered."""


class WorkerPool:
    """At most ``size`` worker processes, started on demand and reused."""

    def __init__(self, size: int = MAX_WORKERS) -> None:
        self.slots = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()
        self.idle: list[_Worker] = []
        self.started = 0  # how many worker processes were started (for the benchmark)

    def _take(self, memory: int) -> tuple[_Worker, bool]:
        with self.lock:
            while self.idle:
                worker = self.idle.pop()
                if worker.alive() and worker.memory == memory:
                    return worker, True
                worker.stop()
            self.started += 1
        return _Worker(memory), False

    def _give_back(self, worker: _Worker) -> None:
        with self.lock:
            self.idle.append(worker)

    def run(
        self, request: dict[str, Any], data: bytes, *, seconds: float, memory: int
    ) -> dict[str, Any]:
        """The worker's answer to ``request``; WorkerFailed says why there is none."""
        with self.slots:
            deadline = time.monotonic() + seconds
            for _attempt in range(2):
                worker, reused = self._take(memory)
                try:
                    answer = worker.exchange(request, data, deadline)
                except _Late:
                    worker.stop()
                    raise WorkerFailed(f"took more than {seconds:g} s to read") from None
                except _Gone:
                    code = worker.process.poll()
                    worker.stop()
                    if reused and worker.served and code is not None and _idle_exit(code):
                        continue  # it had just left after a quiet minute: start another
                    raise WorkerFailed(_ended(code)) from None
                if answer.get("ended"):
                    worker.stop()  # out of memory: its heap is not worth keeping
                else:
                    self._give_back(worker)
                return answer
        raise WorkerFailed("the parser process stopped unexpectedly")

    def close(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for worker in idle:
            worker.stop()


def _idle_exit(code: int) -> bool:
    return code == 0


def _ended(code: int | None) -> str:
    if code is not None and code < 0:
        return f"the parser process was stopped (signal {-code})"
    return "the parser process stopped unexpectedly"


_POOL: WorkerPool | None = None
_POOL_LOCK = threading.Lock()


def pool() -> WorkerPool:
    """The process-wide pool, started on first use and stopped at exit."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = WorkerPool()
            atexit.register(_POOL.close)
        return _POOL


# ------------------------------------------------------------------ the worker side


def _address_space() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(budget: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the deadline still holds
        return
    base = _address_space()
    if not budget or not base:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = base + budget
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _limit_cpu(seconds: float) -> None:
    # A backstop for a parent that died: the parent kills a late worker itself.
    try:
        import resource
    except ImportError:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(used + seconds) + 5
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _read_exactly(stream: Any, size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


def _serve(stdin: Any, stdout: Any, answer_request: Answer) -> None:
    out_of_memory = json.dumps({"ended": True, "memory": True}).encode()
    out_of_memory = _HEADER.pack(len(out_of_memory)) + out_of_memory
    while True:
        ready, _, _ = select.select([stdin], [], [], IDLE_SECONDS)
        if not ready:
            return
        size = _read_exactly(stdin, _HEADER.size)
        if size is None:
            return
        header = _read_exactly(stdin, _HEADER.unpack(size)[0])
        length = _read_exactly(stdin, _HEADER.size)
        if header is None or length is None:
            return
        data = _read_exactly(stdin, _HEADER.unpack(length)[0])
        if data is None:
            return
        request = json.loads(header)
        _limit_cpu(float(request.get("seconds", 60)))
        try:
            answer = answer_request(request, data)
        except MemoryError:
            del data
            stdout.write(out_of_memory)
            stdout.flush()
            return
        encoded = json.dumps(answer).encode()
        stdout.write(_HEADER.pack(len(encoded)) + encoded)
        stdout.flush()


def run_worker(argv: list[str], answer_request: Answer) -> int:
    """The worker process: limit its memory, then answer requests on stdin until idle."""
    import feedparser  # noqa: F401 - imported before the limit, so it counts in the base

    _limit_memory(int(argv[1]) if len(argv) > 1 else 0)
    _serve(sys.stdin.buffer, sys.stdout.buffer, answer_request)
    return 0
