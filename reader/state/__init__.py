"""Read and starred marks, saved searches and settings, kept in SQLite.

``marks`` is the API the app and the CLI use (``ReadState``, with undo,
export and import); ``database`` is the SQLite file behind it (connection,
schema migration, damaged files, locks and read-only folders).
"""

from reader.state.marks import Change, ReadState, describe

__all__ = ["Change", "ReadState", "describe"]
