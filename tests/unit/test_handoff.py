"""Hand-offs: article fields reach a command only as input and environment, never as shell text."""

from __future__ import annotations

import os
import shlex
import signal
from datetime import UTC, datetime
from pathlib import Path

from reader.handoff import (
    article_text,
    command_argv,
    markdown,
    run_command,
    run_pipe,
    save_markdown,
    template_problem,
)
from reader.model import Article

HOSTILE = '$(touch {d}/pwned) `touch {d}/pwned2` "; touch {d}/pwned3 #'


def _article(tmp_path: Path) -> Article:
    return Article(
        id="https://e.example/1",
        title=HOSTILE.format(d=tmp_path),
        path=str(tmp_path / "a.txt"),
        url="https://e.example/1?a=1&b=$(id)",
        published=datetime(2020, 6, 11, 16, 14, tzinfo=UTC),
        provider="Gulf News",
    )


def test_a_hostile_title_is_only_ever_data(tmp_path: Path) -> None:
    article = _article(tmp_path)
    out = tmp_path / "out.txt"
    command = (
        f'cat > {out}; printf "%s\\n%s" "$NEWSREADER_TITLE" "$NEWSREADER_URL" > {tmp_path}/env.txt'
        "; echo 'first problem' >&2; echo second >&2; exit 3"
    )
    outcome = run_pipe(command, article)
    assert (outcome.status, outcome.stderr) == (3, "first problem")
    assert outcome.describe().endswith("exit 3\nfirst problem")
    assert out.read_text() == article_text(article)
    assert (tmp_path / "env.txt").read_text() == f"{article.title}\n{article.url}"
    assert not any(tmp_path.glob("pwned*"))


def test_the_piped_text_is_title_link_date_then_the_text(tmp_path: Path) -> None:
    article = _article(tmp_path)
    head = [article.title, article.url, "2020-06-11 16:14 UTC"]
    # The text is the caller's: the full text, else the file's body, else its excerpt.
    assert article_text(article, "The excerpt.").splitlines() == [*head, "", "The excerpt."]
    assert article_text(article, "The whole text.").splitlines()[4] == "The whole text."
    assert article_text(article).splitlines() == head


def test_a_command_that_never_exits_is_not_waited_for(tmp_path: Path) -> None:
    outcome = run_pipe("sleep 30", _article(tmp_path), wait=0.3)
    assert outcome.status is None and outcome.pid is not None
    assert "still running" in outcome.describe()
    os.killpg(outcome.pid, signal.SIGTERM)  # its own session: the test cleans up


def test_a_command_that_cannot_start_is_named(tmp_path: Path) -> None:
    outcome = run_pipe("no-such-program-here", _article(tmp_path))
    assert outcome.status == 127 and "not found" in outcome.stderr


def test_save_as_markdown(tmp_path: Path) -> None:
    article = _article(tmp_path)
    first = save_markdown(article, tmp_path / "saved")
    second = save_markdown(article, tmp_path / "saved")
    assert first != second and first.parent == second.parent == tmp_path / "saved"
    assert "/" not in first.name[:-3] and first.name.startswith("2020-06-11-")
    assert first.read_text() == markdown(article)
    assert markdown(article).startswith(f"# {article.title}\n\n<{article.url}>\n")


