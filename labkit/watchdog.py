"""Find and end everything a traced program started, even what left its process group.

A program's children normally stay in its process group, and one ``killpg`` ends them all. A
child that calls ``setsid()`` (``subprocess.Popen(..., start_new_session=True)``, or a daemon's
double fork) leaves the group, and after a double fork it is not even a descendant any more:
its parent has exited and init adopted it. What it cannot shed is the environment it was
started with, so the runner puts a mark in the program's environment (``LABKIT_RUN=<token>``,
unique to the run) and looks for that mark in ``/proc/PID/environ``. A process that replaces
its whole environment before ``exec`` escapes this; nothing short of a cgroup catches that.

Standard library only, and runnable on its own: the runner starts this file as the watchdog
process, which waits for the parent to die or to stand it down (see ``labkit.process``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

MARK_VARIABLE = "LABKIT_RUN"
"""The environment variable whose value marks every process of one run."""

ROUNDS = 10
"""How many times to look again for processes started while the others were being killed."""


def marked_processes(mark: str) -> list[int]:
    """Pids of the running processes whose environment holds ``LABKIT_RUN=mark``, except ours."""
    entry = b"\0" + f"{MARK_VARIABLE}={mark}".encode() + b"\0"
    me = os.getpid()
    found = []
    try:
        names = os.listdir("/proc")
    except OSError:  # not Linux: the process group is all we can end
        return []
    for name in names:
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as environ:
                if entry in b"\0" + environ.read():
                    found.append(int(name))
        except OSError:  # gone, or not ours to read
            continue
    return found


def end_everything(group: int, mark: str) -> None:
    """SIGKILL the process group ``group`` and every process carrying the run's mark."""
    with contextlib.suppress(OSError):
        os.killpg(group, signal.SIGKILL)
    for _ in range(ROUNDS):
        pids = marked_processes(mark)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def main(group: int, mark: str) -> None:
    """Wait on standard input (the lifeline); if it closes without a byte, end the run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not os.read(0, 1):
        end_everything(group, mark)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
