"""Opening a link in the user's browser, and saying when none can be started.

Python's ``webbrowser`` (what Textual's ``App.open_url`` calls) returns quietly
when it finds no browser; here that is a False the app can explain. No Textual.
"""

from __future__ import annotations

import webbrowser

NO_BROWSER_HELP = (
    "No browser could be started. Set $BROWSER to one "
    "(e.g. export BROWSER=firefox) and restart newsreader; y copies the link."
)


def open_in_browser(url: str) -> bool:
    """Open ``url`` in a new browser tab; False when no browser could be started."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    try:
        return bool(browser.open(url, new=2))
    except (OSError, webbrowser.Error):
        return False
