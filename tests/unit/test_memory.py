"""The allocator's bar for large blocks (reader.memory)."""

from __future__ import annotations

import sys

import pytest

from reader import memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_the_bar_for_large_blocks_is_pinned_on_glibc() -> None:
    import platform

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc")
    assert memory.return_large_blocks()


def test_elsewhere_nothing_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert memory.return_large_blocks() is False
