"""Run a command that ends with the supervisor that started it, however the supervisor ends (Linux).

`python bot/parent_bound.py PARENT_PID COMMAND...` asks the kernel to send this process SIGTERM when its parent
dies (prctl PR_SET_PDEATHSIG), then becomes COMMAND (exec keeps the request and the process id). The supervisor
stops its services itself on Ctrl-C, SIGTERM or SIGHUP; this covers the end it cannot handle: SIGKILL, or the
kernel's out-of-memory killer, which would otherwise leave the services running, holding their ports, with
nobody watching. Run as a script, not `-m bot...`: it imports nothing of ours, so it adds little to a start.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def bind_to_parent(parent: int) -> bool:
    """Ask for SIGTERM when the parent dies; False if it has died already (or cannot be watched)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            return False
    # Checked after the request: a parent that died before it was made would never send the signal.
    return os.getppid() == parent


def main(argv: list[str]) -> int:
    """Bind to the parent, then exec the command; 1 if the parent is gone or no command is given."""
    if len(argv) < 3 or not argv[1].isdigit():
        print("usage: parent_bound.py PARENT_PID COMMAND...", file=sys.stderr)
        return 2
    if not bind_to_parent(int(argv[1])):
        return 1
    os.execvp(argv[2], argv[2:])  # noqa: S606  (the supervisor's own service command, as a list: no shell)
    return 1  # not reached: exec replaces this process or raises


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
