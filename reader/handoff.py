"""Handing an article to another program: a pipe to a shell command, saved Markdown.

Article text is untrusted: it reaches a command only on its standard input and
in environment variables (``NEWSREADER_URL``, ``NEWSREADER_TITLE``), never in
the command line's text, so a title such as ``$(touch /tmp/x)`` is only ever
data. The command line is the user's own, typed in the pipe dialog. No Textual
here: the app runs ``run_pipe`` in a thread worker and shows the ``Outcome``.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from reader.model import Article
from reader.text import strip_controls

# How long a worker waits for a command's exit status before it stops waiting
# (the command keeps running; the reader never waits on it).
WAIT_SECONDS = 30.0


def article_text(article: Article, body: str = "") -> str:
    """What a pipe receives: title, link, date, a blank line, then the text (``body``:
    the full text, else the file's body, else its excerpt, as the caller read them)."""
    when = article.published.strftime("%Y-%m-%d %H:%M UTC") if article.published else ""
    head = [article.title, article.url, when]
    text = body.strip()
    return "\n".join([*head, "", text]).rstrip("\n") + "\n"


def article_env(article: Article) -> dict[str, str]:
    """The environment of a command: ours, plus the article's fields as variables."""
    env = dict(os.environ)
    env["NEWSREADER_URL"] = article.url
    env["NEWSREADER_TITLE"] = strip_controls(article.title)
    return env


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a command ended: its exit status (None: still running), first lines of output."""

    command: str
    status: int | None
    stderr: str = ""
    stdout: str = ""
    error: str = ""  # it could not be started
    pid: int | None = None

    def describe(self) -> str:
        """One or two lines for a notice."""
        if self.error:
            return f"{self.command}: {self.error}"
        if self.status is None:
            return f"{self.command}: still running after {WAIT_SECONDS:.0f} s; not waiting for it"
        said = self.stderr or self.stdout
        return f"{self.command}: exit {self.status}" + (f"\n{said}" if said else "")


def _first_line(data: bytes) -> str:
    for line in data.decode("utf-8", "replace").splitlines():
        if line.strip():
            return strip_controls(line.strip())[:200]
    return ""


def run_pipe(
    command: str, article: Article, body: str = "", *, wait: float = WAIT_SECONDS
) -> Outcome:
    """Run ``command`` with ``sh -c``, the article on its standard input.

    Blocks for at most ``wait`` seconds (call it from a worker thread).
    """
    return _run(["sh", "-c", command], command, article, article_text(article, body), wait)


# ------------------------------------------------------------------ named commands

# What a named command's template may hold, each inside one argv item.
PLACEHOLDERS = ("url", "title", "provider", "date")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


# Programs that run their argument after one of these options as code: a field put
# inside it (sh -c 'echo {title}') would be code too, a title "$(rm -rf ~)" run.
_CODE_OPTIONS = {
    **dict.fromkeys(("sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish"), "c"),
    **dict.fromkeys(("python", "python2", "python3", "pypy3"), "c"),
    **dict.fromkeys(("perl", "ruby"), "eE"),
    **dict.fromkeys(("node", "nodejs", "deno", "osascript"), "ep"),
}
# Programs that run the rest of their arguments as a command of their own.
_WRAPPERS = frozenset({"env", "nice", "nohup", "setsid", "exec", "command", "time", "xargs"})


def _code_with_a_field(argv: list[str]) -> str | None:
    """The program that would run a placeholder's field as code, or None."""
    words = list(argv)
    while words and os.path.basename(words[0]) in _WRAPPERS:
        words = words[1:]
        while words and (words[0].startswith("-") or "=" in words[0]):
            words = words[1:]  # the wrapper's options and VAR=value settings
    if not words:
        return None
    program = os.path.basename(words[0])
    letters = _CODE_OPTIONS.get(re.sub(r"[\d.]+$", "", program))
    if letters is None:
        return None
    for number, word in enumerate(words[1:], 1):
        if word == "--":
            return None
        if not (word.startswith("-") and not word.startswith("--")):
            continue
        if set(word[1:]) & set(letters):  # -c, -lc, -e: the next word is code
            code = words[number + 1] if number + 1 < len(words) else ""
            if _PLACEHOLDER.search(code) or _PLACEHOLDER.search(word):
                return program
    return None


def template_problem(template: str) -> str | None:
    """Why a ``[commands]`` template cannot be run, or None when it can."""
    try:
        argv = shlex.split(template)
    except ValueError as error:
        return f"cannot be split into words ({error})"
    if not argv:
        return "is empty: give a program and its arguments"
    for item in argv:
        for name in _PLACEHOLDER.findall(item):
            if name not in PLACEHOLDERS:
                known = ", ".join(f"{{{known}}}" for known in PLACEHOLDERS)
                return f"has an unknown placeholder {{{name}}} (known: {known})"
    program = _code_with_a_field(argv)
    if program is not None:
        return (
            f"puts an article's field inside the code {program} runs, so a title such as "
            f"$(rm -rf ~) would run too; pass it as an argument instead, such as "
            f"sh -c 'echo \"$1\"' sh {{title}}, or read $NEWSREADER_TITLE"
        )
    return None


def command_argv(template: str, article: Article) -> list[str]:
    """The argv of a named command: the template split as shell words first, then each
    placeholder replaced inside its own item, so a field is never more than data."""
    fields = {
        "url": article.url,
        "title": strip_controls(article.title),
        "provider": strip_controls(article.provider),
        "date": article.published.strftime("%Y-%m-%d") if article.published else "",
    }
    return [
        _PLACEHOLDER.sub(lambda m: fields.get(m.group(1), m.group(0)), item)
        for item in shlex.split(template)
    ]


def run_command(
    name: str, template: str, article: Article, body: str = "", *, wait: float = WAIT_SECONDS
) -> Outcome:
    """Run the named command (never through a shell), the article on its standard input.

    Blocks for at most ``wait`` seconds (call it from a worker thread). A template
    ``template_problem`` refuses is not run (the config leaves it out already).
    """
    problem = template_problem(template)
    if problem is not None:
        return Outcome(name, None, error=f"not run: it {problem}")
    return _run(command_argv(template, article), name, article, article_text(article, body), wait)


def _run(argv: list[str], shown: str, article: Article, stdin: str, wait: float) -> Outcome:
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=article_env(article),
            start_new_session=True,  # not in the terminal's process group: keys stay ours
        )
    except OSError as error:
        return Outcome(shown, None, error=error.strerror or str(error))
    try:
        out, err = process.communicate(stdin.encode("utf-8"), timeout=wait)
    except subprocess.TimeoutExpired:
        return Outcome(shown, None, pid=process.pid)
    except BrokenPipeError:
        out, err = b"", b""
        process.wait(timeout=wait)
    return Outcome(shown, process.returncode, _first_line(err), _first_line(out), pid=process.pid)


