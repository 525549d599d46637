"""Every path newsreader uses, in one place.

Directories are never created here: callers that write create them on demand,
so read-only commands leave the file system as they found it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import platformdirs

APP_NAME = "newsreader"
_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_seeds_dir() -> Path:
    """The seed files shipped with newsreader.

    In a wheel they live inside the package (``reader/_seeds``); in a source
    checkout or an editable install they are the repository's ``seeds/``.
    """
    packaged = _PACKAGE_DIR / "_seeds"
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / "seeds"


def data_dir() -> Path:
    """Per-user data directory (honours ``XDG_DATA_HOME``)."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def user_seeds_dir() -> Path:
    """The user's own seed folder, read along with the bundled seeds."""
    return data_dir() / "seeds"


def saved_dir() -> Path:
    """Where S saves articles as Markdown unless ``save_folder`` says otherwise."""
    return data_dir() / "saved"


def feeds_dir() -> Path:
    """Fetched feed articles: one folder per subscribed feed, in the seed format."""
    return data_dir() / "feeds"


def feeds_list_path() -> Path:
    """The list of subscribed feeds (JSON)."""
    return data_dir() / "feeds.json"


def state_db_path() -> Path:
    """The SQLite database of read and starred marks."""
    return data_dir() / "state.sqlite3"


def config_dir() -> Path:
    """Per-user config directory (honours ``XDG_CONFIG_HOME``)."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def config_path() -> Path:
    return config_dir() / "config.toml"


def cache_dir() -> Path:
    """Per-user cache directory (honours ``XDG_CACHE_HOME``)."""
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def default_seed_paths(own_folders: Sequence[Path] = ()) -> list[Path]:
    """What ``newsreader`` reads when given no path (with ``default_optional_paths``).

    The bundled demo seeds only until the user has a library of their own:
    their seeds folder, one of ``own_folders`` (the ``seed_folders`` setting)
    that exists, or fetched feeds (the first fetch makes their folder).
    """
    user = user_seeds_dir()
    mine = [user] if user.is_dir() else []
    if mine or feeds_dir().is_dir() or any(Path(folder).is_dir() for folder in own_folders):
        return mine
    return [bundled_seeds_dir()]


def default_optional_paths() -> list[Path]:
    """Folders of the default library that may not exist yet: fetched feeds.

    Read when they exist, watched for when they do not (the first fetch makes it).
    """
    return [feeds_dir()]


def named_path(text: str | os.PathLike[str]) -> Path:
    """A file or folder as the user named it, made the one name it has whichever way it
    was named (``news``, ``./news/``, ``/home/me/news``, ``.`` inside it).

    Absolute and normalised, so the index cache, the walk and the paths stored in it
    agree. A folder's symbolic links are resolved too (``.`` inside a linked folder
    is the real folder to the process, so its link must be as well); a file keeps
    its own name (a link to an article, a dead link), only its folder is resolved.
    """
    path = os.fspath(text)
    if os.path.isdir(path):
        return Path(os.path.realpath(path))
    folder, name = os.path.split(os.path.normpath(path))
    return Path(os.path.realpath(folder or os.curdir), name)
