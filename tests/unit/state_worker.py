"""A separate process for the UserState tests (not collected by pytest).

state_worker.py kill DB ID                 mark ID read, print "marked", SIGKILL itself
state_worker.py many DB PREFIX N GO_FILE   wait for GO_FILE, mark PREFIX0..PREFIX{N-1}
                                           one at a time; exit 1 if any was not saved
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from reader.state import UserState


def main(argv: list[str]) -> int:
    command, db = argv[0], Path(argv[1])
    if command == "kill":
        state = UserState(db)
        state.mark_read([argv[2]])
        print("marked", flush=True)
        # No close(), no atexit, no flush: only what mark_read committed survives.
        os.kill(os.getpid(), signal.SIGKILL)
        return 99
    if command == "many":
        prefix, count, go = argv[2], int(argv[3]), Path(argv[4])
        state = UserState(db)
        deadline = time.monotonic() + 30
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        for n in range(count):
            state.mark_read([f"{prefix}{n}"])
            if n % 10 == 0:
                state.refresh()  # reads interleave with the other process's writes
            time.sleep(0.001)  # spread the marks so the two processes overlap
        state.close()
        if state.warning or state.unsaved:
            print(f"warning={state.warning!r} unsaved={state.unsaved}", file=sys.stderr)
            return 1
        return 0
    print(f"unknown command {command!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
