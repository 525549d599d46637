"""The served reader drawn by a real browser: headless Chromium, where Debian's
``chromium`` is installed (.ci/run installs it); skipped elsewhere.

Chromium is driven through its DevTools protocol on a pipe-free local port
(127.0.0.1), with a fresh profile, no background networking and no updates.
"""

from __future__ import annotations

import asyncio
import base64
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from served import _start, _stop

CHROMIUM = shutil.which("chromium")
WIDTH, HEIGHT = 1000, 700

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


async def _screenshot(url: str, profile: Path) -> tuple[bytes, bool]:
    """Open ``url`` headless; once the reader's first bytes arrived and something is
    drawn in its top line, the page's screenshot (PNG) and True; else the last one."""
    import aiohttp
    from PIL import Image

    process = subprocess.Popen(
        [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={profile}", "--remote-debugging-port=0",
            f"--window-size={WIDTH},{HEIGHT}", url,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        active = profile / "DevToolsActivePort"
        for _ in range(300):
            if active.exists() and active.read_text().strip():
                break
            await asyncio.sleep(0.1)
        port = active.read_text().split()[0]
        async with aiohttp.ClientSession() as session:
            pages: list[dict] = []
            for _ in range(100):
                async with session.get(f"http://127.0.0.1:{port}/json/list") as answer:
                    pages = [t for t in await answer.json() if t["type"] == "page"]
                if pages:
                    break
                await asyncio.sleep(0.1)
            ws = await session.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0)
            calls = 0

            async def call(method: str, **params: object) -> dict:
                nonlocal calls
                calls += 1
                await ws.send_json({"id": calls, "method": method, "params": params})
                while True:
                    message = await ws.receive_json()
                    if message.get("id") == calls:
                        return message["result"]

            png = b""
            for _ in range(150):
                classes = await call(
                    "Runtime.evaluate", expression="document.body.className", returnByValue=True
                )
                if "-first-byte" in classes["result"].get("value", ""):
                    shot = await call("Page.captureScreenshot", format="png")
                    png = base64.b64decode(shot["data"])
                    top_line = Image.open(io.BytesIO(png)).convert("RGB").crop((0, 0, 400, 20))
                    if len(set(top_line.getdata())) > 20:  # text drawn, not one colour
                        return png, True
                await asyncio.sleep(0.2)
            return png, False
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_browser_draws_the_served_reader(tmp_path: Path) -> None:
    from PIL import Image

    served = _start()
    try:
        png, drawn = asyncio.run(
            asyncio.wait_for(_screenshot(served.url(), tmp_path / "profile"), 120)
        )
    finally:
        _stop(served)
    (tmp_path / "served.png").write_bytes(png)
    assert drawn, "the reader's screen never appeared in the browser"
    image = Image.open(io.BytesIO(png))
    assert image.width == WIDTH and image.height > HEIGHT // 2  # the page, not the window
    assert len(set(image.convert("RGB").getdata())) > 100  # a screen of text, not a blank
