"""Pilot tests of the article's picture above the detail text: drawn half-cell from
a server on 127.0.0.1, refused with one quiet line, shown from the cache offline,
never in the way of a j."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from picture_samples import PictureServer

from reader.widgets.article_list import ArticleList
from reader.widgets.picture import (
    ArticlePicture,
    PictureSetup,
    TerminalAnswer,
    detect,
    query_terminal,
)

from .conftest import article_fields, wait_loaded, wait_workers, write_seed

HALFCELL = PictureSetup("halfcell")


@pytest.fixture
def server() -> Iterator[PictureServer]:
    served = PictureServer().start()
    yield served
    served.stop()


def _library(folder: Path, urls: list[str]) -> Path:
    """One article per picture URL, the first one newest (so shown first)."""
    folder.mkdir(exist_ok=True)
    for n, url in enumerate(urls):
        fields = article_fields(27 - n, images=[{"url": url, "width": 96, "height": 64}])
        write_seed(folder, f"{n:02}.txt", **fields)
    return folder


def _picture(app) -> ArticlePicture:
    return app.query_one(ArticlePicture)


async def _settle(app, pilot) -> None:
    await wait_workers(app)
    await pilot.pause()
    await pilot.pause()


def test_halfcell_asks_the_terminal_nothing(capsys):
    assert detect("off") is None
    assert detect("halfcell") == HALFCELL
    assert detect("auto", ask_terminal=False) == HALFCELL
    assert capsys.readouterr().out == ""  # no query, no Sixel, no Kitty bytes


def test_without_a_terminal_kitty_and_sixel_are_not_used(capsys):
    for setting in ("kitty", "sixel"):
        setup = detect(setting)
        assert setup is not None and setup.mode == "halfcell"
        assert "did not say" in setup.note
    assert detect("auto") == HALFCELL
    assert capsys.readouterr().out == ""


class FakeTerminal:
    """A pseudo-terminal whose far end answers the first query it reads with ``reply``."""

    def __init__(self, reply: bytes) -> None:
        import os
        import threading

        self.master, self.slave = os.openpty()
        self.asked = b""
        self.reply = reply
        self._thread = threading.Thread(target=self._answer, daemon=True)
        self._thread.start()

    def _answer(self) -> None:
        import os

        while not self.asked.endswith(b"\x1b[c"):  # the query ends with the attributes' one
            chunk = os.read(self.master, 1024)
            if not chunk:
                return
            self.asked += chunk
        if self.reply:
            os.write(self.master, self.reply)

    def ask(self, timeout: float = 30.0) -> TerminalAnswer:
        answer = query_terminal(self.slave, self.slave, timeout)
        self._thread.join(5)
        return answer

    def close(self) -> None:
        import os

        os.close(self.master)
        os.close(self.slave)


@pytest.mark.parametrize(
    ("reply", "answer"),
    [
        (b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c", TerminalAnswer(sixel=False, kitty=True)),  # Kitty
        (b"\x1b[?62;4;6;22c", TerminalAnswer(sixel=True, kitty=False)),  # a Sixel terminal
        (b"\x1b_Gi=31;OK\x1b\\\x1b[?62;4c", TerminalAnswer(sixel=True, kitty=True)),
        (b"\x1b[?1;2c", TerminalAnswer(sixel=False, kitty=False)),  # tmux, xterm, VTE
        (b"\x1b_Gi=31;ENOENT:no\x1b\\\x1b[?62c", TerminalAnswer(sixel=False, kitty=False)),
        (b"\x1b_Gi=7;OK\x1b\\\x1b[?62c", TerminalAnswer(sixel=False, kitty=False)),  # not ours
    ],
)
def test_one_exchange_tells_kitty_and_sixel(reply: bytes, answer: TerminalAnswer):
    terminal = FakeTerminal(reply)
    try:
        assert terminal.ask() == answer
        # Kitty's graphics query first, then the device attributes query everyone answers.
        assert terminal.asked.startswith(b"\x1b_Gi=31,")
        assert b"a=q" in terminal.asked and terminal.asked.endswith(b"\x1b[c")
    finally:
        terminal.close()


def test_keys_typed_after_the_answer_are_left_for_the_app():
    import os

    terminal = FakeTerminal(b"\x1b[?1;2cjk\n")
    try:
        assert terminal.ask() == TerminalAnswer(sixel=False, kitty=False)
        assert os.read(terminal.slave, 16) == b"jk\n"
    finally:
        terminal.close()


def test_a_terminal_that_does_not_answer_gets_half_cell_blocks():
    terminal = FakeTerminal(b"")
    try:
        assert terminal.ask(timeout=0.05) == TerminalAnswer(sixel=False, kitty=False)
    finally:
        terminal.close()


async def test_the_picture_widget_gets_the_image(app_factory, tmp_path: Path, server):
    urls = server.serve_samples()
    app = app_factory(_library(tmp_path / "lib", [urls["png"], urls["jpeg"]]), pictures=HALFCELL)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(app, pilot)
        await _settle(app, pilot)
        picture = _picture(app)
        assert picture.display and picture.region.height > 0
        assert picture.image is not None and picture.image.size == (96, 64)
        assert picture.region.height <= app.query_one("#reading").region.height // 3 + 1
        assert picture.region.bottom <= app.detail.region.y  # above the text
        await pilot.press("j")
        await _settle(app, pilot)
        assert picture.image.size == (160, 90)  # the JPEG of the next article
        assert "/b.jpg" in server.requests


@pytest.mark.parametrize(
    ("sample", "line"),
    [
        ("bomb", "picture not shown: too large"),
        ("html_as_png", "picture not shown: not a picture"),
        ("html", "picture not shown: not a picture (text/html)"),
        ("missing", "picture not shown: the server answered 404"),
    ],
)
async def test_hostile_pictures_are_one_quiet_line(app_factory, tmp_path, server, sample, line):
    urls = server.serve_samples()
    app = app_factory(_library(tmp_path / "lib", [urls[sample]]), pictures=HALFCELL)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(app, pilot)
        await _settle(app, pilot)
        picture = _picture(app)
        assert picture.image is None
        assert picture.refused.startswith(line)
        shown = picture.query_one("#picture-line")
        assert shown.display and str(shown.render()).startswith(line)
        assert picture.region.height == 1  # one quiet line, not the box
        assert app.is_running  # never a crash


async def test_a_refusal_too_long_for_its_line_ends_in_an_ellipsis(app_factory, tmp_path, server):
    """It was cut at the edge mid-word, as if the sentence ended there."""
    urls = server.serve_samples()
    app = app_factory(_library(tmp_path / "lib", [urls["missing"]]), pictures=HALFCELL)
    async with app.run_test(size=(40, 30)) as pilot:
        await wait_loaded(app, pilot)
        await _settle(app, pilot)
        picture = _picture(app)
        assert picture.refused.startswith("picture not shown: the server answered 404")
        region = picture.query_one("#picture-line").content_region
        update = app.screen._compositor.render_update(full=True)
        row = "".join(strip.text for strip in update.strips[region.y])
        shown = row[region.x : region.right].rstrip()
        assert shown.startswith("picture not shown") and shown.endswith("…")
        assert len(shown) <= region.width


async def test_offline_the_cached_picture_is_shown(app_factory, tmp_path: Path, server):
    urls = server.serve_samples()
    folder = _library(tmp_path / "lib", [urls["jpeg"]])
    app = app_factory(folder, pictures=HALFCELL)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(app, pilot)
        await _settle(app, pilot)
        assert _picture(app).image is not None
    server.stop()  # offline from here
    app = app_factory(folder, pictures=HALFCELL)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(app, pilot)
        await _settle(app, pilot)
        picture = _picture(app)
        assert picture.image is not None and picture.image.size == (160, 90)
        assert not picture.refused


async def test_a_j_never_waits_for_a_picture(app_factory, tmp_path: Path, server):
    urls = server.serve_samples()
    gate = server.hold("/b.jpg")  # the second picture answers only when told
    app = app_factory(_library(tmp_path / "lib", [urls["png"], urls["jpeg"]]), pictures=HALFCELL)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.pause()
        second = app.query_one(ArticleList).articles[1]
        await pilot.press("j")
        # The text is there while the picture is still on its way.
        assert app.detail.article is second
        assert second.title in "\n".join(app.detail.text_lines())
        assert _picture(app).url == urls["jpeg"] and _picture(app).image is None
        gate.set()
        await _settle(app, pilot)
        assert _picture(app).image is not None and _picture(app).image.size == (160, 90)


async def test_the_read_ahead_fetches_the_next_pictures(app_factory, tmp_path: Path, server):
    urls = server.serve_samples()
    app = app_factory(_library(tmp_path / "lib", [urls["png"], urls["jpeg"]]), pictures=HALFCELL)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(app, pilot)
        await _settle(app, pilot)
        await _settle(app, pilot)
        assert "/b.jpg" in server.requests  # before the article was shown
        assert _picture(app).cache.get(urls["jpeg"]) is not None


async def test_the_picture_is_hidden_in_a_narrow_pane(app_factory, tmp_path: Path, server):
    urls = server.serve_samples()
    app = app_factory(_library(tmp_path / "lib", [urls["png"]]), pictures=HALFCELL)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await _settle(app, pilot)
        assert not _picture(app).display or _picture(app).region.height == 0


async def test_articles_without_a_picture_have_no_box(app_factory, many_dir: Path):
    app = app_factory(many_dir, pictures=HALFCELL)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(app, pilot)
        assert _picture(app).url is None
        assert _picture(app).region.height == 0


async def test_a_new_picture_of_the_same_size_lays_nothing_out(
    app_factory, tmp_path: Path, server, monkeypatch
):
    from picture_samples import png
    from textual.screen import Screen

    urls = [server.serve(f"/{n}.png", png(96 + n % 2, 64)) for n in range(6)]
    app = app_factory(_library(tmp_path / "lib", urls), pictures=HALFCELL)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(app, pilot)
        await _settle(app, pilot)
        layouts: list[bool] = []
        refresh_layout = Screen._refresh_layout

        def counting(screen: Screen, *args, **kwargs) -> None:
            layouts.append(True)
            refresh_layout(screen, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", counting)
        for n in (2, 4):  # 96x64 like the first: the same box in cells
            await pilot.press("j", "j")
            await _settle(app, pilot)
            assert _picture(app).url == urls[n] and _picture(app).image is not None
        assert layouts == []


async def test_offline_a_new_picture_waits_on_one_line_and_the_text_stays(
    app_factory, tmp_path: Path, monkeypatch
):
    # No box drawn and taken back on each j: the last host could not be reached.
    import reader.widgets.picture as picture_module
    from reader.images import PictureRefused

    gate = threading.Event()

    def unreachable(url: str, cache) -> None:
        if "second" in url:
            gate.wait(10)
        raise PictureRefused(f"could not connect to {url[8:20]}", unreachable=True)

    monkeypatch.setattr(picture_module, "load_picture", unreachable)
    folder = _library(
        tmp_path / "lib", ["https://first.example/a.png", "https://second.example/b.png"]
    )
    app = app_factory(folder, pictures=HALFCELL)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(app, pilot)
        await _settle(app, pilot)
        picture = _picture(app)
        assert picture.region.height == 1 and picture.refused.startswith("picture not shown")
        text_at = app.detail.region.y
        await pilot.press("j")
        await pilot.pause()
        assert picture.url == "https://second.example/b.png" and not gate.is_set()
        assert picture.region.height == 1 and "fetching" in picture.refused
        assert app.detail.region.y == text_at  # the text did not move
        gate.set()
        await _settle(app, pilot)
        assert picture.region.height == 1 and "could not connect" in picture.refused
        assert app.detail.region.y == text_at
