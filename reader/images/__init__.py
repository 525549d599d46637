"""Pictures of articles: fetched through reader.http, checked, decoded small and
cached on disk. Textual-free; Pillow is imported when a picture is decoded."""

from reader.images.picture import (
    MAX_BYTES,
    MAX_PIXELS,
    Picture,
    PictureCache,
    PictureRefused,
    decode_picture,
    load_picture,
)

__all__ = [
    "MAX_BYTES",
    "MAX_PIXELS",
    "Picture",
    "PictureCache",
    "PictureRefused",
    "decode_picture",
    "load_picture",
]
