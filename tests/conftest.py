"""Fixtures shared by every test: no real user folder, where the seeds are, a seed-file writer."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Every per-user folder the reader (or a library under it) could read or write.
XDG_HOMES = ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")
XDG_LISTS = ("XDG_DATA_DIRS", "XDG_CONFIG_DIRS")


@pytest.fixture(autouse=True)
def _isolated_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """HOME and every XDG folder in a fresh temporary folder, for every test.

    Not under ``tmp_path``, so a test that lists its own tmp_path sees only
    what it made. tests/unit/test_isolation.py proves nothing escapes.
    """
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in XDG_HOMES + XDG_LISTS:
        monkeypatch.setenv(var, str(home / var.lower()))
    runtime = home / "xdg_runtime_dir"
    runtime.mkdir(mode=0o700)  # the spec wants it to exist, owned by the user, 0700
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    os.chmod(runtime, 0o700)
    return home


PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def _no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy set where the tests run must not carry their requests to 127.0.0.1 away.

    The tests that want a proxy set one (tests/unit/proxy_server.py) and close
    the shared client, which reads these when it is made, before and after.
    """
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def seeds_dir() -> Path:
    """The repository's bundled seed files."""
    return REPO / "seeds"


@pytest.fixture
def write_seed(tmp_path: Path) -> Callable[..., Path]:
    """Write a seed file under tmp_path: ``write_seed(yaml_text, name="a.txt")``.

    The YAML is dedented and wrapped in ``---`` lines; ``body`` goes after them.
    """

    def write(yaml_text: str, name: str = "a.txt", body: str = "") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        front = textwrap.dedent(yaml_text).strip("\n")
        path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
        return path

    return write


# Audit events that create, change or remove something on disk: for each, the
# (path, dir_fd) argument positions of what they write (a path relative to a
# dir_fd, as shutil.rmtree passes them, is relative to that folder).
_WRITE_EVENTS: dict[str, tuple[tuple[int, int | None], ...]] = {
    "os.mkdir": ((0, 2),),
    "os.rename": ((0, 2), (1, 3)),
    "os.remove": ((0, 1),),
    "os.rmdir": ((0, 1),),
    "os.symlink": ((1, 2),),
    "os.link": ((1, 3),),
    "os.chmod": ((0, 2),),
    "os.utime": ((0, 3),),
    "os.truncate": ((0, None),),
    "shutil.rmtree": ((0, 1),),
    "shutil.copyfile": ((1, None),),
    "shutil.move": ((0, None), (1, None)),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class _WriteRecorder:
    """Every path written while recording, as Python's audit hooks report them."""

    def __init__(self) -> None:
        self.recording = False
        self.written: list[Path] = []

    def __call__(self, event: str, args: tuple) -> None:
        if not self.recording:
            return
        if event == "open":
            path, mode, flags = args
            if mode is not None:
                writes = any(c in mode for c in "wax+")
            else:
                writes = bool((flags or 0) & _WRITE_FLAGS)
            if writes:
                self._add(path)
        elif event == "sqlite3.connect":
            database = args[0]
            uri = str(database)
            if uri != ":memory:" and "mode=ro" not in uri:
                self._add(uri.removeprefix("file:").split("?")[0])
        elif event in _WRITE_EVENTS:
            for at, dir_at in _WRITE_EVENTS[event]:
                if at < len(args):
                    dir_fd = args[dir_at] if dir_at is not None and dir_at < len(args) else None
                    self._add(args[at], dir_fd)

    def _add(self, path: object, dir_fd: object = None) -> None:
        if isinstance(path, int) or path is None:
            return  # a file descriptor: its opening was recorded
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        name = os.fspath(path)  # type: ignore[arg-type]
        if isinstance(dir_fd, int) and not os.path.isabs(name):
            try:
                name = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), name)
            except OSError:
                return  # no way to name it here; the call that opened the folder was seen
        self.written.append(Path(os.path.abspath(name)))


_RECORDER = _WriteRecorder()
sys.addaudithook(_RECORDER)  # audit hooks cannot be removed: this one idles unless recording


@pytest.fixture
def recorded_writes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Every path written (created, changed, renamed, removed) while the test runs."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # importing is not the reader writing
    _RECORDER.written = []
    _RECORDER.recording = True
    try:
        yield _RECORDER.written
    finally:
        _RECORDER.recording = False
