"""Handing an article on: open its link, copy it, pipe it, run a named command, save it.

``HandoffActions`` owns where S saves and the user's named commands; its
workers run ``reader.handoff`` (a command is never waited on by the screen)
and post ``CommandDone`` for the app to route back here. Links come from the
highlighted related story, the full text's numbered links (a chooser), or the
article.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from reader.formatting import short_url
from reader.model import Article
from reader.text import is_web_url
from reader.tui.controller import Controller, Host, in_thread
from reader.tui.messages import CommandDone

if TYPE_CHECKING:
    from reader.fulltext.document import Link


class HandoffActions(Controller):
    """Links, the pipe, named commands, copying and saving as Markdown."""

    def __init__(self, app: Host, save_folder: Path | None, commands: Mapping[str, str]) -> None:
        super().__init__(app)
        self.save_folder = save_folder  # where S saves; None: paths.saved_dir()
        self.commands = dict(commands)  # [commands]: name -> argv template

    def open_link(self) -> None:
        chooser = self._full_text_links()
        if chooser is not None:
            article, links = chooser
            from reader.screens.links import LinkChooser

            def chosen(url: str | None) -> None:
                if url:
                    self._open_url(url, article)

            self.app.push_screen(LinkChooser("Open", article.url, links), chosen)
            return
        self._open_url(*self._target_link())

    def _open_url(self, url: str, article: Article | None) -> None:
        if not url:
            self._say_no_link()
            return
        if not is_web_url(url):
            self.app.notify(
                "Not opening this link: only http and https links are opened.\n"
                + self._notice_url(url),
                severity="warning",
                timeout=5,
            )
            return
        from reader import browser

        if self.app.is_web:
            self.app.open_url(url)  # textual-serve: the user's own browser opens it
        elif not browser.open_in_browser(url):
            self.app.notify(
                f"Not opened:\n{self._notice_url(url)}\n{browser.NO_BROWSER_HELP}",
                title="No browser",
                severity="warning",
                timeout=10,
            )
            return
        self.app.notify(f"Opened in the browser:\n{self._notice_url(url)}", timeout=3)
        if article is not None:
            self.app.marks.mark_read(article)

    def copy_link(self) -> None:
        chooser = self._full_text_links()
        if chooser is not None:
            article, links = chooser
            from reader.screens.links import LinkChooser

            def chosen(url: str | None) -> None:
                if url:
                    self._copy_url(url)

            self.app.push_screen(LinkChooser("Copy", article.url, links), chosen)
            return
        self._copy_url(self._target_link()[0])

    def _copy_url(self, url: str) -> None:
        if not url:
            self._say_no_link()
            return
        self.app.copy_to_clipboard(url)
        # OSC 52 has no reply: a terminal that ignores it cannot say so.
        self.app.notify(
            "Sent the link to the terminal's clipboard (OSC 52):\n"
            f"{self._notice_url(url)}\n"
            "Some terminals ignore OSC 52; then nothing was copied.",
            timeout=5,
        )
        self._copy_with_tool(url)

    @in_thread(group="clipboard", exclusive=True)
    def _copy_with_tool(self, text: str) -> None:
        """Also a real clipboard tool (wl-copy, xclip, pbcopy) when there is one."""
        from reader.handoff import copy_with_tool

        name = copy_with_tool(text)
        if name is not None:
            self.app.call_from_thread(
                self.app.notify, f"Copied the link with {name} too.", timeout=3
            )

    def pipe(self) -> None:
        article = self.app.article_list.article
        if article is None:
            return
        from reader.screens.pipe import PipeScreen

        last = self.app.state.get_setting("pipe_command", "")

        def run(command: str | None) -> None:
            if not command:
                return
            if not self.app.state.readonly:
                self.app.state.set_setting("pipe_command", command)
            self.app.notify(f"Piping to {command} …", timeout=2)
            self._pipe(command, article)

        self.app.push_screen(PipeScreen(article.title, last if isinstance(last, str) else ""), run)

    @in_thread(group="pipe", exclusive=False)
    def _pipe(self, command: str, article: Article) -> None:
        """Run the command off the event loop; it is never waited on by the screen."""
        from reader.handoff import run_pipe

        body = self._handoff_body(article)
        self.app.post_message(CommandDone(run_pipe(command, article, body)))

    def run_command(self, name: str) -> None:
        article = self.app.article_list.article
        template = self.commands.get(name)
        if article is None or template is None:
            return
        self.app.notify(f"Running {name} …", timeout=2)
        self._run_command(name, template, article)

    @in_thread(group="pipe", exclusive=False)
    def _run_command(self, name: str, template: str, article: Article) -> None:
        """Like the pipe: off the event loop, never waited on by the screen."""
        from reader.handoff import run_command

        body = self._handoff_body(article)
        self.app.post_message(CommandDone(run_command(name, template, article, body)))

    def save_markdown(self) -> None:
        article = self.app.article_list.article
        if article is None:
            return
        from reader import paths
        from reader.handoff import save_markdown

        folder = self.save_folder or paths.saved_dir()
        body = self._handoff_body(article)
        try:
            path = save_markdown(article, folder, body)
        except OSError as error:
            self.app.notify(
                f"Not saved: {folder} cannot be written ({error.strerror or error}).",
                severity="error",
                timeout=6,
            )
            return
        self.app.notify(f"Saved as Markdown:\n{path}", timeout=5)

    def command_done(self, message: CommandDone) -> None:
        outcome = message.outcome
        failed = bool(outcome.error) or outcome.status not in (0, None)
        self.app.notify(
            outcome.describe(),
            title="Command",
            severity="error" if failed else "information",
            timeout=6,
        )

    def _handoff_body(self, article: Article) -> str:
        """The full text when one is stored, else the file's body, else its excerpt."""
        stored = self.app.texts.get(article.id)
        if stored is not None and stored.plain:
            return stored.plain
        try:
            detail = self.app.pages.detail(article)  # read once, as the detail pane shows it
        except OSError:
            return ""
        return detail.body if detail.body.strip() else detail.excerpt

    def _target_link(self) -> tuple[str, Article | None]:
        """The link the user means: the highlighted related story when the detail has focus."""
        if self.app.focused is self.app.detail:
            entry = self.app.detail.highlighted_related
            if entry is not None:
                return entry.related.url, entry.article
        if self.app.detail.related_shown is not None:
            return self.app.detail.related_shown.url, None
        article = self.app.article_list.article
        return (article.url, article) if article else ("", None)

    def _notice_url(self, url: str) -> str:
        """A link for a notice's line of its own: cut to fit it, so the notice never
        wraps inside the link (a notice is 60 cells at most and half the screen, less
        its border and padding)."""
        return short_url(url, max(20, min(60, self.app.size.width // 2) - 4))

    def _say_no_link(self) -> None:
        if self.app.article_list.article is None:
            self.app.notify("No article selected.", timeout=2)
        else:
            self.app.notify("This article has no link.", severity="warning", timeout=3)

    def _full_text_links(self) -> tuple[Article, list[Link]] | None:
        """The shown full text's numbered links, unless a related story is what is meant."""
        article = self.app.detail.article
        if article is None or self.app.detail.related_shown is not None:
            return None
        if self.app.focused is self.app.detail and self.app.detail.highlighted_related is not None:
            return None
        if not self.app.full_texts.wants(article):
            return None
        stored = self.app.texts.get(article.id)
        if stored is None or stored.document is None or not stored.document.links:
            return None
        return article, list(stored.document.links)
