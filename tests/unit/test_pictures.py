"""Article pictures: real PNG and JPEG from a server on 127.0.0.1, the hostile ones
refused with their line, the disk cache bounded and used offline."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import picture_samples as samples
import pytest
from picture_samples import PictureServer

from reader.images import MAX_PIXELS, PictureCache, PictureRefused, decode_picture, load_picture
from reader.images.picture import KEEP_SIDE


@pytest.fixture
def server() -> Iterator[PictureServer]:
    served = PictureServer().start()
    yield served
    served.stop()


@pytest.fixture
def cache(tmp_path: Path) -> PictureCache:
    return PictureCache(tmp_path / "pictures")


def test_png_and_jpeg_are_fetched_decoded_and_kept(server, cache):
    urls = server.serve_samples()
    png = load_picture(urls["png"], cache)
    assert png.image.size == (96, 64) and png.image.mode == "RGB"
    assert not png.from_cache
    jpeg = load_picture(urls["jpeg"], cache)
    assert jpeg.image.size == (160, 90)
    assert cache.path(urls["png"]).exists() and cache.path(urls["jpeg"]).exists()
    again = load_picture(urls["png"], cache)
    assert again.from_cache and again.image.size == (96, 64)
    assert server.requests.count("/a.png") == 1


def test_offline_the_cached_picture_is_shown(server, cache):
    url = server.serve_samples()["jpeg"]
    load_picture(url, cache)
    server.stop()
    picture = load_picture(url, cache)
    assert picture.from_cache and picture.image.size == (160, 90)
    with pytest.raises(PictureRefused, match="connect") as refused:
        load_picture(server.url("/never-fetched.png"), cache)
    assert refused.value.unreachable  # the host, not this picture: the pane waits on a line


@pytest.mark.parametrize(
    ("sample", "reason"),
    [
        ("bomb", "too large"),  # 16,000 x 16,000: Pillow's DecompressionBombError
        ("huge", "too large"),  # 7,000 x 7,000: over our own cap, under Pillow's
        ("html_as_png", "not a picture"),
        ("truncated", "damaged"),
        ("garbage", "not a picture"),
        ("html", "text/html"),  # refused by its type before the body is read
        ("missing", "404"),
        ("too_big", "too large (over 10 MB)"),
    ],
)
def test_hostile_pictures_are_refused_with_a_quiet_line(server, cache, sample, reason):
    url = server.serve_samples()[sample]
    with pytest.raises(PictureRefused) as refused:
        load_picture(url, cache)
    assert reason in refused.value.line and not refused.value.unreachable
    assert refused.value.line.startswith("picture not shown: ")
    assert "\n" not in refused.value.line and "Traceback" not in refused.value.line
    assert not cache.path(url).exists()


def test_the_bomb_is_refused_before_its_pixels_are_made():
    tracemalloc.start()
    try:
        with pytest.raises(PictureRefused, match="too large"):
            decode_picture(samples.claimed_png(16_000, 16_000))
        with pytest.raises(PictureRefused, match="too large"):
            decode_picture(samples.claimed_png(7_000, 7_000))
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024  # 7,000 x 7,000 RGB would be 147 MB
    assert MAX_PIXELS < 7_000 * 7_000


def test_large_pictures_are_kept_small():
    image = decode_picture(samples.jpeg(3000, 2000))
    assert max(image.size) <= KEEP_SIDE
    assert image.size == (800, 533)


def test_other_schemes_are_never_fetched(cache):
    with pytest.raises(PictureRefused, match="web address"):
        load_picture("file:///etc/passwd", cache)


def test_the_cache_is_bounded_and_the_least_recently_used_go_first(tmp_path: Path):
    cache = PictureCache(tmp_path / "pictures", max_bytes=2_500)
    for n in range(3):
        cache.put(f"https://example.com/{n}.jpg", bytes(1_000))
        os.utime(cache.path(f"https://example.com/{n}.jpg"), (1_000 + n, 1_000 + n))
    # Three of 1,000 bytes do not fit in 2,500: the oldest went.
    assert cache.get("https://example.com/0.jpg") is None
    assert cache.total() <= 2_500
    assert cache.get("https://example.com/1.jpg") is not None  # used now: newest
    cache.put("https://example.com/3.jpg", bytes(1_000))
    assert cache.get("https://example.com/2.jpg") is None
    assert cache.get("https://example.com/1.jpg") is not None
    assert cache.get("https://example.com/3.jpg") is not None


def test_a_damaged_cache_file_is_fetched_again(server, cache):
    url = server.serve_samples()["png"]
    load_picture(url, cache)
    cache.path(url).write_bytes(b"not a jpeg")
    picture = load_picture(url, cache)
    assert not picture.from_cache and picture.image.size == (96, 64)


def test_the_cache_lives_under_xdg_cache_home(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert PictureCache().folder == tmp_path / "cache" / "newsreader" / "pictures"


def test_the_images_setting(tmp_path: Path):
    from reader.config import Config, parse_config

    assert Config().images == "auto"
    for value in ("auto", "kitty", "sixel", "halfcell", "off"):
        config, problems = parse_config(f'images = "{value}"\n', tmp_path / "config.toml")
        assert config.images == value and not problems
    config, problems = parse_config('images = "ascii"\n', tmp_path / "config.toml")
    assert config.images == "auto"
    assert [str(p) for p in problems] == [
        f'{tmp_path / "config.toml"}:1: images must be "auto", "kitty", "sixel", '
        '"halfcell" or "off", not "ascii"'
    ]
