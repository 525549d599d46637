"""The one frozen "now" of the Pilot tests, the snapshots and the README screenshots.

Relative dates ("3h ago") then read the same on every run and in every picture.
"""

from __future__ import annotations

from datetime import UTC, datetime

FROZEN_NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
