"""Fixtures the core's tests share (HOME and the XDG folders are isolated by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from feed_server import FeedServer
from proxy_server import ProxyServer

from reader import http


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A feed server on 127.0.0.1 for one test."""
    running = FeedServer().start()
    yield running
    running.stop()


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ProxyServer]:
    """A recording proxy on 127.0.0.1 in HTTP_PROXY and HTTPS_PROXY; the shared client is
    made anew to read them, and again after the test (without them)."""
    running = ProxyServer().start()
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", running.url)
    monkeypatch.setenv("HTTPS_PROXY", running.url)
    http.close()
    yield running
    http.close()
    running.stop()
