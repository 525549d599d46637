"""One user's state (read and starred marks, tags, saved searches, settings), kept in SQLite.

``user`` is the API the app and the CLI use (``UserState``, with undo,
export and import); ``database`` is the SQLite file behind it (connection,
schema migration, damaged files, locks and read-only folders).
"""

from reader.state.user import Change, UserState, describe

__all__ = ["Change", "UserState", "describe"]
