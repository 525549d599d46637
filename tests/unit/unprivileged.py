"""A separate process that obeys file permissions even when run as root (not collected).

Root reads a file whatever its mode, so "a file the user cannot read" needs a
process without root's two file-permission capabilities. This one drops them
(Linux), checks that a mode-000 file is now refused, then runs:

unprivileged.py probe FILE        exit 0 when FILE cannot be opened here, 3 when it can
unprivileged.py cli ARGS...       newsreader ARGS (as the command line runs them)
unprivileged.py tui PATH          the reader on PATH under Pilot; print its list and problems
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import sys
from pathlib import Path

_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2
_CAPABILITY_VERSION_3 = 0x20080522


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def drop_file_capabilities() -> None:
    """Give up CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (a no-op for other users)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    header = _Header(_CAPABILITY_VERSION_3, 0)
    data = (_Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    mask = ~((1 << _CAP_DAC_OVERRIDE) | (1 << _CAP_DAC_READ_SEARCH)) & 0xFFFFFFFF
    data[0].effective &= mask
    data[0].permitted &= mask
    data[0].inheritable &= mask
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


async def _tui(path: str) -> None:
    from textual.worker import WorkerCancelled

    from reader.app import make_app
    from reader.widgets.article_list import ArticleList

    app = make_app([Path(path)], load_workers=1, dwell=0)
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(50):
            try:
                await app.workers.wait_for_complete()
            except WorkerCancelled:
                continue
            await pilot.pause()
            if not app.library_loading.loading and not app.library_loading.checking:
                break
        listed = app.query_one(ArticleList).articles
        print(
            json.dumps(
                {
                    "titles": [a.title for a in listed],
                    "problems": [str(p) for p in app.library_loading.result.problems],
                }
            )
        )


def main(argv: list[str]) -> int:
    drop_file_capabilities()
    command, rest = argv[0], argv[1:]
    if command == "probe":
        try:
            with open(rest[0], "rb"):
                return 3
        except PermissionError:
            return 0
    if command == "cli":
        from reader.cli import main as cli_main

        return cli_main(rest)
    if command == "tui":
        asyncio.run(_tui(rest[0]))
        return 0
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