def test_y_uses_a_real_clipboard_tool_when_there_is_one(tmp_path: Path) -> None:
    from reader.handoff import clipboard_tool, copy_with_tool

    tools = tmp_path / "bin"
    tools.mkdir()
    got = tmp_path / "clipboard.txt"
    for name in ("wl-copy", "xclip"):
        script = tools / name
        script.write_text(f"#!/bin/sh\ncat > {got}.{name}\n")
        script.chmod(0o755)
    env = {"PATH": f"{tools}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    assert clipboard_tool(env) is None  # no display: neither tool can work
    env["DISPLAY"] = ":0"
    assert copy_with_tool("https://e.example/1", env) == "xclip"
    assert Path(f"{got}.xclip").read_text() == "https://e.example/1"
    env["WAYLAND_DISPLAY"] = "wayland-0"
    assert copy_with_tool("https://e.example/2", env) == "wl-copy"
    assert Path(f"{got}.wl-copy").read_text() == "https://e.example/2"


def test_a_named_command_gets_fields_only_as_whole_argv_items(tmp_path: Path) -> None:
    article = _article(tmp_path)
    out = tmp_path / "out.txt"
    template = (
        f'sh -c \'printf %s/%s/%s "$1" "$2" "$3" > {out}\' _ {{title}} link={{url}} {{provider}}'
    )
    assert command_argv(template, article)[-3:] == [
        article.title,
        f"link={article.url}",
        "Gulf News",
    ]
    outcome = run_command("keep", template, article, wait=10)
    assert (outcome.command, outcome.status) == ("keep", 0)
    assert out.read_text() == f"{article.title}/link={article.url}/Gulf News"
    assert not any(tmp_path.glob("pwned*"))


def test_a_named_command_has_the_environment_and_the_article_on_its_input(tmp_path: Path) -> None:
    article = _article(tmp_path)
    script = (
        "import os, sys; sys.stderr.write(os.environ['NEWSREADER_TITLE'] + chr(10)); "
        "sys.stdout.write(sys.stdin.readline()); sys.exit(3)"
    )
    outcome = run_command("py", f"python3 -c {shlex.quote(script)}", article, wait=10)
    first = article.title[:200]  # a notice shows at most 200 characters of a line
    assert (outcome.status, outcome.stderr, outcome.stdout) == (3, first, first)
    assert not any(tmp_path.glob("pwned*"))


def test_a_named_command_that_does_not_exist_says_so(tmp_path: Path) -> None:
    outcome = run_command("nope", "no-such-program-here {url}", _article(tmp_path), wait=10)
    assert outcome.status is None and outcome.error
    assert outcome.describe().startswith("nope: ")


def test_template_problems() -> None:
    assert template_problem("mpv --no-terminal {url}") is None
    assert template_problem("echo {title}{date}") is None
    assert "unknown placeholder {link}" in (template_problem("mpv {link}") or "")
    assert "cannot be split" in (template_problem("mpv 'x") or "")
    assert "is empty" in (template_problem("   ") or "")


def test_a_field_inside_the_code_a_shell_or_interpreter_runs_is_refused() -> None:
    """`sh -c 'echo {title}'` would run a title "$(touch x)": the template is refused."""
    refused = [
        "sh -c 'echo {title} > /tmp/x'",
        'bash -lc "notify-send {title}"',
        "/bin/zsh -c 'open {url}'",
        'env LANG=C sh -c "echo {provider}"',
        "nohup sh -ec 'x {date}'",
        "xargs -0 sh -c 'echo {url}'",
        "python3.12 -c \"print('{title}')\"",
        'perl -e "print q({title})"',
        "node -e 'console.log(`{title}`)'",
        "sh -c {title}",
    ]
    for template in refused:
        problem = template_problem(template) or ""
        assert "inside the code" in problem, template
        assert "$NEWSREADER_TITLE" in problem  # and how to do it instead
    allowed = [
        "sh -c 'echo \"$1\"' sh {title}",  # the field is an argument of the script, not in it
        "sh -c 'echo \"$NEWSREADER_TITLE\"'",
        "sh ./notify.sh {title}",
        "mpv --no-terminal {url}",
        "python3 ./save.py {url} {title}",
        "echo -c {title}",  # echo runs nothing
    ]
    for template in allowed:
        assert template_problem(template) is None, template


def test_a_refused_template_is_never_run(tmp_path: Path) -> None:
    article = _article(tmp_path)
    marker = tmp_path / "ran"
    outcome = run_command("bad", f"sh -c 'touch {marker}; echo {{title}}'", article, wait=5)
    assert outcome.error.startswith("not run: it puts an article's field inside the code sh runs")
    assert not marker.exists()
    assert not list(tmp_path.glob("pwned*"))
