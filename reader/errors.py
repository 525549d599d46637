"""Errors every command-line module shares (kept apart so no two CLI modules import each other)."""

from __future__ import annotations


class UsageError(Exception):
    """A mistake on the command line: one line to the user, exit 2."""
