"""The child process itself: start it traced, signal its process group, and make sure that
nothing it started outlives it or us.

Every program runs in a session and process group of its own, so "Ctrl+C" can go to the whole
group as a terminal sends it, and the group can be ended as one. Processes that leave the group
(``setsid()``) are found by a mark in their environment (see ``labkit.watchdog``). A tiny
watchdog process holds the read end of a "lifeline" pipe: if the parent dies (even by SIGKILL)
the pipe closes and the watchdog ends the group and every marked process. The parent tells the
watchdog to stand down after cleaning up itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import subprocess
import sys
from pathlib import Path

from . import watchdog
from .bytecode import ENV_CODE
from .tracer import protocol

PIPE_SIZE = 1 << 20
INJECT_DIR = str(Path(__file__).parent / "tracer" / "inject")


def traced_environment(
    base: dict[str, str] | None, trace_fd: int, mark: str, tracer_code: str | None = None
) -> dict[str, str]:
    """The child's environment: the caller's, the run's mark, and what the tracer needs
    (``tracer_code``: the tracer compiled ahead for the child's interpreter, see ``bytecode``)."""
    env = dict(os.environ if base is None else base)
    env[watchdog.MARK_VARIABLE] = mark
    original = env.get("PYTHONPATH", "")
    env["PYTHONPATH"] = INJECT_DIR + (os.pathsep + original if original else "")
    env[protocol.ENV_PYTHONPATH] = original
    env[protocol.ENV_FD] = str(trace_fd)
    env[protocol.ENV_RESTORE_SIGINT] = "1"
    if tracer_code is not None:
        env[ENV_CODE] = tracer_code
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
        tracer_code: str | None = None,
    ) -> None:
        self.mark = secrets.token_hex(8)
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
                env=traced_environment(env, trace_write, self.mark, tracer_code),
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
                [sys.executable, "-S", watchdog.__file__, str(self.pid), self.mark],
                stdin=lifeline_read,
                start_new_session=True,
            )
        except BaseException:
            self.kill_all()
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

    def anything_left(self) -> bool:
        """True while the program or anything it started (in its group or not) still runs."""
        try:
            os.killpg(self.pid, 0)
        except (ProcessLookupError, PermissionError):
            return bool(watchdog.marked_processes(self.mark))
        return True

    def kill_all(self) -> None:
        """SIGKILL every process left in the group, and every process that left it."""
        watchdog.end_everything(self.pid, self.mark)

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
