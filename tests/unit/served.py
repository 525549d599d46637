"""Start ``newsreader serve`` as a user would, on a free port of 127.0.0.1, and stop it
with Ctrl+C (SIGINT)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    def __init__(self, process: subprocess.Popen[str], port: int, banner: str) -> None:
        self.process = process
        self.port = port
        self.banner = banner

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _start(*args: str) -> Served:
    # The bundled seeds' pictures are on the internet: the tabs' readers fetch none.
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('images = "off"\n', encoding="utf-8")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "serve", str(SEEDS), "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    banner = process.stdout.readline()  # printed once it listens
    assert banner.startswith("newsreader serves"), banner
    return Served(process, port, banner)


def _stop(served: Served) -> int:
    served.process.send_signal(signal.SIGINT)
    try:
        return served.process.wait(timeout=20)
    finally:
        if served.process.poll() is None:
            served.process.kill()
