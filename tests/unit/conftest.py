"""Fixtures the core's tests share (HOME and the XDG folders are isolated by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from feed_server import FeedServer


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A feed server on 127.0.0.1 for one test."""
    running = FeedServer().start()
    yield running
    running.stop()
