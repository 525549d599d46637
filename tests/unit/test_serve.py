"""``newsreader serve``: who may connect, and that a tab gets a reader.

Every server here is started by the test as ``python -m reader serve`` on a free
port and reached through 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from served import SEEDS, Served, _start, _stop

from reader.serve import ServeError, choose_token, is_loopback, reader_command


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.2", "127.255.255.254", "localhost", "LOCALHOST", "::1", "[::1]",
     "::ffff:127.0.0.1", "app.localhost"],
)  # fmt: skip
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "192.168.1.4", "10.0.0.1", "example.com", "localhost.example.com", ""]
)
def test_hosts_beyond_loopback(host: str) -> None:
    assert not is_loopback(host)


def test_a_token_is_made_only_beyond_loopback() -> None:
    assert choose_token("127.0.0.1", None) is None
    made = choose_token("0.0.0.0", None)
    assert made and len(made) >= 20
    assert choose_token("0.0.0.0", None) != made
    assert choose_token("127.0.0.1", "a-given-token") == "a-given-token"
    with pytest.raises(ServeError, match="8 characters"):
        choose_token("0.0.0.0", "short")


def test_each_tab_runs_this_python_on_the_same_paths(tmp_path: Path) -> None:
    command = reader_command([str(tmp_path / "my news")])
    assert command.startswith(f"exec {sys.executable}")
    assert "-m reader" in command
    assert f"'{tmp_path / 'my news'}'" in command  # quoted for the shell


# ------------------------------------------------------------------ a real server


@pytest.fixture
def loopback() -> Iterator[Served]:
    served = _start()
    yield served
    _stop(served)


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_serve_answers_200_on_loopback(loopback: Served) -> None:
    assert loopback.banner.strip() == f"newsreader serves http://127.0.0.1:{loopback.port}/"
    status, _headers, page = _get(loopback.url())
    assert status == 200
    # The page's websocket is on the address the browser used.
    assert f"ws://127.0.0.1:{loopback.port}/ws" in page


def test_a_foreign_host_name_is_refused_on_loopback(loopback: Served) -> None:
    """A page whose own name was re-pointed at 127.0.0.1 (DNS rebinding) gets nothing."""
    status, _headers, _page = _get(loopback.url(), {"Host": f"evil.example:{loopback.port}"})
    assert status == 403
    status, _headers, _page = _get(loopback.url(), {"Host": f"localhost:{loopback.port}"})
    assert status == 200


def test_ctrl_c_stops_the_server_cleanly() -> None:
    served = _start()
    assert _stop(served) == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", served.port), timeout=2).close()


def test_bound_beyond_loopback_every_request_needs_the_token() -> None:
    served = _start("--host", "0.0.0.0", "--token", "correct-horse-battery")
    try:
        assert "?token=correct-horse-battery" in served.banner
        for path in ("/", "/static/js/textual.js", "/ws"):
            status, _headers, _page = _get(served.url(path))
            assert status == 403, path
        status, _headers, _page = _get(served.url("/?token=wrong-horse-battery"))
        assert status == 403
        status, headers, _page = _get(served.url("/?token=correct-horse-battery"))
        assert status == 200
        cookie = headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        # The page's scripts and websocket carry the cookie, not the query.
        status, _headers, _page = _get(
            served.url("/static/js/textual.js"), {"Cookie": cookie.split(";")[0]}
        )
        assert status == 200
    finally:
        _stop(served)


def test_bound_beyond_loopback_without_a_token_one_is_made_and_printed() -> None:
    served = _start("--host", "0.0.0.0")
    try:
        assert "?token=" in served.banner
        token = served.banner.split("?token=")[1].split()[0]
        assert _get(served.url())[0] == 403
        assert _get(served.url(f"/?token={token}"))[0] == 200
    finally:
        _stop(served)


def test_a_tab_gets_its_own_reader_and_other_sites_cannot_open_one(loopback: Served) -> None:
    import aiohttp

    async def first_bytes(origin: str) -> bytes | int:
        async with aiohttp.ClientSession() as session:
            try:
                ws = await session.ws_connect(
                    loopback.url("/ws?width=100&height=30"), origin=origin
                )
            except aiohttp.WSServerHandshakeError as error:
                return error.status
            async with ws:
                async for message in ws:  # the reader's first screen
                    if message.type == aiohttp.WSMsgType.BINARY and message.data:
                        return message.data
                return b""

    assert asyncio.run(asyncio.wait_for(first_bytes("https://evil.example"), 60)) == 403
    data = asyncio.run(asyncio.wait_for(first_bytes(f"http://127.0.0.1:{loopback.port}"), 60))
    assert isinstance(data, bytes) and data  # a reader started for the tab and drew


def test_serve_refuses_a_missing_path(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "serve", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr


def test_serve_says_when_the_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "reader", "serve", str(SEEDS), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(n) for n in path.read_text().split()] if path.exists() else []


def _gone(pid: int, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return True
        if stat.split(") ", 1)[1].startswith("Z"):  # exited, not yet reaped
            return True
        time.sleep(0.1)
    return False


def _with_a_tab(served: Served, then) -> list[int]:
    """Open a tab's websocket, wait for its reader's first screen, call ``then`` with the
    readers the server started; they are returned."""
    import aiohttp

    async def tab() -> list[int]:
        async with aiohttp.ClientSession() as session:
            origin = f"http://127.0.0.1:{served.port}"
            ws = await session.ws_connect(served.url("/ws?width=80&height=24"), origin=origin)
            async for message in ws:
                if message.type == aiohttp.WSMsgType.BINARY:
                    break
            readers = _children(served.process.pid)
            then()
            with contextlib.suppress(Exception):
                await ws.close()
            return readers

    return asyncio.run(asyncio.wait_for(tab(), 60))


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_ctrl_c_with_a_tab_open_ends_its_reader() -> None:
    served = _start()
    codes: list[int] = []
    readers = _with_a_tab(served, lambda: codes.append(_stop(served)))
    assert codes == [0]
    assert readers and all(_gone(pid) for pid in readers)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_reader_whose_server_was_killed_quits() -> None:
    served = _start()
    readers = _with_a_tab(served, served.process.kill)
    served.process.wait(timeout=20)
    assert readers and all(_gone(pid) for pid in readers)
