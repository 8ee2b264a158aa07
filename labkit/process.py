"""The child process itself: start it traced, signal its process group, and make sure that
nothing it started outlives it or us.

Every program runs in a session and process group of its own, so "Ctrl+C" can go to the whole
group as a terminal sends it, and the group can be ended as one. A tiny watchdog process holds
the read end of a "lifeline" pipe: if the parent dies (even by SIGKILL) the pipe closes and the
watchdog kills the group. The parent tells the watchdog to stand down after cleaning up itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
from pathlib import Path

from .tracer import protocol

PIPE_SIZE = 1 << 20
INJECT_DIR = str(Path(__file__).parent / "tracer" / "inject")

_WATCHDOG = """\
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
if not os.read(0, 1):
    try:
        os.killpg(int(sys.argv[1]), signal.SIGKILL)
    except OSError:
        pass
"""


def traced_environment(base: dict[str, str] | None, trace_fd: int) -> dict[str, str]:
    """The child's environment: the caller's, plus what the tracer needs to load itself."""
    env = dict(os.environ if base is None else base)
    original = env.get("PYTHONPATH", "")
    env["PYTHONPATH"] = INJECT_DIR + (os.pathsep + original if original else "")
    env[protocol.ENV_PYTHONPATH] = original
    env[protocol.ENV_FD] = str(trace_fd)
    env[protocol.ENV_RESTORE_SIGINT] = "1"
    return env


def disposition(pid: int, signum: int) -> str:
    """How the process will take ``signum`` right now: "handled", "ignored" or "default"."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "unknown"
    masks = {}
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in ("SigIgn", "SigCgt"):
            masks[key] = int(value.strip(), 16)
    bit = 1 << (signum - 1)
    if masks.get("SigCgt", 0) & bit:
        return "handled"
    if masks.get("SigIgn", 0) & bit:
        return "ignored"
    return "default"


class Child:
    """A traced program running in its own process group, with a watchdog behind it."""

    def __init__(
        self,
        argv: list[str],
        *,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        trace_read, trace_write = os.pipe()
        with contextlib.suppress(OSError, AttributeError):  # Linux: room for bursts of records
            fcntl.fcntl(trace_read, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        try:
            self.popen = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(trace_write,),
                env=traced_environment(env, trace_write),
                cwd=cwd,
                start_new_session=True,
            )
        except BaseException:
            os.close(trace_read)
            raise
        finally:
            os.close(trace_write)
        self.pid = self.popen.pid
        self.trace_fd = trace_read
        lifeline_read, self._lifeline = os.pipe()
        try:
            self._watchdog: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-S", "-c", _WATCHDOG, str(self.pid)],
                stdin=lifeline_read,
                start_new_session=True,
            )
        except BaseException:
            self.kill_group()
            raise
        finally:
            os.close(lifeline_read)

    def send(self, signum: int) -> bool:
        """Send a signal to the whole process group, as a terminal does. False if it is gone."""
        try:
            os.killpg(self.pid, signum)
        except (ProcessLookupError, PermissionError):
            return False
        return True

    def group_alive(self) -> bool:
        """True while any process of the group (the program or its children) still runs."""
        try:
            os.killpg(self.pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True

    def kill_group(self) -> None:
        """SIGKILL every process left in the group."""
        self.send(signal.SIGKILL)

    def release(self) -> None:
        """After everything is cleaned up: stand the watchdog down and close our pipes."""
        if self._watchdog is not None:
            with contextlib.suppress(OSError):
                os.write(self._lifeline, b"x")
            os.close(self._lifeline)
            self._watchdog.wait()
            self._watchdog = None
        for stream in (self.popen.stdout, self.popen.stderr):
            if stream is not None:
                stream.close()
        with contextlib.suppress(OSError):
            os.close(self.trace_fd)
