"""What the app's controllers share: the app they act on, and thin thread workers.

The app's families of actions (feeds, handoff, full text, search, marks) are
controller objects rather than mixins: each owns its state under its own
name (``app.feeds.fetching``), and the app's actions and message handlers are
one-line routes to them. Textual finds ``action_*`` methods and ``@on``
handlers only on the App itself (``@on`` in a plain mixin is never collected),
which is where the routes stay.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

# The app as its controllers see it. Not reader.app.NewsReaderApp: importing it here,
# even only for the type checker, would make reader.app and reader.tui import each
# other (tests/unit/test_cli_package.py keeps reader/ free of import cycles).
Host = Any

P = ParamSpec("P")
C = TypeVar("C", bound="Controller")


class Controller:
    """A family of the app's actions, with the state only it needs."""

    def __init__(self, app: Host) -> None:
        self.app = app


def in_thread(
    *, group: str, exclusive: bool = False
) -> Callable[[Callable[Concatenate[C, P], None]], Callable[Concatenate[C, P], None]]:
    """Run the method in a thread worker of the app (Textual's ``@work`` for a controller).

    Every worker has a description: without one Textual repr()s the arguments,
    3.5 s for a list of 100,000 articles.
    """

    def decorator(method: Callable[Concatenate[C, P], None]) -> Callable[Concatenate[C, P], None]:
        @wraps(method)
        def run(self: C, *args: P.args, **kwargs: P.kwargs) -> None:
            self.app.run_worker(
                partial(method, self, *args, **kwargs),
                thread=True,
                exclusive=exclusive,
                exit_on_error=False,
                group=group,
                name=method.__name__,
                description=group,
            )

        return run

    return decorator