# ------------------------------------------------------------------ Markdown


def markdown(article: Article, body: str = "") -> str:
    """The article as a Markdown file: a heading, its source and date, the text."""
    lines = [f"# {article.title}", ""]
    if article.url:
        lines.append(f"<{article.url}>")
    meta = " · ".join(
        part
        for part in (
            article.provider,
            article.published.strftime("%Y-%m-%d") if article.published else "",
        )
        if part
    )
    if meta:
        lines += ["", meta]
    text = body.strip()
    if text:
        lines += ["", text]
    return "\n".join(lines) + "\n"


def markdown_name(article: Article) -> str:
    """A safe file name for the article: its date and title, no path characters."""
    stem = re.sub(r"[^\w\- ]+", "", article.title).strip().replace(" ", "-")[:80] or "article"
    date = article.published.strftime("%Y-%m-%d-") if article.published else ""
    return f"{date}{stem}.md"


def save_markdown(article: Article, folder: Path, body: str = "") -> Path:
    """Write the article into ``folder`` (created if needed); a new name if one is taken."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / markdown_name(article)
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{Path(markdown_name(article)).stem}-{number}.md"
    path.write_text(markdown(article, body), encoding="utf-8")
    return path


# ------------------------------------------------------------------ the clipboard

# A real clipboard tool beside OSC 52 (which tmux drops by default): the first
# one whose display is there.
_CLIPBOARD_TOOLS = (
    ("wl-copy", ("wl-copy",), "WAYLAND_DISPLAY"),
    ("xclip", ("xclip", "-selection", "clipboard"), "DISPLAY"),
    ("pbcopy", ("pbcopy",), ""),
)


def clipboard_tool(env: dict[str, str] | None = None) -> tuple[str, list[str]] | None:
    """The clipboard program to use here (name, argv), or None when there is none."""
    import shutil

    env = dict(os.environ) if env is None else env
    for name, argv, display in _CLIPBOARD_TOOLS:
        if display and not env.get(display):
            continue
        program = shutil.which(argv[0], path=env.get("PATH"))
        if program:
            return name, [program, *argv[1:]]
    return None


def copy_with_tool(text: str, env: dict[str, str] | None = None) -> str | None:
    """Put ``text`` on the clipboard with a real tool; the tool's name, or None."""
    tool = clipboard_tool(env)
    if tool is None:
        return None
    name, argv = tool
    try:
        done = subprocess.run(
            argv,
            input=text.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=3,
            env=env,
            start_new_session=True,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return name if done.returncode == 0 else None
