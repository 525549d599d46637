"""SHA-1 and BLAKE2b, the same as hashlib's, without importing hashlib.

Importing hashlib loads OpenSSL (~2.5 ms), before the first frame of every start:
the index cache's file name and the related keys need only these two, which
CPython builds in (hashlib's own blake2b is this one). A Python built without
them gets hashlib's.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import blake2b, sha1
else:
    try:
        from _sha1 import sha1
    except ImportError:
        from hashlib import sha1
    try:
        from _blake2 import blake2b
    except ImportError:
        from hashlib import blake2b

__all__ = ["blake2b", "sha1"]
